/* route_seg.c: the route evaluator over cached segments: a route's schedule at every position, and exact O(k) checks of the search's moves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "route_time.h"

/* Room in es, la and lan for cap positions of ns times each. */
static void
route_reserve_times(struct sroute *r, const struct pr_problem *p, int cap)
{
	size_t m = ((size_t)cap + 2) * (size_t)r->ns;

	if (m <= r->tcap && r->es != NULL)
		return;
	r->es = xreallocarray(r->es, m, sizeof(double));
	r->la = xreallocarray(r->la, m, sizeof(double));
	if (p->has_setup)
		r->lan = xreallocarray(r->lan, m, sizeof(double));
	r->tcap = m;
}

void
route_reserve(struct sroute *r, const struct pr_problem *p, int n)
{
	int dims = p->n_dims;
	int cap;

	r->ns = 1 + p->vehicles[r->vehicle].n_breaks;
	r->plain = !p->has_delivery && !p->has_setup && !p->has_skills &&
	    p->vehicles[r->vehicle].n_breaks == 0 &&
	    p->vehicles[r->vehicle].max_tasks < 0;
	if (n <= r->cap && r->nodes != NULL) {
		route_reserve_times(r, p, r->cap);
		return;
	}
	cap = r->cap ? r->cap : 8;
	while (cap < n)
		cap *= 2;
	r->nodes = xreallocarray(r->nodes, (size_t)cap, sizeof(int));
	r->lc = xreallocarray(r->lc, (size_t)cap + 2, sizeof(int));
	route_reserve_times(r, p, cap);
	r->cc = xreallocarray(r->cc, (size_t)cap + 2, sizeof(double));
	r->ct = xreallocarray(r->ct, (size_t)cap + 2, sizeof(double));
	r->cl = xreallocarray(r->cl, ((size_t)cap + 2) * (size_t)dims,
	    sizeof(int64_t));
	if (p->has_delivery) {
		size_t m = ((size_t)cap + 2) * (size_t)dims;

		r->cdl = xreallocarray(r->cdl, m, sizeof(int64_t));
		r->chl = xreallocarray(r->chl, m, sizeof(int64_t));
		r->ctl = xreallocarray(r->ctl, m, sizeof(int64_t));
	}
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
	free(r->lc);
	free(r->es);
	free(r->la);
	free(r->lan);
	free(r->cc);
	free(r->ct);
	free(r->cl);
	free(r->cdl);
	free(r->chl);
	free(r->ctl);
	memset(r, 0, sizeof(*r));
}

double
route_serv(const struct sroute *r, const struct pr_problem *p, int pos)
{
	if (pos == 0 || pos == r->n + 1)
		return 0.0;
	return p->jobs[r->nodes[pos - 1]].service;
}

/* The setup at position pos of r: the job's, unless the vehicle comes
 * from its location (0 at the start and the end). */
static inline double
route_setup_at(const struct sroute *r, const struct pr_problem *p, int pos)
{
	const struct pr_job *j;

	if (!p->has_setup || pos == 0 || pos == r->n + 1)
		return 0.0;
	j = &p->jobs[r->nodes[pos - 1]];
	return route_loc(r, p, pos - 1) != j->location ? j->setup : 0.0;
}

/* The latest task start at position pos of r, b breaks taken before it,
 * when the vehicle arrives from location from: without setup when from
 * is its own location. */
static inline double
route_latest_from(const struct sroute *r, const struct pr_problem *p,
    int pos, int from, int b)
{
	size_t i = (size_t)pos * (size_t)r->ns + (size_t)b;

	if (p->has_setup && pos <= r->n && from == route_loc(r, p, pos))
		return r->lan[i];
	return r->la[i];
}

/* The latest task start at position pos with its own predecessor. */
static inline double
route_latest_here(const struct sroute *r, const struct pr_problem *p,
    int pos, int b)
{
	return pos == 0 ? r->la[b] :
	    route_latest_from(r, p, pos, route_loc(r, p, pos - 1), b);
}

