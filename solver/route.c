/* route.c: the route evaluator: the rules of a route, forward and over cached segments, for every caller. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

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

const char *
route_status_name(enum route_status st)
{
	switch (st) {
	case ROUTE_OK:
		return "";
	case ROUTE_CAPACITY:
		return "capacity";
	case ROUTE_TIME_WINDOW:
		return "time_window";
	case ROUTE_SHIFT:
		return "shift";
	case ROUTE_MAX_TRAVEL:
		return "max_travel_time";
	case ROUTE_SKILLS:
		return "skills";
	case ROUTE_MAX_TASKS:
		return "max_tasks";
	case ROUTE_BREAK:
		return "break";
	case ROUTE_PINNED:
		return "pinned";
	}
	return "";
}

/* ---- the rules, forward -------------------------------------------------- */

/* The earliest service start at or after arrival a inside one of the
 * windows tw[0..n), or -1 after the last one closes. */
static inline double
route_window_start(const struct pr_tw *tw, int n, double a)
{
	for (int i = 0; i < n; i++) {
		if (a <= tw[i].end + PR_EPS)
			return a > tw[i].start ? a : tw[i].start;
	}
	return -1.0;
}

/* The latest start no later than x inside one of the windows tw[0..n);
 * -INFINITY when every window opens after x. */
static inline double
route_latest_in(const struct pr_tw *tw, int n, double x)
{
	for (int w = n - 1; w >= 0; w--) {
		if (tw[w].start <= x + PR_EPS)
			return x < tw[w].end ? x : tw[w].end;
	}
	return -INFINITY;
}

/* The latest service start at job j, no later than x, inside a window;
 * -INFINITY when every window opens after x. */
static inline double
route_latest_start(const struct pr_job *j, double x)
{
	return route_latest_in(j->tw, j->n_tw, x);
}

/* ---- breaks -------------------------------------------------------------- */

/*
 * A gap: the vehicle leaves a stop at time t having taken b breaks and
 * drives dr to the next stop. It may take the next breaks on the way,
 * each as soon as its window allows, the drive going on around it: the
 * wait for a window is spent driving while there is drive left. arr[b2]
 * gets the earliest arrival having taken breaks b..b2-1 (b2 = b: none)
 * when that is earlier than what it holds. With a plan, exactly
 * st->plan[gap] breaks are taken and their times noted in st.
 */
static inline void
route_gap(const struct pr_problem *p, const struct pr_vehicle *v, double t,
    double dr, int b, double *arr, struct route_state *st)
{
	double rest = dr;
	int last = v->n_breaks;

	if (st != NULL && st->plan != NULL)
		last = b + st->plan[st->n];
	if (last > v->n_breaks)
		last = v->n_breaks;
	if (st == NULL || st->plan == NULL || last == b)
		if (t + rest < arr[b])
			arr[b] = t + rest;
	for (int k = b; k < last; k++) {
		const struct pr_break *br = &p->breaks[v->breaks + k];
		double s = route_window_start(br->tw, br->n_tw, t), done;

		if (s < 0)
			return;
		done = rest < s - t ? rest : s - t;
		if (st != NULL && st->plan != NULL) {
			st->b_arr[k] = t + done;
			st->b_start[k] = s;
			st->b_drive[k] = dr > 0 ? (dr - rest + done) / dr : 0;
		}
		rest -= done;
		t = s + br->service;
		if ((st == NULL || st->plan == NULL || k + 1 == last) &&
		    t + rest < arr[k + 1])
			arr[k + 1] = t + rest;
	}
}

/* The latest departure, having taken lo breaks, that takes breaks
 * lo..hi-1 on a drive of dr and arrives by c; -INFINITY when none. */
static inline double
route_gap_back_one(const struct pr_problem *p, const struct pr_vehicle *v,
    double c, double dr, int lo, int hi)
{
	double rest = dr;

	for (int k = hi - 1; k >= lo; k--) {
		const struct pr_break *br = &p->breaks[v->breaks + k];
		double s;

		c -= br->service;
		if ((s = route_latest_in(br->tw, br->n_tw, c)) == -INFINITY)
			return -INFINITY;
		rest = rest > c - s ? rest - (c - s) : 0;
		c = s;
	}
	return c - rest;
}

