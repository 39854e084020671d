/* cluster.h: pickups to post offices: a capacity-aware assignment (GLPK, with a greedy fallback). */
#ifndef POSTROUTE_CLUSTER_H
#define POSTROUTE_CLUSTER_H

/*
 * Pure and reentrant. pr_cluster_assign uses GLPK (pr_assign_solve)
 * inside the library's GLPK guard: they leave no GLPK environment behind
 * in the calling thread (a caller must not hold GLPK objects of its own
 * across them).
 */

#include <stdint.h>

#include "postroute/assign.h"
#include "postroute/orderbook.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pr_cluster_params {
	double radius_m;         /* <= 0: the region's */
	double time_limit;       /* seconds for GLPK */
	int greedy;              /* skip GLPK */
};

struct pr_cluster_result {
	int n;
	int *office;             /* per order: the office that picks it up */
	int *home;               /* per order: its commune's office */
	char (*reason)[32];      /* why it moved ("" when it did not) */
	int *risk;               /* outside_service_area or 0 */
	int n_moved;
	int n_overflow;          /* stayed home although home has no room */
	int n_vars;              /* MILP columns */
	int status;              /* as pr_assign_solve; -1: no MILP needed */
	double objective;
	double *cap_kg, *load_kg;/* per office, after the assignment */
	double *cap_h, *load_h;
};

/*
 * Assigns each open order to an office (for the plan of the date whose
 * local midnight is day_start): its commune's office unless that
 * office is over its daily capacity (kg over all trips, vehicle-hours x
 * utilisation) or cannot meet the order's deadline; then orders may move
 * to offices within the radius, minimising travel time plus a move
 * penalty. Only orders of overloaded offices (and orders at risk at
 * home) enter the MILP; the rest stay home and use up capacity. Orders
 * ready only after that date stay home and count towards no capacity
 * (they are the next day's load). cp may be NULL (the region's radius,
 * GLPK with 10 s). Returns 0 with *out new (pr_cluster_result_free), or
 * a PR_E* code.
 */
PR_API int pr_cluster_assign(const struct pr_region *r,
    const struct pr_order *orders, int n, int64_t day_start,
    const struct pr_cluster_params *cp, struct pr_cluster_result **out,
    struct pr_error *err);
/* Frees cr; NULL is a no-op. */
PR_API void pr_cluster_result_free(struct pr_cluster_result *cr);

#ifdef __cplusplus
}
#endif

#endif
