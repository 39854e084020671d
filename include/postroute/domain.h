/* domain.h: rural pickups on top of libpostroute: offices, orders, events, deadlines, clustering. */
#ifndef POSTROUTE_DOMAIN_H
#define POSTROUTE_DOMAIN_H

/*
 * The rural domain (docs/domain.md has the rules, docs/events.md the event
 * format). A region (config/regions/NAME.json) holds districts, communes,
 * post offices with their fleets, shifts and line-haul departures, and the
 * destinations reached from the provincial hub. Orders come in as events;
 * each order is one pickup at a farm household.
 *
 * Time: every instant in this header is an absolute int64_t number of
 * seconds since the Unix epoch (UTC). Times of day in the region (shifts,
 * departures) are seconds after local midnight, local = UTC + utc_offset.
 * A per-office routing problem (struct pr_office_problem) uses doubles:
 * seconds after its day_start, the local midnight of the plan's date, so
 * that an order placed the day before has a negative ready time and a
 * 48 h promise simply reaches into the next day.
 *
 * Weights are grams in the routing problems (dimension 0), kilograms in
 * events and JSON.
 *
 * Like the rest of libpostroute these functions are pure and reentrant;
 * a region is immutable once parsed and may be shared between threads.
 * pr_cluster_assign and pr_assign_solve use GLPK inside the library's
 * GLPK guard: they leave no GLPK environment behind in the calling thread
 * (a caller must not hold GLPK objects of its own across them).
 */

#include <stddef.h>
#include <stdint.h>

#include "postroute/postroute.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_CODE_LEN 8            /* a GSO code ("06463") with its NUL */
#define PR_NAME_LEN 96           /* a UTF-8 name with its NUL */
#define PR_DOM_MAX_PROFILES 4    /* vehicle kinds in a region */
#define PR_DOM_MAX_DEPARTURES 12 /* departures per office or destination */
#define PR_EVENT_MAX_BYTES 4096  /* larger events are rejected */
#define PR_MAX_WEIGHT_KG 30.0    /* Vietnam Post's limit for one parcel */
#define PR_PRODUCT_LEN 32

/* ---- region -------------------------------------------------------------- */

enum pr_office_level {
	PR_OFFICE_COMMUNE = 0,   /* bưu điện văn hóa xã */
	PR_OFFICE_DISTRICT = 1,  /* district post office at the district seat */
	PR_OFFICE_MAIN = 2       /* other main Vietnam Post office */
};

struct pr_dom_profile {
	char name[PR_MAX_ID];    /* "motorbike", "van" */
	double speed_kmh;        /* average on rural roads */
	int64_t capacity_g;
	double cost_per_km;      /* VND, reporting only */
	double fixed_cost;       /* per trip, added to the routing cost */
};

struct pr_district {
	char code[PR_CODE_LEN];
	char name[PR_NAME_LEN];
	double circuity;         /* road / great-circle distance */
};

struct pr_commune {
	char code[PR_CODE_LEN];
	char name[PR_NAME_LEN];
	int district;            /* index into districts */
	double lon, lat;         /* the commune point: its office */
	double area_lon, area_lat; /* centroid of its territory */
	double area_km2;
	double population;       /* relative weight (2009 census) */
	int office;              /* its own (commune) office, index */
};

/* A daily line-haul departure from an office towards the provincial hub. */
struct pr_departure {
	int time;                /* seconds after local midnight */
	int cutoff;              /* parcels at the office this many s before */
	double hub_s;            /* transit time to the hub, seconds */
};

/* A destination region served from the hub. */
struct pr_destination {
	char id[PR_MAX_ID];      /* "HN" */
	char name[PR_NAME_LEN];
	int n_departures;
	/* From the hub, seconds after local midnight, sorted. */
	int departures[PR_DOM_MAX_DEPARTURES];
	double transit_s;        /* hub to the destination's sorting centre */
	double sort_s;           /* sorting there before delivery */
	int deliver_from;        /* daily delivery window, s after midnight */
	int deliver_to;
	double last_mile_s;      /* out for delivery to delivered */
};

