/* test_contact.c: a household's contact in order events and order records: accepted, written back, kept by the order book and the record, refused by name without ever quoting it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/event.h"
#include "postroute/order_json.h"
#include "postroute/orderbook.h"
#include "postroute/postroute.h"
#include "postroute/region.h"
#include "testutil.h"

/* Nguyễn Thị Hương, Thôn Nà Tèo, xã Hồng Phong (UTF-8). */
#define TC_NAME "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b H\xc6\xb0\xc6\xa1ng"
#define TC_PHONE "0912345678"
#define TC_ADDR "Th\xc3\xb4n N\xc3\xa0 T\xc3\xa8o, x\xc3\xa3 H\xe1\xbb\x93ng " \
	"Phong"

static const char tc_head[] =
    "{\"type\":\"order.created\",\"event_id\":\"e1\",\"order_id\":\"o1\","
    "\"version\":1,\"ts\":\"2026-08-20T09:15:00+07:00\","
    "\"commune\":\"05971\",\"weight_kg\":2.5,\"promise_hours\":48,"
    "\"destination\":\"HN\"";

/* The event with `contact` as the value of "contact" (NULL: none). */
static char *
tc_event(const char *contact)
{
	static char buf[2048];

	if (contact == NULL)
		snprintf(buf, sizeof(buf), "%s}", tc_head);
	else
		snprintf(buf, sizeof(buf), "%s,\"contact\":%s}", tc_head,
		    contact);
	return buf;
}

Test(contact, parsed_written_back_and_kept)
{
	struct pr_region *r = tu_langson();
	const char *json = tc_event("{\"name\":\"" TC_NAME "\",\"phone\":\""
	    TC_PHONE "\",\"address\":\"" TC_ADDR "\"}");
	struct pr_event ev, ev2, back;
	struct pr_error err = { 0, "" };
	struct pr_order o, o2;
	struct pr_contact c2;
	char *s, *rec;

	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(ev.contact.name, TC_NAME);
	cr_assert_str_eq(ev.contact.phone, TC_PHONE);
	cr_assert_str_eq(ev.contact.address, TC_ADDR);
	/* written back last, the keys in a fixed order, UTF-8 as it was */
	s = pr_event_to_json(&ev);
	cr_assert_not_null(strstr(s, ",\"product\":\"parcel\",\"contact\":"
	    "{\"name\":\"" TC_NAME "\",\"phone\":\"" TC_PHONE "\","
	    "\"address\":\"" TC_ADDR "\"}}"), "%s", s);
	cr_assert_eq(pr_event_parse(s, strlen(s), &ev2, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(memcmp(&ev.contact, &ev2.contact, sizeof(ev.contact)),
	    0);
	free(s);
	/* the order and its record keep it */
	cr_assert_eq(pr_order_from_event(r, &ev, &o, &err), 0, "%s", err.msg);
	rec = pr_order_to_json(r, &o, &ev.contact);
	cr_assert_not_null(strstr(rec, "\"contact\":{\"name\":\"" TC_NAME
	    "\""), "%s", rec);
	cr_assert_eq(pr_order_from_json(r, "o1", rec, strlen(rec), &o2, &c2,
	    &err), 0, "%s", err.msg);
	cr_assert_str_eq(c2.name, TC_NAME);
	cr_assert_str_eq(c2.phone, TC_PHONE);
	cr_assert_str_eq(c2.address, TC_ADDR);
	cr_assert_eq(pr_event_from_order(r, &o2, &c2, &back, &err), 0);
	cr_assert_str_eq(back.contact.address, TC_ADDR);
	cr_assert_eq(pr_event_from_order(r, &o2, NULL, &back, &err), 0);
	cr_assert_str_eq(back.contact.name, "");
	free(rec);
	pr_region_free(r);
}

Test(contact, optional_keys_and_no_contact)
{
	const char *json = tc_event("{\"phone\":\"+84 912 345 678\"}");
	struct pr_event ev;
	struct pr_error err = { 0, "" };
	char *s;

	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(ev.contact.phone, "+84 912 345 678");
	cr_assert_str_eq(ev.contact.name, "");
	s = pr_event_to_json(&ev);
	cr_assert_not_null(strstr(s, "\"contact\":{\"phone\":\"+84 912 345 "
	    "678\"}"), "%s", s);
	free(s);
	/* none, or an empty object: no contact, none written */
	json = tc_event("{}");
	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
	s = pr_event_to_json(&ev);
	cr_assert_null(strstr(s, "contact"), "%s", s);
	free(s);
	json = tc_event(NULL);
	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(ev.contact.name, "");
	/* other phone spellings */
	json = tc_event("{\"phone\":\"(0205) 3870.123\"}");
	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
	json = tc_event("{\"phone\":\"091-234-5678\"}");
	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0, "%s",
	    err.msg);
}

/* The contact (a JSON value, or raw bytes) is refused with a reason that
 * contains `field` and does not contain `secret`. */
static void
tc_refused(const char *contact, const char *field, const char *secret)
{
	const char *json = tc_event(contact);
	struct pr_event ev;
	struct pr_error err = { 0, "" };

	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), PR_EINVAL,
	    "accepted: %s", json);
	cr_assert_not_null(strstr(err.msg, field), "%s: \"%s\" does not name "
	    "%s", contact, err.msg, field);
	if (secret != NULL)
		cr_assert_null(strstr(err.msg, secret), "\"%s\" quotes the "
		    "contact", err.msg);
}

