/* problem.c: building, validating and freeing routing problems. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "util.h"

struct pr_problem *
pr_problem_new(int n_dims)
{
	struct pr_problem *p = xcalloc(1, sizeof(*p));

	if (n_dims < 1)
		n_dims = 1;
	if (n_dims > PR_MAX_DIMS)
		n_dims = PR_MAX_DIMS;
	p->n_dims = n_dims;
	return p;
}

/* The travel of the last finalize, freed (own arrays only). */
static void
problem_free_travel(struct pr_problem *p)
{
	for (int i = 0; i < p->n_travel; i++) {
		free(p->travel[i].own_durations);
		free(p->travel[i].own_costs);
	}
	free(p->travel);
	p->travel = NULL;
	p->n_travel = 0;
}

void
pr_problem_free(struct pr_problem *p)
{
	if (p == NULL)
		return;
	problem_free_travel(p);
	for (int i = 0; i < p->n_profiles; i++) {
		free(p->profiles[i].durations);
		free(p->profiles[i].distances);
		free(p->profiles[i].costs);
	}
	free(p->profiles);
	free(p->coords);
	free(p->jobs);
	free(p->vehicles);
	free(p->breaks);
	free(p->skill_values);
	free(p->text);
	free(p);
}

/*
 * Locations, jobs and vehicles are added one at a time (the readers do so
 * for every line): the arrays double when their count reaches a power of
 * two, so that n additions copy O(n) elements, not O(n^2) (10,000
 * vehicles took seconds; found by the Solomon fuzz target). Only these
 * functions grow the arrays.
 */
#define PROBLEM_GROW(n) (((n) & ((n) - 1)) == 0)

/* The capacity for n + 1 elements: the smallest power of two above n. */
static size_t
problem_cap(int n)
{
	size_t c = 1;

	while (c <= (size_t)n)
		c *= 2;
	return c;
}

int
pr_problem_add_location(struct pr_problem *p, double x, double y)
{
	int n = p->n_locations;

	/* Matrices are sized on finalize; adding later would invalidate them. */
	if (PROBLEM_GROW(n) || p->coords == NULL)
		p->coords = xreallocarray(p->coords, problem_cap(n),
		    2 * sizeof(double));
	p->coords[2 * n] = x;
	p->coords[2 * n + 1] = y;
	p->n_locations = n + 1;
	return n;
}

int
pr_problem_add_profile(struct pr_problem *p, const char *name,
    double speed_kmh, double circuity)
{
	struct pr_profile *pf;

	for (int i = 0; i < p->n_profiles; i++)
		if (strcmp(p->profiles[i].name, name) == 0)
			return i;
	p->profiles = xreallocarray(p->profiles, (size_t)p->n_profiles + 1,
	    sizeof(*p->profiles));
	pf = &p->profiles[p->n_profiles];
	memset(pf, 0, sizeof(*pf));
	pr_strlcpy(pf->name, name, sizeof(pf->name));
	pf->speed_kmh = speed_kmh;
	pf->circuity = circuity;
	return p->n_profiles++;
}

void
pr_job_init(struct pr_job *job)
{
	memset(job, 0, sizeof(*job));
	job->location = -1;
	job->n_tw = 1;
	job->tw[0].start = 0.0;
	job->tw[0].end = INFINITY;
	job->pinned_vehicle = -1;
	job->pinned_rank = -1;
	job->description = -1;
}

void
pr_vehicle_init(struct pr_vehicle *v)
{
	memset(v, 0, sizeof(*v));
	v->start = -1;
	v->end = -1;
	v->profile = 0;
	for (int d = 0; d < PR_MAX_DIMS; d++)
		v->capacity[d] = INT64_MAX;
	v->tw.start = 0.0;
	v->tw.end = INFINITY;
	v->max_travel_time = -1.0;
	v->per_hour = -1.0;
	v->per_km = -1.0;
	v->speed_factor = 1.0;
	v->max_tasks = -1;
	v->description = -1;
}

