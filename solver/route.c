/* route.c: the route evaluator's rules, forward: a partial route grown job by job, breaks placed as it goes, each step saying which rule fails. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "route_time.h"

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
void
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
double
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
void
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
int
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
