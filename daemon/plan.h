/* plan.h: an office's plan as plain structs (routes, stops, unassigned, at risk, moved, stats), and the pure function that computes it on a worker thread. */
#ifndef POSTROUTED_PLAN_H
#define POSTROUTED_PLAN_H

#include <stdint.h>

#include "postroute/domain.h"
#include "postroute/postroute.h"

/* A (vehicle, order) pair of a route, in route order. */
struct plan_pin {
	char vehicle[PR_MAX_ID];
	char order[PR_MAX_ID];
	int rank;                   /* position among the pinned stops, or -1 */
};

/*
 * What an office's plan is computed from. The loop fills it with copies
 * (nothing in it points into the loop's state but the region, which is
 * immutable while the daemon runs); plan_input_free() frees the arrays.
 */
struct plan_input {
	const struct pr_region *region;
	int office;
	int64_t version;            /* of the plan to make */
	int64_t now;                /* the planning clock */
	int64_t day_start;
	int horizon_days;
	int n_orders;
	struct pr_order *orders;    /* the office's open orders */
	int *home;                  /* per order: its commune's office */
	char (*moved_why)[32];      /* per order: why it came here, "" if home */
	int n_pins;                 /* remaining stops of dispatched routes */
	struct plan_pin *pins;
	int n_dispatched;           /* vehicle ids of dispatched routes */
	char (*dispatched)[PR_MAX_ID];
	int n_prev;                 /* the previous plan's other routes: */
	struct plan_pin *prev;      /* (vehicle, order), in route order */
	double stability;           /* [planner] stability */
	struct pr_late_params late; /* [planner] late_*; late.max_late is this
	                             * office's share of the budget */
	struct pr_solve_params sp;
};

void plan_input_free(struct plan_input *in);

/*
 * A plan. Times are epoch seconds (-1 or INT64_MAX: none); weights in
 * grams; distances in metres. plan_json.c writes it out.
 */
struct plan_stop {
	char order_id[PR_MAX_ID];
	int64_t arrival, service_start;
	int64_t latest, departure;  /* the pickup's deadline and line-haul */
	int64_t weight_g;
	int perishable;
	double lon, lat;
	enum pr_risk risk;
};

struct plan_route {
	char vehicle[PR_MAX_ID];
	char profile[PR_MAX_ID];
	int dispatched;             /* handed to a driver: pinned */
	int completed;              /* 1: a stop of it was picked up
	                             * (pickup.completed): no undo */
	int64_t start, end;
	double distance_m, duration_s;
	int64_t load_g;
	int n_stops;
	struct plan_stop *stops;
};

struct plan_unassigned {
	char order_id[PR_MAX_ID];
	char reason[32];            /* the solver's, or not_solved,
	                             * after_horizon, too_many_orders */
	enum pr_risk risk;
	char detail[160];
};

struct plan_at_risk {
	char order_id[PR_MAX_ID];
	enum pr_risk risk;
	int64_t due, latest;
};

struct plan_moved {             /* planned here, away from its office */
	char order_id[PR_MAX_ID];
	int from;                   /* its commune's office */
	char reason[32];
};

struct plan_stats {
	double solve_s;
	double cost, distance_m;    /* 0 without a solution */
	int orders_kept;            /* on the same vehicle as in the last plan */
	int orders_moved;           /* on another vehicle */
	int kept_routes;            /* 1: the last plan's routes were kept */
	int ontime;                 /* pickups that can be on time */
	int planned_late;           /* of which planned late on purpose */
};

struct plan {
	int office;
	int64_t version;
	int64_t generated_at;       /* wall clock when it was made */
	int64_t plan_time;          /* the planning clock */
	int64_t day_start;
	int n_orders;               /* open orders given to the plan */
	int n_routes;               /* routes with at least one stop */
	struct plan_route *routes;
	int n_unassigned;
	struct plan_unassigned *unassigned;
	int n_at_risk;
	struct plan_at_risk *at_risk;
	int n_moved;
	struct plan_moved *moved;
	struct plan_stats stats;
};

/* Frees p and everything in it; NULL is a no-op. */
void plan_free(struct plan *p);
/* Frees the lists only the output needs (unassigned, at risk, moved),
 * keeping the routes: what the planner remembers of a published plan. */
void plan_trim(struct plan *p);

/*
 * Builds the office's problem from in->orders, clamps it to in->now, pins
 * in->pins, solves it with in->sp (whose cancel flag the caller sets) and
 * fills *out with a new plan, also when the solve failed (then every
 * pickup is unassigned, "not_solved"). Returns 0 or the PR_E* code of the
 * problem or the solve, err filled; *out is NULL when there is no plan
 * (the problem could not be built, or the solve was cancelled). Pure and
 * reentrant: any thread; reads only in and the immutable region.
 */
int plan_office(const struct plan_input *in, struct plan **out,
    struct pr_error *err);

#endif