void
pr_break_init(struct pr_break *b)
{
	memset(b, 0, sizeof(*b));
	b->n_tw = 1;
	b->tw[0].start = 0.0;
	b->tw[0].end = INFINITY;
	b->description = -1;
}

int
pr_problem_add_job(struct pr_problem *p, const struct pr_job *job)
{
	if (PROBLEM_GROW(p->n_jobs))
		p->jobs = xreallocarray(p->jobs, problem_cap(p->n_jobs),
		    sizeof(*p->jobs));
	p->jobs[p->n_jobs] = *job;
	return p->n_jobs++;
}

int
pr_problem_add_vehicle(struct pr_problem *p, const struct pr_vehicle *v)
{
	if (PROBLEM_GROW(p->n_vehicles))
		p->vehicles = xreallocarray(p->vehicles,
		    problem_cap(p->n_vehicles), sizeof(*p->vehicles));
	p->vehicles[p->n_vehicles] = *v;
	return p->n_vehicles++;
}

int
pr_problem_add_break(struct pr_problem *p, const struct pr_break *b)
{
	if (PROBLEM_GROW(p->n_breaks))
		p->breaks = xreallocarray(p->breaks, problem_cap(p->n_breaks),
		    sizeof(*p->breaks));
	p->breaks[p->n_breaks] = *b;
	return p->n_breaks++;
}

int
pr_problem_skill(struct pr_problem *p, int64_t value)
{
	for (int i = 0; i < p->n_skills; i++)
		if (p->skill_values[i] == value)
			return i;
	if (p->n_skills >= PR_MAX_SKILLS)
		return PR_EINVAL;
	if (PROBLEM_GROW(p->n_skills))
		p->skill_values = xreallocarray(p->skill_values,
		    problem_cap(p->n_skills), sizeof(*p->skill_values));
	p->skill_values[p->n_skills] = value;
	return p->n_skills++;
}

void
pr_skill_set(uint64_t *skills, int i)
{
	if (i >= 0 && i < PR_MAX_SKILLS)
		skills[i / 64] |= (uint64_t)1 << (i % 64);
}

int
pr_problem_add_text(struct pr_problem *p, const char *s)
{
	size_t n = strlen(s) + 1, off = p->text_len;

	p->text = xreallocarray(p->text, off + n, 1);
	memcpy(p->text + off, s, n);
	p->text_len += n;
	return (int)off;
}

const char *
pr_problem_text(const struct pr_problem *p, int off)
{
	if (off < 0 || (size_t)off >= p->text_len)
		return "";
	return p->text + off;
}

double
pr_haversine_m(double lon1, double lat1, double lon2, double lat2)
{
	const double r = 6371008.8; /* mean Earth radius, metres */
	const double k = 3.14159265358979323846 / 180.0;
	double dlat = (lat2 - lat1) * k, dlon = (lon2 - lon1) * k;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1 * k) * cos(lat2 * k) * sin(dlon / 2) * sin(dlon / 2);

	if (a > 1.0)
		a = 1.0;
	return 2.0 * r * asin(sqrt(a));
}

/* Fills the matrices pf lacks; PR_ENOMEM when they cannot be allocated
 * (n^2 doubles each: the one allocation of a problem that grows with the
 * square of its input, so it fails the call, not the process). */
static int
problem_fill_matrices(struct pr_problem *p, struct pr_profile *pf, int geo,
    struct pr_error *err)
{
	size_t n = (size_t)p->n_locations;
	int need_dist = pf->distances == NULL, need_dur = pf->durations == NULL;

