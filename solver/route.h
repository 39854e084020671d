/* route.h: one vehicle's route with its cached schedule, and exact, cheap evaluation of changes to it (private). */
#ifndef POSTROUTE_ROUTE_H
#define POSTROUTE_ROUTE_H

#include "util.h"

/*
 * The route evaluator: whether a vehicle may drive a sequence of jobs is
 * decided here and nowhere else, by one set of rules (docs/solver.md):
 *
 *   capacity         the load on board stays within the vehicle's capacity
 *                    in every dimension at every point: the vehicle leaves
 *                    with the route's deliveries, each job leaves its
 *                    delivery and takes its pickup
 *   time_window      the task (setup, unless the vehicle comes from the
 *                    same location, then service) starts inside one of
 *                    the job's windows (a vehicle that arrives early waits)
 *   shift            the vehicle leaves its start no earlier than its shift
 *                    starts and reaches its end by the shift's end
 *   max_travel_time  driving time (service and waiting excluded) stays
 *                    within the vehicle's limit
 *   skills           the vehicle holds every skill of each of its jobs
 *   max_tasks        the route has at most the vehicle's max_tasks jobs
 *   break            each of the vehicle's breaks is taken, in order,
 *                    between two stops (or after the start, or before the
 *                    end), starting inside one of its windows: as soon as
 *                    the window allows after the vehicle leaves a stop, the
 *                    drive to the next stop going on around it (VROOM's
 *                    rule, so a break may fill the wait for a window)
 *
 * Two forms apply the same rules:
 *
 * - Forward: struct route_state is a partial route that route_extend()
 *   grows by one job and route_finish() drives to the vehicle's end; each
 *   says which rule failed. Whoever walks a whole route uses it: the cache
 *   below, the schedule of the answer, the exact mode's labels, the late
 *   rule (whose windows may replace a job's own) and the unassigned
 *   reasons.
 *
 * - Segments, for the search's moves: a route caches the forward state at
 *   every position and the backward time slack (struct sroute), and
 *   struct route_load is the load of a stretch of a route. A route with one
 *   stretch replaced is then checked in time proportional to the new
 *   stretch (route_eval_replace), and whether stretches of two routes fit
 *   one vehicle in O(dims) (2-opt*), in the manner of the concatenation of
 *   segments of Vidal et al. (2014) and PyVRP's LoadSegment and
 *   DurationSegment.
 *
 * A new constraint is taught here and in route.c (forward) and
 * route_seg.c (segments) alone: its state in struct route_state with its
 * rule in route_extend / route_finish; its segment data in struct sroute
 * (filled by route_update) or struct route_load with its check in
 * route_eval_replace / route_load_check; a status for the reasons (and its
 * rank and stage in solve.c's table). Callers only act on the status.
 * Issue 15 added deliveries (route_load), setup (lan), skills, max_tasks
 * and breaks (times per number of breaks taken) that way. The unit
 * tests' checker (tests/checker/) stays an independent reimplementation
 * on purpose; tests/unit/test_evaluator.c holds the segments to the
 * forward walk.
 *
 * A route caches, for every position p in [0, n+1] (0 = the start,
 * 1..n = the jobs, n+1 = the end), and for es, la and lan for every
 * number b of breaks taken before p (index p * ns + b):
 *
 *   es[p]  earliest task start (p = 0: departure; p = n+1: arrival); a
 *          task is the job's setup (unless the vehicle comes from the
 *          same location) then its service
 *   la[p]  latest task start that keeps the rest of the route feasible,
 *          as if the vehicle came from another location (lan[p]: from
 *          the same one, when the problem has setups)
 *   cc[p]  what the arcs from the start to p cost (the distance, unless
 *          the vehicle has costs: struct pr_travel)
 *   ct[p]  travel time from the start to p
 *   cl[p]  load picked up at positions 0..p (dims values per position)
 *
 * and, when the problem has deliveries (struct route_load),
 *
 *   cdl[p] load delivered at positions 0..p
 *   chl[p] the highest load of the stretch [0, p] alone
 *   ctl[p] the highest load of the stretch [p, n+1] alone
 *
 * With these, replacing any stretch of a route by a short sequence of jobs
 * is checked in time proportional to the sequence: simulate the new jobs
 * forward from es[] of the position before (the forward rules), then one
 * comparison with la[] of the position after decides the rest (waiting is
 * allowed, so arriving earlier never hurts). This is the forward/backward
 * time-slack scheme of Savelsbergh (1992) and Kindervater & Savelsbergh
 * (1997), exact also for jobs with several windows because la[] is computed
 * window by window.
 *
 * Everything here is pure; a route belongs to one thread at a time and the
 * problem is only read.
 */

