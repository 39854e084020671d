/* planner.c: when to plan which offices (new orders, perishables, interval, line-haul cut-offs, routes starting, failed pickups, clock ticks), coalesced into one solve job per group of neighbouring offices at a time; the latest plan of each office. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon.h"
#include "ingest.h"
#include "jobs.h"
#include "log.h"
#include "plan_json.h"
#include "planner.h"
#include "publish.h"
#include "store.h"
#include "util.h"
#include "remote.h"
#include "workers.h"

/*
 * An office is re-planned when
 *   - batch_orders of its orders changed since its last solve started,
 *   - a perishable order arrives whose latest pickup is within
 *     perishable_window_s,
 *   - it has changes and interval_s passed since its last solve,
 *   - a line-haul cut-off is less than cutoff_lead_s away (once per
 *     cut-off),
 *   - one of its routes was dispatched (freeze_s before its departure,
 *     by a dispatcher, or by a pickup.completed), or a pickup on a
 *     dispatched route failed, or
 *   - the state was (re)loaded.
 * Triggers only mark the office; a debounce_ms timer turns the marks into
 * jobs, so a burst of events makes one solve. With clock = events the
 * intervals, cut-offs and departures count on the planning clock (and,
 * without plan_at_ticks, on the wall clock too when the stream stops);
 * with plan_at_ticks the marks become jobs only at clock.tick events, at
 * once, so that what each plan sees depends on the stream alone.
 *
 * A job covers a group of neighbouring offices (pr_plan_groups over the
 * open orders per office, [planner] group_*), planned together by
 * libpostroute's planner (pr_plan_run, the code bench-field runs); each
 * office still gets its own plan, vehicles and ids. An office with a job
 * queued or running is marked "again" and re-planned when it returns:
 * never two jobs for one office at once.
 *
 * Which office plans an order: the office of the dispatched route it is
 * on; else its commune's office, unless clustering (pr_cluster_assign,
 * GLPK) moved it to a neighbouring office because its own fleet cannot
 * carry the day's load or reach it in time. The clustering runs as a
 * worker job over all open orders, after the state is (re)loaded and
 * then at most every interval_s while orders change; its answer is kept
 * per order here (never in Redis: a planning decision, recomputed after a
 * restart). When an order moves, both offices are re-planned.
 *
 * The planner remembers each office's latest plan (its routes: vehicles,
 * stops, dispatched or not): a job's routes come from it. A dispatched
 * route is kept as it is by the next plans (pr_plan_run takes it out of
 * the problem); its stops leave it when picked up, when their pickup
 * failed (the order is planned anew) or when cancelled. At start-up the
 * stored plans are read back through publish_restore().
 */

#define PLANNER_CLUSTER_TIME_LIMIT 1.0   /* seconds of GLPK per clustering */
/* With plan_at_ticks: long enough that GLPK proves its optimum (or the
 * greedy answer) rather than stopping at a time that depends on load. */
#define PLANNER_CLUSTER_TIME_LIMIT_TICKS 30.0
#define PLANNER_MAX_ORDERS 1000           /* per problem: pr_planner_params */

struct office_state {
	int dirty;          /* changed since the last solve started */
	int changes;
	int want;           /* triggered, waiting for the debounce (or tick) */
	int running;        /* in a job queued or solving */
	int again;          /* triggered while running */
	double last_start;  /* mono_s() */
	int64_t last_clock; /* the planning clock at the last start */
	int64_t cutoff_done;/* the cut-off already planned for */
	const char *why;
	/* The service-level budget ([planner] late_budget): */
	int ontime;         /* pickups of its plan that can be on time */
	int late;           /* of which planned late on purpose */
	int late_res;       /* allowance of the job under way */
	int64_t version;    /* of its latest plan */
	struct pr_office_plan *latest; /* its latest plan, routes only */
	/* Marks a dispatcher or a driver put on latest's routes (dispatch,
	 * undo, pickup completed): a plan whose job started before the last
	 * of them is not published, the office is planned again. */
	int marks, marks_sub;
};

struct planner {
	struct daemon *d;
	struct office_state *o;
	int n_running;            /* plan jobs queued or running */
	/* clustering: per order index of the order book */
	int *moved;               /* office it moved to, or -1 */
	char (*why)[32];          /* why */
	int n_moved_cap;
	int cluster_running;
	int cluster_dirty;        /* orders changed since it last started */
	double cluster_last;      /* mono_s() of the last start */
	int64_t cluster_last_clock;
	struct job *cluster_ready;/* plan_at_ticks: applied at the next tick */
	/* per order index: the office of the dispatched route holding it */
	int *disp;
	int disp_cap;
	int disp_dirty;
	int *disp_old;            /* disp before the last refresh */
	struct event *tick_ev;
	struct event *debounce_ev;
	int *counts, *grp, *mem;
	/* The open orders by the office planning them, as the last
	 * planner_index() found them: office k's are oidx[ostart[k] ..
	 * ostart[k + 1]), in order-book order. */
	int *ostart, *oidx, oidx_cap;
	/* per order index: the time (ms, Redis's clock) of the stream entry
	 * of its first change no published plan has yet, or 0 */
	int64_t *seen_ms;
	int seen_cap;
	int restored;
	int64_t last_tick;        /* ts of the last clock.tick */
};

static int
planner_ticks(const struct daemon *d)
{
	return d->cfg.planner_clock == CONFIG_CLOCK_EVENTS &&
	    d->cfg.planner_plan_at_ticks;
}

static int64_t
planner_day_start(const struct daemon *d, int64_t now)
{
	return pr_day_start(d->region, now);
}

/* interval_s since (mono, clock): on the planning clock with clock =
 * events (or on the wall clock when the stream has stopped, unless the
 * planner follows ticks only), on the wall clock otherwise. */