	if (need_dist) {
		if ((pf->distances = malloc(n * n * sizeof(double) + 1)) == NULL)
			return pr_seterr(err, PR_ENOMEM, "out of memory for "
			    "the travel matrices of profile \"%s\" (%zu "
			    "locations)", pf->name, n);
		for (size_t a = 0; a < n; a++) {
			for (size_t b = 0; b < n; b++) {
				const double *ca = &p->coords[2 * a];
				const double *cb = &p->coords[2 * b];
				double d;

				if (a == b)
					d = 0.0;
				else if (geo)
					d = pr_haversine_m(ca[0], ca[1],
					    cb[0], cb[1]) * pf->circuity;
				else
					d = hypot(ca[0] - cb[0], ca[1] - cb[1]);
				pf->distances[a * n + b] = d;
			}
		}
	}
	if (need_dur) {
		double mps = pf->speed_kmh / 3.6;

		if ((pf->durations = malloc(n * n * sizeof(double) + 1)) == NULL)
			return pr_seterr(err, PR_ENOMEM, "out of memory for "
			    "the travel matrices of profile \"%s\" (%zu "
			    "locations)", pf->name, n);
		for (size_t i = 0; i < n * n; i++)
			pf->durations[i] = geo ? pf->distances[i] / mps :
			    pf->distances[i];
	}
	return 0;
}

size_t
pr_problem_memory(int n_locations, int n_profiles, int n_jobs,
    int n_vehicles, int threads)
{
	double nl = n_locations > 0 ? n_locations : 0, m;
	double items = (double)(n_jobs > 0 ? n_jobs : 0) +
	    (n_vehicles > 0 ? n_vehicles : 0);

	if (threads < 1)
		threads = 1;
	m = 16.0 * nl * nl * (n_profiles > 0 ? n_profiles : 1);
	m += (double)(n_jobs > 0 ? n_jobs : 0) * sizeof(struct pr_job) +
	    (double)(n_vehicles > 0 ? n_vehicles : 0) *
	    sizeof(struct pr_vehicle) + 16.0 * nl;
	m += threads * ((double)PR_SEARCH_THREAD_BYTES +
	    items * PR_SEARCH_ITEM_BYTES);
	return m >= (double)SIZE_MAX ? SIZE_MAX : (size_t)m;
}

int
format_check_budget(const struct pr_read_params *rp, int n_locations,
    int n_profiles, int n_jobs, int n_vehicles, struct pr_error *err)
{
	size_t need, mat;
	double nl = n_locations;

	if (rp == NULL || rp->max_memory == 0)
		return 0;
	need = pr_problem_memory(n_locations, n_profiles, n_jobs, n_vehicles,
	    rp->threads);
	if (need <= rp->max_memory)
		return 0;
	mat = (size_t)(16.0 * nl * nl * (n_profiles > 0 ? n_profiles : 1) /
	    1048576.0);
	return pr_seterr(err, PR_ETOOBIG, "the problem needs about %zu MiB "
	    "(%d locations^2 x %d profiles x 16 bytes = %zu MiB of matrices, "
	    "%d jobs, %d vehicles), more than the limit of %zu MiB",
	    need >> 20, n_locations, n_profiles > 0 ? n_profiles : 1, mat,
	    n_jobs, n_vehicles, rp->max_memory >> 20);
}

/* Vehicles that agree on everything the solver looks at share a class, so
 * the search tries only one empty vehicle per class. */
static int
problem_same_vehicle(const struct pr_problem *p, const struct pr_vehicle *a,
    const struct pr_vehicle *b)
{
	if (a->travel != b->travel || a->start != b->start ||
	    a->end != b->end || a->tw.start != b->tw.start ||
	    a->tw.end != b->tw.end ||
	    a->max_travel_time != b->max_travel_time ||
	    a->fixed_cost != b->fixed_cost || a->max_tasks != b->max_tasks ||
	    a->n_breaks != b->n_breaks)
		return 0;
	for (int d = 0; d < p->n_dims; d++)
		if (a->capacity[d] != b->capacity[d])
			return 0;
	for (int w = 0; w < PR_SKILL_WORDS; w++)
		if (a->skills[w] != b->skills[w])
			return 0;
	for (int k = 0; k < a->n_breaks; k++) {
		const struct pr_break *x = &p->breaks[a->breaks + k],
		    *y = &p->breaks[b->breaks + k];

		if (x->service != y->service || x->n_tw != y->n_tw)
			return 0;
		for (int w = 0; w < x->n_tw; w++)
			if (x->tw[w].start != y->tw[w].start ||
			    x->tw[w].end != y->tw[w].end)
				return 0;
	}
	return 1;
}

