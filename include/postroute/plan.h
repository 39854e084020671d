/* plan.h: the one planner the daemon and the benchmarks share: open orders, routes under way and the previous plans in, one plan per post office out. */
#ifndef POSTROUTE_PLAN_H
#define POSTROUTE_PLAN_H

/*
 * pr_plan_run() plans a set of post offices at a planning clock: it forms
 * groups of neighbouring offices (or takes the caller's), builds one
 * routing problem per group or office (pr_group_problem_build,
 * pr_office_problem_build), keeps the routes already handed to a driver
 * as they are, solves, keeps the previous plan's routes where they are
 * nearly as good (stability), applies the service-level rule within a
 * budget shared by all its problems (pr_plan_late), gives each route the
 * vehicle id that carried most of its orders before, and splits the
 * answer into one plan per office: routes, unassigned and at-risk orders
 * with reasons, orders planned away from their office, stats.
 *
 * postrouted calls it on a worker for one group of offices at a time;
 * bench-field for a whole region at once (all orders known). Its input
 * and output are plain data (copies, indices into the region): nothing
 * points into the caller's state but the region, so a job could be
 * serialized to a worker elsewhere.
 *
 * Pure and reentrant: no I/O, no globals; the region and the input are
 * only read. Same input, same seed and iterations (pr_planner_params):
 * same plans. Any thread; with params.threads > 1 it starts threads of
 * its own and joins them before returning. Instants are epoch seconds;
 * -1 (or INT64_MAX for a deadline) means none. Weights in grams,
 * distances in metres.
 */

#include <stdatomic.h>
#include <stdint.h>

#include "postroute/late.h"
#include "postroute/office_problem.h"
#include "postroute/orderbook.h"
#include "postroute/postroute.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pr_plan_stop {
	char order_id[PR_MAX_ID];
	int64_t arrival, service_start;
	int64_t latest;              /* the pickup's deadline */
	int64_t departure;           /* the line-haul departure planned for */
	int64_t weight_g;
	int perishable;
	double lon, lat;
	int risk;                    /* enum pr_risk */
};

struct pr_plan_route {
	int office;                  /* region office whose vehicle drives it */
	char vehicle[PR_MAX_ID];     /* the office's own id, "motorbike1.20260820t2" */
	char profile[PR_MAX_ID];
	int dispatched;              /* handed to a driver: kept as it is */
	int completed;               /* a stop of it was picked up: the
	                              * dispatch cannot be undone (kept as
	                              * the route is) */
	int64_t start;               /* leaves the office: as late as it can
	                              * (params.departure_margin) */
	int64_t end;                 /* back at the office */
	double distance_m, duration_s;
	int64_t load_g;
	int n_stops;
	struct pr_plan_stop *stops;
};

struct pr_plan_unassigned {
	char order_id[PR_MAX_ID];
	char reason[32];             /* the solver's, or not_solved,
	                              * after_horizon, too_many_orders */
	int risk;
	char detail[160];
};

struct pr_plan_at_risk {
	char order_id[PR_MAX_ID];
	int risk;
	int64_t due, latest;
};

struct pr_plan_moved {               /* planned here, away from its office */
	char order_id[PR_MAX_ID];
	int from;                    /* its commune's office */
	char reason[32];             /* the clustering's, or "group": a
	                              * neighbour's trip takes it */
};

struct pr_plan_lent {                /* this office's, on a neighbour's trip */
	char order_id[PR_MAX_ID];
	int to;                      /* the office whose vehicle takes it */
	char vehicle[PR_MAX_ID];     /* that office's vehicle id */
};

struct pr_plan_stats {
	double solve_s;              /* wall seconds of the problem's solves */
	double cost, distance_m;     /* of this office's routes */
	int orders_kept;             /* of its last plan's routed orders: on
	                              * the same vehicle again */
	int orders_moved;            /* on another of its vehicles */
	int kept_routes;             /* 1: the last plan's routes were kept */
	int ontime;                  /* pickups that can be on time */
	int planned_late;            /* of which planned late on purpose */
	long iterations;             /* of the problem's solves */
};

/* One office's plan. version and generated_at are the caller's (0). */
struct pr_office_plan {
	int office;
	int64_t version;
	int64_t generated_at;
	int64_t plan_time;           /* the planning clock (0: none) */
	int64_t day_start;
	int n_orders;                /* its orders: in its routes, unassigned,
	                              * or lent to a neighbour's trip */
	int n_group;                 /* offices planned together (>= 1) */
	int group[PR_GROUP_MAX_OFFICES]; /* their region indices */
	int n_routes;                /* routes with stops (a dispatched one
	                              * may have none left: on its way back) */
	struct pr_plan_route *routes;
	int n_unassigned;
	struct pr_plan_unassigned *unassigned;
	int n_at_risk;
	struct pr_plan_at_risk *at_risk;
	int n_moved;
	struct pr_plan_moved *moved;
	int n_lent;                  /* its orders on a neighbour's route */
	struct pr_plan_lent *lent;
	struct pr_plan_stats stats;
};

/* Frees what p holds (not p itself) and zeroes it; NULL is a no-op. */
PR_API void pr_office_plan_clear(struct pr_office_plan *p);

