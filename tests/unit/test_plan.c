/* test_plan.c: the one planner (pr_plan_run): groups of neighbouring offices, routes under way kept as they are, orders moved and lent, stability of vehicle ids, the late budget, bad input; every solution through the independent checker. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/plan.h"
#include "postroute/pickup.h"
#include "postroute/region.h"
#include "checker.h"
#include "testutil.h"

/*
 * The region of test_domain.c with a third commune office: A (one
 * motorbike of 10 kg) and B (one van of 100 kg) 3.1 km apart in district
 * 001, C 40 km away in the same district, H a district office without
 * line-haul. Departures at 10:00 and 15:00 (cut-off 30 min); Hà Nội
 * trucks leave the hub at 14:00 and 20:00 and take 3 h.
 */
static const char tp_region[] =
    "{\"region\":\"test\",\"utc_offset\":\"+07:00\",\"hub\":\"H\","
    "\"defaults\":{\"circuity\":1.0,\"service_min\":0,\"radius_km\":60,"
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
    "\"point\":[106.03,21.0],\"area_km2\":4,\"population\":1000},"
    "{\"code\":\"00003\",\"name\":\"C\",\"district\":\"001\","
    "\"point\":[106.4,21.0],\"area_km2\":4,\"population\":1000}],"
    "\"offices\":["
    "{\"id\":\"A\",\"commune\":\"00001\",\"fleet\":{\"motorbike\":1},"
    "\"shift\":[\"07:00\",\"17:00\"],\"linehaul\":[{\"depart\":\"15:00\","
    "\"cutoff_min\":30,\"hub_h\":1},{\"depart\":\"10:00\",\"cutoff_min\":30,"
    "\"hub_h\":1}]},"
    "{\"id\":\"B\",\"commune\":\"00002\",\"fleet\":{\"van\":1},"
    "\"shift\":[\"07:00\",\"17:00\"],\"linehaul\":[{\"depart\":\"10:00\","
    "\"cutoff_min\":30,\"hub_h\":1},{\"depart\":\"15:00\",\"cutoff_min\":30,"
    "\"hub_h\":1}]},"
    "{\"id\":\"C\",\"commune\":\"00003\",\"fleet\":{\"motorbike\":1},"
    "\"shift\":[\"07:00\",\"17:00\"],\"linehaul\":[{\"depart\":\"10:00\","
    "\"cutoff_min\":30,\"hub_h\":1},{\"depart\":\"15:00\",\"cutoff_min\":30,"
    "\"hub_h\":1}]},"
    "{\"id\":\"H\",\"level\":\"district\",\"commune\":\"00001\","
    "\"fleet\":{},\"shift\":[\"07:00\",\"17:00\"]}]}";

/* 2026-08-20 00:00 +07:00 */
#define TP_DAY0 INT64_C(1787158800)
#define TP_T(d, h, m) (TP_DAY0 + (int64_t)(d) * 86400 + (h) * 3600 + (m) * 60)

static struct pr_region *
tp_load(void)
{
	return tu_region(tp_region, strlen(tp_region));
}

/* An order of commune code, kg, 48 h to Hà Nội, placed at 07:00, east
 * of the commune's point by de degrees. */
static struct pr_order
tp_order(const struct pr_region *r, const char *id, const char *commune,
    double kg, double de)
{
	struct pr_order o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "%s", id);
	o.version = 1;
	o.commune = pr_region_commune(r, commune);
	o.lon = r->communes[o.commune].lon + de;
	o.lat = r->communes[o.commune].lat + 0.004;
	o.weight_g = (int64_t)(kg * 1000);
	o.promise_h = 48;
	o.placed = TP_T(0, 7, 0);
	o.ready_from = TP_T(0, 7, 0);
	o.ready_to = INT64_MAX;
	o.destination = pr_region_destination(r, "HN");
	return o;
}

/* The input for orders o[0..n) planned at their commune's office, every
 * office of the region but H. */
struct tp_in {
	struct pr_plan_input in;
	int offices[3];
	int office[16], home[16];
};

