/* planner.h: when to plan which office (new orders, perishables, timer, line-haul cut-offs), the clustering of orders to offices, and the latest plan of each office (the planner's memory). */
#ifndef POSTROUTED_PLANNER_H
#define POSTROUTED_PLANNER_H

#include "postroute/domain.h"

struct daemon;

/* Loop thread only, like everything here. */
struct planner *planner_new(struct daemon *d);
void planner_free(struct planner *p);

/* ingest's hooks (ingest.h): an event changed order (an index into the
 * order book); the order state was (re)loaded: the first time the stored
 * plans are loaded too, then every office with orders or a plan is
 * planned again, and ingest is told to go on (ingest_resume). */
void planner_order_changed(struct daemon *d, int order,
    const struct pr_event *ev);
void planner_state_loaded(struct daemon *d);

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
/* Office solves queued or running. */
int planner_busy(const struct daemon *d);
/* 1 while a clustering is queued or running. */
int planner_clustering(const struct daemon *d);
/* Orders planned late on purpose in the latest plans, and the budget. */
void planner_late_totals(const struct daemon *d, int *late, int *budget);

#endif
