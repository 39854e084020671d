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

/*
 * The offices on a grid of latitude/longitude cells, for the offices
 * within the radius of a pickup: a province-wide region has hundreds
 * of offices, the national one 10,450, and trying each of them for each
 * of a million pickups took longer than the day allows. The cells only
 * narrow the search: every office they give is still measured (great
 * circle, as before) and the window is wide enough never to miss one,
 * so the candidates are those of a scan of every office.
 */
#define CLUSTER_GRID_MAX 1024        /* cells per side, at most */
#define CLUSTER_EARTH_M 6371008.8    /* pr_haversine_m's radius */
#define CLUSTER_DEG (3.14159265358979323846 / 180.0)

struct cluster_grid {
	double lat0, lon0, cell;     /* degrees */
	int nx, ny;
	int *start;                  /* cell: first of its offices in idx */
	int *idx;                    /* offices, cell by cell */
};

static int
cluster_cell(double v, double v0, double cell, int n)
{
	double c = floor((v - v0) / cell);

	if (!(c >= 0))      /* below, or NaN */
		return 0;
	return c >= n ? n - 1 : (int)c;
}

static void
cluster_grid_init(struct cluster_grid *g, const struct pr_region *r,
    double radius)
{
	double lat1 = -90, lon1 = -180, span;
	int no = r->n_offices, *cnt;

	g->lat0 = 90;
	g->lon0 = 180;
	for (int f = 0; f < no; f++) {
		g->lat0 = fmin(g->lat0, r->offices[f].lat);
		g->lon0 = fmin(g->lon0, r->offices[f].lon);
		lat1 = fmax(lat1, r->offices[f].lat);
		lon1 = fmax(lon1, r->offices[f].lon);
	}
	span = fmax(fmax(lat1 - g->lat0, lon1 - g->lon0), 1e-6);
	/* a cell as high as the radius (in latitude), or fewer cells */
	g->cell = fmax(radius / CLUSTER_EARTH_M / CLUSTER_DEG,
	    span / CLUSTER_GRID_MAX);
	g->ny = no > 0 ? (int)((lat1 - g->lat0) / g->cell) + 1 : 1;
	g->nx = no > 0 ? (int)((lon1 - g->lon0) / g->cell) + 1 : 1;
	g->start = xcalloc((size_t)g->nx * g->ny + 1, sizeof(int));
	g->idx = xmalloc(((size_t)no + 1) * sizeof(int));
	cnt = xcalloc((size_t)g->nx * g->ny + 1, sizeof(int));
	for (int f = 0; f < no; f++)
		cnt[(size_t)cluster_cell(r->offices[f].lat, g->lat0, g->cell,
		    g->ny) * g->nx + cluster_cell(r->offices[f].lon, g->lon0,
		    g->cell, g->nx)]++;
	for (size_t c = 0; c < (size_t)g->nx * g->ny; c++)
		g->start[c + 1] = g->start[c] + cnt[c];
	memset(cnt, 0, ((size_t)g->nx * g->ny + 1) * sizeof(int));
	for (int f = 0; f < no; f++) {
		size_t c = (size_t)cluster_cell(r->offices[f].lat, g->lat0,
		    g->cell, g->ny) * g->nx + cluster_cell(r->offices[f].lon,
		    g->lon0, g->cell, g->nx);

		g->idx[g->start[c] + cnt[c]++] = f;
	}
	free(cnt);
}

static void
cluster_grid_free(struct cluster_grid *g)
{
	free(g->start);
	free(g->idx);
}

/*
 * The cells that may hold an office within radius of (lon, lat): rows
 * [*y0, *y1], columns [*x0, *x1]. The great-circle distance d of two
 * points bounds their latitudes, |dlat| <= d / R, and their longitudes,
 * hav(dlon) <= hav(d / R) / (cos lat1 cos lat2), with cos lat2 at least
 * cos(|lat1| + d / R); near a pole or across the antimeridian every
 * column.
 */
