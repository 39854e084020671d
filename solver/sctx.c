/* sctx.c: the read-only context of a solve: vehicle classes, pinned heads, servable jobs, nearest neighbours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "sctx.h"

#define NEIGHBOURS 40

/* The evaluator decides; this only words its answer. */
const char *
sctx_alone_reason(const struct sctx *c, int v, int u, char *detail,
    size_t dlen)
{
	const struct pr_problem *p = c->p;
	const struct pr_vehicle *veh = &p->vehicles[v];
	const struct pr_job *j = &p->jobs[u];
	struct route_state st;
	enum route_status rc;

	route_begin(&st, p, v);
	if ((rc = route_extend(&st, u, NULL, 0)) == ROUTE_OK)
		rc = route_finish(&st);
	switch (rc) {
	case ROUTE_CAPACITY:
		for (int d = 0; d < p->n_dims; d++) {
			int del = j->delivery[d] > j->pickup[d];

			if (route_load_high(&st.ld, p, d) > veh->capacity[d]) {
				snprintf(detail, dlen, "%s %lld exceeds "
				    "the largest capacity %lld (dimension %d)",
				    del ? "delivery" : "pickup",
				    (long long)(del ? j->delivery[d] :
				    j->pickup[d]),
				    (long long)veh->capacity[d], d);
				break;
			}
		}
		break;
	case ROUTE_TIME_WINDOW:
		snprintf(detail, dlen, "earliest arrival %.0f is after the "
		    "last time window closes (%.0f)", st.arrival,
		    j->tw[j->n_tw - 1].end);
		break;
	case ROUTE_SHIFT:
		snprintf(detail, dlen, "cannot be back by the end of the "
		    "shift (%.0f)", veh->tw.end);
		break;
	case ROUTE_MAX_TRAVEL:
		snprintf(detail, dlen, "a round trip takes %.0f, more than "
		    "max_travel_time %.0f", st.travel, veh->max_travel_time);
		break;
	case ROUTE_SKILLS:
		for (int i = 0; i < p->n_skills; i++) {
			uint64_t bit = (uint64_t)1 << (i % 64);

			if ((j->skills[i / 64] & bit) &&
			    !(veh->skills[i / 64] & bit)) {
				snprintf(detail, dlen, "no vehicle has all its "
				    "skills (vehicle \"%s\" lacks %lld)",
				    veh->id, (long long)p->skill_values[i]);
				break;
			}
		}
		break;
	case ROUTE_BREAK:
		snprintf(detail, dlen, "with it, the breaks of vehicle \"%s\" "
		    "cannot all be taken in their windows", veh->id);
		break;
	case ROUTE_MAX_TASKS:
		snprintf(detail, dlen, "vehicle \"%s\" takes at most %d jobs",
		    veh->id, veh->max_tasks);
		break;
	default:
		break;
	}
	return route_status_name(rc);
}

static int
sctx_dist_cmp(const double *key, int a, int b)
{
	if (key[a] < key[b])
		return -1;
	if (key[a] > key[b])
		return 1;
	return a < b ? -1 : a > b;
}

void
sctx_build(struct sctx *c, const struct pr_problem *p,
    const struct pr_solve_params *sp)
{
	int nj = p->n_jobs, nv = p->n_vehicles;
	double *key;
	int *cand;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->objective = sp->objective;
	c->n_jobs = nj;
	c->vclass = xmalloc(((size_t)nv + 1) * sizeof(int));
	c->class_rep = xmalloc(((size_t)nv + 1) * sizeof(int));
	c->class_size = xcalloc((size_t)nv + 1, sizeof(int));
	for (int v = 0; v < nv; v++) {
		int k;

		for (k = 0; k < c->n_classes; k++)
			if (p->vehicles[c->class_rep[k]].vclass ==
			    p->vehicles[v].vclass)
				break;
		if (k == c->n_classes)
			c->class_rep[c->n_classes++] = v;
		c->vclass[v] = k;
		c->class_size[k]++;
	}
	/* pinned heads */
	c->pinned_count = xcalloc((size_t)nv + 1, sizeof(int));
	c->pinned = xcalloc((size_t)nv + 1, sizeof(int *));
	for (int j = 0; j < nj; j++)
		if (p->jobs[j].pinned_vehicle >= 0)
			c->pinned_count[p->jobs[j].pinned_vehicle]++;
	for (int v = 0; v < nv; v++) {
		c->pinned[v] = xmalloc(((size_t)c->pinned_count[v] + 1) *
		    sizeof(int));
		for (int r = 0; r < c->pinned_count[v]; r++)
			c->pinned[v][r] = -1;
	}
	for (int j = 0; j < nj; j++) {
		int v = p->jobs[j].pinned_vehicle, r = p->jobs[j].pinned_rank;

		if (v >= 0 && r >= 0 && r < c->pinned_count[v])
			c->pinned[v][r] = j;
		if (v >= 0)
			c->has_pins = 1;
	}
	/* jobs some vehicle can serve alone */
	c->candidate = xcalloc((size_t)nj + 1, sizeof(int));
	for (int j = 0; j < nj; j++) {
		char detail[128];

		if (p->jobs[j].pinned_vehicle >= 0) {
			c->candidate[j] = 1;
			continue;
		}
		for (int k = 0; k < c->n_classes && !c->candidate[j]; k++)
			if (sctx_alone_reason(c, c->class_rep[k], j, detail,
			    sizeof(detail))[0] == '\0')
				c->candidate[j] = 1;
	}
	/* nearest neighbours by distance (both directions), profile 0 */
	c->n_neigh = nj - 1 < NEIGHBOURS ? nj - 1 : NEIGHBOURS;
	if (c->n_neigh < 0)
		c->n_neigh = 0;
	c->neigh = xmalloc(((size_t)nj * c->n_neigh + 1) * sizeof(int));
	key = xmalloc(((size_t)nj + 1) * sizeof(double));
	cand = xmalloc(((size_t)nj + 1) * sizeof(int));
	c->maxarc = 0.0;
	for (int u = 0; u < nj; u++) {
		int lu = p->jobs[u].location, m = 0;

		for (int v = 0; v < nj; v++) {
			int lv = p->jobs[v].location;
			double d1 = pr_pdist(p, 0, lu, lv),
			    d2 = pr_pdist(p, 0, lv, lu);

			key[v] = d1 < d2 ? d1 : d2;
			if (d1 > c->maxarc)
				c->maxarc = d1;
			if (v != u)
				cand[m++] = v;
		}
		/* partial selection of the n_neigh smallest, kept sorted */
		for (int q = 0; q < c->n_neigh; q++) {
			int bi = q;

			for (int r = q + 1; r < m; r++)
				if (sctx_dist_cmp(key, cand[r], cand[bi]) < 0)
					bi = r;
			int t = cand[q];
			cand[q] = cand[bi];
			cand[bi] = t;
			c->neigh[(size_t)u * c->n_neigh + q] = cand[q];
		}
	}
	free(key);
	free(cand);
}

void
sctx_free(struct sctx *c)
{
	for (int v = 0; v < c->p->n_vehicles; v++)
		free(c->pinned[v]);
	free(c->pinned);
	free(c->pinned_count);
	free(c->candidate);
	free(c->neigh);
	free(c->vclass);
	free(c->class_rep);
	free(c->class_size);
}
