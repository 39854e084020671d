/* pool.c: the route pool, every distinct good route the search has met. */
#include <stdlib.h>
#include <string.h>

#include "pool.h"

static uint64_t
pool_hash(int vclass, const int *jobs, int n)
{
	uint64_t h = 0x84222325cbf29ce4ULL ^ (uint64_t)(vclass + 1);

	for (int i = 0; i < n; i++) {
		h ^= (uint64_t)(jobs[i] + 1);
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return h ^ (uint64_t)n * 0x9e3779b97f4a7c15ULL;
}

void
pool_init(struct pool *pl, int max_routes)
{
	memset(pl, 0, sizeof(*pl));
	pl->max = max_routes;
	pl->tcap = 1;
	while (pl->tcap < 2 * max_routes)
		pl->tcap *= 2;
	pl->table = xcalloc((size_t)pl->tcap, sizeof(int));
}

void
pool_free(struct pool *pl)
{
	free(pl->col);
	free(pl->jobs);
	free(pl->table);
	memset(pl, 0, sizeof(*pl));
}

void
pool_clear(struct pool *pl)
{
	pl->n = 0;
	pl->njobs = 0;
	memset(pl->table, 0, (size_t)pl->tcap * sizeof(int));
}

int
pool_add(struct pool *pl, int vclass, const int *jobs, int n, double cost)
{
	uint64_t h = pool_hash(vclass, jobs, n);
	size_t slot = (size_t)(h & (uint64_t)(pl->tcap - 1));
	struct sp_col *col;

	if (n <= 0)
		return -1;
	while (pl->table[slot] != 0) {
		const struct sp_col *o = &pl->col[pl->table[slot] - 1];

		if (o->hash == h && o->vclass == vclass && o->n == n &&
		    memcmp(&pl->jobs[o->off], jobs, (size_t)n * sizeof(int))
		    == 0)
			return pl->table[slot] - 1;
		slot = (slot + 1) & (size_t)(pl->tcap - 1);
	}
	if (pl->n >= pl->max)
		return -1;
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 256;
		pl->col = xreallocarray(pl->col, (size_t)pl->cap,
		    sizeof(*pl->col));
	}
	if (pl->njobs + (size_t)n > pl->capjobs) {
		while (pl->njobs + (size_t)n > pl->capjobs)
			pl->capjobs = pl->capjobs ? 2 * pl->capjobs : 4096;
		pl->jobs = xreallocarray(pl->jobs, pl->capjobs, sizeof(int));
	}
	col = &pl->col[pl->n];
	col->vclass = vclass;
	col->n = n;
	col->off = (int)pl->njobs;
	col->cost = cost;
	col->hash = h;
	memcpy(&pl->jobs[pl->njobs], jobs, (size_t)n * sizeof(int));
	pl->njobs += (size_t)n;
	pl->table[slot] = ++pl->n;
	return pl->n - 1;
}

int
pool_add_route(struct pool *pl, const struct sctx *c, const struct sroute *r)
{
	return pool_add(pl, c->vclass[r->vehicle], r->nodes, r->n,
	    route_cost(r, r->n, r->cost));
}

void
pool_add_solution(struct pool *pl, const struct sctx *c,
    const struct ssol *s)
{
	for (int v = 0; v < s->n_routes; v++) {
		const struct sroute *r = &s->r[v];

		if (r->n > 0)
			pool_add_route(pl, c, r);
	}
}
