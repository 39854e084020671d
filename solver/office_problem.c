/* office_problem.c: orders to a solver problem per office or group of offices: trips from shifts and cut-offs, windows from the latest pickup rule. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "postroute/office_problem.h"
#include "postroute/time.h"
#include "postroute/travel.h"

/* The rules are written out in docs/domain.md; keep the two in step. */

int
pr_office_trip_slots(const struct pr_region *r, int office, int *b, int max)
{
	const struct pr_office *of = &r->offices[office];
	int cuts[PR_DOM_MAX_DEPARTURES + 2], nc = 0, n = 0;

	if (max < 2)
		return 0;
	cuts[nc++] = of->shift_start;
	for (int i = 0; i < of->n_departures; i++) {
		int c = of->departures[i].time - of->departures[i].cutoff;

		if (c > of->shift_start && c < of->shift_end)
			cuts[nc++] = c;
	}
	cuts[nc++] = of->shift_end;
	qsort(cuts, (size_t)nc, sizeof(int), pr_int_cmp);
	b[n++] = cuts[0];
	for (int i = 1; i < nc; i++) {
		int len = cuts[i] - cuts[i - 1], k;

		if (len <= 0)
			continue;
		k = (int)ceil(len / r->max_trip_s - 1e-9);
		if (k < 1)
			k = 1;
		for (int j = 1; j <= k && n < max; j++)
			b[n++] = cuts[i - 1] + (int)((int64_t)len * j / k);
	}
	return n;
}

/* One problem being built (offices[g] is location g). */
struct office_problem_ctx {
	const struct pr_region *r;
	const struct pr_plan_params *pp;
	struct pr_office_problem *op;
	struct pr_problem *p;
	int n_off;
	const int *offices;
	int horizon;            /* days planned, >= 1 */
	double now;             /* the planning clock, s after day_start */
	double share_s;
	int *dist_of;           /* location -> district */
	struct pr_deadline *dls;/* scratch: a pickup's deadline per office */
	int pmap[PR_DOM_MAX_PROFILES];
	int ncap;               /* vehicles allocated in the side arrays */
};

/* The fleet's vehicles of group office g for one trip slot [start, end]
 * (seconds after day_start) of the local date `date`. */
static void
office_problem_add_trips(struct office_problem_ctx *b, int g, int64_t date,
    double start, double end, int slot, int64_t big)
{
	const struct pr_region *r = b->r;
	const struct pr_office *of = &r->offices[b->offices[g]];
	struct pr_office_problem *op = b->op;
	int y, mo, dd;

	pr_local_date(date, r->utc_offset, &y, &mo, &dd);
	for (int k = 0; k < r->n_profiles; k++) {
		const struct pr_dom_profile *pf = &r->profiles[k];

		for (int u = 0; u < of->fleet[k]; u++) {
			struct pr_vehicle v;
			int vi;

			pr_vehicle_init(&v);
			if (b->n_off > 1)
				snprintf(v.id, sizeof(v.id),
				    "%.16s/%.16s%d.%04d%02d%02dt%d", of->id,
				    pf->name, u + 1, y, mo, dd, slot);
			else
				snprintf(v.id, sizeof(v.id),
				    "%.24s%d.%04d%02d%02dt%d", pf->name, u + 1,
				    y, mo, dd, slot);
			pr_strlcpy(v.profile_name, pf->name,
			    sizeof(v.profile_name));
			v.profile = b->pmap[k];
			v.start = g;
			v.end = g;
			v.capacity[0] = pf->capacity_g;
			for (int h = 0; b->n_off > 1 && h < b->n_off; h++)
				v.capacity[1 + h] = h == g ? 0 : big;
			v.tw.start = start;
			v.tw.end = end;
			/* The planning clock: nothing leaves before it. */
			if (v.tw.end <= b->now)
				v.tw.start = v.tw.end;
			else if (v.tw.start < b->now)
				v.tw.start = b->now;
			v.fixed_cost = pf->fixed_cost;
			vi = pr_problem_add_vehicle(b->p, &v);
			if (vi >= b->ncap) {
				b->ncap = b->ncap ? 2 * b->ncap : 64;
				op->vehicle_office = xreallocarray(
				    op->vehicle_office, (size_t)b->ncap,
				    sizeof(int));
				op->trip_start = xreallocarray(op->trip_start,
				    (size_t)b->ncap, sizeof(double));
			}
			op->vehicle_office[vi] = b->offices[g];
			op->trip_start[vi] = start;
		}
	}
}

