/* work.c: the scratch space of one search thread. */
#include <stdlib.h>
#include <string.h>

#include "work.h"

void
work_init(struct swork *w, const struct sctx *c, uint64_t seed)
{
	int nj = c->n_jobs;
	size_t n = (size_t)nj + 16;

	memset(w, 0, sizeof(*w));
	w->seq = xmalloc(n * sizeof(int));
	w->seq2 = xmalloc(n * sizeof(int));
	w->removed = xmalloc(n * sizeof(int));
	w->mark = xcalloc(n, sizeof(int));
	w->order = xmalloc(n * sizeof(int));
	w->class_free = xcalloc((size_t)c->n_classes + 1, sizeof(int));
	w->vmark = xcalloc((size_t)c->p->n_vehicles + 1, sizeof(unsigned));
	pr_rng_seed(&w->rng, seed);
}

void
work_free(struct swork *w)
{
	free(w->seq);
	free(w->seq2);
	free(w->removed);
	free(w->mark);
	free(w->order);
	free(w->class_free);
	free(w->vmark);
}

void
work_count_free(struct swork *w, const struct ssol *s, const struct sctx *c)
{
	for (int k = 0; k < c->n_classes; k++)
		w->class_free[k] = 0;
	for (int v = 0; v < s->n_routes; v++)
		if (s->r[v].n == 0)
			w->class_free[c->vclass[v]]++;
}
