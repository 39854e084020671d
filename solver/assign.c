/* assign.c: generalised assignment with overflow: a greedy nearest-feasible answer, then GLPK's branch and cut from it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "glpk.h"
#include "util.h"
#include "postroute/assign.h"

/*
 * Items to bins with two capacities per bin, minimising cost, with one
 * overflow variable per item so that the model is always feasible
 * (Ross & Soland 1975; Martello & Toth, "Knapsack Problems", ch. 7). The
 * LP relaxation of the clustering model (cluster.c) is nearly integral,
 * so GLPK's branch and cut usually proves optimality within the time
 * limit; when it does not, we take its best integer solution, and without
 * one the greedy nearest-feasible rule (least flexible item first, to the
 * cheapest bin with room) answers.
 *
 * GLPK runs inside the guard of glpk.c: an internal error falls back to
 * the greedy answer, nothing is printed, tm_lim bounds the time, and no
 * GLPK environment is left behind in the calling thread.
 */

#define ASSIGN_MIP_GAP 0.01          /* relative: good enough to route on */

/* ---- nearest feasible: the fallback and GLPK's first incumbent ----------- */

struct assign_move {
	int item;
	double regret;   /* extra cost of its best alternative, per kg */
};

static int
assign_move_cmp(const void *a, const void *b)
{
	const struct assign_move *x = a, *y = b;

	if (x->regret != y->regret)
		return x->regret < y->regret ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/* The cheapest bin other than `not` with room for item i, or -1. */
static int
assign_best_bin(const struct pr_assign_input *in, int i, int not,
    const double *load_kg, const double *load_h)
{
	int nb = in->n_bins, best = -1;
	double bc = INFINITY;

	for (int b = 0; b < nb; b++) {
		double c = in->cost[(size_t)i * nb + b];

		if (b == not || !isfinite(c) || c >= bc)
			continue;
		if (load_kg[b] + in->kg[i] > in->cap_kg[b] + PR_EPS ||
		    load_h[b] + in->hours[(size_t)i * nb + b] >
		    in->cap_h[b] + PR_EPS)
			continue;
		bc = c;
		best = b;
	}
	return best;
}

/*
 * Every item to its cheapest bin; then each overloaded bin sheds the
 * items whose next-cheapest bin with room costs least extra per kg,
 * until it fits; an item with nowhere to go overflows (-1). Returns the
 * objective.
 */
static double
assign_greedy(const struct pr_assign_input *in, int *assign)
{
	int ni = in->n_items, nb = in->n_bins;
	double *load_kg = xcalloc((size_t)nb + 1, sizeof(double));
	double *load_h = xcalloc((size_t)nb + 1, sizeof(double));
	struct assign_move *mv = xcalloc((size_t)ni + 1, sizeof(*mv));
	double obj = 0;

	for (int i = 0; i < ni; i++) {
		double bc = INFINITY;

		assign[i] = -1;
		for (int b = 0; b < nb; b++)
			if (in->cost[(size_t)i * nb + b] < bc) {
				bc = in->cost[(size_t)i * nb + b];
				assign[i] = b;
			}
		if (assign[i] >= 0) {
			load_kg[assign[i]] += in->kg[i];
			load_h[assign[i]] += in->hours[(size_t)i * nb +
			    assign[i]];
		}
	}
	for (int b = 0; b < nb; b++) {
		int m = 0;

		if (load_kg[b] <= in->cap_kg[b] + PR_EPS &&
		    load_h[b] <= in->cap_h[b] + PR_EPS)
			continue;
		for (int i = 0; i < ni; i++) {
			double alt = INFINITY, here;

			if (assign[i] != b)
				continue;
			here = in->cost[(size_t)i * nb + b];
			for (int k = 0; k < nb; k++)
				if (k != b &&
				    in->cost[(size_t)i * nb + k] < alt)
					alt = in->cost[(size_t)i * nb + k];
			mv[m].item = i;
			mv[m].regret = isfinite(alt) ? (alt - here) /
			    (in->kg[i] > 0.01 ? in->kg[i] : 0.01) : INFINITY;
			m++;
		}
		qsort(mv, (size_t)m, sizeof(*mv), assign_move_cmp);
		for (int k = 0; k < m && (load_kg[b] > in->cap_kg[b] + PR_EPS ||
		    load_h[b] > in->cap_h[b] + PR_EPS); k++) {
			int i = mv[k].item;
			int to = assign_best_bin(in, i, b, load_kg, load_h);

			load_kg[b] -= in->kg[i];
			load_h[b] -= in->hours[(size_t)i * nb + b];
			assign[i] = to;
			if (to >= 0) {
				load_kg[to] += in->kg[i];
				load_h[to] += in->hours[(size_t)i * nb + to];
			}
		}
	}
	for (int i = 0; i < ni; i++)
		obj += assign[i] >= 0 ? in->cost[(size_t)i * nb + assign[i]] :
		    in->overflow_cost;
	free(load_kg);
	free(load_h);
	free(mv);
	return obj;
}

/* ---- GLPK ---------------------------------------------------------------- */

/* Everything the error path must free lives here, in memory, not in
 * registers that longjmp() may clobber. */
struct assign_mip {
	struct glpk_guard g;
	int *ia, *ja, *colitem, *colbin;
	double *ar;
	double *start;           /* the greedy incumbent, 1-based columns */
	int start_given;
};

static void
assign_mip_free(struct assign_mip *m)
{
	free(m->ia);
	free(m->ja);
	free(m->ar);
	free(m->colitem);
	free(m->colbin);
	free(m->start);
}

/* Hands GLPK the greedy solution as its first incumbent, so that a time
 * limit never leaves us with less than the fallback. */
static void
assign_callback(glp_tree *t, void *info)
{
	struct assign_mip *m = info;

	if (glp_ios_reason(t) == GLP_IHEUR && !m->start_given) {
		m->start_given = 1;
		glp_ios_heur_sol(t, m->start);
	}
}

/* Returns the status of pr_assign_solve (or -1 when GLPK failed);
 * nx = allowed pairs; assign holds the greedy answer on entry. */
static int
assign_glpk(const struct pr_assign_input *in, size_t nx, int *assign,
    double *obj, struct assign_mip *m)
{
	int ni = in->n_items, nb = in->n_bins, st;
	size_t nnz = 3 * nx + (size_t)ni;
	glp_prob *lp;
	glp_smcp smcp;
	glp_iocp parm;
	int ret, ms, col, k, mip;
	double deadline = pr_now() + (in->time_limit > 0 ? in->time_limit :
	    10.0);

	/* Columns: x[i][b] for allowed pairs, then y[i]. Rows: one per item
	 * (assignment), then kg and hours per bin. */
	m->ia = xmalloc((nnz + 1) * sizeof(int));
	m->ja = xmalloc((nnz + 1) * sizeof(int));
	m->ar = xmalloc((nnz + 1) * sizeof(double));
	m->colitem = xmalloc((nx + (size_t)ni + 1) * sizeof(int));
	m->colbin = xmalloc((nx + (size_t)ni + 1) * sizeof(int));
	m->start = xcalloc(nx + (size_t)ni + 1, sizeof(double));
	glpk_guard_arm(&m->g);
	if (setjmp(m->g.jb) != 0) {
		glpk_guard_end(&m->g);
		return -1;  /* GLPK failed; its environment is gone already */
	}
	col = k = 0;
	lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MIN);
	glp_add_rows(lp, ni + 2 * nb);
	for (int i = 0; i < ni; i++)
		glp_set_row_bnds(lp, i + 1, GLP_FX, 1.0, 1.0);
	for (int b = 0; b < nb; b++) {
		glp_set_row_bnds(lp, ni + 2 * b + 1, GLP_UP, 0.0,
		    in->cap_kg[b] > 0 ? in->cap_kg[b] : 0.0);
		glp_set_row_bnds(lp, ni + 2 * b + 2, GLP_UP, 0.0,
		    in->cap_h[b] > 0 ? in->cap_h[b] : 0.0);
	}
	glp_add_cols(lp, (int)nx + ni);
	for (int i = 0; i < ni; i++)
		for (int b = 0; b < nb; b++) {
			double c = in->cost[(size_t)i * nb + b];

			if (!isfinite(c))
				continue;
			col++;
			m->colitem[col] = i;
			m->colbin[col] = b;
			m->start[col] = assign[i] == b;
			glp_set_col_kind(lp, col, GLP_BV);
			glp_set_obj_coef(lp, col, c);
			m->ia[++k] = i + 1;
			m->ja[k] = col;
			m->ar[k] = 1.0;
			m->ia[++k] = ni + 2 * b + 1;
			m->ja[k] = col;
			m->ar[k] = in->kg[i];
			m->ia[++k] = ni + 2 * b + 2;
			m->ja[k] = col;
			m->ar[k] = in->hours[(size_t)i * nb + b];
		}
	for (int i = 0; i < ni; i++) {
		col++;
		m->colitem[col] = i;
		m->colbin[col] = -1;
		m->start[col] = assign[i] < 0;
		glp_set_col_kind(lp, col, GLP_BV);
		glp_set_obj_coef(lp, col, in->overflow_cost);
		m->ia[++k] = i + 1;
		m->ja[k] = col;
		m->ar[k] = 1.0;
	}
	glp_load_matrix(lp, k, m->ia, m->ja, m->ar);

	/* The LP relaxation first (the MIP presolver would renumber the
	 * columns the incumbent is given in), then branch and cut. */
	ms = glpk_ms_left(deadline);
	glp_init_smcp(&smcp);
	smcp.msg_lev = GLP_MSG_OFF;
	smcp.presolve = GLP_OFF;
	smcp.tm_lim = ms < 1 ? 1 : ms;
	ret = glp_simplex(lp, &smcp);
	ms = glpk_ms_left(deadline);
	if (ret != 0 || glp_get_status(lp) != GLP_OPT || ms < 1) {
		st = ret == GLP_ETMLIM || ms < 1 ? 2 : 3;
		goto out;
	}
	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_OFF;
	parm.mip_gap = ASSIGN_MIP_GAP;
	/* Cover and MIR cuts tighten the knapsack rows of the offices; GLPK
	 * needs minutes without them on a peak day. */
	parm.cov_cuts = GLP_ON;
	parm.mir_cuts = GLP_ON;
	parm.cb_func = assign_callback;
	parm.cb_info = m;
	parm.tm_lim = ms;
	ret = glp_intopt(lp, &parm);
	mip = glp_mip_status(lp);
	if ((ret == 0 || ret == GLP_ETMLIM || ret == GLP_EMIPGAP) &&
	    (mip == GLP_OPT || mip == GLP_FEAS)) {
		for (int i = 0; i < ni; i++)
			assign[i] = -1;
		for (int c = 1; c <= col; c++)
			if (m->colbin[c] >= 0 && glp_mip_col_val(lp, c) > 0.5)
				assign[m->colitem[c]] = m->colbin[c];
		*obj = glp_mip_obj_val(lp);
		st = (ret == 0 && mip == GLP_OPT) || ret == GLP_EMIPGAP ? 0 : 1;
	} else {
		st = ret == GLP_ETMLIM ? 2 : 3;
	}
out:
	glp_delete_prob(lp);
	glpk_guard_end(&m->g);
	return st;
}

