/* test_evaluator.c: the route evaluator's two forms agree: every replacement the search prices from cached segments (route_eval_replace) is feasible exactly when the forward walk of the whole new route is, at the same cost. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "postroute/postroute.h"
#include "route.h"
#include "testutil.h"

/*
 * White-box: random problems with every rule of the evaluator (windows,
 * shifts, travel limits, pickups and deliveries, setups at shared
 * places, skills, task limits, breaks), random feasible routes and random
 * replacements of a stretch by up to three jobs, as the local search,
 * the insertion and the ejection chains make them. The forward walk is
 * the reference (the tests' checker and brute force hold it to the
 * documented rules); the segments must give the same answer in O(k).
 */

enum {
	EV_DELIVERY = 1,
	EV_SETUP = 2,
	EV_SKILLS = 4,
	EV_TASKS = 8,
	EV_BREAKS = 16,
	EV_OPEN = 32,
	EV_COSTS = 64
};

#define EV_JOBS 14

static struct pr_problem *
ev_problem(struct tu_rng *r, int features)
{
	struct pr_problem *p = pr_problem_new(2);
	struct pr_vehicle v;
	struct pr_error err;
	double horizon = 600 + tu_int(r, 600);

	pr_problem_add_location(p, 50, 50);
	for (int i = 0; i < EV_JOBS; i++)
		pr_problem_add_location(p, tu_int(r, 101), tu_int(r, 101));
	pr_problem_add_profile(p, "default", 1.0, 1.0);
	pr_vehicle_init(&v);
	snprintf(v.id, sizeof(v.id), "v");
	snprintf(v.profile_name, sizeof(v.profile_name), "default");
	v.start = v.end = 0;
	if ((features & EV_OPEN) && tu_int(r, 2) == 0)
		v.end = -1;
	if ((features & EV_OPEN) && tu_int(r, 2) == 0)
		v.start = -1;
	v.capacity[0] = 15 + tu_int(r, 20);
	v.capacity[1] = 8 + tu_int(r, 10);
	v.tw.start = tu_int(r, 50);
	v.tw.end = horizon;
	if ((features & EV_OPEN) && tu_int(r, 3) == 0)
		v.tw.end = INFINITY;	/* no shift end: INFINITY is a time */
	if (tu_int(r, 3) == 0)
		v.max_travel_time = 300 + tu_int(r, 400);
	if (features & EV_TASKS)
		v.max_tasks = 3 + tu_int(r, 6);
	if (features & EV_COSTS) {
		v.per_hour = tu_int(r, 5000);
		v.per_km = tu_int(r, 3) == 0 ? -1 : tu_int(r, 2000);
		v.speed_factor = 0.5 + tu_int(r, 20) / 10.0;
	}
	if (features & EV_SKILLS) {
		pr_skill_set(v.skills, pr_problem_skill(p, 1));
		(void)pr_problem_skill(p, 2);
	}
	if (features & EV_BREAKS) {
		int nb = 1 + tu_int(r, 3);

		v.n_breaks = nb;
		v.breaks = p->n_breaks;
		for (int b = 0; b < nb; b++) {
			struct pr_break br;
			double a = horizon * (b + 1) / (nb + 1) - tu_int(r, 150);

			pr_break_init(&br);
			snprintf(br.id, sizeof(br.id), "%d", b);
			br.tw[0].start = a < 0 ? 0 : a;
			br.tw[0].end = br.tw[0].start + tu_int(r, 150);
			if (tu_int(r, 3) == 0) {
				br.n_tw = 2;
				br.tw[1].start = br.tw[0].end + 10 +
				    tu_int(r, 100);
				br.tw[1].end = br.tw[1].start + tu_int(r, 100);
			}
			br.service = tu_int(r, 40);
			pr_problem_add_break(p, &br);
		}
	}
	pr_problem_add_vehicle(p, &v);
	for (int i = 0; i < EV_JOBS; i++) {
		struct pr_job j;

		pr_job_init(&j);
		snprintf(j.id, sizeof(j.id), "j%d", i);
		j.location = 1 + i;
		if (i > 0 && tu_int(r, 4) == 0)
			j.location = 1 + tu_int(r, i);
		j.service = tu_int(r, 20);
		j.pickup[0] = tu_int(r, 6);
		j.pickup[1] = tu_int(r, 3);
		if (features & EV_DELIVERY) {
			j.delivery[0] = tu_int(r, 6);
			j.delivery[1] = tu_int(r, 3);
		}
		if (features & EV_SETUP)
			j.setup = tu_int(r, 3) == 0 ? 0 : tu_int(r, 40);
		if ((features & EV_SKILLS) && tu_int(r, 5) == 0)
			pr_skill_set(j.skills, tu_int(r, 2));
		if (tu_int(r, 3) != 0) {
			double a = tu_int(r, (int)(horizon * 0.8));

			j.tw[0].start = a;
			j.tw[0].end = a + 30 + tu_int(r, 250);
			if (tu_int(r, 3) == 0) {
				j.n_tw = 2;
				j.tw[1].start = j.tw[0].end + 10 + tu_int(r, 80);
				j.tw[1].end = j.tw[1].start + 20 +
				    tu_int(r, 150);
			}
		}
		pr_problem_add_job(p, &j);
	}
	memset(&err, 0, sizeof(err));
	cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s", err.msg);
	return p;
}

/* The forward walk of vehicle 0 over seq[0..n): ROUTE_OK with *cost, or
 * the rule it breaks. */
