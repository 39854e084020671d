/* test_plan_wire.c: a plan job and its answer as JSON and back (what a remote solve worker gets and sends): the same bytes again, the same plans from the decoded job, every solution through the independent checker, bad jobs and answers refused by name. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/plan.h"
#include "postroute/plan_wire.h"
#include "postroute/region.h"
#include "checker.h"
#include "benchutil.h"
#include "testutil.h"

/* 2026-08-20 00:00 +07:00 */
#define TW_DAY0 INT64_C(1787158800)
#define TW_T(h, m) (TW_DAY0 + (h) * 3600 + (m) * 60)
#define TW_N 14

struct tw {
	struct pr_region *r;
	char rid[PR_WIRE_MAX_REGION_ID];
	int offices[2];
	struct pr_order orders[TW_N];
	int office[TW_N];
	char why[TW_N][32];
	struct pr_plan_input in;
};

/* Lạng Sơn, and TW_N orders at the communes of two commune offices. */
static void
tw_setup(struct tw *t)
{
	struct pr_error err = { 0, "" };
	size_t len = 0;
	char *buf = bench_read_file("config/regions/langson.json", &len);
	int k = 0;

	memset(t, 0, sizeof(*t));
	cr_assert_not_null(buf, "config/regions/langson.json is missing");
	cr_assert_eq(pr_region_from_json(buf, len, &t->r, &err), 0, "%s",
	    err.msg);
	pr_wire_region_id(buf, len, t->rid);
	free(buf);
	for (int c = 0; c < t->r->n_communes && k < 2; c++) {
		int f = t->r->communes[c].office;

		if (f >= 0 && (k == 0 || t->offices[0] != f))
			t->offices[k++] = f;
	}
	cr_assert_eq(k, 2);
	for (int i = 0; i < TW_N; i++) {
		struct pr_order *o = &t->orders[i];
		int f = t->offices[i % 2];

		snprintf(o->id, sizeof(o->id), "VW%03d", i);
		o->version = 1 + i;
		o->commune = t->r->offices[f].commune;
		o->lon = t->r->communes[o->commune].lon + 0.001 * (i + 1);
		o->lat = t->r->communes[o->commune].lat - 0.0007 * i;
		o->has_location = 1;
		o->weight_g = 1000 + 250 * i;
		o->perishable = i % 3 == 0;
		o->promise_h = i % 4 == 0 ? 24 : 48;
		o->placed = o->ready_from = TW_T(6, 30);
		o->ready_to = INT64_MAX;
		o->destination = 0;
		snprintf(o->product, sizeof(o->product), "vải thiều");
		t->office[i] = f;
		if (i == 3)
			snprintf(t->why[i], sizeof(t->why[i]), "capacity");
	}
	t->in.region = t->r;
	t->in.now = TW_T(7, 0);
	t->in.day_start = TW_DAY0;
	t->in.horizon_days = 2;
	t->in.n_offices = 2;
	t->in.offices = t->offices;
	t->in.n_orders = TW_N;
	t->in.orders = t->orders;
	t->in.office = t->office;
	t->in.moved_why = (const char (*)[32])t->why;
	pr_planner_params_init(&t->in.params);
	t->in.params.iterations = 200;
	t->in.params.seed = UINT64_C(18446744073709551557);
	t->in.params.late.max_late = 2;
	t->in.params.freeze_s = 900;
}

/* Plans in, checks every solution with the checker and every order listed
 * once; solve_s zeroed (a time, not an answer). */
static struct pr_plan_result *
tw_run(const struct pr_plan_input *cin)
{
	struct pr_plan_input in = *cin;
	struct pr_plan_result *res = NULL;
	struct pr_error err = { 0, "" };
	char why[256];

	in.keep_problems = 1;
	cr_assert_eq(pr_plan_run(&in, &res, &err), 0, "%s", err.msg);
	cr_assert_eq(res->n_failed, 0, "%s", res->failed);
	cr_assert_gt(res->n_problems, 0);
	for (int k = 0; k < res->n_problems; k++) {
		const struct pr_plan_problem *pb = &res->problems[k];

		cr_assert_eq(pb->rc, 0, "%s", pb->why);
		cr_assert_eq(chk_solution(pb->op->problem, pb->sol, NULL, why,
		    sizeof(why)), 0, "problem %d: %s", k, why);
	}
	for (int i = 0; i < in.n_orders; i++) {
		int seen = 0;

		for (int k = 0; k < res->n_plans; k++) {
			const struct pr_office_plan *pl = &res->plans[k];

			for (int q = 0; q < pl->n_routes; q++)
				for (int s = 0; s < pl->routes[q].n_stops; s++)
					seen += strcmp(in.orders[i].id,
					    pl->routes[q].stops[s].order_id) == 0;
			for (int u = 0; u < pl->n_unassigned; u++)
				seen += strcmp(in.orders[i].id,
				    pl->unassigned[u].order_id) == 0;
		}
		cr_assert_eq(seen, 1, "order %s listed %d times",
		    in.orders[i].id, seen);
	}
	for (int k = 0; k < res->n_plans; k++)
		res->plans[k].stats.solve_s = 0;
	return res;
}