struct pr_office {
	char id[PR_MAX_ID];
	char name[PR_NAME_LEN];
	enum pr_office_level level;
	int commune;             /* index of the commune it stands in */
	int district;            /* index */
	double lon, lat;
	int fleet[PR_DOM_MAX_PROFILES]; /* vehicles per region profile */
	int shift_start, shift_end;     /* seconds after local midnight */
	int n_departures;
	struct pr_departure departures[PR_DOM_MAX_DEPARTURES]; /* by time */
};

struct pr_region {
	char name[PR_MAX_ID];
	int utc_offset;          /* seconds east of UTC (Vietnam: 25200) */
	int hub;                 /* index of the hub office */
	double hub_sort_s;       /* at the hub, arrival to onward departure */
	double circuity;         /* default for districts without their own */
	double service_s;        /* at a household */
	double radius_m;         /* clustering: offices within (great circle) */
	double max_trip_s;       /* shifts are cut into trips of at most this */
	double perishable_hold_s;/* perishable: picked up this soon */
	double move_penalty_s;   /* clustering: leaving the home office */
	double late_penalty_s;   /* clustering: an office that would be late */
	double stops_per_trip;   /* clustering: vehicle-hours estimate */
	double utilisation;      /* clustering: usable share of vehicle-hours */
	int n_profiles;
	struct pr_dom_profile profiles[PR_DOM_MAX_PROFILES];
	int n_districts;
	struct pr_district *districts;
	int n_communes;
	struct pr_commune *communes;
	int n_destinations;
	struct pr_destination *destinations;
	int n_offices;
	struct pr_office *offices;
};

/* Parses a region JSON (config/regions/langson.json, docs/domain.md) from
 * memory. On success *out is a new region (pr_region_free) and 0 is
 * returned; otherwise PR_EINVAL with err naming the JSON path. */
int pr_region_from_json(const char *buf, size_t len, struct pr_region **out,
    struct pr_error *err);
void pr_region_free(struct pr_region *r);

/* Index lookups by code or id; -1 when unknown. */
int pr_region_commune(const struct pr_region *r, const char *code);
int pr_region_office(const struct pr_region *r, const char *id);
int pr_region_destination(const struct pr_region *r, const char *id);
int pr_region_profile(const struct pr_region *r, const char *name);

/* ---- travel (travel.c) --------------------------------------------------- */

/*
 * Road distance between two points = great-circle distance x circuity,
 * where the circuity is the mean of the two points' districts (d1, d2;
 * -1 for the region default). Travel time = distance / profile speed.
 */
double pr_travel_m(const struct pr_region *r, double lon1, double lat1,
    int d1, double lon2, double lat2, int d2);
double pr_travel_s(const struct pr_region *r, int profile, double lon1,
    double lat1, int d1, double lon2, double lat2, int d2);
/* The fastest profile the office owns, or -1 without fleet. */
int pr_office_fastest_profile(const struct pr_region *r, int office);

/* ---- time ---------------------------------------------------------------- */

/* ISO 8601 "2026-08-20T09:15:00+07:00" (also Z, fractions, no seconds).
 * An explicit offset is required. Returns 0 or PR_EINVAL. */
int pr_time_parse(const char *s, int64_t *epoch, int *utc_offset);
/* Formats as "YYYY-MM-DDTHH:MM:SS+HH:MM" into buf (26 bytes suffice). */
void pr_time_format(int64_t epoch, int utc_offset, char *buf, size_t n);
/* "2026-08-20" -> the epoch of that date's local midnight. */
int pr_date_parse(const char *s, int utc_offset, int64_t *day_start);
/* The local midnight (epoch) of the day that contains t in the region. */
int64_t pr_day_start(const struct pr_region *r, int64_t t);

/* ---- events -------------------------------------------------------------- */

enum pr_event_type {
	PR_EV_ORDER_CREATED = 0,
	PR_EV_ORDER_UPDATED = 1,
	PR_EV_ORDER_CANCELLED = 2,
	PR_EV_PICKUP_COMPLETED = 3,
	PR_EV_PICKUP_FAILED = 4
};

