/* search.h: the solver's working solution and its operators (private). */
#ifndef POSTROUTE_SEARCH_H
#define POSTROUTE_SEARCH_H

#include "internal.h"

/*
 * A working solution keeps one route per vehicle (most are empty on large
 * fleets). Each route caches, for every position p in [0, n+1] (0 = the
 * start, 1..n = the jobs, n+1 = the end):
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

/* Lexicographic cost: unserved weight, then routes (vehicles objective),
 * then distance plus fixed costs. */
struct scost {
	double unserved;
	int routes;
	double dist;
};

struct ssol {
	int n_routes;        /* == problem vehicles */
	struct sroute *r;
	int *route_of;       /* job -> vehicle, or -1 */
	int *pos_of;         /* job -> position 1..n */
	int n_unassigned;
	int *unassigned;     /* job indices */
	struct scost cost;
};

/* Read-only data shared by every search thread. */
struct sctx {
	const struct pr_problem *p;
	enum pr_objective objective;
	int n_jobs;
	int n_classes;
	int *class_rep;          /* class -> first vehicle of the class */
	int *class_size;
	int *vclass;             /* vehicle -> class index 0..n_classes-1 */
	int n_neigh;
	int *neigh;              /* job -> n_neigh nearest jobs */
	int *candidate;          /* job can be served by some vehicle alone */
	double maxarc;
	int *pinned_count;       /* vehicle -> pinned jobs */
	int **pinned;            /* vehicle -> pinned jobs in rank order */
	int has_pins;
};

/* Scratch space owned by one search. */
struct swork {
	int *seq;                /* a sequence being evaluated */
	int *seq2;
	int *removed;
	int n_removed;
	int *mark;
	int *order;
	int *class_free;         /* class -> empty vehicles left */
	unsigned *vmark;         /* vehicle -> stamp, for route sets */
	unsigned stamp;
	struct pr_rng rng;
	double blink;
	double deadline;         /* pr_now() limit, or 0 */
	const atomic_int *cancel;
	long evals;
	int stop;
	int max_routes;          /* routes the repair may reach; -1: any */
	int fleet_phase;
};

/* solve.c: the read-only context of a solve */
void sctx_build(struct sctx *c, const struct pr_problem *p,
    const struct pr_solve_params *sp);
void sctx_free(struct sctx *c);

/* route.c */
void route_init(struct sroute *r, const struct sctx *c, int vehicle);
void route_free(struct sroute *r);
void route_reserve(struct sroute *r, const struct sctx *c, int n);
void route_update(struct sroute *r, const struct sctx *c);
void route_copy(struct sroute *dst, const struct sroute *src,
    const struct sctx *c);
/* Location at position pos (0: the start, n + 1: the end); inline, since
 * the local search calls it for every move it prices. */
static inline int
route_loc(const struct sroute *r, const struct sctx *c, int pos)
{
	const struct pr_vehicle *v = &c->p->vehicles[r->vehicle];

	if (pos == 0)
		return v->start;
	if (pos == r->n + 1)
		return v->end;
	return c->p->jobs[r->nodes[pos - 1]].location;
}
double route_serv(const struct sroute *r, const struct sctx *c, int pos);
/* New distance of r when positions [i, j] (1-based, j = i - 1 for none)
 * are replaced by seq[0..k-1]; returns 0 and sets *dist, or -1 when the
 * result violates a constraint. */
int route_eval_replace(const struct sroute *r, const struct sctx *c,
    int i, int j, const int *seq, int k, double *dist);
/* Replaces positions [i, j] by seq (k jobs); updates route_of/pos_of. */
void route_apply_replace(struct ssol *s, const struct sctx *c, int v,
    int i, int j, const int *seq, int k);
int route_is_empty(const struct sroute *r);

/* solution */
void sol_init(struct ssol *s, const struct sctx *c);
void sol_free(struct ssol *s);
void sol_copy(struct ssol *dst, const struct ssol *src,
    const struct sctx *c);
void sol_eval(struct ssol *s, const struct sctx *c);
int cost_cmp(const struct sctx *c, const struct scost *a,
    const struct scost *b);
double sol_route_cost(const struct sroute *r);
void sol_add_unassigned(struct ssol *s, int job);
void sol_remove_unassigned(struct ssol *s, int job);
void sol_place_pinned(struct ssol *s, const struct sctx *c);

/* insert.c */
/* Inserts the jobs in w->removed (in that order) at their cheapest
 * feasible places; jobs with none stay unassigned. */
void insert_jobs(struct ssol *s, const struct sctx *c, struct swork *w);
void work_count_free(struct swork *w, const struct ssol *s,
    const struct sctx *c);

/* localsearch.c */
/* Improves s by relocate, swap, 2-opt*, 2-opt and or-opt over granular
 * neighbourhoods until no move improves or the deadline passes. */
void ls_run(struct ssol *s, const struct sctx *c, struct swork *w);
/* Tries the moves around job u; returns 1 when one was applied. */
int ls_improve_job(struct ssol *s, const struct sctx *c, struct swork *w,
    int u);

/* search.c */
struct sresult {
	struct ssol best;
	long iterations;
};
void search_run(const struct sctx *c, const struct pr_solve_params *sp,
    int thread, double t0, struct sresult *res, void (*improved)(void *,
    const struct ssol *), void *ud);

static inline int
work_should_stop(struct swork *w)
{
	if (w->stop)
		return 1;
	if ((++w->evals & 255) == 0) {
		if ((w->deadline > 0 && pr_now() >= w->deadline) ||
		    pr_canceled(w->cancel))
			w->stop = 1;
	}
	return w->stop;
}

#endif