Test(contact, refused_by_name_never_quoted)
{
	char longname[200], longaddr[300];

	memset(longname, 'a', sizeof(longname));
	snprintf(longname, sizeof(longname), "{\"name\":\"%.81s\"}",
	    "Hoang Van Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaa");
	tc_refused(longname, "event.contact.name: 81 bytes, more than 80",
	    "Hoang");
	/* 27 letters of three bytes: 81 bytes in 27 characters */
	strcpy(longname, "{\"name\":\"");
	for (int i = 0; i < 27; i++)
		strcat(longname, "\xe1\xbb\x85");
	strcat(longname, "\"}");
	tc_refused(longname, "event.contact.name: 81 bytes", "\xe1\xbb\x85");
	memset(longaddr, 0, sizeof(longaddr));
	strcpy(longaddr, "{\"address\":\"");
	memset(longaddr + strlen(longaddr), 'x', 161);
	strcat(longaddr, "\"}");
	tc_refused(longaddr, "event.contact.address: 161 bytes, more than "
	    "160", "xxx");
	tc_refused("{\"phone\":\"091234567890123456789\"}",
	    "event.contact.phone: 21 bytes", "0912");
	/* not UTF-8: raw bytes, a lone surrogate; a raw control character */
	tc_refused("{\"name\":\"Nguy\xff\xfen Van A\"}",
	    "event.contact.name: is not valid UTF-8", "Nguy");
	tc_refused("{\"name\":\"Nguy\xc3\"}",
	    "event.contact.name: is not valid UTF-8", "Nguy");
	tc_refused("{\"name\":\"Tr\xe1\xba\"}",
	    "event.contact.name: is not valid UTF-8", "Tr");
	tc_refused("{\"address\":\"Th\\ud800on\"}",
	    "event.contact.address: is not valid UTF-8", "Th");
	tc_refused("{\"name\":\"Le\tVan\"}",
	    "event.contact.name: holds a raw control character", "Le");
	tc_refused("{\"name\":\"Le\\u0000Van\"}",
	    "event.contact.name: holds \\u0000", "Le");
	/* control characters and line breaks, escaped */
	tc_refused("{\"name\":\"Le\\nVan\"}",
	    "event.contact.name: must not hold control characters", "Le");
	tc_refused("{\"address\":\"x\\u2028y\"}",
	    "event.contact.address: must not hold control", NULL);
	tc_refused("{\"address\":\"x\\u0085y\"}",
	    "event.contact.address: must not hold control", NULL);
	/* unknown keys, by name when the name is an identifier */
	tc_refused("{\"name\":\"A\",\"email\":\"a@b.vn\"}",
	    "event.contact.email: unknown key", "a@b");
	tc_refused("{\"Phone\":\"0912345678\"}",
	    "event.contact.Phone: unknown key", "0912");
	tc_refused("{\"0912345678 Lan\":\"x\"}", "event.contact: an unknown "
	    "key", "0912");
	/* wrong types */
	tc_refused("\"" TC_NAME "\"", "event.contact: must be an object",
	    "Nguy");
	tc_refused("[\"A\"]", "event.contact: must be an object", NULL);
	tc_refused("null", "event.contact: must be an object", NULL);
	tc_refused("{\"phone\":912345678}", "event.contact.phone: must be a "
	    "string", "912");
	tc_refused("{\"name\":[\"A\"]}", "event.contact.name: must be a "
	    "string", NULL);
	tc_refused("{\"name\":\"\"}", "event.contact.name: must not be empty",
	    NULL);
	tc_refused("{\"name\":\"   \"}", "event.contact.name: must not be "
	    "empty", NULL);
	/* phones that are not phones */
	tc_refused("{\"phone\":\"call me\"}", "event.contact.phone: must be a "
	    "phone number", "call");
	tc_refused("{\"phone\":\"0912\"}", "event.contact.phone: must be a "
	    "phone number", "0912");
	tc_refused("{\"phone\":\"09+12345678\"}", "event.contact.phone", NULL);
	/* jansson's own messages quote up to 20 bytes of the text: not ours */
	tc_refused("{\"phone\" \"0912345678\"}", "event: not JSON", "0912");
	tc_refused("{\"phone\":\"0912345678\" \"name\":\"Lan\"}",
	    "event: not JSON", "0912");
}

