/* test_tile.c: the national region of the benchmarks (bench/common/tile.c): N provinces of distinct codes that do not overlap, each the original moved, and a day drawn over all of them. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "testutil.h"
#include "tile.h"
#include "postroute/event.h"
#include "postroute/region.h"
#include "postroute/time.h"

Test(tile, provinces_are_moved_copies_that_do_not_overlap)
{
	size_t len;
	char *buf = bench_read_file("config/regions/langson.json", &len);
	struct pr_error err = { 0, "" };
	struct pr_region *one, *three;
	char *tiled, code[16];
	double box[3][4];

	cr_assert_not_null(buf);
	one = tu_region(buf, len);
	tiled = tile_region(buf, len, 3, &err);
	cr_assert_not_null(tiled, "%s", err.msg);
	three = tu_region(tiled, strlen(tiled));
	cr_assert_str_eq(three->name, "langson-x3");
	cr_assert_eq(three->n_offices, 3 * one->n_offices);
	cr_assert_eq(three->n_communes, 3 * one->n_communes);
	cr_assert_eq(three->n_districts, 3 * one->n_districts);
	cr_assert_eq(three->n_destinations, one->n_destinations);
	for (int k = 0; k < 3; k++) {
		box[k][0] = box[k][2] = 1e9;
		box[k][1] = box[k][3] = -1e9;
	}
	for (int c = 0; c < one->n_communes; c++)
		for (int k = 0; k < 3; k++) {
			const struct pr_commune *a = &one->communes[c];
			const struct pr_commune *b;
			int i;

			snprintf(code, sizeof(code), "%02d%03d", k, c);
			cr_assert_geq(i = pr_region_commune(three, code), 0,
			    "commune %s", code);
			b = &three->communes[i];
			cr_assert_float_eq(b->lon, a->lon + TILE_DLON * k, 1e-6);
			cr_assert_float_eq(b->lat, a->lat, 1e-6);
			cr_assert_float_eq(b->population, a->population, 1e-9);
			/* its own office is its province's copy */
			cr_assert_eq(strncmp(three->offices[b->office].id, "P0",
			    2), 0);
			cr_assert_eq(three->offices[b->office].id[2], '0' + k);
			cr_assert_str_eq(three->offices[b->office].id + 3,
			    one->offices[a->office].id);
			if (b->lon < box[k][0])
				box[k][0] = b->lon;
			if (b->lon > box[k][1])
				box[k][1] = b->lon;
			if (b->lat < box[k][2])
				box[k][2] = b->lat;
			if (b->lat > box[k][3])
				box[k][3] = b->lat;
		}
	for (int k = 0; k + 1 < 3; k++)
		cr_assert_lt(box[k][1], box[k + 1][0], "provinces %d and %d "
		    "overlap", k, k + 1);
	free(tiled);
	pr_region_free(three);

	/* Fifty: a national network, the sixth province one row south. */
	tiled = tile_region(buf, len, 50, &err);
	cr_assert_not_null(tiled, "%s", err.msg);
	three = tu_region(tiled, strlen(tiled));
	cr_assert_eq(three->n_offices, 50 * one->n_offices);
	snprintf(code, sizeof(code), "05000");
	cr_assert_float_eq(three->communes[pr_region_commune(three,
	    code)].lat, one->communes[0].lat - TILE_DLAT, 1e-6);
	free(tiled);
	pr_region_free(three);
	pr_region_free(one);
	free(buf);
}

Test(tile, refuses_what_it_cannot_tile)
{
	size_t len;
	char *buf = bench_read_file("config/regions/langson.json", &len);
	struct pr_error err = { 0, "" };

	cr_assert_null(tile_region(buf, len, 0, &err));
	cr_assert_null(tile_region(buf, len, TILE_MAX_PROVINCES + 1, &err));
	cr_assert_null(tile_region("[1]", 3, 2, &err));
	cr_assert_null(tile_region("{\"region\":\"x\"}", 14, 2, &err));
	cr_assert(strstr(err.msg, "districts") != NULL, "%s", err.msg);
	free(buf);
}

Test(tile, a_national_day_is_reproducible_and_everywhere)
{
	size_t len;
	char *buf = bench_read_file("config/regions/langson.json", &len);
	struct pr_error err = { 0, "" };
	char *tiled = tile_region(buf, len, 10, &err);
	struct pr_region *r = tu_region(tiled, strlen(tiled));
	struct sim_params sp;
	struct pr_event *a, *b;
	int na, nb, seen[10] = { 0 }, custard = 0, created = 0;

	memset(&sp, 0, sizeof(sp));
	cr_assert_eq(pr_date_parse("2026-08-20", r->utc_offset,
	    &sp.day_start), 0);
	sp.n_orders = 3000;
	sp.seed = 5;
	sp.update_rate = 0.05;
	sp.cancel_rate = 0.03;
	sp.id_prefix = "VN";
	cr_assert_eq(sim_generate(r, &sp, &a, &na, &err), 0, "%s", err.msg);
	cr_assert_eq(sim_generate(r, &sp, &b, &nb, &err), 0, "%s", err.msg);
	cr_assert_eq(na, nb);
	cr_assert_eq(memcmp(a, b, (size_t)na * sizeof(*a)), 0);
	for (int i = 0; i < na; i++) {
		if (a[i].type != PR_EV_ORDER_CREATED)
			continue;
		created++;
		cr_assert_eq(strncmp(a[i].order_id, "VN", 2), 0);
		{
			/* what the daemon reads: the event as written */
			char *js = pr_event_to_json(&a[i]);
			struct pr_event back;

			cr_assert_eq(pr_event_parse(js, strlen(js), &back,
			    &err), 0, "%s: %s", js, err.msg);
			free(js);
		}
		cr_assert_geq(pr_region_commune(r, a[i].commune), 0);
		seen[(a[i].commune[0] - '0') * 10 + a[i].commune[1] - '0']++;
		custard += strcmp(a[i].product, "custard_apple") == 0;
	}
	cr_assert_eq(created, 3000);
	/* every province has orders, and grows Lạng Sơn's produce */
	for (int k = 0; k < 10; k++)
		cr_assert_gt(seen[k], 150, "province %d: %d orders", k,
		    seen[k]);
	cr_assert_gt(custard, 1200, "%d custard apple orders", custard);
	free(a);
	free(b);
	free(tiled);
	free(buf);
	pr_region_free(r);
}
