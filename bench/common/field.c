/* field.c: the field benchmark's day (the scenario, which orders can make their promise), its naive baseline and the offline plan through the shared planner, for bench-field and the live day. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "checker.h"
#include "field.h"
#include "sim.h"
#include "postroute/cluster.h"
#include "postroute/office_problem.h"
#include "postroute/time.h"
#include "postroute/travel.h"

/*
 * bench-field and bench-live measure the same day, the same way: the
 * orders come from sim_generate (or a file), "can make its promise" is
 * the latest pickup rule at the commune's office, a parcel is on time
 * when the first line-haul departure whose cut-off it makes at the office
 * whose vehicle brought it delivers it within its promise. The offline
 * plan is the shared planner (pr_plan_run) with every order known; no
 * planning logic lives here.
 */

#define FIELD_HORIZON 2
#define FIELD_BASELINE_DAYS 7    /* the baseline goes on until all is in */

static double
field_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *
field_reason(int k)
{
	if (k == FIELD_NOT_COLLECTED)
		return "not_collected";
	if (k == FIELD_LATE_ROUND)
		return "round_too_late";
	return pr_risk_name(k);
}

static char *
field_slurp(const char *prog, const char *path, size_t *len)
{
	char *b = bench_read_file(path, len);

	if (b == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	return b;
}

static struct pr_event *
field_read_events(const char *prog, const char *path, int *n_out)
{
	size_t len;
	char *buf = field_slurp(prog, path, &len), *line = buf;
	struct pr_event *ev = NULL;
	int n = 0, cap = 0, lineno = 0;

	while (line != NULL && *line != '\0') {
		char *nl = strchr(line, '\n');
		size_t l = nl != NULL ? (size_t)(nl - line) : strlen(line);
		struct pr_error err = { 0, "" };

		lineno++;
		if (l > 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				ev = realloc(ev, (size_t)cap * sizeof(*ev));
				if (ev == NULL) {
					fprintf(stderr, "%s: out of memory\n",
					    prog);
					exit(1);
				}
			}
			if (pr_event_parse(line, l, &ev[n], &err) != 0) {
				fprintf(stderr, "%s: %s:%d: %s\n", prog, path,
				    lineno, err.msg);
				exit(2);
			}
			n++;
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
	free(buf);
	*n_out = n;
	return ev;
}

/* Sorted ids for field_day_find: one per process is enough. */
static const struct field_day *field_index_day;
static int *field_index;

static int
field_index_cmp(const void *a, const void *b)
{
	return strcmp(field_index_day->orders[*(const int *)a].id,
	    field_index_day->orders[*(const int *)b].id);
}

int
field_day_find(const struct field_day *fd, const char *id)
{
	int lo = 0, hi = fd->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, c;

		c = strcmp(fd->orders[field_index[mid]].id, id);
		if (c == 0)
			return field_index[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void
field_day_load(struct field_day *fd, const char *prog, const char *region,
    const char *date, int n_orders, uint64_t seed, const char *events_path)
{
	struct pr_error err = { 0, "" };
	struct pr_orderbook ob;
	char *buf;
	size_t len;

	memset(fd, 0, sizeof(*fd));
	buf = field_slurp(prog, region, &len);
	if (pr_region_from_json(buf, len, &fd->r, &err) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, region, err.msg);
		exit(2);
	}
	free(buf);
	if (pr_date_parse(date, fd->r->utc_offset, &fd->day_start) != 0) {
		fprintf(stderr, "%s: --date: \"%s\" is not YYYY-MM-DD\n",
		    prog, date);
		exit(2);
	}
	if (events_path != NULL) {
		fd->ev = field_read_events(prog, events_path, &fd->nev);
	} else {
		struct sim_params sp;

		memset(&sp, 0, sizeof(sp));
		sp.day_start = fd->day_start;
		sp.n_orders = n_orders;
		sp.seed = seed;
		sp.update_rate = FIELD_UPDATE_RATE;
		sp.cancel_rate = FIELD_CANCEL_RATE;
		if (sim_generate(fd->r, &sp, &fd->ev, &fd->nev, &err) != 0) {
			fprintf(stderr, "%s: %s\n", prog, err.msg);
			exit(2);
		}
	}
	pr_orderbook_init(&ob);
	for (int i = 0; i < fd->nev; i++)
		if (pr_orderbook_apply(&ob, fd->r, &fd->ev[i], &err) < 0)
			fprintf(stderr, "%s: event %s: %s\n", prog,
			    fd->ev[i].event_id, err.msg);
	fd->orders = bench_xcalloc((size_t)ob.n + 1, sizeof(*fd->orders));
	for (int i = 0; i < ob.n; i++)
		if (ob.orders[i].state == PR_ORDER_OPEN)
			fd->orders[fd->n++] = ob.orders[i];
	pr_orderbook_clear(&ob);

	/* Which orders can physically make their promise at home. */
	fd->possible = bench_xcalloc((size_t)fd->n + 1, sizeof(int));
	for (int i = 0; i < fd->n; i++) {
		const struct pr_order *o = &fd->orders[i];
		int f = fd->r->communes[o->commune].office;
		struct pr_deadline d;

		fd->possible[i] = pr_latest_pickup(fd->r, f, o,
		    pr_pickup_back_s(fd->r, f, o), &d) == PR_RISK_NONE;
		fd->npossible += fd->possible[i];
		fd->impossible_risk[d.risk]++;
	}
	free(field_index);
	field_index = bench_xcalloc((size_t)fd->n + 1, sizeof(int));
	for (int i = 0; i < fd->n; i++)
		field_index[i] = i;
	field_index_day = fd;
	qsort(field_index, (size_t)fd->n, sizeof(int), field_index_cmp);
}

void
field_day_free(struct field_day *fd)
{
	free(fd->ev);
	free(fd->orders);
	free(fd->possible);
	pr_region_free(fd->r);
	free(field_index);
	field_index = NULL;
	memset(fd, 0, sizeof(*fd));
}

int
field_on_time(const struct pr_region *r, int office, const struct pr_order *o,
    int64_t back, int64_t *delivered)
{
	int64_t del = -1;

	pr_next_departure(r, office, o->destination, back, &del);
	if (delivered != NULL)
		*delivered = del;
	return del >= 0 && del <= o->placed + (int64_t)o->promise_h * 3600;
}

/* ---- baseline ------------------------------------------------------------ */

struct field_arrival {
	int order;
	int64_t placed;
};

static int
field_cmp_arrival(const void *a, const void *b)
{
	const struct field_arrival *x = a, *y = b;

	if (x->placed != y->placed)
		return x->placed < y->placed ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* One trip from office f over the loads in[0..m), nearest neighbour;
 * returns the duration in seconds and adds the metres to *km_m. */
static double
field_nn_trip(const struct pr_region *r, int f, int profile,
    const struct pr_order *orders, const int *in, int m, double *metres)
{
	const struct pr_office *of = &r->offices[f];
	double lon = of->lon, lat = of->lat, t = 0, dist = 0;
	int d = of->district, left = m, used[256];

	for (int k = 0; k < m; k++)
		used[k] = 0;
	while (left > 0) {
		int best = -1;
		double bd = INFINITY;

		for (int k = 0; k < m; k++) {
			const struct pr_order *o = &orders[in[k]];
			double dm;

			if (used[k])
				continue;
			dm = pr_travel_m(r, lon, lat, d, o->lon, o->lat,
			    r->communes[o->commune].district);
			if (dm < bd) {
				bd = dm;
				best = k;
			}
		}
		used[best] = 1;
		left--;
		dist += bd;
		t += bd / (r->profiles[profile].speed_kmh / 3.6) + r->service_s;
		lon = orders[in[best]].lon;
		lat = orders[in[best]].lat;
		d = r->communes[orders[in[best]].commune].district;
	}
	{
		double back = pr_travel_m(r, lon, lat, d, of->lon, of->lat,
		    of->district);

		dist += back;
		t += back / (r->profiles[profile].speed_kmh / 3.6);
	}
	*metres += dist;
	return t;
}

void
field_baseline(const struct field_day *fd, int round_tod, int verbose,
    struct field_result *res)
{
	const struct pr_region *r = fd->r;
	const struct pr_order *orders = fd->orders;
	const int *possible = fd->possible;
	int n = fd->n;
	int64_t day_start = fd->day_start;
	struct field_arrival *arr = bench_xcalloc((size_t)n + 1, sizeof(*arr));
	int64_t *back = bench_xcalloc((size_t)n + 1, sizeof(int64_t));
	double t0 = field_now(), metres = 0, om;
	int otrips;

	for (int i = 0; i < n; i++)
		back[i] = -1;
	for (int f = 0; f < r->n_offices; f++) {
		const struct pr_office *of = &r->offices[f];
		int m = 0, next = 0;

		for (int i = 0; i < n; i++)
			if (orders[i].state == PR_ORDER_OPEN &&
			    r->communes[orders[i].commune].office == f) {
				arr[m].order = i;
				arr[m].placed = orders[i].placed;
				m++;
			}
		if (m == 0)
			continue;
		qsort(arr, (size_t)m, sizeof(*arr), field_cmp_arrival);
		om = metres;
		otrips = res->routes;
		for (int day = 0; day < FIELD_BASELINE_DAYS && next < m;
		    day++) {
			int64_t start = day_start + (int64_t)day * 86400 +
			    round_tod;
			int64_t end = day_start + (int64_t)day * 86400 +
			    of->shift_end;
			int64_t vfree[64];
			int vprof[64], nv = 0;

			for (int p = 0; p < r->n_profiles; p++)
				for (int u = 0; u < of->fleet[p] && nv < 64;
				    u++) {
					vprof[nv] = p;
					vfree[nv++] = start;
				}
			while (nv > 0) {
				int v = 0, load[256], nl = 0;
				int64_t cap, w = 0;
				double dur, mm = 0;

				for (int k = 1; k < nv; k++)
					if (vfree[k] < vfree[v])
						v = k;
				if (vfree[v] >= end)
					break;
				cap = r->profiles[vprof[v]].capacity_g;
				/* The next orders in arrival order that are
				 * ready when the round starts. */
				for (int k = next; k < m && nl < 256; k++) {
					const struct pr_order *o =
					    &orders[arr[k].order];

					if (back[arr[k].order] >= 0 ||
					    o->ready_from > start ||
					    o->ready_to < start)
						continue;
					if (w + o->weight_g > cap)
						break;
					w += o->weight_g;
					load[nl++] = arr[k].order;
				}
				if (nl == 0)
					break;
				dur = field_nn_trip(r, f, vprof[v], orders,
				    load, nl, &mm);
				if (vfree[v] + (int64_t)dur > end) {
					vfree[v] = end;  /* no time left */
					continue;
				}
				metres += mm;
				res->routes++;
				res->lv_routes[of->level]++;
				res->lv_km[of->level] += mm / 1000;
				res->lv_orders[of->level] += nl;
				vfree[v] += (int64_t)ceil(dur);
				for (int k = 0; k < nl; k++)
					back[load[k]] = vfree[v];
				while (next < m && back[arr[next].order] >= 0)
					next++;
			}
		}
		if (verbose)
			printf("  baseline %-8s %4d orders %3d trips "
			    "%8.1f km\n", of->id, m, res->routes - otrips,
			    (metres - om) / 1000);
	}
	res->seconds = field_now() - t0;
	res->km = metres / 1000;
	for (int i = 0; i < n; i++) {
		const struct pr_order *o = &orders[i];
		int64_t del = -1;
		int64_t due = o->placed + (int64_t)o->promise_h * 3600;
		int ok;

		if (o->state != PR_ORDER_OPEN)
			continue;
		res->planned++;
		if (back[i] >= 0)
			pr_next_departure(r, r->communes[o->commune].office,
			    o->destination, back[i], &del);
		ok = del >= 0 && del <= due;
		res->on_time_all += ok;
		res->on_time_possible += ok && possible[i];
		if (!ok) {
			res->at_risk++;
			if (!possible[i])
				res->risk[PR_RISK_NO_LINEHAUL_IN_TIME]++;
			else if (back[i] < 0)
				res->risk[FIELD_NOT_COLLECTED]++;
			else
				res->risk[FIELD_LATE_ROUND]++;
		}
	}
	free(arr);
	free(back);
}

/* ---- the offline plan ----------------------------------------------------- */

void
field_offline_params_init(struct field_offline_params *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->glpk_limit = 5.0;
	fp->late_budget = 0;
	pr_planner_params_init(&fp->pp);
	fp->pp.iterations = FIELD_ITERATIONS;
	fp->pp.threads = 2;
}

static void
field_clustering(const struct field_day *fd,
    const struct field_offline_params *fp, struct pr_cluster_result **cr,
    struct field_result *res)
{
	struct pr_cluster_params cp;
	struct pr_error err = { 0, "" };
	int reasons[4] = { 0, 0, 0, 0 };
	static const char *const rn[4] = { "capacity_kg", "capacity_hours",
	    "deadline", "nearer" };
	double t0 = field_now();

	memset(&cp, 0, sizeof(cp));
	cp.time_limit = fp->glpk_limit;
	cp.greedy = fp->greedy;
	if (pr_cluster_assign(fd->r, fd->orders, fd->n, fd->day_start, &cp, cr,
	    &err) != 0) {
		fprintf(stderr, "field: clustering: %s\n", err.msg);
		exit(1);
	}
	res->moved = (*cr)->n_moved;
	printf("clustering: %d orders moved to another office, %d over "
	    "capacity at home, %d MILP columns, GLPK status %d "
	    "(0 optimal, 1 time limit, 2-3 fallback, -1 not needed), "
	    "%.2f s\n", (*cr)->n_moved, (*cr)->n_overflow, (*cr)->n_vars,
	    (*cr)->status, field_now() - t0);
	for (int i = 0; i < fd->n; i++)
		for (int k = 0; k < 4; k++)
			if (strcmp((*cr)->reason[i], rn[k]) == 0)
				reasons[k]++;
	printf("  moved because: capacity_kg %d, capacity_hours %d, "
	    "deadline %d, nearer %d\n", reasons[0], reasons[1], reasons[2],
	    reasons[3]);
}

/* Every solution through the independent checker; -v: every problem. */
static void
field_check(const struct field_day *fd, const struct pr_plan_result *pr,
    int verbose)
{
	const struct pr_region *r = fd->r;
	char why[200];
	int bad = 0;

	for (int k = 0; k < pr->n_problems; k++) {
		const struct pr_plan_problem *pb = &pr->problems[k];
		const struct pr_office_problem *op = pb->op;

		if (pb->rc != 0 || pb->sol == NULL) {
			fprintf(stderr, "field: office %s: %s\n",
			    op != NULL ? r->offices[op->office].id : "?",
			    pb->why);
			bad++;
			continue;
		}
		if (chk_solution(op->problem, pb->sol, NULL, why,
		    sizeof(why)) != 0) {
			fprintf(stderr, "field: office %s: checker: %s\n",
			    r->offices[op->office].id, why);
			bad++;
			continue;
		}
		if (verbose)
			printf("  office %-8s %4d jobs %3d routes %8.1f km "
			    "%3d unassigned %.2f s\n", r->offices[op->office].id,
			    op->n_jobs, pb->sol->n_routes,
			    pb->sol->distance / 1000, pb->sol->n_unassigned,
			    pb->seconds);
		if (verbose && op->n_offices > 1) {
			printf("  group %-8s", r->offices[op->office].id);
			for (int g = 0; g < op->n_offices; g++)
				printf(" %s", r->offices[op->offices[g]].id);
			printf("\n");
		}
	}
	if (bad > 0) {
		fprintf(stderr, "field: %d office plans failed\n", bad);
		exit(1);
	}
}

/* One parcel of a route of office f back at `back`. */
static void
field_judge_stop(const struct field_day *fd, int f, int64_t back,
    const struct pr_plan_stop *st, int verbose, struct field_result *res)
{
	int i = field_day_find(fd, st->order_id);
	const struct pr_order *o;
	int64_t del;
	int ok;

	if (i < 0) {
		fprintf(stderr, "field: a plan names order %s, not of the "
		    "day\n", st->order_id);
		exit(1);
	}
	o = &fd->orders[i];
	ok = field_on_time(fd->r, f, o, back, &del);
	res->planned++;
	res->on_time_all += ok;
	res->on_time_possible += ok && fd->possible[i];
	if (ok)
		return;
	if (verbose && st->risk == PR_RISK_NONE)
		printf("  late: %s at %s back %+.0f s after its latest "
		    "pickup\n", o->id, fd->r->offices[f].id,
		    (double)(back - st->latest));
	res->at_risk++;
	res->risk[st->risk != PR_RISK_NONE ? st->risk :
	    PR_RISK_UNREACHABLE]++;
	if (st->risk == PR_RISK_PLANNED_LATE && del >= 0) {
		double h = (double)(del - (o->placed +
		    (int64_t)o->promise_h * 3600)) / 3600;

		res->late_judged++;
		res->late_sum_h += h;
		if (h > res->late_max_h)
			res->late_max_h = h;
	}
}

static void
field_judge(const struct field_day *fd, const struct pr_plan_result *pr,
    int verbose, struct field_result *res)
{
	const struct pr_region *r = fd->r;

	for (int k = 0; k < pr->n_plans; k++) {
		const struct pr_office_plan *pl = &pr->plans[k];

		for (int q = 0; q < pl->n_routes; q++) {
			const struct pr_plan_route *rt = &pl->routes[q];
			int f = rt->office, lv = r->offices[f].level;

			if (verbose > 1) {
				printf("    route %-8s %-16s %5.2f-%5.2f h "
				    "%2d stops %6.1f km:", r->offices[f].id,
				    rt->vehicle,
				    (double)(rt->start - fd->day_start) / 3600,
				    (double)(rt->end - fd->day_start) / 3600,
				    rt->n_stops, rt->distance_m / 1000);
				for (int s = 0; s < rt->n_stops; s++)
					printf(" [%.1f -%.1f%s]",
					    (double)(rt->stops[s].service_start -
					    fd->day_start) / 3600,
					    (double)(rt->stops[s].latest -
					    fd->day_start) / 3600,
					    rt->stops[s].perishable ? "p" : "");
				printf("\n");
			}
			res->routes++;
			res->km += rt->distance_m / 1000;
			res->lv_routes[lv]++;
			res->lv_km[lv] += rt->distance_m / 1000;
			res->lv_orders[lv] += rt->n_stops;
			for (int s = 0; s < rt->n_stops; s++)
				field_judge_stop(fd, f, rt->end, &rt->stops[s],
				    verbose, res);
		}
		for (int u = 0; u < pl->n_unassigned; u++) {
			const struct pr_plan_unassigned *ua = &pl->unassigned[u];

			if (verbose && ua->risk != PR_RISK_NOT_PLANNED)
				printf("  unassigned: %s at %s: %s (%s)\n",
				    ua->order_id, r->offices[pl->office].id,
				    ua->reason, ua->detail);
			res->planned++;
			res->at_risk++;
			res->risk[ua->risk]++;
		}
	}
}

void
field_offline(const struct field_day *fd,
    const struct field_offline_params *fp, int verbose,
    struct field_result *res)
{
	const struct pr_region *r = fd->r;
	struct pr_cluster_result *cr = NULL;
	struct pr_plan_input in;
	struct pr_plan_result *pr = NULL;
	struct pr_error err = { 0, "" };
	int *offices, *office, n = 0, *keep;
	char (*why)[32];
	double t0 = field_now();

	field_clustering(fd, fp, &cr, res);
	offices = bench_xcalloc((size_t)r->n_offices + 1, sizeof(int));
	for (int f = 0; f < r->n_offices; f++)
		offices[f] = f;
	/* The orders no office can take (outside the service area) are
	 * not planned: at risk. */
	office = bench_xcalloc((size_t)fd->n + 1, sizeof(int));
	keep = bench_xcalloc((size_t)fd->n + 1, sizeof(int));
	why = bench_xcalloc((size_t)fd->n + 1, sizeof(*why));
	for (int i = 0; i < fd->n; i++) {
		if (cr->office[i] < 0) {
			res->planned++;
			res->at_risk++;
			res->risk[PR_RISK_OUTSIDE_SERVICE_AREA]++;
			continue;
		}
		keep[n] = i;
		office[n] = cr->office[i];
		memcpy(why[n], cr->reason[i], sizeof(why[n]));
		n++;
	}
	memset(&in, 0, sizeof(in));
	in.region = r;
	in.day_start = fd->day_start;
	in.horizon_days = FIELD_HORIZON;
	in.n_offices = r->n_offices;
	in.offices = offices;
	in.n_orders = n;
	{
		/* the orders as the planner takes them: kept ones in order */
		struct pr_order *os = bench_xcalloc((size_t)n + 1, sizeof(*os));
		int *home = bench_xcalloc((size_t)n + 1, sizeof(int));

		for (int k = 0; k < n; k++) {
			os[k] = fd->orders[keep[k]];
			home[k] = r->communes[os[k].commune].office;
		}
		in.orders = os;
		in.office = office;
		in.home = home;
		in.moved_why = (const char (*)[32])why;
		in.params = fp->pp;
		in.params.late.max_late = (int)floor(fp->late_budget *
		    fd->npossible);
		res->late_budget = in.params.late.max_late;
		in.keep_problems = 1;
		if (pr_plan_run(&in, &pr, &err) != 0) {
			fprintf(stderr, "field: planner: %s\n", err.msg);
			exit(1);
		}
		free(os);
		free(home);
	}
	res->groups = pr->n_groups;
	res->grouped = pr->n_grouped;
	printf("groups: %d offices planned together in %d groups\n",
	    pr->n_grouped, pr->n_groups);
	if (res->late_budget > 0) {
		res->late_trips = pr->late_trips;
		res->late_stops = pr->late_stops;
		res->late_orders = pr->late_orders;
		res->late_saved_km = pr->late_saved_m / 1000;
		printf("service level: %d trips dropped, %d stops moved, %d "
		    "orders planned late on purpose (budget %d), %.0f km "
		    "saved\n", res->late_trips, res->late_stops,
		    res->late_orders, res->late_budget, res->late_saved_km);
	}
	res->seconds = field_now() - t0;
	field_check(fd, pr, verbose);
	field_judge(fd, pr, verbose, res);
	if (res->late_judged > 0)
		printf("planned late: %d orders delivered %.1f h after their "
		    "promise on average, %.1f h at most\n", res->late_judged,
		    res->late_sum_h / res->late_judged, res->late_max_h);
	pr_plan_result_free(pr);
	free(offices);
	free(office);
	free(keep);
	free(why);
	pr_cluster_result_free(cr);
}

void
field_day_keep_district(struct field_day *fd, int district)
{
	int ne = 0, no = 0, np = 0;

	memset(fd->impossible_risk, 0, sizeof(fd->impossible_risk));
	for (int i = 0; i < fd->nev; i++) {
		const struct pr_event *ev = &fd->ev[i];
		int c = -1;

		if (ev->type == PR_EV_ORDER_CREATED ||
		    ev->type == PR_EV_ORDER_UPDATED)
			c = pr_region_commune(fd->r, ev->commune);
		else {
			/* the order's commune: from its creation */
			for (int k = 0; k < i && c < 0; k++)
				if (strcmp(fd->ev[k].order_id,
				    ev->order_id) == 0 &&
				    fd->ev[k].type == PR_EV_ORDER_CREATED)
					c = pr_region_commune(fd->r,
					    fd->ev[k].commune);
		}
		if (c >= 0 && fd->r->communes[c].district == district)
			fd->ev[ne++] = *ev;
	}
	fd->nev = ne;
	for (int i = 0; i < fd->n; i++)
		if (fd->r->communes[fd->orders[i].commune].district ==
		    district) {
			fd->orders[no] = fd->orders[i];
			fd->possible[no] = fd->possible[i];
			np += fd->possible[i];
			no++;
		}
	fd->n = no;
	fd->npossible = np;
	for (int i = 0; i < fd->n; i++) {
		struct pr_deadline d;
		int f = fd->r->communes[fd->orders[i].commune].office;

		pr_latest_pickup(fd->r, f, &fd->orders[i],
		    pr_pickup_back_s(fd->r, f, &fd->orders[i]), &d);
		fd->impossible_risk[d.risk]++;
	}
	for (int i = 0; i < fd->n; i++)
		field_index[i] = i;
	field_index_day = fd;
	qsort(field_index, (size_t)fd->n, sizeof(int), field_index_cmp);
}
