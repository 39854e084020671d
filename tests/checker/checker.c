/* checker.c: the independent feasibility checker: recomputes a solution from the public data model alone, deliberately not with the solver's route evaluator. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"

/*
 * Deliberately shares nothing with the solver: it reads the problem's
 * matrices itself and replays every route with earliest-start scheduling
 * from the route's reported departure (which may not be before the shift
 * starts), as docs/architecture.md defines the time model. A solver bug in
 * scheduling or bookkeeping then shows up as a disagreement here instead
 * of being checked against itself.
 */

#define CHK_EPS 1e-6		/* time and capacity slack, absolute */
#define CHK_REL 1e-6		/* reported vs recomputed, relative */

struct chk {
	const struct pr_problem *p;
	char *why;
	size_t whylen;
};

static int chk_fail(struct chk *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
chk_fail(struct chk *c, const char *fmt, ...)
{
	va_list ap;

	if (c->why != NULL && c->whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* a and b agree within CHK_REL relative (absolute near zero). */
static int
chk_close(double a, double b)
{
	double m = fmax(1.0, fmax(fabs(a), fabs(b)));

	if (isinf(a) || isinf(b))
		return a == b;
	return fabs(a - b) <= CHK_REL * m;
}

static double
chk_matrix(const struct pr_problem *p, const double *m, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return m[(size_t)a * (size_t)p->n_locations + (size_t)b];
}

/* The earliest service start >= arrival within one of job's windows, or
 * NAN when arrival is past the last one. */
static double
chk_service_start(const struct pr_job *job, double arrival)
{
	for (int w = 0; w < job->n_tw; w++) {
		if (arrival <= job->tw[w].end + CHK_EPS)
			return arrival > job->tw[w].start ? arrival :
			    job->tw[w].start;
	}
	return NAN;
}

struct chk_totals {
	double distance;
	double duration;
	double fixed;
};

static int
chk_route(struct chk *c, const struct pr_solution *s, int r, int *seen,
    int *vused, struct chk_totals *tot)
{
	const struct pr_problem *p = c->p;
	const struct pr_route *rt = &s->routes[r];
	const struct pr_vehicle *v;
	const struct pr_profile *pf;
	int64_t load[PR_MAX_DIMS] = { 0 }, picked[PR_MAX_DIMS] = { 0 };
	double t, travel = 0, dist = 0, service = 0, waiting = 0, tend, d;
	double setup_total = 0;
	int prev;

	if (rt->vehicle < 0 || rt->vehicle >= p->n_vehicles)
		return chk_fail(c, "route %d: vehicle index %d out of range",
		    r, rt->vehicle);
	v = &p->vehicles[rt->vehicle];
	if (vused[rt->vehicle]++)
		return chk_fail(c, "route %d: vehicle \"%s\" is used by two "
		    "routes", r, v->id);
	if (rt->n_steps <= 0 || rt->steps == NULL)
		return chk_fail(c, "route %d (vehicle \"%s\"): no jobs", r,
		    v->id);
	if (v->profile < 0 || v->profile >= p->n_profiles)
		return chk_fail(c, "route %d: vehicle \"%s\" has no valid "
		    "profile", r, v->id);
	pf = &p->profiles[v->profile];
	if (v->max_tasks >= 0 && rt->n_steps > v->max_tasks)
		return chk_fail(c, "route %d (vehicle \"%s\"): max_tasks: %d "
		    "jobs > %d", r, v->id, rt->n_steps, v->max_tasks);

	/* The vehicle leaves with every delivery of the route on board. */
	for (int k = 0; k < rt->n_steps; k++) {
		if (rt->steps[k].job < 0 || rt->steps[k].job >= p->n_jobs)
			return chk_fail(c, "route %d step %d: job index %d out "
			    "of range", r, k, rt->steps[k].job);
		for (int dm = 0; dm < p->n_dims; dm++)
			load[dm] += p->jobs[rt->steps[k].job].delivery[dm];
	}
	for (int dm = 0; dm < p->n_dims; dm++) {
		if (load[dm] > v->capacity[dm])
			return chk_fail(c, "route %d (vehicle \"%s\"): capacity: "
			    "leaves with deliveries %lld > capacity %lld in "
			    "dimension %d", r, v->id, (long long)load[dm],
			    (long long)v->capacity[dm], dm);
		if (rt->delivery[dm] != load[dm])
			return chk_fail(c, "route %d: reports delivery %lld in "
			    "dimension %d, recomputed %lld", r,
			    (long long)rt->delivery[dm], dm,
			    (long long)load[dm]);
	}

	/* The vehicle may leave later than its shift starts (a solver may
	 * delay departure to avoid waiting), never earlier. */
	if (!isfinite(rt->start_time) || rt->start_time < v->tw.start - CHK_EPS)
		return chk_fail(c, "route %d (vehicle \"%s\"): shift: leaves at "
		    "%.6f, before the shift starts at %.6f", r, v->id,
		    rt->start_time, v->tw.start);
	t = rt->start_time;
	prev = v->start;
	for (int k = 0; k < rt->n_steps; k++) {
		const struct pr_step *st = &rt->steps[k];
		const struct pr_job *job;
		double arr, start, setup;

		job = &p->jobs[st->job];
		if (seen[st->job]++)
			return chk_fail(c, "job \"%s\" appears more than once "
			    "(again in route %d step %d)", job->id, r, k);
		d = chk_matrix(p, pf->durations, prev, job->location);
		arr = t + d;
		travel += d;
		dist += chk_matrix(p, pf->distances, prev, job->location);
		start = chk_service_start(job, arr);
		if (isnan(start))
			return chk_fail(c, "route %d (vehicle \"%s\") step %d, "
			    "job \"%s\": time_window: arrives at %.6f, after "
			    "its last window closed at %.6f", r, v->id, k,
			    job->id, arr, job->tw[job->n_tw - 1].end);
		waiting += start - arr;
		service += job->service;
		for (int dm = 0; dm < p->n_dims; dm++) {
			load[dm] += job->pickup[dm] - job->delivery[dm];
			picked[dm] += job->pickup[dm];
			if (load[dm] > v->capacity[dm])
				return chk_fail(c, "route %d (vehicle \"%s\") "
				    "step %d, job \"%s\": capacity: load %lld "
				    "> capacity %lld in dimension %d", r,
				    v->id, k, job->id, (long long)load[dm],
				    (long long)v->capacity[dm], dm);
		}
		/* setup unless the vehicle comes from the same location */
		setup = job->location != prev ? job->setup : 0;
		setup_total += setup;
		if (!chk_close(st->setup, setup))
			return chk_fail(c, "route %d step %d, job \"%s\": "
			    "reports setup %.6f, recomputed %.6f", r, k,
			    job->id, st->setup, setup);
		if (!chk_close(st->arrival, arr) ||
		    !chk_close(st->service_start, start) ||
		    !chk_close(st->waiting, start - arr))
			return chk_fail(c, "route %d step %d, job \"%s\": "
			    "reports arrival %.6f, start %.6f, waiting %.6f; "
			    "recomputed %.6f, %.6f, %.6f", r, k, job->id,
			    st->arrival, st->service_start, st->waiting, arr,
			    start, start - arr);
		for (int dm = 0; dm < p->n_dims; dm++)
			if (st->load[dm] != load[dm])
				return chk_fail(c, "route %d step %d, job "
				    "\"%s\": reports load %lld in dimension "
				    "%d, recomputed %lld", r, k, job->id,
				    (long long)st->load[dm], dm,
				    (long long)load[dm]);
		for (int w = 0; w < PR_SKILL_WORDS; w++)
			if (job->skills[w] & ~v->skills[w])
				return chk_fail(c, "route %d (vehicle \"%s\") "
				    "step %d, job \"%s\": skills: the vehicle "
				    "lacks a skill of the job", r, v->id, k,
				    job->id);
		if (job->pinned_vehicle >= 0 &&
		    job->pinned_vehicle != rt->vehicle)
			return chk_fail(c, "job \"%s\": pinned to vehicle %d "
			    "but on route %d (vehicle %d)", job->id,
			    job->pinned_vehicle, r, rt->vehicle);
		if (job->pinned_vehicle >= 0 && job->pinned_rank >= 0 &&
		    job->pinned_rank != k)
			return chk_fail(c, "job \"%s\": pinned at rank %d but "
			    "at rank %d of route %d", job->id,
			    job->pinned_rank, k, r);
		t = start + setup + job->service;
		prev = job->location;
	}
	d = chk_matrix(p, pf->durations, prev, v->end);
	tend = t + d;
	travel += d;
	dist += chk_matrix(p, pf->distances, prev, v->end);

	for (int dm = 0; dm < p->n_dims; dm++) {
		if (rt->load[dm] != picked[dm])
			return chk_fail(c, "route %d: reports load %lld in "
			    "dimension %d, recomputed %lld", r,
			    (long long)rt->load[dm], dm, (long long)picked[dm]);
	}
	if (tend > v->tw.end + CHK_EPS)
		return chk_fail(c, "route %d (vehicle \"%s\"): shift: reaches "
		    "its end at %.6f, after the shift ends at %.6f", r, v->id,
		    tend, v->tw.end);
	if (v->max_travel_time >= 0 && travel > v->max_travel_time + CHK_EPS)
		return chk_fail(c, "route %d (vehicle \"%s\"): "
		    "max_travel_time: travels %.6f > %.6f", r, v->id, travel,
		    v->max_travel_time);

	if (!chk_close(rt->end_time, tend))
		return chk_fail(c, "route %d: reports end %.6f; recomputed "
		    "%.6f", r, rt->end_time, tend);
	if (!chk_close(rt->distance, dist))
		return chk_fail(c, "route %d: reports distance %.6f, "
		    "recomputed %.6f", r, rt->distance, dist);
	if (!chk_close(rt->duration, tend - rt->start_time))
		return chk_fail(c, "route %d: reports duration %.6f, "
		    "recomputed %.6f", r, rt->duration, tend - rt->start_time);
	if (!chk_close(rt->setup_time, setup_total))
		return chk_fail(c, "route %d: reports setup %.6f, recomputed "
		    "%.6f", r, rt->setup_time, setup_total);
	if (!chk_close(rt->travel_time, travel) ||
	    !chk_close(rt->service_time, service) ||
	    !chk_close(rt->waiting_time, waiting))
		return chk_fail(c, "route %d: reports travel %.6f service %.6f "
		    "waiting %.6f; recomputed %.6f %.6f %.6f", r,
		    rt->travel_time, rt->service_time, rt->waiting_time,
		    travel, service, waiting);
	tot->distance += dist;
	tot->duration += tend - rt->start_time;
	tot->fixed += v->fixed_cost;
	return 0;
}

static int
chk_all(struct chk *c, const struct pr_solution *s, int *seen, int *vused,
    struct chk_totals *tot)
{
	const struct pr_problem *p = c->p;

	if (s->n_routes < 0 || s->n_unassigned < 0 ||
	    (s->n_routes > 0 && s->routes == NULL) ||
	    (s->n_unassigned > 0 && s->unassigned == NULL))
		return chk_fail(c, "bad route or unassigned counts (%d, %d)",
		    s->n_routes, s->n_unassigned);
	for (int r = 0; r < s->n_routes; r++)
		if (chk_route(c, s, r, seen, vused, tot) != 0)
			return -1;
	for (int u = 0; u < s->n_unassigned; u++) {
		const struct pr_unassigned *un = &s->unassigned[u];
		const struct pr_job *job;

		if (un->job < 0 || un->job >= p->n_jobs)
			return chk_fail(c, "unassigned %d: job index %d out of "
			    "range", u, un->job);
		job = &p->jobs[un->job];
		if (seen[un->job]++)
			return chk_fail(c, "job \"%s\" is both routed and "
			    "unassigned, or unassigned twice", job->id);
		if (memchr(un->reason, '\0', sizeof(un->reason)) == NULL ||
		    un->reason[0] == '\0')
			return chk_fail(c, "unassigned job \"%s\" has no "
			    "reason", job->id);
		if (job->pinned_vehicle >= 0)
			return chk_fail(c, "job \"%s\" is pinned to vehicle %d "
			    "but unassigned (%s)", job->id,
			    job->pinned_vehicle, un->reason);
	}
	for (int j = 0; j < p->n_jobs; j++)
		if (seen[j] != 1)
			return chk_fail(c, "job \"%s\" is neither routed nor "
			    "unassigned", p->jobs[j].id);
	if (!chk_close(s->distance, tot->distance))
		return chk_fail(c, "solution reports distance %.6f, "
		    "recomputed %.6f", s->distance, tot->distance);
	if (!chk_close(s->duration, tot->duration))
		return chk_fail(c, "solution reports duration %.6f, "
		    "recomputed %.6f", s->duration, tot->duration);
	if (!chk_close(s->cost, tot->distance + tot->fixed))
		return chk_fail(c, "solution reports cost %.6f, recomputed "
		    "%.6f (distance %.6f + fixed costs %.6f)", s->cost,
		    tot->distance + tot->fixed, tot->distance, tot->fixed);
	return 0;
}

int
chk_solution(const struct pr_problem *p, const struct pr_solution *s,
    double *out_distance, char *why, size_t whylen)
{
	struct chk c = { p, why, whylen };
	struct chk_totals tot = { 0, 0, 0 };
	int *seen, *vused, rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out_distance != NULL)
		*out_distance = 0;
	if (p == NULL || s == NULL)
		return chk_fail(&c, "no problem or no solution");
	seen = calloc((size_t)p->n_jobs + 1, sizeof(*seen));
	vused = calloc((size_t)p->n_vehicles + 1, sizeof(*vused));
	if (seen == NULL || vused == NULL) {
		free(seen);
		free(vused);
		return chk_fail(&c, "out of memory");
	}
	rc = chk_all(&c, s, seen, vused, &tot);
	free(seen);
	free(vused);
	if (out_distance != NULL)
		*out_distance = tot.distance;
	return rc;
}
