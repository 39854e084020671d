/* test_domain.c: the rural domain: time, regions, events, latest pickup rules, office problems, GLPK assignment, clustering, the service-level rule. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "postroute/assign.h"
#include "postroute/cluster.h"
#include "postroute/event.h"
#include "postroute/late.h"
#include "postroute/office_problem.h"
#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/postroute.h"
#include "postroute/region.h"
#include "postroute/time.h"
#include "checker.h"
#include "testutil.h"

/*
 * A small region with round numbers: two communes 3.1 km apart, office A
 * (one motorbike of 10 kg) and B (one van of 100 kg), both with
 * departures at 10:00 and 15:00 (cut-off 30 min, one hour to the hub),
 * and H, an office without line-haul. From the hub, Hà Nội trucks leave
 * at 14:00 and 20:00 and take 3 h; delivery is immediate, hub sorting
 * takes no time. So a parcel on A's 10:00 departure is delivered at
 * 17:00, on the 15:00 departure at 23:00.
 */
static const char td_region[] =
    "{\"region\":\"test\",\"utc_offset\":\"+07:00\",\"hub\":\"H\","
    "\"defaults\":{\"circuity\":1.0,\"service_min\":0,\"radius_km\":10,"
    "\"max_trip_h\":3,\"perishable_hold_h\":4,\"move_penalty_min\":10,"
    "\"stops_per_trip\":8,\"utilisation\":1.0,\"hub_sort_min\":0},"
    "\"profiles\":[{\"name\":\"motorbike\",\"speed_kmh\":36,"
    "\"capacity_kg\":10},{\"name\":\"van\",\"speed_kmh\":36,"
    "\"capacity_kg\":100}],"
    "\"districts\":[{\"code\":\"001\",\"name\":\"D\",\"circuity\":1.0}],"
    "\"destinations\":[{\"id\":\"HN\",\"hub_departures\":[\"20:00\","
    "\"14:00\"],\"transit_h\":3,\"sort_h\":0,\"delivery_window\":"
    "[\"00:00\",\"24:00\"],\"last_mile_h\":0}],"
    "\"communes\":[{\"code\":\"00001\",\"name\":\"A\",\"district\":\"001\","
    "\"point\":[106.0,21.0],\"area_km2\":4,\"population\":1000},"
    "{\"code\":\"00002\",\"name\":\"B\",\"district\":\"001\","
    "\"point\":[106.03,21.0],\"area_km2\":4,\"population\":1000}],"
    "\"offices\":["
    "{\"id\":\"A\",\"commune\":\"00001\",\"fleet\":{\"motorbike\":1},"
    "\"shift\":[\"07:00\",\"17:00\"],\"linehaul\":[{\"depart\":\"15:00\","
    "\"cutoff_min\":30,\"hub_h\":1},{\"depart\":\"10:00\",\"cutoff_min\":30,"
    "\"hub_h\":1}]},"
    "{\"id\":\"B\",\"commune\":\"00002\",\"fleet\":{\"van\":1},"
    "\"shift\":[\"07:00\",\"17:00\"],\"linehaul\":[{\"depart\":\"10:00\","
    "\"cutoff_min\":30,\"hub_h\":1},{\"depart\":\"15:00\",\"cutoff_min\":30,"
    "\"hub_h\":1}]},"
    "{\"id\":\"H\",\"level\":\"district\",\"commune\":\"00001\","
    "\"fleet\":{},\"shift\":[\"07:00\",\"17:00\"]}]}";

/* 2026-08-20 00:00 +07:00 */
#define TD_DAY0 INT64_C(1787158800)
#define TD_T(d, h, m) (TD_DAY0 + (int64_t)(d) * 86400 + (h) * 3600 + (m) * 60)
#define TD_BACK 600.0

static struct pr_region *
td_load(void)
{
	return tu_region(td_region, strlen(td_region));
}

static struct pr_order
td_order(const struct pr_region *r, int64_t placed, int promise)
{
	struct pr_order o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "o%lld", (long long)placed);
	o.version = 1;
	o.commune = pr_region_commune(r, "00001");
	o.lon = r->communes[o.commune].lon;
	o.lat = r->communes[o.commune].lat;
	o.weight_g = 5000;
	o.promise_h = promise;
	o.placed = placed;
	o.ready_from = placed;
	o.ready_to = INT64_MAX;
	o.destination = pr_region_destination(r, "HN");
	return o;
}

/* ---- time ---------------------------------------------------------------- */

Test(domain_time, parse_and_format)
{
	int64_t t;
	int off;
	char buf[40];

	cr_assert_eq(pr_time_parse("2026-08-20T09:15:00+07:00", &t, &off), 0);
	cr_assert_eq(t, INT64_C(1787192100));
	cr_assert_eq(off, 25200);
	pr_time_format(t, off, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2026-08-20T09:15:00+07:00");
	cr_assert_eq(pr_time_parse("2026-08-20T02:15Z", &t, NULL), 0);
	cr_assert_eq(t, INT64_C(1787192100));
	cr_assert_eq(pr_time_parse("2024-02-29T23:59:59.75+00:00", &t, NULL),
	    0);
	cr_assert_eq(t, INT64_C(1709251199));
	cr_assert_eq(pr_date_parse("2026-08-20", 25200, &t), 0);
	cr_assert_eq(t, TD_DAY0);
	/* Rejected: no offset, impossible dates, junk. */
	cr_assert_neq(pr_time_parse("2026-08-20T09:15:00", &t, NULL), 0);
	cr_assert_neq(pr_time_parse("2026-02-29T09:15:00Z", &t, NULL), 0);
	cr_assert_neq(pr_time_parse("2026-08-20T24:00:00Z", &t, NULL), 0);
	cr_assert_neq(pr_time_parse("2026-08-20T09:15:00+07:00x", &t, NULL),
	    0);
	cr_assert_neq(pr_time_parse("yesterday", &t, NULL), 0);
	cr_assert_neq(pr_date_parse("2026-8-20", 25200, &t), 0);
}

/* ---- the latest pickup rule ---------------------------------------------- */

Test(latest_pickup, morning_order_takes_the_latest_departure_in_time)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 8, 0), 24);
	struct pr_deadline d;

	cr_assert_eq(pr_latest_pickup(r, pr_region_office(r, "A"), &o,
	    TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.due, TD_T(1, 8, 0));
	cr_assert_eq(d.departure, TD_T(0, 15, 0));
	cr_assert_eq(d.cutoff, TD_T(0, 14, 30));
	cr_assert_eq(d.latest, TD_T(0, 14, 20));
	cr_assert_eq(d.delivered, TD_T(0, 23, 0));
	cr_assert_eq(d.earliest, TD_T(0, 8, 0));
	pr_region_free(r);
}

Test(latest_pickup, order_after_the_last_departure)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 20, 0), 24);
	struct pr_deadline d;

	/* The 10:00 departure of the next day delivers at 17:00, within
	 * the promise (20:00); its 15:00 departure would be too late. */
	cr_assert_eq(pr_latest_pickup(r, pr_region_office(r, "A"), &o,
	    TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.departure, TD_T(1, 10, 0));
	cr_assert_eq(d.latest, TD_T(1, 9, 20));
	cr_assert_eq(d.delivered, TD_T(1, 17, 0));
	pr_region_free(r);
}

Test(latest_pickup, forty_eight_hours_over_the_day_boundary)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 22, 0), 48);
	struct pr_deadline d;

	cr_assert_eq(pr_latest_pickup(r, pr_region_office(r, "A"), &o,
	    TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.due, TD_T(2, 22, 0));
	cr_assert_eq(d.departure, TD_T(2, 10, 0));
	cr_assert_eq(d.latest, TD_T(2, 9, 20));

	/* An order of the day before: its window starts before the plan's
	 * day and ends after it. */
	o = td_order(r, TD_T(-1, 18, 0), 48);
	cr_assert_eq(pr_latest_pickup(r, pr_region_office(r, "A"), &o,
	    TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.departure, TD_T(1, 10, 0));
	cr_assert_lt(d.earliest, TD_DAY0);
	cr_assert_gt(d.latest, TD_T(1, 0, 0));
	pr_region_free(r);
}

Test(latest_pickup, no_departure_in_time_is_at_risk)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 14, 40), 24);
	struct pr_deadline d;

	/* Ready after the 15:00 cut-off; tomorrow's 10:00 delivers at
	 * 17:00, after the promise (14:40): planned for it anyway. */
	cr_assert_eq(pr_latest_pickup(r, pr_region_office(r, "A"), &o,
	    TD_BACK, &d), PR_RISK_NO_LINEHAUL_IN_TIME);
	cr_assert_str_eq(pr_risk_name(d.risk), "no_linehaul_in_time");
	cr_assert_eq(d.departure, TD_T(1, 10, 0));
	cr_assert_eq(d.latest, TD_T(1, 9, 20));
	cr_assert_eq(d.delivered, TD_T(1, 17, 0));
	pr_region_free(r);
}

