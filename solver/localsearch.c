/* localsearch.c: first-improvement local search over granular neighbourhoods. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "localsearch.h"

/*
 * For each job u (in random order) and each v among u's nearest jobs
 * (granular neighbourhoods, Toth & Vigo 2003) the search tries, between
 * or within routes:
 *   relocate u after v / before v, relocate the pair (u, next) after v,
 *   swap u and v, 2-opt* (exchange the tails after u and after v),
 *   2-opt (reverse the stretch between u and v in one route),
 *   and moving u to an empty vehicle.
 * Every move is a replacement of one stretch per route by a short
 * sequence, so each is first priced by distance alone (cheap) and only a
 * move that would improve the cost is checked for feasibility with the
 * route evaluator (route_eval_replace). The first improving move is
 * applied. This follows the local search of HGS (Vidal 2022), simplified.
 */

struct change {
	int v, i, j, k;
	int *seq;
	double nd;
};

/* Applies the changes (one or two routes) when they improve the cost and
 * are feasible. Returns 1 when applied. */
static int
ls_try(struct ssol *s, const struct sctx *c, struct swork *w,
    struct change *ch, int nch)
{
	int droutes = 0;
	double dcost = 0.0;

	w->evals++;
	for (int m = 0; m < nch; m++) {
		const struct sroute *r = &s->r[ch[m].v];
		int newn = r->n - (ch[m].j - ch[m].i + 1) + ch[m].k;
		double nd = route_cost_replace(r, c->p, ch[m].i, ch[m].j,
		    ch[m].seq, ch[m].k);

		ch[m].nd = nd;
		if (ch[m].i <= r->locked)
			return 0;
		droutes += (newn > 0) - (r->n > 0);
		dcost += route_cost(r, newn, nd) -
		    route_cost(r, r->n, r->cost);
	}
	if (c->objective == PR_OBJ_VEHICLES && droutes != 0) {
		if (droutes > 0)
			return 0;
	} else if (dcost > -1e-7)
		return 0;
	for (int m = 0; m < nch; m++) {
		double nd;

		if (route_eval_replace(&s->r[ch[m].v], c->p, ch[m].i, ch[m].j,
		    ch[m].seq, ch[m].k, &nd) != 0)
			return 0;
	}
	for (int m = 0; m < nch; m++) {
		if (s->r[ch[m].v].n == 0)
			w->class_free[c->vclass[ch[m].v]]--;
		sol_replace(s, c, ch[m].v, ch[m].i, ch[m].j,
		    ch[m].seq, ch[m].k);
		if (s->r[ch[m].v].n == 0)
			w->class_free[c->vclass[ch[m].v]]++;
	}
	return 1;
}

/* Moves the k jobs starting at position pu of route a to after position
 * pv of route b (b may equal a). */
static int
ls_move_block(struct ssol *s, const struct sctx *c, struct swork *w,
    int a, int pu, int k, int b, int pv, int reverse)
{
	struct sroute *ra = &s->r[a];
	struct change ch[2];

	if (pu + k - 1 > ra->n)
		return 0;
	if (a != b) {
		for (int m = 0; m < k; m++)
			w->seq[m] = ra->nodes[pu - 1 +
			    (reverse ? k - 1 - m : m)];
		ch[0] = (struct change){ a, pu, pu + k - 1, 0, w->seq2, 0 };
		ch[1] = (struct change){ b, pv + 1, pv, k, w->seq, 0 };
		return ls_try(s, c, w, ch, 2);
	}
	/* within one route: rewrite the stretch between the two places */
	if (pv >= pu - 1 && pv <= pu + k - 1)
		return 0;
	{
		int lo, hi, m = 0;

		if (pv > pu) {
			lo = pu;
			hi = pv;
			for (int q = pu + k; q <= pv; q++)
				w->seq[m++] = ra->nodes[q - 1];
			for (int q = 0; q < k; q++)
				w->seq[m++] = ra->nodes[pu - 1 +
				    (reverse ? k - 1 - q : q)];
		} else {
			lo = pv + 1;
			hi = pu + k - 1;
			for (int q = 0; q < k; q++)
				w->seq[m++] = ra->nodes[pu - 1 +
				    (reverse ? k - 1 - q : q)];
			for (int q = pv + 1; q < pu; q++)
				w->seq[m++] = ra->nodes[q - 1];
		}
		ch[0] = (struct change){ a, lo, hi, m, w->seq, 0 };
		return ls_try(s, c, w, ch, 1);
	}
}

