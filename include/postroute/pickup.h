/* pickup.h: the latest pickup rule: from a promise, the line-haul departures and the hub's connections, when a household must be visited; the risks of missing it. */
#ifndef POSTROUTE_PICKUP_H
#define POSTROUTE_PICKUP_H

/*
 * The rules are written out in docs/domain.md. Instants are epoch seconds
 * (postroute/time.h). Pure and reentrant; the region is only read.
 */

#include <stdint.h>

#include "postroute/orderbook.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

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
/* "none", "no_linehaul_in_time", ...; "unknown" out of range. A static
 * string. */
PR_API const char *pr_risk_name(int risk);

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
PR_API int64_t pr_delivery_estimate(const struct pr_region *r, int office,
    int dest, int64_t departure);
/* A parcel at the office at `at_office` leaves on the first departure whose
 * cut-off is not before it: that departure (and *delivered), or -1. */
PR_API int64_t pr_next_departure(const struct pr_region *r, int office,
    int dest, int64_t at_office, int64_t *delivered);

/*
 * The latest pickup rule: the latest departure of `office` that still
 * delivers o within its promise gives the cut-off; the latest pickup is
 * that cut-off minus back_s (service plus the fastest drive back), and no
 * later than the ready window's end; the pickup must fit in an office
 * shift. Without such a departure the order is late anyway: it is
 * planned for the latest departure that delivers as early as the
 * earliest possible one does, and flagged (d->risk). Returns d->risk.
 */
PR_API int pr_latest_pickup(const struct pr_region *r, int office,
    const struct pr_order *o, double back_s, struct pr_deadline *d);

/* The drive back from o's household to office (service included): what
 * the latest pickup rule keeps free before the office's cut-off, with the
 * office's fastest vehicle. */
PR_API double pr_pickup_back_s(const struct pr_region *r, int office,
    const struct pr_order *o);

/*
 * pr_latest_pickup for o at office (back_s from pr_pickup_back_s) under
 * the planning clock now (epoch, 0 for none): when no trip leaving the
 * office now can reach the household before the window ends, inside a
 * shift and back before its end (the drive out is taken to equal the
 * drive back), the rule is applied again from the earliest arrival, so
 * the pickup is planned for the next departure it can still make
 * (flagged no_linehaul_in_time, or ready_window once the household's
 * window has closed). d keeps the order's own earliest pickup. Fills d.
 */
PR_API void pr_pickup_deadline(const struct pr_region *r, int office,
    const struct pr_order *o, double back_s, int64_t now,
    struct pr_deadline *d);

/* Maps a solver reason for an unassigned job to a risk: unreachable for
 * time_window, shift and max_travel_time, no_capacity for the others
 * (capacity, no_vehicle, priority, unknown or NULL); never none. */
PR_API int pr_risk_from_unassigned(const char *reason);

/*
 * The deadline of o at office when it is planned late on purpose: the
 * departures that deliver it in time are given up and it rides the next
 * one (the rules of docs/domain.md). *strict gets its on-time deadline.
 * Returns 0 with *late filled (risk PR_RISK_PLANNED_LATE), or -1 when o
 * is not on time there, only its perishable hold closes the window, or
 * no later pickup and departure exist.
 */
PR_API int pr_late_deadline(const struct pr_region *r, int office,
    const struct pr_order *o, int64_t now, struct pr_deadline *strict,
    struct pr_deadline *late);

#ifdef __cplusplus
}
#endif

#endif
