/* assign.h: generalised assignment with overflow (items to bins under two capacities), solved with GLPK from a greedy start. */
#ifndef POSTROUTE_ASSIGN_H
#define POSTROUTE_ASSIGN_H

/*
 * Pure and reentrant. GLPK runs inside the library's GLPK guard: no GLPK
 * environment is left behind in the calling thread (a caller must not
 * hold GLPK objects of its own across the call).
 */

#include "postroute/postroute.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Generalised assignment with overflow, solved with GLPK:
 *   min  sum cost[i][b] x[i][b] + sum overflow_cost y[i]
 *   s.t. sum_b x[i][b] + y[i] = 1                       every item i
 *        sum_i kg[i] x[i][b]      <= cap_kg[b]          every bin b
 *        sum_i hours[i][b] x[i][b] <= cap_h[b]          every bin b
 * cost[i * n_bins + b] = INFINITY forbids a pair. assign[i] gets the bin
 * or -1 (overflow). The greedy nearest-feasible solution (each item to
 * its cheapest bin, then overloaded bins shed the items that are
 * cheapest to move per kg) is computed first and given to GLPK as its
 * first incumbent; time_limit (seconds, <= 0: 10 s) bounds GLPK; when
 * GLPK fails, or stops before the incumbent is in, the greedy answer is
 * returned. *status: 0 optimal (within a 1 % relative gap of GLPK's
 * bound), 1 GLPK's best at the time limit, 2 greedy after a time limit,
 * 3 greedy after a GLPK error, 4 greedy requested (greedy != 0).
 * Returns 0, or PR_EINVAL for NaN or negative input.
 */
struct pr_assign_input {
	int n_items, n_bins;
	const double *cost;      /* n_items * n_bins */
	const double *kg;        /* n_items */
	const double *hours;     /* n_items * n_bins */
	const double *cap_kg;    /* n_bins */
	const double *cap_h;     /* n_bins */
	double overflow_cost;
	double time_limit;
	int greedy;
};
PR_API int pr_assign_solve(const struct pr_assign_input *in, int *assign,
    int *status, double *objective, struct pr_error *err);

#ifdef __cplusplus
}
#endif

#endif
