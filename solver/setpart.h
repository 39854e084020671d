/* setpart.h: set partitioning over routes with GLPK, and the route pool (private). */
#ifndef POSTROUTE_SETPART_H
#define POSTROUTE_SETPART_H

#include "search.h"

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
/* Adds every used route of s. */
void pool_add_solution(struct pool *pl, const struct sctx *c,
    const struct ssol *s);

struct sp_params {
	double time_limit;  /* seconds, <= 0: none */
	long node_limit;    /* branch-and-bound nodes, <= 0: none */
	int cover_all;      /* 1: maximise served jobs first (exact mode) */
	int it_limit;       /* simplex iterations per stage, <= 0: none */
};

/*
 * Picks columns so that each job is served at most once (exactly once for
 * jobs the incumbent serves, unless cover_all), no class uses more
 * vehicles than it has, and the cost is least: lexicographically served
 * weight (cover_all), routes (vehicles objective), then cost. The
 * incumbent (0/1 per column, may be NULL) seeds the branch and bound.
 * Fills chosen[] and returns 0 with *proven = 1 when every stage was
 * solved to optimality; PR_EGLPK when GLPK failed or found nothing.
 */
int sp_solve(const struct sctx *c, const struct sp_col *cols, int ncols,
    const int *jobs, const char *incumbent, const struct sp_params *prm,
    char *chosen, int *proven);

/* Builds a working solution from chosen columns (vehicles of each class
 * taken in index order). Returns -1 if a route is infeasible. */
int sp_to_solution(const struct sctx *c, const struct sp_col *cols,
    int ncols, const int *jobs, const char *chosen, struct ssol *out);

/* exact.c: all cheapest routes per job subset and class, for small
 * problems; returns 0 and fills *out with a proven optimum, 1 when it
 * could not prove one in time (out untouched), or PR_E*. */
int exact_solve(const struct sctx *c, double deadline,
    const atomic_int *cancel, const struct ssol *incumbent,
    struct ssol *out);

#endif
