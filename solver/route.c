/* route.c: a route's cached schedule and exact, cheap move evaluation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

void
route_reserve(struct sroute *r, const struct pr_problem *p, int n)
{
	int dims = p->n_dims;
	int cap;

	if (n <= r->cap && r->nodes != NULL)
		return;
	cap = r->cap ? r->cap : 8;
	while (cap < n)
		cap *= 2;
	r->nodes = xreallocarray(r->nodes, (size_t)cap, sizeof(int));
	r->es = xreallocarray(r->es, (size_t)cap + 2, sizeof(double));
	r->la = xreallocarray(r->la, (size_t)cap + 2, sizeof(double));
	r->cd = xreallocarray(r->cd, (size_t)cap + 2, sizeof(double));
	r->ct = xreallocarray(r->ct, (size_t)cap + 2, sizeof(double));
	r->cl = xreallocarray(r->cl, ((size_t)cap + 2) * (size_t)dims,
	    sizeof(int64_t));
	r->cap = cap;
}

void
route_init(struct sroute *r, const struct pr_problem *p, int vehicle)
{
	memset(r, 0, sizeof(*r));
	r->vehicle = vehicle;
	r->fixed = p->vehicles[vehicle].fixed_cost;
	route_reserve(r, p, 4);
	route_update(r, p);
}

void
route_free(struct sroute *r)
{
	free(r->nodes);
	free(r->es);
	free(r->la);
	free(r->cd);
	free(r->ct);
	free(r->cl);
	memset(r, 0, sizeof(*r));
}

double
route_serv(const struct sroute *r, const struct pr_problem *p, int pos)
{
	if (pos == 0 || pos == r->n + 1)
		return 0.0;
	return p->jobs[r->nodes[pos - 1]].service;
}

/* The latest service start at job j, no later than x, inside a window;
 * -INFINITY when every window opens after x. */
static double
route_latest_start(const struct pr_job *j, double x)
{
	for (int w = j->n_tw - 1; w >= 0; w--) {
		if (j->tw[w].start <= x + PR_EPS)
			return x < j->tw[w].end ? x : j->tw[w].end;
	}
	return -INFINITY;
}

void
route_update(struct sroute *r, const struct pr_problem *p)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int dims = p->n_dims, n = r->n, prof = v->profile;
	int prev = v->start;

	r->es[0] = v->tw.start;
	r->cd[0] = 0.0;
	r->ct[0] = 0.0;
	for (int d = 0; d < dims; d++)
		r->cl[d] = 0;
	for (int pos = 1; pos <= n + 1; pos++) {
		int loc = route_loc(r, p, pos);
		double t = pr_dur(p, prof, prev, loc);
		double a = r->es[pos - 1] + route_serv(r, p, pos - 1) + t;

		if (pos <= n) {
			const struct pr_job *j = &p->jobs[r->nodes[pos - 1]];
			double s = pr_job_start(j, a);

			r->es[pos] = s < 0 ? a : s;
			for (int d = 0; d < dims; d++)
				r->cl[pos * dims + d] =
				    r->cl[(pos - 1) * dims + d] + j->pickup[d];
		} else {
			r->es[pos] = a;
			for (int d = 0; d < dims; d++)
				r->cl[pos * dims + d] =
				    r->cl[(pos - 1) * dims + d];
		}
		r->cd[pos] = r->cd[pos - 1] + pr_dist(p, prof, prev, loc);
		r->ct[pos] = r->ct[pos - 1] + t;
		prev = loc;
	}
	r->la[n + 1] = v->tw.end;
	for (int pos = n; pos >= 0; pos--) {
		double t = pr_dur(p, prof, route_loc(r, p, pos),
		    route_loc(r, p, pos + 1));
		double x = r->la[pos + 1] - route_serv(r, p, pos) - t;

		if (pos == 0)
			r->la[0] = x < v->tw.end ? x : v->tw.end;
		else
			r->la[pos] = route_latest_start(
			    &p->jobs[r->nodes[pos - 1]], x);
	}
	r->distance = n > 0 ? r->cd[n + 1] : 0.0;
}

void
route_copy(struct sroute *dst, const struct sroute *src,
    const struct pr_problem *p)
{
	int dims = p->n_dims, n = src->n;

	route_reserve(dst, p, n);
	dst->vehicle = src->vehicle;
	dst->n = n;
	dst->locked = src->locked;
	dst->distance = src->distance;
	dst->fixed = src->fixed;
	memcpy(dst->nodes, src->nodes, (size_t)n * sizeof(int));
	memcpy(dst->es, src->es, ((size_t)n + 2) * sizeof(double));
	memcpy(dst->la, src->la, ((size_t)n + 2) * sizeof(double));
	memcpy(dst->cd, src->cd, ((size_t)n + 2) * sizeof(double));
	memcpy(dst->ct, src->ct, ((size_t)n + 2) * sizeof(double));
	memcpy(dst->cl, src->cl, ((size_t)n + 2) * (size_t)dims *
	    sizeof(int64_t));
}

int
route_eval_replace(const struct sroute *r, const struct pr_problem *p,
    int i, int j, const int *seq, int k, double *dist)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int dims = p->n_dims, prof = v->profile, n = r->n;
	int loc, q, nl, newn;
	double time, dd, tt, t, a;

	if (i <= r->locked)
		return -1;
	newn = n - (j - i + 1) + k;
	if (newn == 0) {
		*dist = 0.0;
		return 0;
	}
	/* capacity */
	for (int d = 0; d < dims; d++) {
		int64_t load = r->cl[(n + 1) * dims + d] -
		    (r->cl[j * dims + d] - r->cl[(i - 1) * dims + d]);

		for (int m = 0; m < k; m++)
			load += p->jobs[seq[m]].pickup[d];
		if (load > v->capacity[d])
			return -1;
	}
	loc = route_loc(r, p, i - 1);
	time = r->es[i - 1] + route_serv(r, p, i - 1);
	dd = r->cd[i - 1];
	tt = r->ct[i - 1];
	for (int m = 0; m < k; m++) {
		const struct pr_job *jb = &p->jobs[seq[m]];
		double s;

		t = pr_dur(p, prof, loc, jb->location);
		a = time + t;
		if (jb->n_tw == 1) {
			if (a > jb->tw[0].end + PR_EPS)
				return -1;
			s = a > jb->tw[0].start ? a : jb->tw[0].start;
		} else if ((s = pr_job_start(jb, a)) < 0)
			return -1;
		time = s + jb->service;
		dd += pr_dist(p, prof, loc, jb->location);
		tt += t;
		loc = jb->location;
	}
	q = j + 1;
	nl = route_loc(r, p, q);
	t = pr_dur(p, prof, loc, nl);
	if (time + t > r->la[q] + PR_EPS)
		return -1;
	dd += pr_dist(p, prof, loc, nl) + (r->cd[n + 1] - r->cd[q]);
	tt += t + (r->ct[n + 1] - r->ct[q]);
	if (v->max_travel_time >= 0 && tt > v->max_travel_time + PR_EPS)
		return -1;
	*dist = dd;
	return 0;
}