struct pr_event {
	enum pr_event_type type;
	char event_id[PR_MAX_ID];
	char order_id[PR_MAX_ID];
	int64_t version;         /* >= 1; not newer than stored: a no-op */
	int64_t ts;
	int ts_offset;           /* the offset ts was written with */
	/* order.created and order.updated */
	char commune[PR_CODE_LEN];
	int has_location;
	double lon, lat;
	double weight_kg;
	int perishable;
	int promise_hours;       /* 24 or 48 */
	int64_t placed_at;       /* defaults to ts */
	int64_t ready_from;      /* defaults to placed_at */
	int64_t ready_to;        /* INT64_MAX when open */
	char destination[PR_MAX_ID];
	char product[PR_PRODUCT_LEN];
	/* pickup.completed and pickup.failed (optional) */
	char office[PR_MAX_ID];
	char vehicle[PR_MAX_ID];
	char reason[64];
};

const char *pr_event_type_name(enum pr_event_type t);

/* Parses and validates one event (a JSON object, at most
 * PR_EVENT_MAX_BYTES). Returns 0, or PR_EINVAL with err naming the field.
 * Checks the format only; pr_order_from_event checks it against a region. */
int pr_event_parse(const char *json, size_t len, struct pr_event *ev,
    struct pr_error *err);
/* One event as a JSON line (no newline): a new string to free(), or NULL
 * when out of memory. Keys in a fixed order, so output is reproducible. */
char *pr_event_to_json(const struct pr_event *ev);

/* ---- orders -------------------------------------------------------------- */

enum pr_order_state {
	PR_ORDER_OPEN = 0,
	PR_ORDER_CANCELLED = 1,
	PR_ORDER_COMPLETED = 2
};

struct pr_order {
	char id[PR_MAX_ID];
	int64_t version;
	enum pr_order_state state;
	int commune;             /* index into region communes */
	double lon, lat;         /* household, or the commune point */
	int has_location;
	int64_t weight_g;
	int perishable;
	int promise_h;
	int64_t placed;
	int64_t ready_from, ready_to; /* ready_to INT64_MAX when open */
	int destination;         /* index into region destinations */
	char product[PR_PRODUCT_LEN];
	int failed_attempts;
	char last_failure[64];
};

/* Fills o from an order.created / order.updated event, checking commune
 * and destination against the region. Returns 0 or PR_EINVAL. */
int pr_order_from_event(const struct pr_region *r, const struct pr_event *ev,
    struct pr_order *o, struct pr_error *err);

/* Current order state from a stream of events (replays are idempotent:
 * an event whose version is not newer than the order's is ignored). */
struct pr_orderbook {
	int n, cap;
	struct pr_order *orders;
	int nbuckets;            /* open addressing on order id */
	int *buckets;
};
void pr_orderbook_init(struct pr_orderbook *ob);
void pr_orderbook_clear(struct pr_orderbook *ob);
/* Returns 0 when applied, 1 when ignored as stale or duplicate, or
 * PR_EINVAL (bad commune or destination, pickup for an unknown order). */
int pr_orderbook_apply(struct pr_orderbook *ob, const struct pr_region *r,
    const struct pr_event *ev, struct pr_error *err);
/* Index of the order with this id, or -1. */
int pr_orderbook_find(const struct pr_orderbook *ob, const char *id);
/* Stores a copy of o as it is (state, version, failed attempts and all),
 * replacing an order with the same id whatever its version: for
 * restoring saved state, not for events. Returns the order's index. */
int pr_orderbook_put(struct pr_orderbook *ob, const struct pr_order *o);

/* The order.created event that recreates o (event_id "state", ts =
 * placed_at, written with the region's offset): what pr_order_from_event
 * turns back into o, except the state and failed attempts, which no
 * event carries. Returns 0, or PR_EINVAL for a tombstone (no commune or
 * destination). */
int pr_event_from_order(const struct pr_region *r, const struct pr_order *o,
    struct pr_event *ev, struct pr_error *err);

/* ---- latest pickup time -------------------------------------------------- */