/* Backward over a gap: out[b] = the latest departure, having taken b
 * breaks, that reaches the next stop by lnext[b2] with b2 breaks taken,
 * the best b2 >= b (-INFINITY when none). */
static void
route_gap_back(const struct pr_problem *p, const struct pr_vehicle *v,
    double dr, const double *lnext, double *out)
{
	int nb = v->n_breaks;

	for (int b = 0; b <= nb; b++)
		out[b] = -INFINITY;
	for (int b2 = 0; b2 <= nb; b2++) {
		double c = lnext[b2], rest = dr;

		if (c == -INFINITY)
			continue;
		if (c - rest > out[b2])
			out[b2] = c - rest;
		for (int k = b2 - 1; k >= 0; k--) {
			const struct pr_break *br = &p->breaks[v->breaks + k];
			double s;

			c -= br->service;
			s = route_latest_in(br->tw, br->n_tw, c);
			if (s == -INFINITY)
				break;
			rest = rest > c - s ? rest - (c - s) : 0;
			c = s;
			if (c - rest > out[k])
				out[k] = c - rest;
		}
	}
}

/* route_step with breaks: every number of breaks taken so far goes on
 * through the gap to job j; 0, or -1 when no number of breaks reaches
 * it in a window (service then starts on arrival, as without breaks). */
static int
route_step_breaks(struct route_state *st, const struct pr_problem *p,
    const struct pr_vehicle *v, const struct pr_job *j,
    const struct pr_tw *tw, int n_tw)
{
	double dr = pr_dur(p, v->travel, st->loc, j->location);
	double arr[PR_MAX_BREAKS + 1], setup;
	int nb = st->nb, any = 0, missed;

	for (int b = 0; b <= nb; b++)
		arr[b] = INFINITY;
	for (int b = 0; b <= nb; b++)
		if (st->t[b] < INFINITY)
			route_gap(p, v, st->t[b], dr, b, arr, st);
	setup = p->has_setup && st->loc != j->location ? j->setup : 0.0;
	for (int b = 0; b <= nb; b++) {
		double s = arr[b] < INFINITY ?
		    route_window_start(tw, n_tw, arr[b]) : -1.0;

		if (s < 0) {
			st->ts[b] = st->t[b] = INFINITY;
			continue;
		}
		st->ts[b] = s;
		st->t[b] = s + setup + j->service;
		if (!any) {
			st->arrival = arr[b];
			st->start = s;
		}
		any = 1;
	}
	if ((missed = !any)) {
		/* missed: serve on arrival, to see the rest of the route */
		for (int b = 0; b <= nb; b++) {
			st->ts[b] = arr[b];
			st->t[b] = arr[b] < INFINITY ? arr[b] + setup +
			    j->service : INFINITY;
			if (!any && arr[b] < INFINITY) {
				st->arrival = st->start = arr[b];
				any = 1;
			}
		}
	}
	st->setup = setup;
	st->travel += dr;
	st->loc = j->location;
	return missed ? -1 : 0;
}

/* The time part of route_extend: drive from st->loc to job j and serve
 * it; 0, or -1 when it arrives after the last window (service then starts
 * on arrival). */
static inline int
route_step(struct route_state *st, const struct pr_problem *p, int prof,
    const struct pr_job *j, const struct pr_tw *tw, int n_tw)
{
	double t = pr_dur(p, prof, st->loc, j->location), s;
	int rc = 0;

	st->arrival = st->time + t;
	if ((s = route_window_start(tw, n_tw, st->arrival)) < 0) {
		s = st->arrival;
		rc = -1;
	}
	st->start = s;
	if (p->has_setup) {
		st->setup = st->loc != j->location ? j->setup : 0.0;
		st->time = s + st->setup + j->service;
	} else
		st->time = s + j->service;
	st->travel += t;
	st->loc = j->location;
	return rc;
}

