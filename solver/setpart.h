/* setpart.h: set partitioning over a pool of routes with GLPK (private). */
#ifndef POSTROUTE_SETPART_H
#define POSTROUTE_SETPART_H

#include "pool.h"

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

#endif
