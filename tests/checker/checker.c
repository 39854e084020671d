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
	double cost;
};

/* What the vehicle's travel is: the profile's matrices, durations divided
 * by the vehicle's speed factor; an arc costs the profile's custom cost,
 * else per_hour x hours + per_km x km when the vehicle gives either, else
 * its distance (docs/problem-format.md). */
struct chk_travel {
	const struct pr_problem *p;
	const struct pr_vehicle *v;
	const struct pr_profile *pf;
};

static double
chk_dur(const struct chk_travel *tr, int a, int b)
{
	return chk_matrix(tr->p, tr->pf->durations, a, b) / tr->v->speed_factor;
}

static double
chk_dist(const struct chk_travel *tr, int a, int b)
{
	return chk_matrix(tr->p, tr->pf->distances, a, b);
}

static double
chk_cost(const struct chk_travel *tr, int a, int b)
{
	const struct pr_vehicle *v = tr->v;

	if (tr->pf->costs != NULL)
		return chk_matrix(tr->p, tr->pf->costs, a, b);
	if (v->per_hour >= 0 || v->per_km >= 0)
		return (v->per_hour > 0 ? v->per_hour : 0) * chk_dur(tr, a, b) /
		    3600.0 + (v->per_km > 0 ? v->per_km : 0) *
		    chk_dist(tr, a, b) / 1000.0;
	return chk_dist(tr, a, b);
}

/* The replay of one route, stop by stop. */
struct chk_replay {
	const struct pr_route *rt;
	int r;
	const struct pr_vehicle *v;
	struct chk_travel tr;
	int64_t load[PR_MAX_DIMS];
	double t, travel, dist, cost, service, waiting, setup;
	int prev;         /* location left last */
	int nbrk;         /* breaks replayed */
};

/*
 * The drive from the location left at time x->t to location to, taking
 * the breaks the route reports after `after` jobs: each starts as soon as
 * one of its windows allows, the drive going on around it (the wait for a
 * window is spent driving while there is drive left). Leaves x->t at the
 * arrival.
 */
static int
chk_drive(struct chk *c, struct chk_replay *x, int after, int to)
{
	const struct pr_problem *p = c->p;
	const struct pr_route *rt = x->rt;
	double dr = chk_dur(&x->tr, x->prev, to), rest = dr;
	double arc = chk_dist(&x->tr, x->prev, to);

	while (x->nbrk < rt->n_breaks && rt->breaks[x->nbrk].after == after) {
		const struct pr_break_step *bs = &rt->breaks[x->nbrk];
		const struct pr_break *br;
		double st = NAN, done, frac;

		if (bs->brk != x->v->breaks + x->nbrk)
			return chk_fail(c, "route %d (vehicle \"%s\"): break: "
			    "break %d reported is not the vehicle's break "
			    "%d", x->r, x->v->id, bs->brk, x->nbrk);
		br = &p->breaks[bs->brk];
		for (int w = 0; w < br->n_tw && isnan(st); w++)
			if (x->t <= br->tw[w].end + CHK_EPS)
				st = x->t > br->tw[w].start ? x->t :
				    br->tw[w].start;
		if (isnan(st))
			return chk_fail(c, "route %d (vehicle \"%s\"): break: "
			    "break \"%s\" after job %d cannot start: the "
			    "vehicle is free at %.6f, after its last window",
			    x->r, x->v->id, br->id, after, x->t);
		done = rest < st - x->t ? rest : st - x->t;
		frac = dr > 0 ? (dr - rest + done) / dr : 0;
		if (!chk_close(bs->arrival, x->t + done) ||
		    !chk_close(bs->start, st) ||
		    !chk_close(bs->waiting, st - x->t - done))
			return chk_fail(c, "route %d break \"%s\": reports "
			    "arrival %.6f, start %.6f, waiting %.6f; "
			    "recomputed %.6f, %.6f, %.6f", x->r, br->id,
			    bs->arrival, bs->start, bs->waiting, x->t + done,
			    st, st - x->t - done);
		if (!chk_close(bs->travel, x->travel + frac * dr) ||
		    !chk_close(bs->distance, x->dist + frac * arc))
			return chk_fail(c, "route %d break \"%s\": reports "
			    "travel %.6f and distance %.6f, recomputed %.6f "
			    "and %.6f", x->r, br->id, bs->travel, bs->distance,
			    x->travel + frac * dr, x->dist + frac * arc);
		for (int dm = 0; dm < p->n_dims; dm++)
			if (bs->load[dm] != x->load[dm])
				return chk_fail(c, "route %d break \"%s\": "
				    "reports load %lld, on board %lld", x->r,
				    br->id, (long long)bs->load[dm],
				    (long long)x->load[dm]);
		x->waiting += st - x->t - done;
		x->service += br->service;
		rest -= done;
		x->t = st + br->service;
		x->nbrk++;
	}
	x->t += rest;
	x->travel += dr;
	x->dist += arc;
	x->cost += chk_cost(&x->tr, x->prev, to);
	return 0;
}