/* A record of an earlier daemon (no contact) still reads, and is written
 * back as it was. */
Test(contact, records_without_contact_read_as_before)
{
	struct pr_region *r = tu_langson();
	const char *old = "{\"v\":1,\"s\":\"open\",\"o\":\"C05971\",\"fa\":0,"
	    "\"e\":{\"type\":\"order.created\",\"event_id\":\"state\","
	    "\"order_id\":\"o1\",\"version\":1,"
	    "\"ts\":\"2026-08-20T09:15:00+07:00\",\"commune\":\"05971\","
	    "\"weight_kg\":2.5,\"perishable\":false,\"promise_hours\":48,"
	    "\"ready\":{\"from\":\"2026-08-20T09:15:00+07:00\"},"
	    "\"destination\":\"HN\",\"product\":\"parcel\"}}";
	struct pr_error err = { 0, "" };
	struct pr_order o;
	struct pr_contact c;
	char *rec;

	cr_assert_eq(pr_order_from_json(r, "o1", old, strlen(old), &o, &c,
	    &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.name, "");
	rec = pr_order_to_json(r, &o, &c);
	cr_assert_str_eq(rec, old);
	free(rec);
	pr_region_free(r);
}

/* An update replaces the whole order, its contact too. */
Test(contact, an_update_replaces_it)
{
	struct pr_region *r = tu_langson();
	struct pr_orderbook ob;
	struct pr_event ev;
	struct pr_error err = { 0, "" };
	const char *json = tc_event("{\"name\":\"" TC_NAME "\"}");
	struct pr_contact c;
	char upd[2048];
	int i;

	pr_orderbook_init(&ob);
	cr_assert_eq(pr_event_parse(json, strlen(json), &ev, &err), 0);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), 0, "%s", err.msg);
	snprintf(upd, sizeof(upd), "%s", tc_event("{\"phone\":\""
	    TC_PHONE "\"}"));
	memcpy(strstr(upd, "created"), "updated", 7);
	memcpy(strstr(upd, "\"version\":1"), "\"version\":2", 11);
	cr_assert_eq(pr_event_parse(upd, strlen(upd), &ev, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(pr_orderbook_apply(&ob, r, &ev, &err), 0, "%s", err.msg);
	i = pr_orderbook_find(&ob, "o1");
	pr_orderbook_contact(&ob, i, &c);
	cr_assert_str_eq(c.name, "");
	cr_assert_str_eq(c.phone, TC_PHONE);
	pr_orderbook_clear(&ob);
	pr_region_free(r);
}
