/* pickup.c: the latest pickup rule, delivery estimates, the planning clock and the late deadline of the service-level rule. */
#include <math.h>
#include <string.h>

#include "util.h"
#include "postroute/pickup.h"
#include "postroute/time.h"
#include "postroute/travel.h"

/*
 * The rules implemented here are written out in docs/domain.md; keep the
 * two in step. A departure "instance" is a departure time of day on a
 * given local date.
 */

#define PICKUP_SEARCH_DAYS 8     /* how far ahead departures are looked for */

static const char *const pickup_risk_names[PR_RISK_COUNT] = {
	"none", "no_linehaul_in_time", "no_linehaul", "no_capacity",
	"unreachable", "outside_service_area", "too_heavy", "ready_window",
	"not_planned", "planned_late"
};

const char *
pr_risk_name(int risk)
{
	if (risk < 0 || risk >= PR_RISK_COUNT)
		return "unknown";
	return pickup_risk_names[risk];
}

/*
 * The solver's reasons (solve.c): capacity, time_window, shift,
 * max_travel_time, no_vehicle, priority. Every reason, known or not,
 * gives a risk other than none: a pickup that a plan leaves out is a
 * pickup that will not be collected in time.
 */
int
pr_risk_from_unassigned(const char *reason)
{
	if (reason != NULL && (strcmp(reason, "time_window") == 0 ||
	    strcmp(reason, "shift") == 0 ||
	    strcmp(reason, "max_travel_time") == 0))
		return PR_RISK_UNREACHABLE;
	/* capacity, no_vehicle, priority (left out by the search), and
	 * whatever a later solver may add */
	return PR_RISK_NO_CAPACITY;
}

static int64_t
pickup_min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t
pickup_max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Delivery of a parcel reaching the hub at hub_arr. */
static int64_t
pickup_deliver(const struct pr_region *r, int dest, int64_t hub_arr)
{
	const struct pr_destination *d = &r->destinations[dest];
	int64_t t = hub_arr + (int64_t)llround(r->hub_sort_s), m, out, tod;
	int64_t h = -1;

	if (d->n_departures == 0)
		return -1;
	m = pr_day_start(r, t);
	for (int k = 0; k < 3 && h < 0; k++)
		for (int i = 0; i < d->n_departures; i++) {
			int64_t inst = m + (int64_t)k * PR_DAY_S +
			    d->departures[i];

			if (inst >= t) {
				h = inst;
				break;
			}
		}
	out = h + (int64_t)llround(d->transit_s + d->sort_s);
	m = pr_day_start(r, out);
	tod = out - m;
	if (tod < d->deliver_from)
		out = m + d->deliver_from;
	else if (tod > d->deliver_to)
		out = m + PR_DAY_S + d->deliver_from;
	return out + (int64_t)llround(d->last_mile_s);
}

int64_t
pr_delivery_estimate(const struct pr_region *r, int office, int dest,
    int64_t departure)
{
	const struct pr_office *of = &r->offices[office];
	int64_t tod = departure - pr_day_start(r, departure);

	for (int i = 0; i < of->n_departures; i++)
		if (of->departures[i].time == tod)
			return pickup_deliver(r, dest, departure +
			    (int64_t)llround(of->departures[i].hub_s));
	return -1;
}

int64_t
pr_next_departure(const struct pr_region *r, int office, int dest,
    int64_t at_office, int64_t *delivered)
{
	const struct pr_office *of = &r->offices[office];
	int64_t m = pr_day_start(r, at_office) - PR_DAY_S;

	if (delivered != NULL)
		*delivered = -1;
	for (int k = 0; k <= PICKUP_SEARCH_DAYS; k++)
		for (int i = 0; i < of->n_departures; i++) {
			const struct pr_departure *dp = &of->departures[i];
			int64_t dep = m + (int64_t)k * PR_DAY_S + dp->time;

			if (dep - dp->cutoff < at_office)
				continue;
			if (delivered != NULL)
				*delivered = pickup_deliver(r, dest, dep +
				    (int64_t)llround(dp->hub_s));
			return dep;
		}
	return -1;
}

/*
 * The earliest pickup start in [earliest, latest] that lies in a shift of
 * the office and leaves back_s to return before the shift ends; -1 when
 * none.
 */