Test(latest_pickup, late_anyway_takes_the_latest_departure_as_early)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 20, 0), 24);
	struct pr_deadline d;
	int a = pr_region_office(r, "A");

	/* One truck from the hub, at 20:00: A's 10:00 and 15:00
	 * departures both deliver at 23:00. An order of 20:00 with 24 h
	 * (due day 1 20:00) is late on either: planned for the later one,
	 * which delivers as early, not for the first. */
	r->destinations[0].n_departures = 1;
	r->destinations[0].departures[0] = 20 * 3600;
	cr_assert_eq(pr_latest_pickup(r, a, &o, TD_BACK, &d),
	    PR_RISK_NO_LINEHAUL_IN_TIME);
	cr_assert_eq(d.departure, TD_T(1, 15, 0));
	cr_assert_eq(d.latest, TD_T(1, 14, 20));
	cr_assert_eq(d.delivered, TD_T(1, 23, 0));
	cr_assert_eq(pr_delivery_estimate(r, a, o.destination, TD_T(1, 10, 0)),
	    d.delivered);
	/* Perishable (ready day 1 07:00): within the 4 h hold. */
	o.perishable = 1;
	o.ready_from = TD_T(1, 7, 0);
	cr_assert_eq(pr_latest_pickup(r, a, &o, TD_BACK, &d),
	    PR_RISK_NO_LINEHAUL_IN_TIME);
	cr_assert_eq(d.departure, TD_T(1, 15, 0));
	cr_assert_eq(d.latest, TD_T(1, 11, 0));
	pr_region_free(r);
}

Test(latest_pickup, office_without_linehaul)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 8, 0), 24);
	struct pr_deadline d;

	cr_assert_eq(pr_latest_pickup(r, pr_region_office(r, "H"), &o,
	    TD_BACK, &d), PR_RISK_NO_LINEHAUL);
	cr_assert_eq(d.departure, -1);
	cr_assert_eq(d.delivered, -1);
	cr_assert_eq(d.latest, TD_T(0, 16, 50));
	/* Ready after the shift: the next day's shift. */
	o = td_order(r, TD_T(0, 18, 0), 24);
	pr_latest_pickup(r, pr_region_office(r, "H"), &o, TD_BACK, &d);
	cr_assert_eq(d.latest, TD_T(1, 16, 50));
	pr_region_free(r);
}

Test(latest_pickup, ready_window_and_perishable_hold)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 5, 0), 24);
	struct pr_deadline d;
	int a = pr_region_office(r, "A");

	/* The household is there only before the shift starts. */
	o.ready_to = TD_T(0, 6, 0);
	cr_assert_eq(pr_latest_pickup(r, a, &o, TD_BACK, &d),
	    PR_RISK_READY_WINDOW);
	cr_assert_eq(d.departure, TD_T(0, 10, 0));

	/* A ready window ending at noon caps the latest pickup. */
	o = td_order(r, TD_T(0, 8, 0), 24);
	o.ready_to = TD_T(0, 12, 0);
	cr_assert_eq(pr_latest_pickup(r, a, &o, TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.latest, TD_T(0, 12, 0));
	cr_assert_eq(d.departure, TD_T(0, 15, 0));

	/* 48 h would allow tomorrow 15:00; perishable fruit is picked up
	 * within the 4 h hold. */
	o = td_order(r, TD_T(0, 8, 0), 48);
	cr_assert_eq(pr_latest_pickup(r, a, &o, TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.latest, TD_T(1, 14, 20));
	o.perishable = 1;
	cr_assert_eq(pr_latest_pickup(r, a, &o, TD_BACK, &d), PR_RISK_NONE);
	cr_assert_eq(d.latest, TD_T(0, 12, 0));
	pr_region_free(r);
}

Test(latest_pickup, next_departure_after_return)
{
	struct pr_region *r = td_load();
	int64_t del, dep;
	int a = pr_region_office(r, "A"), hn = pr_region_destination(r, "HN");

	dep = pr_next_departure(r, a, hn, TD_T(0, 9, 30), &del);
	cr_assert_eq(dep, TD_T(0, 10, 0));
	cr_assert_eq(del, TD_T(0, 17, 0));
	dep = pr_next_departure(r, a, hn, TD_T(0, 9, 31), &del);
	cr_assert_eq(dep, TD_T(0, 15, 0));
	cr_assert_eq(del, TD_T(0, 23, 0));
	dep = pr_next_departure(r, a, hn, TD_T(0, 16, 0), &del);
	cr_assert_eq(dep, TD_T(1, 10, 0));
	cr_assert_eq(pr_delivery_estimate(r, a, hn, TD_T(1, 10, 0)),
	    TD_T(1, 17, 0));
	pr_region_free(r);
}

/* ---- region parsing ------------------------------------------------------ */

Test(region, parses_and_resolves)
{
	struct pr_region *r = td_load();
	int a = pr_region_office(r, "A");

	cr_assert_eq(r->n_offices, 3);
	cr_assert_eq(r->utc_offset, 25200);
	cr_assert_eq(r->hub, pr_region_office(r, "H"));
	cr_assert_eq(r->communes[pr_region_commune(r, "00001")].office, a);
	/* Departures and hub departures come back sorted. */
	cr_assert_eq(r->offices[a].departures[0].time, 10 * 3600);
	cr_assert_eq(r->destinations[0].departures[0], 14 * 3600);
	cr_assert_eq(r->profiles[0].capacity_g, 10000);
	pr_region_free(r);
}

Test(region, errors_name_the_path)
{
	struct pr_region *r = NULL;
	struct pr_error err = { 0, "" };
	char *bad = strdup(td_region), *p;

	/* Unknown commune of an office. */
	p = strstr(bad, "\"commune\":\"00002\",\"fleet\"");
	memcpy(p + 11, "99999", 5);
	cr_assert_eq(pr_region_from_json(bad, strlen(bad), &r, &err),
	    PR_EINVAL);
	cr_assert_null(r);
	cr_assert(strstr(err.msg, "offices[1].commune") != NULL, "%s",
	    err.msg);
	free(bad);

	cr_assert_eq(pr_region_from_json("{\"region\":", 11, &r, &err),
	    PR_EINVAL);
	bad = strdup(td_region);
	p = strstr(bad, "\"17:00\"]");
	memcpy(p, "\"06:00\"", 7);
	cr_assert_eq(pr_region_from_json(bad, strlen(bad), &r, &err),
	    PR_EINVAL);
	cr_assert(strstr(err.msg, "offices[0].shift") != NULL, "%s", err.msg);
	free(bad);
}

/* ---- events -------------------------------------------------------------- */

static const char td_event[] =
    "{\"type\":\"order.created\",\"event_id\":\"e1\",\"order_id\":\"o1\","
    "\"version\":1,\"ts\":\"2026-08-20T09:15:00+07:00\","
    "\"commune\":\"00001\",\"location\":[106.001,21.002],"
    "\"weight_kg\":10.5,\"perishable\":true,\"promise_hours\":24,"
    "\"ready\":{\"from\":\"2026-08-20T10:00:00+07:00\"},"
    "\"destination\":\"HN\",\"product\":\"custard_apple\"}";

/* Replaces the first occurrence of `from` in td_event with `to` and
 * returns the error of parsing it (or "" when it parsed). */
static const char *
td_event_error(const char *from, const char *to)
{
	static char buf[1024];
	static struct pr_error err;
	struct pr_event ev;
	const char *p = strstr(td_event, from);
	size_t n = (size_t)(p - td_event);

	cr_assert_not_null(p, "%s not in the event", from);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, td_event, to,
	    p + strlen(from));
	memset(&err, 0, sizeof(err));
	if (pr_event_parse(buf, strlen(buf), &ev, &err) == 0)
		return "";
	return err.msg;
}