/* The delivery stretches of r: cdl and chl forward, ctl backward. */
static void
route_update_loads(struct sroute *r, const struct pr_problem *p)
{
	int dims = p->n_dims, n = r->n;
	struct route_load h;

	memset(&h, 0, sizeof(h));
	for (int pos = 0; pos <= n + 1; pos++) {
		if (pos >= 1 && pos <= n)
			route_load_add_jobs(&h, p, &r->nodes[pos - 1], 1);
		for (int d = 0; d < dims; d++) {
			r->cdl[pos * dims + d] = h.d[d];
			r->chl[pos * dims + d] = h.l[d];
		}
	}
	/* backward: the job at pos, then the stretch after it */
	memset(&h, 0, sizeof(h));
	for (int pos = n + 1; pos >= 1; pos--) {
		if (pos <= n) {
			const struct pr_job *j = &p->jobs[r->nodes[pos - 1]];

			for (int d = 0; d < dims; d++) {
				int64_t a = (j->delivery[d] > j->pickup[d] ?
				    j->delivery[d] : j->pickup[d]) + h.d[d];
				int64_t b = h.l[d] + j->pickup[d];

				h.l[d] = a > b ? a : b;
				h.d[d] += j->delivery[d];
				h.p[d] += j->pickup[d];
			}
		}
		for (int d = 0; d < dims; d++)
			r->ctl[pos * dims + d] = h.l[d];
	}
}

/* The latest starts of r when its vehicle has breaks: per position and
 * number of breaks taken before it, through route_gap_back. */
static void
route_update_latest_breaks(struct sroute *r, const struct pr_problem *p)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int n = r->n, ns = r->ns;
	double lnext[PR_MAX_BREAKS + 1], dep[PR_MAX_BREAKS + 1];

	for (int b = 0; b < ns; b++)
		r->la[(size_t)(n + 1) * ns + b] = b == ns - 1 ? v->tw.end :
		    -INFINITY;
	for (int pos = n; pos >= 0; pos--) {
		double dr = pr_dur(p, v->travel, route_loc(r, p, pos),
		    route_loc(r, p, pos + 1)), serv = route_serv(r, p, pos);
		const struct pr_job *jb;

		for (int b = 0; b < ns; b++)
			lnext[b] = route_latest_here(r, p, pos + 1, b);
		route_gap_back(p, v, dr, lnext, dep);
		if (pos == 0) {
			for (int b = 0; b < ns; b++)
				r->la[b] = dep[b] < v->tw.end ? dep[b] :
				    v->tw.end;
			continue;
		}
		jb = &p->jobs[r->nodes[pos - 1]];
		for (int b = 0; b < ns; b++) {
			size_t i = (size_t)pos * ns + b;
			double x = dep[b] - serv;

			if (p->has_setup) {
				r->lan[i] = route_latest_start(jb, x);
				x -= jb->setup;
			}
			r->la[i] = route_latest_start(jb, x);
		}
	}
}

void
route_update(struct sroute *r, const struct pr_problem *p)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int dims = p->n_dims, n = r->n, prof = v->travel;
	struct route_state st;

	r->lc[0] = v->start;
	for (int pos = 1; pos <= n; pos++)
		r->lc[pos] = p->jobs[r->nodes[pos - 1]].location;
	r->lc[n + 1] = v->end;
	/* forward: the state at every position (missed windows and all:
	 * pinned heads are taken as they are) */
	route_begin(&st, p, r->vehicle);
	for (int b = 0; b < r->ns; b++)
		r->es[b] = st.t[b];
	r->cc[0] = 0.0;
	r->ct[0] = 0.0;
	for (int d = 0; d < dims; d++)
		r->cl[d] = 0;
	for (int pos = 1; pos <= n + 1; pos++) {
		if (pos <= n)
			(void)route_extend(&st, r->nodes[pos - 1], NULL, 0);
		else
			(void)route_finish(&st);
		if (r->ns > 1)
			memcpy(&r->es[(size_t)pos * r->ns], st.ts,
			    (size_t)r->ns * sizeof(double));
		else
			r->es[pos] = pos <= n ? st.start : st.arrival;
		for (int d = 0; d < dims; d++)
			r->cl[pos * dims + d] = st.ld.p[d];
		r->cc[pos] = st.cost;
		r->ct[pos] = st.travel;
	}
	if (p->has_delivery)
		route_update_loads(r, p);
	if (r->ns > 1) {
		route_update_latest_breaks(r, p);
		r->cost = n > 0 ? r->cc[n + 1] : 0.0;
		return;
	}
	/* backward: the latest start at every position (with setup: la as
	 * if the vehicle came from elsewhere, lan from the same place) */
	r->la[n + 1] = v->tw.end;
	for (int pos = n; pos >= 0; pos--) {
		double t = pr_dur(p, prof, route_loc(r, p, pos),
		    route_loc(r, p, pos + 1));
		double x = r->la[pos + 1] - route_serv(r, p, pos) - t;
		const struct pr_job *jb;

		if (p->has_setup)
			x = route_latest_here(r, p, pos + 1, 0) -
			    route_serv(r, p, pos) - t;
		if (pos == 0) {
			r->la[0] = x < v->tw.end ? x : v->tw.end;
			continue;
		}
		jb = &p->jobs[r->nodes[pos - 1]];
		if (p->has_setup) {
			r->lan[pos] = route_latest_start(jb, x);
			x -= jb->setup;
		}
		r->la[pos] = route_latest_start(jb, x);
	}
	r->cost = n > 0 ? r->cc[n + 1] : 0.0;
}