/* Which rule a route breaks (ROUTE_OK: none). */
enum route_status {
	ROUTE_OK = 0,
	ROUTE_CAPACITY,
	ROUTE_TIME_WINDOW,
	ROUTE_SHIFT,
	ROUTE_MAX_TRAVEL,
	ROUTE_SKILLS,
	ROUTE_MAX_TASKS,
	ROUTE_BREAK,         /* the breaks cannot all be taken */
	ROUTE_PINNED         /* a change would move a pinned job */
};

/* The reason of struct pr_unassigned for a status: "capacity",
 * "time_window", "shift", "max_travel_time", "skills", "max_tasks",
 * "break"; "pinned"; "" for ROUTE_OK.
 * A static string. */
const char *route_status_name(enum route_status st);

/*
 * The load of a stretch of a route (PyVRP's LoadSegment): what its jobs
 * deliver (d) and pick up (p), and the highest load on board (l) if the
 * stretch were a route of its own (it leaves with d, each job leaves its
 * delivery and takes its pickup). Stretches joined in route order give the
 * stretch of both, so the loads of a changed route are checked in O(dims)
 * per stretch whatever their length: l <= capacity is the capacity rule.
 * A problem without deliveries uses p alone (d and l are not kept: the
 * highest load is then p), so that pickups cost what they always did.
 */
struct route_load {
	int64_t d[PR_MAX_DIMS], p[PR_MAX_DIMS], l[PR_MAX_DIMS];
};

/* ---- forward ------------------------------------------------------------- */

/*
 * A partial route: the vehicle's start and the jobs added so far.
 *
 * Breaks: where they go is the evaluator's choice, so the state keeps, for
 * every number b of breaks taken so far, the earliest time the vehicle may
 * leave (t[b], INFINITY when b breaks cannot have been taken): each gap
 * between stops may take the next breaks in order, and a leaving time is
 * all that matters of the past (waiting is allowed, leaving earlier never
 * hurts). Without breaks t[0] is the one time. The answer's schedule fixes
 * where each break goes (plan).
 */
struct route_state {
	const struct pr_problem *p;
	int vehicle;
	int loc;             /* where the vehicle is (-1: a start-less vehicle
	                      * before its first job) */
	int n;               /* jobs served */
	int nb;              /* the vehicle's breaks */
	union {
		double time; /* when it may leave loc: service end */
		double t[PR_MAX_BREAKS + 1];
	};
	double ts[PR_MAX_BREAKS + 1]; /* with breaks: task start at the last
	                               * job per breaks taken */
	const int *plan;     /* when not NULL: plan[g] breaks in gap g (after
	                      * g jobs), no choice (the answer) */
	double b_arr[PR_MAX_BREAKS];   /* with a plan: each break taken, when */
	double b_start[PR_MAX_BREAKS]; /* the vehicle reached it, started it, */
	double b_drive[PR_MAX_BREAKS]; /* and how far into its drive it was */
	double dist;         /* driven so far */
	double cost;         /* what the arcs driven so far cost */
	double travel;       /* travel time so far */
	double arrival;      /* at the last job (after route_finish: the end) */
	double start;        /* task start at the last job (setup, then
	                      * service) */
	double setup;        /* setup at the last job */
	struct route_load ld; /* the jobs so far as one stretch (without
	                       * deliveries, ld.l is the load on board) */
};

/* An empty route of vehicle: at its start when its shift starts (a caller
 * may set st->time later: the vehicle leaves later; with breaks, only
 * with a plan). */
void route_begin(struct route_state *st, const struct pr_problem *p,
    int vehicle);
/*
 * Drives on to job and serves it: service starts at the arrival or when
 * the job's next window opens. tw[0..n_tw) (sorted, disjoint) replaces the
 * job's own windows when tw is not NULL (the late rule). Returns the first
 * rule broken (skills, then max_tasks, capacity, time_window), or
 * ROUTE_OK. The state
 * advances either way (after a missed window, service starts on arrival),
 * so a caller may go on to see the whole schedule of an infeasible route.
 */
