/* plan_json.h: a plan written out once, as the JSON and GeoJSON the daemon publishes (docs/daemon.md); and what the planner keeps of a stored plan, read back at start-up. */
#ifndef POSTROUTED_PLAN_JSON_H
#define POSTROUTED_PLAN_JSON_H

#include <stddef.h>

#include "postroute/domain.h"
#include "postroute/plan.h"

struct pr_orderbook;
struct pr_region;

/*
 * The plan as published (compact, keys in a fixed order): a new string,
 * or NULL when out of memory. What the plan does not carry is looked up
 * by order id in ob when it is written: each stop's household contact
 * and commune name, where the orders left out or at risk are. ob is only
 * read; the thread that owns it (the loop, for the daemon's order book).
 */
char *plan_json(const struct pr_region *r, const struct pr_office_plan *p,
    const struct pr_orderbook *ob);
/* The same as an RFC 7946 GeoJSON FeatureCollection with a bbox: the
 * office, each stop (times, weight, risk), each route's line, each order
 * left out or at risk (where ob has it); no contacts. A new string, or
 * NULL. The same threads as plan_json. */
char *plan_geojson(const struct pr_region *r, const struct pr_office_plan *p,
    const struct pr_orderbook *ob);

/*
 * Reads a plan that plan_json() wrote (an office's latest plan, stored in
 * Redis under office's key) back into a new struct pr_office_plan (free
 * it with plan_free), as far as the planner needs it: version, clock,
 * the routes with every field (a dispatched route is kept as it is;
 * completed when can_undo is false) and the orders at risk; the rest
 * stays empty. Lenient as a reader of our own output: NULL only when
 * json is not JSON. Any thread.
 */
struct pr_office_plan *plan_from_json(int office, const char *json,
    size_t len);
/* Frees p and what it holds; NULL is a no-op. */
void plan_free(struct pr_office_plan *p);

#endif
