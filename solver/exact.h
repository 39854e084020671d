/* exact.h: proven optima for small problems (private). */
#ifndef POSTROUTE_EXACT_H
#define POSTROUTE_EXACT_H

#include "solution.h"

/* All cheapest routes per job subset and class, then set partitioning,
 * for problems of at most 16 jobs without pins; returns 0 and fills *out
 * with a proven optimum, 1 when it could not prove one in time (out
 * untouched), or PR_E*. Uses GLPK through setpart.c. */
int exact_solve(const struct sctx *c, double deadline,
    const atomic_int *cancel, const struct ssol *incumbent,
    struct ssol *out);

#endif
