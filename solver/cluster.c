/* cluster.c: pickups to post offices: who is overloaded or late at home, and which pickups move where (a capacitated assignment, assign.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "postroute/assign.h"
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
 * small (a few thousand binaries on the Lạng Sơn peak day); assign.c
 * solves it.
 */

#define CLUSTER_MAX_CAND 10          /* offices tried per pickup */
#define CLUSTER_DENSE_CELLS 1000000  /* item x office cells per batch */
#define CLUSTER_OVERFLOW 1e7

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

/* One assignment of orders to offices being made. */
struct cluster_ctx {
	const struct pr_region *r;
	const struct pr_order *orders;
	int n;
	int64_t day_end;             /* orders ready later are tomorrow's */
	struct pr_cluster_result *cr;
	struct cluster_cand *cand;   /* order * CLUSTER_MAX_CAND */
	int *ncand;
	int *over_kg, *over_h;       /* office: overloaded at home */
	double *fixed_kg, *fixed_h;  /* office: load of the orders that stay */
	int *item_order;             /* the MILP's items (order indices) */
	int nitems;
};

/* The daily capacity of each office: kg over all its trips, and
 * vehicle-hours, both times the utilisation. */
static void
cluster_capacity(const struct pr_region *r, struct pr_cluster_result *cr)
{
	for (int o = 0; o < r->n_offices; o++) {
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
}

/* The candidates of each order: home first, then the nearest offices
 * with a fleet inside the radius; and the load each home office gets. */
static void
cluster_candidates(struct cluster_ctx *x, double radius)
{
	const struct pr_region *r = x->r;
	struct pr_cluster_result *cr = x->cr;
	int no = r->n_offices;
	struct cluster_cand *tmp = xcalloc((size_t)no + 1, sizeof(*tmp));

	for (int i = 0; i < x->n; i++) {
		const struct pr_order *o = &x->orders[i];
		struct cluster_cand *c = &x->cand[(size_t)i *
		    CLUSTER_MAX_CAND];
		int home, nt = 0, od, inside = 0, m = 0;

		cr->office[i] = cr->home[i] = -1;
		if (o->state != PR_ORDER_OPEN || o->commune < 0)
			continue;
		home = r->communes[o->commune].office;
		od = r->communes[o->commune].district;
		cr->home[i] = cr->office[i] = home;
		for (int f = 0; f < no; f++) {
			const struct pr_office *of = &r->offices[f];
			int fp = pr_office_fastest_profile(r, f);
			double gc = pr_haversine_m(o->lon, o->lat, of->lon,
			    of->lat);

			if (gc <= radius)
				inside = 1;
			if (f != home && (gc > radius || fp < 0))
				continue;
			tmp[nt].office = f;
			tmp[nt].travel_s = fp < 0 ? 0 : pr_travel_s(r, fp,
			    of->lon, of->lat, of->district, o->lon, o->lat,
			    od);
			nt++;
		}
		if (!inside)
			cr->risk[i] = PR_RISK_OUTSIDE_SERVICE_AREA;
		qsort(tmp, (size_t)nt, sizeof(*tmp), cluster_cand_cmp);
		for (int t = 0; t < nt; t++)
			if (tmp[t].office == home)
				c[m++] = tmp[t];
		for (int t = 0; t < nt && m < CLUSTER_MAX_CAND; t++)
			if (tmp[t].office != home)
				c[m++] = tmp[t];
		for (int t = 0; t < m; t++) {
			c[t].hours = cluster_hours(r, c[t].travel_s);
			c[t].risk = cluster_risk_at(r, c[t].office, o,
			    c[t].travel_s);
		}
		x->ncand[i] = m;
		if (o->ready_from < x->day_end) {
			cr->load_kg[home] += o->weight_g / 1000.0;
			cr->load_h[home] += c[0].hours;
		}
	}
	free(tmp);
}

/* The MILP's items: orders of overloaded offices, and orders late at
 * home that another office could take in time. The others stay home and
 * use up its capacity (fixed_kg, fixed_h). */
static void
cluster_items(struct cluster_ctx *x)
{
	struct pr_cluster_result *cr = x->cr;

	for (int o = 0; o < x->r->n_offices; o++) {
		x->over_kg[o] = cr->load_kg[o] > cr->cap_kg[o] + PR_EPS;
		x->over_h[o] = cr->load_h[o] > cr->cap_h[o] + PR_EPS;
	}
	for (int i = 0; i < x->n; i++) {
		struct cluster_cand *c = &x->cand[(size_t)i *
		    CLUSTER_MAX_CAND];
		int home = cr->home[i], fix = 1;

		/* Not ready on the plan's date: tomorrow's load, stays home. */
		if (home < 0 || x->orders[i].ready_from >= x->day_end)
			continue;
		if (x->over_kg[home] || x->over_h[home])
			fix = 0;
		else if (c[0].risk != PR_RISK_NONE)
			for (int t = 1; t < x->ncand[i]; t++)
				if (c[t].risk == PR_RISK_NONE)
					fix = 0;
		if (fix) {
			x->fixed_kg[home] += x->orders[i].weight_g / 1000.0;
			x->fixed_h[home] += c[0].hours;
		} else {
			x->item_order[x->nitems++] = i;
		}
	}
}

/* One batch of the dense item x bin matrices: items k0 .. k0 + nk - 1.
 * A pair is forbidden (INFINITY) unless the office is a candidate, and
 * never makes late a pickup that is on time at home. */
static void
cluster_batch_input(const struct cluster_ctx *x, int k0, int nk, int nbins,
    const int *office_bin, double *cost, double *hours, double *kg)
{
	const struct pr_region *r = x->r;

	for (size_t z = 0; z < (size_t)nk * nbins; z++) {
		cost[z] = INFINITY;
		hours[z] = 0;
	}
	for (int kk = 0; kk < nk; kk++) {
		int i = x->item_order[k0 + kk];
		struct cluster_cand *c = &x->cand[(size_t)i *
		    CLUSTER_MAX_CAND];
		int home_ok = c[0].risk == PR_RISK_NONE, any_ok = 0;

		kg[kk] = x->orders[i].weight_g / 1000.0;
		for (int t = 0; t < x->ncand[i]; t++)
			if (c[t].risk == PR_RISK_NONE)
				any_ok = 1;
		for (int t = 0; t < x->ncand[i]; t++) {
			size_t z = (size_t)kk * nbins +
			    office_bin[c[t].office];
			double v = c[t].travel_s;

			/* Never move a pickup to an office that would make
			 * it late. */
			if (home_ok && c[t].risk != PR_RISK_NONE)
				continue;
			if (c[t].office != x->cr->home[i])
				v += r->move_penalty_s;
			/* A late office costs only where another would be in
			 * time (a constant would just blur GLPK's relative
			 * gap). */
			if (c[t].risk != PR_RISK_NONE && any_ok)
				v += r->late_penalty_s;
			cost[z] = v;
			hours[z] = c[t].hours;
		}
	}
}

/* Item k's answer: the office it moves to, and why. */
static void
cluster_batch_apply(struct cluster_ctx *x, int k, int to)
{
	struct pr_cluster_result *cr = x->cr;
	int i = x->item_order[k], home = cr->home[i];

	if (to < 0) {
		cr->n_overflow++;
		return;
	}
	if (to == home)
		return;
	cr->office[i] = to;
	cr->n_moved++;
	if (x->over_kg[home])
		pr_strlcpy(cr->reason[i], "capacity_kg", 32);
	else if (x->over_h[home])
		pr_strlcpy(cr->reason[i], "capacity_hours", 32);
	else if (x->cand[(size_t)i * CLUSTER_MAX_CAND].risk != PR_RISK_NONE)
		pr_strlcpy(cr->reason[i], "deadline", 32);
	else
		pr_strlcpy(cr->reason[i], "nearer", 32);
}

/*
 * The items through pr_assign_solve. Dense item x bin matrices, in
 * batches of items so that they stay within CLUSTER_DENSE_CELLS (a
 * province-wide backlog made them items x offices: 140 MB at 50,000
 * orders); each batch gets the capacity the earlier ones left.
 */
static int
cluster_solve_items(struct cluster_ctx *x, const struct pr_cluster_params *cp,
    struct pr_error *err)
{
	struct pr_cluster_result *cr = x->cr;
	int no = x->r->n_offices, nbins = 0, nitems = x->nitems, rc = 0;
	int *office_bin = xmalloc((size_t)no * sizeof(int));
	int *bin_office = xmalloc((size_t)no * sizeof(int));
	double *cost, *kg, *hours, *cap_kg, *cap_h;
	int *assign;
	size_t batch;

	for (int o = 0; o < no; o++)
		office_bin[o] = -1;
	for (int k = 0; k < nitems; k++) {
		int i = x->item_order[k];

		for (int t = 0; t < x->ncand[i]; t++) {
			int f = x->cand[(size_t)i * CLUSTER_MAX_CAND +
			    t].office;

			if (office_bin[f] < 0) {
				office_bin[f] = nbins;
				bin_office[nbins++] = f;
			}
		}
	}
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

		cap_kg[b] = cr->cap_kg[f] - x->fixed_kg[f];
		cap_h[b] = cr->cap_h[f] - x->fixed_h[f];
	}
	cr->n_vars = 0;
	cr->objective = 0;
	cr->status = 0;
	for (int k0 = 0; rc == 0 && k0 < nitems; k0 += (int)batch) {
		int nk = nitems - k0 < (int)batch ? nitems - k0 : (int)batch, st;
		struct pr_assign_input in;
		double obj;

		cluster_batch_input(x, k0, nk, nbins, office_bin, cost, hours,
		    kg);
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
		if ((rc = pr_assign_solve(&in, assign, &st, &obj, err)) != 0)
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
			if (assign[kk] >= 0) {
				cap_kg[assign[kk]] -= kg[kk];
				cap_h[assign[kk]] -= hours[(size_t)kk *
				    nbins + assign[kk]];
			}
			cluster_batch_apply(x, k0 + kk, assign[kk] >= 0 ?
			    bin_office[assign[kk]] : -1);
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
	return rc;
}

/* The loads after the moves. */
static void
cluster_loads(const struct cluster_ctx *x)
{
	struct pr_cluster_result *cr = x->cr;

	for (int o = 0; o < x->r->n_offices; o++)
		cr->load_kg[o] = cr->load_h[o] = 0;
	for (int i = 0; i < x->n; i++) {
		int f = cr->office[i];
		struct cluster_cand *c = &x->cand[(size_t)i *
		    CLUSTER_MAX_CAND];

		if (f < 0 || x->orders[i].ready_from >= x->day_end)
			continue;
		cr->load_kg[f] += x->orders[i].weight_g / 1000.0;
		for (int t = 0; t < x->ncand[i]; t++)
			if (c[t].office == f)
				cr->load_h[f] += c[t].hours;
	}
}

int
pr_cluster_assign(const struct pr_region *r, const struct pr_order *orders,
    int n, int64_t day_start, const struct pr_cluster_params *cp,
    struct pr_cluster_result **out, struct pr_error *err)
{
	struct cluster_ctx x;
	struct pr_cluster_result *cr;
	int no = r->n_offices, rc = 0;
	double radius = cp != NULL && cp->radius_m > 0 ? cp->radius_m :
	    r->radius_m;

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

	memset(&x, 0, sizeof(x));
	x.r = r;
	x.orders = orders;
	x.n = n;
	x.day_end = day_start + 86400;
	x.cr = cr;
	x.cand = xcalloc((size_t)n * CLUSTER_MAX_CAND + 1, sizeof(*x.cand));
	x.ncand = xcalloc((size_t)n + 1, sizeof(int));
	x.over_kg = xcalloc((size_t)no, sizeof(int));
	x.over_h = xcalloc((size_t)no, sizeof(int));
	x.item_order = xmalloc(((size_t)n + 1) * sizeof(int));
	x.fixed_kg = xcalloc((size_t)no, sizeof(double));
	x.fixed_h = xcalloc((size_t)no, sizeof(double));

	cluster_capacity(r, cr);
	cluster_candidates(&x, radius);
	cluster_items(&x);
	if (x.nitems > 0)
		rc = cluster_solve_items(&x, cp, err);
	cluster_loads(&x);

	free(x.cand);
	free(x.ncand);
	free(x.over_kg);
	free(x.over_h);
	free(x.item_order);
	free(x.fixed_kg);
	free(x.fixed_h);
	if (rc != 0) {
		pr_cluster_result_free(cr);
		return rc;
	}
	*out = cr;
	return 0;
}
