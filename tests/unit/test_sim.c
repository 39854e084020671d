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

static struct pr_region *
ts_langson(void)
{
	size_t len;
	char *buf = tu_read_file("config/regions/langson.json", &len);
	struct pr_region *r = NULL;
	struct pr_error err = { 0, "" };

	cr_assert_not_null(buf, "config/regions/langson.json is missing "
	    "(tests run from the repository root)");
	cr_assert_eq(pr_region_from_json(buf, len, &r, &err), 0, "%s",
	    err.msg);
	free(buf);
	return r;
}

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
	struct pr_region *r = ts_langson();
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
	struct pr_region *r = ts_langson();
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