static void
tp_input(const struct pr_region *r, struct tp_in *t, const struct pr_order *o,
    int n, int64_t now)
{
	memset(t, 0, sizeof(*t));
	t->offices[0] = pr_region_office(r, "A");
	t->offices[1] = pr_region_office(r, "B");
	t->offices[2] = pr_region_office(r, "C");
	for (int i = 0; i < n; i++)
		t->office[i] = t->home[i] = r->communes[o[i].commune].office;
	t->in.region = r;
	t->in.now = now;
	t->in.day_start = TP_DAY0;
	t->in.horizon_days = 1;
	t->in.n_offices = 3;
	t->in.offices = t->offices;
	t->in.n_orders = n;
	t->in.orders = o;
	t->in.office = t->office;
	t->in.home = t->home;
	pr_planner_params_init(&t->in.params);
	t->in.params.iterations = 300;
	t->in.keep_problems = 1;
}

/* Runs the planner and checks every solution and every order listed once. */
static struct pr_plan_result *
tp_run(const struct pr_plan_input *in)
{
	struct pr_plan_result *res = NULL;
	struct pr_error err = { 0, "" };
	char why[256];
	int *seen = calloc((size_t)in->n_orders + 1, sizeof(int));

	cr_assert_eq(pr_plan_run(in, &res, &err), 0, "%s", err.msg);
	cr_assert_eq(res->n_failed, 0, "%s", res->failed);
	for (int k = 0; k < res->n_problems; k++) {
		const struct pr_plan_problem *pb = &res->problems[k];

		cr_assert_eq(pb->rc, 0, "%s", pb->why);
		cr_assert_eq(chk_solution(pb->op->problem, pb->sol, NULL, why,
		    sizeof(why)), 0, "problem %d: %s", k, why);
	}
	for (int k = 0; k < res->n_plans; k++) {
		const struct pr_office_plan *pl = &res->plans[k];

		for (int q = 0; q < pl->n_routes; q++)
			for (int s = 0; s < pl->routes[q].n_stops; s++)
				for (int i = 0; i < in->n_orders; i++)
					seen[i] += strcmp(in->orders[i].id,
					    pl->routes[q].stops[s].order_id) == 0;
		for (int u = 0; u < pl->n_unassigned; u++)
			for (int i = 0; i < in->n_orders; i++)
				seen[i] += strcmp(in->orders[i].id,
				    pl->unassigned[u].order_id) == 0;
	}
	for (int i = 0; i < in->n_orders; i++)
		cr_assert_eq(seen[i], 1, "order %s listed %d times",
		    in->orders[i].id, seen[i]);
	free(seen);
	return res;
}

/* The plan of office id in res, and the route holding order (or NULL). */
static const struct pr_office_plan *
tp_plan(const struct pr_region *r, const struct pr_plan_result *res,
    const char *id)
{
	int f = pr_region_office(r, id);

	for (int k = 0; k < res->n_plans; k++)
		if (res->plans[k].office == f)
			return &res->plans[k];
	cr_assert_fail("no plan for %s", id);
	return NULL;
}

static const struct pr_plan_route *
tp_route_of(const struct pr_plan_result *res, const char *order)
{
	for (int k = 0; k < res->n_plans; k++)
		for (int q = 0; q < res->plans[k].n_routes; q++)
			for (int s = 0; s < res->plans[k].routes[q].n_stops;
			    s++)
				if (strcmp(res->plans[k].routes[q].stops[s].order_id,
				    order) == 0)
					return &res->plans[k].routes[q];
	return NULL;
}

Test(plan, neighbouring_commune_offices_form_groups)
{
	struct pr_region *r = tp_load();
	struct pr_planner_params pp;
	int a = pr_region_office(r, "A"), b = pr_region_office(r, "B"),
	    c = pr_region_office(r, "C"), h = pr_region_office(r, "H");
	int cnt[4] = { 0 }, grp[4];

	cnt[a] = 3;
	cnt[b] = 2;
	cnt[c] = 4;
	cnt[h] = 1;
	pr_planner_params_init(&pp);
	pr_plan_groups(r, cnt, &pp, grp);
	cr_assert_eq(grp[a], a < b ? a : b);
	cr_assert_eq(grp[b], grp[a], "A and B are 3 km apart");
	cr_assert_eq(grp[c], c, "C is 40 km away");
	cr_assert_eq(grp[h], h, "a district office is not grouped");
	/* too many pickups together, or no pickups, or groups off */
	pp.group_max_orders = 4;
	pr_plan_groups(r, cnt, &pp, grp);
	cr_assert_eq(grp[b], b);
	pr_planner_params_init(&pp);
	cnt[b] = 0;
	pr_plan_groups(r, cnt, &pp, grp);
	cr_assert_eq(grp[b], b);
	cnt[b] = 2;
	pp.group_radius_m = 0;
	pr_plan_groups(r, cnt, &pp, grp);
	cr_assert_eq(grp[b], b);
	pr_region_free(r);
}

