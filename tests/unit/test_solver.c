/* test_solver.c: pr_solve against brute-force optima, benchmark instances, determinism and unassigned reasons. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/postroute.h"
#include "checker.h"
#include "testutil.h"

/*
 * Every solution in here goes through chk_solution. Instances are made
 * with the test's own generator (not the solver's), so that a change in
 * the solver's random numbers cannot change what is being tested.
 */

#define TS_INF 1e300
#define TS_MAX_TINY 8

/* ---- helpers --------------------------------------------------------------- */

/* Solves p, checks the answer with the independent checker and returns it
 * (free with pr_solution_free). iterations > 0 makes the run deterministic;
 * otherwise time_limit bounds it. */
static struct pr_solution *
ts_solve(const struct pr_problem *p, long iterations, double time_limit,
    uint64_t seed, int threads, int exact_max_jobs)
{
	struct pr_solve_params sp;

	pr_solve_params_init(&sp);
	sp.iterations = iterations;
	sp.time_limit = iterations > 0 ? 0 : time_limit;
	sp.seed = seed;
	sp.threads = threads;
	sp.exact_max_jobs = exact_max_jobs;
	return tu_solve_with(p, &sp);
}

static struct pr_problem *
ts_load(const char *rel, int cvrplib)
{
	char path[512];
	struct pr_problem *p = NULL;
	struct pr_error err;
	size_t len;
	char *buf;
	int rc;

	if (!tu_shared_available())
		cr_skip_test("%s is absent: skipping the benchmark-instance "
		    "test (clone the project with shared/ beside it)",
		    BENCH_SHARED_DIR);
	snprintf(path, sizeof(path), "%s/%s", BENCH_SHARED_DIR, rel);
	buf = bench_read_file(path, &len);
	cr_assert_not_null(buf, "cannot read %s", path);
	memset(&err, 0, sizeof(err));
	rc = cvrplib ? pr_problem_from_cvrplib(buf, len, &p, &err) :
	    pr_problem_from_solomon(buf, len, &p, &err);
	free(buf);
	cr_assert_eq(rc, 0, "%s: %s", path, err.msg);
	return p;
}

/* ---- tiny random instances and their brute-force optimum ----------------- */

/*
 * Identical vehicles at one depot, up to 8 jobs with one or two windows,
 * two capacity dimensions, sometimes a travel-time limit and a fixed cost.
 * Every job can be served alone, so with enough vehicles all are served
 * and the optimum is the cheapest partition into feasible routes.
 */
struct tiny {
	struct pr_problem *p;
	int n;
	int k;
	double opt;
};

static double
tiny_d(const struct pr_problem *p, const double *m, int a, int b)
{
	return m[(size_t)a * (size_t)p->n_locations + (size_t)b];
}

struct tiny_dfs {
	const struct pr_problem *p;
	const struct pr_vehicle *v;
	double route[1 << TS_MAX_TINY];	/* cheapest route serving a set */
};

/* Extends a route at location `at`, time t (after service), with travel
 * so far tt, distance dist and load, by every job not in mask. */
static void
tiny_extend(struct tiny_dfs *b, int mask, int at, double t, double tt,
    double dist, const int64_t *load)
{
	const struct pr_problem *p = b->p;
	const struct pr_vehicle *v = b->v;
	const struct pr_profile *pf = &p->profiles[v->profile];

	if (mask != 0) {
		double back = tiny_d(p, pf->durations, at, v->end);

		if (t + back <= v->tw.end + 1e-9 && (v->max_travel_time < 0 ||
		    tt + back <= v->max_travel_time + 1e-9)) {
			double c = dist + tiny_d(p, pf->distances, at, v->end);

			if (c < b->route[mask])
				b->route[mask] = c;
		}
	}
	for (int j = 0; j < p->n_jobs; j++) {
		const struct pr_job *job = &p->jobs[j];
		int64_t nl[PR_MAX_DIMS];
		double arr, d, start = -1;
		int ok = 1;

		if (mask & (1 << j))
			continue;
		for (int dm = 0; dm < p->n_dims; dm++) {
			nl[dm] = load[dm] + job->pickup[dm];
			if (nl[dm] > v->capacity[dm])
				ok = 0;
		}
		d = tiny_d(p, pf->durations, at, job->location);
		if (v->max_travel_time >= 0 && tt + d > v->max_travel_time +
		    1e-9)
			ok = 0;
		arr = t + d;
		for (int w = 0; w < job->n_tw && start < 0; w++)
			if (arr <= job->tw[w].end + 1e-9)
				start = fmax(arr, job->tw[w].start);
		if (!ok || start < 0)
			continue;
		tiny_extend(b, mask | (1 << j), job->location,
		    start + job->service, tt + d,
		    dist + tiny_d(p, pf->distances, at, job->location), nl);
	}
}

