/* bench-field.c: the field benchmark: a Lạng Sơn custard-apple peak day, postroute vs a naive baseline. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glpk.h>

#include "benchutil.h"
#include "checker.h"
#include "sim.h"
#include "postroute/cluster.h"
#include "postroute/event.h"
#include "postroute/late.h"
#include "postroute/office_problem.h"
#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/postroute.h"
#include "postroute/region.h"
#include "postroute/time.h"
#include "postroute/travel.h"

/*
 * usage: bench-field [--region FILE] [--date YYYY-MM-DD] [--orders N]
 *            [--seed S] [--events FILE] [--time-limit S] [--iterations N]
 *            [--threads N]
 *            [--glpk-limit S] [--greedy] [--round HH:MM] [--group-km KM]
 *            [--group-orders N] [--group-share-min M] [--verbose]
 *
 * One day of orders (postroute-sim's generator, or --events FILE of JSON
 * lines) is planned twice over the same travel model:
 *
 *   postroute: pickups to offices with the GLPK assignment (moves only
 *   where an office is overloaded or late), then per office pr_solve()
 *   over the fleet's trips, with windows from the latest pickup rule;
 *   the commune offices of a district within --group-km (15) of each
 *   other are planned together (pr_group_problem_build, at most 7
 *   offices and --group-orders (200) pickups a group; --group-km 0:
 *   every office alone); every solution goes through the independent
 *   checker (tests/checker).
 *
 *   baseline: each pickup at its own commune office; one fixed daily
 *   round (--round, 13:00) takes the orders ready by then in order of
 *   arrival, filling each vehicle in turn (a full vehicle comes back and
 *   goes out again while its shift lasts), nearest-neighbour order;
 *   what is left waits for the next day's round.
 *
 * postroute plans the date's shift and the next day's, so an evening
 * order gets a real pickup; the baseline goes on round after round until
 * every order is collected, so that both collect everything and their
 * vehicle-km compare. A parcel is on time when the first line-haul
 * departure after it is back at the office delivers it within its
 * promise. on_time is measured over the orders that can physically make
 * their promise (some departure of their own office would deliver them in
 * time given their ready time, fleet size aside); docs/domain.md.
 * --verbose prints every office, twice (-v -v) every route too.
 */

#define FIELD_HORIZON 2
#define FIELD_BASELINE_DAYS 7    /* the baseline goes on until all is in */
#define FIELD_LATE_BUDGET 0.009  /* --late-budget: share of the orders that can be on time */

struct field_job {
	struct pr_office_problem *op;
	struct pr_solution *sol;
	double seconds;
	int rc;
	char why[200];
};

struct field_pool {
	pthread_mutex_t mu;
	int next, n;
	struct field_job *jobs;
	int *order;              /* jobs by decreasing size */
	double time_limit;
	long iterations;         /* > 0: per office problem, not time */
	uint64_t seed;
};

struct field_result {
	int planned, possible, on_time_possible, on_time_all;
	int at_risk;
	int risk[PR_RISK_COUNT + 4];
	double km;
	int routes;
	double seconds;
	int moved;
	int lv_orders[3], lv_routes[3];
	double lv_km[3];
	int late_trips, late_stops, late_orders, late_budget;
	double late_saved_km;
	int late_judged;         /* planned late and indeed late */
	double late_sum_h, late_max_h; /* delivered after the promise */
};

/* Baseline-only reasons, after the pr_risk ones. */
enum {
	FIELD_NOT_COLLECTED = PR_RISK_COUNT,
	FIELD_LATE_ROUND,
	FIELD_NREASONS
};

static int verbose;

static double
field_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *
field_reason(int k)
{
	if (k == FIELD_NOT_COLLECTED)
		return "not_collected";
	if (k == FIELD_LATE_ROUND)
		return "round_too_late";
	return pr_risk_name(k);
}

