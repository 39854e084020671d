/* sim.h: a reproducible day of farm orders as events (the scenario generator of postroute-sim and bench-field). */
#ifndef POSTROUTE_SIM_H
#define POSTROUTE_SIM_H

#include <stdint.h>

#include "postroute/event.h"
#include "postroute/region.h"

struct pr_sim_params {
	int64_t day_start;       /* local midnight of the date */
	int n_orders;
	uint64_t seed;
	double update_rate;      /* share of orders updated later (weight) */
	double cancel_rate;      /* share cancelled later */
};

/* A reproducible day of order events (same region, params and seed: the
 * same events), sorted by ts. *out is a new array (free()). */
int pr_sim_generate(const struct pr_region *r, const struct pr_sim_params *sp,
    struct pr_event **out, int *n_out, struct pr_error *err);

#endif
