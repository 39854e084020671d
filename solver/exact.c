/* exact.c: proven optima for small problems: every cheapest route, then set partitioning. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "route.h"
#include "setpart.h"

/*
 * For up to EXACT_MAX jobs, a label-setting dynamic program over subsets
 * (the elementary shortest path DP of Desrochers, Desrosiers & Solomon
 * 1992, without prices) finds, for every vehicle class and every subset S
 * of jobs, the cheapest feasible route that serves exactly S. A label at
 * (S, j) is a partial route that has served S and ends at j: its cost,
 * departure time from j and travel time so far, and with deliveries the
 * highest load so far (what S delivers and picks up is the same for every
 * order; the highest load is not), and with breaks the departure time for
 * every number of breaks taken. A label dominates another at the same
 * state when it is no worse in all of these; since waiting is allowed,
 * leaving earlier never hurts, so dominated labels can go. Every
 * optimal solution is a set of routes whose job sets partition the served
 * jobs, and each can be replaced by the cheapest route for its set, so set
 * partitioning (setpart.c) over these columns gives a proven optimum.
 */

#define EXACT_MAX 16
#define EXACT_MAX_LABELS 1000000  /* 40 MB at most */

struct label {
	double cost, time, tt;
	int prev;           /* label index, -1 at the first job */
	int job;            /* local job index */
	int next;           /* next label of the same state */
};

struct exact {
	const struct sctx *c;
	int m;              /* jobs */
	int dims;           /* highest loads kept per label (0: no deliveries) */
	int nb;             /* breaks of the vehicle class being labelled */
	struct label *lab;
	int64_t *lload;     /* label -> its highest load, dims values */
	double *ltime;      /* label -> departures with 1..nb breaks taken */
	int nlab, caplab;
	int *head;          /* state (S * m + j) -> first label, -1 */
	double deadline;
	const atomic_int *cancel;
};

/* Whether departures a[0..nb) (1..nb breaks taken) are no later than
 * b's. */
static int
exact_time_le(const struct exact *x, const double *a, const double *b)
{
	for (int k = 0; k < x->nb; k++)
		if (!(a[k] <= b[k] + 1e-9))
			return 0;
	return 1;
}

/* Whether highest loads a are no higher than b in every dimension. */
static int
exact_load_le(const struct exact *x, const int64_t *a, const int64_t *b)
{
	for (int d = 0; d < x->dims; d++)
		if (a[d] > b[d])
			return 0;
	return 1;
}

static int
exact_push(struct exact *x, int state, const struct route_state *st,
    double tt, int prev, int job)
{
	int *link = &x->head[state], i;
	double cost = st->cost, time = st->time;
	const int64_t *load = st->ld.l;

	/* dominated by an existing label? drop dominated ones on the way */
	for (i = *link; i >= 0; i = x->lab[i].next) {
		const struct label *l = &x->lab[i];

		if (l->cost <= cost + 1e-9 && l->time <= time + 1e-9 &&
		    l->tt <= tt + 1e-9 && exact_load_le(x,
		    &x->lload[(size_t)i * x->dims], load) &&
		    exact_time_le(x, &x->ltime[(size_t)i * x->nb], &st->t[1]))
			return 0;
	}
	while ((i = *link) >= 0) {
		struct label *l = &x->lab[i];

		if (cost <= l->cost && time <= l->time && tt <= l->tt &&
		    exact_load_le(x, load, &x->lload[(size_t)i * x->dims]) &&
		    exact_time_le(x, &st->t[1], &x->ltime[(size_t)i * x->nb]))
			*link = l->next;    /* unlinked; its slot stays */
		else
			link = &l->next;
	}
	if (x->nlab >= EXACT_MAX_LABELS)
		return -1;
	if (x->nlab == x->caplab) {
		x->caplab = x->caplab ? 2 * x->caplab : 4096;
		x->lab = xreallocarray(x->lab, (size_t)x->caplab,
		    sizeof(*x->lab));
		x->lload = xreallocarray(x->lload, (size_t)x->caplab *
		    (size_t)x->dims + 1, sizeof(int64_t));
		x->ltime = xreallocarray(x->ltime, (size_t)x->caplab *
		    PR_MAX_BREAKS + 1, sizeof(double));
	}
	i = x->nlab++;
	x->lab[i] = (struct label){ cost, time, tt, prev, job,
	    x->head[state] };
	memcpy(&x->lload[(size_t)i * x->dims], load,
	    (size_t)x->dims * sizeof(int64_t));
	memcpy(&x->ltime[(size_t)i * x->nb], &st->t[1],
	    (size_t)x->nb * sizeof(double));
	x->head[state] = i;
	return 0;
}