/*
 * Order o (index oi of the caller's orders), whose home is group office
 * hg, as a job: its window from the latest pickup rule at home, narrowed
 * to what the other offices allowed to take it can do; or, when it is
 * ready only after the horizon, a skipped order.
 */
static void
office_problem_add_job(struct office_problem_ctx *b, const struct pr_order *o,
    int oi, int hg)
{
	const struct pr_region *r = b->r;
	const struct pr_plan_params *pp = b->pp;
	const int *offices = b->offices;
	struct pr_office_problem *op = b->op;
	struct pr_deadline dl, *dls = b->dls;
	struct pr_job job;
	double ws, we, back, last, now = b->now;
	double hend = (double)b->horizon * PR_DAY_S;
	int allowed = 0, nl;

	back = pr_pickup_back_s(r, offices[hg], o);
	pr_pickup_deadline(r, offices[hg], o, back, pp->now, &dl);
	ws = (double)(dl.earliest - pp->day_start);
	/* Ready only after the horizon's last pickup at home (the last
	 * shift's end less the drive back): the next plan's. Listed as
	 * skipped, never as a job that no trip serves. */
	last = (double)(b->horizon - 1) * PR_DAY_S +
	    r->offices[offices[hg]].shift_end - ceil(back);
	if ((ws > now ? ws : now) > last) {
		op->skipped[op->n_skipped++] = oi;
		return;
	}
	pr_job_init(&job);
	/* Which other offices may take it: on time there whenever at home,
	 * and not much earlier. */
	for (int g = 0; g < b->n_off; g++) {
		if (g == hg) {
			allowed |= 1 << g;
			continue;
		}
		if (dl.risk != PR_RISK_NONE)
			continue;
		pr_pickup_deadline(r, offices[g], o,
		    pr_pickup_back_s(r, offices[g], o), pp->now, &dls[g]);
		if (dls[g].risk == PR_RISK_NONE &&
		    dls[g].latest >= dl.earliest &&
		    (double)dls[g].latest >= (double)dl.latest - b->share_s) {
			allowed |= 1 << g;
			if (dls[g].latest < dl.latest)
				dl.latest = dls[g].latest;
		}
	}
	for (int g = 0; b->n_off > 1 && g < b->n_off; g++)
		job.pickup[1 + g] = (allowed >> g) & 1 ? 0 : 1;
	we = (double)(dl.latest - pp->day_start);
	if (we > hend)
		we = hend;
	if (we < ws)
		we = ws;
	/* The planning clock: nothing starts before now. A window still
	 * closed after pr_pickup_deadline (no departure and shift left to
	 * plan for) keeps zero width at now, so that the solver says why it
	 * is left. */
	if (ws < now)
		ws = now;
	if (we < ws)
		we = ws;
	pr_strlcpy(job.id, o->id, sizeof(job.id));
	nl = pr_problem_add_location(b->p, o->lon, o->lat);
	b->dist_of[nl] = r->communes[o->commune].district;
	job.location = nl;
	job.service = r->service_s;
	job.pickup[0] = o->weight_g;
	job.tw[0].start = ws;
	job.tw[0].end = we;
	job.priority = dl.risk != PR_RISK_NONE ? 20 : o->perishable ? 70 : 50;
	op->order[op->n_jobs] = oi;
	op->deadline[op->n_jobs] = dl;
	op->n_jobs++;
	pr_problem_add_job(b->p, &job);
}

