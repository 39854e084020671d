/* test_order_json.c: an order's record (pr_order_to_json, pr_order_from_json): the exact format postrouted stores, round trips, records of earlier daemons, refusals naming the field. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/domain.h"
#include "postroute/order_json.h"
#include "postroute/postroute.h"
#include "testutil.h"

/* The order of an order.created event (JSON). */
static struct pr_order
oj_order(const struct pr_region *r, const char *json)
{
	struct pr_event ev;
	struct pr_order o;
	struct pr_error err = { 0, "" };

	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(pr_order_from_event(r, &ev, &o, &err), 0, "%s", err.msg);
	return o;
}

static void
oj_same(const struct pr_order *a, const struct pr_order *b)
{
	cr_assert_str_eq(a->id, b->id);
	cr_assert_eq(a->version, b->version);
	cr_assert_eq(a->state, b->state);
	cr_assert_eq(a->commune, b->commune);
	cr_assert_eq(a->has_location, b->has_location);
	cr_assert_float_eq(a->lon, b->lon, 1e-6);
	cr_assert_float_eq(a->lat, b->lat, 1e-6);
	cr_assert_eq(a->weight_g, b->weight_g);
	cr_assert_eq(a->perishable, b->perishable);
	cr_assert_eq(a->promise_h, b->promise_h);
	cr_assert_eq(a->placed, b->placed);
	cr_assert_eq(a->ready_from, b->ready_from);
	cr_assert_eq(a->ready_to, b->ready_to);
	cr_assert_eq(a->destination, b->destination);
	cr_assert_str_eq(a->product, b->product);
	cr_assert_eq(a->failed_attempts, b->failed_attempts);
	cr_assert_str_eq(a->last_failure, b->last_failure);
}

/* The stored format, byte for byte: what earlier daemons wrote and read. */
Test(order_json, exact_record)
{
	struct pr_region *r = tu_langson();
	struct pr_order o = oj_order(r, "{\"type\":\"order.updated\","
	    "\"event_id\":\"x\",\"order_id\":\"o1\",\"version\":2,"
	    "\"ts\":\"2026-08-20T08:00:45+07:00\",\"commune\":\"05971\","
	    "\"weight_kg\":7.5,\"promise_hours\":48,\"destination\":\"HN\"}");
	char *rec = pr_order_to_json(r, &o, NULL);

	cr_assert_str_eq(rec, "{\"v\":2,\"s\":\"open\",\"o\":\"C05971\","
	    "\"fa\":0,\"e\":{\"type\":\"order.created\",\"event_id\":"
	    "\"state\",\"order_id\":\"o1\",\"version\":2,\"ts\":"
	    "\"2026-08-20T08:00:45+07:00\",\"commune\":\"05971\","
	    "\"weight_kg\":7.5,\"perishable\":false,\"promise_hours\":48,"
	    "\"ready\":{\"from\":\"2026-08-20T08:00:45+07:00\"},"
	    "\"destination\":\"HN\",\"product\":\"parcel\"}}");
	free(rec);
	pr_region_free(r);
}

Test(order_json, round_trip)
{
	struct pr_region *r = tu_langson();
	struct pr_order o = oj_order(r, "{\"type\":\"order.created\","
	    "\"event_id\":\"q1\",\"order_id\":\"q\\\"uo\\\\te\\u0001\","
	    "\"version\":3,\"ts\":\"2026-08-20T08:01:00+07:00\","
	    "\"commune\":\"05971\",\"weight_kg\":1.5,\"promise_hours\":24,"
	    "\"destination\":\"HN\",\"product\":\"v\\u1ea3i \\\"thi\\u1ec1u\\\"\","
	    "\"location\":[106.7612345,21.8512345],\"perishable\":true,"
	    "\"ready\":{\"from\":\"2026-08-20T09:00:00+07:00\","
	    "\"to\":\"2026-08-20T18:00:00+07:00\"}}"), back;
	static const enum pr_order_state states[] = {
		PR_ORDER_OPEN, PR_ORDER_CANCELLED, PR_ORDER_COMPLETED
	};
	struct pr_error err = { 0, "" };

	/* what the 6 decimals of the record keep */
	o.lon = 106.761235;
	o.lat = 21.851235;
	o.failed_attempts = 2;
	strcpy(o.last_failure, "kh\xc3\xb4ng c\xc3\xb3 nh\xc3\xa0\n\"x\"\\");
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		char *rec;

		o.state = states[i];
		rec = pr_order_to_json(r, &o, NULL);
		cr_assert_not_null(rec);
		cr_assert_eq(pr_order_from_json(r, o.id, rec, strlen(rec),
		    &back, NULL, &err), 0, "%s: %s", rec, err.msg);
		oj_same(&o, &back);
		free(rec);
	}
	pr_region_free(r);
}

/* The daemon of 2026-11 wrote control characters as \u00XX (its own
 * escaper); jansson writes \n. Both read back the same. */