Test(events, parse_valid_and_round_trip)
{
	struct pr_event ev, ev2;
	struct pr_error err = { 0, "" };
	char *s, *s2;

	cr_assert_eq(pr_event_parse(td_event, strlen(td_event), &ev, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(ev.type, PR_EV_ORDER_CREATED);
	cr_assert_str_eq(ev.order_id, "o1");
	cr_assert_eq(ev.ts, INT64_C(1787192100));
	cr_assert_eq(ev.placed_at, ev.ts);
	cr_assert_eq(ev.ready_from, TD_T(0, 10, 0));
	cr_assert_eq(ev.ready_to, INT64_MAX);
	cr_assert(ev.has_location && ev.perishable);
	cr_assert_float_eq(ev.weight_kg, 10.5, 1e-9);
	s = pr_event_to_json(&ev);
	cr_assert_not_null(s);
	cr_assert_eq(pr_event_parse(s, strlen(s), &ev2, &err), 0, "%s: %s", s,
	    err.msg);
	s2 = pr_event_to_json(&ev2);
	cr_assert_str_eq(s, s2);
	free(s);
	free(s2);
}

Test(events, bad_fields_are_named)
{
	cr_assert(strstr(td_event_error("10.5", "31"), "weight_kg"));
	cr_assert(strstr(td_event_error("10.5", "0"), "weight_kg"));
	cr_assert(strstr(td_event_error("10.5", "-2"), "weight_kg"));
	cr_assert(strstr(td_event_error("10.5", "\"10\""), "weight_kg"));
	cr_assert(strstr(td_event_error("10.5", "1e300"), "weight_kg"));
	cr_assert(strstr(td_event_error("\"00001\"", "\"1\""), "commune"));
	cr_assert(strstr(td_event_error("\"00001\"", "\"0000a\""), "commune"));
	cr_assert(strstr(td_event_error("order.created", "order.eaten"),
	    "type"));
	cr_assert(strstr(td_event_error("\"version\":1", "\"version\":0"),
	    "version"));
	cr_assert(strstr(td_event_error("\"version\":1", "\"version\":1.5"),
	    "version"));
	cr_assert(strstr(td_event_error("09:15:00+07:00", "09:15:00"), "ts"));
	/* a version no later event could beat, a time before 2000 */
	cr_assert(strstr(td_event_error("\"version\":1",
	    "\"version\":9007199254740993"), "event.version: "
	    "9007199254740993 is larger than 2^53"));
	cr_assert(strstr(td_event_error("\"version\":1",
	    "\"version\":9223372036854775807"), "2^53"));
	cr_assert(strstr(td_event_error("2026-08-20T09:15:00+07:00",
	    "1970-01-01T07:00:00+07:00"), "event.ts: 1970-01-01T07:00:00+07:00 "
	    "is before 2000-01-01"));
	cr_assert(strstr(td_event_error("\"ready\":{\"from\":\"2026-08-20",
	    "\"ready\":{\"from\":\"1999-12-31"), "event.ready.from: "));
	cr_assert(strstr(td_event_error("24,", "36,"), "promise_hours"));
	cr_assert(strstr(td_event_error("[106.001,21.002]", "[200,21]"),
	    "location"));
	cr_assert(strstr(td_event_error("\"ready\":{\"from\"",
	    "\"ready\":{\"to\":\"2026-08-20T09:00:00+07:00\",\"from\""),
	    "ready.to"));
	cr_assert(strstr(td_event_error("\"destination\":\"HN\",", ""),
	    "destination"));
	cr_assert(strstr(td_event_error("\"order_id\":\"o1\"",
	    "\"order_id\":\"01234567890123456789012345678901234567890123456789"
	    "01234567890123456789\""), "order_id"));
	cr_assert(strstr(td_event_error("{\"type\"", "[{\"type\""), "JSON") ||
	    strstr(td_event_error("{\"type\"", "[{\"type\""), "object"));
	cr_assert(strstr(td_event_error("\"e1\"", "\"e1\",\"event_id\":\"e2\""),
	    "JSON"));
}

Test(events, oversized_and_other_types)
{
	struct pr_event ev;
	struct pr_error err = { 0, "" };
	char *big = malloc(PR_EVENT_MAX_BYTES + 100);
	const char *cancel = "{\"type\":\"order.cancelled\","
	    "\"event_id\":\"e9\",\"order_id\":\"o1\",\"version\":3,"
	    "\"ts\":\"2026-08-20T11:00:00+07:00\"}";
	const char *fail = "{\"type\":\"pickup.failed\",\"event_id\":\"e10\","
	    "\"order_id\":\"o1\",\"version\":4,"
	    "\"ts\":\"2026-08-20T11:00:00+07:00\",\"office\":\"A\"}";

	memset(big, ' ', PR_EVENT_MAX_BYTES + 99);
	big[0] = '{';
	big[PR_EVENT_MAX_BYTES + 98] = '}';
	big[PR_EVENT_MAX_BYTES + 99] = '\0';
	cr_assert_eq(pr_event_parse(big, strlen(big), &ev, &err), PR_EINVAL);
	cr_assert(strstr(err.msg, "bytes"), "%s", err.msg);
	free(big);
	cr_assert_eq(pr_event_parse(cancel, strlen(cancel), &ev, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(ev.type, PR_EV_ORDER_CANCELLED);
	cr_assert_eq(pr_event_parse(fail, strlen(fail), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(ev.reason, "unspecified");
	cr_assert_str_eq(ev.office, "A");
}

Test(office_problem, time_limit_grows_with_pickups_up_to_the_limit)
{
	cr_assert_float_eq(pr_office_time_limit(1, 0.01, 1.0), 0.11, 1e-12);
	cr_assert_float_eq(pr_office_time_limit(40, 0.01, 1.0), 0.5, 1e-12);
	cr_assert_float_eq(pr_office_time_limit(100, 0.01, 0.5), 0.5, 1e-12);
	cr_assert_float_eq(pr_office_time_limit(5, 0, 0.7), 0.7, 1e-12);
}

Test(events, deep_nesting_is_rejected_before_parsing)
{
	struct pr_event ev;
	struct pr_error err = { 0, "" };
	/* nine levels in an extra field: refused, naming the limit */
	const char *deep = "{\"type\":\"order.cancelled\",\"x\":"
	    "[[[[[[[[1]]]]]]]],\"event_id\":\"e1\",\"order_id\":\"o1\","
	    "\"version\":2,\"ts\":\"2026-08-20T11:00:00+07:00\"}";
	/* brackets inside strings (and escaped quotes) do not count */
	const char *str = "{\"type\":\"order.cancelled\",\"reason\":"
	    "\"\\\"[[[[[[[[[[{{{{{{{{\",\"event_id\":\"e1\","
	    "\"order_id\":\"o1\",\"version\":2,"
	    "\"ts\":\"2026-08-20T11:00:00+07:00\"}";
	char *storm = malloc(3001);

	cr_assert_eq(pr_event_parse(deep, strlen(deep), &ev, &err), PR_EINVAL);
	cr_assert(strstr(err.msg, "nested deeper than 8"), "%s", err.msg);
	cr_assert_eq(pr_event_parse(str, strlen(str), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(ev.reason, "\"[[[[[[[[[[{{{{{{{{");
	memset(storm, '[', 3000);
	storm[3000] = '\0';
	cr_assert_eq(pr_event_parse(storm, 3000, &ev, &err), PR_EINVAL);
	cr_assert(strstr(err.msg, "nested deeper"), "%s", err.msg);
	free(storm);
}

Test(events, orderbook_is_idempotent)
{
	struct pr_region *r = td_load();
	struct pr_orderbook ob;
	struct pr_event ev, upd, can;
	struct pr_error err = { 0, "" };
	int i;

	pr_orderbook_init(&ob);
	cr_assert_eq(pr_event_parse(td_event, strlen(td_event), &ev, &err), 0);
	upd = ev;
	upd.type = PR_EV_ORDER_UPDATED;
	upd.version = 2;
	upd.weight_kg = 12;
	can = ev;
	can.type = PR_EV_ORDER_CANCELLED;
	can.version = 3;

	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), 0);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), 1);  /* replay */
	cr_assert_eq(pr_orderbook_apply(&ob, r, &upd, &err), 0);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), 1);  /* stale */
	i = pr_orderbook_find(&ob, "o1");
	cr_assert_eq(ob.orders[i].weight_g, 12000);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &can, &err), 0);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &upd, &err), 1);
	cr_assert_eq(ob.orders[i].state, PR_ORDER_CANCELLED);
	cr_assert_eq(ob.n, 1);

	/* A cancellation before its creation leaves a tombstone. */
	snprintf(can.order_id, sizeof(can.order_id), "o2");
	snprintf(ev.order_id, sizeof(ev.order_id), "o2");
	cr_assert_eq(pr_orderbook_apply(&ob, r, &can, &err), 0);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), 1);
	cr_assert_eq(ob.orders[pr_orderbook_find(&ob, "o2")].state,
	    PR_ORDER_CANCELLED);

	/* Unknown commune or destination: rejected, not applied. */
	snprintf(ev.order_id, sizeof(ev.order_id), "o3");
	snprintf(ev.commune, sizeof(ev.commune), "99999");
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), PR_EINVAL);
	cr_assert(strstr(err.msg, "commune"), "%s", err.msg);
	cr_assert_eq(pr_orderbook_find(&ob, "o3"), -1);
	pr_orderbook_clear(&ob);
	pr_region_free(r);
}

/* ---- GLPK assignment ----------------------------------------------------- */

Test(domain_time, day_start_is_local_midnight)
{
	struct pr_region *r = td_load();

	cr_assert_eq(pr_day_start(r, TD_T(0, 23, 59)), TD_DAY0);
	cr_assert_eq(pr_day_start(r, TD_DAY0), TD_DAY0);
	cr_assert_eq(pr_day_start(r, TD_T(1, 0, 0)), TD_DAY0 + 86400);
	cr_assert_eq(pr_day_start(r, TD_DAY0 - 1), TD_DAY0 - 86400);
	pr_region_free(r);
}