/* The optimum with at most k routes: every job served, minimum distance
 * plus fixed costs; TS_INF when there is none. */
static double
tiny_optimum(const struct pr_problem *p, int k)
{
	static struct tiny_dfs b;
	static double dp[TS_MAX_TINY + 1][1 << TS_MAX_TINY];
	const struct pr_vehicle *v = &p->vehicles[0];
	int n = p->n_jobs, full = (1 << n) - 1;
	int64_t load[PR_MAX_DIMS] = { 0 };
	double best = TS_INF;

	b.p = p;
	b.v = v;
	for (int m = 0; m <= full; m++)
		b.route[m] = TS_INF;
	tiny_extend(&b, 0, v->start, v->tw.start, 0, 0, load);
	for (int c = 0; c <= k; c++)
		for (int m = 0; m <= full; m++)
			dp[c][m] = TS_INF;
	dp[0][0] = 0;
	for (int c = 0; c < k; c++) {
		for (int m = 0; m < full; m++) {
			int rest = full & ~m, low;

			if (dp[c][m] >= TS_INF)
				continue;
			low = rest & -rest;
			/* each route takes the lowest job left, so every
			 * partition is counted once */
			for (int t = rest; t > 0; t = (t - 1) & rest) {
				double x;

				if (!(t & low) || b.route[t] >= TS_INF)
					continue;
				x = dp[c][m] + b.route[t] + v->fixed_cost;
				if (x < dp[c + 1][m | t])
					dp[c + 1][m | t] = x;
			}
		}
	}
	for (int c = 1; c <= k; c++)
		if (dp[c][full] < best)
			best = dp[c][full];
	return best;
}

/* Whether job j alone is feasible for vehicle v (same rules as above). */
static int
tiny_alone(const struct pr_problem *p, const struct pr_job *job)
{
	const struct pr_vehicle *v = &p->vehicles[0];
	const double *dur = p->profiles[0].durations;
	size_t n = (size_t)p->n_locations;
	double there = dur[(size_t)v->start * n + (size_t)job->location];
	double back = dur[(size_t)job->location * n + (size_t)v->end];
	double arr = v->tw.start + there, start = -1;

	for (int dm = 0; dm < p->n_dims; dm++)
		if (job->pickup[dm] > v->capacity[dm])
			return 0;
	for (int w = 0; w < job->n_tw && start < 0; w++)
		if (arr <= job->tw[w].end)
			start = fmax(arr, job->tw[w].start);
	if (start < 0 || start + job->service + back > v->tw.end)
		return 0;
	return v->max_travel_time < 0 || there + back <= v->max_travel_time;
}

