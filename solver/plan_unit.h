/* plan_unit.h: one problem of the planner (a group of offices or one office): its orders, its routes under way, its solve (private to plan*.c). */
#ifndef POSTROUTE_PLAN_UNIT_H
#define POSTROUTE_PLAN_UNIT_H

#include "postroute/plan.h"

/* What pr_plan_run knows of its input, for every unit. */
struct plan_ctx {
	const struct pr_plan_input *in;
	struct pr_plan_params pp;    /* how the problems are built */
	const char **ids;            /* order ids, sorted (pointers into orders) */
	char *frozen;                /* per order: on a dispatched route */
	int *plan_of;                /* region office -> index in in->offices,
	                              * or -1 */
};

struct plan_unit {
	int n_off;
	int off[PR_GROUP_MAX_OFFICES];   /* region offices, off[0] first */
	int n;                       /* orders to plan (not frozen) */
	int *idx;                    /* their indices into in->orders */
	int n_left;                  /* beyond params.max_orders: wait */
	int *left;
	struct pr_office_problem *op;
	struct pr_solution *sol;
	int rc;
	char why[160];
	double seconds;
	long iterations;
	int kept_routes;
	struct pr_late_plan dry;     /* the service-level rule's dry run */
	int late_take;               /* its first steps to apply */
};

/* Index of the order with this id in in->orders, or -1. */
int plan_find_order(const struct plan_ctx *c, const char *id);
/* 1 when office is one of u's. */
int plan_unit_has(const struct plan_unit *u, int office);
/* The office's own id of problem vehicle v: after "OFFICE/" in a group. */
const char *plan_local_id(const struct pr_office_problem *op, int v);

/* Builds, solves and stabilises u's problem (on any thread): fills
 * op, sol (NULL when the solve failed: rc and why say so), seconds,
 * iterations, kept_routes. */
void plan_unit_solve(const struct plan_ctx *c, struct plan_unit *u);
/* Gives each of u's routes the vehicle id of its class that carried most
 * of its orders in the previous plans; counts per office the orders that
 * kept (kept[f]) or changed (moved[f]) vehicle, f a region office. */
void plan_unit_labels(const struct plan_ctx *c, struct plan_unit *u,
    int *kept, int *moved);
/* The plans of u's offices (plans[k] is the plan of in->offices[k]):
 * its routes, the dispatched routes kept, unassigned, at risk, moved. */
void plan_unit_output(const struct plan_ctx *c, const struct plan_unit *u,
    struct pr_office_plan *plans, const int *kept, const int *moved);
void plan_unit_free(struct plan_unit *u);

#endif
