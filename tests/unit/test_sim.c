/* test_sim.c: the scenario generator of the benchmarks (bench/common/sim.c): reproducible, parseable, seasonal. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "testutil.h"
#include "postroute/event.h"
#include "postroute/orderbook.h"
#include "postroute/region.h"
#include "postroute/time.h"

/* All events of a run as one string of JSON lines. */
static char *
ts_sim(const struct pr_region *r, const char *date, int n, uint64_t seed,
    int *n_events)
{
	struct sim_params sp;
	struct pr_event *ev;
	struct pr_error err = { 0, "" };
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);

	memset(&sp, 0, sizeof(sp));
	cr_assert_eq(pr_date_parse(date, r->utc_offset, &sp.day_start), 0);
	sp.n_orders = n;
	sp.seed = seed;
	sp.update_rate = 0.05;
	sp.cancel_rate = 0.03;
	cr_assert_eq(sim_generate(r, &sp, &ev, n_events, &err), 0, "%s",
	    err.msg);
	for (int i = 0; i < *n_events; i++) {
		char *s = pr_event_to_json(&ev[i]);
		size_t l = strlen(s);

		while (len + l + 2 > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + len, s, l);
		out[len + l] = '\n';
		len += l + 1;
		free(s);
		if (i > 0)
			cr_assert_geq(ev[i].ts, ev[i - 1].ts, "sorted by ts");
	}
	out[len] = '\0';
	free(ev);
	return out;
}

Test(sim, same_seed_same_events)
{
	struct pr_region *r = tu_langson();
	int n1, n2, n3;
	char *a = ts_sim(r, "2026-08-20", 400, 7, &n1);
	char *b = ts_sim(r, "2026-08-20", 400, 7, &n2);
	char *c = ts_sim(r, "2026-08-20", 400, 8, &n3);

	cr_assert_eq(n1, n2);
	cr_assert_geq(n1, 400);
	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	free(a);
	free(b);
	free(c);
	pr_region_free(r);
}

Test(sim, events_parse_back_and_follow_the_season)
{
	struct pr_region *r = tu_langson();
	struct pr_orderbook ob;
	struct pr_error err = { 0, "" };
	int n, custard = 0, created = 0, custard_cl = 0;
	char *all = ts_sim(r, "2026-08-20", 1000, 1, &n), *line = all;

	pr_orderbook_init(&ob);
	while (*line != '\0') {
		char *nl = strchr(line, '\n');
		struct pr_event ev;

		cr_assert_eq(pr_event_parse(line, (size_t)(nl - line), &ev,
		    &err), 0, "%.*s: %s", (int)(nl - line), line, err.msg);
		cr_assert_geq(pr_orderbook_apply(&ob, r, &ev, &err), 0, "%s",
		    err.msg);
		if (ev.type == PR_EV_ORDER_CREATED) {
			int c = pr_region_commune(r, ev.commune);
			const char *dc =
			    r->districts[r->communes[c].district].code;

			created++;
			if (strcmp(ev.product, "custard_apple") == 0) {
				custard++;
				custard_cl += strcmp(dc, "187") == 0 ||
				    strcmp(dc, "186") == 0;
			}
		}
		line = nl + 1;
	}
	cr_assert_eq(created, 1000);
	/* August: custard apple is most of the day, from Chi Lăng and
	 * Hữu Lũng. */
	cr_assert_gt(custard, 400, "%d custard apple orders", custard);
	cr_assert_gt(custard_cl, custard * 9 / 10);
	free(all);
	pr_orderbook_clear(&ob);

	/* March: no custard apple at all. */
	all = ts_sim(r, "2026-03-10", 300, 1, &n);
	cr_assert_null(strstr(all, "custard_apple"));
	free(all);
	pr_region_free(r);
}

/* Every order comes with a household: a three-part Vietnamese name, a
 * mobile number (09x or 03x and 7 digits), mostly a village in the
 * order's own commune; the same across the order's events. */