Test(plan, a_group_lends_a_parcel_to_the_neighbour_that_can_carry_it)
{
	struct pr_region *r = tp_load();
	struct pr_order o[4];
	struct tp_in t;
	struct pr_plan_result *res;
	const struct pr_office_plan *pa, *pb;
	const struct pr_plan_route *rt;

	/* j0: 20 kg at A, too heavy for A's motorbike, on time at B too */
	o[0] = tp_order(r, "j0", "00001", 20, 0.004);
	o[1] = tp_order(r, "j1", "00001", 3, -0.004);
	o[2] = tp_order(r, "j2", "00002", 5, 0.002);
	o[3] = tp_order(r, "j3", "00003", 2, 0.002);
	tp_input(r, &t, o, 4, 0);
	res = tp_run(&t.in);
	cr_assert_eq(res->n_groups, 1);
	cr_assert_eq(res->n_grouped, 2);
	cr_assert_eq(res->n_problems, 2, "A+B together, C alone");
	rt = tp_route_of(res, "j0");
	cr_assert_not_null(rt, "j0 is picked up");
	cr_assert_eq(rt->office, pr_region_office(r, "B"));
	cr_assert_str_eq(rt->vehicle, "van1.20260820t1",
	    "a group's vehicle ids are the office's own, got %s",
	    rt->vehicle);
	pa = tp_plan(r, res, "A");
	pb = tp_plan(r, res, "B");
	cr_assert_eq(pa->n_group, 2);
	cr_assert_eq(pa->n_lent, 1);
	cr_assert_str_eq(pa->lent[0].order_id, "j0");
	cr_assert_eq(pa->lent[0].to, pr_region_office(r, "B"));
	cr_assert_eq(pa->n_orders, 2, "A's orders: j0 (lent) and j1");
	cr_assert_eq(pb->n_moved, 1);
	cr_assert_str_eq(pb->moved[0].order_id, "j0");
	cr_assert_str_eq(pb->moved[0].reason, "group");
	cr_assert_eq(pb->moved[0].from, pr_region_office(r, "A"));
	pr_plan_result_free(res);

	/* The caller's groups: every office alone. j0 stays unassigned at
	 * A, with a reason and a risk. */
	{
		int group[3] = { 0, 1, 2 };

		t.in.group = group;
		res = tp_run(&t.in);
		cr_assert_eq(res->n_groups, 0);
		pa = tp_plan(r, res, "A");
		cr_assert_eq(pa->n_unassigned, 1);
		cr_assert_str_eq(pa->unassigned[0].order_id, "j0");
		cr_assert_eq(pa->unassigned[0].risk, PR_RISK_NO_CAPACITY,
		    "%s: %s", pa->unassigned[0].reason,
		    pr_risk_name(pa->unassigned[0].risk));
		cr_assert_eq(pa->n_at_risk, 1);
		pr_plan_result_free(res);
	}
	pr_region_free(r);
}

/* A copy of route rt with dispatched set. */
static struct pr_plan_route
tp_dispatch(const struct pr_plan_route *rt)
{
	struct pr_plan_route d = *rt;

	d.dispatched = 1;
	d.stops = malloc((size_t)rt->n_stops * sizeof(*d.stops));
	memcpy(d.stops, rt->stops, (size_t)rt->n_stops * sizeof(*d.stops));
	return d;
}