/* The profiles the fleets use, with matrices from travel.c (the circuity
 * of each pair's districts). */
static void
office_problem_matrices(struct office_problem_ctx *b)
{
	const struct pr_region *r = b->r;
	struct pr_problem *p = b->p;
	int nl = p->n_locations;

	for (int k = 0; k < r->n_profiles; k++) {
		struct pr_profile *pf;
		int used = 0;

		b->pmap[k] = -1;
		for (int g = 0; g < b->n_off; g++)
			used |= r->offices[b->offices[g]].fleet[k] > 0;
		if (!used)
			continue;
		b->pmap[k] = pr_problem_add_profile(p, r->profiles[k].name,
		    r->profiles[k].speed_kmh, r->circuity);
		pf = &p->profiles[b->pmap[k]];
		pf->distances = xmalloc((size_t)nl * nl * sizeof(double));
		pf->durations = xmalloc((size_t)nl * nl * sizeof(double));
		for (int a = 0; a < nl; a++)
			for (int c = 0; c < nl; c++) {
				double dm = a == c ? 0 : pr_travel_m(r,
				    p->coords[2 * a], p->coords[2 * a + 1],
				    b->dist_of[a], p->coords[2 * c],
				    p->coords[2 * c + 1], b->dist_of[c]);

				pf->distances[(size_t)a * nl + c] = dm;
				pf->durations[(size_t)a * nl + c] =
				    dm / (r->profiles[k].speed_kmh / 3.6);
			}
	}
	if (p->n_profiles == 0)
		pr_problem_add_profile(p, "none", 30, r->circuity);
}

/* One vehicle per physical vehicle and trip slot of every day; big is the
 * capacity of the dimensions of the other offices (n jobs + 1). */
static void
office_problem_fleet(struct office_problem_ctx *b, int64_t big)
{
	int bounds[64], nb;

	for (int g = 0; g < b->n_off; g++) {
		nb = pr_office_trip_slots(b->r, b->offices[g], bounds,
		    (int)(sizeof(bounds) / sizeof(bounds[0])));
		for (int day = 0; day < b->horizon; day++)
			for (int sl = 0; sl + 1 < nb; sl++)
				if (bounds[sl + 1] - bounds[sl] >= 600)
					office_problem_add_trips(b, g,
					    b->pp->day_start + (int64_t)day *
					    PR_DAY_S + PR_DAY_S / 2,
					    (double)day * PR_DAY_S + bounds[sl],
					    (double)day * PR_DAY_S +
					    bounds[sl + 1], sl + 1, big);
	}
}

/*
 * The builder behind pr_office_problem_build (one office, home NULL) and
 * pr_group_problem_build. With one office the problem is the same as it
 * always was: one capacity dimension, location 0 the office.
 */
static int
office_problem_make(const struct pr_region *r, const int *offices,
    int n_off, const struct pr_order *orders, const int *idx,
    const int *home, int n, double share_s, const struct pr_plan_params *pp,
    struct pr_office_problem **out, struct pr_error *err)
{
	struct office_problem_ctx b;
	struct pr_office_problem *op;
	int rc = 0;

