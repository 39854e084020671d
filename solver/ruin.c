/* ruin.c: the ruin of SISR: strings of consecutive jobs removed near a seed job, and the order they go back in. */
#include <string.h>

#include "ruin.h"

/*
 * Christiaens & Vanden Berghe (2020), section 4: the number of strings
 * and their lengths follow from the average route length (at most
 * SISR_MAX_STRING) so that SISR_AVG_REMOVED jobs go on average; the
 * strings are taken from the routes of the seed job's nearest jobs, one
 * per route. Jobs left unassigned before are retried every time.
 */

#define SISR_AVG_REMOVED 10.0
#define SISR_MAX_STRING 10.0

/* Removes one string of jobs containing u from its route. */
static void
ruin_string(const struct sctx *c, struct swork *w, struct ssol *s, int u,
    int len)
{
	int v = s->route_of[u], pu = s->pos_of[u];
	struct sroute *r = &s->r[v];
	int free_n = r->n - r->locked, lo, off;

	if (len > free_n)
		len = free_n;
	if (len <= 0 || pu <= r->locked)
		return;
	/* a window of len positions inside [locked+1, n] that holds pu */
	lo = pu - len + 1;
	if (lo < r->locked + 1)
		lo = r->locked + 1;
	off = pu - lo;
	{
		int hi_start = r->n - len + 1;
		int span = (hi_start < pu ? hi_start : pu) - lo + 1;

		lo += span > 1 ? pr_rng_int(&w->rng, span) : 0;
		(void)off;
	}
	for (int q = lo; q < lo + len; q++)
		w->removed[w->n_removed++] = r->nodes[q - 1];
	sol_replace(s, c, v, lo, lo + len - 1, NULL, 0);
	if (r->n == 0)
		w->class_free[c->vclass[v]]++;
}

void
ruin_strings(const struct sctx *c, struct swork *w, struct ssol *s,
    int *ruined)
{
	int nj = c->n_jobs, seed, routes = 0, assigned = 0, nstrings;
	double avg_len, lmax, kmax;

	w->n_removed = 0;
	for (int v = 0; v < s->n_routes; v++) {
		ruined[v] = 0;
		if (s->r[v].n > 0) {
			routes++;
			assigned += s->r[v].n;
		}
	}
	/* previously unassigned jobs are retried every time, except those no
	 * vehicle could serve even alone: they stay out */
	{
		int keep = 0;

		s->cost.unserved = 0.0;
		for (int m = 0; m < s->n_unassigned; m++) {
			int u = s->unassigned[m];

			if (c->candidate[u]) {
				w->removed[w->n_removed++] = u;
				continue;
			}
			s->unassigned[keep++] = u;
			s->cost.unserved += sol_job_weight(c, u);
		}
		s->n_unassigned = keep;
	}
	if (routes == 0)
		return;
	avg_len = (double)assigned / routes;
	lmax = avg_len < SISR_MAX_STRING ? avg_len : SISR_MAX_STRING;
	kmax = 4.0 * SISR_AVG_REMOVED / (1.0 + lmax) - 1.0;
	if (kmax < 1)
		kmax = 1;
	nstrings = 1 + pr_rng_int(&w->rng, (int)kmax);
	/* any job, served or not: strings near an unassigned job make room
	 * for it (how fleet minimisation gets routes out) */
	seed = pr_rng_int(&w->rng, nj);
	if (w->n_removed > 0 && pr_rng_int(&w->rng, 2) == 0)
		seed = w->removed[pr_rng_int(&w->rng, w->n_removed)];

	if (c->objective == PR_OBJ_VEHICLES && !w->fleet_phase &&
	    pr_rng_int(&w->rng, 10) == 0) {
		/* drop a whole short route: pick the shortest of three */
		int bestv = -1;

		for (int t = 0; t < 3; t++) {
			int u = pr_rng_int(&w->rng, nj), v = s->route_of[u];

			if (v >= 0 && s->r[v].locked == 0 &&
			    (bestv < 0 || s->r[v].n < s->r[bestv].n))
				bestv = v;
		}
		if (bestv >= 0) {
			struct sroute *r = &s->r[bestv];

			for (int q = 0; q < r->n; q++)
				w->removed[w->n_removed++] = r->nodes[q];
			sol_replace(s, c, bestv, 1, r->n, NULL, 0);
			w->class_free[c->vclass[bestv]]++;
			ruined[bestv] = 1;
		}
	}
	for (int q = -1; q < c->n_neigh && nstrings > 0; q++) {
		int u = q < 0 ? seed : c->neigh[(size_t)seed * c->n_neigh + q];
		int v = s->route_of[u];
		double lm;
		int len;

		if (v < 0 || ruined[v])
			continue;
		lm = s->r[v].n < lmax ? s->r[v].n : lmax;
		len = 1 + pr_rng_int(&w->rng, (int)lm);
		ruin_string(c, w, s, u, len);
		ruined[v] = 1;
		nstrings--;
	}
}

/* Sorts a[0..n-1] by key[a[i]], ties by job index: a merge sort, since
 * qsort has no context argument and the library keeps no globals. */
static void
ruin_sort(int *a, int *tmp, int n, const double *key)
{
	for (int width = 1; width < n; width *= 2) {
		for (int lo = 0; lo < n; lo += 2 * width) {
			int mid = lo + width < n ? lo + width : n;
			int hi = lo + 2 * width < n ? lo + 2 * width : n;
			int i = lo, j = mid, k = lo;

			while (i < mid && j < hi) {
				int x = a[i], y = a[j];
				int left = key[x] < key[y] ||
				    (key[x] == key[y] && x < y);

				tmp[k++] = left ? a[i++] : a[j++];
			}
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, (size_t)n * sizeof(int));
	}
}

void
ruin_sort_removed(const struct sctx *c, struct swork *w, double *key,
    int *tmp)
{
	const struct pr_problem *p = c->p;
	int how = pr_rng_int(&w->rng, 13);
	int depot = p->n_vehicles > 0 ? p->vehicles[0].start : -1;

	for (int m = 0; m < w->n_removed; m++) {
		int u = w->removed[m];
		const struct pr_job *j = &p->jobs[u];
		double k;

		if (how < 4)
			k = pr_rng_double(&w->rng);
		else if (how < 8) {
			k = 0;
			for (int d = 0; d < p->n_dims; d++)
				k -= (double)j->pickup[d] +
				    (double)j->delivery[d];
		} else if (how < 10)
			k = -pr_pdist(p, 0, depot, j->location);
		else if (how < 11)
			k = pr_pdist(p, 0, depot, j->location);
		else
			k = j->tw[j->n_tw - 1].end;
		k -= 1e6 * j->priority;
		key[u] = k;
	}
	ruin_sort(w->removed, tmp, w->n_removed, key);
}