void
route_copy(struct sroute *dst, const struct sroute *src,
    const struct pr_problem *p)
{
	int dims = p->n_dims, n = src->n;
	size_t nt = ((size_t)n + 2) * (size_t)src->ns * sizeof(double);

	/* the vehicle first: it says how many times a position has */
	dst->vehicle = src->vehicle;
	route_reserve(dst, p, n);	/* and ns, plain */
	dst->n = n;
	dst->locked = src->locked;
	dst->cost = src->cost;
	dst->fixed = src->fixed;
	memcpy(dst->nodes, src->nodes, (size_t)n * sizeof(int));
	memcpy(dst->lc, src->lc, ((size_t)n + 2) * sizeof(int));
	memcpy(dst->es, src->es, nt);
	memcpy(dst->la, src->la, nt);
	if (p->has_setup)
		memcpy(dst->lan, src->lan, nt);
	memcpy(dst->cc, src->cc, ((size_t)n + 2) * sizeof(double));
	memcpy(dst->ct, src->ct, ((size_t)n + 2) * sizeof(double));
	memcpy(dst->cl, src->cl, ((size_t)n + 2) * (size_t)dims *
	    sizeof(int64_t));
	if (p->has_delivery) {
		size_t m = ((size_t)n + 2) * (size_t)dims * sizeof(int64_t);

		memcpy(dst->cdl, src->cdl, m);
		memcpy(dst->chl, src->chl, m);
		memcpy(dst->ctl, src->ctl, m);
	}
}

double
route_cost_replace(const struct sroute *r, const struct pr_problem *p,
    int i, int j, const int *seq, int k)
{
	int prof = p->vehicles[r->vehicle].travel;
	int n = r->n, loc = route_loc(r, p, i - 1), nl;
	double d = r->cc[i - 1];

	if (n - (j - i + 1) + k == 0)
		return 0.0;
	for (int m = 0; m < k; m++) {
		int l = p->jobs[seq[m]].location;

		d += pr_cost(p, prof, loc, l);
		loc = l;
	}
	nl = route_loc(r, p, j + 1);
	d += pr_cost(p, prof, loc, nl) + (r->cc[n + 1] - r->cc[j + 1]);
	return d;
}

/* The time part of route_eval_replace when the vehicle has breaks: every
 * number of breaks taken before position i - 1 goes on through the new
 * jobs, then through the gap to position q, whose latest starts say
 * whether the rest of the route holds. */
static enum route_status __attribute__((noinline))
route_eval_breaks(const struct sroute *r, const struct pr_problem *p, int i,
    int q, const int *seq, int k, struct route_state *st)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int ns = r->ns, early = 0;
	double dep = route_serv(r, p, i - 1) + route_setup_at(r, p, i - 1);
	double arr[PR_MAX_BREAKS + 1], dr;

	st->nb = ns - 1;
	st->plan = NULL;
	for (int b = 0; b < ns; b++) {
		double e = r->es[(size_t)(i - 1) * ns + b];

		st->t[b] = e < INFINITY ? e + dep : INFINITY;
	}
	for (int m = 0; m < k; m++) {
		const struct pr_job *jb = &p->jobs[seq[m]];

		if (route_step_breaks(st, p, v, jb, jb->tw, jb->n_tw) != 0)
			return ROUTE_TIME_WINDOW;
	}
	dr = pr_dur(p, v->travel, st->loc, route_loc(r, p, q));
	for (int b = 0; b < ns; b++)
		arr[b] = INFINITY;
	for (int b = 0; b < ns; b++)
		if (st->t[b] < INFINITY)
			route_gap(p, v, st->t[b], dr, b, arr, NULL);
	for (int b = 0; b < ns; b++) {
		if (!(arr[b] < INFINITY))
			continue;
		if (arr[b] <= route_latest_from(r, p, q, st->loc, b) + PR_EPS)
			return ROUTE_OK;
		early |= b < ns - 1 && arr[b] <= v->tw.end + PR_EPS;
	}
	if (q < r->n + 1)
		return ROUTE_TIME_WINDOW;
	return early ? ROUTE_BREAK : ROUTE_SHIFT;
}

