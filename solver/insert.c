/* insert.c: greedy insertion with blinks, the "recreate" half of the search. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insert.h"

/*
 * Each job in turn goes to its cheapest feasible position over the routes
 * that serve one of its nearest jobs (all routes in use when none of those
 * has room) and one empty vehicle of each class, skipping every position with
 * a small probability ("blinks", Christiaens & Vanden Berghe 2020, SISR):
 * the noise lets a deterministic greedy produce many different solutions.
 * Under the vehicles objective, opening a route is a last resort.
 */

/* The first empty vehicle of class k, or -1. */
static int
insert_empty_vehicle(const struct ssol *s, const struct sctx *c, int k)
{
	for (int v = c->class_rep[k]; v < s->n_routes; v++)
		if (c->vclass[v] == k && s->r[v].n == 0)
			return v;
	return -1;
}

struct ins_best {
	int v, pos;
	int opens;
	double delta;
};

static int
insert_better(const struct sctx *c, int opens, double delta,
    const struct ins_best *b)
{
	if (b->v < 0)
		return 1;
	if (c->objective == PR_OBJ_VEHICLES && opens != b->opens)
		return opens < b->opens;
	return delta < b->delta - 1e-9;
}

static void
insert_try_route(const struct ssol *s, const struct sctx *c,
    struct swork *w, int v, int u, struct ins_best *best)
{
	const struct pr_problem *p = c->p;
	const struct sroute *r = &s->r[v];
	int prof = p->vehicles[v].travel;
	int ul = p->jobs[u].location;
	int opens = r->n == 0;
	double base = opens ? r->fixed : 0.0;

	/* a full route cannot take u anywhere */
	if (!route_can_take(r, p, u))
		return;
	for (int pos = r->locked; pos <= r->n; pos++) {
		int a = route_loc(r, p, pos), b = route_loc(r, p, pos + 1);
		double quick, nd;

		if (w->blink > 0 && pr_rng_double(&w->rng) < w->blink)
			continue;
		quick = base + pr_cost(p, prof, a, ul) + pr_cost(p, prof, ul, b)
		    - (opens ? 0.0 : pr_cost(p, prof, a, b));
		if (!insert_better(c, opens, quick, best))
			continue;
		if (route_eval_replace(r, c->p, pos + 1, pos, &u, 1, &nd) != 0)
			continue;
		quick = nd - r->cost + base;
		if (insert_better(c, opens, quick, best)) {
			best->v = v;
			best->pos = pos;
			best->opens = opens;
			best->delta = quick;
		}
	}
}

void
insert_jobs(struct ssol *s, const struct sctx *c, struct swork *w)
{
	for (int m = 0; m < w->n_removed; m++) {
		int u = w->removed[m];
		struct ins_best best = { -1, 0, 0, 0.0 };

		if (!c->candidate[u]) {
			sol_add_unassigned(s, u);
			s->cost.unserved += sol_job_weight(c, u);
			continue;
		}
		/* routes near u first (those serving one of its nearest
		 * jobs); all routes only when none of those has room */
		if (++w->stamp == 0) {
			memset(w->vmark, 0, (size_t)s->n_routes *
			    sizeof(unsigned));
			w->stamp = 1;
		}
		for (int q = 0; q < c->n_neigh; q++) {
			int v = s->route_of[c->neigh[(size_t)u * c->n_neigh +
			    q]];

			if (v < 0 || w->vmark[v] == w->stamp)
				continue;
			w->vmark[v] = w->stamp;
			insert_try_route(s, c, w, v, u, &best);
		}
		if (best.v < 0)
			for (int v = 0; v < s->n_routes; v++)
				if (s->r[v].n > 0 && w->vmark[v] != w->stamp)
					insert_try_route(s, c, w, v, u, &best);
		for (int k = 0; k < c->n_classes; k++) {
			int v;

			if (w->class_free[k] == 0 || (w->max_routes >= 0 &&
			    s->cost.routes >= w->max_routes))
				continue;
			if ((v = insert_empty_vehicle(s, c, k)) < 0)
				continue;
			insert_try_route(s, c, w, v, u, &best);
		}
		if (best.v < 0) {
			sol_add_unassigned(s, u);
			s->cost.unserved += sol_job_weight(c, u);
			continue;
		}
		if (best.opens)
			w->class_free[c->vclass[best.v]]--;
		sol_replace(s, c, best.v, best.pos + 1, best.pos, &u, 1);
	}
	w->n_removed = 0;
}