static int
planner_interval_passed(const struct daemon *d, double mono, int64_t clock)
{
	int iv = d->cfg.planner_interval_s;

	if (d->cfg.planner_clock == CONFIG_CLOCK_EVENTS) {
		if (daemon_now(d) - clock >= iv)
			return 1;
		if (planner_ticks(d))
			return 0;
	}
	return mono_s() - mono >= iv;
}

/* ---- dispatched routes ---------------------------------------------------------- */

/* disp[] again from the latest plans, when they changed. */
static void
planner_disp_refresh(const struct daemon *d)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);

	if (!p->disp_dirty && p->disp_cap >= ob->n)
		return;
	if (p->disp_cap < ob->n) {
		int cap = ob->n + 1024;

		p->disp = erealloc(p->disp, (size_t)cap * sizeof(int));
		p->disp_old = erealloc(p->disp_old, (size_t)cap * sizeof(int));
		for (int i = p->disp_cap; i < cap; i++)
			p->disp[i] = -1;
		p->disp_cap = cap;
	}
	memcpy(p->disp_old, p->disp, (size_t)p->disp_cap * sizeof(int));
	for (int i = 0; i < p->disp_cap; i++)
		p->disp[i] = -1;
	for (int k = 0; k < d->region->n_offices; k++) {
		const struct pr_office_plan *pl = p->o[k].latest;

		for (int r = 0; pl != NULL && r < pl->n_routes; r++) {
			const struct pr_plan_route *rt = &pl->routes[r];

			for (int s = 0; rt->dispatched && s < rt->n_stops; s++) {
				int i = pr_orderbook_find(ob,
				    rt->stops[s].order_id);

				if (i >= 0)
					p->disp[i] = k;
			}
		}
	}
	p->disp_dirty = 0;
	/* An open order that joined or left a route under way changed the
	 * office that plans it (a clustering may have moved it meanwhile):
	 * both offices are planned again (a plan solved before a route was
	 * dispatched may have left the order to an office that had already
	 * found nothing to plan). */
	for (int i = 0; i < ob->n && i < p->disp_cap; i++) {
		int base;

		if (p->disp[i] == p->disp_old[i] ||
		    ob->orders[i].state != PR_ORDER_OPEN)
			continue;
		base = i < p->n_moved_cap && p->moved[i] >= 0 ? p->moved[i] :
		    store_office_of(d, &ob->orders[i]);
		if (p->disp[i] >= 0)
			p->o[p->disp[i]].dirty = 1;
		if (p->disp_old[i] >= 0)
			p->o[p->disp_old[i]].dirty = 1;
		if (base >= 0)
			p->o[base].dirty = 1;
	}
}

/* The office of the dispatched route holding order, or -1. */
static int
planner_disp_office(const struct daemon *d, int order)
{
	const struct planner *p = d->planner;

	planner_disp_refresh(d);
	return order >= 0 && order < p->disp_cap ? p->disp[order] : -1;
}

static int
planner_office_of(const struct daemon *d, int order)
{
	const struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	int f;

	if (order < 0 || order >= ob->n)
		return -1;
	if (p != NULL && (f = planner_disp_office(d, order)) >= 0)
		return f;
	if (p != NULL && order < p->n_moved_cap && p->moved[order] >= 0)
		return p->moved[order];
	return store_office_of(d, &ob->orders[order]);
}

void
planner_open_counts(const struct daemon *d, int *counts)
{
	const struct pr_orderbook *ob = store_orders(d->store);
	int k;

	for (int i = 0; i < d->region->n_offices; i++)
		counts[i] = 0;
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    (k = planner_office_of(d, i)) >= 0)
			counts[k]++;
}

/* p->counts, and the open orders of each office (ostart, oidx): one walk
 * over the order book for every job of a round of submissions, instead
 * of one per job (a national order book has a million orders). */
static void
planner_index(struct daemon *d)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	int no = d->region->n_offices, k;

	planner_open_counts(d, p->counts);
	p->ostart[0] = 0;
	for (k = 0; k < no; k++)
		p->ostart[k + 1] = p->ostart[k] + p->counts[k];
	if (p->oidx_cap < p->ostart[no] + 1) {
		p->oidx_cap = p->ostart[no] + 1024;
		p->oidx = erealloc(p->oidx, (size_t)p->oidx_cap * sizeof(int));
	}
	for (k = 0; k < no; k++)
		p->grp[k] = p->ostart[k];   /* fill positions, for now */
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    (k = planner_office_of(d, i)) >= 0)
			p->oidx[p->grp[k]++] = i;
}

static int
planner_int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The wanted offices are submitted after debounce_ms (at the next tick
 * with plan_at_ticks). */
static void
planner_debounce(struct daemon *d)
{
	struct planner *p = d->planner;
	struct timeval tv;

	if (!planner_ticks(d) && !evtimer_pending(p->debounce_ev, NULL)) {
		tv.tv_sec = d->cfg.planner_debounce_ms / 1000;
		tv.tv_usec = (d->cfg.planner_debounce_ms % 1000) * 1000;
		evtimer_add(p->debounce_ev, &tv);
	}
}

static void
planner_trigger(struct daemon *d, int office, const char *why)
{
	struct office_state *o = &d->planner->o[office];

	if (o->running) {
		o->again = 1;
		return;
	}
	if (!o->want)
		o->why = why;
	o->want = 1;
	planner_debounce(d);
}

/*
 * The late orders a job's plans may have: the budget is a share of the
 * pickups that can be on time in all the offices' latest plans; the
 * other offices' late orders (or the allowance of their job under way,
 * if larger) are taken off it first. Jobs that run at the same time
 * cannot both spend the same allowance. Right after a start no office
 * has a plan and the budget is 0 until the first plans are in. Off by
 * default ([planner] late_budget = 0).
 */