Test(events, event_from_order_round_trips)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 8, 5), 24), back, tomb;
	struct pr_event ev, ev2;
	struct pr_error err = { 0, "" };
	char *js;

	o.version = 7;
	o.has_location = 1;
	o.lon += 0.0123456;
	o.perishable = 1;
	o.ready_from = TD_T(0, 9, 0);
	o.ready_to = TD_T(0, 15, 0);
	snprintf(o.product, sizeof(o.product), "custard_apple");
	cr_assert_eq(pr_event_from_order(r, &o, NULL, &ev, &err), 0, "%s", err.msg);
	cr_assert_eq(ev.type, PR_EV_ORDER_CREATED);
	js = pr_event_to_json(&ev);
	cr_assert_not_null(js);
	cr_assert_eq(pr_event_parse(js, strlen(js), &ev2, &err), 0, "%s: %s",
	    js, err.msg);
	free(js);
	cr_assert_eq(pr_order_from_event(r, &ev2, &back, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(back.id, o.id);
	cr_assert_eq(back.version, 7);
	cr_assert_eq(back.commune, o.commune);
	cr_assert_float_eq(back.lon, o.lon, 1e-6);
	cr_assert_eq(back.weight_g, o.weight_g);
	cr_assert_eq(back.perishable, 1);
	cr_assert_eq(back.promise_h, 24);
	cr_assert_eq(back.placed, o.placed);
	cr_assert_eq(back.ready_from, o.ready_from);
	cr_assert_eq(back.ready_to, o.ready_to);
	cr_assert_eq(back.destination, o.destination);
	cr_assert_str_eq(back.product, "custard_apple");

	memset(&tomb, 0, sizeof(tomb));
	snprintf(tomb.id, sizeof(tomb.id), "gone");
	tomb.commune = tomb.destination = -1;
	cr_assert_eq(pr_event_from_order(r, &tomb, NULL, &ev, &err), PR_EINVAL);
	pr_region_free(r);
}

Test(events, orderbook_put_restores_state)
{
	struct pr_region *r = td_load();
	struct pr_orderbook ob;
	struct pr_order o = td_order(r, TD_T(0, 8, 0), 48);
	struct pr_event ev;
	struct pr_contact c, back;
	int i;

	pr_orderbook_init(&ob);
	o.version = 5;
	o.state = PR_ORDER_COMPLETED;
	o.failed_attempts = 2;
	snprintf(o.last_failure, sizeof(o.last_failure), "nobody_home");
	i = pr_orderbook_put(&ob, &o, NULL);
	cr_assert_eq(i, 0);
	cr_assert_eq(pr_orderbook_find(&ob, o.id), 0);
	cr_assert_eq(ob.orders[0].state, PR_ORDER_COMPLETED);
	cr_assert_eq(ob.orders[0].failed_attempts, 2);
	cr_assert_str_eq(ob.orders[0].last_failure, "nobody_home");
	/* Put again: replaced in place, whatever the version. */
	o.version = 3;
	o.state = PR_ORDER_OPEN;
	cr_assert_eq(pr_orderbook_put(&ob, &o, NULL), 0);
	cr_assert_eq(ob.n, 1);
	cr_assert_eq(ob.orders[0].version, 3);
	cr_assert_eq(ob.orders[0].state, PR_ORDER_OPEN);
	/* Events after the restore still obey the version rule. */
	cr_assert_eq(pr_event_from_order(r, &o, NULL, &ev, NULL), 0);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, NULL), 1);
	ev.version = 4;
	ev.weight_kg = 1.5;
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, NULL), 0);
	cr_assert_eq(ob.orders[0].weight_g, 1500);
	cr_assert_eq(ob.orders[0].failed_attempts, 2);
	/* the contact: the book's, packed; kept as orders grow the book */
	memset(&c, 0, sizeof(c));
	snprintf(c.phone, sizeof(c.phone), "0912345678");
	cr_assert_eq(pr_orderbook_put(&ob, &o, &c), 0);
	for (int k = 0; k < 100; k++) {
		snprintf(o.id, sizeof(o.id), "many%d", k);
		snprintf(c.name, sizeof(c.name), "household %d", k);
		cr_assert_eq(pr_orderbook_put(&ob, &o, k % 2 ? &c : NULL),
		    k + 1);
	}
	cr_assert_eq(pr_orderbook_find(&ob, "many57"), 58);
	pr_orderbook_contact(&ob, 0, &back);
	cr_assert_str_eq(back.phone, "0912345678");
	cr_assert_str_eq(back.name, "");
	pr_orderbook_contact(&ob, 58, &back);
	cr_assert_str_eq(back.name, "household 57");
	cr_assert_str_eq(back.address, "");
	pr_orderbook_contact(&ob, 57, &back);
	cr_assert_str_eq(back.phone, "");
	cr_assert_eq(pr_orderbook_put(&ob, &o, NULL), 100);   /* many99 */
	pr_orderbook_contact(&ob, 100, &back);
	cr_assert_str_eq(back.name, "");
	pr_orderbook_clear(&ob);
	pr_region_free(r);
}

Test(assign, small_known_optimum)
{
	/* Bin 0 takes two items; keeping the two that are dear to move
	 * (0 and 1) costs 1+1+3+2 = 7, the optimum. */
	double cost[] = { 1, 10, 1, 10, 1, 3, 1, 2 };
	double kg[] = { 1, 1, 1, 1 };
	double hours[8] = { 0 };
	double cap_kg[] = { 2, 10 }, cap_h[] = { 100, 100 }, obj;
	int assign[4], st;
	struct pr_assign_input in = { 4, 2, cost, kg, hours, cap_kg, cap_h,
	    1e6, 5.0, 0 };

	cr_assert_eq(pr_assign_solve(&in, assign, &st, &obj, NULL), 0);
	cr_assert_eq(st, 0);
	cr_assert_float_eq(obj, 7.0, 1e-6);
	cr_assert_eq(assign[0], 0);
	cr_assert_eq(assign[1], 0);
	cr_assert_eq(assign[2], 1);
	cr_assert_eq(assign[3], 1);
}

Test(assign, glpk_beats_the_greedy_fallback)
{
	/* Bin 0 holds 4 kg of 7. Moving the 3 kg item costs 5; moving the
	 * two 2 kg items costs 6 and is what the per-kg greedy picks. */
	double cost[] = { 0, 5, 0, 3, 0, 3 };
	double kg[] = { 3, 2, 2 };
	double hours[6] = { 0 };
	double cap_kg[] = { 4, 10 }, cap_h[] = { 1, 1 }, obj;
	int assign[3], st;
	struct pr_assign_input in = { 3, 2, cost, kg, hours, cap_kg, cap_h,
	    1e6, 5.0, 0 };

	cr_assert_eq(pr_assign_solve(&in, assign, &st, &obj, NULL), 0);
	cr_assert_eq(st, 0);
	cr_assert_float_eq(obj, 5.0, 1e-6);
	cr_assert_eq(assign[0], 1);
	cr_assert_eq(assign[1], 0);
	cr_assert_eq(assign[2], 0);
	in.greedy = 1;
	cr_assert_eq(pr_assign_solve(&in, assign, &st, &obj, NULL), 0);
	cr_assert_eq(st, 4);
	cr_assert_float_eq(obj, 6.0, 1e-6);
}

Test(assign, overloaded_offices_overflow)
{
	/* 15 kg for 10 kg of room: one item overflows; and vehicle-hours
	 * bind too: bin 1 has room for one item's hours only. */
	double cost[] = { 1, 2, 1, 2, 1, 2 };
	double kg[] = { 5, 5, 5 };
	double hours[] = { 1, 1, 1, 1, 1, 1 };
	double cap_kg[] = { 5, 100 }, cap_h[] = { 10, 1 }, obj;
	int assign[3], st, at[3] = { 0, 0, 0 };
	struct pr_assign_input in = { 3, 2, cost, kg, hours, cap_kg, cap_h,
	    1000, 5.0, 0 };

	cr_assert_eq(pr_assign_solve(&in, assign, &st, &obj, NULL), 0);
	cr_assert_eq(st, 0);
	for (int i = 0; i < 3; i++)
		at[assign[i] + 1]++;
	cr_assert_eq(at[0], 1, "one overflow");
	cr_assert_eq(at[1], 1);
	cr_assert_eq(at[2], 1);
	cr_assert_float_eq(obj, 1 + 2 + 1000, 1e-6);

	/* Bad input is refused, not aborted on. */
	cost[0] = NAN;
	cr_assert_eq(pr_assign_solve(&in, assign, &st, &obj, NULL), PR_EINVAL);
}

Test(assign, time_limit_still_answers_within_capacity)
{
	enum { NI = 300, NB = 12 };
	static double cost[NI * NB], hours[NI * NB];
	double kg[NI], cap_kg[NB], cap_h[NB], load_kg[NB] = { 0 }, obj;
	double load_h[NB] = { 0 };
	int assign[NI], st;
	uint64_t x = 12345;
	struct pr_assign_input in = { NI, NB, cost, kg, hours, cap_kg, cap_h,
	    1e6, 0.001, 0 };

	for (int i = 0; i < NI; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		kg[i] = 1 + (double)(x >> 59);
		for (int b = 0; b < NB; b++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			cost[i * NB + b] = (x >> 40) % 1000;
			hours[i * NB + b] = 0.1 + (double)((x >> 20) % 10) / 20;
		}
	}
	for (int b = 0; b < NB; b++) {
		cap_kg[b] = 120;
		cap_h[b] = 40;
	}
	cr_assert_eq(pr_assign_solve(&in, assign, &st, &obj, NULL), 0);
	cr_assert(st >= 0 && st <= 2, "status %d", st);
	for (int i = 0; i < NI; i++) {
		if (assign[i] < 0)
			continue;
		load_kg[assign[i]] += kg[i];
		load_h[assign[i]] += hours[i * NB + assign[i]];
	}
	for (int b = 0; b < NB; b++) {
		cr_assert_leq(load_kg[b], cap_kg[b] + 1e-6);
		cr_assert_leq(load_h[b], cap_h[b] + 1e-6);
	}
}

