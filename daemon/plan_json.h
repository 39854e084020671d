/* plan_json.h: a plan written out once, as the JSON and GeoJSON the daemon publishes (docs/daemon.md); and what the planner keeps of a stored plan, read back at start-up. */
#ifndef POSTROUTED_PLAN_JSON_H
#define POSTROUTED_PLAN_JSON_H

#include <stddef.h>

#include "plan.h"

struct pr_region;

/* The plan as published (compact, keys in a fixed order): a new string,
 * or NULL when out of memory. Any thread. */
char *plan_json(const struct pr_region *r, const struct plan *p);
/* The same as a GeoJSON FeatureCollection (the office, each stop, each
 * route's line): a new string, or NULL. Any thread. */
char *plan_geojson(const struct pr_region *r, const struct plan *p);

/*
 * Reads a plan that plan_json() wrote (an office's latest plan, stored in
 * Redis under office's key) back into a new struct plan, as far as the
 * planner needs it: version, clock, the routes (vehicle, profile,
 * dispatched, start, end and each stop's order id) and the orders at
 * risk; the rest stays empty. Lenient as a reader of our own output: NULL
 * only when json is not JSON. Any thread.
 */
struct plan *plan_from_json(int office, const char *json, size_t len);

#endif