static char *
tw_result_json(const struct pr_plan_result *res)
{
	char *s = pr_plan_result_to_json(0, NULL, res);

	cr_assert_not_null(s);
	return s;
}

Test(plan_wire, a_job_and_its_answer_round_trip)
{
	struct tw t;
	struct pr_plan_input *in2 = NULL;
	struct pr_plan_result *res, *res2, *res3 = NULL;
	struct pr_plan_route route;
	struct pr_error err = { 0, "" }, rerr = { 0, "" };
	char *job, *job2, *a, *a2, *a3;
	int rc = -9;

	tw_setup(&t);
	/* a first plan, whose first route is then under way */
	res = tw_run(&t.in);
	route.n_stops = 0;
	for (int k = 0; k < res->n_plans && route.n_stops == 0; k++)
		if (res->plans[k].n_routes > 0) {
			route = res->plans[k].routes[0];
			route.dispatched = 1;
			route.stops = malloc(((size_t)route.n_stops + 1) *
			    sizeof(*route.stops));
			memcpy(route.stops, res->plans[k].routes[0].stops,
			    (size_t)route.n_stops * sizeof(*route.stops));
		}
	cr_assert_gt(route.n_stops, 0, "the first plan has a route");
	pr_plan_result_free(res);
	t.in.now = TW_T(7, 20);
	t.in.n_routes = 1;
	t.in.routes = &route;

	job = pr_plan_input_to_json(&t.in, t.rid);
	cr_assert_not_null(job);
	cr_assert_eq(pr_plan_input_from_json(t.r, t.rid, job, strlen(job),
	    &in2, &err), 0, "%s", err.msg);
	cr_assert_eq(in2->region, t.r);
	cr_assert_eq(in2->n_orders, TW_N);
	cr_assert_eq(memcmp(in2->orders, t.orders, sizeof(t.orders)), 0,
	    "every byte of every order back");
	cr_assert_eq(in2->n_routes, 1);
	cr_assert_eq(in2->routes[0].n_stops, route.n_stops);
	cr_assert_eq(memcmp(in2->routes[0].stops, route.stops,
	    (size_t)route.n_stops * sizeof(*route.stops)), 0);
	cr_assert_eq(in2->params.seed, t.in.params.seed);
	cr_assert_null(in2->group);
	cr_assert_null(in2->home);
	cr_assert_str_eq(in2->moved_why[3], "capacity");
	job2 = pr_plan_input_to_json(in2, t.rid);
	cr_assert_str_eq(job2, job, "the same bytes again");

	/* the decoded job plans what the job plans */
	res = tw_run(&t.in);
	res2 = tw_run(in2);
	a = tw_result_json(res);
	a2 = tw_result_json(res2);
	cr_assert_str_eq(a2, a, "the same plans from the decoded job");

	/* and the answer reads back to the same bytes */
	cr_assert_eq(pr_plan_result_from_json(&t.in, a, strlen(a), &rc, &rerr,
	    &res3, &err), 0, "%s", err.msg);
	cr_assert_eq(rc, 0);
	cr_assert_not_null(res3);
	cr_assert_eq(res3->n_plans, 2);
	cr_assert_eq(res3->plans[0].office, t.offices[0]);
	a3 = tw_result_json(res3);
	cr_assert_str_eq(a3, a);

	free(a3);
	free(a2);
	free(a);
	pr_plan_result_free(res3);
	pr_plan_result_free(res2);
	pr_plan_result_free(res);
	free(job2);
	free(job);
	pr_plan_input_free(in2);
	free(route.stops);
	pr_region_free(t.r);
}

Test(plan_wire, a_failed_plan_travels_as_its_code_and_message)
{
	struct tw t;
	struct pr_plan_result *res = (void *)1;
	struct pr_error perr = { PR_EINVAL, "orders[2].office: not one of "
	    "offices" }, rerr = { 0, "" }, err = { 0, "" };
	char *a;
	int rc = 0;

	tw_setup(&t);
	a = pr_plan_result_to_json(PR_EINVAL, &perr, NULL);
	cr_assert_eq(pr_plan_result_from_json(&t.in, a, strlen(a), &rc, &rerr,
	    &res, &err), 0, "%s", err.msg);
	cr_assert_eq(rc, PR_EINVAL);
	cr_assert_null(res);
	cr_assert_str_eq(rerr.msg, perr.msg);
	free(a);
	pr_region_free(t.r);
}