#define PROBLEM_MAX_TRAVEL 64   /* distinct speed factors and costs */

/*
 * The travel of every vehicle: the profiles themselves first (a vehicle
 * without a speed factor or costs travels as its profile says, with the
 * distance as cost), then one entry per other (profile, speed factor,
 * per_hour, per_km) that some vehicle has. Arrays are shared unless they
 * change.
 */
static int
problem_build_travel(struct pr_problem *p, struct pr_error *err)
{
	size_t nn = (size_t)p->n_locations * (size_t)p->n_locations;

	problem_free_travel(p);
	p->travel = xcalloc((size_t)p->n_profiles + 1, sizeof(*p->travel));
	for (int i = 0; i < p->n_profiles; i++) {
		struct pr_travel *t = &p->travel[i];
		const struct pr_profile *pf = &p->profiles[i];

		t->profile = i;
		t->speed_factor = 1.0;
		t->per_hour = t->per_km = -1.0;
		t->durations = pf->durations;
		t->distances = pf->distances;
		t->costs = pf->costs != NULL ? pf->costs : pf->distances;
	}
	p->n_travel = p->n_profiles;
	for (int i = 0; i < p->n_vehicles; i++) {
		struct pr_vehicle *v = &p->vehicles[i];
		const struct pr_profile *pf = &p->profiles[v->profile];
		int k, costed = v->per_hour >= 0 || v->per_km >= 0;
		struct pr_travel *t;

		if (v->speed_factor == 1.0 && !costed) {
			v->travel = v->profile;
			continue;
		}
		if (costed && pf->costs != NULL)
			return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": "
			    "per_hour and per_km cannot be used with the "
			    "custom costs of profile \"%s\"", v->id, pf->name);
		for (k = p->n_profiles; k < p->n_travel; k++) {
			t = &p->travel[k];
			if (t->profile == v->profile &&
			    t->speed_factor == v->speed_factor &&
			    t->per_hour == (costed ? v->per_hour : -1.0) &&
			    t->per_km == (costed ? v->per_km : -1.0))
				break;
		}
		if (k == p->n_travel) {
			if (p->n_travel - p->n_profiles >= PROBLEM_MAX_TRAVEL)
				return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": "
				    "more than %d different speed factors and "
				    "costs", v->id, PROBLEM_MAX_TRAVEL);
			p->travel = xreallocarray(p->travel,
			    (size_t)p->n_travel + 1, sizeof(*p->travel));
			t = &p->travel[p->n_travel++];
			memset(t, 0, sizeof(*t));
			t->profile = v->profile;
			t->speed_factor = v->speed_factor;
			t->per_hour = costed ? v->per_hour : -1.0;
			t->per_km = costed ? v->per_km : -1.0;
			t->distances = pf->distances;
			t->durations = pf->durations;
			if (v->speed_factor != 1.0) {
				t->own_durations = xmalloc((nn + 1) *
				    sizeof(double));
				for (size_t x = 0; x < nn; x++)
					t->own_durations[x] = pf->durations[x] /
					    v->speed_factor;
				t->durations = t->own_durations;
			}
			t->costs = pf->costs != NULL ? pf->costs :
			    pf->distances;
			if (costed) {
				double ph = t->per_hour > 0 ? t->per_hour : 0,
				    pk = t->per_km > 0 ? t->per_km : 0;

				t->own_costs = xmalloc((nn + 1) *
				    sizeof(double));
				for (size_t x = 0; x < nn; x++)
					t->own_costs[x] = ph *
					    t->durations[x] / 3600.0 + pk *
					    pf->distances[x] / 1000.0;
				t->costs = t->own_costs;
			}
		}
		v->travel = k;
	}
	return 0;
}

/* Windows [0, n) sorted, disjoint and closing no earlier than they open:
 * a message for what (a job or a break) named id, or 0. */
