/* late.h: the service-level rule: dropping the trips that on-time promises alone make worth driving, planning a few orders late within a budget. */
#ifndef POSTROUTE_LATE_H
#define POSTROUTE_LATE_H

/*
 * An option an operator turns on, never a default (docs/domain.md). Pure
 * and reentrant; pr_plan_late changes only the office problem it is given
 * (and only when apply != 0).
 */

#include "postroute/office_problem.h"
#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Dropping the trips that on-time promises alone make worth driving. A
 * trip of at most max_stops pickups is dropped when each of its pickups
 * fits into another trip of the plan already driven (cheapest insertion;
 * trips with pinned stops are neither dropped nor changed): on its own
 * window if it can, else
 * planned late (pr_late_deadline at that trip's office, delivered at most
 * max_delay_s after its promise), and the km saved are at least
 * min_saving_m per order made late. Best ratio first (km saved per late
 * order; a drop that makes nobody late comes first), until max_late
 * orders are late or max_steps trips are dropped. Deterministic.
 */
struct pr_late_params {
	double min_saving_m;     /* metres saved per late order, at least */
	double max_delay_s;      /* delivered at most this long after due */
	int max_stops;           /* trips with at most this many pickups */
	int max_late;            /* orders made late, at most (< 0: none) */
	int max_steps;           /* trips dropped, at most (< 0: no limit) */
};
/* The defaults: 5 km per late order, a day late at most, trips of at
 * most 3 pickups, no limit on late orders or steps. */
PR_API void pr_late_params_init(struct pr_late_params *lp);

struct pr_late_step {
	int vehicle;             /* the trip dropped, or left by one stop */
	int dropped;             /* 1: the whole trip, 0: one stop moved */
	int n_moved;             /* pickups now on other trips */
	int n_late;              /* of which planned late */
	double saved_m;
};

struct pr_late_plan {
	int n_steps;
	struct pr_late_step *steps;
	int n_late;
	double saved_m;
	/* apply != 0 only: the plan after the drops (pr_solution_free).
	 * Its late jobs' windows end later in op->problem, and their
	 * op->deadline is the late one (risk PR_RISK_PLANNED_LATE). */
	struct pr_solution *solution;
};

/* The drops for op's solution sol (pp: as op was built with). apply = 0
 * is a dry run that leaves op alone: the steps say what the drops would
 * save and cost, in order, so a caller can share a budget between
 * problems and apply each problem's first steps (max_steps) later with
 * the same result. Returns 0 with *out filled (pr_late_plan_free), or
 * PR_EINVAL. */
PR_API int pr_plan_late(const struct pr_region *r,
    const struct pr_order *orders, struct pr_office_problem *op,
    const struct pr_solution *sol, const struct pr_plan_params *pp,
    const struct pr_late_params *lp, int apply, struct pr_late_plan *out,
    struct pr_error *err);
/* Frees what lpl holds (not lpl itself); NULL is a no-op. */
PR_API void pr_late_plan_free(struct pr_late_plan *lpl);
/* How pr_plan_late ranks steps (higher first): km saved per late order,
 * a step that makes nobody late above all. For callers that share a
 * budget between problems. */
PR_API double pr_late_step_score(const struct pr_late_step *st);

#ifdef __cplusplus
}
#endif

#endif