enum route_status route_extend(struct route_state *st, int job,
    const struct pr_tw *tw, int n_tw);
/* Drives to the vehicle's end: ROUTE_SHIFT when it arrives after the
 * shift's end, ROUTE_BREAK when it could only so without a break,
 * ROUTE_MAX_TRAVEL when it drove too long, or ROUTE_OK. */
enum route_status route_finish(struct route_state *st);
/* 0 when no way of finishing st can be feasible (the travel time is over
 * the limit already): the bound the exact mode prunes labels with. */
int route_may_finish(const struct route_state *st);

/* ---- segments ------------------------------------------------------------ */

struct sroute {
	int vehicle;
	int n;              /* jobs on the route */
	int ns;             /* times per position: 1 + the vehicle's breaks */
	int plain;          /* no delivery, setup, skill, task limit or break
	                     * concerns it: the moves take a shorter path */
	int cap;            /* allocated positions for jobs */
	size_t tcap;        /* allocated times in es, la, lan */
	int locked;         /* leading jobs pinned in place */
	int *nodes;         /* job indices, n */
	int *lc;            /* location at every position, n + 2 */
	double *es, *la, *cc, *ct;
	double *lan;        /* with setups only: la when the vehicle comes
	                     * from the same location (no setup) */
	int64_t *cl;
	int64_t *cdl, *chl, *ctl; /* with deliveries only */
	double cost;        /* cc[n+1]: what its arcs cost */
	double fixed;       /* vehicle fixed cost when used */
};

/* The cost of r's vehicle driving arcs that cost arcs with n jobs: that
 * plus the vehicle's fixed cost, 0 for an empty route. */
static inline double
route_cost(const struct sroute *r, int n, double arcs)
{
	return n > 0 ? arcs + r->fixed : 0.0;
}

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

/* Location at position pos (0: the start, n + 1: the end), cached by
 * route_update; inline, since the local search calls it for every move
 * it prices. */
static inline int
route_loc(const struct sroute *r, const struct pr_problem *p, int pos)
{
	(void)p;
	return r->lc[pos];
}

/* Service time at position pos (0 at the start and the end). */
double route_serv(const struct sroute *r, const struct pr_problem *p,
    int pos);

/* The arc cost of r when positions [i, j] (1-based, j = i - 1 for none)
 * are replaced by seq[0..k-1], feasible or not: pricing before checking. */
double route_cost_replace(const struct sroute *r, const struct pr_problem *p,
    int i, int j, const int *seq, int k);
/* Whether r with positions [i, j] replaced by seq[0..k-1] is feasible:
 * ROUTE_OK with *cost its new arc cost, or the rule it breaks
 * (ROUTE_PINNED when i is inside the pinned head). A failure of the
 * stretch after the new jobs reports ROUTE_SHIFT when that stretch is the
 * end alone, ROUTE_TIME_WINDOW otherwise (the cached slack does not say
 * which later stop or the shift binds). */
enum route_status route_eval_replace(const struct sroute *r,
    const struct pr_problem *p, int i, int j, const int *seq, int k,
    double *cost);
/* How much later than es[0] the vehicle can leave without arriving later
 * at its end or breaking a window (>= 0); vehicles without breaks. */
double route_departure_slack(const struct sroute *r,
    const struct pr_problem *p);
/* The answer's schedule of a feasible route whose vehicle has breaks:
 * plan[g] (g = 0..n) gets how many breaks go after the g-th job (0: the
 * start), and the latest departure that arrives at the end no later than
 * leaving at once is returned (walk the route forward with the plan). */
double route_plan(const struct sroute *r, const struct pr_problem *p,
    int *plan);

/* The stretch of positions [0, pos] of r. */
static inline void
route_load_head(const struct sroute *r, const struct pr_problem *p, int pos,
    struct route_load *l)
{
	int dims = p->n_dims;

	for (int d = 0; d < dims; d++)
		l->p[d] = r->cl[pos * dims + d];
	if (!p->has_delivery)
		return;
	for (int d = 0; d < dims; d++) {
		l->d[d] = r->cdl[pos * dims + d];
		l->l[d] = r->chl[pos * dims + d];
	}
}