static int
problem_check_tw(const struct pr_tw *tw, int n, const char *what,
    const char *id, struct pr_error *err)
{
	if (n < 1 || n > PR_MAX_TW)
		return pr_seterr(err, PR_EINVAL, "%s \"%s\": needs 1 to %d "
		    "time windows", what, id, PR_MAX_TW);
	for (int w = 0; w < n; w++) {
		if (!(tw[w].start <= tw[w].end))
			return pr_seterr(err, PR_EINVAL, "%s \"%s\": time "
			    "window %d closes before it opens", what, id, w);
		if (w > 0 && !(tw[w].start > tw[w - 1].end))
			return pr_seterr(err, PR_EINVAL, "%s \"%s\": time "
			    "windows must be sorted and disjoint", what, id);
	}
	return 0;
}

/* A vehicle's speed factor, costs, task limit and breaks. */
static int
problem_check_vehicle(const struct pr_problem *p, const struct pr_vehicle *v,
    struct pr_error *err)
{
	if (!(v->speed_factor > 0) || isinf(v->speed_factor))
		return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": speed "
		    "factor must be a positive number", v->id);
	if (isnan(v->per_hour) || isinf(v->per_hour) || isnan(v->per_km) ||
	    isinf(v->per_km) || isnan(v->fixed_cost) ||
	    isinf(v->fixed_cost) || v->fixed_cost < 0)
		return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": costs must "
		    "be finite (fixed >= 0)", v->id);
	if (v->n_breaks < 0 || v->n_breaks > PR_MAX_BREAKS ||
	    (v->n_breaks > 0 && (v->breaks < 0 ||
	    v->breaks + v->n_breaks > p->n_breaks)))
		return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": breaks out "
		    "of range (at most %d)", v->id, PR_MAX_BREAKS);
	for (int k = 0; k < v->n_breaks; k++) {
		const struct pr_break *b = &p->breaks[v->breaks + k];

		if (problem_check_tw(b->tw, b->n_tw, "break", b->id, err) != 0)
			return PR_EINVAL;
		if (!(b->service >= 0) || isinf(b->service))
			return pr_seterr(err, PR_EINVAL, "break \"%s\": "
			    "service must be a finite number >= 0", b->id);
	}
	return 0;
}

int
pr_problem_finalize(struct pr_problem *p, int geo, struct pr_error *err)
{
	return problem_finalize(p, geo, NULL, err);
}