/* A random tiny instance that has a solution serving every job. */
static struct tiny
tiny_make(uint64_t seed)
{
	struct tu_rng r = { seed * 1000003ULL + 17 };
	struct tiny t;

	for (;;) {
		struct pr_problem *p = pr_problem_new(2);
		struct pr_vehicle v;
		struct pr_error err;
		double horizon = 400 + tu_int(&r, 600);
		int n = 3 + tu_int(&r, TS_MAX_TINY - 2), k = 1 + tu_int(&r, n);
		int fixed = tu_int(&r, 3) == 0 ? 10 + tu_int(&r, 60) : 0;
		int mtt = tu_int(&r, 3) == 0 ? 250 + tu_int(&r, 300) : -1;
		int64_t cap0 = 8 + tu_int(&r, 20), cap1 = 4 + tu_int(&r, 10);

		snprintf(p->name, sizeof(p->name), "tiny-%llu",
		    (unsigned long long)seed);
		pr_problem_add_location(p, 50, 50);
		for (int i = 0; i < n; i++)
			pr_problem_add_location(p, tu_int(&r, 101),
			    tu_int(&r, 101));
		pr_problem_add_profile(p, "default", 1.0, 1.0);
		for (int i = 0; i < k; i++) {
			pr_vehicle_init(&v);
			snprintf(v.id, sizeof(v.id), "v%d", i);
			snprintf(v.profile_name, sizeof(v.profile_name),
			    "default");
			v.start = v.end = 0;
			v.capacity[0] = cap0;
			v.capacity[1] = cap1;
			v.tw.start = 0;
			v.tw.end = horizon;
			v.max_travel_time = mtt;
			v.fixed_cost = fixed;
			pr_problem_add_vehicle(p, &v);
		}
		cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s",
		    err.msg);
		for (int i = 0; i < n; i++) {
			struct pr_job job;

			do {
				pr_job_init(&job);
				snprintf(job.id, sizeof(job.id), "j%d", i);
				job.location = 1 + i;
				job.service = tu_int(&r, 21);
				job.pickup[0] = 1 + tu_int(&r, 8);
				job.pickup[1] = tu_int(&r, 5);
				if (tu_int(&r, 4) != 0) {
					double a = tu_int(&r,
					    (int)(horizon * 0.7));

					job.n_tw = 1;
					job.tw[0].start = a;
					job.tw[0].end = a + 30 + tu_int(&r, 170);
					if (tu_int(&r, 3) == 0) {
						double b = job.tw[0].end + 20 +
						    tu_int(&r, 80);

						job.n_tw = 2;
						job.tw[1].start = b;
						job.tw[1].end = b + 30 +
						    tu_int(&r, 120);
					}
				}
			} while (!tiny_alone(p, &job));
			pr_problem_add_job(p, &job);
		}
		/* jobs were added after finalize; validate them too */
		cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s",
		    err.msg);
		t.p = p;
		t.n = n;
		t.k = k;
		t.opt = tiny_optimum(p, k);
		if (t.opt < TS_INF)
			return t;
		pr_problem_free(p);
	}
}

#define TINY_COUNT 30

ParameterizedTestParameters(solver, tiny_optimum)
{
	static int seeds[TINY_COUNT];

	for (int i = 0; i < TINY_COUNT; i++)
		seeds[i] = i + 1;
	return cr_make_param_array(int, seeds, TINY_COUNT);
}

/* The heuristic alone (no exact mode) reaches the brute-force optimum. */
ParameterizedTest(int *seed, solver, tiny_optimum, .timeout = 120)
{
	struct tiny t = tiny_make((uint64_t)*seed);
	struct pr_solution *s = ts_solve(t.p, 2000, 0, 42, 1, 0);
	double tol = 1e-6 * fmax(1.0, t.opt);

	cr_expect_eq(s->n_unassigned, 0, "%s: %d jobs unassigned (%d jobs, "
	    "%d vehicles)", t.p->name, s->n_unassigned, t.n, t.k);
	cr_expect(s->cost >= t.opt - tol, "%s: cost %.9f below the "
	    "brute-force optimum %.9f: the brute force or the checker is "
	    "wrong", t.p->name, s->cost, t.opt);
	cr_expect(s->cost <= t.opt + tol, "%s: cost %.9f, optimum %.9f (%d "
	    "jobs, %d vehicles)", t.p->name, s->cost, t.opt, t.n, t.k);
	pr_solution_free(s);
	pr_problem_free(t.p);
}

ParameterizedTestParameters(solver, tiny_optimum_exact)
{
	static int seeds[10];

	for (int i = 0; i < 10; i++)
		seeds[i] = 101 + i;
	return cr_make_param_array(int, seeds, 10);
}

/* With the exact mode on, the answer is the optimum too, and a claim of
 * optimality must be right. */
ParameterizedTest(int *seed, solver, tiny_optimum_exact, .timeout = 120)
{
	struct tiny t = tiny_make((uint64_t)*seed);
	struct pr_solution *s = ts_solve(t.p, 2000, 0, 7, 1, TS_MAX_TINY);
	double tol = 1e-6 * fmax(1.0, t.opt);

	cr_expect_eq(s->n_unassigned, 0, "%s: %d jobs unassigned", t.p->name,
	    s->n_unassigned);
	cr_expect(fabs(s->cost - t.opt) <= tol, "%s: cost %.9f, optimum "
	    "%.9f%s", t.p->name, s->cost, t.opt,
	    s->proven_optimal ? " (claimed proven optimal)" : "");
	cr_expect(s->proven_optimal, "%s: the exact mode did not prove the "
	    "optimum of a %d-job problem", t.p->name, t.n);
	pr_solution_free(s);
	pr_problem_free(t.p);
}