/* Replaces the first from in s (which must hold it) by to: a new string. */
static char *
tw_edit(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *o = malloc(n);

	cr_assert_not_null(p, "%s is in the JSON", from);
	snprintf(o, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return o;
}

static void
tw_job_refused(struct tw *t, const char *job, const char *path)
{
	struct pr_plan_input *in = (void *)1;
	struct pr_error err = { 0, "" };

	cr_assert_eq(pr_plan_input_from_json(t->r, t->rid, job, strlen(job),
	    &in, &err), PR_EINVAL, "refused: %s", job);
	cr_assert_null(in);
	cr_assert_not_null(strstr(err.msg, path), "'%s' names %s", err.msg,
	    path);
}

Test(plan_wire, a_bad_job_is_refused_by_name)
{
	struct tw t;
	char *job, *bad, other[PR_WIRE_MAX_REGION_ID], longid[100];
	struct pr_plan_input *in = NULL;
	struct pr_error err = { 0, "" };

	tw_setup(&t);
	job = pr_plan_input_to_json(&t.in, t.rid);
	/* a worker with another region file refuses the job */
	pr_wire_region_id("{}", 2, other);
	cr_assert_eq(pr_plan_input_from_json(t.r, other, job, strlen(job),
	    &in, &err), PR_EINVAL);
	cr_assert_not_null(strstr(err.msg, "job.region"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "another region file"), "%s",
	    err.msg);

	tw_job_refused(&t, "{\"v\":1", "not JSON");
	tw_job_refused(&t, "[]", "job");
	bad = tw_edit(job, "\"v\":1", "\"v\":2");
	tw_job_refused(&t, bad, "job.v");
	free(bad);
	bad = tw_edit(job, "\"commune\":", "\"commune\":99999,\"x\":");
	tw_job_refused(&t, bad, "job.orders[0].commune");
	free(bad);
	bad = tw_edit(job, "\"commune\":", "\"commune\":1,\"commune\":");
	tw_job_refused(&t, bad, "not JSON");   /* a duplicated key */
	free(bad);
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	{
		char to[120];

		snprintf(to, sizeof(to), "\"id\":\"%s\"", longid);
		bad = tw_edit(job, "\"id\":\"VW000\"", to);
		tw_job_refused(&t, bad, "job.orders[0].id");
		free(bad);
	}
	bad = tw_edit(job, "\"offices\":[", "\"offices\":[-1,");
	tw_job_refused(&t, bad, "job.offices[0]");
	free(bad);
	bad = tw_edit(job, "\"office\":[", "\"office\":[1,");
	tw_job_refused(&t, bad, "job.office");
	free(bad);
	bad = tw_edit(job, "\"seed\":\"18446744073709551557\"", "\"seed\":1");
	tw_job_refused(&t, bad, "job.params.seed");
	free(bad);
	bad = tw_edit(job, "\"max_late\":", "\"max_late\":\"2\",\"y\":");
	tw_job_refused(&t, bad, "job.params.late.max_late");
	free(bad);
	bad = tw_edit(job, ",\"routes\":[]", "");
	tw_job_refused(&t, bad, "job.routes: missing");
	free(bad);
	free(job);
	pr_region_free(t.r);
}

static void
tw_result_refused(const struct pr_plan_input *in, const char *a,
    const char *path)
{
	struct pr_plan_result *res = (void *)1;
	struct pr_error err = { 0, "" }, rerr = { 0, "" };
	int rc = 0;

	cr_assert_eq(pr_plan_result_from_json(in, a, strlen(a), &rc, &rerr,
	    &res, &err), PR_EINVAL, "refused: %s", a);
	cr_assert_null(res);
	cr_assert_not_null(strstr(err.msg, path), "'%s' names %s", err.msg,
	    path);
}

Test(plan_wire, a_bad_answer_is_refused_by_name)
{
	struct tw t;
	struct pr_plan_result *res;
	char *a, *bad, from[64], to[64];

	tw_setup(&t);
	t.in.params.iterations = 50;
	res = tw_run(&t.in);
	a = tw_result_json(res);
	tw_result_refused(&t.in, "nonsense", "not JSON");
	/* the plans of other offices than the job's */
	snprintf(from, sizeof(from), "\"plans\":[{\"office\":%d",
	    t.offices[0]);
	snprintf(to, sizeof(to), "\"plans\":[{\"office\":%d", t.offices[1]);
	bad = tw_edit(a, from, to);
	tw_result_refused(&t.in, bad, "result.plans[0].office");
	free(bad);
	/* an office outside the region */
	bad = tw_edit(a, from, "\"plans\":[{\"office\":1000000");
	tw_result_refused(&t.in, bad, "result.plans[0].office");
	free(bad);
	/* one plan short */
	t.in.n_offices = 1;
	tw_result_refused(&t.in, a, "result.n_grouped");
	t.in.n_offices = 2;
	bad = tw_edit(a, "\"risk\":", "\"risk\":77,\"z\":");
	tw_result_refused(&t.in, bad, ".risk");
	free(bad);
	bad = tw_edit(a, "\"rc\":0", "\"rc\":-1");
	tw_result_refused(&t.in, bad, "result.error: missing");
	free(bad);
	free(a);
	pr_plan_result_free(res);
	pr_region_free(t.r);
}