enum pr_risk {
	PR_RISK_NONE = 0,
	PR_RISK_NO_LINEHAUL_IN_TIME, /* no departure meets the promise */
	PR_RISK_NO_LINEHAUL,         /* office or destination: no line-haul */
	PR_RISK_NO_CAPACITY,         /* the fleet could not take it */
	PR_RISK_UNREACHABLE,         /* no vehicle reaches it in its window */
	PR_RISK_OUTSIDE_SERVICE_AREA,/* beyond the radius of every office */
	PR_RISK_TOO_HEAVY,           /* heavier than the largest vehicle */
	PR_RISK_READY_WINDOW,        /* ready window closes before any pickup */
	PR_RISK_NOT_PLANNED,         /* ready after the plan's horizon */
	PR_RISK_PLANNED_LATE,        /* late on purpose: on time it would cost
	                              * a trip (the service-level rule) */
	PR_RISK_COUNT
};
const char *pr_risk_name(int risk);

struct pr_deadline {
	int64_t due;             /* placed + promise: delivered by */
	int64_t earliest;        /* earliest pickup */
	int64_t latest;          /* latest pickup start */
	int64_t cutoff;          /* back at the office by */
	int64_t departure;       /* the departure planned for, -1: none */
	int64_t delivered;       /* estimate with that departure, -1: none */
	int risk;                /* enum pr_risk */
};

/* Estimated delivery of a parcel leaving office on the departure at epoch
 * `departure` for destination dest; -1 when no hub connection exists. */
int64_t pr_delivery_estimate(const struct pr_region *r, int office, int dest,
    int64_t departure);
/* A parcel at the office at `at_office` leaves on the first departure whose
 * cut-off is not before it: that departure (and *delivered), or -1. */
int64_t pr_next_departure(const struct pr_region *r, int office, int dest,
    int64_t at_office, int64_t *delivered);

/*
 * The latest pickup rule: the latest departure of `office` that still
 * delivers o within its promise gives the cut-off; the latest pickup is
 * that cut-off minus back_s (service plus the fastest drive back), and no
 * later than the ready window's end; the pickup must fit in an office
 * shift. Without such a departure the order is late anyway: it is
 * planned for the latest departure that delivers as early as the
 * earliest possible one does, and flagged (d->risk). Returns d->risk.
 */
int pr_latest_pickup(const struct pr_region *r, int office,
    const struct pr_order *o, double back_s, struct pr_deadline *d);

/* ---- per-office routing problems ----------------------------------------- */

struct pr_plan_params {
	int64_t day_start;       /* local midnight of the plan's date */
	int horizon_days;        /* 1: the date's shift, 2: and the next */
	/* The planning clock (epoch), or 0 for none. Pickup windows and
	 * trips start no earlier than now; a pickup whose window no trip
	 * leaving now can make is planned again from now by the latest
	 * pickup rule (its deadline says the departure and the risk); a
	 * trip already over gets zero length (unusable). Zero-initialise
	 * the struct: a garbage now cuts every trip of the plan. */
	int64_t now;
};

/*
 * One office's routing problem: location 0 is the office, vehicles are
 * the fleet's trips (one per vehicle and trip slot: slots end at the
 * line-haul cut-offs and last at most max_trip_s), jobs are its pickups
 * with windows [ready, latest pickup] in seconds after day_start.
 * With a planning clock (pp->now), a pickup that no trip leaving now can
 * reach in its window is planned by the latest pickup rule from now (the
 * next departure it can make, usually flagged), and a pickup that no
 * trip of the horizon can collect (ready after the last shift's end less
 * the drive back) is skipped.
 *
 * Vehicle ids name the local date, not the day of the horizon:
 * "motorbike1.20260820t2" is motorbike 1's second trip slot of
 * 2026-08-20, so that an id means the same trip in every plan, also
 * across midnight. A group problem (pr_group_problem_build) prefixes
 * them with the office id: "C06463/motorbike1.20260820t2".
 */
struct pr_office_problem {
	int office;                  /* a group: its first office */
	int64_t day_start;
	struct pr_problem *problem;  /* owned */
	int n_jobs;
	int *order;                  /* job -> index into the caller's orders */
	struct pr_deadline *deadline;/* per job, at its own office; for a
	                              * group, latest is the job's window end */
	int n_skipped;               /* ready after the horizon: left out */
	int *skipped;                /* their order indices */
	/* Added for groups and the planning clock (filled for every
	 * problem): */
	int n_offices;               /* 1, or the group's size */
	int *offices;                /* location k (< n_offices) is office offices[k] */
	int *vehicle_office;         /* vehicle -> region office index */
	double *trip_start;          /* vehicle -> its trip's start before
	                              * pp->now cut it (s after day_start) */
};