static int
chk_route(struct chk *c, const struct pr_solution *s, int r, int *seen,
    int *vused, struct chk_totals *tot)
{
	const struct pr_problem *p = c->p;
	const struct pr_route *rt = &s->routes[r];
	const struct pr_vehicle *v;
	struct chk_replay x;
	int64_t picked[PR_MAX_DIMS] = { 0 };

	memset(&x, 0, sizeof(x));
	x.rt = rt;
	x.r = r;
	if (rt->vehicle < 0 || rt->vehicle >= p->n_vehicles)
		return chk_fail(c, "route %d: vehicle index %d out of range",
		    r, rt->vehicle);
	v = x.v = &p->vehicles[rt->vehicle];
	if (vused[rt->vehicle]++)
		return chk_fail(c, "route %d: vehicle \"%s\" is used by two "
		    "routes", r, v->id);
	if (rt->n_steps <= 0 || rt->steps == NULL)
		return chk_fail(c, "route %d (vehicle \"%s\"): no jobs", r,
		    v->id);
	if (v->profile < 0 || v->profile >= p->n_profiles)
		return chk_fail(c, "route %d: vehicle \"%s\" has no valid "
		    "profile", r, v->id);
	if (!(v->speed_factor > 0))
		return chk_fail(c, "route %d: vehicle \"%s\" has no valid "
		    "speed factor", r, v->id);
	x.tr.p = p;
	x.tr.v = v;
	x.tr.pf = &p->profiles[v->profile];
	if (v->max_tasks >= 0 && rt->n_steps > v->max_tasks)
		return chk_fail(c, "route %d (vehicle \"%s\"): max_tasks: %d "
		    "jobs > %d", r, v->id, rt->n_steps, v->max_tasks);
	if (rt->n_breaks != v->n_breaks || (rt->n_breaks > 0 &&
	    rt->breaks == NULL))
		return chk_fail(c, "route %d (vehicle \"%s\"): break: %d of "
		    "its %d breaks taken", r, v->id, rt->n_breaks,
		    v->n_breaks);
	for (int b = 0; b < rt->n_breaks; b++)
		if (rt->breaks[b].after < 0 || rt->breaks[b].after >
		    rt->n_steps || (b > 0 && rt->breaks[b].after <
		    rt->breaks[b - 1].after))
			return chk_fail(c, "route %d (vehicle \"%s\"): break: "
			    "break %d after %d jobs is out of place", r,
			    v->id, b, rt->breaks[b].after);

	/* The vehicle leaves with every delivery of the route on board. */
	for (int k = 0; k < rt->n_steps; k++) {
		if (rt->steps[k].job < 0 || rt->steps[k].job >= p->n_jobs)
			return chk_fail(c, "route %d step %d: job index %d out "
			    "of range", r, k, rt->steps[k].job);
		for (int dm = 0; dm < p->n_dims; dm++)
			x.load[dm] += p->jobs[rt->steps[k].job].delivery[dm];
	}
	for (int dm = 0; dm < p->n_dims; dm++) {
		if (x.load[dm] > v->capacity[dm])
			return chk_fail(c, "route %d (vehicle \"%s\"): capacity: "
			    "leaves with deliveries %lld > capacity %lld in "
			    "dimension %d", r, v->id, (long long)x.load[dm],
			    (long long)v->capacity[dm], dm);
		if (rt->delivery[dm] != x.load[dm])
			return chk_fail(c, "route %d: reports delivery %lld in "
			    "dimension %d, recomputed %lld", r,
			    (long long)rt->delivery[dm], dm,
			    (long long)x.load[dm]);
	}

	/* The vehicle may leave later than its shift starts (a solver may
	 * delay departure to avoid waiting), never earlier. */
	if (!isfinite(rt->start_time) || rt->start_time < v->tw.start - CHK_EPS)
		return chk_fail(c, "route %d (vehicle \"%s\"): shift: leaves at "
		    "%.6f, before the shift starts at %.6f", r, v->id,
		    rt->start_time, v->tw.start);
	x.t = rt->start_time;
	x.prev = v->start;
	for (int k = 0; k < rt->n_steps; k++) {
		const struct pr_step *st = &rt->steps[k];
		const struct pr_job *job = &p->jobs[st->job];
		double arr, start, setup;

		if (seen[st->job]++)
			return chk_fail(c, "job \"%s\" appears more than once "
			    "(again in route %d step %d)", job->id, r, k);
		if (chk_drive(c, &x, k, job->location) != 0)
			return -1;
		arr = x.t;
		start = chk_service_start(job, arr);
		if (isnan(start))
			return chk_fail(c, "route %d (vehicle \"%s\") step %d, "
			    "job \"%s\": time_window: arrives at %.6f, after "
			    "its last window closed at %.6f", r, v->id, k,
			    job->id, arr, job->tw[job->n_tw - 1].end);
		x.waiting += start - arr;
		x.service += job->service;
		/* setup unless the vehicle comes from the same location */
		setup = job->location != x.prev ? job->setup : 0;
		x.setup += setup;
		if (!chk_close(st->setup, setup))
			return chk_fail(c, "route %d step %d, job \"%s\": "
			    "reports setup %.6f, recomputed %.6f", r, k,
			    job->id, st->setup, setup);
		for (int dm = 0; dm < p->n_dims; dm++) {
			x.load[dm] += job->pickup[dm] - job->delivery[dm];
			picked[dm] += job->pickup[dm];
			if (x.load[dm] > v->capacity[dm])
				return chk_fail(c, "route %d (vehicle \"%s\") "
				    "step %d, job \"%s\": capacity: load %lld "
				    "> capacity %lld in dimension %d", r,
				    v->id, k, job->id, (long long)x.load[dm],
				    (long long)v->capacity[dm], dm);
		}
		if (!chk_close(st->arrival, arr) ||
		    !chk_close(st->service_start, start) ||
		    !chk_close(st->waiting, start - arr))
			return chk_fail(c, "route %d step %d, job \"%s\": "
			    "reports arrival %.6f, start %.6f, waiting %.6f; "
			    "recomputed %.6f, %.6f, %.6f", r, k, job->id,
			    st->arrival, st->service_start, st->waiting, arr,
			    start, start - arr);
		if (!chk_close(st->travel, x.travel) ||
		    !chk_close(st->distance, x.dist))
			return chk_fail(c, "route %d step %d, job \"%s\": "
			    "reports travel %.6f and distance %.6f so far, "
			    "recomputed %.6f and %.6f", r, k, job->id,
			    st->travel, st->distance, x.travel, x.dist);
		for (int dm = 0; dm < p->n_dims; dm++)
			if (st->load[dm] != x.load[dm])
				return chk_fail(c, "route %d step %d, job "
				    "\"%s\": reports load %lld in dimension "
				    "%d, recomputed %lld", r, k, job->id,
				    (long long)st->load[dm], dm,
				    (long long)x.load[dm]);
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
		x.t = start + setup + job->service;
		x.prev = job->location;
	}
	if (chk_drive(c, &x, rt->n_steps, v->end) != 0)
		return -1;
	if (x.nbrk != v->n_breaks)
		return chk_fail(c, "route %d (vehicle \"%s\"): break: %d of its "
		    "%d breaks replayed", r, v->id, x.nbrk, v->n_breaks);

	for (int dm = 0; dm < p->n_dims; dm++) {
		if (rt->load[dm] != picked[dm])
			return chk_fail(c, "route %d: reports load %lld in "
			    "dimension %d, recomputed %lld", r,
			    (long long)rt->load[dm], dm, (long long)picked[dm]);
	}
	if (x.t > v->tw.end + CHK_EPS)
		return chk_fail(c, "route %d (vehicle \"%s\"): shift: reaches "
		    "its end at %.6f, after the shift ends at %.6f", r, v->id,
		    x.t, v->tw.end);
	if (v->max_travel_time >= 0 && x.travel > v->max_travel_time + CHK_EPS)
		return chk_fail(c, "route %d (vehicle \"%s\"): "
		    "max_travel_time: travels %.6f > %.6f", r, v->id, x.travel,
		    v->max_travel_time);

	if (!chk_close(rt->end_time, x.t))
		return chk_fail(c, "route %d: reports end %.6f; recomputed "
		    "%.6f", r, rt->end_time, x.t);
	if (!chk_close(rt->distance, x.dist))
		return chk_fail(c, "route %d: reports distance %.6f, "
		    "recomputed %.6f", r, rt->distance, x.dist);
	if (!chk_close(rt->cost, x.cost + v->fixed_cost))
		return chk_fail(c, "route %d: reports cost %.6f, recomputed "
		    "%.6f", r, rt->cost, x.cost + v->fixed_cost);
	if (!chk_close(rt->duration, x.t - rt->start_time))
		return chk_fail(c, "route %d: reports duration %.6f, "
		    "recomputed %.6f", r, rt->duration, x.t - rt->start_time);
	if (!chk_close(rt->setup_time, x.setup))
		return chk_fail(c, "route %d: reports setup %.6f, recomputed "
		    "%.6f", r, rt->setup_time, x.setup);
	if (!chk_close(rt->travel_time, x.travel) ||
	    !chk_close(rt->service_time, x.service) ||
	    !chk_close(rt->waiting_time, x.waiting))
		return chk_fail(c, "route %d: reports travel %.6f service %.6f "
		    "waiting %.6f; recomputed %.6f %.6f %.6f", r,
		    rt->travel_time, rt->service_time, rt->waiting_time,
		    x.travel, x.service, x.waiting);
	tot->distance += x.dist;
	tot->duration += x.t - rt->start_time;
	tot->cost += x.cost + v->fixed_cost;
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
	if (!chk_close(s->cost, tot->cost))
		return chk_fail(c, "solution reports cost %.6f, recomputed "
		    "%.6f (the routes' arc and fixed costs)", s->cost,
		    tot->cost);
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