/* ---- clustering ---------------------------------------------------------- */

Test(cluster, overloaded_office_sends_pickups_to_its_neighbour)
{
	struct pr_region *r = td_load();
	struct pr_order o[13];
	struct pr_cluster_params cp = { 0, 5.0, 0 };
	struct pr_cluster_result *cr = NULL;
	struct pr_error err = { 0, "" };
	int a = pr_region_office(r, "A"), b = pr_region_office(r, "B");

	/* A: one 10 kg motorbike, four trips a day (cut at 09:30 and 14:30,
	 * at most 3 h): 40 kg. Twelve 5 kg pickups: four must go to B. */
	for (int i = 0; i < 12; i++) {
		o[i] = td_order(r, TD_T(0, 6, 0), 48);
		snprintf(o[i].id, sizeof(o[i].id), "p%d", i);
	}
	/* One household of commune B far outside every office's radius. */
	o[12] = td_order(r, TD_T(0, 6, 0), 48);
	o[12].commune = pr_region_commune(r, "00002");
	o[12].lon = 107.0;
	o[12].weight_g = 1000;
	cr_assert_eq(pr_cluster_assign(r, o, 13, TD_DAY0, &cp, &cr, &err), 0,
	    "%s", err.msg);
	cr_assert_float_eq(cr->cap_kg[a], 40.0, 1e-9);
	cr_assert_eq(cr->n_moved, 4);
	cr_assert_eq(cr->n_overflow, 0);
	cr_assert_eq(cr->status, 0);
	for (int i = 0; i < 12; i++) {
		cr_assert_eq(cr->home[i], a);
		if (cr->office[i] != a) {
			cr_assert_eq(cr->office[i], b);
			cr_assert_str_eq(cr->reason[i], "capacity_kg");
		} else {
			cr_assert_str_eq(cr->reason[i], "");
		}
	}
	cr_assert_leq(cr->load_kg[a], cr->cap_kg[a] + 1e-9);
	cr_assert_eq(cr->risk[12], PR_RISK_OUTSIDE_SERVICE_AREA);
	cr_assert_eq(cr->risk[0], PR_RISK_NONE);
	pr_cluster_result_free(cr);

	/* The greedy fallback moves the same amount. */
	cp.greedy = 1;
	cr_assert_eq(pr_cluster_assign(r, o, 12, TD_DAY0, &cp, &cr, &err), 0);
	cr_assert_eq(cr->n_moved, 4);
	cr_assert_eq(cr->status, 4);
	pr_cluster_result_free(cr);
	pr_region_free(r);
}

Test(cluster, no_overload_no_milp)
{
	struct pr_region *r = td_load();
	struct pr_order o[2];
	struct pr_cluster_result *cr = NULL;

	o[0] = td_order(r, TD_T(0, 6, 0), 48);
	o[1] = td_order(r, TD_T(0, 6, 0), 48);
	o[1].state = PR_ORDER_CANCELLED;
	cr_assert_eq(pr_cluster_assign(r, o, 2, TD_DAY0, NULL, &cr, NULL), 0);
	cr_assert_eq(cr->status, -1);
	cr_assert_eq(cr->n_moved, 0);
	cr_assert_eq(cr->office[0], pr_region_office(r, "A"));
	cr_assert_eq(cr->office[1], -1);
	pr_cluster_result_free(cr);
	pr_region_free(r);
}

/*
 * The offices within the radius of a household come from a grid of
 * cells (solver/cluster.c); it must find every one a scan of all offices
 * finds, also across the antimeridian and near a pole, where degrees of
 * longitude shrink: a household is outside the service area exactly when
 * no office is within the radius, and moves only to offices within it.
 */
Test(cluster, offices_within_the_radius_anywhere_on_earth)
{
	static const double centre[4][2] = { { 106.0, 21.0 },
	    { 179.97, -16.0 }, { -179.97, -16.0 }, { 20.0, 88.2 } };
	char *json = malloc(200000), *w = json;
	struct pr_region *r;
	struct pr_order o[400];
	struct pr_cluster_params cp = { 0, 5.0, 0 };
	struct pr_cluster_result *cr = NULL;
	struct pr_error err = { 0, "" };
	uint64_t s = 12345;
	int no = 80;

#define TD_RAND() ((s = s * 6364136223846793005ULL + 1442695040888963407ULL), \
	    (double)(s >> 11) / 9007199254740992.0)
	w += sprintf(w, "{\"region\":\"grid\",\"utc_offset\":\"+07:00\",\"hub\":\"F0\","
	    "\"defaults\":{\"radius_km\":10,\"utilisation\":1.0},"
	    "\"profiles\":[{\"name\":\"motorbike\",\"speed_kmh\":36,"
	    "\"capacity_kg\":10}],\"districts\":[{\"code\":\"001\","
	    "\"name\":\"D\"}],\"destinations\":[{\"id\":\"HN\","
	    "\"hub_departures\":[\"20:00\"],\"transit_h\":3,\"sort_h\":0,"
	    "\"delivery_window\":[\"00:00\",\"24:00\"],\"last_mile_h\":0}],"
	    "\"communes\":[{\"code\":\"00001\",\"name\":\"A\","
	    "\"district\":\"001\",\"point\":[106.0,21.0]}],\"offices\":[");
	for (int f = 0; f < no; f++) {
		const double *c = centre[f % 4];
		double lon = c[0] + (TD_RAND() - 0.5) * (f % 4 == 3 ? 40 : 0.6);

		if (lon > 180)
			lon -= 360;
		if (lon < -180)
			lon += 360;
		w += sprintf(w, "%s{\"id\":\"F%d\",\"commune\":\"00001\","
		    "\"point\":[%.6f,%.6f],\"fleet\":{\"motorbike\":%d},"
		    "\"shift\":[\"07:00\",\"17:00\"]}", f ? "," : "", f, lon,
		    c[1] + (TD_RAND() - 0.5) * 0.6, f == 0 ? 0 : 1);
	}
	sprintf(w, "]}");
	r = tu_region(json, strlen(json));
	for (int i = 0; i < 400; i++) {
		const double *c = centre[i % 4];

		o[i] = td_order(r, TD_T(0, 6, 0), 48);
		snprintf(o[i].id, sizeof(o[i].id), "g%d", i);
		o[i].lon = c[0] + (TD_RAND() - 0.5) * (i % 4 == 3 ? 60 : 0.9);
		if (o[i].lon > 180)
			o[i].lon -= 360;
		if (o[i].lon < -180)
			o[i].lon += 360;
		o[i].lat = c[1] + (TD_RAND() - 0.5) * 0.9;
		o[i].weight_g = 4000;   /* more than the fleets carry */
	}
#undef TD_RAND
	cr_assert_eq(pr_cluster_assign(r, o, 400, TD_DAY0, &cp, &cr, &err), 0,
	    "%s", err.msg);
	for (int i = 0, n_in = 0, n_out = 0; i < 400; i++) {
		int inside = 0;

		for (int f = 0; f < r->n_offices; f++)
			inside |= pr_haversine_m(o[i].lon, o[i].lat,
			    r->offices[f].lon, r->offices[f].lat) <= r->radius_m;
		cr_assert_eq(cr->risk[i] == PR_RISK_OUTSIDE_SERVICE_AREA,
		    !inside, "household %d at (%f, %f)", i, o[i].lon, o[i].lat);
		n_in += inside;
		n_out += !inside;
		if (cr->office[i] != cr->home[i])
			cr_assert_leq(pr_haversine_m(o[i].lon, o[i].lat,
			    r->offices[cr->office[i]].lon,
			    r->offices[cr->office[i]].lat), r->radius_m);
		if (i == 399) {
			/* both cases, in numbers */
			cr_assert_gt(n_in, 100);
			cr_assert_gt(n_out, 20);
		}
	}
	cr_assert_gt(cr->n_moved, 0);
	pr_cluster_result_free(cr);
	pr_region_free(r);
	free(json);
}

/* ---- per-office problems ------------------------------------------------- */