/* ---- benchmark instances -------------------------------------------------- */

/*
 * ref: the best known for the distance objective, from
 * ../shared/bench-data: the smaller of the hierarchical BKS (bks.csv) and
 * the distance-only reference (bks_distance_only.csv,
 * distance_double_recomputed) for Solomon; bks.csv cost for CVRPLIB.
 */
static void
ts_bench(const char *rel, int cvrplib, double ref)
{
	struct pr_problem *p = ts_load(rel, cvrplib);
	struct pr_solution *s = ts_solve(p, 2000, 0, 1, 1, 0);
	double gap = 100.0 * (s->cost - ref) / ref;

	cr_expect_eq(s->n_unassigned, 0, "%s: %d jobs unassigned", p->name,
	    s->n_unassigned);
	cr_expect(s->cost >= ref * (1 - 1e-3), "%s: cost %.4f is below the "
	    "best known %.4f: suspicious", p->name, s->cost, ref);
	cr_expect(gap <= 10.0, "%s: cost %.4f is %.2f %% above the best known "
	    "%.4f (allowed: 10 %%)", p->name, s->cost, gap, ref);
	cr_log_info("%s: cost %.2f, %d routes, gap %.2f %%", p->name,
	    s->cost, s->n_routes, gap);
	pr_solution_free(s);
	pr_problem_free(p);
}

Test(solver, solomon_c101, .timeout = 300)
{
	ts_bench("solomon/instances/C101.txt", 0, 828.94);
}

Test(solver, solomon_r101, .timeout = 300)
{
	ts_bench("solomon/instances/R101.txt", 0, 1642.9233);
}

Test(solver, solomon_rc201, .timeout = 300)
{
	ts_bench("solomon/instances/RC201.txt", 0, 1265.5563);
}

Test(solver, cvrp_p_n16_k8, .timeout = 300)
{
	ts_bench("cvrp-abp/instances/P-n16-k8.vrp", 1, 450);
}

Test(solver, cvrp_a_n32_k5, .timeout = 300)
{
	ts_bench("cvrp-abp/instances/A-n32-k5.vrp", 1, 784);
}

/* ---- determinism ------------------------------------------------------------ */

/* A random problem of n jobs like the tiny ones, with enough vehicles. */
static struct pr_problem *
ts_random(uint64_t seed, int n)
{
	struct tu_rng r = { seed };
	struct pr_problem *p = pr_problem_new(1);
	struct pr_error err;

	snprintf(p->name, sizeof(p->name), "random-%d-%llu", n,
	    (unsigned long long)seed);
	pr_problem_add_location(p, 50, 50);
	for (int i = 0; i < n; i++) {
		struct pr_job job;
		int a = tu_int(&r, 800);

		pr_job_init(&job);
		snprintf(job.id, sizeof(job.id), "j%d", i);
		job.location = pr_problem_add_location(p, tu_int(&r, 101),
		    tu_int(&r, 101));
		job.service = 10;
		job.pickup[0] = 1 + tu_int(&r, 20);
		job.tw[0].start = a;
		job.tw[0].end = a + 60 + tu_int(&r, 240);
		if (tu_int(&r, 4) == 0) {
			job.tw[0].start = 0;
			job.tw[0].end = 1000;
		}
		pr_problem_add_job(p, &job);
	}
	pr_problem_add_profile(p, "default", 1.0, 1.0);
	for (int i = 0; i < n / 4 + 2; i++) {
		struct pr_vehicle v;

		pr_vehicle_init(&v);
		snprintf(v.id, sizeof(v.id), "v%d", i);
		snprintf(v.profile_name, sizeof(v.profile_name), "default");
		v.start = v.end = 0;
		v.capacity[0] = 100;
		v.tw.start = 0;
		v.tw.end = 1200;
		pr_problem_add_vehicle(p, &v);
	}
	cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s", err.msg);
	return p;
}