static int64_t
pickup_slot(const struct pr_region *r, const struct pr_office *of,
    int64_t earliest, int64_t latest, double back_s)
{
	int64_t back = (int64_t)ceil(back_s);

	if (latest < earliest)
		return -1;
	for (int64_t day = pr_day_start(r, earliest) - PR_DAY_S; day <= latest;
	    day += PR_DAY_S) {
		int64_t lo = pickup_max64(earliest, day + of->shift_start);
		int64_t hi = pickup_min64(latest, day + of->shift_end - back);

		if (lo <= hi)
			return lo;
	}
	return -1;
}

/* The last moment of the shift that contains or follows t, minus back. */
static int64_t
pickup_shift_latest(const struct pr_region *r, const struct pr_office *of,
    int64_t t, double back_s)
{
	int64_t day = pr_day_start(r, t);
	int64_t back = (int64_t)ceil(back_s);

	if (t > day + of->shift_end - back)
		day += PR_DAY_S;
	return day + of->shift_end - back;
}

struct pickup_cand {
	int64_t dep, cutoff, latest, delivered;
};

/* d takes departure c. Perishable produce should not wait at the farm
 * (hold > 0): it is picked up within the hold after it is ready, but
 * never before the first departure it could make (floor) allows. */
static void
pickup_take(struct pr_deadline *d, const struct pickup_cand *c,
    const struct pr_order *o, double hold_s, int64_t floor)
{
	d->departure = c->dep;
	d->cutoff = c->cutoff;
	d->latest = c->latest;
	d->delivered = c->delivered;
	if (o->perishable && hold_s > 0) {
		int64_t hold = o->ready_from + (int64_t)llround(hold_s);

		d->latest = pickup_min64(d->latest,
		    pickup_max64(hold, floor));
	}
}

int
pr_latest_pickup(const struct pr_region *r, int office,
    const struct pr_order *o, double back_s, struct pr_deadline *d)
{
	const struct pr_office *of = &r->offices[office];
	struct pickup_cand first = { -1, -1, -1, -1 }, best = first,
	    loose = first, same = first;
	int64_t m, back = (int64_t)ceil(back_s), span;
	int have_dest = o->destination >= 0 &&
	    r->destinations[o->destination].n_departures > 0;

	d->due = o->placed + (int64_t)o->promise_h * 3600;
	d->earliest = o->ready_from;
	d->departure = -1;
	d->delivered = -1;
	d->risk = PR_RISK_NONE;

	if (of->n_departures == 0 || !have_dest) {
		/* No line-haul: the parcel can only wait at the office.
		 * Pick it up within the first shift it fits in. */
		int64_t p = pickup_slot(r, of, o->ready_from,
		    o->ready_from + PICKUP_SEARCH_DAYS * PR_DAY_S, back_s);

		if (p < 0)
			p = o->ready_from;
		d->latest = pickup_shift_latest(r, of, p, back_s);
		d->cutoff = d->latest + back;
		d->risk = PR_RISK_NO_LINEHAUL;
		return d->risk;
	}

	span = ((int64_t)o->promise_h * 3600) / PR_DAY_S + PICKUP_SEARCH_DAYS;
	m = pr_day_start(r, o->ready_from) - PR_DAY_S;
	for (int k = 0; k <= span; k++) {
		for (int i = 0; i < of->n_departures; i++) {
			const struct pr_departure *dp = &of->departures[i];
			int64_t dep = m + (int64_t)k * PR_DAY_S + dp->time;
			int64_t cut = dep - dp->cutoff, lat = cut - back;
			int64_t lr = pickup_min64(lat, o->ready_to), del;
			struct pickup_cand c;

			if (lat < o->ready_from)
				continue;
			if (pickup_slot(r, of, o->ready_from, lr,
			    back_s) < 0) {
				if (loose.dep < 0 && pickup_slot(r, of,
				    o->ready_from, lat, back_s) >= 0) {
					loose.dep = dep;
					loose.cutoff = cut;
					loose.latest = lat;
					loose.delivered = pickup_deliver(r,
					    o->destination, dep +
					    (int64_t)llround(dp->hub_s));
				}
				continue;
			}
			del = pickup_deliver(r, o->destination,
			    dep + (int64_t)llround(dp->hub_s));
			c.dep = dep;
			c.cutoff = cut;
			c.latest = lr;
			c.delivered = del;
			if (first.dep < 0)
				first = c;
			if (del <= d->due)
				best = c;
			else if (best.dep < 0 && del <= first.delivered)
				same = c;   /* none in time: as early as the first */
			else
				goto done;  /* later departures deliver later */
		}
	}
done:
	if (best.dep >= 0) {
		pickup_take(d, &best, o, r->perishable_hold_s, first.latest);
		return d->risk;
	}
	if (first.dep >= 0) {
		/* Late whatever happens: the latest departure that still
		 * delivers as early as the earliest one (the same estimate;
		 * an evening order to Hà Nội reaches its 19:30 truck from
		 * the morning or the afternoon departure alike), within the
		 * perishable hold. */
		pickup_take(d, &same, o, r->perishable_hold_s, first.latest);
		d->risk = PR_RISK_NO_LINEHAUL_IN_TIME;
		return d->risk;
	}
	if (loose.dep >= 0) {
		/* Only possible after the ready window closes. */
		pickup_take(d, &loose, o, 0, 0);
		d->risk = PR_RISK_READY_WINDOW;
		return d->risk;
	}
	/* Departures exist, but no shift leaves time to reach the
	 * household and come back. */
	d->latest = pickup_shift_latest(r, of, o->ready_from, back_s);
	d->cutoff = d->latest + back;
	d->risk = PR_RISK_UNREACHABLE;
	return d->risk;
}

