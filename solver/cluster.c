/* cluster.c: pickups to post offices: a capacitated assignment MILP with GLPK, greedy fallback. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "glpk.h"
#include "util.h"
#include "postroute/cluster.h"
#include "postroute/office_problem.h"
#include "postroute/pickup.h"
#include "postroute/travel.h"

/*
 * By default a pickup belongs to its commune's office. On a peak day the
 * offices of the custard-apple communes get several times what their one
 * or two motorbikes can carry, while the district office next door has
 * vans. Moving pickups between offices is a generalised assignment
 * problem (Ross & Soland 1975; Martello & Toth, "Knapsack Problems", ch.
 * 7): items (pickups) to bins (offices) with two capacities per bin
 * (kilograms over the day's trips, vehicle-hours), minimising travel
 * time. We add one overflow variable per item so that the model is
 * always feasible: an overflowing pickup stays at home and the routing
 * solver reports it as unassigned if the fleet really cannot take it.
 *
 * Only pickups of overloaded offices (and pickups their own office cannot
 * get to the line-haul in time, when another office can) are variables;
 * everything else stays home and uses up capacity, which keeps the MILP
 * small (a few thousand binaries on the Lạng Sơn peak day). The LP
 * relaxation of this model is nearly integral, so GLPK's branch and cut
 * usually proves optimality within the time limit; when it does not, we
 * take its best integer solution, and without one the greedy
 * nearest-feasible rule (least flexible pickup first, to the cheapest
 * office with room) answers.
 *
 * GLPK runs inside the guard of glpk.c: an internal error falls back to
 * the greedy answer, nothing is printed, tm_lim bounds the time, and no
 * GLPK environment is left behind in the calling thread.
 */

#define CLUSTER_MAX_CAND 10          /* offices tried per pickup */
#define CLUSTER_DENSE_CELLS 1000000  /* item x office cells per batch */
#define CLUSTER_OVERFLOW 1e7
#define CLUSTER_MIP_GAP 0.01          /* relative: good enough to route on */

/* ---- nearest feasible: the fallback and GLPK's first incumbent ----------- */

struct cluster_move {
	int item;
	double regret;   /* extra cost of its best alternative, per kg */
};