struct pr_planner_params {
	/* Groups of neighbouring commune offices (of one district unless
	 * group_any_district), planned as one problem: single linkage over pairs at most group_radius_m
	 * apart, nearest first, while a group keeps at most
	 * PR_GROUP_MAX_OFFICES offices and group_max_orders pickups; only
	 * offices with fewer than group_small pickups; 0: every office
	 * alone. group_share_s: pr_group_problem_build's share_s. */
	int group_small;
	int group_any_district;      /* 1: pairs across district borders too */
	double group_radius_m;
	int group_max_orders;
	double group_share_s;
	/* Keep the previous plan's routes (not dispatched) unless a fresh
	 * plan costs this share less; 0: always the fresh one. */
	double stability;
	/* A route leaves as late as it can with every leg this share
	 * longer than planned (the driver's margin): until then it may
	 * still take new orders. */
	double departure_margin;
	/* With a planning clock: a trip that could leave now costs
	 * postpone_m more, one leaving postpone_s later nothing (linear in
	 * between), so that a pickup that may wait rides a later trip
	 * rather than start one now: a trip not yet gone may still take the
	 * orders to come. 0: off. Without a clock (offline) it does
	 * nothing. */
	double postpone_m;
	double postpone_s;
	/* With a planning clock: a route of the plan that leaves at most
	 * freeze_s after it is dispatched in the plan itself (the driver is
	 * loading); next time it is kept as it is. 0: the caller
	 * dispatches. */
	double freeze_s;
	/* The service-level rule; late.max_late is the budget of orders all
	 * the problems of one call may make late (0: the rule is off). */
	struct pr_late_params late;
	/* Each problem's solve: 0.1 s + time_per_pickup per pickup, at most
	 * time_limit; iterations > 0 bounds it by iterations instead (the
	 * same plans on any machine). seed + the problem's first office is
	 * its seed. */
	double time_limit;
	double time_per_pickup;
	long iterations;
	uint64_t seed;
	int solve_threads;           /* threads inside one solve */
	int exact_max_jobs;
	int threads;                 /* problems solved in parallel */
	int max_orders;              /* per problem; the others wait */
};
/* The defaults: groups (small 1000, across districts, 15 km, 300
 * pickups, 30 min),
 * stability 0.02, departure margin 0.2, the late rule off
 * (pr_late_params_init, max_late 0),
 * 1 s and 10 ms per pickup, seed 1, one thread, 1,000 orders per
 * problem. */
PR_API void pr_planner_params_init(struct pr_planner_params *pp);

struct pr_plan_input {
	const struct pr_region *region;
	int64_t now;                 /* the planning clock; 0: none (offline) */
	int64_t day_start;           /* local midnight of the plan's date */
	int horizon_days;            /* 1: the date's shift, 2: and the next */
	/* The offices to plan: one plan each, in this order. group: NULL to
	 * form groups (params), else per office a group number: offices
	 * with the same number are planned together (at most
	 * PR_GROUP_MAX_OFFICES). */
	int n_offices;
	const int *offices;
	const int *group;
	/* The open orders to plan. office[i]: the office that plans order i
	 * (one of offices: the clustering's answer, or the office of the
	 * dispatched route it is on); home: its commune's office (NULL: the
	 * same); moved_why: why the clustering moved it ("" or NULL: not). */
	int n_orders;
	const struct pr_order *orders;
	const int *office;
	const int *home;
	const char (*moved_why)[32];
	/* The previous plans' routes of these offices. A dispatched route
	 * is kept as it is, its stops of orders that are not in orders
	 * (picked up, failed, cancelled: the caller leaves them out) taken
	 * off; its vehicle's trip is not planned again. The others are what
	 * stability and vehicle ids start from. */
	int n_routes;
	const struct pr_plan_route *routes;
	struct pr_planner_params params;
	const atomic_int *cancel;    /* optional: stop early */
	int keep_problems;           /* 1: the result keeps each problem and
	                              * its final solution (for a checker) */
};

/* A problem solved, when pr_plan_input.keep_problems is set. */
struct pr_plan_problem {
	struct pr_office_problem *op;
	struct pr_solution *sol;     /* NULL when the solve failed */
	int rc;                      /* 0, or the PR_E* code of the solve */
	char why[160];
	double seconds;
};

struct pr_plan_result {
	int n_plans;                 /* = n_offices, in the input's order */
	struct pr_office_plan *plans;
	int n_problems;              /* groups and single offices solved */
	int n_grouped;               /* offices in groups of 2 or more */
	int n_groups;
	int n_failed;                /* problems whose solve failed */
	char failed[160];            /* the first failure */
	int late_trips, late_stops;  /* the service-level rule's steps */
	int late_orders;
	double late_saved_m;
	struct pr_plan_problem *problems; /* keep_problems: n_problems */
};

/*
 * Plans the input's offices. Returns 0 with *out new
 * (pr_plan_result_free), also when some problems' solves failed (their
 * orders are unassigned, "not_solved"; n_failed says so); PR_EINVAL for
 * a bad input (an order's office not among offices, a group too large);
 * PR_ECANCELED when *cancel was set (no result). err named the field.
 */
PR_API int pr_plan_run(const struct pr_plan_input *in,
    struct pr_plan_result **out, struct pr_error *err);
/* Frees r and everything in it; NULL is a no-op. */
PR_API void pr_plan_result_free(struct pr_plan_result *r);

/*
 * The groups pr_plan_run forms: counts[n_offices of the region] pickups
 * per office; grp[f] gets the first office of f's group (f when alone).
 * Commune offices of one district (any, with group_any_district) with
 * pickups, fewer than group_small each, single linkage over pairs within
 * group_radius_m, nearest first.
 */
PR_API void pr_plan_groups(const struct pr_region *r, const int *counts,
    const struct pr_planner_params *pp, int *grp);

#ifdef __cplusplus
}
#endif

#endif
