/* solution.c: the working solution of a search: routes of every vehicle, unassigned jobs, cost. */
#include <stdlib.h>
#include <string.h>

#include "solution.h"

void
sol_replace(struct ssol *s, const struct sctx *c, int v,
    int i, int j, const int *seq, int k)
{
	struct sroute *r = &s->r[v];
	int n = r->n, removed = j - i + 1, newn = n - removed + k;
	double before = route_cost(r, r->n, r->cost);
	int was_used = r->n > 0;

	route_reserve(r, c->p, newn);
	/* nodes[i-1 .. j-1] (0-based) are replaced */
	for (int m = i - 1; m < j; m++) {
		if (s->route_of[r->nodes[m]] == v)
			s->route_of[r->nodes[m]] = -1;
	}
	memmove(&r->nodes[i - 1 + k], &r->nodes[j],
	    (size_t)(n - j) * sizeof(int));
	if (k > 0)
		memcpy(&r->nodes[i - 1], seq, (size_t)k * sizeof(int));
	r->n = newn;
	for (int m = 0; m < newn; m++) {
		s->route_of[r->nodes[m]] = v;
		s->pos_of[r->nodes[m]] = m + 1;
	}
	route_update(r, c->p);
	s->cost.cost += route_cost(r, r->n, r->cost) - before;
	s->cost.routes += (r->n > 0) - was_used;
}

void
sol_init(struct ssol *s, const struct sctx *c)
{
	int nj = c->p->n_jobs, nv = c->p->n_vehicles;

	memset(s, 0, sizeof(*s));
	s->n_routes = nv;
	s->r = xcalloc((size_t)nv, sizeof(*s->r));
	for (int v = 0; v < nv; v++)
		route_init(&s->r[v], c->p, v);
	s->route_of = xmalloc((size_t)nj * sizeof(int));
	s->pos_of = xmalloc((size_t)nj * sizeof(int));
	s->unassigned = xmalloc((size_t)nj * sizeof(int));
	for (int j = 0; j < nj; j++) {
		s->route_of[j] = -1;
		s->pos_of[j] = 0;
	}
	s->n_unassigned = 0;
}

void
sol_free(struct ssol *s)
{
	if (s->r != NULL)
		for (int v = 0; v < s->n_routes; v++)
			route_free(&s->r[v]);
	free(s->r);
	free(s->route_of);
	free(s->pos_of);
	free(s->unassigned);
	memset(s, 0, sizeof(*s));
}

void
sol_copy(struct ssol *dst, const struct ssol *src, const struct sctx *c)
{
	int nj = c->p->n_jobs;

	for (int v = 0; v < src->n_routes; v++) {
		if (dst->r[v].n == 0 && src->r[v].n == 0)
			continue;
		route_copy(&dst->r[v], &src->r[v], c->p);
	}
	memcpy(dst->route_of, src->route_of, (size_t)nj * sizeof(int));
	memcpy(dst->pos_of, src->pos_of, (size_t)nj * sizeof(int));
	memcpy(dst->unassigned, src->unassigned,
	    (size_t)src->n_unassigned * sizeof(int));
	dst->n_unassigned = src->n_unassigned;
	dst->cost = src->cost;
}

void
sol_eval(struct ssol *s, const struct sctx *c)
{
	s->cost.unserved = 0.0;
	s->cost.routes = 0;
	s->cost.cost = 0.0;
	for (int v = 0; v < s->n_routes; v++) {
		const struct sroute *r = &s->r[v];

		s->cost.cost += route_cost(r, r->n, r->cost);
		s->cost.routes += s->r[v].n > 0;
	}
	for (int u = 0; u < s->n_unassigned; u++)
		s->cost.unserved += sol_job_weight(c, s->unassigned[u]);
}

void
sol_add_unassigned(struct ssol *s, int job)
{
	s->unassigned[s->n_unassigned++] = job;
}

void
sol_remove_unassigned(struct ssol *s, int job)
{
	for (int u = 0; u < s->n_unassigned; u++) {
		if (s->unassigned[u] == job) {
			s->unassigned[u] = s->unassigned[--s->n_unassigned];
			return;
		}
	}
}

int
sol_cost_cmp(const struct sctx *c, const struct scost *a, const struct scost *b)
{
	if (a->unserved < b->unserved - 1e-9)
		return -1;
	if (a->unserved > b->unserved + 1e-9)
		return 1;
	if (c->objective == PR_OBJ_VEHICLES && a->routes != b->routes)
		return a->routes < b->routes ? -1 : 1;
	if (a->cost < b->cost - 1e-9)
		return -1;
	if (a->cost > b->cost + 1e-9)
		return 1;
	return 0;
}

/* Pinned jobs form the fixed head of their vehicle's route. */
void
sol_place_pinned(struct ssol *s, const struct sctx *c)
{
	for (int v = 0; v < s->n_routes; v++) {
		int np = c->pinned_count[v];

		if (np == 0)
			continue;
		sol_replace(s, c, v, 1, 0, c->pinned[v], np);
		s->r[v].locked = np;
	}
}