Test(office_problem, trips_windows_and_a_checked_solve)
{
	struct pr_region *r = td_load();
	struct pr_order o[3];
	int idx[3] = { 0, 1, 2 }, a = pr_region_office(r, "A");
	struct pr_plan_params pp = { TD_DAY0, 2, 0 };
	struct pr_office_problem *op = NULL;
	struct pr_solve_params sp;
	struct pr_solution *s = NULL;
	struct pr_error err = { 0, "" };

	o[0] = td_order(r, TD_T(0, 8, 0), 24);
	o[1] = td_order(r, TD_T(0, 20, 0), 24);
	o[2] = td_order(r, TD_T(0, 9, 0), 48);
	o[2].lon += 0.01;
	for (int i = 0; i < 3; i++)
		snprintf(o[i].id, sizeof(o[i].id), "j%d", i);
	cr_assert_eq(pr_office_problem_build(r, a, o, idx, 3, &pp, &op, &err),
	    0, "%s", err.msg);
	cr_assert_eq(op->n_jobs, 3);
	/* One motorbike, four trips a day, two days. */
	cr_assert_eq(op->problem->n_vehicles, 8);
	cr_assert_float_eq(op->problem->vehicles[0].tw.start, 7 * 3600, 1e-9);
	cr_assert_float_eq(op->problem->vehicles[0].tw.end, 9.5 * 3600, 1e-9);
	cr_assert_float_eq(op->problem->vehicles[7].tw.end,
	    86400 + 17 * 3600, 1e-9);
	/* Service is 0 and j0 stands at the office: latest 14:30. */
	cr_assert_float_eq(op->problem->jobs[0].tw[0].end, 14.5 * 3600, 1e-6);
	cr_assert_float_eq(op->problem->jobs[1].tw[0].start, 20 * 3600, 1e-6);
	cr_assert_float_eq(op->problem->jobs[1].tw[0].end,
	    86400 + 9.5 * 3600, 1e-6);
	cr_assert_eq(op->problem->jobs[0].pickup[0], 5000);

	pr_solve_params_init(&sp);
	sp.iterations = 200;
	sp.time_limit = 0;
	s = tu_solve_with(op->problem, &sp);
	cr_assert_eq(s->n_unassigned, 0);
	pr_solution_free(s);
	pr_office_problem_free(op);
	pr_region_free(r);
}

Test(office_problem, vehicle_ids_name_the_date)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 8, 0), 48);
	int idx[1] = { 0 }, a = pr_region_office(r, "A");
	struct pr_plan_params pp = { TD_DAY0, 2, 0 };
	struct pr_office_problem *p0 = NULL, *p1 = NULL;

	cr_assert_eq(pr_office_problem_build(r, a, &o, idx, 1, &pp, &p0, NULL),
	    0);
	pp.day_start = TD_DAY0 + 86400;    /* the plan after midnight */
	cr_assert_eq(pr_office_problem_build(r, a, &o, idx, 1, &pp, &p1, NULL),
	    0);
	cr_assert_str_eq(p0->problem->vehicles[0].id, "motorbike1.20260820t1");
	cr_assert_str_eq(p0->problem->vehicles[4].id, "motorbike1.20260821t1");
	/* The same trip keeps its id when the horizon moves by a day. */
	cr_assert_str_eq(p1->problem->vehicles[0].id,
	    p0->problem->vehicles[4].id);
	cr_assert_eq(p0->n_offices, 1);
	cr_assert_eq(p0->vehicle_office[7], a);
	pr_office_problem_free(p0);
	pr_office_problem_free(p1);
	pr_region_free(r);
}

Test(office_problem, planning_clock_cuts_windows_and_trips)
{
	struct pr_region *r = td_load();
	struct pr_order o[2];
	int idx[2] = { 0, 1 }, a = pr_region_office(r, "A");
	struct pr_plan_params pp = { TD_DAY0, 2, 0 };
	struct pr_office_problem *op = NULL, *free_op = NULL;
	const struct pr_problem *p;

	o[0] = td_order(r, TD_T(0, 8, 0), 48);
	o[1] = td_order(r, TD_T(0, 8, 0), 48);
	snprintf(o[1].id, sizeof(o[1].id), "closed");
	o[1].ready_to = TD_T(0, 9, 0);       /* closed before the clock */
	cr_assert_eq(pr_office_problem_build(r, a, o, idx, 2, &pp, &free_op,
	    NULL), 0);
	pp.now = TD_T(0, 10, 0);
	cr_assert_eq(pr_office_problem_build(r, a, o, idx, 2, &pp, &op, NULL),
	    0);
	p = op->problem;
	/* Without a clock, nothing is cut. */
	cr_assert_float_eq(free_op->problem->jobs[0].tw[0].start, 8 * 3600.0,
	    1e-9);
	cr_assert_float_eq(free_op->problem->vehicles[0].tw.start, 7 * 3600.0,
	    1e-9);
	/* Windows start at the clock. The household's window closed at
	 * 09:00: the pickup is planned for the next departure (15:00,
	 * back by 14:30) and flagged, not left with a window no trip can
	 * serve. */
	cr_assert_float_eq(p->jobs[0].tw[0].start, 10 * 3600.0, 1e-9);
	cr_assert_float_eq(p->jobs[0].tw[0].end,
	    free_op->problem->jobs[0].tw[0].end, 1e-9);
	cr_assert_eq(op->deadline[0].risk, PR_RISK_NONE);
	cr_assert_float_eq(p->jobs[1].tw[0].start, 10 * 3600.0, 1e-9);
	cr_assert_float_eq(p->jobs[1].tw[0].end, 14.5 * 3600.0, 1e-9);
	cr_assert_eq(op->deadline[1].risk, PR_RISK_READY_WINDOW);
	cr_assert_eq(op->deadline[1].departure, TD_T(0, 15, 0));
	/* The 07:00-09:30 trip is over, the 09:30-12:00 one starts now. */
	cr_assert_float_eq(p->vehicles[0].tw.start, p->vehicles[0].tw.end,
	    1e-9);
	cr_assert_float_eq(p->vehicles[1].tw.start, 10 * 3600.0, 1e-9);
	cr_assert_float_eq(op->trip_start[1], 9.5 * 3600, 1e-9);
	cr_assert_float_eq(p->vehicles[2].tw.start, 12 * 3600.0, 1e-9);
	/* The deadline keeps the order's own earliest pickup. */
	cr_assert_eq(op->deadline[0].earliest, TD_T(0, 8, 0));
	pr_office_problem_free(op);
	pr_office_problem_free(free_op);
	pr_region_free(r);
}

/* Builds and solves the one-order problem of office A at the clock now;
 * returns 1 when the order is a job, 0 when skipped. */
static int
td_plan_at(const struct pr_region *r, const struct pr_order *o, int64_t now,
    struct pr_deadline *dl, int *served, double *tw_end)
{
	int idx[1] = { 0 }, job;
	struct pr_plan_params pp;
	struct pr_office_problem *op = NULL;
	struct pr_solve_params sp;
	struct pr_solution *s = NULL;
	struct pr_error err = { 0, "" };

	memset(&pp, 0, sizeof(pp));
	pp.day_start = pr_day_start(r, now);
	pp.horizon_days = 2;
	pp.now = now;
	cr_assert_eq(pr_office_problem_build(r, pr_region_office(r, "A"), o,
	    idx, 1, &pp, &op, &err), 0, "%s", err.msg);
	job = op->n_jobs;
	cr_assert_eq(op->n_jobs + op->n_skipped, 1);
	if (job) {
		*dl = op->deadline[0];
		*tw_end = op->problem->jobs[0].tw[0].end;
		pr_solve_params_init(&sp);
		sp.iterations = 50;
		sp.time_limit = 0;
		s = tu_solve_with(op->problem, &sp);
		*served = s->n_unassigned == 0;
		/* What the plan leaves out is at risk, whatever the reason. */
		for (int u = 0; u < s->n_unassigned; u++)
			cr_assert_neq(pr_risk_from_unassigned(
			    s->unassigned[u].reason), PR_RISK_NONE);
		pr_solution_free(s);
	}
	pr_office_problem_free(op);
	return job;
}

/*
 * Issue 5's make-run oddity: a perishable 48 h order placed at 01:11
 * (ready at 07:16) was published unassigned, reason "shift" ("cannot be
 * back by the end of the shift (36900)": the end of the office's first
 * trip, at the 10:15 cut-off) and not at risk. Any clock past the
 * order's window did it: the window kept zero width at the clock, every
 * trip before the clock had zero length at its end, and the solver
 * named the first of them; the deadline, computed without the clock,
 * said "in time". The demo's daemon passed an uninitialised clock (a
 * pr_plan_params without memset), which cut every trip of the plan.
 */