Test(order_json, earlier_escapes)
{
	struct pr_region *r = tu_langson();
	const char *old = "{\"v\":2,\"s\":\"open\",\"o\":\"C05974\",\"fa\":1,"
	    "\"lf\":\"kh\xc3\xb4ng c\xc3\xb3 nh\xc3\xa0\\u000a\\\"x\\\"\","
	    "\"e\":{\"type\":\"order.created\",\"event_id\":\"state\","
	    "\"order_id\":\"o6\",\"version\":2,"
	    "\"ts\":\"2026-08-20T08:00:06+07:00\",\"commune\":\"05974\","
	    "\"weight_kg\":7.25,\"perishable\":false,\"promise_hours\":48,"
	    "\"ready\":{\"from\":\"2026-08-20T08:00:06+07:00\"},"
	    "\"destination\":\"HN\",\"product\":\"parcel\"}}";
	struct pr_error err = { 0, "" };
	struct pr_order o, again;
	char *rec;

	cr_assert_eq(pr_order_from_json(r, "o6", old, strlen(old), &o, NULL, &err),
	    0, "%s", err.msg);
	cr_assert_eq(o.state, PR_ORDER_OPEN);
	cr_assert_eq(o.version, 2);
	cr_assert_eq(o.failed_attempts, 1);
	cr_assert_str_eq(o.last_failure, "kh\xc3\xb4ng c\xc3\xb3 nh\xc3\xa0\n"
	    "\"x\"");
	cr_assert_eq(o.weight_g, 7250);
	rec = pr_order_to_json(r, &o, NULL);
	cr_assert_not_null(strstr(rec, "\"lf\":\"kh\xc3\xb4ng c\xc3\xb3 "
	    "nh\xc3\xa0\\n\\\"x\\\"\""), "%s", rec);
	cr_assert_eq(pr_order_from_json(r, "o6", rec, strlen(rec), &again, NULL,
	    &err), 0, "%s", err.msg);
	oj_same(&o, &again);
	free(rec);
	pr_region_free(r);
}

/* A cancellation of an order never seen: no commune, no event. */
Test(order_json, tombstone)
{
	struct pr_region *r = tu_langson();
	struct pr_error err = { 0, "" };
	struct pr_order o, back;
	char *rec;

	memset(&o, 0, sizeof(o));
	strcpy(o.id, "ghost");
	o.version = 2;
	o.state = PR_ORDER_CANCELLED;
	o.commune = -1;
	o.destination = -1;
	rec = pr_order_to_json(r, &o, NULL);
	cr_assert_str_eq(rec, "{\"v\":2,\"s\":\"cancelled\",\"fa\":0}");
	cr_assert_eq(pr_order_from_json(r, "ghost", rec, strlen(rec), &back, NULL,
	    &err), 0, "%s", err.msg);
	cr_assert_str_eq(back.id, "ghost");
	cr_assert_eq(back.state, PR_ORDER_CANCELLED);
	cr_assert_eq(back.commune, -1);
	cr_assert_eq(back.destination, -1);
	cr_assert_eq(back.version, 2);
	free(rec);
	pr_region_free(r);
}

static void
oj_refused(const struct pr_region *r, const char *id, const char *rec,
    const char *field)
{
	struct pr_error err = { 0, "" };
	struct pr_order o;

	cr_assert_eq(pr_order_from_json(r, id, rec, strlen(rec), &o, NULL, &err),
	    PR_EINVAL, "accepted: %s", rec);
	cr_assert_not_null(strstr(err.msg, field), "%s: \"%s\" does not name "
	    "%s", rec, err.msg, field);
}

Test(order_json, refusals_name_the_field)
{
	struct pr_region *r = tu_langson();
#define OJ_E(commune) "\"e\":{\"type\":\"order.created\",\"event_id\":" \
	    "\"state\",\"order_id\":\"a\",\"version\":1," \
	    "\"ts\":\"2026-08-20T08:00:00+07:00\",\"commune\":\"" commune \
	    "\",\"weight_kg\":1,\"promise_hours\":48,\"destination\":\"HN\"}"
	const char *good = OJ_E("05971"), *bad = OJ_E("99999");
	char rec[600];

	oj_refused(r, "a", "not json", "record: not JSON");
	oj_refused(r, "a", "[1]", "record: must be a JSON object");
	oj_refused(r, "a", "{\"v\":1}", "record.s");
	snprintf(rec, sizeof(rec), "{\"v\":0,\"s\":\"open\",%s}", good);
	oj_refused(r, "a", rec, "record.v");
	snprintf(rec, sizeof(rec), "{\"v\":1,\"s\":\"lost\",%s}", good);
	oj_refused(r, "a", rec, "record.s");
	oj_refused(r, "a", "{\"v\":1,\"s\":\"open\"}", "record.s");
	snprintf(rec, sizeof(rec), "{\"v\":1,\"s\":\"open\",%s}", good);
	oj_refused(r, "b", rec, "record.e.order_id");
	snprintf(rec, sizeof(rec), "{\"v\":1,\"s\":\"open\",%s}", bad);
	oj_refused(r, "a", rec, "record.e: event.commune");
	oj_refused(r, "a", "{\"v\":1,\"s\":\"open\",\"e\":\"x\"}",
	    "record.e: event: must be a JSON object");
	pr_region_free(r);
}
