/* solution.h: the search's working solution (one route per vehicle), its lexicographic cost and the changes made to it (private). */
#ifndef POSTROUTE_SOLUTION_H
#define POSTROUTE_SOLUTION_H

#include "route.h"
#include "sctx.h"

/* Lexicographic cost: unserved weight, then routes (vehicles objective),
 * then arc costs (distance by default) plus fixed costs. */
struct scost {
	double unserved;
	int routes;
	double cost;
};

/*
 * A working solution keeps one route per vehicle (most are empty on large
 * fleets). It belongs to one search thread; sol_* functions are called by
 * that thread only.
 */
struct ssol {
	int n_routes;        /* == problem vehicles */
	struct sroute *r;
	int *route_of;       /* job -> vehicle, or -1 */
	int *pos_of;         /* job -> position 1..n */
	int n_unassigned;
	int *unassigned;     /* job indices */
	struct scost cost;
};

/* What leaving job j out costs in the unserved tier: 1 + its priority. */
static inline double
sol_job_weight(const struct sctx *c, int j)
{
	return 1.0 + c->p->jobs[j].priority;
}

/* An empty solution (every route empty, nothing unassigned yet); free
 * with sol_free. */
void sol_init(struct ssol *s, const struct sctx *c);
void sol_free(struct ssol *s);
/* dst becomes a copy of src (both initialised by sol_init). */
void sol_copy(struct ssol *dst, const struct ssol *src,
    const struct sctx *c);
/* Recomputes s->cost from the routes and the unassigned jobs. */
void sol_eval(struct ssol *s, const struct sctx *c);
/* <0, 0, >0 as a is better than, as good as or worse than b. */
int sol_cost_cmp(const struct sctx *c, const struct scost *a,
    const struct scost *b);
void sol_add_unassigned(struct ssol *s, int job);
void sol_remove_unassigned(struct ssol *s, int job);
/* Replaces positions [i, j] of vehicle v's route by seq (k jobs), which
 * the caller checked with route_eval_replace; updates route_of, pos_of
 * and the cost's routes and arc cost (not the unassigned list). */
void sol_replace(struct ssol *s, const struct sctx *c, int v, int i, int j,
    const int *seq, int k);
/* Puts the pinned jobs at the head of their vehicles' routes. */
void sol_place_pinned(struct ssol *s, const struct sctx *c);

#endif
