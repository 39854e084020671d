/* work.h: the scratch space of one search thread, shared by insertion, local search and the metaheuristic (private). */
#ifndef POSTROUTE_WORK_H
#define POSTROUTE_WORK_H

#include "solution.h"

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

/* Scratch for a search of c with its own generator seeded with seed;
 * free with work_free. */
void work_init(struct swork *w, const struct sctx *c, uint64_t seed);
void work_free(struct swork *w);
/* Counts the empty vehicles of each class of s into w->class_free. */
void work_count_free(struct swork *w, const struct ssol *s,
    const struct sctx *c);

/* 1 when the search must stop (deadline or cancel flag; both are looked
 * at every 256 calls). */
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