static void
cluster_grid_window(const struct cluster_grid *g, double lon, double lat,
    double radius, int *x0, int *x1, int *y0, int *y1)
{
	double a = radius / CLUSTER_EARTH_M;      /* radians */
	double dlat = a / CLUSTER_DEG * 1.000001 + 1e-9, h, c, dlon;

	*y0 = cluster_cell(lat - dlat, g->lat0, g->cell, g->ny);
	*y1 = cluster_cell(lat + dlat, g->lat0, g->cell, g->ny);
	*x0 = 0;
	*x1 = g->nx - 1;
	if (fabs(lat) + dlat >= 89.0)
		return;
	h = sin(a / 2) * sin(a / 2);
	c = cos(lat * CLUSTER_DEG) * cos((fabs(lat) + dlat) * CLUSTER_DEG);
	if (h >= c)
		return;
	dlon = 2 * asin(sqrt(h / c)) / CLUSTER_DEG * 1.000001 + 1e-9;
	if (lon - dlon <= -180 || lon + dlon >= 180)
		return;
	*x0 = cluster_cell(lon - dlon, g->lon0, g->cell, g->nx);
	*x1 = cluster_cell(lon + dlon, g->lon0, g->cell, g->nx);
}

/* Office f as order o's candidate: tmp[nt]. */
static void
cluster_cand_add(const struct pr_region *r, const struct pr_order *o, int f,
    struct cluster_cand *c)
{
	const struct pr_office *of = &r->offices[f];
	int fp = pr_office_fastest_profile(r, f);

	c->office = f;
	c->travel_s = fp < 0 ? 0 : pr_travel_s(r, fp, of->lon, of->lat,
	    of->district, o->lon, o->lat, r->communes[o->commune].district);
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
	struct cluster_grid g;