Test(sim, households_have_names_phones_and_villages)
{
	struct pr_region *r = tu_langson();
	struct pr_error err = { 0, "" };
	int n, orders = 0, with_address = 0, diacritics = 0;
	char *all = ts_sim(r, "2026-08-20", 500, 3, &n), *line = all;
	struct pr_event *first = calloc(600, sizeof(*first));

	while (*line != '\0') {
		char *nl = strchr(line, '\n');
		struct pr_event ev;
		const struct pr_contact *c = &ev.contact;
		int spaces = 0, k;

		cr_assert_eq(pr_event_parse(line, (size_t)(nl - line), &ev,
		    &err), 0, "%s", err.msg);
		line = nl + 1;
		if (ev.type == PR_EV_ORDER_CANCELLED) {
			cr_assert_str_eq(c->name, "");
			continue;
		}
		for (const char *p = c->name; *p != '\0'; p++)
			spaces += *p == ' ';
		cr_assert_geq(spaces, 2, "name \"%s\"", c->name);
		diacritics += strspn(c->name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ ") < strlen(c->name);
		cr_assert_eq(strlen(c->phone), 10, "phone \"%s\"", c->phone);
		cr_assert_eq(strspn(c->phone, "0123456789"), 10);
		cr_assert(strncmp(c->phone, "09", 2) == 0 ||
		    strncmp(c->phone, "03", 2) == 0 ||
		    strncmp(c->phone, "08", 2) == 0, "%s", c->phone);
		if (c->address[0] != '\0') {
			const char *cn = r->communes[pr_region_commune(r,
			    ev.commune)].name, *sp = strchr(cn, ' ');

			with_address += ev.type == PR_EV_ORDER_CREATED;
			/* "..., xã Hồng Phong" for "Xã Hồng Phong" */
			cr_assert_not_null(strstr(c->address, sp), "%s in %s",
			    c->address, cn);
		}
		k = atoi(strrchr(ev.order_id, '-') + 1);
		cr_assert(k > 0 && k < 600);
		if (ev.type == PR_EV_ORDER_CREATED) {
			orders++;
			first[k] = ev;
		} else {
			cr_assert_eq(memcmp(&first[k].contact, c,
			    sizeof(*c)), 0, "an update keeps the household");
		}
	}
	cr_assert_eq(orders, 500);
	cr_assert_gt(with_address, 400);
	cr_assert_lt(with_address, 500);
	cr_assert_gt(diacritics, 400, "names with their marks");
	free(first);
	free(all);
	pr_region_free(r);
}

/* A window of the day (postroute-sim --from, --for): the orders created in
 * it with their events in it, nothing of any other order; "peak" is the
 * hour with the most creations. */
Test(sim, a_window_keeps_its_orders_whole)
{
	struct pr_region *r = tu_langson();
	struct sim_params sp;
	struct pr_event *ev, *all;
	struct pr_orderbook ob;
	struct pr_error err = { 0, "" };
	int n, nall, created = 0, count[72] = { 0 }, best = 0;
	int64_t start, end;

	memset(&sp, 0, sizeof(sp));
	cr_assert_eq(pr_date_parse("2026-08-20", r->utc_offset, &sp.day_start),
	    0);
	sp.n_orders = 3000;
	sp.seed = 3;
	sp.update_rate = 0.3;
	sp.cancel_rate = 0.2;
	cr_assert_eq(sim_generate(r, &sp, &all, &nall, &err), 0, "%s",
	    err.msg);
	ev = malloc((size_t)nall * sizeof(*ev));
	/* 09:00 for half an hour */
	memcpy(ev, all, (size_t)nall * sizeof(*ev));
	n = nall;
	start = sim_window(ev, &n, sp.day_start, 9 * 3600, 1800);
	end = start + 1800;
	cr_assert_eq(start, sp.day_start + 9 * 3600);
	for (int i = 0; i < nall; i++)
		created += all[i].type == PR_EV_ORDER_CREATED &&
		    all[i].ts >= start && all[i].ts < end;
	cr_assert_gt(created, 20);
	cr_assert_lt(n, nall / 4);
	pr_orderbook_init(&ob);
	for (int i = 0, c = 0; i < n; i++) {
		cr_assert(ev[i].ts >= start && ev[i].ts < end, "event %d at %lld",
		    i, (long long)ev[i].ts);
		/* every event's order is known by then: none left dangling */
		cr_assert_geq(pr_orderbook_apply(&ob, r, &ev[i], &err), 0,
		    "event %d (%s of %s): %s", i,
		    pr_event_type_name(ev[i].type), ev[i].order_id, err.msg);
		c += ev[i].type == PR_EV_ORDER_CREATED;
		if (i == n - 1)
			cr_assert_eq(c, created);
	}
	cr_assert_eq(ob.n, created);
	/* the events of those orders in the window, all of them */
	for (int i = 0, k = 0; i < nall; i++)
		if (all[i].ts >= start && all[i].ts < end &&
		    pr_orderbook_find(&ob, all[i].order_id) >= 0) {
			cr_assert_lt(k, n);
			cr_assert_str_eq(all[i].event_id, ev[k].event_id);
			k++;
		}
	pr_orderbook_clear(&ob);
	/* peak: the busiest whole hour of creations */
	for (int i = 0; i < nall; i++)
		if (all[i].type == PR_EV_ORDER_CREATED &&
		    all[i].ts >= sp.day_start)
			count[(all[i].ts - sp.day_start) / 3600 % 72]++;
	for (int h = 1; h < 72; h++)
		if (count[h] > count[best])
			best = h;
	memcpy(ev, all, (size_t)nall * sizeof(*ev));
	n = nall;
	cr_assert_eq(sim_window(ev, &n, sp.day_start, -1, 3600),
	    sp.day_start + (int64_t)best * 3600);
	cr_assert_gt(count[best], count[3]);
	free(ev);
	free(all);
	pr_region_free(r);
}
