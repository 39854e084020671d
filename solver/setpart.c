/* setpart.c: choosing the best set of routes from a pool with GLPK. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "glpk.h"
#include "setpart.h"

/*
 * The set-partitioning model over a pool of routes R (Balinski & Quandt
 * 1964; used with a heuristic's route pool by Rochat & Taillard 1995 and
 * Subramanian, Uchoa & Ochi 2013):
 *
 *   min  sum_r cost_r x_r
 *   s.t. sum_{r ∋ j} x_r = 1      for each job j served by the incumbent
 *        sum_{r ∋ j} x_r <= 1     for the others
 *        sum_{r in class k} x_r <= vehicles of class k
 *        x binary
 *
 * Lexicographic objectives are solved in stages, each fixing the optimum
 * of the one before with an extra row: served weight (exact mode), then
 * the number of routes (vehicles objective), then cost. GLPK runs inside
 * the guard of glpk.c (an internal error comes back as PR_EGLPK, nothing
 * is printed). The LP relaxation is solved by the simplex first,
 * then branch and bound runs without the MIP presolver (bounded by time,
 * nodes or simplex iterations: the last two keep iteration-bounded runs
 * reproducible) so that the
 * incumbent can be handed to it (glp_ios_heur_sol in the GLP_IHEUR
 * callback) as the first bound. glp_ios_heur_sol trusts its input, so the
 * caller's incumbent must be feasible for the base model, and each later
 * stage starts from the previous stage's optimum. Each call ends by
 * freeing the thread's GLPK environment: callers must not hold GLPK
 * objects of their own across a solve.
 */

struct sp_glpk {
	double *hx;          /* incumbent, 1-based, or NULL */
	int heur_given;
	long nodes, node_limit;
	int it_limit;        /* simplex iterations, a clock-free work bound */
	int cuts;            /* clique cuts (small models: the exact mode) */
	int stopped;
};

static void
sp_callback(glp_tree *t, void *info)
{
	struct sp_glpk *g = info;

	switch (glp_ios_reason(t)) {
	case GLP_IHEUR:
		if (g->hx != NULL && !g->heur_given) {
			g->heur_given = 1;
			glp_ios_heur_sol(t, g->hx);
		}
		break;
	case GLP_ISELECT:
		g->nodes++;
		if (g->node_limit > 0 && g->nodes > g->node_limit) {
			g->stopped = 1;
			glp_ios_terminate(t);
		}
		break;
	default:
		break;
	}
	if (!g->stopped && g->it_limit > 0 &&
	    glp_get_it_cnt(glp_ios_get_prob(t)) > g->it_limit) {
		g->stopped = 1;
		glp_ios_terminate(t);
	}
}

/* One stage: LP, then branch and bound. Returns 0 with *proven set, or -1
 * when no integer solution was found. */
static int
sp_stage(glp_prob *lp, struct sp_glpk *g, double deadline, int *proven)
{
	glp_smcp sm;
	glp_iocp io;
	int rc, st, ms;

	if ((ms = glpk_ms_left(deadline)) == 0)
		return -1;
	glp_set_it_cnt(lp, 0);
	glp_init_smcp(&sm);
	sm.msg_lev = GLP_MSG_OFF;
	sm.presolve = GLP_OFF;
	sm.tm_lim = ms;
	if (g->it_limit > 0)
		sm.it_lim = g->it_limit;
	rc = glp_simplex(lp, &sm);
	if (rc != 0 || glp_get_status(lp) != GLP_OPT)
		return -1;
	if ((ms = glpk_ms_left(deadline)) == 0)
		return -1;
	glp_init_iocp(&io);
	io.msg_lev = GLP_MSG_OFF;
	io.presolve = GLP_OFF;
	/* most-fractional branching: GLPK's default (Driebeck-Tomlin)
	 * evaluates a tableau row per fractional column, which took most of
	 * the time on pools of thousands of routes */
	io.br_tech = GLP_BR_MFV;
	io.clq_cuts = g->cuts ? GLP_ON : GLP_OFF;
	io.tm_lim = ms;
	io.cb_func = sp_callback;
	io.cb_info = g;
	g->heur_given = 0;
	g->nodes = 0;
	g->stopped = 0;
	rc = glp_intopt(lp, &io);
	st = glp_mip_status(lp);
	if (st != GLP_OPT && st != GLP_FEAS)
		return -1;
	*proven = *proven && rc == 0 && st == GLP_OPT && !g->stopped;
	return 0;
}