Test(office_problem, night_order_after_its_window_is_planned_or_flagged)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 1, 11), 48);
	struct pr_deadline dl;
	int served = 0, n_served = 0;
	double tw_end = 0;

	o.perishable = 1;
	o.ready_from = TD_T(0, 7, 16);
	/* No clock: ready 07:16, the 4 h perishable hold ends at 11:16 and
	 * day 1's 15:00 departure is the latest in time (due day 2 01:11). */
	cr_assert_eq(td_plan_at(r, &o, TD_T(0, 1, 11), &dl, &served,
	    &tw_end), 1);
	cr_assert(served);
	cr_assert_eq(dl.risk, PR_RISK_NONE);
	cr_assert_eq(dl.latest, TD_T(0, 11, 16));
	/* At 12:00 the hold has passed: still in time on day 1's 15:00
	 * departure, so planned from now, within a new hold, and served. */
	cr_assert_eq(td_plan_at(r, &o, TD_T(0, 12, 0), &dl, &served,
	    &tw_end), 1);
	cr_assert(served);
	cr_assert_eq(dl.risk, PR_RISK_NONE);
	cr_assert_eq(dl.earliest, TD_T(0, 7, 16));
	cr_assert_float_eq(tw_end, 16 * 3600.0, 1e-6);
	/* Day 1, 16:00: day 1's last cut-off (14:30) has passed; day 2's
	 * 10:00 departure delivers at 17:00, after the promise: planned
	 * for it and flagged. */
	cr_assert_eq(td_plan_at(r, &o, TD_T(1, 16, 0), &dl, &served,
	    &tw_end), 1);
	cr_assert(served);
	cr_assert_eq(dl.risk, PR_RISK_NO_LINEHAUL_IN_TIME);
	cr_assert_eq(dl.departure, TD_T(2, 10, 0));
	/* A clock past every trip of the plan (what the demo's daemon
	 * passed): skipped, not a job that no trip can serve. */
	{
		int idx[1] = { 0 };
		struct pr_plan_params pp = { TD_DAY0, 2, TD_T(30, 0, 0) };
		struct pr_office_problem *op = NULL;

		cr_assert_eq(pr_office_problem_build(r, pr_region_office(r,
		    "A"), &o, idx, 1, &pp, &op, NULL), 0);
		cr_assert_eq(op->n_jobs, 0);
		cr_assert_eq(op->n_skipped, 1);
		pr_office_problem_free(op);
	}
	/* Every clock from the order to two days later, every 10 minutes:
	 * the order is skipped (ready after the horizon) or a job, and a
	 * job that a lone order leaves unassigned is at risk. */
	for (int64_t now = TD_T(0, 1, 11); now <= TD_T(2, 1, 11); now += 600) {
		if (!td_plan_at(r, &o, now, &dl, &served, &tw_end))
			continue;
		cr_assert(served || dl.risk != PR_RISK_NONE,
		    "clock %lld: left out, yet in time",
		    (long long)(now - TD_DAY0));
		n_served += served;
	}
	cr_assert_gt(n_served, 0);
	pr_region_free(r);
}

Test(office_problem, pickup_after_the_horizon_is_skipped)
{
	struct pr_region *r = td_load();
	struct pr_order o = td_order(r, TD_T(0, 16, 55), 48);
	int idx[1] = { 0 }, a = pr_region_office(r, "A");
	struct pr_plan_params pp = { TD_DAY0, 1, 0 };
	struct pr_office_problem *op = NULL;

	/* Ready at 16:55, 5 min before the end of a one-day horizon, and
	 * 560 s from the office: no trip of the horizon can collect it. */
	o.lon += 0.054;
	cr_assert_eq(pr_office_problem_build(r, a, &o, idx, 1, &pp, &op, NULL),
	    0);
	cr_assert_eq(op->n_jobs, 0);
	cr_assert_eq(op->n_skipped, 1);
	pr_office_problem_free(op);
	/* With the next day in the horizon it is planned. */
	pp.horizon_days = 2;
	cr_assert_eq(pr_office_problem_build(r, a, &o, idx, 1, &pp, &op, NULL),
	    0);
	cr_assert_eq(op->n_jobs, 1);
	pr_office_problem_free(op);
	pr_region_free(r);
}

Test(office_problem, every_solver_reason_is_a_risk)
{
	static const char *const reasons[] = { "capacity", "time_window",
	    "shift", "max_travel_time", "no_vehicle", "priority",
	    "not_solved", "", "something_new" };

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		int rk = pr_risk_from_unassigned(reasons[i]);

		cr_assert(rk > PR_RISK_NONE && rk < PR_RISK_COUNT, "%s",
		    reasons[i]);
	}
	cr_assert_eq(pr_risk_from_unassigned(NULL), PR_RISK_NO_CAPACITY);
	cr_assert_eq(pr_risk_from_unassigned("shift"), PR_RISK_UNREACHABLE);
	cr_assert_eq(pr_risk_from_unassigned("time_window"),
	    PR_RISK_UNREACHABLE);
	cr_assert_eq(pr_risk_from_unassigned("max_travel_time"),
	    PR_RISK_UNREACHABLE);
	cr_assert_eq(pr_risk_from_unassigned("capacity"), PR_RISK_NO_CAPACITY);
	cr_assert_eq(pr_risk_from_unassigned("no_vehicle"),
	    PR_RISK_NO_CAPACITY);
	cr_assert_eq(pr_risk_from_unassigned("priority"), PR_RISK_NO_CAPACITY);
}

Test(group_problem, offices_share_trips_only_where_on_time)
{
	struct pr_region *r = td_load();
	struct pr_order o[3];
	int a = pr_region_office(r, "A"), b = pr_region_office(r, "B");
	int offices[2] = { a, b }, idx[3] = { 0, 1, 2 }, home[3] = { a, a, b };
	struct pr_plan_params pp = { TD_DAY0, 1, 0 };
	struct pr_office_problem *op = NULL;
	struct pr_solve_params sp;
	struct pr_solution *s = NULL;
	struct pr_error err = { 0, "" };
	int where[3] = { -1, -1, -1 };

	/* j0 stands at A, 20 kg: too heavy for A's motorbike, but on time
	 * at B as well, so B's van may take it. */
	o[0] = td_order(r, TD_T(0, 8, 0), 48);
	o[0].weight_g = 20000;
	/* j1 stands at A, 20 kg, placed the evening before with 24 h and
	 * ready at 09:27: only A's 10:00 departure is in time and B's van
	 * cannot be back at B by 09:30, so B may not take it: it stays
	 * unassigned (A's motorbike is too small). */
	o[1] = td_order(r, TD_T(-1, 18, 0), 24);
	o[1].ready_from = TD_T(0, 9, 27);
	o[1].weight_g = 20000;
	/* j2 is B's own. */
	o[2] = td_order(r, TD_T(0, 8, 0), 48);
	o[2].commune = pr_region_commune(r, "00002");
	o[2].lon = r->communes[o[2].commune].lon;
	o[2].lat = r->communes[o[2].commune].lat;
	for (int i = 0; i < 3; i++)
		snprintf(o[i].id, sizeof(o[i].id), "j%d", i);
	cr_assert_eq(pr_group_problem_build(r, offices, 2, o, idx, home, 3,
	    3600, &pp, &op, &err), 0, "%s", err.msg);
	cr_assert_eq(op->n_offices, 2);
	cr_assert_eq(op->problem->n_dims, 3);
	cr_assert_eq(op->problem->jobs[0].pickup[1 + 1], 0);
	cr_assert_eq(op->problem->jobs[1].pickup[1 + 1], 1);
	cr_assert_eq(op->problem->jobs[1].pickup[1 + 0], 0);
	cr_assert_eq(op->deadline[1].risk, PR_RISK_NONE);
	cr_assert_str_eq(op->problem->vehicles[0].id, "A/motorbike1.20260820t1");
	cr_assert_eq(op->vehicle_office[op->problem->n_vehicles - 1], b);

	pr_solve_params_init(&sp);
	sp.iterations = 300;
	sp.time_limit = 0;
	s = tu_solve_with(op->problem, &sp);
	for (int q = 0; q < s->n_routes; q++)
		for (int k = 0; k < s->routes[q].n_steps; k++)
			where[s->routes[q].steps[k].job] =
			    op->vehicle_office[s->routes[q].vehicle];
	cr_assert_eq(where[0], b, "j0 should ride B's van");
	cr_assert_eq(where[1], -1, "j1 must not go to B");
	cr_assert_eq(where[2], b);
	pr_solution_free(s);
	pr_office_problem_free(op);

	/* A home outside the group is an error. */
	home[2] = pr_region_office(r, "H");
	cr_assert_eq(pr_group_problem_build(r, offices, 2, o, idx, home, 3,
	    3600, &pp, &op, &err), PR_EINVAL);
	cr_assert_null(op);
	pr_region_free(r);
}

/* ---- the service-level rule ---------------------------------------------- */

/*
 * x (24 h, placed the evening before, 5.2 km east of A) is on time only on
 * A's 10:00 departure, so it needs a morning trip of its own; y (48 h,
 * ready at 11:00, next to x) needs an afternoon trip. Planned late, x
 * rides y's trip and the 15:00 departure: delivered 23:00, 5 h after its
 * promise, and the morning trip (10.4 km) is saved.
 */
static void
td_late_setup(const struct pr_region *r, struct pr_order *o,
    struct pr_office_problem **op, struct pr_solution **s)
{
	int idx[2] = { 0, 1 };
	struct pr_plan_params pp = { TD_DAY0, 1, 0 };
	struct pr_solve_params sp;
	struct pr_error err = { 0, "" };