Test(plan, a_dispatched_route_stays_as_it_is)
{
	struct pr_region *r = tp_load();
	struct pr_order o[5];
	struct tp_in t;
	struct pr_plan_result *res;
	const struct pr_plan_route *rt;
	struct pr_plan_route d;
	int group[3] = { 0, 1, 2 };

	/* Three parcels at B (one van), planned at 07:00. */
	o[0] = tp_order(r, "b0", "00002", 5, 0.004);
	o[1] = tp_order(r, "b1", "00002", 5, 0.008);
	o[2] = tp_order(r, "b2", "00002", 5, -0.006);
	tp_input(r, &t, o, 3, TP_T(0, 7, 0));
	t.in.group = group;
	res = tp_run(&t.in);
	rt = tp_route_of(res, "b0");
	cr_assert_not_null(rt);
	cr_assert_eq(rt->n_stops, 3);
	d = tp_dispatch(rt);
	pr_plan_result_free(res);

	/* 07:40: the van is out; b1 was picked up (not open any more), a new
	 * parcel b3 next to b0 and one of A's (a3) came. The route keeps its
	 * vehicle and order less b1; b3 goes to another trip. */
	o[1] = o[2];
	o[2] = tp_order(r, "b3", "00002", 5, 0.0045);
	o[3] = tp_order(r, "a3", "00001", 2, 0.002);
	tp_input(r, &t, o, 4, TP_T(0, 7, 40));
	t.in.group = NULL;       /* A and B as a group now */
	t.in.n_routes = 1;
	t.in.routes = &d;
	res = tp_run(&t.in);
	rt = tp_route_of(res, "b0");
	cr_assert_not_null(rt);
	cr_assert(rt->dispatched);
	cr_assert_str_eq(rt->vehicle, d.vehicle);
	cr_assert_eq(rt->n_stops, 2);
	for (int s = 0, k = 0; s < d.n_stops; s++) {
		if (strcmp(d.stops[s].order_id, "b1") == 0)
			continue;
		cr_assert_str_eq(rt->stops[k].order_id, d.stops[s].order_id,
		    "the stops keep their order");
		cr_assert_eq(rt->stops[k].service_start,
		    d.stops[s].service_start);
		k++;
	}
	cr_assert_eq(rt->start, d.start);
	cr_assert_eq(rt->end, d.end);
	rt = tp_route_of(res, "b3");
	cr_assert_not_null(rt, "b3 is planned");
	cr_assert(!rt->dispatched);
	cr_assert_str_neq(rt->vehicle, d.vehicle, "the trip under way takes "
	    "nothing new");
	pr_plan_result_free(res);

	/* Everything on it done: the route stays (no stops) until it is back,
	 * then it is gone and its vehicle may take another trip. */
	o[0] = o[2];             /* b3 only */
	cr_assert_gt(d.end, d.start + 30);
	tp_input(r, &t, o, 1, d.start + 30);
	t.in.n_routes = 1;
	t.in.routes = &d;
	res = tp_run(&t.in);
	{
		const struct pr_office_plan *pb = tp_plan(r, res, "B");
		int found = 0;

		for (int q = 0; q < pb->n_routes; q++)
			if (strcmp(pb->routes[q].vehicle, d.vehicle) == 0) {
				found = 1;
				cr_assert(pb->routes[q].dispatched);
				cr_assert_eq(pb->routes[q].n_stops, 0);
			}
		cr_assert(found, "the route under way is still listed");
	}
	pr_plan_result_free(res);
	tp_input(r, &t, o, 1, d.end + 600);   /* back, with its margin */
	t.in.n_routes = 1;
	t.in.routes = &d;
	res = tp_run(&t.in);
	for (int q = 0; q < tp_plan(r, res, "B")->n_routes; q++)
		cr_assert(!tp_plan(r, res, "B")->routes[q].dispatched);
	pr_plan_result_free(res);
	free(d.stops);
	pr_region_free(r);
}

Test(plan, a_plan_made_again_keeps_its_vehicle_ids)
{
	struct pr_region *r = tp_load();
	struct pr_order o[6];
	struct tp_in t;
	struct pr_plan_result *res, *again;
	int group[3] = { 0, 1, 2 };
	struct pr_plan_route prev[8];
	int np = 0;

	/* Six light parcels at A around the office: several trips of the
	 * one motorbike (10 kg each). */
	for (int i = 0; i < 6; i++) {
		char id[8];

		snprintf(id, sizeof(id), "a%d", i);
		o[i] = tp_order(r, id, "00001", 4, 0.003 * (i - 3));
	}
	tp_input(r, &t, o, 6, TP_T(0, 7, 0));
	t.in.group = group;
	res = tp_run(&t.in);
	for (int q = 0; q < tp_plan(r, res, "A")->n_routes; q++)
		prev[np++] = tp_plan(r, res, "A")->routes[q];
	cr_assert_geq(np, 2);
	t.in.n_routes = np;
	t.in.routes = prev;
	t.in.params.seed = 99;   /* another search: the ids still stay */
	again = tp_run(&t.in);
	cr_assert_eq(tp_plan(r, again, "A")->stats.orders_moved, 0);
	cr_assert_eq(tp_plan(r, again, "A")->stats.orders_kept, 6);
	for (int i = 0; i < 6; i++)
		cr_assert_str_eq(tp_route_of(res, o[i].id)->vehicle,
		    tp_route_of(again, o[i].id)->vehicle);
	pr_plan_result_free(again);
	pr_plan_result_free(res);
	pr_region_free(r);
}