/* The whole file at path, or the end of the program with a message. */
static char *
field_slurp(const char *path, size_t *len)
{
	char *b = bench_read_file(path, len);

	if (b == NULL) {
		fprintf(stderr, "bench-field: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return b;
}

static void *
field_worker(void *arg)
{
	struct field_pool *pool = arg;

	for (;;) {
		struct field_job *j;
		struct pr_solve_params sp;
		struct pr_error err = { 0, "" };
		double t0;
		int k;

		pthread_mutex_lock(&pool->mu);
		k = pool->next < pool->n ? pool->order[pool->next++] : -1;
		pthread_mutex_unlock(&pool->mu);
		if (k < 0)
			break;
		j = &pool->jobs[k];
		pr_solve_params_init(&sp);
		/* Small offices need little time; the big ones get the cap. */
		sp.time_limit = pr_office_time_limit(j->op->n_jobs, 0.01,
		    pool->time_limit);
		/* --iterations: reproducible plans, whatever the machine */
		sp.iterations = pool->iterations;
		sp.seed = pool->seed + (uint64_t)k;
		sp.threads = 1;
		t0 = field_now();
		j->rc = pr_solve(j->op->problem, &sp, &j->sol, &err);
		j->seconds = field_now() - t0;
		if (j->rc != 0) {
			snprintf(j->why, sizeof(j->why), "pr_solve: %s",
			    err.msg);
			continue;
		}
		if (chk_solution(j->op->problem, j->sol, NULL, j->why,
		    sizeof(j->why)) != 0)
			j->rc = -1;
	}
	glp_free_env();   /* GLPK keeps an environment per thread */
	return NULL;
}

/* ---- postroute ----------------------------------------------------------- */

struct field_group_params {
	int small;               /* offices with fewer pickups may group */
	double radius_m;         /* offices at most this far apart */
	int max_orders;          /* pickups per group */
	double share_s;          /* pr_group_problem_build's share_s */
};

/*
 * Neighbouring small offices planned together: grp[f] is the first office
 * of f's group (f itself when alone). Single linkage over the pairs of
 * small commune offices of one district, nearest pairs first, as long as
 * a group stays within PR_GROUP_MAX_OFFICES offices and max_orders
 * pickups.
 */
static void
field_groups(const struct pr_region *r, const int *cnt,
    const struct field_group_params *gp, int *grp)
{
	int no = r->n_offices, np = 0;
	int *size = calloc((size_t)no, sizeof(int));
	int *load = calloc((size_t)no, sizeof(int));
	struct { double d; int a, b; } *pairs, t;

	pairs = malloc(((size_t)no * no / 2 + 1) * sizeof(*pairs));
	for (int f = 0; f < no; f++) {
		grp[f] = f;
		size[f] = 1;
		load[f] = cnt[f];
	}
	if (gp->small <= 0)
		goto out;
	for (int a = 0; a < no; a++)
		for (int b = a + 1; b < no; b++) {
			const struct pr_office *x = &r->offices[a],
			    *y = &r->offices[b];
			double d;

			if (x->level != PR_OFFICE_COMMUNE ||
			    y->level != PR_OFFICE_COMMUNE ||
			    x->district != y->district ||
			    cnt[a] >= gp->small || cnt[b] >= gp->small ||
			    cnt[a] == 0 || cnt[b] == 0)
				continue;
			d = pr_haversine_m(x->lon, x->lat, y->lon, y->lat);
			if (d > gp->radius_m)
				continue;
			pairs[np].d = d;
			pairs[np].a = a;
			pairs[np].b = b;
			np++;
		}
	/* Insertion sort is fine for a few hundred pairs. */
	for (int i = 1; i < np; i++)
		for (int k = i; k > 0 && pairs[k].d < pairs[k - 1].d; k--) {
			t = pairs[k];
			pairs[k] = pairs[k - 1];
			pairs[k - 1] = t;
		}
	for (int i = 0; i < np; i++) {
		int ga = grp[pairs[i].a], gb = grp[pairs[i].b], lo, hi;

		if (ga == gb || size[ga] + size[gb] > PR_GROUP_MAX_OFFICES ||
		    load[ga] + load[gb] > gp->max_orders)
			continue;
		lo = ga < gb ? ga : gb;
		hi = ga < gb ? gb : ga;
		for (int f = 0; f < no; f++)
			if (grp[f] == hi)
				grp[f] = lo;
		size[lo] += size[hi];
		load[lo] += load[hi];
	}
out:
	free(pairs);
	free(size);
	free(load);
}


/* The service-level rule: a province-wide budget of late orders. */
struct field_late_params {
	double budget;           /* share of the orders that can be on time */
	struct pr_late_params lp;
};

/*
 * Dry runs of pr_plan_late on every plan, then the budget goes to the
 * best drops province-wide (km saved per late order, each plan's drops in
 * its own order), and each plan gets its first drops applied.
 */
static void
field_late(const struct pr_region *r, const struct pr_order *orders,
    const struct pr_plan_params *pp, struct field_job *jobs, int nj,
    int budget, const struct pr_late_params *lp, struct field_result *res)
{
	struct pr_late_plan *dry = calloc((size_t)nj + 1, sizeof(*dry));
	int *take = calloc((size_t)nj + 1, sizeof(int)), left = budget;
	struct pr_error err = { 0, "" };

	if (dry == NULL || take == NULL) {
		fprintf(stderr, "bench-field: out of memory\n");
		exit(1);
	}
	for (int k = 0; k < nj; k++)
		if (jobs[k].rc == 0 && pr_plan_late(r, orders, jobs[k].op,
		    jobs[k].sol, pp, lp, 0, &dry[k], &err) != 0) {
			fprintf(stderr, "bench-field: late plan: %s\n",
			    err.msg);
			exit(1);
		}
	for (;;) {
		int bk = -1;
		double bscore = -1;

		for (int k = 0; k < nj; k++) {
			const struct pr_late_step *st;
			double score;

			if (take[k] >= dry[k].n_steps)
				continue;
			st = &dry[k].steps[take[k]];
			if (st->n_late > left)
				continue;
			if ((score = pr_late_step_score(st)) > bscore) {
				bscore = score;
				bk = k;
			}
		}
		if (bk < 0)
			break;
		left -= dry[bk].steps[take[bk]].n_late;
		take[bk]++;
	}
	for (int k = 0; k < nj; k++) {
		struct pr_late_params one = *lp;
		struct pr_late_plan lpl;

		if (take[k] > 0) {
			one.max_steps = take[k];
			if (pr_plan_late(r, orders, jobs[k].op, jobs[k].sol, pp,
			    &one, 1, &lpl, &err) != 0) {
				fprintf(stderr, "bench-field: late plan: %s\n",
				    err.msg);
				exit(1);
			}
			if (chk_solution(jobs[k].op->problem, lpl.solution,
			    NULL, jobs[k].why, sizeof(jobs[k].why)) != 0) {
				fprintf(stderr, "bench-field: late plan of %s: "
				    "%s\n", r->offices[jobs[k].op->office].id,
				    jobs[k].why);
				exit(1);
			}
			for (int q = 0; q < lpl.n_steps; q++) {
				res->late_trips += lpl.steps[q].dropped;
				res->late_stops += !lpl.steps[q].dropped;
			}
			res->late_orders += lpl.n_late;
			res->late_saved_km += lpl.saved_m / 1000;
			pr_solution_free(jobs[k].sol);
			jobs[k].sol = lpl.solution;
			lpl.solution = NULL;
			pr_late_plan_free(&lpl);
		}
		pr_late_plan_free(&dry[k]);
	}
	free(dry);
	free(take);
}

static struct field_job *field_sort_jobs;

static int
field_cmp_jobs(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	int nx = field_sort_jobs[x].op->n_jobs;
	int ny = field_sort_jobs[y].op->n_jobs;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	return (x > y) - (x < y);
}

static void
field_postroute(const struct pr_region *r, const struct pr_order *orders,
    int n, int64_t day_start, const int *possible, double time_limit,
    long iterations, int threads, double glpk_limit, int greedy, uint64_t seed,
    const struct field_group_params *gp, const struct field_late_params *lt,
    struct field_result *res)
{
	struct pr_cluster_params cp;
	struct pr_cluster_result *cr;
	struct pr_plan_params pp;
	struct pr_error err = { 0, "" };
	struct field_pool pool;
	struct field_job *jobs;
	pthread_t th[64];
	int *idx, *cnt, nj = 0, bad = 0;
	double t0 = field_now(), tc;

	memset(&cp, 0, sizeof(cp));
	cp.time_limit = glpk_limit;
	cp.greedy = greedy;
	if (pr_cluster_assign(r, orders, n, day_start, &cp, &cr, &err) != 0) {
		fprintf(stderr, "bench-field: clustering: %s\n", err.msg);
		exit(1);
	}
	tc = field_now() - t0;
	res->moved = cr->n_moved;
	printf("clustering: %d orders moved to another office, %d over "
	    "capacity at home, %d MILP columns, GLPK status %d "
	    "(0 optimal, 1 time limit, 2-3 fallback, -1 not needed), "
	    "%.2f s\n", cr->n_moved, cr->n_overflow, cr->n_vars, cr->status,
	    tc);
	{
		int reasons[4] = { 0, 0, 0, 0 };
		static const char *const rn[4] = { "capacity_kg",
		    "capacity_hours", "deadline", "nearer" };

		for (int i = 0; i < n; i++)
			for (int k = 0; k < 4; k++)
				if (strcmp(cr->reason[i], rn[k]) == 0)
					reasons[k]++;
		printf("  moved because: capacity_kg %d, capacity_hours %d, "
		    "deadline %d, nearer %d\n", reasons[0], reasons[1],
		    reasons[2], reasons[3]);
	}

	/* Orders per office; neighbouring small offices form groups that
	 * are planned together; one problem per group (or office). */
	cnt = calloc((size_t)r->n_offices, sizeof(int));
	idx = malloc(((size_t)n + 1) * sizeof(int));
	jobs = calloc((size_t)r->n_offices, sizeof(*jobs));
	if (cnt == NULL || idx == NULL || jobs == NULL) {
		fprintf(stderr, "bench-field: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < n; i++)
		if (cr->office[i] >= 0)
			cnt[cr->office[i]]++;
	{
		int *grp = malloc((size_t)r->n_offices * sizeof(int));
		int *home = malloc(((size_t)n + 1) * sizeof(int));
		int *mem = malloc((size_t)r->n_offices * sizeof(int));
		int ngroups = 0, ngrouped = 0;

		field_groups(r, cnt, gp, grp);
		memset(&pp, 0, sizeof(pp));
		pp.day_start = day_start;
		pp.horizon_days = FIELD_HORIZON;
		for (int f = 0; f < r->n_offices; f++) {
			int m = 0, nm = 0, rc;

			if (grp[f] != f)
				continue;   /* not a group's first office */
			for (int g = 0; g < r->n_offices; g++)
				if (grp[g] == f && cnt[g] > 0)
					mem[nm++] = g;
			for (int i = 0; i < n; i++)
				if (cr->office[i] >= 0 &&
				    grp[cr->office[i]] == f) {
					home[m] = cr->office[i];
					idx[m++] = i;
				}
			if (m == 0)
				continue;
			if (nm > 1) {
				rc = pr_group_problem_build(r, mem, nm, orders,
				    idx, home, m, gp->share_s, &pp,
				    &jobs[nj].op, &err);
				ngroups++;
				ngrouped += nm;
			} else {
				rc = pr_office_problem_build(r, mem[0], orders,
				    idx, m, &pp, &jobs[nj].op, &err);
			}
			if (rc != 0) {
				fprintf(stderr, "bench-field: office %s: %s\n",
				    r->offices[f].id, err.msg);
				exit(1);
			}
			nj++;
		}
		printf("groups: %d offices planned together in %d groups\n",
		    ngrouped, ngroups);
		free(grp);
		free(home);
		free(mem);
	}

	memset(&pool, 0, sizeof(pool));
	pthread_mutex_init(&pool.mu, NULL);
	pool.jobs = jobs;
	pool.n = nj;
	pool.time_limit = time_limit;
	pool.iterations = iterations;
	pool.seed = seed;
	pool.order = malloc(((size_t)nj + 1) * sizeof(int));
	for (int k = 0; k < nj; k++)
		pool.order[k] = k;
	field_sort_jobs = jobs;
	qsort(pool.order, (size_t)nj, sizeof(int), field_cmp_jobs);
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	for (int t = 0; t < threads; t++)
		pthread_create(&th[t], NULL, field_worker, &pool);
	for (int t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	if (lt->budget > 0) {
		int np = 0;

		for (int i = 0; i < n; i++)
			np += possible[i];
		res->late_budget = (int)floor(lt->budget * np);
		field_late(r, orders, &pp, jobs, nj, res->late_budget, &lt->lp,
		    res);
		printf("service level: %d trips dropped, %d stops moved, %d "
		    "orders planned late on purpose (budget %d), %.0f km "
		    "saved\n", res->late_trips, res->late_stops,
		    res->late_orders, res->late_budget, res->late_saved_km);
	}
	res->seconds = field_now() - t0;

	/* Evaluate every pickup. */
	for (int k = 0; k < nj; k++) {
		struct field_job *j = &jobs[k];
		struct pr_office_problem *op = j->op;
		int f = op->office;

		if (j->rc != 0) {
			fprintf(stderr, "bench-field: office %s: %s\n",
			    r->offices[f].id, j->why);
			bad++;
			continue;
		}
		if (verbose)
			printf("  office %-8s %4d jobs %3d routes %8.1f km "
			    "%3d unassigned %.2f s\n", r->offices[f].id,
			    op->n_jobs, j->sol->n_routes,
			    j->sol->distance / 1000, j->sol->n_unassigned,
			    j->seconds);
		if (verbose && op->n_offices > 1) {
			printf("  group %-8s", r->offices[f].id);
			for (int g = 0; g < op->n_offices; g++)
				printf(" %s", r->offices[op->offices[g]].id);
			printf("\n");
		}
		for (int q = 0; q < j->sol->n_routes; q++) {
			const struct pr_route *rt = &j->sol->routes[q];
			int64_t back = day_start + (int64_t)ceil(rt->end_time);

			if (rt->n_steps == 0)
				continue;
			/* The parcels go on the line-haul of the office
			 * whose trip brought them. */
			f = op->vehicle_office[rt->vehicle];
			if (verbose > 1) {
				printf("    route %-8s %-16s %5.2f-%5.2f h "
				    "%2d stops %6.1f km:", r->offices[f].id,
				    op->problem->vehicles[rt->vehicle].id,
				    rt->start_time / 3600, rt->end_time / 3600,
				    rt->n_steps, rt->distance / 1000);
				for (int s = 0; s < rt->n_steps; s++) {
					const struct pr_job *jj =
					    &op->problem->jobs[rt->steps[s].job];
					const struct pr_order *oo =
					    &orders[op->order[rt->steps[s].job]];

					printf(" [%.1f %.1f-%.1f %dh%s]",
					    rt->steps[s].service_start / 3600,
					    jj->tw[0].start / 3600,
					    jj->tw[0].end / 3600, oo->promise_h,
					    oo->perishable ? "p" : "");
				}
				printf("\n");
			}
			res->routes++;
			res->km += rt->distance / 1000;
			res->lv_routes[r->offices[f].level]++;
			res->lv_km[r->offices[f].level] += rt->distance / 1000;
			res->lv_orders[r->offices[f].level] += rt->n_steps;
			for (int s = 0; s < rt->n_steps; s++) {
				int jb = rt->steps[s].job, i = op->order[jb];
				const struct pr_order *o = &orders[i];
				int64_t del = -1, due = o->placed +
				    (int64_t)o->promise_h * 3600;
				int ok;

				pr_next_departure(r, f, o->destination, back,
				    &del);
				ok = del >= 0 && del <= due;
				res->planned++;
				res->on_time_all += ok;
				res->on_time_possible += ok && possible[i];
				if (!ok) {
					int rk = op->deadline[jb].risk;

					if (verbose && rk == PR_RISK_NONE)
						printf("  late: %s at %s back "
						    "%+.0f s after its cut-off\n",
						    o->id, r->offices[f].id,
						    (double)(back -
						    op->deadline[jb].cutoff));

					res->at_risk++;
					res->risk[rk != PR_RISK_NONE ? rk :
					    PR_RISK_UNREACHABLE]++;
					if (rk == PR_RISK_PLANNED_LATE &&
					    del >= 0) {
						double h = (double)(del - due) /
						    3600;

						res->late_judged++;
						res->late_sum_h += h;
						if (h > res->late_max_h)
							res->late_max_h = h;
					}
				}
			}
		}
		f = op->office;
		for (int u = 0; u < j->sol->n_unassigned; u++) {
			int jb = j->sol->unassigned[u].job;
			int rk = op->deadline[jb].risk;

			res->planned++;
			res->at_risk++;
			if (rk == PR_RISK_NONE) {
				if (verbose)
					printf("  unassigned: %s at %s: %s "
					    "(%s)\n", orders[op->order[jb]].id,
					    r->offices[f].id,
					    j->sol->unassigned[u].reason,
					    j->sol->unassigned[u].detail);
				rk = pr_risk_from_unassigned(
				    j->sol->unassigned[u].reason);
			}
			res->risk[rk]++;
		}
		for (int s = 0; s < op->n_skipped; s++) {
			res->planned++;
			res->at_risk++;
			res->risk[PR_RISK_NOT_PLANNED]++;
		}
	}
	if (bad > 0) {
		fprintf(stderr, "bench-field: %d office plans failed\n", bad);
		exit(1);
	}
	if (res->late_judged > 0)
		printf("planned late: %d orders delivered %.1f h after their "
		    "promise on average, %.1f h at most\n", res->late_judged,
		    res->late_sum_h / res->late_judged, res->late_max_h);
	for (int k = 0; k < nj; k++) {
		pr_solution_free(jobs[k].sol);
		pr_office_problem_free(jobs[k].op);
	}
	pthread_mutex_destroy(&pool.mu);
	free(pool.order);
	free(jobs);
	free(idx);
	free(cnt);
	pr_cluster_result_free(cr);
}

/* ---- baseline ------------------------------------------------------------ */

struct field_arrival {
	int order;
	int64_t placed;
};

static int
field_cmp_arrival(const void *a, const void *b)
{
	const struct field_arrival *x = a, *y = b;

	if (x->placed != y->placed)
		return x->placed < y->placed ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* One trip from office f over the loads in[0..m), nearest neighbour;
 * returns the duration in seconds and adds the metres to *km_m. */
static double
field_nn_trip(const struct pr_region *r, int f, int profile,
    const struct pr_order *orders, const int *in, int m, double *metres)
{
	const struct pr_office *of = &r->offices[f];
	double lon = of->lon, lat = of->lat, t = 0, dist = 0;
	int d = of->district, left = m, used[256];

	for (int k = 0; k < m; k++)
		used[k] = 0;
	while (left > 0) {
		int best = -1;
		double bd = INFINITY;

		for (int k = 0; k < m; k++) {
			const struct pr_order *o = &orders[in[k]];
			double dm;

			if (used[k])
				continue;
			dm = pr_travel_m(r, lon, lat, d, o->lon, o->lat,
			    r->communes[o->commune].district);
			if (dm < bd) {
				bd = dm;
				best = k;
			}
		}
		used[best] = 1;
		left--;
		dist += bd;
		t += bd / (r->profiles[profile].speed_kmh / 3.6) + r->service_s;
		lon = orders[in[best]].lon;
		lat = orders[in[best]].lat;
		d = r->communes[orders[in[best]].commune].district;
	}
	{
		double back = pr_travel_m(r, lon, lat, d, of->lon, of->lat,
		    of->district);

		dist += back;
		t += back / (r->profiles[profile].speed_kmh / 3.6);
	}
	*metres += dist;
	return t;
}

static void
field_baseline(const struct pr_region *r, const struct pr_order *orders,
    int n, int64_t day_start, const int *possible, int round_tod,
    struct field_result *res)
{
	struct field_arrival *arr = malloc(((size_t)n + 1) * sizeof(*arr));
	int64_t *back = malloc(((size_t)n + 1) * sizeof(int64_t));
	double t0 = field_now(), metres = 0, om;
	int otrips;

	for (int i = 0; i < n; i++)
		back[i] = -1;
	for (int f = 0; f < r->n_offices; f++) {
		const struct pr_office *of = &r->offices[f];
		int m = 0, next = 0;

		for (int i = 0; i < n; i++)
			if (orders[i].state == PR_ORDER_OPEN &&
			    r->communes[orders[i].commune].office == f) {
				arr[m].order = i;
				arr[m].placed = orders[i].placed;
				m++;
			}
		if (m == 0)
			continue;
		qsort(arr, (size_t)m, sizeof(*arr), field_cmp_arrival);
		om = metres;
		otrips = res->routes;
		for (int day = 0; day < FIELD_BASELINE_DAYS && next < m;
		    day++) {
			int64_t start = day_start + (int64_t)day * 86400 +
			    round_tod;
			int64_t end = day_start + (int64_t)day * 86400 +
			    of->shift_end;
			int64_t vfree[64];
			int vprof[64], nv = 0;

			for (int p = 0; p < r->n_profiles; p++)
				for (int u = 0; u < of->fleet[p] && nv < 64;
				    u++) {
					vprof[nv] = p;
					vfree[nv++] = start;
				}
			while (nv > 0) {
				int v = 0, load[256], nl = 0;
				int64_t cap, w = 0;
				double dur, mm = 0;

				for (int k = 1; k < nv; k++)
					if (vfree[k] < vfree[v])
						v = k;
				if (vfree[v] >= end)
					break;
				cap = r->profiles[vprof[v]].capacity_g;
				/* The next orders in arrival order that are
				 * ready when the round starts. */
				for (int k = next; k < m && nl < 256; k++) {
					const struct pr_order *o =
					    &orders[arr[k].order];

					if (back[arr[k].order] >= 0 ||
					    o->ready_from > start ||
					    o->ready_to < start)
						continue;
					if (w + o->weight_g > cap)
						break;
					w += o->weight_g;
					load[nl++] = arr[k].order;
				}
				if (nl == 0)
					break;
				dur = field_nn_trip(r, f, vprof[v], orders,
				    load, nl, &mm);
				if (vfree[v] + (int64_t)dur > end) {
					vfree[v] = end;  /* no time left */
					continue;
				}
				metres += mm;
				res->routes++;
				res->lv_routes[of->level]++;
				res->lv_km[of->level] += mm / 1000;
				res->lv_orders[of->level] += nl;
				vfree[v] += (int64_t)ceil(dur);
				for (int k = 0; k < nl; k++)
					back[load[k]] = vfree[v];
				while (next < m && back[arr[next].order] >= 0)
					next++;
			}
		}
		if (verbose)
			printf("  baseline %-8s %4d orders %3d trips "
			    "%8.1f km\n", of->id, m, res->routes - otrips,
			    (metres - om) / 1000);
	}
	res->seconds = field_now() - t0;
	res->km = metres / 1000;
	for (int i = 0; i < n; i++) {
		const struct pr_order *o = &orders[i];
		int64_t del = -1;
		int64_t due = o->placed + (int64_t)o->promise_h * 3600;
		int ok;

		if (o->state != PR_ORDER_OPEN)
			continue;
		res->planned++;
		if (back[i] >= 0)
			pr_next_departure(r, r->communes[o->commune].office,
			    o->destination, back[i], &del);
		ok = del >= 0 && del <= due;
		res->on_time_all += ok;
		res->on_time_possible += ok && possible[i];
		if (!ok) {
			res->at_risk++;
			if (!possible[i])
				res->risk[PR_RISK_NO_LINEHAUL_IN_TIME]++;
			else if (back[i] < 0)
				res->risk[FIELD_NOT_COLLECTED]++;
			else
				res->risk[FIELD_LATE_ROUND]++;
		}
	}
	free(arr);
	free(back);
}

/* ---- main ---------------------------------------------------------------- */

static void
field_usage(FILE *f)
{
	fprintf(f, "usage: bench-field [--region FILE] [--date YYYY-MM-DD] "
	    "[--orders N] [--seed S]\n"
	    "           [--events FILE] [--time-limit S] [--iterations N] "
	    "[--threads N]\n"
	    "           [--glpk-limit S]"
	    " [--greedy] [--round HH:MM] [--group-km KM] "
	    "[--group-orders N]\n"
	    "           [--group-share-min M] [--late-budget SHARE] "
	    "[--late-km KM]\n"
	    "           [--late-delay-h H] [--late-stops N] [--verbose]\n");
}

static double
field_num(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v >= lo && v <= hi)) {
		fprintf(stderr, "bench-field: --%s: \"%s\" must be a number in "
		    "[%g, %g]\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

static struct pr_event *
field_read_events(const char *path, int *n_out)
{
	size_t len;
	char *buf = field_slurp(path, &len), *line = buf;
	struct pr_event *ev = NULL;
	int n = 0, cap = 0, lineno = 0;

	while (line != NULL && *line != '\0') {
		char *nl = strchr(line, '\n');
		size_t l = nl != NULL ? (size_t)(nl - line) : strlen(line);
		struct pr_error err = { 0, "" };

		lineno++;
		if (l > 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				ev = realloc(ev, (size_t)cap * sizeof(*ev));
				if (ev == NULL) {
					fprintf(stderr, "bench-field: out of "
					    "memory\n");
					exit(1);
				}
			}
			if (pr_event_parse(line, l, &ev[n], &err) != 0)
				fprintf(stderr, "bench-field: %s:%d: skipped: "
				    "%s\n", path, lineno, err.msg);
			else
				n++;
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
	free(buf);
	*n_out = n;
	return ev;
}

int
main(int argc, char **argv)
{
	const char *region = "config/regions/langson.json";
	const char *date = "2026-08-20";
	const char *events = NULL, *round_s = "13:00";
	double time_limit = 1.0, glpk_limit = 5.0;
	long iterations = 0;
	int n_orders = 5200, threads = 2, greedy = 0, ch, nev, n, round_tod;
	uint64_t seed = 1;
	struct pr_region *r;
	struct pr_error err = { 0, "" };
	struct pr_event *ev;
	struct pr_orderbook ob;
	struct pr_order *orders;
	struct field_result pr, bl;
	struct field_group_params gpar = { 1000, 15000, 200, 1800 };
	struct field_late_params late;
	int64_t day_start;
	int *possible, npossible = 0, impossible_risk[PR_RISK_COUNT];
	char *buf;
	size_t len;
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "date", required_argument, NULL, 'd' },
		{ "orders", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'I' },
		{ "threads", required_argument, NULL, 'j' },
		{ "glpk-limit", required_argument, NULL, 'g' },
		{ "greedy", no_argument, NULL, 'G' },
		{ "round", required_argument, NULL, 'R' },
		{ "group-km", required_argument, NULL, 'K' },
		{ "group-orders", required_argument, NULL, 'N' },
		{ "group-share-min", required_argument, NULL, 'S' },
		{ "late-budget", required_argument, NULL, 'L' },
		{ "late-km", required_argument, NULL, 'k' },
		{ "late-delay-h", required_argument, NULL, 'D' },
		{ "late-stops", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	pr_late_params_init(&late.lp);
	late.budget = FIELD_LATE_BUDGET;
	while ((ch = getopt_long(argc, argv, "r:d:n:s:e:t:I:j:g:GR:K:N:S:L:k:D:T:vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			region = optarg;
			break;
		case 'd':
			date = optarg;
			break;
		case 'n':
			n_orders = (int)field_num("orders", optarg, 0, 1e6);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'e':
			events = optarg;
			break;
		case 't':
			time_limit = field_num("time-limit", optarg, 0.01, 600);
			break;
		case 'I':
			iterations = (long)field_num("iterations", optarg, 1,
			    1e9);
			break;
		case 'j':
			threads = (int)field_num("threads", optarg, 1, 64);
			break;
		case 'g':
			glpk_limit = field_num("glpk-limit", optarg, 0.01,
			    3600);
			break;
		case 'G':
			greedy = 1;
			break;
		case 'R':
			round_s = optarg;
			break;
		case 'K':
			gpar.radius_m = 1000 * field_num("group-km", optarg,
			    0, 100);
			if (gpar.radius_m <= 0)
				gpar.small = 0;
			break;
		case 'N':
			gpar.max_orders = (int)field_num("group-orders",
			    optarg, 1, 1e6);
			break;
		case 'S':
			gpar.share_s = 60 * field_num("group-share-min",
			    optarg, 0, 600);
			break;
		case 'L':
			late.budget = field_num("late-budget", optarg, 0,
			    1);
			break;
		case 'k':
			late.lp.min_saving_m = 1000 * field_num("late-km",
			    optarg, 0, 1000);
			break;
		case 'D':
			late.lp.max_delay_s = 3600 * field_num("late-delay-h",
			    optarg, 0, 240);
			break;
		case 'T':
			late.lp.max_stops = (int)field_num("late-stops", optarg,
			    1, 64);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			field_usage(stdout);
			return 0;
		default:
			field_usage(stderr);
			return 2;
		}
	}
	{
		int hh, mm;

		if (sscanf(round_s, "%d:%d", &hh, &mm) != 2 || hh < 0 ||
		    hh > 23 || mm < 0 || mm > 59) {
			fprintf(stderr, "bench-field: --round: \"%s\" is not "
			    "HH:MM\n", round_s);
			return 2;
		}
		round_tod = hh * 3600 + mm * 60;
	}

	buf = field_slurp(region, &len);
	if (pr_region_from_json(buf, len, &r, &err) != 0) {
		fprintf(stderr, "bench-field: %s: %s\n", region, err.msg);
		return 2;
	}
	free(buf);
	if (pr_date_parse(date, r->utc_offset, &day_start) != 0) {
		fprintf(stderr, "bench-field: --date: \"%s\" is not "
		    "YYYY-MM-DD\n", date);
		return 2;
	}
	if (events != NULL) {
		ev = field_read_events(events, &nev);
	} else {
		struct sim_params sp;

		memset(&sp, 0, sizeof(sp));
		sp.day_start = day_start;
		sp.n_orders = n_orders;
		sp.seed = seed;
		sp.update_rate = 0.05;
		sp.cancel_rate = 0.03;
		if (sim_generate(r, &sp, &ev, &nev, &err) != 0) {
			fprintf(stderr, "bench-field: %s\n", err.msg);
			return 2;
		}
	}
	pr_orderbook_init(&ob);
	for (int i = 0; i < nev; i++)
		if (pr_orderbook_apply(&ob, r, &ev[i], &err) < 0)
			fprintf(stderr, "bench-field: event %s: %s\n",
			    ev[i].event_id, err.msg);
	free(ev);
	orders = malloc(((size_t)ob.n + 1) * sizeof(*orders));
	n = 0;
	for (int i = 0; i < ob.n; i++)
		if (ob.orders[i].state == PR_ORDER_OPEN)
			orders[n++] = ob.orders[i];
	pr_orderbook_clear(&ob);

	/* Which orders can physically make their promise at home. */
	possible = calloc((size_t)n + 1, sizeof(int));
	memset(impossible_risk, 0, sizeof(impossible_risk));
	for (int i = 0; i < n; i++) {
		const struct pr_order *o = &orders[i];
		int f = r->communes[o->commune].office;
		int fp = pr_office_fastest_profile(r, f);
		struct pr_deadline d;
		double back = r->service_s + (fp < 0 ? 0 : pr_travel_s(r, fp,
		    o->lon, o->lat, r->communes[o->commune].district,
		    r->offices[f].lon, r->offices[f].lat,
		    r->offices[f].district));

		possible[i] = pr_latest_pickup(r, f, o, back, &d) ==
		    PR_RISK_NONE;
		npossible += possible[i];
		impossible_risk[d.risk]++;
	}

	printf("field benchmark: region %s, %s, %d events, %d open orders, "
	    "seed %llu\n", r->name, date, nev, n, (unsigned long long)seed);
	printf("orders that can make their promise at all: %d (", npossible);
	for (int k = 1; k < PR_RISK_COUNT; k++)
		if (impossible_risk[k] > 0)
			printf(" %s %d", pr_risk_name(k), impossible_risk[k]);
	printf(" )\n");

	memset(&pr, 0, sizeof(pr));
	memset(&bl, 0, sizeof(bl));
	field_postroute(r, orders, n, day_start, possible, time_limit,
	    iterations, threads, glpk_limit, greedy, seed, &gpar, &late, &pr);
	field_baseline(r, orders, n, day_start, possible, round_tod, &bl);

	printf("\n%-34s %12s %12s\n", "", "postroute", "baseline");
	printf("%-34s %12d %12d\n", "orders", pr.planned, bl.planned);
	printf("%-34s %11.1f%% %11.1f%%\n", "on time (of those that can)",
	    100.0 * pr.on_time_possible / (npossible ? npossible : 1),
	    100.0 * bl.on_time_possible / (npossible ? npossible : 1));
	printf("%-34s %12d %12d\n", "  on time, count", pr.on_time_possible,
	    bl.on_time_possible);
	printf("%-34s %11.1f%% %11.1f%%\n", "on time (of all)",
	    100.0 * pr.on_time_all / (n ? n : 1),
	    100.0 * bl.on_time_all / (n ? n : 1));
	printf("%-34s %12d %12d\n", "at risk (late or not picked up)",
	    pr.at_risk, bl.at_risk);
	for (int k = 1; k < FIELD_NREASONS; k++)
		if (pr.risk[k] > 0 || bl.risk[k] > 0)
			printf("  %-32s %12d %12d\n", field_reason(k),
			    pr.risk[k], bl.risk[k]);
	printf("%-34s %12.0f %12.0f\n", "vehicle-km", pr.km, bl.km);
	printf("%-34s %12d %12d\n", "routes (vehicle trips)", pr.routes,
	    bl.routes);
	for (int lv = 0; lv < 3; lv++) {
		static const char *const ln[3] = { "commune", "district",
		    "main" };
		char lab[64];

		snprintf(lab, sizeof(lab), "  %s offices: pickups", ln[lv]);
		printf("%-34s %12d %12d\n", lab, pr.lv_orders[lv],
		    bl.lv_orders[lv]);
		printf("  %-32s %12d %12d\n", "  trips", pr.lv_routes[lv],
		    bl.lv_routes[lv]);
		printf("  %-32s %12.0f %12.0f\n", "  km", pr.lv_km[lv],
		    bl.lv_km[lv]);
	}
	printf("%-34s %12d %12s\n", "pickups moved to another office",
	    pr.moved, "-");
	printf("%-34s %12.2f %12.2f\n", "planning seconds", pr.seconds,
	    bl.seconds);
	printf("%-34s %11.1f%%\n", "vehicle-km saved",
	    bl.km > 0 ? 100.0 * (bl.km - pr.km) / bl.km : 0.0);
	printf("field: on_time=%.1f%% baseline_on_time=%.1f%% km=%.0f "
	    "baseline_km=%.0f at_risk=%d orders=%d\n",
	    100.0 * pr.on_time_possible / (npossible ? npossible : 1),
	    100.0 * bl.on_time_possible / (npossible ? npossible : 1),
	    pr.km, bl.km, pr.at_risk, n);
	free(possible);
	free(orders);
	pr_region_free(r);
	glp_free_env();
	return 0;
}
