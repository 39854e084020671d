/* route_time.h: the time rules of a route (windows, the drive to the next stop, breaks), shared by route.c and route_seg.c (private). */
#ifndef POSTROUTE_ROUTE_TIME_H
#define POSTROUTE_ROUTE_TIME_H

#include <math.h>

#include "route.h"

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

/* ---- breaks (route.c) ------------------------------------------------------ */

/*
 * A gap: the vehicle leaves a stop at time t having taken b breaks and
 * drives dr to the next stop. It may take the next breaks on the way,
 * each as soon as its window allows, the drive going on around it: the
 * wait for a window is spent driving while there is drive left. arr[b2]
 * gets the earliest arrival having taken breaks b..b2-1 (b2 = b: none)
 * when that is earlier than what it holds. With a plan (st not NULL),
 * exactly st->plan[st->n] breaks are taken and their times noted in st.
 */
void route_gap(const struct pr_problem *p, const struct pr_vehicle *v,
    double t, double dr, int b, double *arr, struct route_state *st);
/* The latest departure, having taken lo breaks, that takes breaks
 * lo..hi-1 on a drive of dr and arrives by c; -INFINITY when none. */
double route_gap_back_one(const struct pr_problem *p,
    const struct pr_vehicle *v, double c, double dr, int lo, int hi);
/* Backward over a gap: out[b] = the latest departure, having taken b
 * breaks, that reaches the next stop by lnext[b2] with b2 breaks taken,
 * the best b2 >= b (-INFINITY when none). */
void route_gap_back(const struct pr_problem *p, const struct pr_vehicle *v,
    double dr, const double *lnext, double *out);
/* route_step with breaks: every number of breaks taken so far goes on
 * through the gap to job j; 0, or -1 when no number of breaks reaches
 * it in a window (service then starts on arrival, as without breaks). */
int route_step_breaks(struct route_state *st, const struct pr_problem *p,
    const struct pr_vehicle *v, const struct pr_job *j,
    const struct pr_tw *tw, int n_tw);

#endif