double
pr_pickup_back_s(const struct pr_region *r, int f, const struct pr_order *o)
{
	const struct pr_office *of = &r->offices[f];
	int fp = pr_office_fastest_profile(r, f);

	return r->service_s + (fp >= 0 ? pr_travel_s(r, fp, o->lon, o->lat,
	    r->communes[o->commune].district, of->lon, of->lat,
	    of->district) : 0);
}

void
pr_pickup_deadline(const struct pr_region *r, int f, const struct pr_order *o,
    double back_s, int64_t now, struct pr_deadline *d)
{
	struct pr_order late;
	int64_t reach;

	pr_latest_pickup(r, f, o, back_s, d);
	if (now == 0)
		return;
	reach = pickup_max64(d->earliest,
	    now + (int64_t)ceil(back_s - r->service_s));
	if (pickup_slot(r, &r->offices[f], reach, d->latest,
	    back_s) >= 0)
		return;
	late = *o;
	late.ready_from = pickup_max64(o->ready_from, reach);
	pr_latest_pickup(r, f, &late, back_s, d);
	d->earliest = o->ready_from;
}

/*
 * The service-level rule (late.c): o planned late on purpose at office f.
 * The departures that deliver it in time are given up: the rule is
 * applied again as if the parcel were ready just after its latest on-time
 * pickup, so it rides the next departure (the latest one that delivers as
 * early, rule 5), and the pickup window keeps the order's own start. A
 * perishable order's hold then runs from that point: the produce waits
 * for the next trip, not longer. *strict gets the deadline the order
 * gives up. Returns 0 with *late filled (risk planned_late), or -1 when
 * o is not on time at f (nothing to give up), when only the perishable
 * hold ends its window, or when the household is not ready later.
 */
int
pr_late_deadline(const struct pr_region *r, int office,
    const struct pr_order *o, int64_t now, struct pr_deadline *strict,
    struct pr_deadline *late)
{
	struct pr_order lo;
	double back = pr_pickup_back_s(r, office, o);

	pr_pickup_deadline(r, office, o, back, now, strict);
	if (strict->risk != PR_RISK_NONE || o->ready_to <= strict->latest)
		return -1;
	lo = *o;
	lo.ready_from = strict->latest + 1;
	pr_pickup_deadline(r, office, &lo, back, now, late);
	/* Only lateness is traded: a later pickup that is still on time
	 * (the perishable hold closed the window) would only break the
	 * hold. */
	if (late->departure < 0 || late->delivered < 0 ||
	    late->latest <= strict->latest ||
	    late->risk != PR_RISK_NO_LINEHAUL_IN_TIME)
		return -1;
	late->earliest = strict->earliest;
	late->risk = PR_RISK_PLANNED_LATE;
	return 0;
}
