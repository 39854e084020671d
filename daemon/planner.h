/* planner.h: when to plan which offices (new orders, perishables, interval, line-haul cut-offs, routes starting, clock ticks), the clustering of orders to offices, and the latest plan of each office (the planner's memory). */
#ifndef POSTROUTED_PLANNER_H
#define POSTROUTED_PLANNER_H

#include "postroute/domain.h"

struct daemon;

/* Loop thread only, like everything here. */
struct planner *planner_new(struct daemon *d);
void planner_free(struct planner *p);

/* ingest's hooks (ingest.h): an event changed order (an index into the
 * order book), its stream entry made at entry_ms (Redis's clock, for
 * postroute_order_plan_latency_seconds); the order state was
 * (re)loaded: the first time the stored
 * plans are loaded too, then every office with orders or a plan is
 * planned again, and ingest is told to go on (ingest_resume). */
void planner_order_changed(struct daemon *d, int order,
    const struct pr_event *ev, int64_t entry_ms);
void planner_state_loaded(struct daemon *d);
/* ingest's tick hook: a clock.tick event. With plan_at_ticks (and clock
 * = events) every trigger is evaluated at its time and the solves start
 * at once. */
void planner_clock_tick(struct daemon *d, const struct pr_event *ev);

/* Marks the route of office driven by vehicle in the latest plan as
 * dispatched (its stops stay pinned) and plans the office again soon, so
 * that the published plan says so; 0, or -1 when there is none. */
int planner_dispatch(struct daemon *d, int office, const char *vehicle);
/* Takes the dispatch mark of that route back (a mistaken dispatch) and
 * plans the office again; 0, -1 when there is no such route, -2 when a
 * stop of it was picked up (pickup.completed): a driver has it. */
int planner_undispatch(struct daemon *d, int office, const char *vehicle);
/* Open orders per office (counts[n_offices]), where they are planned:
 * after the clustering's moves. */
void planner_open_counts(const struct daemon *d, int *counts);
/* Configuration was reloaded. */
void planner_reconfigure(struct daemon *d);
/* Plan jobs queued or running. */
int planner_busy(const struct daemon *d);
/* Work the daemon has started and not finished: plan jobs, the
 * clustering, plans not yet stored in Redis (GET /healthz). */
int planner_pending(const struct daemon *d);
/* Offices triggered and waiting for the debounce (or the next tick). */
int planner_wanted(const struct daemon *d);
/* ts of the last clock.tick event, 0 before the first. */
int64_t planner_last_tick(const struct daemon *d);
/* 1 while a clustering is queued or running. */
int planner_clustering(const struct daemon *d);
/* Orders planned late on purpose in the latest plans, and the budget. */
void planner_late_totals(const struct daemon *d, int *late, int *budget);

#endif