Test(plan, the_clustering_reason_and_the_late_budget)
{
	struct pr_region *r = tp_load();
	struct pr_order o[2];
	struct tp_in t;
	struct pr_plan_result *res;
	int group[3] = { 0, 1, 2 };
	char why[2][32] = { "capacity_kg", "" };
	const struct pr_office_plan *pb;

	/* m0, A's, planned at B by the clustering */
	o[0] = tp_order(r, "m0", "00001", 2, 0.001);
	o[1] = tp_order(r, "m1", "00002", 2, 0.001);
	tp_input(r, &t, o, 2, 0);
	t.in.group = group;
	t.office[0] = pr_region_office(r, "B");
	t.in.moved_why = (const char (*)[32])why;
	res = tp_run(&t.in);
	pb = tp_plan(r, res, "B");
	cr_assert_eq(pb->n_moved, 1);
	cr_assert_str_eq(pb->moved[0].reason, "capacity_kg");
	cr_assert_eq(pb->moved[0].from, pr_region_office(r, "A"));
	cr_assert_eq(pb->n_orders, 2);
	cr_assert_eq(tp_plan(r, res, "A")->n_orders, 0);
	cr_assert_eq(pb->stats.planned_late, 0, "the rule is off by default");
	pr_plan_result_free(res);
	pr_region_free(r);
}

Test(plan, bad_input_is_refused_by_name)
{
	struct pr_region *r = tp_load();
	struct pr_order o[2];
	struct tp_in t;
	struct pr_plan_result *res = NULL;
	struct pr_error err = { 0, "" };
	int group[3] = { 0, 0, 0 };

	o[0] = tp_order(r, "x", "00001", 2, 0);
	o[1] = tp_order(r, "x", "00002", 2, 0);
	tp_input(r, &t, o, 1, 0);
	t.office[0] = pr_region_office(r, "H");
	cr_assert_eq(pr_plan_run(&t.in, &res, &err), PR_EINVAL);
	cr_assert_null(res);
	cr_assert(strstr(err.msg, "office[0]") != NULL, "%s", err.msg);
	tp_input(r, &t, o, 2, 0);
	cr_assert_eq(pr_plan_run(&t.in, &res, &err), PR_EINVAL);
	cr_assert(strstr(err.msg, "x twice") != NULL, "%s", err.msg);
	tp_input(r, &t, o, 1, 0);
	t.offices[2] = t.offices[0];
	cr_assert_eq(pr_plan_run(&t.in, &res, &err), PR_EINVAL);
	cr_assert(strstr(err.msg, "offices[2]") != NULL, "%s", err.msg);
	tp_input(r, &t, o, 1, 0);
	t.in.group = group;
	t.in.params.group_small = 0;
	cr_assert_eq(pr_plan_run(&t.in, &res, &err), 0, "%s", err.msg);
	pr_plan_result_free(res);
	pr_region_free(r);
}

Test(plan, a_route_leaving_within_freeze_s_is_dispatched)
{
	struct pr_region *r = tp_load();
	struct pr_order o[2];
	struct tp_in t;
	struct pr_plan_result *res;
	const struct pr_plan_route *rt;
	int64_t start;

	o[0] = tp_order(r, "f0", "00002", 5, 0.004);
	o[1] = tp_order(r, "f1", "00002", 5, -0.004);
	tp_input(r, &t, o, 2, TP_T(0, 7, 0));
	t.in.params.freeze_s = 600;
	t.in.params.group_small = 0;
	res = tp_run(&t.in);
	rt = tp_route_of(res, "f0");
	cr_assert_not_null(rt);
	start = rt->start;
	cr_assert_gt(start, TP_T(0, 7, 0) + 600, "it leaves as late as it can");
	cr_assert(!rt->dispatched);
	for (int s = 0; s < rt->n_stops; s++)
		cr_assert_leq(rt->stops[s].service_start, rt->stops[s].latest);
	pr_plan_result_free(res);
	/* 5 minutes before it leaves: the plan dispatches it */
	tp_input(r, &t, o, 2, start - 300);
	t.in.params.freeze_s = 600;
	t.in.params.group_small = 0;
	res = tp_run(&t.in);
	rt = tp_route_of(res, "f0");
	cr_assert_not_null(rt);
	cr_assert(rt->dispatched, "start %lld, clock %lld", (long long)rt->start,
	    (long long)(start - 300));
	pr_plan_result_free(res);
	pr_region_free(r);
}
