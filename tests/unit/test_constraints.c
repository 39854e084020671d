/* test_constraints.c: the rules of issue 15 in the route evaluator (deliveries, skills, max_tasks, setup, breaks, costs, speed factors): a case where each binds, its unassigned reason, and brute force on tiny instances. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "postroute/postroute.h"
#include "checker.h"
#include "testutil.h"

/*
 * Every solution goes through the independent checker (tu_solve). The
 * brute force below is a third implementation of the rules, written from
 * docs/problem-format.md: it enumerates every sequence of every subset of
 * jobs and every placement of the breaks, and partitions the jobs into
 * the cheapest routes.
 */

#define TC_INF 1e300

/* ---- building problems ------------------------------------------------------ */

/* A problem over the n x n matrix m (durations = distances = m), one
 * location per row, no coordinates used; dims amount dimensions. Add
 * jobs and vehicles, then tc_done. */
static struct pr_problem *
tc_matrix(const char *name, int n, const double *m, int dims)
{
	struct pr_problem *p = pr_problem_new(dims);
	struct pr_profile *pf;
	int prof;

	snprintf(p->name, sizeof(p->name), "%s", name);
	for (int i = 0; i < n; i++)
		pr_problem_add_location(p, i, 0);
	prof = pr_problem_add_profile(p, "default", 1.0, 1.0);
	pf = &p->profiles[prof];
	pf->durations = malloc((size_t)n * n * sizeof(double));
	pf->distances = malloc((size_t)n * n * sizeof(double));
	cr_assert(pf->durations != NULL && pf->distances != NULL);
	memcpy(pf->durations, m, (size_t)n * n * sizeof(double));
	memcpy(pf->distances, m, (size_t)n * n * sizeof(double));
	return p;
}

static void
tc_done(struct pr_problem *p)
{
	struct pr_error err;

	memset(&err, 0, sizeof(err));
	cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s: %s", p->name,
	    err.msg);
}

static int
tc_job(struct pr_problem *p, const char *id, int loc, int64_t pickup,
    int64_t delivery)
{
	struct pr_job j;

	pr_job_init(&j);
	snprintf(j.id, sizeof(j.id), "%s", id);
	j.location = loc;
	j.pickup[0] = pickup;
	j.delivery[0] = delivery;
	return pr_problem_add_job(p, &j);
}

static int
tc_vehicle(struct pr_problem *p, const char *id, int64_t cap)
{
	struct pr_vehicle v;

	pr_vehicle_init(&v);
	snprintf(v.id, sizeof(v.id), "%s", id);
	snprintf(v.profile_name, sizeof(v.profile_name), "default");
	v.start = v.end = 0;
	for (int d = 0; d < p->n_dims; d++)
		v.capacity[d] = cap;
	return pr_problem_add_vehicle(p, &v);
}

/* The unassigned entry of job j, or NULL. */
static const struct pr_unassigned *
tc_unassigned(const struct pr_solution *s, int j)
{
	for (int u = 0; u < s->n_unassigned; u++)
		if (s->unassigned[u].job == j)
			return &s->unassigned[u];
	return NULL;
}

static void
tc_expect_reason(const struct pr_solution *s, int j, const char *reason,
    const char *detail_word)
{
	const struct pr_unassigned *ua = tc_unassigned(s, j);

	cr_assert_not_null(ua, "job %d should be unassigned", j);
	cr_expect_str_eq(ua->reason, reason, "reason \"%s\" (%s), expected "
	    "\"%s\"", ua->reason, ua->detail, reason);
	if (detail_word != NULL)
		cr_expect(strstr(ua->detail, detail_word) != NULL, "detail "
		    "\"%s\" lacks \"%s\"", ua->detail, detail_word);
}

/* ---- deliveries ------------------------------------------------------------- */

/*
 * Depot 0, A (1) delivers 6, B (2) picks up 6, capacity 10. Driving
 * 0-B-A-0 costs 3 and 0-A-B-0 costs 30, but B first would carry 12 after
 * B: the vehicle leaves with A's 6. Only A first is feasible.
 */
static const double tc_order_m[9] = {
	0, 10, 1,
	1, 0, 10,
	10, 1, 0,
};