/* What a set of jobs is, whatever the order: how many, what they deliver
 * and pick up. */
struct exact_set {
	int n;
	struct route_load ld;
};

/* The partial route of label li (at job index j of the state, having
 * served the set set) as the evaluator's state. Labels keep the travel time only when it is limited
 * (else it is 0 and dominance ignores it). */
static void
exact_state(struct route_state *st, const struct exact *x, int v, int li,
    int loc, const struct exact_set *set)
{
	const struct label *l = &x->lab[li];

	route_begin(st, x->c->p, v);
	st->loc = loc;
	st->time = l->time;
	st->cost = l->cost;
	st->travel = l->tt;
	st->n = set->n;
	st->ld = set->ld;
	if (x->dims > 0)
		memcpy(st->ld.l, &x->lload[(size_t)li * x->dims],
		    (size_t)x->dims * sizeof(int64_t));
	memcpy(&st->t[1], &x->ltime[(size_t)li * x->nb],
	    (size_t)x->nb * sizeof(double));
}

/* Runs the DP for vehicle v; fills best[S] (cost, or INFINITY) and
 * bestlab[S]. Every extension and closing is the evaluator's. Returns 0,
 * or 1 when it ran out of time or labels. */
static int
exact_dp(struct exact *x, int v, const int *jobs, double *best,
    int *bestlab)
{
	const struct sctx *c = x->c;
	const struct pr_problem *p = c->p;
	const struct pr_vehicle *veh = &p->vehicles[v];
	int m = x->m, dims = p->n_dims;
	size_t nstates = ((size_t)1 << m) * (size_t)m;
	struct exact_set set;
	int mtt = veh->max_travel_time >= 0;
	double fixed = veh->fixed_cost;
	struct route_state st, ext;

	x->nlab = 0;
	x->nb = veh->n_breaks;
	for (size_t s = 0; s < nstates; s++)
		x->head[s] = -1;
	for (size_t s = 0; s < ((size_t)1 << m); s++) {
		best[s] = INFINITY;
		bestlab[s] = -1;
	}
	for (int j = 0; j < m; j++) {
		route_begin(&st, p, v);
		if (route_extend(&st, jobs[j], NULL, 0) != ROUTE_OK ||
		    !route_may_finish(&st))
			continue;
		if (exact_push(x, (1 << j) * m + j, &st,
		    mtt ? st.travel : 0, -1, j) != 0)
			return 1;
	}
	for (unsigned S = 1; S < (1u << m); S++) {
		if ((S & 255) == 0 && ((x->deadline > 0 && pr_now() >
		    x->deadline) || pr_canceled(x->cancel)))
			return 1;
		memset(&set, 0, sizeof(set));
		for (int j = 0; j < m; j++)
			set.n += (S >> j) & 1;
		for (int d = 0; d < dims; d++) {
			for (int j = 0; j < m; j++) {
				if (S & (1u << j)) {
					set.ld.p[d] +=
					    p->jobs[jobs[j]].pickup[d];
					set.ld.d[d] +=
					    p->jobs[jobs[j]].delivery[d];
				}
			}
			set.ld.l[d] = set.ld.p[d];
		}
		for (int j = 0; j < m; j++) {
			int jl = p->jobs[jobs[j]].location;

			if (!(S & (1u << j)))
				continue;
			for (int li = x->head[S * m + j]; li >= 0;
			    li = x->lab[li].next) {
				exact_state(&st, x, v, li, jl, &set);
				/* close the route here */
				ext = st;
				if (route_finish(&ext) == ROUTE_OK &&
				    ext.cost + fixed < best[S] - 1e-9) {
					best[S] = ext.cost + fixed;
					bestlab[S] = li;
				}
				/* extend to k */
				for (int k = 0; k < m; k++) {
					unsigned to = (S | (1u << k)) *
					    (unsigned)m + (unsigned)k;

					if (S & (1u << k))
						continue;
					ext = st;
					if (route_extend(&ext, jobs[k], NULL,
					    0) != ROUTE_OK ||
					    !route_may_finish(&ext))
						continue;
					if (exact_push(x, (int)to, &ext,
					    mtt ? ext.travel : 0, li, k) != 0)
						return 1;
				}
			}
		}
	}
	return 0;
}