static int64_t
planner_late_budget(const struct daemon *d, const int *mem, int nm,
    int64_t *used, int64_t *late)
{
	const struct planner *p = d->planner;
	int64_t base = 0;

	*used = *late = 0;
	for (int k = 0; p != NULL && k < d->region->n_offices; k++) {
		const struct office_state *o = &p->o[k];
		int member = 0;

		for (int m = 0; m < nm; m++)
			member |= mem[m] == k;
		base += o->ontime;
		*late += o->late;
		if (!member)
			*used += o->late > o->late_res ? o->late : o->late_res;
	}
	return (int64_t)floor(d->cfg.planner_late_budget * (double)base);
}

void
planner_late_totals(const struct daemon *d, int *late, int *budget)
{
	int64_t used, n;

	*budget = (int)planner_late_budget(d, NULL, 0, &used, &n);
	*late = (int)n;
}

/* ---- the latest plans ----------------------------------------------------------- */

/* The route of office's latest plan driven by vehicle, or holding order
 * (either may be NULL or ""), or NULL. */
static struct pr_plan_route *
planner_route(struct daemon *d, int office, const char *vehicle,
    const char *order)
{
	struct pr_office_plan *pl;

	if (office < 0 || office >= d->region->n_offices ||
	    (pl = d->planner->o[office].latest) == NULL)
		return NULL;
	for (int r = 0; r < pl->n_routes; r++) {
		struct pr_plan_route *pr = &pl->routes[r];

		if (vehicle != NULL && vehicle[0] != '\0' &&
		    strcmp(pr->vehicle, vehicle) == 0)
			return pr;
		for (int k = 0; order != NULL && k < pr->n_stops; k++)
			if (strcmp(pr->stops[k].order_id, order) == 0)
				return pr;
	}
	return NULL;
}

static void
planner_set_dispatched(struct daemon *d, int office, struct pr_plan_route *pr,
    const char *why)
{
	if (pr->dispatched)
		return;
	log_info("planner: office %s route %s dispatched (%s)",
	    d->region->offices[office].id, pr->vehicle, why);
	pr->dispatched = 1;
	d->planner->disp_dirty = 1;
}

int
planner_undispatch(struct daemon *d, int office, const char *vehicle)
{
	struct pr_plan_route *pr = planner_route(d, office, vehicle, NULL);

	if (pr == NULL)
		return -1;
	if (pr->completed)
		return -2;
	if (pr->dispatched) {
		log_info("planner: office %s route %s: dispatch undone",
		    d->region->offices[office].id, pr->vehicle);
		pr->dispatched = 0;
		d->planner->disp_dirty = 1;
		d->planner->o[office].marks++;
	}
	if (!d->stopping)
		planner_trigger(d, office, "dispatch undone");
	return 0;
}

int
planner_dispatch(struct daemon *d, int office, const char *vehicle)
{
	struct pr_plan_route *pr = planner_route(d, office, vehicle, NULL);

	if (pr == NULL)
		return -1;
	if (!pr->dispatched)
		d->planner->o[office].marks++;
	planner_set_dispatched(d, office, pr, "dispatcher");
	/* The next plan says so, and Redis has it. */
	if (!d->stopping)
		planner_trigger(d, office, "dispatched");
	return 0;
}

/* A pickup.completed names an order (and maybe its vehicle and office):
 * the route holding it is under way. Looked for at the office named, the
 * order's office and the offices planned with it. */
static void
planner_completed(struct daemon *d, int office, const struct pr_event *ev)
{
	int cand[2 + PR_GROUP_MAX_OFFICES], nc = 0;
	const struct pr_office_plan *pl;

	if (ev->office[0] != '\0')
		cand[nc++] = pr_region_office(d->region, ev->office);
	cand[nc++] = office;
	if (office >= 0 && (pl = d->planner->o[office].latest) != NULL)
		for (int g = 0; g < pl->n_group && nc < 2 +
		    PR_GROUP_MAX_OFFICES; g++)
			cand[nc++] = pl->group[g];
	for (int k = 0; k < nc; k++) {
		struct pr_plan_route *pr;

		if (cand[k] < 0)
			continue;
		/* vehicle ids are per office: the first office only */
		pr = planner_route(d, cand[k], k == 0 ? ev->vehicle : NULL,
		    ev->order_id);
		if (pr != NULL) {
			if (!pr->dispatched || !pr->completed)
				d->planner->o[cand[k]].marks++;
			planner_set_dispatched(d, cand[k], pr,
			    "pickup completed");
			pr->completed = 1;	/* no undo: a driver has it */
			return;
		}
	}
}

/* A pickup on a dispatched route of office failed: the stop leaves the
 * route, the order is planned anew. */
static void
planner_failed(struct daemon *d, int office, const char *order)
{
	struct pr_plan_route *pr = planner_route(d, office, NULL, order);

	if (pr == NULL || !pr->dispatched)
		return;
	for (int k = 0; k < pr->n_stops; k++)
		if (strcmp(pr->stops[k].order_id, order) == 0) {
			memmove(&pr->stops[k], &pr->stops[k + 1],
			    (size_t)(pr->n_stops - k - 1) *
			    sizeof(pr->stops[0]));
			pr->n_stops--;
			break;
		}
	d->planner->disp_dirty = 1;
	d->planner->o[office].dirty = 1;
	planner_trigger(d, office, "pickup failed");
}

/* Keeps pl (taking it) as office's latest plan: its routes only. */
static void
planner_keep(struct daemon *d, int office, struct pr_office_plan *pl)
{
	struct office_state *o = &d->planner->o[office];

	free(pl->unassigned);
	free(pl->at_risk);
	free(pl->moved);
	free(pl->lent);
	pl->unassigned = NULL;
	pl->at_risk = NULL;
	pl->moved = NULL;
	pl->lent = NULL;
	pl->n_unassigned = pl->n_at_risk = pl->n_moved = pl->n_lent = 0;
	plan_free(o->latest);
	o->latest = pl;
	if (pl->version > o->version)
		o->version = pl->version;
	d->planner->disp_dirty = 1;
}