/*
 * route_eval_replace for a plain route (r->plain: pickups, windows, the
 * shift and the travel limit alone): the same rules, with what does not
 * apply left out, since this is the search's most frequent question. The
 * segment/forward test (tests/unit/test_evaluator.c) covers both paths.
 */
static enum route_status
route_eval_plain(const struct sroute *r, const struct pr_problem *p, int i,
    int j, const int *seq, int k, double *cost)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int prof = v->travel, n = r->n, q = j + 1, dims = p->n_dims, loc;
	double time, travel, t;

	/* capacity: what the head, the new jobs and the tail pick up */
	for (int d = 0; d < dims; d++) {
		int64_t load = r->cl[(i - 1) * dims + d] +
		    (r->cl[(n + 1) * dims + d] - r->cl[(q - 1) * dims + d]);

		for (int m = 0; m < k; m++)
			load += p->jobs[seq[m]].pickup[d];
		if (load > v->capacity[d])
			return ROUTE_CAPACITY;
	}
	/* time: the new jobs forward from the cached state before them,
	 * then the slack of the stretch after them */
	loc = r->lc[i - 1];
	time = r->es[i - 1] + route_serv(r, p, i - 1);
	travel = r->ct[i - 1];
	for (int m = 0; m < k; m++) {
		const struct pr_job *jb = &p->jobs[seq[m]];
		double s;

		t = pr_dur(p, prof, loc, jb->location);
		if ((s = route_window_start(jb->tw, jb->n_tw, time + t)) < 0)
			return ROUTE_TIME_WINDOW;
		time = s + jb->service;
		travel += t;
		loc = jb->location;
	}
	t = pr_dur(p, prof, loc, r->lc[q]);
	if (time + t > r->la[q] + PR_EPS)
		return q == n + 1 ? ROUTE_SHIFT : ROUTE_TIME_WINDOW;
	/* travel: so far, to the stretch after, and along it */
	travel += t + (r->ct[n + 1] - r->ct[q]);
	if (v->max_travel_time >= 0 && travel > v->max_travel_time + PR_EPS)
		return ROUTE_MAX_TRAVEL;
	*cost = route_cost_replace(r, p, i, j, seq, k);
	return ROUTE_OK;
}

enum route_status
route_eval_replace(const struct sroute *r, const struct pr_problem *p,
    int i, int j, const int *seq, int k, double *cost)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int prof = v->travel, n = r->n, q = j + 1, nl;
	struct route_load load, tail;
	struct route_state st;
	double t;

	if (i <= r->locked)
		return ROUTE_PINNED;
	if (n - (j - i + 1) + k == 0) {
		*cost = 0.0;
		return ROUTE_OK;
	}
	if (r->plain)
		return route_eval_plain(r, p, i, j, seq, k, cost);
	if (p->has_skills)
		for (int m = 0; m < k; m++)
			if (route_skills(p, r->vehicle, seq[m]) != ROUTE_OK)
				return ROUTE_SKILLS;
	if (v->max_tasks >= 0 && n - (j - i + 1) + k > v->max_tasks)
		return ROUTE_MAX_TASKS;
	/* capacity: the head, the new jobs and the tail */
	route_load_head(r, p, i - 1, &load);
	route_load_add_jobs(&load, p, seq, k);
	route_load_tail(r, p, q, &tail);
	route_load_join(&load, p, &tail);
	if (route_load_check(&load, p, r->vehicle) != ROUTE_OK)
		return ROUTE_CAPACITY;
	/* time: the new jobs forward from the cached state before them,
	 * then the slack of the stretch after them */
	st.loc = route_loc(r, p, i - 1);
	st.travel = r->ct[i - 1];
	if (r->ns > 1) {
		enum route_status rc = route_eval_breaks(r, p, i, q, seq, k,
		    &st);

		if (rc != ROUTE_OK)
			return rc;
		t = pr_dur(p, prof, st.loc, route_loc(r, p, q));
		goto travel;
	}
	st.time = r->es[i - 1] + route_serv(r, p, i - 1);
	if (p->has_setup)
		st.time += route_setup_at(r, p, i - 1);
	for (int m = 0; m < k; m++) {
		const struct pr_job *jb = &p->jobs[seq[m]];

		if (route_step(&st, p, prof, jb, jb->tw, jb->n_tw) != 0)
			return ROUTE_TIME_WINDOW;
	}
	nl = route_loc(r, p, q);
	t = pr_dur(p, prof, st.loc, nl);
	if (st.time + t > (p->has_setup ? route_latest_from(r, p, q, st.loc,
	    0) : r->la[q]) + PR_EPS)
		return q == n + 1 ? ROUTE_SHIFT : ROUTE_TIME_WINDOW;
