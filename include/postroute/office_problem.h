/* office_problem.h: orders to a solver problem: one post office's (or a group of neighbouring offices') trips and pickups for a plan's date. */
#ifndef POSTROUTE_OFFICE_PROBLEM_H
#define POSTROUTE_OFFICE_PROBLEM_H

/*
 * A per-office routing problem uses doubles: seconds after its day_start,
 * the local midnight of the plan's date, so that an order placed the day
 * before has a negative ready time and a 48 h promise simply reaches into
 * the next day. Weights are grams (dimension 0).
 *
 * Pure and reentrant; the region and the orders are only read, and a
 * problem built belongs to the caller.
 */

#include <stdint.h>

#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/postroute.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

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
PR_API int pr_office_problem_build(const struct pr_region *r, int office,
    const struct pr_order *orders, const int *idx, int n,
    const struct pr_plan_params *pp, struct pr_office_problem **out,
    struct pr_error *err);
/* Frees op and its problem; NULL is a no-op. */
PR_API void pr_office_problem_free(struct pr_office_problem *op);

/* Solve time for an office problem of n pickups: 0.1 s + per_pickup * n,
 * at most limit (per_pickup <= 0: limit). A few pickups are solved long
 * before a limit sized for a busy office. */
PR_API double pr_office_time_limit(int n, double per_pickup, double limit);

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
PR_API int pr_group_problem_build(const struct pr_region *r, const int *offices,
    int n_offices, const struct pr_order *orders, const int *idx,
    const int *home, int n, double share_s, const struct pr_plan_params *pp,
    struct pr_office_problem **out, struct pr_error *err);

/* A day's trip slots of an office, as boundaries in seconds after local
 * midnight: the shift cut at each line-haul cut-off inside it, then into
 * pieces of at most max_trip_s (slots shorter than 10 minutes get no
 * vehicle). Fills b[0..n) and returns n = slots + 1 (0 when max < 2). */
PR_API int pr_office_trip_slots(const struct pr_region *r, int office, int *b,
    int max);

#ifdef __cplusplus
}
#endif

#endif
