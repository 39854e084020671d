/* search.h: the metaheuristic, one search thread's run from construction to its best solution (private). */
#ifndef POSTROUTE_SEARCH_H
#define POSTROUTE_SEARCH_H

#include "solution.h"

struct sresult {
	struct ssol best;    /* the caller frees it with sol_free */
	long iterations;
};

/* One search of c under sp (thread index `thread` picks its seed; t0 is
 * the solve's start), filling res. improved (may be NULL) is called with
 * each new best, from this thread. */
void search_run(const struct sctx *c, const struct pr_solve_params *sp,
    int thread, double t0, struct sresult *res, void (*improved)(void *,
    const struct ssol *), void *ud);

#endif