int
pr_assign_solve(const struct pr_assign_input *in, int *assign, int *status,
    double *objective, struct pr_error *err)
{
	struct assign_mip m;
	int ni = in->n_items, nb = in->n_bins, st = 4;
	size_t nx = 0;
	double obj = 0;
	int *start;

	if (ni < 0 || nb < 0)
		return pr_seterr(err, PR_EINVAL, "assign: negative size");
	for (int i = 0; i < ni; i++) {
		if (!(in->kg[i] >= 0))
			return pr_seterr(err, PR_EINVAL, "assign: item %d: "
			    "weight must be >= 0", i);
		for (int b = 0; b < nb; b++) {
			double c = in->cost[(size_t)i * nb + b];

			if (isnan(c) || (isinf(c) && c < 0))
				return pr_seterr(err, PR_EINVAL, "assign: "
				    "item %d bin %d: cost must be a number or "
				    "+INFINITY", i, b);
			if (isfinite(c)) {
				if (!(in->hours[(size_t)i * nb + b] >= 0))
					return pr_seterr(err, PR_EINVAL,
					    "assign: item %d bin %d: hours "
					    "must be >= 0", i, b);
				nx++;
			}
		}
	}
	if (ni == 0) {
		st = 0;
		goto done;
	}
	obj = assign_greedy(in, assign);
	if (in->greedy)
		goto done;
	start = xmalloc((size_t)ni * sizeof(int));
	memcpy(start, assign, (size_t)ni * sizeof(int));
	memset(&m, 0, sizeof(m));
	st = assign_glpk(in, nx, assign, &obj, &m);
	assign_mip_free(&m);
	if (st < 0 || st >= 2) {
		/* GLPK failed or stopped before its first incumbent. */
		memcpy(assign, start, (size_t)ni * sizeof(int));
		obj = assign_greedy(in, assign);
		if (st < 0)
			st = 3;
	}
	free(start);
done:
	if (status != NULL)
		*status = st;
	if (objective != NULL)
		*objective = obj;
	return 0;
}
