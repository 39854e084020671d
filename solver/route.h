/* route.h: one vehicle's route with its cached schedule, and exact, cheap evaluation of changes to it (private). */
#ifndef POSTROUTE_ROUTE_H
#define POSTROUTE_ROUTE_H

#include "util.h"

/*
 * A route caches, for every position p in [0, n+1] (0 = the start,
 * 1..n = the jobs, n+1 = the end):
 *
 *   es[p]  earliest service start (p = 0: departure; p = n+1: arrival)
 *   la[p]  latest service start that keeps the rest of the route feasible
 *   cd[p]  distance driven from the start to p
 *   ct[p]  travel time from the start to p
 *   cl[p]  load picked up at positions 0..p (dims values per position)
 *
 * With these, replacing any stretch of a route by a short sequence of jobs
 * is checked in time proportional to the sequence (route_eval_replace):
 * simulate the new jobs forward from es[] of the position before, then one
 * comparison with la[] of the position after decides the rest (waiting is
 * allowed, so arriving earlier never hurts). This is the forward/backward
 * time-slack scheme of Savelsbergh (1992) and Kindervater & Savelsbergh
 * (1997), exact also for jobs with several windows because la[] is computed
 * window by window.
 *
 * A route belongs to one thread at a time; the problem is only read.
 */

struct sroute {
	int vehicle;
	int n;              /* jobs on the route */
	int cap;            /* allocated positions for jobs */
	int locked;         /* leading jobs pinned in place */
	int *nodes;         /* job indices, n */
	double *es, *la, *cd, *ct;
	int64_t *cl;
	double distance;    /* cd[n+1] */
	double fixed;       /* vehicle fixed cost when used */
};

/* An empty route of vehicle; route_free releases it. */
void route_init(struct sroute *r, const struct pr_problem *p, int vehicle);
void route_free(struct sroute *r);
/* Room for n jobs (the cached arrays grow with nodes). */
void route_reserve(struct sroute *r, const struct pr_problem *p, int n);
/* Recomputes the cache after nodes or n changed. */
void route_update(struct sroute *r, const struct pr_problem *p);
/* dst becomes a copy of src (dst initialised by route_init). */
void route_copy(struct sroute *dst, const struct sroute *src,
    const struct pr_problem *p);

/* Location at position pos (0: the start, n + 1: the end); inline, since
 * the local search calls it for every move it prices. */
static inline int
route_loc(const struct sroute *r, const struct pr_problem *p, int pos)
{
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];

	if (pos == 0)
		return v->start;
	if (pos == r->n + 1)
		return v->end;
	return p->jobs[r->nodes[pos - 1]].location;
}

/* Service time at position pos (0 at the start and the end). */
double route_serv(const struct sroute *r, const struct pr_problem *p,
    int pos);

/* New distance of r when positions [i, j] (1-based, j = i - 1 for none)
 * are replaced by seq[0..k-1]; returns 0 and sets *dist, or -1 when the
 * result violates a constraint. */
int route_eval_replace(const struct sroute *r, const struct pr_problem *p,
    int i, int j, const int *seq, int k, double *dist);

#endif