void
route_begin(struct route_state *st, const struct pr_problem *p, int vehicle)
{
	const struct pr_vehicle *v = &p->vehicles[vehicle];

	st->p = p;
	st->vehicle = vehicle;
	st->loc = v->start;
	st->nb = v->n_breaks;
	st->plan = NULL;
	st->t[0] = v->tw.start;
	for (int b = 1; b <= st->nb; b++)
		st->t[b] = INFINITY;
	st->dist = 0.0;
	st->cost = 0.0;
	st->travel = 0.0;
	st->n = 0;
	st->arrival = st->start = v->tw.start;
	st->setup = 0.0;
	memset(&st->ld, 0, sizeof(st->ld));
}

enum route_status
route_extend(struct route_state *st, int job, const struct pr_tw *tw,
    int n_tw)
{
	const struct pr_problem *p = st->p;
	const struct pr_vehicle *v = &p->vehicles[st->vehicle];
	const struct pr_job *j = &p->jobs[job];
	enum route_status rc = ROUTE_OK;

	if (tw == NULL) {
		tw = j->tw;
		n_tw = j->n_tw;
	}
	st->dist += pr_dist(p, v->travel, st->loc, j->location);
	st->cost += pr_cost(p, v->travel, st->loc, j->location);
	if ((st->nb == 0 ? route_step(st, p, v->travel, j, tw, n_tw) :
	    route_step_breaks(st, p, v, j, tw, n_tw)) != 0)
		rc = ROUTE_TIME_WINDOW;
	route_load_add_jobs(&st->ld, p, &job, 1);
	if (route_load_check(&st->ld, p, st->vehicle) != ROUTE_OK)
		rc = ROUTE_CAPACITY;
	if (v->max_tasks >= 0 && st->n + 1 > v->max_tasks)
		rc = ROUTE_MAX_TASKS;
	st->n++;
	if (route_skills(p, st->vehicle, job) != ROUTE_OK)
		rc = ROUTE_SKILLS;
	return rc;
}

enum route_status
route_finish(struct route_state *st)
{
	const struct pr_problem *p = st->p;
	const struct pr_vehicle *v = &p->vehicles[st->vehicle];
	double t = pr_dur(p, v->travel, st->loc, v->end);

	st->dist += pr_dist(p, v->travel, st->loc, v->end);
	st->cost += pr_cost(p, v->travel, st->loc, v->end);
	st->travel += t;
	st->loc = v->end;
	if (st->nb > 0) {
		double arr[PR_MAX_BREAKS + 1];
		int nb = st->nb, early = 0;

		for (int b = 0; b <= nb; b++)
			arr[b] = INFINITY;
		for (int b = 0; b <= nb; b++)
			if (st->t[b] < INFINITY)
				route_gap(p, v, st->t[b], t, b, arr, st);
		for (int b = 0; b <= nb; b++) {
			st->t[b] = st->ts[b] = arr[b];
			early |= b < nb && arr[b] < INFINITY &&
			    arr[b] <= v->tw.end + PR_EPS;
		}
		st->arrival = st->start = arr[nb];
		/* INFINITY: the breaks could not all be taken (a shift may
		 * end at INFINITY itself) */
		if (!(arr[nb] < INFINITY) || arr[nb] > v->tw.end + PR_EPS)
			return early ? ROUTE_BREAK : ROUTE_SHIFT;
	} else {
		st->arrival = st->start = st->time = st->time + t;
		if (st->time > v->tw.end + PR_EPS)
			return ROUTE_SHIFT;
	}
	if (v->max_travel_time >= 0 && st->travel > v->max_travel_time + PR_EPS)
		return ROUTE_MAX_TRAVEL;
	return ROUTE_OK;
}

int
route_may_finish(const struct route_state *st)
{
	const struct pr_vehicle *v = &st->p->vehicles[st->vehicle];

	return !(v->max_travel_time >= 0 &&
	    st->travel > v->max_travel_time + PR_EPS);
}

/* ---- the cached segments ------------------------------------------------- */

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
	route_reserve(dst, p, n);
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
static enum route_status
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