	o[0] = td_order(r, TD_T(-1, 18, 0), 24);
	o[0].ready_from = TD_T(0, 7, 0);
	o[0].lon += 0.05;
	o[1] = td_order(r, TD_T(0, 11, 0), 48);
	o[1].lon += 0.05;
	o[1].lat += 0.002;
	snprintf(o[0].id, sizeof(o[0].id), "x");
	snprintf(o[1].id, sizeof(o[1].id), "y");
	cr_assert_eq(pr_office_problem_build(r, pr_region_office(r, "A"), o,
	    idx, 2, &pp, op, &err), 0, "%s", err.msg);
	cr_assert_eq((*op)->n_jobs, 2);
	pr_solve_params_init(&sp);
	sp.iterations = 200;
	sp.time_limit = 0;
	cr_assert_eq(pr_solve((*op)->problem, &sp, s, &err), 0, "%s",
	    err.msg);
	cr_assert_eq((*s)->n_routes, 2, "x and y need two trips on time");
}

Test(late_plan, a_trip_for_one_promise_is_dropped_within_the_budget)
{
	struct pr_region *r = td_load();
	struct pr_order o[2];
	struct pr_office_problem *op = NULL;
	struct pr_solution *s = NULL;
	struct pr_plan_params pp = { TD_DAY0, 1, 0 };
	struct pr_late_params lp;
	struct pr_late_plan dry, lpl;
	struct pr_deadline st, lt;
	struct pr_error err = { 0, "" };
	double end0;
	char why[256];

	td_late_setup(r, o, &op, &s);
	end0 = op->problem->jobs[0].tw[0].end;

	/* The late deadline: the 15:00 departure, 23:00. */
	cr_assert_eq(pr_late_deadline(r, pr_region_office(r, "A"), &o[0], 0,
	    &st, &lt), 0);
	cr_assert_eq(st.departure, TD_T(0, 10, 0));
	cr_assert_eq(lt.departure, TD_T(0, 15, 0));
	cr_assert_eq(lt.delivered, TD_T(0, 23, 0));
	cr_assert_eq(lt.risk, PR_RISK_PLANNED_LATE);
	cr_assert_eq(lt.earliest, o[0].ready_from);
	/* Fruit whose window only the perishable hold (4 h) ends: a later
	 * pickup would still be on time, so there is no lateness to trade,
	 * only the hold to break. */
	{
		struct pr_order f = td_order(r, TD_T(0, 8, 0), 48);

		f.perishable = 1;
		cr_assert_eq(pr_late_deadline(r, pr_region_office(r, "A"), &f,
		    0, &st, &lt), -1);
		cr_assert_eq(st.latest, TD_T(0, 12, 0));
	}

	pr_late_params_init(&lp);
	cr_assert_eq(pr_plan_late(r, o, op, s, &pp, &lp, 0, &dry, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(dry.n_steps, 1);
	cr_assert_eq(dry.n_late, 1);
	cr_assert_gt(dry.saved_m, 9000, "saved %.0f m", dry.saved_m);
	cr_assert_null(dry.solution);
	cr_assert_float_eq(op->problem->jobs[0].tw[0].end, end0, 1e-9,
	    "a dry run leaves the problem alone");

	cr_assert_eq(pr_plan_late(r, o, op, s, &pp, &lp, 1, &lpl, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(lpl.n_steps, dry.n_steps);
	cr_assert_float_eq(lpl.saved_m, dry.saved_m, 1e-6);
	cr_assert_not_null(lpl.solution);
	cr_assert_eq(lpl.solution->n_routes, 1);
	cr_assert_eq(lpl.solution->routes[0].n_steps, 2);
	cr_assert_float_eq(lpl.solution->distance, s->distance - dry.saved_m,
	    1e-3);
	cr_assert_eq(chk_solution(op->problem, lpl.solution, NULL, why,
	    sizeof(why)), 0, "%s", why);
	cr_assert_eq(op->deadline[0].risk, PR_RISK_PLANNED_LATE);
	cr_assert_eq(op->deadline[0].delivered, TD_T(0, 23, 0));
	cr_assert_gt(op->problem->jobs[0].tw[0].end, end0);
	cr_assert_eq(op->deadline[1].risk, PR_RISK_NONE);
	pr_late_plan_free(&dry);
	pr_late_plan_free(&lpl);
	pr_solution_free(s);
	pr_office_problem_free(op);
	pr_region_free(r);
}

Test(late_plan, no_budget_small_saving_or_long_delay_drops_nothing)
{
	struct pr_region *r = td_load();
	struct pr_order o[2];
	struct pr_office_problem *op = NULL;
	struct pr_solution *s = NULL;
	struct pr_plan_params pp = { TD_DAY0, 1, 0 };
	struct pr_late_params lp[3];
	struct pr_late_plan lpl;
	struct pr_error err = { 0, "" };

	td_late_setup(r, o, &op, &s);
	for (int k = 0; k < 3; k++)
		pr_late_params_init(&lp[k]);
	lp[0].max_late = 0;               /* no budget */
	lp[1].min_saving_m = 20000;       /* the trip is 10.4 km */
	lp[2].max_delay_s = 3600;         /* x would be 5 h late */
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(pr_plan_late(r, o, op, s, &pp, &lp[k], 1, &lpl,
		    &err), 0, "%s", err.msg);
		cr_assert_eq(lpl.n_steps, 0, "case %d", k);
		cr_assert_eq(lpl.solution->n_routes, 2, "case %d", k);
		cr_assert_eq(op->deadline[0].risk, PR_RISK_NONE);
		pr_late_plan_free(&lpl);
	}
	/* A pinned stop keeps its trip. */
	for (int q = 0; q < s->n_routes; q++)
		if (s->routes[q].steps[0].job == 0) {
			op->problem->jobs[0].pinned_vehicle =
			    s->routes[q].vehicle;
			op->problem->jobs[0].pinned_rank = 0;
		}
	pr_late_params_init(&lp[0]);
	cr_assert_eq(pr_plan_late(r, o, op, s, &pp, &lp[0], 0, &lpl, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(lpl.n_steps, 0);
	pr_late_plan_free(&lpl);
	pr_solution_free(s);
	pr_office_problem_free(op);
	pr_region_free(r);
}

/* ---- the committed region against the shared data ------------------------ */

Test(region, langson_matches_the_shared_communes)
{
	const char *path = "../shared/data/vietnam/langson_communes.csv";
	struct stat st;
	struct pr_region *r;
	char *csv, *line;
	int rows = 0;

	if (stat(path, &st) != 0)
		cr_skip_test("%s not found: the shared Vietnam data is not "
		    "next to the repository, nothing to compare", path);
	r = tu_langson();
	csv = bench_read_file(path, NULL);
	cr_assert_not_null(csv);
	line = strchr(csv, '\n');
	while (line != NULL && line[1] != '\0') {
		char code[6];

		line++;
		memcpy(code, line, 5);
		code[5] = '\0';
		cr_assert_geq(pr_region_commune(r, code), 0, "commune %s is "
		    "not in config/regions/langson.json: run make region",
		    code);
		rows++;
		line = strchr(line, '\n');
	}
	cr_assert_eq(rows, 194);
	cr_assert_eq(r->n_communes, 194);
	cr_assert_eq(r->n_offices, 194 + 15);
	free(csv);
	pr_region_free(r);
}

/* The one lookup of the region's tables (sorted once, binary search):
 * every code, id and name of the Lạng Sơn region finds its own index, and
 * names that are not there (before the first, after the last, between
 * two, a prefix, empty) find none. */
Test(region, every_table_looks_up_its_own_keys)
{
	struct pr_region *r = tu_langson();

	for (int i = 0; i < r->n_communes; i++)
		cr_expect_eq(pr_region_commune(r, r->communes[i].code), i,
		    "commune %s", r->communes[i].code);
	for (int i = 0; i < r->n_offices; i++)
		cr_expect_eq(pr_region_office(r, r->offices[i].id), i,
		    "office %s", r->offices[i].id);
	for (int i = 0; i < r->n_destinations; i++)
		cr_expect_eq(pr_region_destination(r, r->destinations[i].id),
		    i, "destination %s", r->destinations[i].id);
	for (int i = 0; i < r->n_profiles; i++)
		cr_expect_eq(pr_region_profile(r, r->profiles[i].name), i,
		    "profile %s", r->profiles[i].name);
	for (int i = 0; i < r->n_districts; i++)
		cr_expect_eq(pr_region_district(r, r->districts[i].code), i,
		    "district %s", r->districts[i].code);
	cr_expect_eq(pr_region_commune(r, ""), -1);
	cr_expect_eq(pr_region_commune(r, "00000"), -1);
	cr_expect_eq(pr_region_commune(r, "99999"), -1);
	cr_expect_eq(pr_region_commune(r, "0"), -1);
	cr_expect_eq(pr_region_commune(r, "06463x"), -1);
	cr_expect_eq(pr_region_office(r, "nowhere"), -1);
	cr_expect_eq(pr_region_destination(r, "XX"), -1);
	cr_expect_eq(pr_region_profile(r, "bicycle"), -1);
	cr_expect_eq(pr_region_district(r, "999"), -1);
	pr_region_free(r);
}