travel:
	/* travel: so far, to the stretch after, and along it */
	st.travel += t + (r->ct[n + 1] - r->ct[q]);
	if (v->max_travel_time >= 0 &&
	    st.travel > v->max_travel_time + PR_EPS)
		return ROUTE_MAX_TRAVEL;
	*cost = route_cost_replace(r, p, i, j, seq, k);
	return ROUTE_OK;
}

/*
 * Waiting absorbs a delay, so a delay d reaches job k reduced by the
 * waiting W_k accumulated up to k; it must stay within k's slack
 * la[k] - es[k], and must not exceed the total waiting W_n, or the route
 * would end later (Savelsbergh's forward time slack). Drivers get a
 * departure time without needless waiting.
 */
double
route_departure_slack(const struct sroute *r, const struct pr_problem *p)
{
	int prof = p->vehicles[r->vehicle].travel;
	double w = 0.0, best = INFINITY;

	for (int k = 1; k <= r->n; k++) {
		double arr = r->es[k - 1] + route_serv(r, p, k - 1) +
		    pr_dur(p, prof, route_loc(r, p, k - 1), route_loc(r, p, k));
		double slack = r->la[k] - r->es[k];

		if (p->has_setup) {
			arr += route_setup_at(r, p, k - 1);
			slack = route_latest_here(r, p, k, 0) - r->es[k];
		}

		if (r->es[k] > arr)
			w += r->es[k] - arr;
		if (w + slack < best)
			best = w + slack;
	}
	if (w < best)
		best = w;
	if (r->la[0] - r->es[0] < best)
		best = r->la[0] - r->es[0];
	return best > 0 ? best : 0.0;
}

/*
 * The answer's schedule with breaks. Where each break went: back from the
 * end, the number of breaks before each position is the one whose cached
 * earliest start (es) the previous position reaches. Then, with that plan,
 * the latest departure that still arrives at the end as early: back from
 * the earliest end, each stop at its latest start.
 */
double
route_plan(const struct sroute *r, const struct pr_problem *p, int *plan)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	int n = r->n, ns = r->ns, b = ns - 1;
	double c, dep = r->es[0];

	for (int pos = n + 1; pos >= 1; pos--) {
		double target = r->es[(size_t)pos * ns + b];
		double dr = pr_dur(p, v->travel, route_loc(r, p, pos - 1),
		    route_loc(r, p, pos));
		double leave = route_serv(r, p, pos - 1) +
		    route_setup_at(r, p, pos - 1);
		int found = 0;

		for (int b0 = b; b0 >= 0; b0--) {
			double e = r->es[(size_t)(pos - 1) * ns + b0], s;
			double arr[PR_MAX_BREAKS + 1];

			if (!(e < INFINITY))
				continue;
			for (int x = 0; x < ns; x++)
				arr[x] = INFINITY;
			route_gap(p, v, e + leave, dr, b0, arr, NULL);
			s = arr[b];
			if (pos <= n && s < INFINITY) {
				const struct pr_job *jb =
				    &p->jobs[r->nodes[pos - 1]];

				s = route_window_start(jb->tw, jb->n_tw, s);
			}
			if (s >= 0 && s < INFINITY &&
			    fabs(s - target) <= 1e-9 * fmax(1, fabs(target))) {
				found = b0;
				break;
			}
		}
		plan[pos - 1] = b - found;
		b = found;
	}
	/* the latest departure with that plan */
	c = r->es[(size_t)(n + 1) * ns + ns - 1];
	b = ns - 1;
	for (int pos = n + 1; pos >= 1; pos--) {
		double dr = pr_dur(p, v->travel, route_loc(r, p, pos - 1),
		    route_loc(r, p, pos));
		int lo = b - plan[pos - 1];
		double d = route_gap_back_one(p, v, c, dr, lo, b);

		b = lo;
		if (pos == 1) {
			dep = d;
			break;
		}
		c = route_latest_start(&p->jobs[r->nodes[pos - 2]], d -
		    route_serv(r, p, pos - 1) - route_setup_at(r, p, pos - 1));
	}
	if (dep > v->tw.end)
		dep = v->tw.end;
	return dep >= r->es[0] ? dep : r->es[0];
}