/* ---- plan jobs ------------------------------------------------------------------ */

/* The routes a new plan dispatched itself (leaving within freeze_s). */
static void
planner_log_dispatched(struct daemon *d, int office,
    const struct pr_office_plan *old, const struct pr_office_plan *pl)
{
	for (int r = 0; r < pl->n_routes; r++) {
		const struct pr_plan_route *rt = &pl->routes[r];
		int known = 0;

		if (!rt->dispatched)
			continue;
		for (int q = 0; old != NULL && q < old->n_routes && !known; q++)
			known = old->routes[q].dispatched &&
			    strcmp(old->routes[q].vehicle, rt->vehicle) == 0 &&
			    old->routes[q].start == rt->start;
		if (!known)
			log_info("planner: office %s route %s dispatched "
			    "(departure)", d->region->offices[office].id,
			    rt->vehicle);
	}
}

static void planner_plan_done(struct job *, void *);

/* Deep copies of the routes of the members' latest plans. */
static void
planner_job_routes(const struct daemon *d, const int *mem, int nm,
    struct pr_plan_input *in)
{
	struct pr_plan_route *routes;
	int n = 0;

	for (int m = 0; m < nm; m++)
		if (d->planner->o[mem[m]].latest != NULL)
			n += d->planner->o[mem[m]].latest->n_routes;
	routes = ecalloc((size_t)n + 1, sizeof(*routes));
	for (int m = 0; m < nm; m++) {
		const struct pr_office_plan *pl = d->planner->o[mem[m]].latest;

		for (int r = 0; pl != NULL && r < pl->n_routes; r++) {
			struct pr_plan_route *c = &routes[in->n_routes++];

			*c = pl->routes[r];
			c->office = mem[m];
			c->stops = ecalloc((size_t)c->n_stops + 1,
			    sizeof(*c->stops));
			memcpy(c->stops, pl->routes[r].stops,
			    (size_t)c->n_stops * sizeof(*c->stops));
		}
	}
	in->routes = routes;
}

static void
planner_job_params(const struct daemon *d, const int *mem, int nm,
    struct pr_planner_params *pp)
{
	const struct config *c = &d->cfg;
	int64_t used, late, budget;

	pr_planner_params_init(pp);
	pp->group_small = 0;     /* the job is one group already */
	pp->group_share_s = 60 * c->planner_group_share_min;
	pp->stability = c->planner_stability;
	pp->departure_margin = c->planner_departure_margin;
	pp->postpone_m = 1000 * c->planner_postpone_km;
	pp->postpone_s = 3600 * c->planner_postpone_h;
	/* routes leaving soon are dispatched in the plan that says so */
	pp->freeze_s = c->planner_freeze_s;
	pp->late.min_saving_m = 1000 * c->planner_late_min_km;
	pp->late.max_delay_s = 3600 * c->planner_late_max_delay_h;
	pp->late.max_stops = c->planner_late_max_stops;
	pp->late.max_late = 0;
	if (c->planner_late_budget > 0) {
		budget = planner_late_budget(d, mem, nm, &used, &late);
		pp->late.max_late = budget > used ? (int)(budget - used) : 0;
	}
	pp->time_limit = c->solver_time_limit;
	pp->time_per_pickup = c->solver_time_per_pickup;
	pp->iterations = c->solver_iterations;
	pp->seed = (uint64_t)c->solver_seed;
	pp->solve_threads = c->solver_threads;
	pp->exact_max_jobs = c->solver_exact_max_jobs;
	pp->threads = 1;         /* the workers are the parallelism */
	pp->max_orders = PLANNER_MAX_ORDERS;
}

/* Submits one job for the offices mem[0..nm): 0, or -1 when there is
 * nothing to plan (no open order, no plan to clear). */