static int
ls_swap(struct ssol *s, const struct sctx *c, struct swork *w,
    int a, int pu, int b, int pv)
{
	struct change ch[2];

	if (a != b) {
		w->seq[0] = s->r[b].nodes[pv - 1];
		w->seq2[0] = s->r[a].nodes[pu - 1];
		ch[0] = (struct change){ a, pu, pu, 1, w->seq, 0 };
		ch[1] = (struct change){ b, pv, pv, 1, w->seq2, 0 };
		return ls_try(s, c, w, ch, 2);
	} else {
		struct sroute *r = &s->r[a];
		int lo = pu < pv ? pu : pv, hi = pu < pv ? pv : pu, m = 0;

		if (lo == hi)
			return 0;
		for (int q = lo; q <= hi; q++)
			w->seq[m++] = r->nodes[q - 1];
		w->seq[0] = r->nodes[hi - 1];
		w->seq[m - 1] = r->nodes[lo - 1];
		ch[0] = (struct change){ a, lo, hi, m, w->seq, 0 };
		return ls_try(s, c, w, ch, 1);
	}
}

/* 2-opt*: route a keeps 1..pu and takes b's tail after pv; b keeps 1..pv
 * and takes a's tail after pu. */
static int
ls_two_opt_star(struct ssol *s, const struct sctx *c, struct swork *w,
    int a, int pu, int b, int pv)
{
	struct sroute *ra = &s->r[a], *rb = &s->r[b];
	int ka = rb->n - pv, kb = ra->n - pu;
	struct change ch[2];

	if (ka == 0 && kb == 0)
		return 0;
	/* loads after the exchange, from the load segments, before any
	 * pricing */
	{
		struct route_load la, lb, tail;

		route_load_head(ra, c->p, pu, &la);
		route_load_tail(rb, c->p, pv + 1, &tail);
		route_load_join(&la, c->p, &tail);
		route_load_head(rb, c->p, pv, &lb);
		route_load_tail(ra, c->p, pu + 1, &tail);
		route_load_join(&lb, c->p, &tail);
		if (route_load_check(&la, c->p, a) != ROUTE_OK ||
		    route_load_check(&lb, c->p, b) != ROUTE_OK)
			return 0;
	}
	/* same travel and end: price the exchange in O(1) from the
	 * distance prefix sums and give up early when it cannot improve */
	{
		const struct pr_problem *p = c->p;
		const struct pr_vehicle *va = &p->vehicles[a],
		    *vb = &p->vehicles[b];

		if (va->travel == vb->travel && va->end == vb->end &&
		    ra->n + ka - (ra->n - pu) > 0 && rb->n + kb - ka > 0 &&
		    c->objective != PR_OBJ_VEHICLES) {
			int prof = va->travel;
			int la = route_loc(ra, c->p, pu), lb = route_loc(rb, c->p, pv);
			int na = route_loc(rb, c->p, pv + 1),
			    nb = route_loc(ra, c->p, pu + 1);
			double da = ra->cc[pu] + pr_cost(p, prof, la, na) +
			    (rb->cc[rb->n + 1] - rb->cc[pv + 1]);
			double db = rb->cc[pv] + pr_cost(p, prof, lb, nb) +
			    (ra->cc[ra->n + 1] - ra->cc[pu + 1]);

			w->evals++;
			if (da + db > ra->cost + rb->cost - 1e-7)
				return 0;
		}
	}
	memcpy(w->seq, &rb->nodes[pv], (size_t)ka * sizeof(int));
	memcpy(w->seq2, &ra->nodes[pu], (size_t)kb * sizeof(int));
	ch[0] = (struct change){ a, pu + 1, ra->n, ka, w->seq, 0 };
	ch[1] = (struct change){ b, pv + 1, rb->n, kb, w->seq2, 0 };
	return ls_try(s, c, w, ch, 2);
}