/* The stage just solved becomes the next stage's starting solution: it
 * satisfies the row that fixes its optimum, which the caller's incumbent
 * may not (and glp_ios_heur_sol does not check feasibility). */
static void
sp_carry(glp_prob *lp, struct sp_glpk *g, int ncols)
{
	if (g->hx == NULL)
		g->hx = xcalloc((size_t)ncols + 1, sizeof(double));
	for (int r = 0; r < ncols; r++)
		g->hx[r + 1] = glp_mip_col_val(lp, r + 1) > 0.5 ? 1.0 : 0.0;
}

/* Adds the row sum coef_r x_r {<=,>=} bound over all columns. */
static void
sp_fix_row(glp_prob *lp, int ncols, const double *coef, int *ind,
    double *val, int type, double bound)
{
	int row = glp_add_rows(lp, 1), m = 0;

	for (int r = 0; r < ncols; r++) {
		if (coef[r] != 0) {
			ind[m + 1] = r + 1;
			val[m + 1] = coef[r];
			m++;
		}
	}
	glp_set_mat_row(lp, row, m, ind, val);
	glp_set_row_bnds(lp, row, type, bound, bound);
}

int
sp_solve(const struct sctx *c, const struct sp_col *cols, int ncols,
    const int *jobs, const char *incumbent, const struct sp_params *prm,
    char *chosen, int *proven)
{
	const struct pr_problem *p = c->p;
	int nj = p->n_jobs, ncls = c->n_classes;
	/* on the heap: locals changed after setjmp are not reliable after
	 * longjmp unless volatile */
	struct sp_glpk *g;
	struct glpk_guard guard;
	glp_prob *volatile lp = NULL;
	int *volatile ia = NULL, *volatile ja = NULL, *volatile ind = NULL;
	double *volatile ar = NULL, *volatile coef = NULL, *volatile val = NULL;
	char *volatile served = NULL;
	volatile int rc = PR_EGLPK;
	double deadline = prm->time_limit > 0 ? pr_now() + prm->time_limit : 0;
	size_t ne = 0;

	*proven = 1;
	if (ncols == 0)
		return PR_EGLPK;
	g = xcalloc(1, sizeof(*g));
	g->node_limit = prm->node_limit;
	g->it_limit = prm->it_limit;
	g->cuts = prm->cover_all;
	glpk_guard_arm(&guard);
	if (setjmp(guard.jb) != 0) {
		lp = NULL;	/* gone with GLPK's environment */
		rc = PR_EGLPK;
		goto out;
	}
	served = xcalloc((size_t)nj + 1, 1);
	if (incumbent != NULL)
		for (int r = 0; r < ncols; r++)
			if (incumbent[r])
				for (int q = 0; q < cols[r].n; q++)
					served[jobs[cols[r].off + q]] = 1;
	lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MIN);
	glp_add_rows(lp, nj + ncls);
	for (int j = 0; j < nj; j++) {
		if (!prm->cover_all && served[j])
			glp_set_row_bnds(lp, j + 1, GLP_FX, 1.0, 1.0);
		else
			glp_set_row_bnds(lp, j + 1, GLP_UP, 0.0, 1.0);
	}
	for (int k = 0; k < ncls; k++)
		glp_set_row_bnds(lp, nj + k + 1, GLP_UP, 0.0,
		    (double)c->class_size[k]);
	glp_add_cols(lp, ncols);
	for (int r = 0; r < ncols; r++) {
		glp_set_col_kind(lp, r + 1, GLP_BV);
		ne += (size_t)cols[r].n + 1;
	}
	ia = xmalloc((ne + 1) * sizeof(int));
	ja = xmalloc((ne + 1) * sizeof(int));
	ar = xmalloc((ne + 1) * sizeof(double));
	ne = 0;
	for (int r = 0; r < ncols; r++) {
		for (int q = 0; q < cols[r].n; q++) {
			ne++;
			ia[ne] = jobs[cols[r].off + q] + 1;
			ja[ne] = r + 1;
			ar[ne] = 1.0;
		}
		ne++;
		ia[ne] = nj + cols[r].vclass + 1;
		ja[ne] = r + 1;
		ar[ne] = 1.0;
	}
	glp_load_matrix(lp, (int)ne, ia, ja, ar);
	coef = xcalloc((size_t)ncols + 1, sizeof(double));
	ind = xmalloc(((size_t)ncols + 2) * sizeof(int));
	val = xmalloc(((size_t)ncols + 2) * sizeof(double));
	if (incumbent != NULL) {
		g->hx = xcalloc((size_t)ncols + 1, sizeof(double));
		for (int r = 0; r < ncols; r++)
			g->hx[r + 1] = incumbent[r] ? 1.0 : 0.0;
	}
	if (prm->cover_all) {
		/* stage: most served weight */
		for (int r = 0; r < ncols; r++) {
			coef[r] = 0;
			for (int q = 0; q < cols[r].n; q++)
				coef[r] += sol_job_weight(c,
				    jobs[cols[r].off + q]);
			glp_set_obj_coef(lp, r + 1, -coef[r]);
		}
		if (sp_stage(lp, g, deadline, proven) != 0)
			goto out;
		sp_fix_row(lp, ncols, coef, ind, val, GLP_LO,
		    -glp_mip_obj_val(lp) - 0.5);
		sp_carry(lp, g, ncols);
	}
	if (c->objective == PR_OBJ_VEHICLES) {
		for (int r = 0; r < ncols; r++) {
			coef[r] = 1.0;
			glp_set_obj_coef(lp, r + 1, 1.0);
		}
		if (sp_stage(lp, g, deadline, proven) != 0)
			goto out;
		sp_fix_row(lp, ncols, coef, ind, val, GLP_UP,
		    glp_mip_obj_val(lp) + 0.5);
		sp_carry(lp, g, ncols);
	}
	for (int r = 0; r < ncols; r++)
		glp_set_obj_coef(lp, r + 1, cols[r].cost);
	if (sp_stage(lp, g, deadline, proven) != 0)
		goto out;
	for (int r = 0; r < ncols; r++)
		chosen[r] = glp_mip_col_val(lp, r + 1) > 0.5;
	rc = 0;