static int
planner_submit(struct daemon *d, const int *mem, int nm)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	struct plan_job *pj;
	struct pr_plan_input *in;
	struct pr_order *orders;
	int *office, *home, *offices, *group, n = 0, has_plan = 0, f;
	char (*why)[32];
	int *idx;

	if (d->stopping || d->workers == NULL)
		return -1;
	for (int m = 0; m < nm; m++) {
		has_plan |= p->o[mem[m]].latest != NULL;
		n += p->counts[mem[m]];
	}
	if (n == 0 && !has_plan) {
		log_debug("planner: office %s%s: nothing to plan",
		    d->region->offices[mem[0]].id, nm > 1 ? " and its group" :
		    "");
		return -1;	/* nothing to plan, nothing to clear */
	}
	pj = plan_job_new(planner_plan_done, d);
	in = &pj->in;
	in->region = d->region;
	in->now = daemon_now(d);
	in->day_start = planner_day_start(d, in->now);
	in->horizon_days = d->cfg.planner_horizon_days;
	offices = ecalloc((size_t)nm, sizeof(int));
	group = ecalloc((size_t)nm, sizeof(int));
	memcpy(offices, mem, (size_t)nm * sizeof(int));
	in->n_offices = nm;
	in->offices = offices;
	in->group = group;
	orders = ecalloc((size_t)n + 1, sizeof(*orders));
	office = ecalloc((size_t)n + 1, sizeof(int));
	home = ecalloc((size_t)n + 1, sizeof(int));
	why = ecalloc((size_t)n + 1, sizeof(*why));
	/* the members' open orders (planner_index), in order-book order */
	idx = ecalloc((size_t)n + 1, sizeof(int));
	for (int m = 0, k = 0; m < nm; m++)
		for (int z = p->ostart[mem[m]]; z < p->ostart[mem[m] + 1]; z++)
			idx[k++] = p->oidx[z];
	if (nm > 1)
		qsort(idx, (size_t)n, sizeof(int), planner_int_cmp);
	for (int k = 0; k < n; k++) {
		int i = idx[k];

		f = planner_office_of(d, i);
		office[in->n_orders] = f;
		home[in->n_orders] = store_office_of(d, &ob->orders[i]);
		if (i < p->n_moved_cap && p->moved[i] == f)
			scopy(why[in->n_orders], p->why[i], sizeof(why[0]));
		orders[in->n_orders++] = ob->orders[i];
	}
	free(idx);
	in->orders = orders;
	in->office = office;
	in->home = home;
	in->moved_why = (const char (*)[32])why;
	planner_job_routes(d, mem, nm, in);
	planner_job_params(d, mem, nm, &in->params);
	for (int m = 0; m < nm; m++) {
		struct office_state *o = &p->o[mem[m]];

		o->running = 1;
		o->marks_sub = o->marks;
		o->want = 0;
		o->dirty = 0;
		o->changes = 0;
		o->last_start = mono_s();
		o->last_clock = in->now;
		o->late_res = m == 0 ? in->params.late.max_late : 0;
	}
	p->n_running++;
	log_debug("planner: office %s%s: solving %d orders (%s)",
	    d->region->offices[mem[0]].id, nm > 1 ? " and its group" : "", n,
	    p->o[mem[0]].why ? p->o[mem[0]].why : "?");
	if (d->remote != NULL)
		remote_submit(d, pj);   /* a solve worker, maybe elsewhere */
	else
		workers_submit(d->workers, &pj->job);
	return 0;
}

/*
 * Every office marked (and not running) goes into a job with its group:
 * the groups of the open orders per office now (pr_plan_groups). A group
 * with an office still running waits for it.
 */
static void
planner_submit_wanted(struct daemon *d)
{
	struct planner *p = d->planner;
	struct pr_planner_params gp;
	int no = d->region->n_offices;

	pr_planner_params_init(&gp);
	gp.group_radius_m = 1000 * d->cfg.planner_group_km;
	gp.group_max_orders = d->cfg.planner_group_orders;
	gp.group_any_district = d->cfg.planner_group_across_districts;
	if (gp.group_radius_m <= 0)
		gp.group_small = 0;
	planner_index(d);
	pr_plan_groups(d->region, p->counts, &gp, p->grp);
	for (int f = 0; f < no; f++) {
		int g = p->grp[f], nm = 0, busy = 0;

		if (g < 0 || !p->o[f].want || p->o[f].running)
			continue;
		for (int h = g; h < no; h++)   /* g: the group's first */
			if (p->grp[h] == g) {
				p->mem[nm++] = h;
				busy |= p->o[h].running;
			}
		if (busy)
			continue;   /* planned when the running job returns */
		for (int m = 0; m < nm; m++)
			p->grp[p->mem[m]] = -2;   /* marks the job's members */
		if (planner_submit(d, p->mem, nm) != 0)
			for (int m = 0; m < nm; m++) {
				struct office_state *o = &p->o[p->mem[m]];

				o->want = o->dirty = o->changes = 0;
			}
		for (int m = 0; m < nm; m++)
			p->grp[p->mem[m]] = -1;   /* done with */
	}
}

/*
 * Order → plan latency (postroute_order_plan_latency_seconds): an order
 * created or changed waits from its stream entry (XADD, Redis's clock)
 * until a published plan has it as that change left it (the job's copy
 * has the order's current version). A second change before that keeps
 * the first one's time; a cancellation, a pickup or a restart forgets it.
 */
static void
planner_seen(struct daemon *d, int order, int64_t entry_ms)
{
	struct planner *p = d->planner;

	if (order >= p->seen_cap) {
		int cap = order + 1 + (order + 1) / 2 + 1024;

		p->seen_ms = erealloc(p->seen_ms, (size_t)cap *
		    sizeof(*p->seen_ms));
		memset(p->seen_ms + p->seen_cap, 0, (size_t)(cap -
		    p->seen_cap) * sizeof(*p->seen_ms));
		p->seen_cap = cap;
	}
	if (entry_ms <= 0)
		p->seen_ms[order] = 0;
	else if (p->seen_ms[order] == 0)
		p->seen_ms[order] = entry_ms;
}

/* The orders of j's published offices (published[m] for member m) that
 * were waiting for a plan. */
static void
planner_seen_planned(struct daemon *d, const struct plan_job *j,
    const int *published)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	double now_ms = (double)wall_ms();

	for (int k = 0; k < j->in.n_orders; k++) {
		const struct pr_order *o = &j->in.orders[k];
		int m, i;

		for (m = 0; m < j->in.n_offices; m++)
			if (j->in.offices[m] == j->in.office[k])
				break;
		if (m == j->in.n_offices || !published[m] ||
		    (i = pr_orderbook_find(ob, o->id)) < 0 ||
		    i >= p->seen_cap || p->seen_ms[i] == 0 ||
		    ob->orders[i].version != o->version)
			continue;
		metrics_observe(&d->metrics.order_plan_latency,
		    (now_ms - (double)p->seen_ms[i]) / 1000.0);
		p->seen_ms[i] = 0;
	}
}

/* A plan job came back (on the loop): publish each office's plan, keep
 * it, and plan again the offices that changed meanwhile. */