Test(deliveries, load_rule_decides_the_order)
{
	struct pr_problem *p = tc_matrix("delivery-order", 3, tc_order_m, 1);
	struct pr_solution *s;

	tc_job(p, "A", 1, 0, 6);
	tc_job(p, "B", 2, 6, 0);
	tc_vehicle(p, "v", 10);
	tc_done(p);
	cr_assert(p->has_delivery);
	for (int exact = 0; exact <= 8; exact += 8) {
		s = tu_solve(p, 300, 1, exact);
		cr_assert_eq(s->n_routes, 1);
		cr_assert_eq(s->n_unassigned, 0);
		cr_expect_eq(s->routes[0].steps[0].job, 0, "A must come first");
		cr_expect_float_eq(s->cost, 30, 1e-9);
		cr_expect_eq(s->routes[0].delivery[0], 6);
		cr_expect_eq(s->routes[0].load[0], 6);
		cr_expect_eq(s->routes[0].steps[0].load[0], 0);
		cr_expect_eq(s->routes[0].steps[1].load[0], 6);
		pr_solution_free(s);
	}
	/* with room for both, the cheap order wins */
	p->vehicles[0].capacity[0] = 12;
	tc_done(p);
	s = tu_solve(p, 300, 1, 0);
	cr_expect_eq(s->routes[0].steps[0].job, 1, "B first when it fits");
	cr_expect_float_eq(s->cost, 3, 1e-9);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* Deliveries fill the vehicle at the start: two deliveries of 6 cannot
 * share a vehicle of 10, even though each alone fits. */
Test(deliveries, start_load_counts)
{
	static const double m[9] = { 0, 5, 5, 5, 0, 1, 5, 1, 0 };
	struct pr_problem *p = tc_matrix("delivery-start", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "A", 1, 0, 6);
	tc_job(p, "B", 2, 0, 6);
	tc_vehicle(p, "v1", 10);
	tc_vehicle(p, "v2", 10);
	tc_done(p);
	s = tu_solve(p, 300, 1, 0);
	cr_expect_eq(s->n_routes, 2);
	cr_expect_eq(s->n_unassigned, 0);
	pr_solution_free(s);
	pr_problem_free(p);
}

Test(deliveries, reason_capacity)
{
	static const double m[9] = { 0, 5, 5, 5, 0, 1, 5, 1, 0 };
	struct pr_problem *p = tc_matrix("delivery-reason", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "A", 1, 0, 20);
	tc_job(p, "B", 2, 3, 3);
	tc_vehicle(p, "v1", 10);
	tc_done(p);
	s = tu_solve(p, 200, 1, 0);
	tc_expect_reason(s, 0, "capacity", "delivery 20");
	cr_expect_eq(s->n_routes, 1);
	pr_solution_free(s);
	pr_problem_free(p);
}

/*
 * In a route that is full, a job is left out with reason capacity even
 * though it fits a vehicle alone: one vehicle of 10, deliveries 4 + 4
 * and a third of 4 (only two fit), all far apart so that the search has
 * no other way.
 */
Test(deliveries, reason_capacity_in_full_routes)
{
	static const double m[16] = {
		0, 5, 5, 5,
		5, 0, 1, 1,
		5, 1, 0, 1,
		5, 1, 1, 0,
	};
	struct pr_problem *p = tc_matrix("delivery-full", 4, m, 1);
	struct pr_solution *s;

	tc_job(p, "A", 1, 0, 4);
	tc_job(p, "B", 2, 0, 4);
	tc_job(p, "C", 3, 0, 4);
	tc_vehicle(p, "v1", 10);
	tc_done(p);
	s = tu_solve(p, 200, 1, 0);
	cr_assert_eq(s->n_unassigned, 1);
	tc_expect_reason(s, s->unassigned[0].job, "capacity", "capacity "
	    "blocks 1 of 1");
	pr_solution_free(s);
	pr_problem_free(p);
}

/*
 * The exact mode keeps partial routes by their highest load too: B-A-X is
 * cheaper than A-B-X (3 against 11) but carries 10 after B, so adding Y
 * (delivers 1) breaks it while A-B-X-Y (13) is the optimum. Labels that
 * compared cost and time alone would lose A-B-X.
 */
Test(deliveries, exact_keeps_the_lower_load)
{
	static const double m[25] = {
		/* 0 depot, 1 A, 2 B, 3 X, 4 Y */
		0, 5, 1, 20, 20,
		20, 0, 1, 1, 20,
		20, 1, 0, 5, 20,
		20, 20, 20, 0, 1,
		1, 20, 20, 20, 0,
	};
	struct pr_problem *p = tc_matrix("exact-load", 5, m, 1);
	struct pr_solution *s;

	tc_job(p, "A", 1, 0, 5);
	tc_job(p, "B", 2, 5, 0);
	tc_job(p, "X", 3, 0, 0);
	tc_job(p, "Y", 4, 0, 1);
	tc_vehicle(p, "v", 10);
	tc_done(p);
	s = tu_solve(p, 50, 1, 8);
	cr_expect_eq(s->n_unassigned, 0);
	cr_expect_float_eq(s->cost, 13, 1e-9);
	cr_expect(s->proven_optimal, "the exact mode proved nothing");
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- skills and max_tasks ------------------------------------------------------- */

static void
tc_skill(struct pr_problem *p, uint64_t *skills, int64_t value)
{
	int i = pr_problem_skill(p, value);

	cr_assert_geq(i, 0);
	pr_skill_set(skills, i);
}

/* v1 (free) holds skill 1, v2 (fixed cost 100) skills 1 and 2: without
 * skills one route of v1 would do; a needs 2, so a goes with v2, and b
 * (needs 1) and c (none) go where they cost least. */
Test(skills, job_goes_to_a_vehicle_with_its_skills)
{
	static const double m[16] = {
		0, 5, 5, 5,
		5, 0, 1, 1,
		5, 1, 0, 1,
		5, 1, 1, 0,
	};
	struct pr_problem *p = tc_matrix("skills", 4, m, 1);
	struct pr_solution *s;
	int a, v1, v2;

	a = tc_job(p, "a", 1, 1, 0);
	tc_job(p, "b", 2, 1, 0);
	tc_job(p, "c", 3, 1, 0);
	v1 = tc_vehicle(p, "v1", 10);
	v2 = tc_vehicle(p, "v2", 10);
	tc_skill(p, p->jobs[a].skills, 2);
	tc_skill(p, p->jobs[1].skills, 1);
	tc_skill(p, p->vehicles[v1].skills, 1);
	tc_skill(p, p->vehicles[v2].skills, 1);
	tc_skill(p, p->vehicles[v2].skills, 2);
	p->vehicles[v2].fixed_cost = 100;
	tc_done(p);
	cr_assert(p->has_skills);
	cr_assert_neq(p->vehicles[v1].vclass, p->vehicles[v2].vclass);
	for (int exact = 0; exact <= 8; exact += 8) {
		s = tu_solve(p, 300, 1, exact);
		cr_assert_eq(s->n_unassigned, 0);
		cr_expect_eq(s->n_routes, 1, "v2 can take all three");
		cr_expect_eq(s->routes[0].vehicle, v2);
		cr_expect_float_eq(s->cost, 112, 1e-9);
		pr_solution_free(s);
	}
	/* the skills of a are what sends it to v2: without them v1 serves
	 * everything */
	memset(p->jobs[a].skills, 0, sizeof(p->jobs[a].skills));
	tc_done(p);
	s = tu_solve(p, 300, 1, 0);
	cr_expect_eq(s->routes[0].vehicle, v1);
	cr_expect_float_eq(s->cost, 12, 1e-9);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* A vehicle without skills serves only jobs without skills; a skill no
 * vehicle has leaves the job unassigned with reason skills. */
Test(skills, reason_skills)
{
	static const double m[9] = { 0, 5, 5, 5, 0, 1, 5, 1, 0 };
	struct pr_problem *p = tc_matrix("skills-reason", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_job(p, "b", 2, 1, 0);
	tc_vehicle(p, "v1", 10);
	tc_skill(p, p->jobs[1].skills, 3);
	tc_done(p);
	s = tu_solve(p, 200, 1, 0);
	cr_expect_eq(s->n_routes, 1);
	tc_expect_reason(s, 1, "skills", "lacks 3");
	pr_solution_free(s);
	pr_problem_free(p);
}

/* max_tasks 2: three jobs need two vehicles; with one vehicle the third
 * is left out with reason max_tasks. */
Test(max_tasks, limits_the_route)
{
	static const double m[16] = {
		0, 5, 5, 5,
		5, 0, 1, 1,
		5, 1, 0, 1,
		5, 1, 1, 0,
	};
	struct pr_problem *p = tc_matrix("max-tasks", 4, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_job(p, "b", 2, 1, 0);
	tc_job(p, "c", 3, 1, 0);
	tc_vehicle(p, "v1", 10);
	tc_vehicle(p, "v2", 10);
	p->vehicles[0].max_tasks = p->vehicles[1].max_tasks = 2;
	tc_done(p);
	for (int exact = 0; exact <= 8; exact += 8) {
		s = tu_solve(p, 300, 1, exact);
		cr_expect_eq(s->n_unassigned, 0);
		cr_expect_eq(s->n_routes, 2);
		cr_expect_float_eq(s->cost, 21, 1e-9);
		pr_solution_free(s);
	}
	p->n_vehicles = 1;
	tc_done(p);
	s = tu_solve(p, 300, 1, 0);
	cr_assert_eq(s->n_unassigned, 1);
	tc_expect_reason(s, s->unassigned[0].job, "max_tasks", "max_tasks "
	    "blocks 1 of 1");
	pr_solution_free(s);
	/* max_tasks 0: the vehicle is of no use at all */
	p->vehicles[0].max_tasks = 0;
	tc_done(p);
	s = tu_solve(p, 300, 1, 0);
	cr_expect_eq(s->n_unassigned, 3);
	tc_expect_reason(s, 0, "max_tasks", "at most 0 jobs");
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- setup ---------------------------------------------------------------------- */

/* a and b share location 1 (setup 50, service 10 each): b right after a
 * needs no setup, which is what makes the shift (80) long enough. */
Test(setup, not_again_at_the_same_place)
{
	static const double m[9] = { 0, 5, 5, 5, 0, 1, 5, 1, 0 };
	struct pr_problem *p = tc_matrix("setup", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_job(p, "b", 1, 1, 0);
	tc_vehicle(p, "v", 10);
	for (int j = 0; j < 2; j++) {
		p->jobs[j].setup = 50;
		p->jobs[j].service = 10;
	}
	p->vehicles[0].tw.end = 80;
	tc_done(p);
	cr_assert(p->has_setup);
	for (int exact = 0; exact <= 8; exact += 8) {
		s = tu_solve(p, 200, 1, exact);
		cr_assert_eq(s->n_unassigned, 0);
		cr_assert_eq(s->n_routes, 1);
		cr_expect_float_eq(s->routes[0].steps[0].setup, 50, 1e-9);
		cr_expect_float_eq(s->routes[0].steps[1].setup, 0, 1e-9);
		cr_expect_float_eq(s->routes[0].setup_time, 50, 1e-9);
		cr_expect_float_eq(s->routes[0].end_time, 80, 1e-9);
		pr_solution_free(s);
	}
	/* a little shorter and b no longer fits */
	p->vehicles[0].tw.end = 79;
	tc_done(p);
	s = tu_solve(p, 200, 1, 0);
	cr_expect_eq(s->n_unassigned, 1);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* Setup counts against the time window of the next job: c (window
 * closing at 70) after a must wait for a's setup. */
Test(setup, delays_what_follows)
{
	static const double m[9] = { 0, 5, 5, 5, 0, 5, 5, 5, 0 };
	struct pr_problem *p = tc_matrix("setup-tw", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_job(p, "c", 2, 1, 0);
	tc_vehicle(p, "v", 10);
	p->jobs[0].setup = 60;
	p->jobs[1].tw[0].end = 60;
	tc_done(p);
	s = tu_solve(p, 200, 1, 0);
	cr_assert_eq(s->n_unassigned, 0);
	cr_expect_eq(s->routes[0].steps[0].job, 1, "c first: after a's "
	    "setup it would be too late");
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- breaks ---------------------------------------------------------------------- */

static void
tc_break(struct pr_problem *p, int v, double a, double b, double service)
{
	struct pr_break br;

	pr_break_init(&br);
	snprintf(br.id, sizeof(br.id), "%d", p->vehicles[v].n_breaks + 1);
	br.tw[0].start = a;
	br.tw[0].end = b;
	br.service = service;
	if (p->vehicles[v].n_breaks == 0)
		p->vehicles[v].breaks = p->n_breaks;
	cr_assert_eq(p->vehicles[v].breaks + p->vehicles[v].n_breaks,
	    p->n_breaks, "breaks of a vehicle are consecutive");
	pr_problem_add_break(p, &br);
	p->vehicles[v].n_breaks++;
}

/* Two jobs 10 apart, a break of 30 that must start in [40, 60]: it goes
 * where the drive is when the window opens, and the drive goes on after
 * it. */
Test(breaks, taken_inside_its_window)
{
	static const double m[9] = { 0, 10, 20, 10, 0, 10, 20, 10, 0 };
	struct pr_problem *p = tc_matrix("breaks", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_job(p, "b", 2, 1, 0);
	tc_vehicle(p, "v", 10);
	p->jobs[0].service = 20;
	p->jobs[1].service = 20;
	tc_break(p, 0, 40, 60, 30);
	tc_done(p);
	for (int exact = 0; exact <= 8; exact += 8) {
		const struct pr_route *rt;

		s = tu_solve(p, 200, 1, exact);
		cr_assert_eq(s->n_routes, 1);
		rt = &s->routes[0];
		cr_assert_eq(rt->n_breaks, 1);
		cr_expect(rt->breaks[0].start >= 40 - 1e-9 &&
		    rt->breaks[0].start <= 60 + 1e-9, "break at %g",
		    rt->breaks[0].start);
		/* a from 10 to 30, the drive to b done by 40 when the
		 * break starts, b from 70 to 90, back at 110 (or b first
		 * and the break before the drive to a: 110 too) */
		cr_expect_eq(rt->breaks[0].after, 1);
		cr_expect_float_eq(rt->breaks[0].arrival, 40, 1e-9);
		cr_expect_float_eq(rt->end_time, 110, 1e-9);
		cr_expect_float_eq(rt->service_time, 70, 1e-9);
		pr_solution_free(s);
	}
	pr_problem_free(p);
}

/* The wait for a late window is where the break goes: the route ends as
 * early as without the break. */
Test(breaks, fills_a_wait)
{
	static const double m[4] = { 0, 10, 10, 0 };
	struct pr_problem *p = tc_matrix("breaks-wait", 2, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_vehicle(p, "v", 10);
	p->jobs[0].tw[0].start = 100;
	p->jobs[0].tw[0].end = 200;
	tc_break(p, 0, 0, 500, 60);
	tc_done(p);
	s = tu_solve(p, 100, 1, 0);
	cr_assert_eq(s->routes[0].n_breaks, 1);
	cr_expect_float_eq(s->routes[0].end_time, 110, 1e-9);
	cr_expect_float_eq(s->routes[0].duration, 110 - s->routes[0].start_time,
	    1e-9);
	/* it leaves at 30, takes the break at once and drives after it */
	cr_expect_float_eq(s->routes[0].start_time, 30, 1e-9);
	cr_expect_float_eq(s->routes[0].waiting_time, 0, 1e-9);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* A job that leaves no room for the break: a window at the start and a
 * long service, the break due in between. Reason break. */
Test(breaks, reason_break)
{
	static const double m[9] = { 0, 1, 1, 1, 0, 1, 1, 1, 0 };
	struct pr_problem *p = tc_matrix("breaks-reason", 3, m, 1);
	struct pr_solution *s;

	tc_job(p, "long", 1, 1, 0);
	tc_job(p, "easy", 2, 1, 0);
	tc_vehicle(p, "v", 10);
	p->jobs[0].tw[0].end = 2;
	p->jobs[0].service = 100;
	tc_break(p, 0, 10, 20, 10);
	tc_done(p);
	s = tu_solve(p, 100, 1, 0);
	cr_expect_eq(s->n_routes, 1);
	tc_expect_reason(s, 0, "break", NULL);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- costs and speed factors -------------------------------------------------- */

/*
 * Two ways round: 0-1-2-0 is short (30 m) but slow (300 s), 0-2-1-0 long
 * (60 m) but quick (60 s). Distance is the default objective; per_km
 * alone agrees with it; per_hour picks the quick way; custom costs
 * decide by themselves.
 */
static struct pr_problem *
tc_two_ways(void)
{
	static const double dist[9] = { 0, 10, 20, 20, 0, 10, 10, 20, 0 };
	static const double dur[9] = { 0, 100, 20, 20, 0, 100, 100, 20, 0 };
	struct pr_problem *p = tc_matrix("two-ways", 3, dist, 1);

	memcpy(p->profiles[0].durations, dur, sizeof(dur));
	tc_job(p, "a", 1, 1, 0);
	tc_job(p, "b", 2, 1, 0);
	tc_vehicle(p, "v", 10);
	return p;
}

static void
tc_expect_first(struct pr_problem *p, int job, double cost)
{
	struct pr_solution *s;

	tc_done(p);
	s = tu_solve(p, 200, 1, 0);
	cr_assert_eq(s->n_routes, 1);
	cr_expect_eq(s->routes[0].steps[0].job, job, "job %d first", job);
	cr_expect_float_eq(s->cost, cost, 1e-9, "cost %.9f, expected %.9f",
	    s->cost, cost);
	pr_solution_free(s);
	s = tu_solve(p, 200, 1, 8);
	cr_expect_float_eq(s->cost, cost, 1e-9, "exact mode: cost %.9f, "
	    "expected %.9f", s->cost, cost);
	pr_solution_free(s);
}

Test(costs, the_objective_is_what_travel_costs)
{
	struct pr_problem *p = tc_two_ways();

	/* distance: 30 m */
	tc_expect_first(p, 0, 30);
	/* per_km 1000: a metre costs 1, the same */
	p->vehicles[0].per_km = 1000;
	tc_expect_first(p, 0, 30);
	/* per_hour 3600: a second costs 1 (VROOM's default): 60 s */
	p->vehicles[0].per_km = -1;
	p->vehicles[0].per_hour = 3600;
	tc_expect_first(p, 1, 60);
	/* both, and a fixed cost: 3600 x 60/3600 + 500 x 60/1000 + 7 */
	p->vehicles[0].per_km = 500;
	p->vehicles[0].fixed_cost = 7;
	tc_expect_first(p, 1, 60 + 30 + 7);
	pr_problem_free(p);
}

Test(costs, custom_cost_matrix)
{
	static const double cost[9] = { 0, 1, 50, 50, 0, 1, 1, 50, 0 };
	struct pr_problem *p = tc_two_ways();
	struct pr_error err;

	p->profiles[0].costs = malloc(sizeof(cost));
	cr_assert_not_null(p->profiles[0].costs);
	memcpy(p->profiles[0].costs, cost, sizeof(cost));
	/* 0-1-2-0: 1 + 1 + 1 */
	tc_expect_first(p, 0, 3);
	/* per_hour with custom costs is a contradiction */
	p->vehicles[0].per_hour = 3600;
	memset(&err, 0, sizeof(err));
	cr_expect_eq(pr_problem_finalize(p, 0, &err), PR_EINVAL);
	cr_expect(strstr(err.msg, "custom costs") != NULL, "%s", err.msg);
	pr_problem_free(p);
}

/* Speed factor 2 halves travel: the job's window (closing at 60, 100 s
 * away) is reached only by the faster vehicle; the slower one is free. */
Test(costs, speed_factor)
{
	static const double m[4] = { 0, 100, 100, 0 };
	struct pr_problem *p = tc_matrix("speed", 2, m, 1);
	struct pr_solution *s;

	tc_job(p, "a", 1, 1, 0);
	tc_vehicle(p, "slow", 10);
	tc_vehicle(p, "fast", 10);
	p->jobs[0].tw[0].end = 60;
	p->vehicles[1].speed_factor = 2;
	p->vehicles[1].fixed_cost = 5;
	tc_done(p);
	cr_assert_neq(p->vehicles[0].travel, p->vehicles[1].travel);
	s = tu_solve(p, 100, 1, 0);
	cr_assert_eq(s->n_routes, 1);
	cr_expect_eq(s->routes[0].vehicle, 1);
	cr_expect_float_eq(s->routes[0].travel_time, 100, 1e-9);
	cr_expect_float_eq(s->routes[0].distance, 200, 1e-9);
	pr_solution_free(s);
	p->vehicles[1].speed_factor = 1;
	tc_done(p);
	s = tu_solve(p, 100, 1, 0);
	cr_expect_eq(s->n_unassigned, 1);
	tc_expect_reason(s, 0, "time_window", NULL);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- the checker ------------------------------------------------------------- */

/* A checker that accepts everything would make the tests above pass:
 * break a good answer one rule of issue 15 at a time. */
Test(checker, rejects_broken_rules_of_issue_15)
{
	static const double m[16] = {
		0, 5, 5, 5,
		5, 0, 3, 4,
		5, 3, 0, 2,
		5, 4, 2, 0,
	};
	struct pr_problem *p = tc_matrix("checker-15", 4, m, 1);
	struct pr_solution *s;
	struct pr_route *rt;
	int64_t cap;
	double x;

	tc_job(p, "a", 1, 0, 4);
	tc_job(p, "b", 2, 3, 2);
	tc_job(p, "c", 3, 5, 0);
	tc_vehicle(p, "v", 10);
	p->jobs[1].setup = 3;
	p->vehicles[0].per_hour = 1800;
	p->vehicles[0].per_km = 500;
	p->vehicles[0].speed_factor = 1.25;
	tc_skill(p, p->jobs[0].skills, 9);
	tc_skill(p, p->vehicles[0].skills, 9);
	tc_break(p, 0, 4, 30, 10);
	tc_done(p);
	s = tu_solve(p, 100, 1, 0);
	cr_assert_eq(s->n_routes, 1);
	rt = &s->routes[0];
	cr_assert_eq(rt->n_steps, 3);
	cr_assert_eq(rt->n_breaks, 1);

	cap = p->vehicles[0].capacity[0];
	p->vehicles[0].capacity[0] = 5;
	tu_rejected(p, s, "deliveries over capacity at the start", "capacity");
	p->vehicles[0].capacity[0] = cap;

	memset(p->vehicles[0].skills, 0, sizeof(p->vehicles[0].skills));
	tu_rejected(p, s, "a job without its skill", "skills");
	tc_skill(p, p->vehicles[0].skills, 9);

	p->vehicles[0].max_tasks = 2;
	tu_rejected(p, s, "too many jobs", "max_tasks");
	p->vehicles[0].max_tasks = -1;

	x = p->breaks[0].tw[0].end;
	p->breaks[0].tw[0].end = rt->start_time - 1;
	tu_rejected(p, s, "a break after its window", "break");
	p->breaks[0].tw[0].end = x;

	rt->n_breaks = 0;
	tu_rejected(p, s, "a break not taken", "break");
	rt->n_breaks = 1;

	rt->cost += 1;
	tu_rejected(p, s, "a wrong route cost", "cost");
	rt->cost -= 1;

	x = rt->steps[0].setup;
	rt->steps[0].setup = x + 1;
	tu_rejected(p, s, "a wrong setup", "setup");
	rt->steps[0].setup = x;

	p->vehicles[0].speed_factor = 1;
	tu_rejected(p, s, "times of another speed", "reports");
	p->vehicles[0].speed_factor = 1.25;

	rt->steps[1].load[0] += 1;
	tu_rejected(p, s, "a wrong load", "load");
	rt->steps[1].load[0] -= 1;

	cr_expect_eq(chk_solution(p, s, NULL, NULL, 0), 0, "the answer, "
	    "restored, is good again");
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- brute force -------------------------------------------------------------- */

/*
 * Tiny instances: one depot, up to 7 jobs with pickups and deliveries in
 * two dimensions, one or two windows, identical vehicles (some with a
 * travel-time limit, a fixed cost, breaks).
 */
#define BF_MAX 7

static double
bf_m(const struct pr_problem *p, const double *m, int a, int b)
{
	if (a < 0 || b < 0)
		return 0;
	return m[(size_t)a * (size_t)p->n_locations + (size_t)b];
}

/* The earliest time >= t inside one of tw[0..n), or -1. */
static double
bf_window(const struct pr_tw *tw, int n, double t)
{
	for (int w = 0; w < n; w++)
		if (t <= tw[w].end + 1e-9)
			return t > tw[w].start ? t : tw[w].start;
	return -1;
}

/*
 * Vehicle v serving seq[0..n) with break b taken in gap gap[b] (gap g:
 * after stop g, stop 0 the start, gap n before the end): its arc cost, or
 * TC_INF when a rule breaks. A break starts as soon as its window allows
 * after the vehicle leaves; the drive to the next stop goes on around it
 * (docs/problem-format.md, Breaks).
 */
static double
bf_route(const struct pr_problem *p, int v, const int *seq, int n,
    const int *gap)
{
	const struct pr_vehicle *veh = &p->vehicles[v];
	const struct pr_profile *pf = &p->profiles[veh->profile];
	int64_t load[PR_MAX_DIMS] = { 0 };
	double t = veh->tw.start, tt = 0, cost = 0;
	int at = veh->start, b = 0;

	for (int k = 0; k < n; k++)
		for (int d = 0; d < p->n_dims; d++)
			load[d] += p->jobs[seq[k]].delivery[d];
	for (int d = 0; d < p->n_dims; d++)
		if (load[d] > veh->capacity[d])
			return TC_INF;
	if (veh->max_tasks >= 0 && n > veh->max_tasks)
		return TC_INF;
	for (int k = 0; k <= n; k++) {
		int to = k < n ? p->jobs[seq[k]].location : veh->end;
		double drive = bf_m(p, pf->durations, at, to), rest = drive;

		/* the breaks of gap k */
		for (; b < veh->n_breaks && gap[b] == k; b++) {
			const struct pr_break *br = &p->breaks[veh->breaks + b];
			double s = bf_window(br->tw, br->n_tw, t);

			if (s < 0)
				return TC_INF;
			rest = rest > s - t ? rest - (s - t) : 0;
			t = s + br->service;
		}
		t += rest;
		tt += drive;
		cost += bf_m(p, pf->distances, at, to);
		if (k < n) {
			const struct pr_job *j = &p->jobs[seq[k]];
			double s = bf_window(j->tw, j->n_tw, t);

			if (s < 0)
				return TC_INF;
			for (int d = 0; d < p->n_dims; d++) {
				load[d] += j->pickup[d] - j->delivery[d];
				if (load[d] > veh->capacity[d])
					return TC_INF;
			}
			for (int w = 0; w < PR_SKILL_WORDS; w++)
				if (j->skills[w] & ~veh->skills[w])
					return TC_INF;
			t = s + (j->location != at ? j->setup : 0) + j->service;
		}
		at = to;
	}
	if (t > veh->tw.end + 1e-9)
		return TC_INF;
	if (veh->max_travel_time >= 0 && tt > veh->max_travel_time + 1e-9)
		return TC_INF;
	return cost;
}

/* bf_route over every placement of the breaks (non-decreasing gaps). */
static double
bf_route_any(const struct pr_problem *p, int v, const int *seq, int n)
{
	int m = p->vehicles[v].n_breaks, gap[PR_MAX_BREAKS];
	double best = TC_INF;

	for (int b = 0; b < m; b++)
		gap[b] = 0;
	for (;;) {
		double c = bf_route(p, v, seq, n, gap);
		int b;

		if (c < best)
			best = c;
		/* the next non-decreasing placement */
		for (b = m - 1; b >= 0 && gap[b] == n; b--)
			;
		if (b < 0)
			break;
		gap[b]++;
		for (int q = b + 1; q < m; q++)
			gap[q] = gap[b];
	}
	return best;
}

struct bf {
	const struct pr_problem *p;
	double route[1 << BF_MAX];	/* cheapest route per job set */
	int seq[BF_MAX];
};

static void
bf_dfs(struct bf *b, int mask, int n)
{
	const struct pr_problem *p = b->p;

	if (n > 0) {
		double c = bf_route_any(p, 0, b->seq, n);

		if (c < TC_INF)
			c += p->vehicles[0].fixed_cost;
		if (c < b->route[mask])
			b->route[mask] = c;
	}
	for (int j = 0; j < p->n_jobs; j++) {
		if (mask & (1 << j))
			continue;
		b->seq[n] = j;
		bf_dfs(b, mask | (1 << j), n + 1);
	}
}

/* The cheapest way to serve every job with at most k routes (identical
 * vehicles), or TC_INF. */
static double
bf_optimum(const struct pr_problem *p, int k)
{
	static struct bf b;
	static double dp[BF_MAX + 1][1 << BF_MAX];
	int n = p->n_jobs, full = (1 << n) - 1;
	double best = TC_INF;

	b.p = p;
	for (int m = 0; m <= full; m++)
		b.route[m] = TC_INF;
	bf_dfs(&b, 0, 0);
	for (int c = 0; c <= k; c++)
		for (int m = 0; m <= full; m++)
			dp[c][m] = TC_INF;
	dp[0][0] = 0;
	for (int c = 0; c < k; c++) {
		for (int m = 0; m < full; m++) {
			int rest = full & ~m, low = rest & -rest;

			if (dp[c][m] >= TC_INF)
				continue;
			for (int t = rest; t > 0; t = (t - 1) & rest) {
				if (!(t & low) || b.route[t] >= TC_INF)
					continue;
				if (dp[c][m] + b.route[t] < dp[c + 1][m | t])
					dp[c + 1][m | t] = dp[c][m] +
					    b.route[t];
			}
		}
	}
	for (int c = 1; c <= k; c++)
		if (dp[c][full] < best)
			best = dp[c][full];
	return best;
}

struct bf_case {
	struct pr_problem *p;
	int k;
	double opt;
};

/* A random tiny instance (every job servable alone, all of them by the
 * fleet). breaks: how many breaks each vehicle takes. */
static struct bf_case
bf_make(uint64_t seed, int breaks, int tight)
{
	struct tu_rng r = { seed * 7919 + 3 };
	struct bf_case bc;

	for (;;) {
		struct pr_problem *p = pr_problem_new(2);
		double horizon = 500 + tu_int(&r, 500);
		int n = 3 + tu_int(&r, BF_MAX - 2), k = 1 + tu_int(&r, 3);
		int fixed = tu_int(&r, 3) == 0 ? 10 + tu_int(&r, 40) : 0;
		int mtt = tu_int(&r, 4) == 0 ? 250 + tu_int(&r, 300) : -1;
		int maxt = tu_int(&r, 4) == 0 ? 2 + tu_int(&r, 2) : -1;
		int64_t cap0 = tight ? 9 + tu_int(&r, 4) : 8 + tu_int(&r, 15);
		int64_t cap1 = 4 + tu_int(&r, 8);
		struct pr_break brk[2];
		struct pr_error err;

		snprintf(p->name, sizeof(p->name), "bf-%d-%llu", breaks,
		    (unsigned long long)seed);
		pr_problem_add_location(p, 50, 50);
		for (int i = 0; i < n; i++)
			pr_problem_add_location(p, tu_int(&r, 101),
			    tu_int(&r, 101));
		pr_problem_add_profile(p, "default", 1.0, 1.0);
		for (int b = 0; b < breaks; b++) {
			double a = horizon * (b + 1) / (breaks + 2) -
			    tu_int(&r, 100);

			pr_break_init(&brk[b]);
			snprintf(brk[b].id, sizeof(brk[b].id), "%d", b + 1);
			brk[b].tw[0].start = a;
			brk[b].tw[0].end = a + 20 + tu_int(&r, 120);
			brk[b].service = 10 + tu_int(&r, 30);
		}
		for (int i = 0; i < k; i++) {
			struct pr_vehicle v;

			pr_vehicle_init(&v);
			snprintf(v.id, sizeof(v.id), "v%d", i);
			snprintf(v.profile_name, sizeof(v.profile_name),
			    "default");
			v.start = v.end = 0;
			v.capacity[0] = cap0;
			v.capacity[1] = cap1;
			v.tw.end = horizon;
			v.max_travel_time = mtt;
			v.max_tasks = maxt;
			v.fixed_cost = fixed;
			v.n_breaks = breaks;
			v.breaks = p->n_breaks;
			for (int b = 0; b < breaks; b++)
				pr_problem_add_break(p, &brk[b]);
			pr_problem_add_vehicle(p, &v);
		}
		memset(&err, 0, sizeof(err));
		cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s",
		    err.msg);
		for (int i = 0; i < n; i++) {
			struct pr_job job;
			int idx;

			do {
				pr_job_init(&job);
				snprintf(job.id, sizeof(job.id), "j%d", i);
				job.location = 1 + i;
				/* some share a place: no setup after the
				 * first */
				if (i > 0 && tu_int(&r, 4) == 0)
					job.location = 1 + tu_int(&r, i);
				job.service = tu_int(&r, 21);
				if (tu_int(&r, 2) == 0)
					job.setup = tu_int(&r, 30);
				if (tight || tu_int(&r, 2) == 0)
					job.pickup[0] = 1 + tu_int(&r, 8);
				if (tight || tu_int(&r, 2) == 0)
					job.delivery[0] = 1 + tu_int(&r, 8);
				job.pickup[1] = tu_int(&r, 4);
				job.delivery[1] = tu_int(&r, 4);
				if (tu_int(&r, 4) != 0) {
					double a = tu_int(&r,
					    (int)(horizon * 0.7));

					job.tw[0].start = a;
					job.tw[0].end = a + 40 + tu_int(&r, 200);
					if (tu_int(&r, 3) == 0) {
						double b = job.tw[0].end + 20 +
						    tu_int(&r, 80);

						job.n_tw = 2;
						job.tw[1].start = b;
						job.tw[1].end = b + 30 +
						    tu_int(&r, 120);
					}
				}
				idx = pr_problem_add_job(p, &job);
				/* servable alone, or drawn again */
				if (bf_route_any(p, 0, &idx, 1) < TC_INF)
					break;
				p->n_jobs--;
			} while (1);
		}
		memset(&err, 0, sizeof(err));
		cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s",
		    err.msg);
		bc.p = p;
		bc.k = k;
		bc.opt = bf_optimum(p, k);
		if (bc.opt < TC_INF)
			return bc;
		pr_problem_free(p);
	}
}

static void
bf_check(uint64_t seed, int breaks, int tight, int exact)
{
	struct bf_case bc = bf_make(seed, breaks, tight);
	struct pr_solution *s = tu_solve(bc.p, 2000, 42, exact ? 8 : 0);
	double tol = 1e-6 * fmax(1.0, bc.opt);

	cr_expect_eq(s->n_unassigned, 0, "%s: %d jobs unassigned (%d jobs, "
	    "%d vehicles, optimum %.4f)", bc.p->name, s->n_unassigned,
	    bc.p->n_jobs, bc.k, bc.opt);
	cr_expect(s->cost >= bc.opt - tol, "%s: cost %.9f below the "
	    "brute-force optimum %.9f: the brute force or the checker is "
	    "wrong", bc.p->name, s->cost, bc.opt);
	cr_expect(s->cost <= bc.opt + tol, "%s: cost %.9f, optimum %.9f (%d "
	    "jobs, %d vehicles)%s", bc.p->name, s->cost, bc.opt,
	    bc.p->n_jobs, bc.k, s->proven_optimal ? " (claimed proven)" : "");
	if (exact)
		cr_expect(s->proven_optimal, "%s: the exact mode proved "
		    "nothing", bc.p->name);
	pr_solution_free(s);
	pr_problem_free(bc.p);
}

#define BF_COUNT 24

ParameterizedTestParameters(brute, deliveries)
{
	static int seeds[BF_COUNT];

	for (int i = 0; i < BF_COUNT; i++)
		seeds[i] = i + 1;
	return cr_make_param_array(int, seeds, BF_COUNT);
}

/* The heuristic, then the exact mode, against exhaustive enumeration on
 * pickups and deliveries. */
ParameterizedTestParameters(brute, breaks)
{
	static int seeds[BF_COUNT];

	for (int i = 0; i < BF_COUNT; i++)
		seeds[i] = 100 + i;
	return cr_make_param_array(int, seeds, BF_COUNT);
}

/* The same with one or two breaks per vehicle: the brute force tries
 * every placement of the breaks in every sequence. */
ParameterizedTest(int *seed, brute, breaks, .timeout = 120)
{
	int nb = 1 + *seed % 2;

	bf_check((uint64_t)*seed, nb, 0, 0);
	bf_check((uint64_t)*seed, nb, 0, 1);
	bf_check((uint64_t)*seed, nb, 1, 0);
}

ParameterizedTest(int *seed, brute, deliveries, .timeout = 120)
{
	bf_check((uint64_t)*seed, 0, 0, 0);
	bf_check((uint64_t)*seed, 0, 0, 1);
	/* every job both delivers and picks up, on a small vehicle: the
	 * order of a route decides whether it fits */
	bf_check((uint64_t)*seed, 0, 1, 0);
	bf_check((uint64_t)*seed, 0, 1, 1);
}