static char *
ts_render(const struct pr_problem *p, long iterations, uint64_t seed,
    int threads)
{
	struct pr_solution *s = ts_solve(p, iterations, 0, seed, threads, 0);
	char *js;

	s->computing_ms = -1;	/* the one field that is wall time */
	js = pr_solution_to_json(p, s);
	cr_assert_not_null(js);
	pr_solution_free(s);
	return js;
}

static void
ts_same_twice(int threads)
{
	struct pr_problem *p = ts_random(2024, 40);
	char *a = ts_render(p, 500, 99, threads);
	char *b = ts_render(p, 500, 99, threads);

	cr_expect_str_eq(a, b, "threads=%d: two runs with the same seed and "
	    "iterations differ", threads);
	free(a);
	free(b);
	pr_problem_free(p);
}

Test(solver, deterministic_one_thread, .timeout = 120)
{
	ts_same_twice(1);
}

Test(solver, deterministic_two_threads, .timeout = 120)
{
	ts_same_twice(2);
}

/*
 * The vehicles objective (fleet minimisation, then distance episodes at
 * that fleet with ejection chains): feasible, reproducible, and never more
 * routes than the distance objective finds with the same work.
 */
static struct pr_solution *
ts_solve_vehicles(const struct pr_problem *p, long iterations,
    enum pr_objective obj)
{
	struct pr_solve_params sp;

	pr_solve_params_init(&sp);
	sp.iterations = iterations;
	sp.time_limit = 0;
	sp.seed = 5;
	sp.threads = 1;
	sp.objective = obj;
	return tu_solve_with(p, &sp);
}

Test(solver, vehicles_objective, .timeout = 120)
{
	struct pr_problem *p = ts_random(77, 60);
	struct pr_solution *a = ts_solve_vehicles(p, 3000, PR_OBJ_VEHICLES);
	struct pr_solution *b = ts_solve_vehicles(p, 3000, PR_OBJ_VEHICLES);
	struct pr_solution *d = ts_solve_vehicles(p, 3000, PR_OBJ_DISTANCE);
	char *ja, *jb;

	cr_expect_eq(a->n_unassigned, 0, "%d jobs unassigned",
	    a->n_unassigned);
	cr_expect(a->n_routes <= d->n_routes, "vehicles objective: %d routes, "
	    "distance objective: %d", a->n_routes, d->n_routes);
	a->computing_ms = b->computing_ms = -1;
	ja = pr_solution_to_json(p, a);
	jb = pr_solution_to_json(p, b);
	cr_expect_str_eq(ja, jb, "two vehicles-objective runs with the same "
	    "seed and iterations differ");
	free(ja);
	free(jb);
	pr_solution_free(a);
	pr_solution_free(b);
	pr_solution_free(d);
	pr_problem_free(p);
}

/* ---- unassigned reasons -------------------------------------------------- */

/*
 * A depot at (0, 0), two vehicles (shift [0, 1000], capacity 10), an easy
 * job at (10, 0) and a hard one that breaks exactly one rule; Euclidean
 * travel, time = distance.
 */
struct ts_reason {
	double x;		/* the hard job's location (x, 0) */
	int64_t pickup;
	double tw_start, tw_end;
	double max_travel_time;
};