/* The stretch of positions [pos, n + 1] of r (pos >= 1). */
static inline void
route_load_tail(const struct sroute *r, const struct pr_problem *p, int pos,
    struct route_load *l)
{
	int dims = p->n_dims, e = (r->n + 1) * dims, b = (pos - 1) * dims;

	for (int d = 0; d < dims; d++)
		l->p[d] = r->cl[e + d] - r->cl[b + d];
	if (!p->has_delivery)
		return;
	for (int d = 0; d < dims; d++) {
		l->d[d] = r->cdl[e + d] - r->cdl[b + d];
		l->l[d] = r->ctl[pos * dims + d];
	}
}

/* l followed by the stretch m. */
static inline void
route_load_join(struct route_load *l, const struct pr_problem *p,
    const struct route_load *m)
{
	if (!p->has_delivery) {
		for (int d = 0; d < p->n_dims; d++)
			l->p[d] += m->p[d];
		return;
	}
	for (int d = 0; d < p->n_dims; d++) {
		int64_t a = l->l[d] + m->d[d], b = m->l[d] + l->p[d];

		l->l[d] = a > b ? a : b;
		l->d[d] += m->d[d];
		l->p[d] += m->p[d];
	}
}

/* l followed by the jobs seq[0..k). */
static inline void
route_load_add_jobs(struct route_load *l, const struct pr_problem *p,
    const int *seq, int k)
{
	for (int m = 0; m < k; m++) {
		const struct pr_job *j = &p->jobs[seq[m]];

		if (!p->has_delivery) {
			for (int d = 0; d < p->n_dims; d++)
				l->p[d] += j->pickup[d];
			continue;
		}
		for (int d = 0; d < p->n_dims; d++) {
			int64_t a = l->l[d] + j->delivery[d],
			    b = l->p[d] + j->pickup[d];

			l->l[d] = a > b ? a : b;
			l->d[d] += j->delivery[d];
			l->p[d] += j->pickup[d];
		}
	}
}

/* The highest load of l in dimension d. */
static inline int64_t
route_load_high(const struct route_load *l, const struct pr_problem *p, int d)
{
	return p->has_delivery ? l->l[d] : l->p[d];
}

/* ROUTE_CAPACITY when l does not fit vehicle v, else ROUTE_OK. */
static inline enum route_status
route_load_check(const struct route_load *l, const struct pr_problem *p,
    int v)
{
	const int64_t *h = p->has_delivery ? l->l : l->p;

	for (int d = 0; d < p->n_dims; d++)
		if (h[d] > p->vehicles[v].capacity[d])
			return ROUTE_CAPACITY;
	return ROUTE_OK;
}

/* ROUTE_SKILLS when vehicle v lacks a skill job u needs, else ROUTE_OK. */
static inline enum route_status
route_skills(const struct pr_problem *p, int v, int u)
{
	const uint64_t *need = p->jobs[u].skills, *have = p->vehicles[v].skills;

	if (!p->has_skills)
		return ROUTE_OK;
	for (int w = 0; w < PR_SKILL_WORDS; w++)
		if (need[w] & ~have[w])
			return ROUTE_SKILLS;
	return ROUTE_OK;
}

/* 0 when job u fits nowhere in r whatever the schedule: the insertion's
 * quick reject (skills, the task limit, and loads: wherever u goes, the
 * vehicle leaves with all deliveries and ends with all pickups). */
static inline int
route_can_take(const struct sroute *r, const struct pr_problem *p, int u)
{
	const struct pr_job *j = &p->jobs[u];
	const struct pr_vehicle *v = &p->vehicles[r->vehicle];
	const int64_t *cap = v->capacity;
	int dims = p->n_dims, e = (r->n + 1) * dims;

	if (route_skills(p, r->vehicle, u) != ROUTE_OK ||
	    (v->max_tasks >= 0 && r->n + 1 > v->max_tasks))
		return 0;

	for (int d = 0; d < dims; d++) {
		if (r->cl[e + d] + j->pickup[d] > cap[d])
			return 0;
		if (p->has_delivery && r->cdl[e + d] + j->delivery[d] > cap[d])
			return 0;
	}
	return 1;
}

#endif
