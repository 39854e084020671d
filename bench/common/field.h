/* field.h: the field benchmark's day (the scenario, which orders can make their promise), its naive baseline and the offline plan through the shared planner, for bench-field and the live day. */
#ifndef POSTROUTE_BENCH_FIELD_H
#define POSTROUTE_BENCH_FIELD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "postroute/event.h"
#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/plan.h"
#include "postroute/region.h"

/* One day of orders: postroute-sim's generator (or a file of events). */
struct field_day {
	struct pr_region *r;
	int64_t day_start;
	struct pr_event *ev;        /* every event of the day, sorted by ts */
	int nev;
	struct pr_order *orders;    /* open once every event is applied */
	int n;
	int *possible;              /* per order: can make its promise */
	int npossible;
	int impossible_risk[PR_RISK_COUNT];
};

/* The generator's day: 5,200 orders drawn, 5 % updated, 3 % cancelled. */
#define FIELD_UPDATE_RATE 0.05
#define FIELD_CANCEL_RATE 0.03

/*
 * Loads the region, draws the day (or reads events, JSON lines, from
 * events_path when not NULL), applies every event and judges which open
 * orders can physically make their promise at their commune's office
 * (the latest pickup rule finds a usable departure in time, whatever the
 * fleet). Ends the program with a message (exit 2) on bad input.
 */
void field_day_load(struct field_day *fd, const char *prog,
    const char *region, const char *date, int n_orders, uint64_t seed,
    const char *events_path);
void field_day_free(struct field_day *fd);
/* Keeps only the orders (and their events) of one district (an index of
 * the region's districts): a small day for tests. */
void field_day_keep_district(struct field_day *fd, int district);
/* Index of the order with this id in fd->orders, or -1 (binary search;
 * field_day_load sorts an index once). */
int field_day_find(const struct field_day *fd, const char *id);

/* Baseline-only reasons, after the pr_risk ones. */
enum {
	FIELD_NOT_COLLECTED = PR_RISK_COUNT,
	FIELD_LATE_ROUND,
	FIELD_NREASONS
};
/* "not_collected", "round_too_late", or pr_risk_name(). */
const char *field_reason(int k);

struct field_result {
	int planned, on_time_possible, on_time_all;
	int at_risk;
	int risk[FIELD_NREASONS];
	double km;
	int routes;
	double seconds;
	int moved;
	int lv_orders[3], lv_routes[3];
	double lv_km[3];
	int late_trips, late_stops, late_orders, late_budget;
	double late_saved_km;
	int late_judged;            /* planned late and indeed late */
	double late_sum_h, late_max_h;
	int groups, grouped;
};

/* On time: the first departure after `back` at office delivers o in
 * time; *delivered gets the estimate (-1: none). */
int field_on_time(const struct pr_region *r, int office,
    const struct pr_order *o, int64_t back, int64_t *delivered);

/*
 * The naive baseline: each pickup at its own commune office; one fixed
 * daily round at round_tod (seconds after midnight) takes the orders
 * ready by then in order of arrival, filling each vehicle in turn,
 * nearest-neighbour order; what is left waits for the next day's round.
 */
void field_baseline(const struct field_day *fd, int round_tod, int verbose,
    struct field_result *res);

/* How the offline plan is made: the clustering, then pr_plan_run over
 * every office with all orders known (no planning clock). */
struct field_offline_params {
	double glpk_limit;
	int greedy;
	double late_budget;         /* share of the orders that can be on time */
	struct pr_planner_params pp;/* pp.late.max_late: set from late_budget */
};
/* The defaults: GLPK 5 s, no late budget, pr_planner_params_init's
 * groups, FIELD_ITERATIONS per problem (the same figures on any
 * machine), 2 threads. */
#define FIELD_ITERATIONS 16000
void field_offline_params_init(struct field_offline_params *op);

/*
 * The offline plan of the day through the shared planner (pr_plan_run),
 * every solution checked by the independent checker (tests/checker), and
 * every parcel judged at the office whose trip brings it back. Prints the
 * clustering's and the service-level rule's lines (and, verbose, every
 * office, twice every route). Ends the program on a failed solve or a
 * solution the checker refuses.
 */
void field_offline(const struct field_day *fd,
    const struct field_offline_params *fp, int verbose,
    struct field_result *res);

#endif