	cluster_grid_init(&g, r, radius);
	for (int i = 0; i < x->n; i++) {
		const struct pr_order *o = &x->orders[i];
		struct cluster_cand *c = &x->cand[(size_t)i *
		    CLUSTER_MAX_CAND];
		int home, nt = 0, inside = 0, m = 0, x0, x1, y0, y1;

		cr->office[i] = cr->home[i] = -1;
		if (o->state != PR_ORDER_OPEN || o->commune < 0)
			continue;
		home = r->communes[o->commune].office;
		cr->home[i] = cr->office[i] = home;
		cluster_cand_add(r, o, home, &tmp[nt++]);
		cluster_grid_window(&g, o->lon, o->lat, radius, &x0, &x1, &y0,
		    &y1);
		for (int cy = y0; cy <= y1; cy++)
			for (int cx = x0; cx <= x1; cx++) {
				size_t cell = (size_t)cy * g.nx + cx;

				for (int k = g.start[cell]; k <
				    g.start[cell + 1]; k++) {
					int f = g.idx[k];
					const struct pr_office *of =
					    &r->offices[f];

					if (pr_haversine_m(o->lon, o->lat,
					    of->lon, of->lat) > radius)
						continue;
					inside = 1;
					if (f != home &&
					    pr_office_fastest_profile(r, f) >= 0)
						cluster_cand_add(r, o, f,
						    &tmp[nt++]);
				}
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
	cluster_grid_free(&g);
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

/* One batch of the dense item x bin matrices: items[0 .. nk). A pair is
 * forbidden (INFINITY) unless the office is a candidate, and never makes
 * late a pickup that is on time at home. */
static void
cluster_batch_input(const struct cluster_ctx *x, const int *items, int nk,
    int nbins, const int *office_bin, double *cost, double *hours,
    double *kg)
{
	const struct pr_region *r = x->r;

	for (size_t z = 0; z < (size_t)nk * nbins; z++) {
		cost[z] = INFINITY;
		hours[z] = 0;
	}
	for (int kk = 0; kk < nk; kk++) {
		int i = items[kk];
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

/* Order i's answer: the office it moves to, and why. */
static void
cluster_batch_apply(struct cluster_ctx *x, int i, int to)
{
	struct pr_cluster_result *cr = x->cr;
	int home = cr->home[i];

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

/* Union-find over offices, for the independent parts of the MILP. */
static int
cluster_root(int *up, int f)
{
	while (up[f] != f) {
		up[f] = up[up[f]];
		f = up[f];
	}
	return f;
}

/*
 * The items of one independent part (items[0 .. nitems), whose candidate
 * offices no other part's items have) through pr_assign_solve: dense
 * item x bin matrices over the part's offices, in batches of items so
 * that they stay within CLUSTER_DENSE_CELLS; each batch gets the
 * capacity the earlier ones left. office_bin is -1 for every office on
 * entry and on return; bin_office has room for every office; the
 * part's share of the time limit is tl.
 */
static int
cluster_solve_part(struct cluster_ctx *x, const int *items, int nitems,
    double tl, int greedy, int *office_bin, int *bin_office,
    struct pr_error *err)
{
	struct pr_cluster_result *cr = x->cr;
	int nbins = 0, rc = 0;
	double *cost, *kg, *hours, *cap_kg, *cap_h;
	int *assign;
	size_t batch;

	for (int k = 0; k < nitems; k++) {
		int i = items[k];

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
	for (int k0 = 0; rc == 0 && k0 < nitems; k0 += (int)batch) {
		int nk = nitems - k0 < (int)batch ? nitems - k0 : (int)batch, st;
		struct pr_assign_input in;
		double obj;

		cluster_batch_input(x, items + k0, nk, nbins, office_bin, cost,
		    hours, kg);
		memset(&in, 0, sizeof(in));
		in.n_items = nk;
		in.n_bins = nbins;
		in.cost = cost;
		in.kg = kg;
		in.hours = hours;
		in.cap_kg = cap_kg;
		in.cap_h = cap_h;
		in.overflow_cost = CLUSTER_OVERFLOW;
		in.time_limit = tl * nk / nitems;
		in.greedy = greedy;
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
			cluster_batch_apply(x, items[k0 + kk], assign[kk] >= 0 ?
			    bin_office[assign[kk]] : -1);
		}
	}
	for (int b = 0; b < nbins; b++)
		office_bin[bin_office[b]] = -1;
	free(cost);
	free(hours);
	free(kg);
	free(cap_kg);
	free(cap_h);
	free(assign);
	return rc;
}

/*
 * The items through the MILP, part by part: items that share no
 * candidate office (directly or through others) are independent
 * problems, one per stretch of country where offices are within each
 * other's radius. Solving them apart gives each its own matrices over
 * its own offices (one over every office of the country made each batch
 * a few items wide and 10,450 offices across) and the same answer as
 * one MILP over them all. The time limit is shared by item count.
 */
static int
cluster_solve_items(struct cluster_ctx *x, const struct pr_cluster_params *cp,
    struct pr_error *err)
{
	struct pr_cluster_result *cr = x->cr;
	int no = x->r->n_offices, nitems = x->nitems, rc = 0, np = 0;
	int *up = xmalloc(((size_t)no + 1) * sizeof(int));
	int *part = xmalloc(((size_t)no + 1) * sizeof(int));
	int *office_bin = xmalloc(((size_t)no + 1) * sizeof(int));
	int *bin_office = xmalloc(((size_t)no + 1) * sizeof(int));
	int *first, *items, *at;
	double tl = cp != NULL && cp->time_limit > 0 ? cp->time_limit : 10.0;

	for (int f = 0; f < no; f++) {
		up[f] = f;
		part[f] = -1;
		office_bin[f] = -1;
	}
	for (int k = 0; k < nitems; k++) {
		const struct cluster_cand *c = &x->cand[(size_t)
		    x->item_order[k] * CLUSTER_MAX_CAND];
		int r0 = cluster_root(up, c[0].office);

		for (int t = 1; t < x->ncand[x->item_order[k]]; t++) {
			int rt = cluster_root(up, c[t].office);

			if (rt != r0)
				up[rt] = r0;
		}
	}
	/* parts numbered by their first item; items stay in their order */
	first = xcalloc((size_t)nitems + 2, sizeof(int));
	for (int k = 0; k < nitems; k++) {
		int f = cluster_root(up, x->cand[(size_t)x->item_order[k] *
		    CLUSTER_MAX_CAND].office);

		if (part[f] < 0)
			part[f] = np++;
		first[part[f] + 1]++;
	}
	for (int q = 0; q < np; q++)
		first[q + 1] += first[q];
	items = xmalloc(((size_t)nitems + 1) * sizeof(int));
	at = xcalloc((size_t)np + 1, sizeof(int));
	for (int k = 0; k < nitems; k++) {
		int q = part[cluster_root(up, x->cand[(size_t)x->item_order[k] *
		    CLUSTER_MAX_CAND].office)];

		items[first[q] + at[q]++] = x->item_order[k];
	}
	cr->n_vars = 0;
	cr->objective = 0;
	cr->status = 0;
	for (int q = 0; rc == 0 && q < np; q++) {
		int nk = first[q + 1] - first[q];

		rc = cluster_solve_part(x, items + first[q], nk,
		    tl * nk / nitems, cp != NULL ? cp->greedy : 0, office_bin,
		    bin_office, err);
	}
	free(up);
	free(bin_office);
	free(part);
	free(office_bin);
	free(first);
	free(items);
	free(at);
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
