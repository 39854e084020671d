/* sim.h: the scenario generator: a reproducible day of farm orders as events (postroute-sim, bench-field, the daemon's tests through postroute-sim). */
#ifndef POSTROUTE_BENCH_SIM_H
#define POSTROUTE_BENCH_SIM_H

#include <stdint.h>

#include "postroute/event.h"
#include "postroute/postroute.h"
#include "postroute/region.h"

struct sim_params {
	int64_t day_start;       /* local midnight of the date */
	int n_orders;
	uint64_t seed;
	double update_rate;      /* share of orders updated later (weight) */
	double cancel_rate;      /* share cancelled later */
	const char *id_prefix;   /* of order ids; NULL: "LS" */
};

/* A reproducible day of order events (same region, params and seed: the
 * same events), sorted by ts. Works on a tiled region too (tile.h): a
 * district's produce follows the last three characters of its code, so
 * every province of a tiled Lạng Sơn grows what Lạng Sơn grows. *out is a new array the caller frees with
 * free(). Returns 0, or PR_EINVAL with err filled. Pure; any thread. */
int sim_generate(const struct pr_region *r, const struct sim_params *sp,
    struct pr_event **out, int *n_out, struct pr_error *err);

/*
 * Keeps the window [from, from + len) of ev (from: seconds after
 * day_start, or -1 for the busiest whole hour of order creations): the
 * orders created in it and their events before its end, in place (the
 * events of other orders are left out, so that none refers to an order
 * a consumer has not seen); the new count in *n. Returns the window's
 * start (epoch).
 */
int64_t sim_window(struct pr_event *ev, int *n, int64_t day_start,
    int64_t from, int64_t len);

#endif
