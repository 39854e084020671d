/* sctx.h: the read-only context of one solve (vehicle classes, neighbours, pins), shared by its search threads (private). */
#ifndef POSTROUTE_SCTX_H
#define POSTROUTE_SCTX_H

#include <stddef.h>

#include "util.h"

/* Read-only data shared by every search thread of a solve. */
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

/* Builds the context of solving p with sp (the caller checked pins for
 * range); free with sctx_free. Called by the thread that starts a solve. */
void sctx_build(struct sctx *c, const struct pr_problem *p,
    const struct pr_solve_params *sp);
void sctx_free(struct sctx *c);

/* Why job u cannot be served by vehicle v alone: a reason of
 * struct pr_unassigned ("capacity", ...) with detail filled, or "" when
 * it can. */
const char *sctx_alone_reason(const struct sctx *c, int v, int u,
    char *detail, size_t dlen);

#endif