out:
	if (lp != NULL)
		glp_delete_prob(lp);
	glpk_guard_end(&guard);
	free(ia);
	free(ja);
	free(ar);
	free(coef);
	free(ind);
	free(val);
	free(served);
	free(g->hx);
	free(g);
	if (rc != 0)
		*proven = 0;
	return rc;
}

int
sp_to_solution(const struct sctx *c, const struct sp_col *cols, int ncols,
    const int *jobs, const char *chosen, struct ssol *out)
{
	const struct pr_problem *p = c->p;
	int *next = xcalloc((size_t)c->n_classes + 1, sizeof(int));
	int rc = 0;

	for (int v = 0; v < out->n_routes; v++) {
		if (out->r[v].n > 0)
			sol_replace(out, c, v, 1, out->r[v].n, NULL, 0);
	}
	out->n_unassigned = 0;
	for (int j = 0; j < p->n_jobs; j++)
		out->route_of[j] = -1;
	for (int r = 0; r < ncols && rc == 0; r++) {
		int k = cols[r].vclass, v;
		double nd;

		if (!chosen[r])
			continue;
		for (v = next[k] > c->class_rep[k] ? next[k] :
		    c->class_rep[k]; v < p->n_vehicles; v++)
			if (c->vclass[v] == k && out->r[v].n == 0)
				break;
		if (v >= p->n_vehicles) {
			rc = -1;
			break;
		}
		next[k] = v + 1;
		for (int q = 0; q < cols[r].n; q++)
			if (out->route_of[jobs[cols[r].off + q]] >= 0)
				rc = -1;
		if (rc != 0 || route_eval_replace(&out->r[v], c->p, 1, 0,
		    &jobs[cols[r].off], cols[r].n, &nd) != 0) {
			rc = -1;
			break;
		}
		sol_replace(out, c, v, 1, 0, &jobs[cols[r].off],
		    cols[r].n);
	}
	for (int j = 0; j < p->n_jobs; j++)
		if (out->route_of[j] < 0)
			sol_add_unassigned(out, j);
	sol_eval(out, c);
	free(next);
	return rc;
}