static void
planner_plan_done(struct job *job, void *arg)
{
	struct daemon *d = arg;
	struct plan_job *j = plan_job_of(job);
	struct planner *p = d->planner;
	int canceled = j->rc == PR_ECANCELED || job_canceled(job);
	int *published;

	p->n_running--;
	for (int m = 0; m < j->in.n_offices; m++) {
		p->o[j->in.offices[m]].running = 0;
		p->o[j->in.offices[m]].late_res = 0;
	}
	if (canceled)
		d->metrics.solves_canceled++;
	else if (j->rc == 0)
		d->metrics.solves_ok++;
	else
		d->metrics.solves_failed++;
	if (j->rc != 0 && !canceled)
		log_warnx("planner: office %s: %s",
		    d->region->offices[j->in.offices[0]].id, j->err.msg);
	if (j->res != NULL && j->res->n_failed > 0)
		log_warnx("planner: office %s: a solve failed: %s",
		    d->region->offices[j->in.offices[0]].id, j->res->failed);
	if (!canceled)
		metrics_observe(&d->metrics.solve_duration, job->run_s);
	published = ecalloc((size_t)j->in.n_offices + 1, sizeof(int));
	for (int k = 0; j->res != NULL && k < j->res->n_plans; k++) {
		struct pr_office_plan *pl = ecalloc(1, sizeof(*pl));
		int f = j->res->plans[k].office;
		struct office_state *o = &p->o[f];
		int64_t v = publish_version(d, f);

		*pl = j->res->plans[k];
		memset(&j->res->plans[k], 0, sizeof(j->res->plans[k]));
		if (pl->n_orders == 0 && o->latest == NULL) {
			plan_free(pl);   /* an office with nothing, ever */
			continue;
		}
		if (o->marks != o->marks_sub) {
			/* solved without a dispatch (or its undo, or a
			 * pickup) that came meanwhile: planned again */
			plan_free(pl);
			o->again = 1;
			continue;
		}
		pl->version = (o->version > v ? o->version : v) + 1;
		pl->generated_at = wall_s();
		planner_log_dispatched(d, f, o->latest, pl);
		o->ontime = pl->stats.ontime;
		o->late = pl->stats.planned_late;
		publish_plan(d, pl);
		planner_keep(d, f, pl);
		for (int m = 0; m < j->in.n_offices; m++)
			published[m] |= j->in.offices[m] == f;
	}
	planner_seen_planned(d, j, published);
	free(published);
	for (int m = 0; m < j->in.n_offices && !d->stopping; m++) {
		struct office_state *o = &p->o[j->in.offices[m]];

		if (o->again || o->dirty) {
			o->again = 0;
			planner_trigger(d, j->in.offices[m],
			    "changed while solving");
		}
	}
	/* Offices that wanted a plan while a neighbour of their group was
	 * in this job waited for it (planner_submit_wanted): their turn
	 * now, also when nothing else triggers (the stream has stopped). */
	for (int f = 0; f < d->region->n_offices && !d->stopping; f++)
		if (p->o[f].want && !p->o[f].running) {
			planner_debounce(d);
			break;
		}
	job_free(job);
}

/* ---- clustering ----------------------------------------------------------------- */

static void planner_cluster_done(struct job *, void *);

/* Submits a clustering of every open order (on a worker). */
static void
planner_cluster_submit(struct daemon *d)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	struct cluster_job *cj;
	int n = 0;

	if (d->stopping || d->workers == NULL || p->cluster_running)
		return;
	for (int i = 0; i < ob->n; i++)
		n += ob->orders[i].state == PR_ORDER_OPEN;
	cj = cluster_job_new(planner_cluster_done, d);
	cj->region = d->region;
	cj->day_start = planner_day_start(d, daemon_now(d));
	cj->orders = ecalloc((size_t)n + 1, sizeof(*cj->orders));
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN)
			cj->orders[cj->n_orders++] = ob->orders[i];
	cj->time_limit = planner_ticks(d) ? PLANNER_CLUSTER_TIME_LIMIT_TICKS :
	    PLANNER_CLUSTER_TIME_LIMIT;
	p->cluster_running = 1;
	p->cluster_dirty = 0;
	p->cluster_last = mono_s();
	p->cluster_last_clock = daemon_now(d);
	log_debug("planner: clustering %d open orders", n);
	workers_submit(d->workers, &cj->job);
}

static void
planner_moved_change(struct daemon *d, int office)
{
	struct office_state *os = &d->planner->o[office];

	os->dirty = 1;
	if (++os->changes >= d->cfg.planner_batch_orders)
		planner_trigger(d, office, "clustering");
}

/* A clustering's answer: move orders, mark the offices concerned. */
static void
planner_cluster_apply(struct daemon *d, struct cluster_job *j)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	int moves = 0, total = 0;

	if (p->n_moved_cap < ob->n) {
		int cap = ob->n + 1024;

		p->moved = erealloc(p->moved, (size_t)cap * sizeof(int));
		p->why = erealloc(p->why, (size_t)cap * sizeof(*p->why));
		for (int i = p->n_moved_cap; i < cap; i++) {
			p->moved[i] = -1;
			p->why[i][0] = '\0';
		}
		p->n_moved_cap = cap;
	}
	for (int k = 0; k < j->n_orders; k++) {
		int i = pr_orderbook_find(ob, j->orders[k].id), home, cur, to;

		if (i < 0 || ob->orders[i].state != PR_ORDER_OPEN)
			continue;
		home = store_office_of(d, &ob->orders[i]);
		cur = planner_office_of(d, i);
		to = j->office[k] >= 0 ? j->office[k] : home;
		total += to != home;
		/* A driver has it: it stays on that route's office. */
		if (to == cur || planner_disp_office(d, i) >= 0)
			continue;
		p->moved[i] = to != home ? to : -1;
		log_debug("planner: order %s planned at %s (was %s)",
		    ob->orders[i].id, to >= 0 ? d->region->offices[to].id : "-",
		    cur >= 0 ? d->region->offices[cur].id : "-");
		scopy(p->why[i], to != home ? j->why[k] : "",
		    sizeof(p->why[i]));
		moves++;
		/* a moved order is a change for both offices, under the same
		 * batching as any other change (the interval re-plans the
		 * rest), so a clustering never floods the workers */
		if (cur >= 0)
			planner_moved_change(d, cur);
		if (to >= 0)
			planner_moved_change(d, to);
	}
	d->metrics.cluster_moved = total;
	if (moves > 0)
		log_info("planner: clustering (status %d): %d orders planned "
		    "away from their office, %d changed", j->status,
		    total, moves);
}