int
exact_solve(const struct sctx *c, double deadline, const atomic_int *cancel,
    const struct ssol *incumbent, struct ssol *out)
{
	struct exact x;
	int m = c->n_jobs, rc = 1, ncols = 0, proven = 0;
	size_t nsub = (size_t)1 << m;
	double *best;
	int *bestlab, *colidx, *jobs, *cjobs;
	struct sp_col *cols;
	char *inc, *chosen;
	size_t njobs = 0;

	if (m < 1 || m > EXACT_MAX || c->has_pins)
		return 1;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.m = m;
	x.deadline = deadline;
	x.cancel = cancel;
	x.dims = c->p->has_delivery ? c->p->n_dims : 0;
	x.head = xmalloc(nsub * (size_t)m * sizeof(int));
	best = xmalloc(nsub * sizeof(double));
	bestlab = xmalloc(nsub * sizeof(int));
	colidx = xmalloc(nsub * (size_t)c->n_classes * sizeof(int));
	cols = xmalloc(nsub * (size_t)c->n_classes * sizeof(*cols));
	cjobs = xmalloc(nsub * (size_t)c->n_classes * (size_t)m * sizeof(int));
	jobs = xmalloc((size_t)m * sizeof(int));
	for (int j = 0; j < m; j++)
		jobs[j] = j;
	for (int k = 0; k < c->n_classes; k++) {
		if (exact_dp(&x, c->class_rep[k], jobs, best, bestlab) != 0)
			goto out;
		for (size_t S = 1; S < nsub; S++) {
			int n = 0;

			colidx[k * nsub + S] = -1;
			if (bestlab[S] < 0)
				continue;
			/* the sequence, from the last job back */
			for (int li = bestlab[S]; li >= 0; li = x.lab[li].prev)
				n++;
			{
				int q = n;

				for (int li = bestlab[S]; li >= 0;
				    li = x.lab[li].prev)
					cjobs[njobs + (size_t)--q] =
					    x.lab[li].job;
			}
			cols[ncols] = (struct sp_col){ k, n, (int)njobs,
			    best[S], 0 };
			colidx[k * nsub + S] = ncols++;
			njobs += (size_t)n;
		}
	}
	inc = xcalloc((size_t)ncols + 1, 1);
	chosen = xcalloc((size_t)ncols + 1, 1);
	if (incumbent != NULL) {
		for (int v = 0; v < incumbent->n_routes; v++) {
			const struct sroute *r = &incumbent->r[v];
			size_t S = 0;

			if (r->n == 0)
				continue;
			for (int q = 0; q < r->n; q++)
				S |= (size_t)1 << r->nodes[q];
			if (colidx[c->vclass[v] * nsub + S] >= 0)
				inc[colidx[c->vclass[v] * nsub + S]] = 1;
		}
	}
	{
		struct sp_params prm = { deadline > 0 ? deadline - pr_now() :
		    0, 0, 1, 0 };

		if (deadline > 0 && prm.time_limit <= 0)
			rc = 1;
		else if (ncols == 0) {
			/* nothing can be served: the empty plan is optimal */
			sol_copy(out, incumbent, c);
			rc = incumbent->n_unassigned == m ? 0 : 1;
		} else if (sp_solve(c, cols, ncols, cjobs, inc, &prm, chosen,
		    &proven) == 0 && proven &&
		    sp_to_solution(c, cols, ncols, cjobs, chosen, out) == 0)
			rc = 0;
	}
	free(inc);
	free(chosen);
out:
	free(x.lab);
	free(x.lload);
	free(x.ltime);
	free(x.head);
	free(best);
	free(bestlab);
	free(colidx);
	free(cols);
	free(cjobs);
	free(jobs);
	return rc;
}