static enum route_status
ev_forward(const struct pr_problem *p, const int *seq, int n, double *cost)
{
	struct route_state st;
	enum route_status rc;

	route_begin(&st, p, 0);
	for (int q = 0; q < n; q++)
		if ((rc = route_extend(&st, seq[q], NULL, 0)) != ROUTE_OK)
			return rc;
	if ((rc = route_finish(&st)) != ROUTE_OK)
		return rc;
	*cost = n > 0 ? st.cost : 0;
	return ROUTE_OK;
}

/* A random feasible route: jobs tried in random order at random places,
 * kept when the whole route stays feasible. */
static int
ev_route(struct tu_rng *r, const struct pr_problem *p, int *nodes)
{
	int n = 0, tmp[EV_JOBS];

	for (int t = 0; t < 3 * EV_JOBS; t++) {
		int u = tu_int(r, p->n_jobs), pos = tu_int(r, n + 1), in = 0;
		double c;

		for (int q = 0; q < n; q++)
			in |= nodes[q] == u;
		if (in)
			continue;
		memcpy(tmp, nodes, (size_t)pos * sizeof(int));
		tmp[pos] = u;
		memcpy(tmp + pos + 1, nodes + pos, (size_t)(n - pos) *
		    sizeof(int));
		if (ev_forward(p, tmp, n + 1, &c) == ROUTE_OK)
			memcpy(nodes, tmp, (size_t)(++n) * sizeof(int));
	}
	return n;
}

static void
ev_run(uint64_t seed, int features, int rounds)
{
	struct tu_rng r = { seed * 104729 + (uint64_t)features };
	struct pr_problem *p = ev_problem(&r, features);
	struct sroute rt;
	int nodes[EV_JOBS], agree_ok = 0, agree_bad = 0;

	route_init(&rt, p, 0);
	for (int round = 0; round < rounds; round++) {
		int n = ev_route(&r, p, nodes), i, j, k, seq[3], full[EV_JOBS + 3];
		int nf = 0, used[EV_JOBS];
		double cf = 0, ce = 0, cp;
		enum route_status rf, re;

		route_reserve(&rt, p, n);
		memcpy(rt.nodes, nodes, (size_t)n * sizeof(int));
		rt.n = n;
		route_update(&rt, p);
		/* replace [i, j] (j = i - 1: insert) by k jobs: new ones or
		 * the stretch's own, reversed or rotated */
		i = 1 + tu_int(&r, n + 1);
		j = i - 1 + tu_int(&r, n - i + 2);
		if (j - i + 1 > 3)
			j = i + 2;
		memset(used, 0, sizeof(used));
		for (int q = 0; q < n; q++)
			if (q + 1 < i || q + 1 > j)
				used[nodes[q]] = 1;
		k = tu_int(&r, 4);
		for (int m = 0; m < k; m++) {
			int u = tu_int(&r, p->n_jobs);

			if (tu_int(&r, 2) == 0 && j >= i)
				u = nodes[i - 1 + tu_int(&r, j - i + 1)];
			if (used[u]) {
				k = m;
				break;
			}
			used[u] = 1;
			seq[m] = u;
		}
		for (int q = 1; q < i; q++)
			full[nf++] = nodes[q - 1];
		for (int m = 0; m < k; m++)
			full[nf++] = seq[m];
		for (int q = j + 1; q <= n; q++)
			full[nf++] = nodes[q - 1];
		rf = ev_forward(p, full, nf, &cf);
		re = route_eval_replace(&rt, p, i, j, seq, k, &ce);
		cr_assert_eq(rf == ROUTE_OK, re == ROUTE_OK, "seed %llu, "
		    "features %d, round %d: replacing [%d, %d] of a %d-job "
		    "route by %d jobs: forward says %s, segments say %s",
		    (unsigned long long)seed, features, round, i, j, n, k,
		    route_status_name(rf), route_status_name(re));
		if (rf != ROUTE_OK) {
			agree_bad++;
			continue;
		}
		agree_ok++;
		cr_assert(fabs(cf - ce) <= 1e-6 * fmax(1, fabs(cf)), "seed "
		    "%llu, features %d, round %d: cost %.9f forward, %.9f "
		    "from segments", (unsigned long long)seed, features, round,
		    cf, ce);
		cp = route_cost_replace(&rt, p, i, j, seq, k);
		cr_assert(fabs(cp - ce) <= 1e-6 * fmax(1, fabs(cf)));
	}
	/* both answers must occur, or the test proves little */
	cr_expect_gt(agree_ok, rounds / 50, "features %d: only %d feasible "
	    "replacements", features, agree_ok);
	cr_expect_gt(agree_bad, rounds / 50, "features %d: only %d "
	    "infeasible replacements", features, agree_bad);
	route_free(&rt);
	pr_problem_free(p);
}

#define EV_SEEDS 12

ParameterizedTestParameters(evaluator, segments_agree_with_forward)
{
	static int seeds[EV_SEEDS];

	for (int i = 0; i < EV_SEEDS; i++)
		seeds[i] = i + 1;
	return cr_make_param_array(int, seeds, EV_SEEDS);
}

ParameterizedTest(int *seed, evaluator, segments_agree_with_forward,
    .timeout = 120)
{
	static const int sets[] = {
		0,
		EV_DELIVERY,
		EV_SETUP,
		EV_SKILLS | EV_TASKS,
		EV_OPEN,
		EV_COSTS,
		EV_BREAKS,
		EV_BREAKS | EV_SETUP | EV_OPEN,
		EV_DELIVERY | EV_SETUP | EV_SKILLS | EV_TASKS | EV_OPEN |
		    EV_COSTS | EV_BREAKS,
	};

	for (size_t f = 0; f < sizeof(sets) / sizeof(sets[0]); f++)
		ev_run((uint64_t)*seed, sets[f], 3000);
}
