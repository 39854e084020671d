/* pool.h: the route pool, every distinct good route the search has met, as set-partitioning columns (private). */
#ifndef POSTROUTE_POOL_H
#define POSTROUTE_POOL_H

#include "solution.h"

/* A route as a column: a vehicle class and a job sequence. */
struct sp_col {
	int vclass;
	int n;
	int off;            /* into the owner's job array */
	double cost;        /* distance + fixed cost */
	uint64_t hash;
};

/*
 * The route pool: every distinct route met by the search (hash of class,
 * jobs and order), up to a bound; when full, it restarts from the routes of
 * the best solution (so memory stays bounded and recent routes win).
 */
struct pool {
	int n, cap, max;
	struct sp_col *col;
	int *jobs;
	size_t njobs, capjobs;
	int *table;         /* open addressing: column index + 1, 0 = empty */
	int tcap;
};

void pool_init(struct pool *pl, int max_routes);
void pool_free(struct pool *pl);
void pool_clear(struct pool *pl);
/* Adds one route unless it is there; returns its column, or -1 when the
 * pool is full. */
int pool_add(struct pool *pl, int vclass, const int *jobs, int n,
    double cost);
/* Adds route r (not empty) as a column of its vehicle's class; as
 * pool_add. */
int pool_add_route(struct pool *pl, const struct sctx *c,
    const struct sroute *r);
/* Adds every used route of s. */
void pool_add_solution(struct pool *pl, const struct sctx *c,
    const struct ssol *s);

#endif