/* 2-opt within a route: reverse positions lo..hi. */
static int
ls_two_opt(struct ssol *s, const struct sctx *c, struct swork *w,
    int a, int lo, int hi)
{
	struct sroute *r = &s->r[a];
	struct change ch;
	int m = 0;

	if (hi <= lo)
		return 0;
	for (int q = hi; q >= lo; q--)
		w->seq[m++] = r->nodes[q - 1];
	ch = (struct change){ a, lo, hi, m, w->seq, 0 };
	return ls_try(s, c, w, &ch, 1);
}

static int
ls_to_empty(struct ssol *s, const struct sctx *c, struct swork *w,
    int a, int pu)
{
	if (w->max_routes >= 0 && s->cost.routes >= w->max_routes)
		return 0;
	for (int k = 0; k < c->n_classes; k++) {
		if (w->class_free[k] == 0)
			continue;
		for (int v = c->class_rep[k]; v < s->n_routes; v++) {
			if (c->vclass[v] != k || s->r[v].n != 0)
				continue;
			if (ls_move_block(s, c, w, a, pu, 1, v, 0, 0))
				return 1;
			break;
		}
	}
	return 0;
}

int
ls_improve_job(struct ssol *s, const struct sctx *c, struct swork *w, int u)
{
	int a = s->route_of[u];

	if (a < 0 || s->pos_of[u] <= s->r[a].locked)
		return 0;
	for (int q = 0; q < c->n_neigh; q++) {
		int v = c->neigh[(size_t)u * c->n_neigh + q];
		int b, pu, pv;

		if (work_should_stop(w))
			return 0;
		a = s->route_of[u];
		b = s->route_of[v];
		if (b < 0)
			continue;
		pu = s->pos_of[u];
		pv = s->pos_of[v];
		/* relocate u after v, before v */
		if (ls_move_block(s, c, w, a, pu, 1, b, pv, 0))
			return 1;
		if (pv - 1 >= s->r[b].locked &&
		    ls_move_block(s, c, w, a, pu, 1, b, pv - 1, 0))
			return 1;
		/* relocate (u, next) and (u, next, next2) after v */
		if (pu + 1 <= s->r[a].n) {
			if (ls_move_block(s, c, w, a, pu, 2, b, pv, 0))
				return 1;
			if (ls_move_block(s, c, w, a, pu, 2, b, pv, 1))
				return 1;
		}
		if (pu + 2 <= s->r[a].n &&
		    ls_move_block(s, c, w, a, pu, 3, b, pv, 0))
			return 1;
		if (pv > s->r[b].locked && ls_swap(s, c, w, a, pu, b, pv))
			return 1;
		if (a != b) {
			if (ls_two_opt_star(s, c, w, a, pu, b, pv))
				return 1;
			if (pu - 1 >= s->r[a].locked &&
			    ls_two_opt_star(s, c, w, a, pu - 1, b, pv))
				return 1;
		} else {
			if (pu < pv && ls_two_opt(s, c, w, a, pu + 1, pv))
				return 1;
			if (pv < pu && ls_two_opt(s, c, w, a, pv + 1, pu))
				return 1;
		}
	}
	if (ls_to_empty(s, c, w, s->route_of[u], s->pos_of[u]))
		return 1;
	return 0;
}

void
ls_run(struct ssol *s, const struct sctx *c, struct swork *w)
{
	int nj = c->n_jobs, improved = 1;

	for (int j = 0; j < nj; j++)
		w->order[j] = j;
	while (improved && !work_should_stop(w)) {
		improved = 0;
		for (int j = nj - 1; j > 0; j--) {
			int k = pr_rng_int(&w->rng, j + 1), t = w->order[j];

			w->order[j] = w->order[k];
			w->order[k] = t;
		}
		for (int m = 0; m < nj && !w->stop; m++) {
			int u = w->order[m];

			while (ls_improve_job(s, c, w, u))
				improved = 1;
		}
	}
}