static void
planner_cluster_done(struct job *job, void *arg)
{
	struct daemon *d = arg;
	struct cluster_job *j = cluster_job_of(job);
	struct planner *p = d->planner;

	p->cluster_running = 0;
	if (j->rc != PR_ECANCELED && !job_canceled(job))
		metrics_observe(&d->metrics.cluster_duration, job->run_s);
	if (j->rc != 0 || j->office == NULL) {
		if (j->rc != PR_ECANCELED && !job_canceled(job)) {
			log_warnx("planner: clustering: %s", j->err.msg);
			d->metrics.clusterings_failed++;
		}
		job_free(job);
		return;
	}
	d->metrics.clusterings_ok++;
	if (planner_ticks(d)) {
		/* at the next tick, where the stream says */
		job_free(p->cluster_ready);
		p->cluster_ready = job;
		return;
	}
	planner_cluster_apply(d, j);
	job_free(job);
}

/* ---- triggers ------------------------------------------------------------------- */

void
planner_order_changed(struct daemon *d, int order, const struct pr_event *ev,
    int64_t entry_ms)
{
	struct planner *p = d->planner;
	const struct pr_order *o = &store_orders(d->store)->orders[order];
	int office, disp;
	struct office_state *os;

	p->cluster_dirty = 1;
	planner_seen(d, order, o->state == PR_ORDER_OPEN &&
	    (ev->type == PR_EV_ORDER_CREATED ||
	    ev->type == PR_EV_ORDER_UPDATED) ? entry_ms : 0);
	disp = planner_disp_office(d, order);
	if (ev->type == PR_EV_PICKUP_FAILED && disp >= 0)
		planner_failed(d, disp, o->id);
	office = planner_office_of(d, order);
	if (office < 0 || office >= d->region->n_offices)
		return;
	os = &p->o[office];
	os->dirty = 1;
	os->changes++;
	if (ev->type == PR_EV_PICKUP_COMPLETED)
		planner_completed(d, office, ev);
	if (ev->type == PR_EV_PICKUP_FAILED && disp >= 0) {
		planner_trigger(d, office, "pickup failed");
		return;
	}
	if (os->changes >= d->cfg.planner_batch_orders) {
		planner_trigger(d, office, "new orders");
		return;
	}
	if (o->state == PR_ORDER_OPEN && o->perishable &&
	    (ev->type == PR_EV_ORDER_CREATED ||
	    ev->type == PR_EV_ORDER_UPDATED)) {
		struct pr_deadline dl;

		pr_latest_pickup(d->region, office, o,
		    pr_pickup_back_s(d->region, office, o), &dl);
		if (dl.latest - daemon_now(d) <=
		    d->cfg.planner_perishable_window_s)
			planner_trigger(d, office, "perishable");
	}
}

/* All state was reloaded: every office with orders or a plan is planned
 * again. */
static void
planner_all_dirty(struct daemon *d)
{
	struct planner *p = d->planner;

	/* Order indices changed with the reload: forget the moves and
	 * cluster again at the next tick. */
	for (int i = 0; i < p->n_moved_cap; i++)
		p->moved[i] = -1;
	for (int i = 0; i < p->seen_cap; i++)
		p->seen_ms[i] = 0;
	job_free(p->cluster_ready);
	p->cluster_ready = NULL;
	p->disp_dirty = 1;
	p->cluster_dirty = 1;
	p->cluster_last = -1e18;
	p->cluster_last_clock = INT64_MIN / 2;
	planner_open_counts(d, p->counts);
	for (int k = 0; k < d->region->n_offices; k++)
		if (p->counts[k] > 0 || p->o[k].latest != NULL) {
			p->o[k].dirty = 1;
			planner_trigger(d, k, "state loaded");
		}
}

/* The stored plans are in (or Redis failed on the way: then ingest's
 * setup starts again after reconnecting, and so does this). */
static void
planner_restored(struct daemon *d)
{
	if (ingest_resume(d) != 0)
		return;
	d->planner->restored = 1;
	planner_all_dirty(d);
}

/* A stored plan read back: the office's latest, unless it has one. */
static void
planner_restored_plan(struct daemon *d, int office, struct pr_office_plan *pl)
{
	if (d->planner->o[office].latest != NULL) {
		plan_free(pl);
		return;
	}
	planner_keep(d, office, pl);
}

void
planner_state_loaded(struct daemon *d)
{
	if (!d->planner->restored) {
		publish_restore(d, planner_restored_plan, planner_restored);
		return;
	}
	if (ingest_resume(d) == 0)
		planner_all_dirty(d);
}

/* The next cut-off of office after now, as an epoch, or -1. */
static int64_t
planner_next_cutoff(const struct daemon *d, int office, int64_t now)
{
	const struct pr_office *of = &d->region->offices[office];
	int64_t day = planner_day_start(d, now), best = -1;

	for (int k = 0; k < 2; k++)
		for (int i = 0; i < of->n_departures; i++) {
			int64_t c = day + (int64_t)k * 86400 +
			    of->departures[i].time - of->departures[i].cutoff;

			if (c > now && (best < 0 || c < best))
				best = c;
		}
	return best;
}

/* Routes that leave within freeze_s of the clock are dispatched: the
 * driver is loading. Their offices are planned again so that the
 * published plan says so. */