static int
cluster_move_cmp(const void *a, const void *b)
{
	const struct cluster_move *x = a, *y = b;

	if (x->regret != y->regret)
		return x->regret < y->regret ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/* The cheapest bin other than `not` with room for item i, or -1. */
static int
cluster_best_bin(const struct pr_assign_input *in, int i, int not,
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
cluster_greedy(const struct pr_assign_input *in, int *assign)
{
	int ni = in->n_items, nb = in->n_bins;
	double *load_kg = xcalloc((size_t)nb + 1, sizeof(double));
	double *load_h = xcalloc((size_t)nb + 1, sizeof(double));
	struct cluster_move *mv = xcalloc((size_t)ni + 1, sizeof(*mv));
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
		qsort(mv, (size_t)m, sizeof(*mv), cluster_move_cmp);
		for (int k = 0; k < m && (load_kg[b] > in->cap_kg[b] + PR_EPS ||
		    load_h[b] > in->cap_h[b] + PR_EPS); k++) {
			int i = mv[k].item;
			int to = cluster_best_bin(in, i, b, load_kg, load_h);

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
struct cluster_mip {
	struct glpk_guard g;
	int *ia, *ja, *colitem, *colbin;
	double *ar;
	double *start;           /* the greedy incumbent, 1-based columns */
	int start_given;
};

static void
cluster_mip_free(struct cluster_mip *m)
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
cluster_callback(glp_tree *t, void *info)
{
	struct cluster_mip *m = info;

	if (glp_ios_reason(t) == GLP_IHEUR && !m->start_given) {
		m->start_given = 1;
		glp_ios_heur_sol(t, m->start);
	}
}

/* Returns the status of pr_assign_solve (or -1 when GLPK failed);
 * nx = allowed pairs; assign holds the greedy answer on entry. */
static int
cluster_glpk(const struct pr_assign_input *in, size_t nx, int *assign,
    double *obj, struct cluster_mip *m)
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
	parm.mip_gap = CLUSTER_MIP_GAP;
	/* Cover and MIR cuts tighten the knapsack rows of the offices; GLPK
	 * needs minutes without them on a peak day. */
	parm.cov_cuts = GLP_ON;
	parm.mir_cuts = GLP_ON;
	parm.cb_func = cluster_callback;
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
	struct cluster_mip m;
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
	obj = cluster_greedy(in, assign);
	if (in->greedy)
		goto done;
	start = xmalloc((size_t)ni * sizeof(int));
	memcpy(start, assign, (size_t)ni * sizeof(int));
	memset(&m, 0, sizeof(m));
	st = cluster_glpk(in, nx, assign, &obj, &m);
	cluster_mip_free(&m);
	if (st < 0 || st >= 2) {
		/* GLPK failed or stopped before its first incumbent. */
		memcpy(assign, start, (size_t)ni * sizeof(int));
		obj = cluster_greedy(in, assign);
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

/* ---- pickups to offices -------------------------------------------------- */

struct cluster_cand {
	int office;
	double travel_s;  /* office to household, its fastest vehicle */
	double hours;     /* vehicle-hours this pickup costs the office */
	int risk;         /* deadline at this office */
};

static int
cluster_cand_cmp(const void *a, const void *b)
{
	const struct cluster_cand *x = a, *y = b;

	if (x->travel_s != y->travel_s)
		return x->travel_s < y->travel_s ? -1 : 1;
	return (x->office > y->office) - (x->office < y->office);
}

static double
cluster_hours(const struct pr_region *r, double travel_s)
{
	/* Service, plus the drive out and back shared among the stops of
	 * a trip. */
	return (r->service_s + 2.0 * travel_s / r->stops_per_trip) / 3600.0;
}

static int
cluster_risk_at(const struct pr_region *r, int office,
    const struct pr_order *o, double travel_s)
{
	struct pr_deadline d;

	return pr_latest_pickup(r, office, o, r->service_s + travel_s, &d);
}

void
pr_cluster_result_free(struct pr_cluster_result *cr)
{
	if (cr == NULL)
		return;
	free(cr->office);
	free(cr->home);
	free(cr->reason);
	free(cr->risk);
	free(cr->cap_kg);
	free(cr->load_kg);
	free(cr->cap_h);
	free(cr->load_h);
	free(cr);
}

int
pr_cluster_assign(const struct pr_region *r, const struct pr_order *orders,
    int n, int64_t day_start, const struct pr_cluster_params *cp,
    struct pr_cluster_result **out, struct pr_error *err)
{
	struct pr_cluster_result *cr;
	struct cluster_cand *cand;
	int *ncand, *over_kg, *over_h, *item_order, *bin_office, *office_bin;
	int nitems = 0, nbins = 0, no = r->n_offices, rc = 0;
	double radius = cp != NULL && cp->radius_m > 0 ? cp->radius_m :
	    r->radius_m;
	double *fixed_kg, *fixed_h;
	int64_t day_end = day_start + 86400;

	*out = NULL;
	cr = xcalloc(1, sizeof(*cr));
	cr->n = n;
	cr->office = xmalloc(((size_t)n + 1) * sizeof(int));
	cr->home = xmalloc(((size_t)n + 1) * sizeof(int));
	cr->reason = xcalloc((size_t)n + 1, sizeof(*cr->reason));
	cr->risk = xcalloc((size_t)n + 1, sizeof(int));
	cr->cap_kg = xcalloc((size_t)no, sizeof(double));
	cr->load_kg = xcalloc((size_t)no, sizeof(double));
	cr->cap_h = xcalloc((size_t)no, sizeof(double));
	cr->load_h = xcalloc((size_t)no, sizeof(double));
	cr->status = -1;

	/* Daily capacity of each office. */
	for (int o = 0; o < no; o++) {
		const struct pr_office *of = &r->offices[o];
		int b[64], nb = pr_office_trip_slots(r, o, b, 64), trips = 0;

		for (int s = 0; s + 1 < nb; s++)
			if (b[s + 1] - b[s] >= 600)
				trips++;
		for (int p = 0; p < r->n_profiles; p++) {
			cr->cap_kg[o] += (double)of->fleet[p] * trips *
			    (double)r->profiles[p].capacity_g / 1000.0 *
			    r->utilisation;
			cr->cap_h[o] += (double)of->fleet[p] *
			    (of->shift_end - of->shift_start) / 3600.0 *
			    r->utilisation;
		}
	}

	/* Candidates of each order: home first, then the nearest offices
	 * with a fleet inside the radius. */
	cand = xcalloc((size_t)n * CLUSTER_MAX_CAND + 1, sizeof(*cand));
	ncand = xcalloc((size_t)n + 1, sizeof(int));
	{
		struct cluster_cand *tmp = xcalloc((size_t)no + 1,
		    sizeof(*tmp));

		for (int i = 0; i < n; i++) {
			const struct pr_order *o = &orders[i];
			int home, nt = 0, od, inside = 0;

			cr->office[i] = cr->home[i] = -1;
			if (o->state != PR_ORDER_OPEN || o->commune < 0)
				continue;
			home = r->communes[o->commune].office;
			od = r->communes[o->commune].district;
			cr->home[i] = cr->office[i] = home;
			for (int f = 0; f < no; f++) {
				const struct pr_office *of = &r->offices[f];
				int fp = pr_office_fastest_profile(r, f);
				double gc = pr_haversine_m(o->lon, o->lat,
				    of->lon, of->lat);

				if (gc <= radius)
					inside = 1;
				if (f != home && (gc > radius || fp < 0))
					continue;
				tmp[nt].office = f;
				tmp[nt].travel_s = fp < 0 ? 0 : pr_travel_s(r,
				    fp, of->lon, of->lat, of->district, o->lon,
				    o->lat, od);
				nt++;
			}
			if (!inside)
				cr->risk[i] = PR_RISK_OUTSIDE_SERVICE_AREA;
			qsort(tmp, (size_t)nt, sizeof(*tmp), cluster_cand_cmp);
			{
				struct cluster_cand *c = &cand[(size_t)i *
				    CLUSTER_MAX_CAND];
				int m = 0;

				for (int t = 0; t < nt; t++)
					if (tmp[t].office == home)
						c[m++] = tmp[t];
				for (int t = 0; t < nt &&
				    m < CLUSTER_MAX_CAND; t++)
					if (tmp[t].office != home)
						c[m++] = tmp[t];
				for (int t = 0; t < m; t++) {
					c[t].hours = cluster_hours(r,
					    c[t].travel_s);
					c[t].risk = cluster_risk_at(r,
					    c[t].office, o, c[t].travel_s);
				}
				ncand[i] = m;
				if (o->ready_from < day_end) {
					cr->load_kg[home] +=
					    o->weight_g / 1000.0;
					cr->load_h[home] += c[0].hours;
				}
			}
		}
		free(tmp);
	}

	over_kg = xcalloc((size_t)no, sizeof(int));
	over_h = xcalloc((size_t)no, sizeof(int));
	for (int o = 0; o < no; o++) {
		over_kg[o] = cr->load_kg[o] > cr->cap_kg[o] + PR_EPS;
		over_h[o] = cr->load_h[o] > cr->cap_h[o] + PR_EPS;
	}

	/* Items: orders of overloaded offices, and orders late at home that
	 * another office could take in time. */
	item_order = xmalloc(((size_t)n + 1) * sizeof(int));
	fixed_kg = xcalloc((size_t)no, sizeof(double));
	fixed_h = xcalloc((size_t)no, sizeof(double));
	for (int i = 0; i < n; i++) {
		struct cluster_cand *c = &cand[(size_t)i * CLUSTER_MAX_CAND];
		int home = cr->home[i], fix = 1;

		/* Not ready on the plan's date: tomorrow's load, stays home. */
		if (home < 0 || orders[i].ready_from >= day_end)
			continue;
		if (over_kg[home] || over_h[home])
			fix = 0;
		else if (c[0].risk != PR_RISK_NONE)
			for (int t = 1; t < ncand[i]; t++)
				if (c[t].risk == PR_RISK_NONE)
					fix = 0;
		if (fix) {
			fixed_kg[home] += orders[i].weight_g / 1000.0;
			fixed_h[home] += c[0].hours;
		} else {
			item_order[nitems++] = i;
		}
	}

	if (nitems > 0) {
		struct pr_assign_input in;
		double *cost, *kg, *hours, *cap_kg, *cap_h;
		int *assign;
		size_t batch;

		office_bin = xmalloc((size_t)no * sizeof(int));
		bin_office = xmalloc((size_t)no * sizeof(int));
		for (int o = 0; o < no; o++)
			office_bin[o] = -1;
		for (int k = 0; k < nitems; k++) {
			int i = item_order[k];

			for (int t = 0; t < ncand[i]; t++) {
				int f = cand[(size_t)i * CLUSTER_MAX_CAND +
				    t].office;

				if (office_bin[f] < 0) {
					office_bin[f] = nbins;
					bin_office[nbins++] = f;
				}
			}
		}
		/* Dense item x bin matrices, in batches of items so that they
		 * stay within CLUSTER_DENSE_CELLS (a province-wide backlog
		 * made them items x offices: 140 MB at 50,000 orders); each
		 * batch gets the capacity the earlier ones left. */
		batch = CLUSTER_DENSE_CELLS / (size_t)nbins;
		if (batch < 1)
			batch = 1;
		if (batch > (size_t)nitems)
			batch = (size_t)nitems;
		cost = xmalloc(batch * nbins * sizeof(double));
		hours = xmalloc(batch * nbins * sizeof(double));
		kg = xmalloc(batch * sizeof(double));
		cap_kg = xmalloc((size_t)nbins * sizeof(double));
		cap_h = xmalloc((size_t)nbins * sizeof(double));
		assign = xmalloc(batch * sizeof(int));
		for (int b = 0; b < nbins; b++) {
			int f = bin_office[b];

			cap_kg[b] = cr->cap_kg[f] - fixed_kg[f];
			cap_h[b] = cr->cap_h[f] - fixed_h[f];
		}
		cr->n_vars = 0;
		cr->objective = 0;
		cr->status = 0;
		for (int k0 = 0; rc == 0 && k0 < nitems; k0 += (int)batch) {
			int nk = nitems - k0 < (int)batch ? nitems - k0 :
			    (int)batch, st;
			double obj;

			for (size_t z = 0; z < (size_t)nk * nbins; z++) {
				cost[z] = INFINITY;
				hours[z] = 0;
			}
			for (int kk = 0; kk < nk; kk++) {
				int i = item_order[k0 + kk];
				struct cluster_cand *c = &cand[(size_t)i *
				    CLUSTER_MAX_CAND];
				int home_ok = c[0].risk == PR_RISK_NONE,
				    any_ok = 0;

				kg[kk] = orders[i].weight_g / 1000.0;
				for (int t = 0; t < ncand[i]; t++)
					if (c[t].risk == PR_RISK_NONE)
						any_ok = 1;
				for (int t = 0; t < ncand[i]; t++) {
					size_t z = (size_t)kk * nbins +
					    office_bin[c[t].office];
					double v = c[t].travel_s;

					/* Never move a pickup to an office
					 * that would make it late. */
					if (home_ok &&
					    c[t].risk != PR_RISK_NONE)
						continue;
					if (c[t].office != cr->home[i])
						v += r->move_penalty_s;
					/* A late office costs only where
					 * another would be in time (a
					 * constant would just blur GLPK's
					 * relative gap). */
					if (c[t].risk != PR_RISK_NONE &&
					    any_ok)
						v += r->late_penalty_s;
					cost[z] = v;
					hours[z] = c[t].hours;
				}
			}
			memset(&in, 0, sizeof(in));
			in.n_items = nk;
			in.n_bins = nbins;
			in.cost = cost;
			in.kg = kg;
			in.hours = hours;
			in.cap_kg = cap_kg;
			in.cap_h = cap_h;
			in.overflow_cost = CLUSTER_OVERFLOW;
			/* the time limit is for the whole assignment */
			in.time_limit = (cp != NULL && cp->time_limit > 0 ?
			    cp->time_limit : 10.0) * nk / nitems;
			in.greedy = cp != NULL ? cp->greedy : 0;
			rc = pr_assign_solve(&in, assign, &st, &obj, err);
			if (rc != 0)
				break;
			/* the least exact batch says how exact it all is */
			if (st > cr->status)
				cr->status = st;
			cr->objective += obj;
			for (size_t z = 0; z < (size_t)nk * nbins; z++)
				if (isfinite(cost[z]))
					cr->n_vars++;
			cr->n_vars += nk;
			for (int kk = 0; kk < nk; kk++) {
				int k = k0 + kk, i = item_order[k];
				int home = cr->home[i];
				int to = assign[kk] >= 0 ?
				    bin_office[assign[kk]] : -1;

				if (assign[kk] >= 0) {
					cap_kg[assign[kk]] -= kg[kk];
					cap_h[assign[kk]] -= hours[(size_t)kk *
					    nbins + assign[kk]];
				}
				if (to < 0) {
					cr->n_overflow++;
					continue;
				}
				if (to == home)
					continue;
				cr->office[i] = to;
				cr->n_moved++;
				if (over_kg[home])
					pr_strlcpy(cr->reason[i],
					    "capacity_kg", 32);
				else if (over_h[home])
					pr_strlcpy(cr->reason[i],
					    "capacity_hours", 32);
				else if (cand[(size_t)i *
				    CLUSTER_MAX_CAND].risk != PR_RISK_NONE)
					pr_strlcpy(cr->reason[i], "deadline",
					    32);
				else
					pr_strlcpy(cr->reason[i], "nearer",
					    32);
			}
		}
		free(cost);
		free(hours);
		free(kg);
		free(cap_kg);
		free(cap_h);
		free(assign);
		free(office_bin);
		free(bin_office);
	}

	/* Loads after the moves. */
	for (int o = 0; o < no; o++)
		cr->load_kg[o] = cr->load_h[o] = 0;
	for (int i = 0; i < n; i++) {
		int f = cr->office[i];
		struct cluster_cand *c = &cand[(size_t)i * CLUSTER_MAX_CAND];

		if (f < 0 || orders[i].ready_from >= day_end)
			continue;
		cr->load_kg[f] += orders[i].weight_g / 1000.0;
		for (int t = 0; t < ncand[i]; t++)
			if (c[t].office == f)
				cr->load_h[f] += c[t].hours;
	}

	free(cand);
	free(ncand);
	free(over_kg);
	free(over_h);
	free(item_order);
	free(fixed_kg);
	free(fixed_h);
	if (rc != 0) {
		pr_cluster_result_free(cr);
		return rc;
	}
	*out = cr;
	return 0;
}