/* Builds the problem of `office` for the orders idx[0..n) of orders.
 * Returns 0 with *out new (pr_office_problem_free), or PR_EINVAL. */
int pr_office_problem_build(const struct pr_region *r, int office,
    const struct pr_order *orders, const int *idx, int n,
    const struct pr_plan_params *pp, struct pr_office_problem **out,
    struct pr_error *err);
void pr_office_problem_free(struct pr_office_problem *op);

/* Solve time for an office problem of n pickups: 0.1 s + per_pickup * n,
 * at most limit (per_pickup <= 0: limit). A few pickups are solved long
 * before a limit sized for a busy office. */
double pr_office_time_limit(int n, double per_pickup, double limit);

#define PR_GROUP_MAX_OFFICES 7       /* PR_MAX_DIMS - 1 */

/*
 * Neighbouring offices planned together: the pickups of idx[0..n) (order
 * idx[i] belongs to office home[i], one of offices[0..n_offices)) may be
 * collected by the trips of any office of the group, each trip starting
 * and ending at its own office. A parcel goes on the line-haul of the
 * office whose vehicle brought it, so a pickup may go on another
 * office's trip only where that office's own latest pickup rule puts it
 * on time whenever its home office does (and no more than share_s
 * earlier); its window is the tightest of the offices allowed. The
 * others are kept off those trips with one capacity dimension per
 * office (dimension 1 + k: 1 per job that office k may not take, 0
 * capacity on office k's trips). Locations 0..n_offices-1 are the
 * offices. Returns 0 with *out new, or PR_EINVAL (more than
 * PR_GROUP_MAX_OFFICES offices, a home outside the group).
 */
int pr_group_problem_build(const struct pr_region *r, const int *offices,
    int n_offices, const struct pr_order *orders, const int *idx,
    const int *home, int n, double share_s, const struct pr_plan_params *pp,
    struct pr_office_problem **out, struct pr_error *err);

/* A day's trip slots of an office, as boundaries in seconds after local
 * midnight: the shift cut at each line-haul cut-off inside it, then into
 * pieces of at most max_trip_s (slots shorter than 10 minutes get no
 * vehicle). Fills b[0..n) and returns n = slots + 1 (0 when max < 2). */
int pr_office_trip_slots(const struct pr_region *r, int office, int *b,
    int max);

/* Maps a solver reason for an unassigned job to a risk: unreachable for
 * time_window, shift and max_travel_time, no_capacity for the others
 * (capacity, no_vehicle, priority, unknown or NULL); never none. */
int pr_risk_from_unassigned(const char *reason);

/* ---- the service-level rule (late.c) ------------------------------------- */

/*
 * The deadline of o at office when it is planned late on purpose: the
 * departures that deliver it in time are given up and it rides the next
 * one (see domain.c). *strict gets its on-time deadline. Returns 0 with
 * *late filled (risk PR_RISK_PLANNED_LATE), or -1 when o is not on time
 * there, only its perishable hold closes the window, or no later pickup
 * and departure exist.
 */
int pr_late_deadline(const struct pr_region *r, int office,
    const struct pr_order *o, int64_t now, struct pr_deadline *strict,
    struct pr_deadline *late);

/*
 * Dropping the trips that on-time promises alone make worth driving. A
 * trip of at most max_stops pickups is dropped when each of its pickups
 * fits into another trip of the plan already driven (cheapest insertion;
 * trips with pinned stops are neither dropped nor changed): on its own
 * window if it can, else
 * planned late (pr_late_deadline at that trip's office, delivered at most
 * max_delay_s after its promise), and the km saved are at least
 * min_saving_m per order made late. Best ratio first (km saved per late
 * order; a drop that makes nobody late comes first), until max_late
 * orders are late or max_steps trips are dropped. Deterministic.
 */
