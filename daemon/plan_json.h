/* plan_json.h: a plan written out once, as the JSON and GeoJSON the daemon publishes (docs/daemon.md); and what the planner keeps of a stored plan, read back at start-up. */
#ifndef POSTROUTED_PLAN_JSON_H
#define POSTROUTED_PLAN_JSON_H

#include <stddef.h>

#include "postroute/domain.h"
#include "postroute/plan.h"

struct pr_region;

/* The plan as published (compact, keys in a fixed order): a new string,
 * or NULL when out of memory. Any thread. */
char *plan_json(const struct pr_region *r, const struct pr_office_plan *p);
/* The same as a GeoJSON FeatureCollection (the office, each stop, each
 * route's line): a new string, or NULL. Any thread. */
char *plan_geojson(const struct pr_region *r, const struct pr_office_plan *p);

/*
 * Reads a plan that plan_json() wrote (an office's latest plan, stored in
 * Redis under office's key) back into a new struct pr_office_plan (free
 * it with plan_free), as far as the planner needs it: version, clock,
 * the routes with every field (a dispatched route is kept as it is) and
 * the orders at risk; the rest stays empty. Lenient as a reader of our
 * own output: NULL only when json is not JSON. Any thread.
 */
struct pr_office_plan *plan_from_json(int office, const char *json,
    size_t len);
/* Frees p and what it holds; NULL is a no-op. */
void plan_free(struct pr_office_plan *p);

#endif