int
problem_finalize(struct pr_problem *p, int geo,
    const struct pr_read_params *rp, struct pr_error *err)
{
	int nl = p->n_locations, rc;

	if (p->n_profiles == 0)
		pr_problem_add_profile(p, "default", 30.0, 1.0);
	/* the budget, before the matrices are filled */
	if ((rc = format_check_budget(rp, nl, p->n_profiles, p->n_jobs,
	    p->n_vehicles, err)) != 0)
		return rc;
	for (int i = 0; i < p->n_profiles; i++) {
		struct pr_profile *pf = &p->profiles[i];

		if ((pf->distances == NULL || pf->durations == NULL) &&
		    p->coords == NULL)
			return pr_seterr(err, PR_EINVAL, "profile \"%s\": no "
			    "matrices and no coordinates", pf->name);
		if (geo && pf->durations == NULL && !(pf->speed_kmh > 0))
			return pr_seterr(err, PR_EINVAL, "profile \"%s\": "
			    "speed must be positive", pf->name);
		if (geo && pf->distances == NULL && !(pf->circuity >= 1.0))
			return pr_seterr(err, PR_EINVAL, "profile \"%s\": "
			    "circuity must be >= 1", pf->name);
		if (p->coords != NULL && geo) {
			for (int l = 0; l < nl; l++) {
				double lon = p->coords[2 * l],
				    lat = p->coords[2 * l + 1];

				if (!(lon >= -180 && lon <= 180 && lat >= -90 &&
				    lat <= 90))
					return pr_seterr(err, PR_EINVAL,
					    "location %d: [%g, %g] is not a "
					    "[lon, lat] pair", l, lon, lat);
			}
		}
		if ((rc = problem_fill_matrices(p, pf, geo, err)) != 0)
			return rc;
		for (size_t k = 0; k < (size_t)nl * nl; k++) {
			if (!(pf->durations[k] >= 0) ||
			    !(pf->distances[k] >= 0) ||
			    isinf(pf->durations[k]) || isinf(pf->distances[k]))
				return pr_seterr(err, PR_EINVAL, "profile "
				    "\"%s\": matrix entry [%zu][%zu] is "
				    "negative or not finite", pf->name,
				    k / nl, k % nl);
			if (pf->costs != NULL && (!(pf->costs[k] >= 0) ||
			    isinf(pf->costs[k])))
				return pr_seterr(err, PR_EINVAL, "profile "
				    "\"%s\": cost entry [%zu][%zu] is "
				    "negative or not finite", pf->name,
				    k / nl, k % nl);
		}
	}
	p->has_delivery = p->has_setup = p->has_skills = 0;
	for (int i = 0; i < p->n_jobs; i++) {
		struct pr_job *j = &p->jobs[i];

		if (j->location < 0 || j->location >= nl)
			return pr_seterr(err, PR_EINVAL, "job \"%s\": location "
			    "index %d out of range [0, %d)", j->id,
			    j->location, nl);
		if (!(j->service >= 0) || isinf(j->service) ||
		    !(j->setup >= 0) || isinf(j->setup))
			return pr_seterr(err, PR_EINVAL, "job \"%s\": service "
			    "and setup must be finite numbers >= 0", j->id);
		for (int d = 0; d < p->n_dims; d++)
			if (j->pickup[d] < 0 || j->delivery[d] < 0)
				return pr_seterr(err, PR_EINVAL, "job \"%s\": "
				    "negative pickup or delivery amount",
				    j->id);
		if (problem_check_tw(j->tw, j->n_tw, "job", j->id, err) != 0)
			return PR_EINVAL;
		if (j->priority < 0 || j->priority > 100)
			return pr_seterr(err, PR_EINVAL, "job \"%s\": priority "
			    "must be in [0, 100]", j->id);
		if (j->pinned_vehicle >= p->n_vehicles)
			return pr_seterr(err, PR_EINVAL, "job \"%s\": pinned "
			    "vehicle out of range", j->id);
		for (int d = 0; d < p->n_dims; d++)
			if (j->delivery[d] != 0)
				p->has_delivery = 1;
		if (j->setup > 0)
			p->has_setup = 1;
		for (int w = 0; w < PR_SKILL_WORDS; w++)
			if (j->skills[w] != 0)
				p->has_skills = 1;
	}
	for (int i = 0; i < p->n_vehicles; i++) {
		struct pr_vehicle *v = &p->vehicles[i];

		if (v->profile < 0 || v->profile >= p->n_profiles)
			return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": "
			    "unknown profile", v->id);
		if (v->start >= nl || v->end >= nl || v->start < -1 ||
		    v->end < -1)
			return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": "
			    "location index out of range [0, %d)", v->id, nl);
		if (!(v->tw.start <= v->tw.end))
			return pr_seterr(err, PR_EINVAL, "vehicle \"%s\": time "
			    "window closes before it opens", v->id);
		for (int d = 0; d < p->n_dims; d++)
			if (v->capacity[d] < 0)
				return pr_seterr(err, PR_EINVAL, "vehicle "
				    "\"%s\": negative capacity", v->id);
		if (problem_check_vehicle(p, v, err) != 0)
			return PR_EINVAL;
	}
	if (problem_build_travel(p, err) != 0)
		return PR_EINVAL;
	for (int i = 0; i < p->n_vehicles; i++) {
		struct pr_vehicle *v = &p->vehicles[i];

		v->vclass = i;
		for (int k = 0; k < i; k++) {
			if (problem_same_vehicle(p, v, &p->vehicles[k])) {
				v->vclass = p->vehicles[k].vclass;
				break;
			}
		}
	}
	return 0;
}