static void
planner_freeze(struct daemon *d, int64_t now)
{
	struct planner *p = d->planner;

	if (d->cfg.planner_freeze_s <= 0)
		return;
	for (int k = 0; k < d->region->n_offices; k++) {
		struct pr_office_plan *pl = p->o[k].latest;
		int n = 0;

		for (int r = 0; pl != NULL && r < pl->n_routes; r++) {
			struct pr_plan_route *rt = &pl->routes[r];

			if (rt->dispatched || rt->n_stops == 0 ||
			    rt->start > now + d->cfg.planner_freeze_s)
				continue;
			planner_set_dispatched(d, k, rt, "departure");
			n++;
		}
		if (n > 0)
			planner_trigger(d, k, "departure");
	}
}

/* The triggers that depend on time: routes leaving, the clustering,
 * interval_s, the cut-offs. */
static void
planner_evaluate(struct daemon *d)
{
	struct planner *p = d->planner;
	double backlog;
	int64_t now = daemon_now(d);

	planner_freeze(d, now);
	/* While a backlog drains, a clustering would be stale before it
	 * ends and takes a core from ingestion: wait until the consumer
	 * catches up, but no longer than interval_s. */
	backlog = planner_ticks(d) ? 0 : ingest_backlog_s(d);
	if (p->cluster_dirty && !p->cluster_running &&
	    planner_interval_passed(d, p->cluster_last, p->cluster_last_clock) &&
	    (backlog == 0 || backlog >= d->cfg.planner_interval_s))
		planner_cluster_submit(d);
	planner_open_counts(d, p->counts);
	for (int k = 0; k < d->region->n_offices; k++) {
		struct office_state *o = &p->o[k];
		int64_t c;

		if (o->dirty && !o->running && !o->want &&
		    planner_interval_passed(d, o->last_start, o->last_clock))
			planner_trigger(d, k, "interval");
		if (p->counts[k] == 0 || d->cfg.planner_cutoff_lead_s == 0)
			continue;
		c = planner_next_cutoff(d, k, now);
		if (c > 0 && c - now <= d->cfg.planner_cutoff_lead_s &&
		    o->cutoff_done != c) {
			o->cutoff_done = c;
			planner_trigger(d, k, "cut-off");
		}
	}
}

void
planner_clock_tick(struct daemon *d, const struct pr_event *ev)
{
	struct planner *p = d->planner;

	if (ev->ts > p->last_tick)
		p->last_tick = ev->ts;
	if (!planner_ticks(d) || d->stopping || !d->ready)
		return;
	if (p->cluster_ready != NULL) {
		planner_cluster_apply(d, cluster_job_of(p->cluster_ready));
		job_free(p->cluster_ready);
		p->cluster_ready = NULL;
	}
	planner_evaluate(d);
	planner_submit_wanted(d);
}

static void
planner_debounce_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	planner_submit_wanted(arg);
}

static void
planner_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (d->stopping || !d->ready || planner_ticks(d))
		return;
	planner_evaluate(d);
}

int
planner_clustering(const struct daemon *d)
{
	return d->planner->cluster_running;
}

int
planner_busy(const struct daemon *d)
{
	return d->planner->n_running;
}

int
planner_pending(const struct daemon *d)
{
	return d->planner->n_running + d->planner->cluster_running +
	    publish_pending(d);
}

int
planner_wanted(const struct daemon *d)
{
	int n = 0;

	for (int k = 0; k < d->region->n_offices; k++)
		n += d->planner->o[k].want;
	return n;
}

int64_t
planner_last_tick(const struct daemon *d)
{
	return d->planner->last_tick;
}

void
planner_reconfigure(struct daemon *d)
{
	(void)d;	/* every key is read when used */
}

struct planner *
planner_new(struct daemon *d)
{
	struct planner *p = ecalloc(1, sizeof(*p));
	struct timeval tv = { 1, 0 };
	int no = d->region->n_offices;

	p->d = d;
	p->cluster_last = -1e18;
	p->cluster_last_clock = INT64_MIN / 2;
	p->o = ecalloc((size_t)no, sizeof(*p->o));
	/* the interval counts from the daemon's start, not from boot
	 * (mono_s() is CLOCK_MONOTONIC: on a machine up for longer than
	 * interval_s, every dirty office fired at the first tick); on the
	 * planning clock, from the first time it is read */
	for (int k = 0; k < no; k++) {
		p->o[k].last_start = mono_s();
		p->o[k].last_clock = INT64_MIN / 2;
	}
	p->counts = ecalloc((size_t)no + 1, sizeof(int));
	p->grp = ecalloc((size_t)no + 1, sizeof(int));
	p->mem = ecalloc((size_t)no + 1, sizeof(int));
	p->ostart = ecalloc((size_t)no + 1, sizeof(int));
	p->disp_dirty = 1;
	p->tick_ev = event_new(d->base, -1, EV_PERSIST, planner_tick_cb, d);
	p->debounce_ev = evtimer_new(d->base, planner_debounce_cb, d);
	if (p->tick_ev == NULL || p->debounce_ev == NULL)
		fatalx("planner: cannot create timers");
	event_add(p->tick_ev, &tv);
	d->planner = p;
	return p;
}

void
planner_free(struct planner *p)
{
	if (p == NULL)
		return;
	event_free(p->tick_ev);
	event_free(p->debounce_ev);
	for (int k = 0; k < p->d->region->n_offices; k++)
		plan_free(p->o[k].latest);
	job_free(p->cluster_ready);
	free(p->o);
	free(p->counts);
	free(p->grp);
	free(p->mem);
	free(p->ostart);
	free(p->oidx);
	free(p->seen_ms);
	free(p->moved);
	free(p->why);
	free(p->disp);
	free(p->disp_old);
	free(p);
}