struct pr_late_params {
	double min_saving_m;     /* metres saved per late order, at least */
	double max_delay_s;      /* delivered at most this long after due */
	int max_stops;           /* trips with at most this many pickups */
	int max_late;            /* orders made late, at most (< 0: none) */
	int max_steps;           /* trips dropped, at most (< 0: no limit) */
};
void pr_late_params_init(struct pr_late_params *lp);

struct pr_late_step {
	int vehicle;             /* the trip dropped, or left by one stop */
	int dropped;             /* 1: the whole trip, 0: one stop moved */
	int n_moved;             /* pickups now on other trips */
	int n_late;              /* of which planned late */
	double saved_m;
};

struct pr_late_plan {
	int n_steps;
	struct pr_late_step *steps;
	int n_late;
	double saved_m;
	/* apply != 0 only: the plan after the drops (pr_solution_free).
	 * Its late jobs' windows end later in op->problem, and their
	 * op->deadline is the late one (risk PR_RISK_PLANNED_LATE). */
	struct pr_solution *solution;
};

/* The drops for op's solution sol (pp: as op was built with). apply = 0
 * is a dry run that leaves op alone: the steps say what the drops would
 * save and cost, in order, so a caller can share a budget between
 * problems and apply each problem's first steps (max_steps) later with
 * the same result. Returns 0 with *out filled (pr_late_plan_free), or
 * PR_EINVAL. */
int pr_plan_late(const struct pr_region *r, const struct pr_order *orders,
    struct pr_office_problem *op, const struct pr_solution *sol,
    const struct pr_plan_params *pp, const struct pr_late_params *lp,
    int apply, struct pr_late_plan *out, struct pr_error *err);
void pr_late_plan_free(struct pr_late_plan *lpl);
/* How pr_plan_late ranks steps (higher first): km saved per late order,
 * a step that makes nobody late above all. For callers that share a
 * budget between problems. */
double pr_late_step_score(const struct pr_late_step *st);

/* ---- clustering (cluster.c) ---------------------------------------------- */

/*
 * Generalised assignment with overflow, solved with GLPK:
 *   min  sum cost[i][b] x[i][b] + sum overflow_cost y[i]
 *   s.t. sum_b x[i][b] + y[i] = 1                       every item i
 *        sum_i kg[i] x[i][b]      <= cap_kg[b]          every bin b
 *        sum_i hours[i][b] x[i][b] <= cap_h[b]          every bin b
 * cost[i * n_bins + b] = INFINITY forbids a pair. assign[i] gets the bin
 * or -1 (overflow). The greedy nearest-feasible solution (each item to
 * its cheapest bin, then overloaded bins shed the items that are
 * cheapest to move per kg) is computed first and given to GLPK as its
 * first incumbent; time_limit (seconds, <= 0: 10 s) bounds GLPK; when
 * GLPK fails, or stops before the incumbent is in, the greedy answer is
 * returned. *status: 0 optimal (within a 1 % relative gap of GLPK's
 * bound), 1 GLPK's best at the time limit, 2 greedy after a time limit,
 * 3 greedy after a GLPK error, 4 greedy requested (greedy != 0).
 * Returns 0, or PR_EINVAL for NaN or negative input.
 */
struct pr_assign_input {
	int n_items, n_bins;
	const double *cost;      /* n_items * n_bins */
	const double *kg;        /* n_items */
	const double *hours;     /* n_items * n_bins */
	const double *cap_kg;    /* n_bins */
	const double *cap_h;     /* n_bins */
	double overflow_cost;
	double time_limit;
	int greedy;
};
int pr_assign_solve(const struct pr_assign_input *in, int *assign,
    int *status, double *objective, struct pr_error *err);

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
 * a PR_E* code. Uses GLPK: see the note at the top.
 */
int pr_cluster_assign(const struct pr_region *r, const struct pr_order *orders,
    int n, int64_t day_start, const struct pr_cluster_params *cp,
    struct pr_cluster_result **out, struct pr_error *err);
void pr_cluster_result_free(struct pr_cluster_result *cr);

/* ---- scenario generator (sim.c) ------------------------------------------ */

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

#ifdef __cplusplus
}
#endif

#endif