	*out = NULL;
	if (n_off < 1 || n_off > PR_GROUP_MAX_OFFICES)
		return pr_seterr(err, PR_EINVAL, "offices: %d offices, "
		    "1 to %d allowed", n_off, PR_GROUP_MAX_OFFICES);
	for (int g = 0; g < n_off; g++) {
		if (offices[g] < 0 || offices[g] >= r->n_offices)
			return pr_seterr(err, PR_EINVAL, "office: index %d "
			    "out of range", offices[g]);
		for (int h = 0; h < g; h++)
			if (offices[h] == offices[g])
				return pr_seterr(err, PR_EINVAL, "offices[%d]: "
				    "%s twice", g, r->offices[offices[g]].id);
	}
	memset(&b, 0, sizeof(b));
	b.r = r;
	b.pp = pp;
	b.n_off = n_off;
	b.offices = offices;
	b.horizon = pp->horizon_days < 1 ? 1 : pp->horizon_days;
	b.now = pp->now != 0 ? (double)(pp->now - pp->day_start) : -INFINITY;
	b.share_s = share_s;
	op = b.op = xcalloc(1, sizeof(*op));
	op->office = offices[0];
	op->day_start = pp->day_start;
	op->n_offices = n_off;
	op->offices = xmalloc((size_t)n_off * sizeof(int));
	memcpy(op->offices, offices, (size_t)n_off * sizeof(int));
	op->order = xcalloc((size_t)n + 1, sizeof(int));
	op->deadline = xcalloc((size_t)n + 1, sizeof(*op->deadline));
	op->skipped = xcalloc((size_t)n + 1, sizeof(int));
	b.p = op->problem = pr_problem_new(n_off > 1 ? 1 + n_off : 1);
	pr_strlcpy(b.p->name, r->offices[offices[0]].id, sizeof(b.p->name));
	b.dist_of = xcalloc((size_t)n + (size_t)n_off + 1, sizeof(int));
	b.dls = xcalloc((size_t)n_off, sizeof(*b.dls));

	for (int g = 0; g < n_off; g++) {
		const struct pr_office *of = &r->offices[offices[g]];

		pr_problem_add_location(b.p, of->lon, of->lat);
		b.dist_of[g] = of->district;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		int hg = 0;

		if (home != NULL) {
			for (hg = 0; hg < n_off; hg++)
				if (offices[hg] == home[i])
					break;
			if (hg == n_off) {
				rc = pr_seterr(err, PR_EINVAL, "home[%d]: "
				    "order %s belongs to no office of the "
				    "group", i, orders[idx[i]].id);
				break;
			}
		}
		office_problem_add_job(&b, &orders[idx[i]], idx[i], hg);
	}
	if (rc == 0) {
		office_problem_matrices(&b);
		office_problem_fleet(&b, (int64_t)n + 1);
		rc = pr_problem_finalize(b.p, 1, err);
	}
	free(b.dist_of);
	free(b.dls);
	if (rc != 0) {
		pr_office_problem_free(op);
		return rc;
	}
	*out = op;
	return 0;
}

int
pr_office_problem_build(const struct pr_region *r, int office,
    const struct pr_order *orders, const int *idx, int n,
    const struct pr_plan_params *pp, struct pr_office_problem **out,
    struct pr_error *err)
{
	*out = NULL;
	if (office < 0 || office >= r->n_offices)
		return pr_seterr(err, PR_EINVAL, "office: index %d out of "
		    "range", office);
	return office_problem_make(r, &office, 1, orders, idx, NULL, n, 0,
	    pp, out, err);
}

int
pr_group_problem_build(const struct pr_region *r, const int *offices,
    int n_offices, const struct pr_order *orders, const int *idx,
    const int *home, int n, double share_s, const struct pr_plan_params *pp,
    struct pr_office_problem **out, struct pr_error *err)
{
	*out = NULL;
	if (home == NULL)
		return pr_seterr(err, PR_EINVAL, "home: required");
	return office_problem_make(r, offices, n_offices, orders, idx, home,
	    n, share_s, pp, out, err);
}

double
pr_office_time_limit(int n, double per_pickup, double limit)
{
	double t = 0.1 + per_pickup * n;

	return per_pickup > 0 && t < limit ? t : limit;
}

void
pr_office_problem_free(struct pr_office_problem *op)
{
	if (op == NULL)
		return;
	pr_problem_free(op->problem);
	free(op->offices);
	free(op->vehicle_office);
	free(op->trip_start);
	free(op->order);
	free(op->deadline);
	free(op->skipped);
	free(op);
}