static void
ts_expect_reason(const struct ts_reason *h, const char *reason)
{
	struct pr_problem *p = pr_problem_new(1);
	struct pr_solution *s;
	struct pr_error err;
	struct pr_job job;
	int found = 0;

	snprintf(p->name, sizeof(p->name), "reason-%s", reason);
	pr_problem_add_location(p, 0, 0);
	pr_job_init(&job);
	snprintf(job.id, sizeof(job.id), "easy");
	job.location = pr_problem_add_location(p, 10, 0);
	job.pickup[0] = 3;
	pr_problem_add_job(p, &job);
	pr_job_init(&job);
	snprintf(job.id, sizeof(job.id), "hard");
	job.location = pr_problem_add_location(p, h->x, 0);
	job.pickup[0] = h->pickup;
	job.tw[0].start = h->tw_start;
	job.tw[0].end = h->tw_end;
	pr_problem_add_job(p, &job);
	pr_problem_add_profile(p, "default", 1.0, 1.0);
	for (int i = 0; i < 2; i++) {
		struct pr_vehicle v;

		pr_vehicle_init(&v);
		snprintf(v.id, sizeof(v.id), "v%d", i);
		snprintf(v.profile_name, sizeof(v.profile_name), "default");
		v.start = v.end = 0;
		v.capacity[0] = 10;
		v.tw.start = 0;
		v.tw.end = 1000;
		v.max_travel_time = h->max_travel_time;
		pr_problem_add_vehicle(p, &v);
	}
	cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s", err.msg);
	s = ts_solve(p, 200, 0, 1, 1, 0);
	cr_expect_eq(s->n_routes, 1, "the easy job should be routed");
	cr_assert_eq(s->n_unassigned, 1, "exactly the hard job should be "
	    "unassigned, not %d jobs", s->n_unassigned);
	for (int u = 0; u < s->n_unassigned; u++) {
		if (s->unassigned[u].job != 1)
			continue;
		found = 1;
		cr_expect_str_eq(s->unassigned[u].reason, reason, "reason "
		    "\"%s\" (%s), expected \"%s\"", s->unassigned[u].reason,
		    s->unassigned[u].detail, reason);
	}
	cr_expect(found, "the hard job is not among the unassigned");
	pr_solution_free(s);
	pr_problem_free(p);
}

Test(solver, reason_capacity)
{
	struct ts_reason h = { 20, 50, 0, INFINITY, -1 };

	ts_expect_reason(&h, "capacity");
}

Test(solver, reason_time_window)
{
	struct ts_reason h = { 100, 1, 0, 50, -1 };

	ts_expect_reason(&h, "time_window");
}

Test(solver, reason_max_travel_time)
{
	struct ts_reason h = { 60, 1, 0, INFINITY, 100 };

	ts_expect_reason(&h, "max_travel_time");
}

Test(solver, reason_shift)
{
	struct ts_reason h = { 20, 1, 2000, 2100, -1 };

	ts_expect_reason(&h, "shift");
}

/* ---- time limit ------------------------------------------------------------- */

/* Only feasibility: how long it took belongs in bench/. */
Test(solver, time_limit_feasible, .timeout = 120)
{
	struct pr_problem *p = ts_random(77, 100);
	struct pr_solution *s = ts_solve(p, 0, 0.5, 3, 1, 0);

	cr_expect_gt(s->n_routes, 0);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- the checker itself ----------------------------------------------------- */

/*
 * A checker that accepts everything would make every test above pass:
 * break a good solution (or tighten its problem) one way at a time and
 * expect a rejection that names the constraint.
 */
Test(checker, rejects_broken_solutions)
{
	struct pr_problem *p = ts_random(5, 12);
	struct pr_solution *s = ts_solve(p, 100, 0, 1, 1, 0);
	struct pr_route *r = &s->routes[0];
	struct pr_job *job;
	double saved;
	int64_t cap;
	int j;

	cr_assert_gt(s->n_routes, 0);
	cr_assert_gt(r->n_steps, 1, "need a route with two jobs");
	j = r->steps[1].job;
	r->steps[1].job = r->steps[0].job;
	tu_rejected(p, s, "a job twice", "more than once");
	r->steps[1].job = j;

	s->n_routes--;
	tu_rejected(p, s, "a route missing", "neither routed");
	s->n_routes++;

	r->distance += 1;
	tu_rejected(p, s, "a wrong route distance", "distance");
	r->distance -= 1;

	s->cost += 1;
	tu_rejected(p, s, "a wrong cost", "cost");
	s->cost -= 1;

	saved = r->start_time;
	r->start_time = p->vehicles[r->vehicle].tw.start - 1;
	tu_rejected(p, s, "a departure before the shift", "shift");
	r->start_time = saved;

	cap = p->vehicles[r->vehicle].capacity[0];
	p->vehicles[r->vehicle].capacity[0] = r->load[0] - 1;
	tu_rejected(p, s, "too much load", "capacity");
	p->vehicles[r->vehicle].capacity[0] = cap;

	/* the first job's only window closes before the vehicle arrives */
	job = &p->jobs[r->steps[0].job];
	job->n_tw = 1;
	job->tw[0].start = 0;
	job->tw[0].end = r->steps[0].arrival - 1;
	tu_rejected(p, s, "a late arrival", "time_window");

	pr_solution_free(s);
	pr_problem_free(p);
}
