/* planner.c: per-office triggers (new orders, perishables, timer, line-haul cut-offs), coalesced into at most one solve per office at a time; the latest plan of each office. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon.h"
#include "ingest.h"
#include "jobs.h"
#include "log.h"
#include "plan.h"
#include "planner.h"
#include "publish.h"
#include "store.h"
#include "util.h"
#include "workers.h"

/*
 * An office is re-planned when
 *   - batch_orders of its orders changed since its last solve started,
 *   - a perishable order arrives whose latest pickup is within
 *     perishable_window_s,
 *   - it has changes and interval_s passed since its last solve,
 *   - a line-haul cut-off is less than cutoff_lead_s away (once per
 *     cut-off), or
 *   - the state was (re)loaded.
 * Triggers only mark the office; a debounce_ms timer turns the marks into
 * jobs, so a burst of events makes one solve. An office with a solve
 * queued or running is marked "again" and re-planned when it returns:
 * never two solves of one office at once. Each solve is bounded by
 * [solver] time_limit (pr_solve returns within it + 5 %).
 *
 * Which office plans an order: its commune's office, unless clustering
 * (pr_cluster_assign, GLPK) moved it to a neighbouring office because
 * its own fleet cannot carry the day's load or reach it in time. The
 * clustering runs as a worker job over all open orders, after the state
 * is (re)loaded and then at most every interval_s while orders change;
 * its answer is kept per order here (never in Redis: it is a planning
 * decision, recomputed after a restart). An order is in exactly one
 * office's job: the one planner_office_of() names. When an order moves,
 * both offices are re-planned; an order on a dispatched route stays
 * where it is.
 *
 * The planner remembers each office's latest plan (its routes: which
 * vehicle, which stops, dispatched or not): the pins and vehicle labels
 * of the next solve come from it. Solves run on the workers as jobs
 * (jobs.h) whose completion is planner_office_done(); a plan that comes
 * back is handed to publish, then kept. At start-up the stored plans are
 * read back through publish_restore().
 */

#define PLANNER_CLUSTER_TIME_LIMIT 1.0   /* seconds of GLPK per clustering */

struct office_state {
	int dirty;          /* changed since the last solve started */
	int changes;
	int want;           /* triggered, waiting for the debounce */
	int running;        /* queued or solving */
	int again;          /* triggered while running */
	double last_start;  /* mono_s() */
	int64_t cutoff_done;/* the cut-off already planned for */
	const char *why;
	/* The service-level budget ([planner] late_budget): */
	int ontime;         /* pickups of its plan that can be on time */
	int late;           /* of which planned late on purpose */
	int late_res;       /* allowance of the solve under way */
	struct plan *latest;/* its latest plan, routes only (plan_trim) */
};

struct planner {
	struct daemon *d;
	struct office_state *o;
	int n_running;
	/* clustering: per order index of the order book */
	int *moved;               /* office it moved to, or -1 */
	char (*why)[32];          /* why */
	int n_moved_cap;
	int cluster_running;
	int cluster_dirty;        /* orders changed since it last started */
	double cluster_last;      /* mono_s() of the last start */
	struct event *tick_ev;
	struct event *debounce_ev;
	int *counts;
	int restored;             /* the stored plans were loaded */
};

static int64_t
planner_day_start(const struct daemon *d, int64_t now)
{
	return pr_day_start(d->region, now);
}

static int
planner_office_of(const struct daemon *d, int order)
{
	const struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);

	if (order < 0 || order >= ob->n)
		return -1;
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

static void
planner_trigger(struct daemon *d, int office, const char *why)
{
	struct planner *p = d->planner;
	struct office_state *o = &p->o[office];
	struct timeval tv;

	if (o->running) {
		o->again = 1;
		return;
	}
	if (!o->want)
		o->why = why;
	o->want = 1;
	if (!evtimer_pending(p->debounce_ev, NULL)) {
		tv.tv_sec = d->cfg.planner_debounce_ms / 1000;
		tv.tv_usec = (d->cfg.planner_debounce_ms % 1000) * 1000;
		evtimer_add(p->debounce_ev, &tv);
	}
}

/*
 * The late orders office's next plan may have: the budget is a share of
 * the pickups that can be on time in all the offices' latest plans; the
 * other offices' late orders (or the allowance of their solve under way,
 * if larger) are taken off it first. Solves that run at the same time
 * cannot both spend the same allowance. A province is planned office by
 * office, so the budget goes to the offices planned first; re-plans
 * (new orders, cut-offs, interval_s) hand it on as plans change. Right
 * after a start no office has a plan and the budget is 0 until the first
 * plans are in.
 */
/* The budget over the latest plans; *used: the late orders of the offices
 * other than `office`, or their solve's reservation if larger; *late: the
 * late orders of all the latest plans. */
static int64_t
planner_late_budget(const struct daemon *d, int office, int64_t *used,
    int64_t *late)
{
	const struct planner *p = d->planner;
	int64_t base = 0;

	*used = *late = 0;
	for (int k = 0; p != NULL && k < d->region->n_offices; k++) {
		const struct office_state *o = &p->o[k];

		base += o->ontime;
		*late += o->late;
		if (k != office)
			*used += o->late > o->late_res ? o->late : o->late_res;
	}
	return (int64_t)floor(d->cfg.planner_late_budget * (double)base);
}

static int
planner_late_allowance(const struct daemon *d, int office)
{
	int64_t used, late, budget = planner_late_budget(d, office, &used,
	    &late);

	return budget > used ? (int)(budget - used) : 0;
}

void
planner_late_totals(const struct daemon *d, int *late, int *budget)
{
	int64_t used, n;

	*budget = (int)planner_late_budget(d, -1, &used, &n);
	*late = (int)n;
}

/* ---- the latest plans -------------------------------------------------------------- */

/* The route of office's latest plan driven by vehicle, or holding order
 * (either may be NULL or ""), or NULL. */
static struct plan_route *
planner_route(struct daemon *d, int office, const char *vehicle,
    const char *order)
{
	struct plan *pl = d->planner->o[office].latest;

	for (int r = 0; pl != NULL && r < pl->n_routes; r++) {
		struct plan_route *pr = &pl->routes[r];

		if (vehicle != NULL && vehicle[0] != '\0' &&
		    strcmp(pr->vehicle, vehicle) == 0)
			return pr;
		for (int k = 0; order != NULL && k < pr->n_stops; k++)
			if (strcmp(pr->stops[k].order_id, order) == 0)
				return pr;
	}
	return NULL;
}

/* Marks the route of office with vehicle, or else holding order, as
 * dispatched (and, for a completed pickup, as one that cannot be undone);
 * 0, or -1 when there is none. */
static int
planner_mark_dispatched(struct daemon *d, int office, const char *vehicle,
    const char *order, int completed)
{
	struct plan_route *pr = planner_route(d, office, vehicle, order);

	if (pr == NULL)
		return -1;
	if (!pr->dispatched)
		log_info("planner: office %s route %s dispatched",
		    d->region->offices[office].id, pr->vehicle);
	pr->dispatched = 1;
	pr->completed |= completed;
	return 0;
}

int
planner_dispatch(struct daemon *d, int office, const char *vehicle)
{
	if (planner_mark_dispatched(d, office, vehicle, NULL, 0) != 0)
		return -1;
	/* The next plan says so, and Redis has it. */
	if (!d->stopping)
		planner_trigger(d, office, "dispatched");
	return 0;
}

int
planner_undispatch(struct daemon *d, int office, const char *vehicle)
{
	const struct pr_orderbook *ob = store_orders(d->store);
	struct plan_route *pr = planner_route(d, office, vehicle, NULL);
	int i;

	if (pr == NULL)
		return -1;
	/* the mark, or (a plan stored before marks were kept) its stops */
	for (int k = 0; k < pr->n_stops; k++)
		if ((i = pr_orderbook_find(ob, pr->stops[k].order_id)) >= 0 &&
		    ob->orders[i].state == PR_ORDER_COMPLETED)
			pr->completed = 1;
	if (pr->completed)
		return -2;
	if (pr->dispatched)
		log_info("planner: office %s route %s: dispatch undone",
		    d->region->offices[office].id, pr->vehicle);
	pr->dispatched = 0;
	if (!d->stopping)
		planner_trigger(d, office, "dispatch undone");
	return 0;
}

/* A plan solved while its office's latest plan changed (a dispatch, its
 * undo, a completed pickup) takes those marks for its routes of the same
 * vehicles: the latest plan's routes are the planner's memory of them. */
static void
planner_carry_marks(struct daemon *d, int office, struct plan *pl)
{
	for (int r = 0; r < pl->n_routes; r++) {
		const struct plan_route *old = planner_route(d, office,
		    pl->routes[r].vehicle, NULL);

		if (old == NULL)
			continue;
		pl->routes[r].dispatched = old->dispatched;
		pl->routes[r].completed = old->dispatched ? old->completed : 0;
	}
}

/* 1 when order is on a dispatched route of office's latest plan. */
static int
planner_order_dispatched(struct daemon *d, int office, const char *order)
{
	const struct plan *pl;

	if (office < 0 || office >= d->region->n_offices ||
	    (pl = d->planner->o[office].latest) == NULL)
		return 0;
	for (int r = 0; r < pl->n_routes; r++) {
		if (!pl->routes[r].dispatched)
			continue;
		for (int k = 0; k < pl->routes[r].n_stops; k++)
			if (strcmp(pl->routes[r].stops[k].order_id, order) == 0)
				return 1;
	}
	return 0;
}

/* From office's latest plan into in: the open stops of dispatched routes
 * (pins, in order) and those routes' vehicles; the other routes'
 * (vehicle, order) pairs, whose ids the new plan keeps where it can
 * (plan_keep_labels). */
static void
planner_pins(const struct daemon *d, int office, struct plan_input *in)
{
	const struct plan *pl = d->planner->o[office].latest;
	const struct pr_orderbook *ob = store_orders(d->store);
	int cap = 0, other = 0;

	for (int r = 0; pl != NULL && r < pl->n_routes; r++)
		if (pl->routes[r].dispatched)
			cap += pl->routes[r].n_stops;
		else
			other += pl->routes[r].n_stops;
	if (other > 0) {
		in->prev = ecalloc((size_t)other, sizeof(*in->prev));
		for (int r = 0; r < pl->n_routes; r++)
			for (int k = 0; !pl->routes[r].dispatched &&
			    k < pl->routes[r].n_stops; k++) {
				struct plan_pin *pp = &in->prev[in->n_prev++];

				scopy(pp->vehicle, pl->routes[r].vehicle,
				    sizeof(pp->vehicle));
				scopy(pp->order, pl->routes[r].stops[k].order_id,
				    sizeof(pp->order));
				pp->rank = -1;
			}
	}
	if (cap == 0)
		return;
	in->pins = ecalloc((size_t)cap, sizeof(*in->pins));
	in->dispatched = ecalloc((size_t)pl->n_routes,
	    sizeof(*in->dispatched));
	for (int r = 0; r < pl->n_routes; r++) {
		const struct plan_route *pr = &pl->routes[r];
		int rank = 0;

		if (!pr->dispatched)
			continue;
		scopy(in->dispatched[in->n_dispatched++], pr->vehicle,
		    sizeof(in->dispatched[0]));
		for (int k = 0; k < pr->n_stops; k++) {
			const char *id = pr->stops[k].order_id;
			int i = pr_orderbook_find(ob, id);
			struct plan_pin *pin;

			if (i < 0 || ob->orders[i].state != PR_ORDER_OPEN)
				continue;
			pin = &in->pins[in->n_pins++];
			scopy(pin->vehicle, pr->vehicle, sizeof(pin->vehicle));
			scopy(pin->order, id, sizeof(pin->order));
			pin->rank = rank++;
		}
	}
}

/* Keeps pl (taking it) as office's latest plan: its routes only. */
static void
planner_keep(struct daemon *d, int office, struct plan *pl)
{
	struct office_state *o = &d->planner->o[office];

	plan_trim(pl);
	plan_free(o->latest);
	o->latest = pl;
}

static void planner_office_done(struct job *, void *);

static void
planner_submit(struct daemon *d, int office)
{
	struct planner *p = d->planner;
	struct office_state *o = &p->o[office];
	const struct pr_orderbook *ob = store_orders(d->store);
	struct office_job *oj;
	struct plan_input *in;
	int n = 0;

	if (d->stopping || d->workers == NULL)
		return;
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    planner_office_of(d, i) == office)
			n++;
	if (n == 0 && o->latest == NULL) {
		o->dirty = 0;
		o->changes = 0;
		return;		/* nothing to plan, nothing to clear */
	}
	oj = office_job_new(planner_office_done, d);
	in = &oj->in;
	in->region = d->region;
	in->office = office;
	in->version = (o->latest != NULL ? o->latest->version : 0) + 1;
	in->now = daemon_now(d);
	in->day_start = planner_day_start(d, in->now);
	in->horizon_days = d->cfg.planner_horizon_days;
	in->orders = ecalloc((size_t)n + 1, sizeof(*in->orders));
	in->home = ecalloc((size_t)n + 1, sizeof(int));
	in->moved_why = ecalloc((size_t)n + 1, sizeof(*in->moved_why));
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    planner_office_of(d, i) == office) {
			in->home[in->n_orders] = store_office_of(d,
			    &ob->orders[i]);
			if (in->home[in->n_orders] != office &&
			    i < p->n_moved_cap)
				scopy(in->moved_why[in->n_orders], p->why[i],
				    sizeof(in->moved_why[0]));
			in->orders[in->n_orders++] = ob->orders[i];
		}
	planner_pins(d, office, in);
	in->stability = d->cfg.planner_stability;
	pr_late_params_init(&in->late);
	in->late.min_saving_m = 1000 * d->cfg.planner_late_min_km;
	in->late.max_delay_s = 3600 * d->cfg.planner_late_max_delay_h;
	in->late.max_stops = d->cfg.planner_late_max_stops;
	in->late.max_late = d->cfg.planner_late_budget > 0 ?
	    planner_late_allowance(d, office) : 0;
	o->late_res = in->late.max_late;
	pr_solve_params_init(&in->sp);
	/* A few pickups are solved long before time_limit: the rest of it
	 * would only keep a worker from the next office. */
	in->sp.time_limit = pr_office_time_limit(in->n_orders,
	    d->cfg.solver_time_per_pickup, d->cfg.solver_time_limit);
	in->sp.threads = d->cfg.solver_threads;
	in->sp.seed = (uint64_t)d->cfg.solver_seed;
	in->sp.exact_max_jobs = d->cfg.solver_exact_max_jobs;
	o->running = 1;
	o->dirty = 0;
	o->changes = 0;
	o->last_start = mono_s();
	p->n_running++;
	log_debug("planner: office %s: solving %d orders (%s)",
	    d->region->offices[office].id, n, o->why ? o->why : "?");
	workers_submit(d->workers, &oj->job);
}

/* Submits a clustering of every open order (on a worker). */
static void planner_cluster_done(struct job *, void *);

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
	cj->time_limit = PLANNER_CLUSTER_TIME_LIMIT;
	p->cluster_running = 1;
	p->cluster_dirty = 0;
	p->cluster_last = mono_s();
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

/* The clustering answered: move orders, re-plan the offices concerned. */
static void
planner_cluster_done(struct job *job, void *arg)
{
	struct daemon *d = arg;
	struct cluster_job *j = cluster_job_of(job);
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	int moves = 0, total = 0;

	p->cluster_running = 0;
	d->metrics.cluster_seconds_last = mono_s() - p->cluster_last;
	if (j->rc != 0 || j->office == NULL) {
		if (j->rc != PR_ECANCELED && !job_canceled(job)) {
			log_warnx("planner: clustering: %s", j->err.msg);
			d->metrics.clusterings_failed++;
		}
		job_free(job);
		return;
	}
	d->metrics.clusterings_ok++;
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
		if (to == cur)
			continue;
		/* A driver has it: it stays on that route's office. */
		if (planner_order_dispatched(d, cur, ob->orders[i].id))
			continue;
		p->moved[i] = to != home ? to : -1;
		scopy(p->why[i], to != home ? j->why[k] : "",
		    sizeof(p->why[i]));
		moves++;
		/* a moved order is a change for both offices, under the same
		 * batching as any other change (the interval tick re-plans
		 * the rest), so a clustering never floods the workers */
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
	job_free(job);
}

static void
planner_debounce_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct planner *p = d->planner;

	(void)fd;
	(void)what;
	for (int k = 0; k < d->region->n_offices; k++)
		if (p->o[k].want && !p->o[k].running) {
			p->o[k].want = 0;
			planner_submit(d, k);
		}
}

/* An office solve came back (on the loop): publish its plan, keep it,
 * and plan again if the office changed meanwhile. */
static void
planner_office_done(struct job *job, void *arg)
{
	struct daemon *d = arg;
	struct office_job *j = office_job_of(job);
	struct planner *p = d->planner;
	struct office_state *o = &p->o[j->in.office];
	int canceled = j->rc == PR_ECANCELED || job_canceled(job);

	o->running = 0;
	o->late_res = 0;
	p->n_running--;
	if (j->plan != NULL) {
		o->ontime = j->plan->stats.ontime;
		o->late = j->plan->stats.planned_late;
	}
	if (canceled)
		d->metrics.solves_canceled++;
	else if (j->rc == 0)
		d->metrics.solves_ok++;
	else
		d->metrics.solves_failed++;
	if (j->rc != 0 && j->rc != PR_ECANCELED)
		log_warnx("planner: office %s: %s",
		    d->region->offices[j->in.office].id, j->err.msg);
	if (!canceled)
		metrics_observe_solve(&d->metrics, j->plan != NULL ?
		    j->plan->stats.solve_s : 0);
	if (j->plan != NULL) {
		planner_carry_marks(d, j->in.office, j->plan);
		publish_plan(d, j->plan);
		planner_keep(d, j->in.office, j->plan);
		j->plan = NULL;
	}
	if ((o->again || o->dirty) && !d->stopping) {
		o->again = 0;
		planner_trigger(d, j->in.office, "changed while solving");
	}
	job_free(job);
}

void
planner_order_changed(struct daemon *d, int order, const struct pr_event *ev)
{
	struct planner *p = d->planner;
	const struct pr_order *o = &store_orders(d->store)->orders[order];
	int office = store_office_of(d, o);
	struct office_state *os;

	p->cluster_dirty = 1;
	/* Moved by the clustering: that office plans it. */
	if (order >= 0 && order < p->n_moved_cap && p->moved[order] >= 0)
		office = p->moved[order];
	if (office < 0 || office >= d->region->n_offices)
		return;
	os = &p->o[office];
	os->dirty = 1;
	os->changes++;
	if (ev->type == PR_EV_PICKUP_COMPLETED)
		planner_mark_dispatched(d, office, ev->vehicle,
		    ev->order_id, 1);
	if (os->changes >= d->cfg.planner_batch_orders) {
		planner_trigger(d, office, "new orders");
		return;
	}
	if (o->state == PR_ORDER_OPEN && o->perishable &&
	    (ev->type == PR_EV_ORDER_CREATED ||
	    ev->type == PR_EV_ORDER_UPDATED)) {
		struct pr_deadline dl;
		const struct pr_office *of = &d->region->offices[office];
		int fp = pr_office_fastest_profile(d->region, office);
		double back = d->region->service_s + (fp >= 0 ?
		    pr_travel_s(d->region, fp, o->lon, o->lat,
		    d->region->communes[o->commune].district, of->lon,
		    of->lat, of->district) : 0);

		pr_latest_pickup(d->region, office, o, back, &dl);
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
	p->cluster_dirty = 1;
	p->cluster_last = -1e18;
	store_open_counts(d, p->counts);
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
planner_restored_plan(struct daemon *d, int office, struct plan *pl)
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

static void
planner_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct planner *p = d->planner;
	double t = mono_s(), backlog;
	int64_t now = daemon_now(d);

	(void)fd;
	(void)what;
	if (d->stopping || !d->ready)
		return;
	/* While a backlog drains, a clustering would be stale before it
	 * ends and takes a core from ingestion: wait until the consumer
	 * catches up, but no longer than interval_s. */
	backlog = ingest_backlog_s(d);
	if (p->cluster_dirty && !p->cluster_running &&
	    t - p->cluster_last >= d->cfg.planner_interval_s &&
	    (backlog == 0 || backlog >= d->cfg.planner_interval_s))
		planner_cluster_submit(d);
	planner_open_counts(d, p->counts);
	for (int k = 0; k < d->region->n_offices; k++) {
		struct office_state *o = &p->o[k];
		int64_t c;

		if (o->dirty && !o->running && !o->want &&
		    t - o->last_start >= d->cfg.planner_interval_s)
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

	p->d = d;
	p->cluster_last = -1e18;
	p->o = ecalloc((size_t)d->region->n_offices, sizeof(*p->o));
	/* the interval counts from the daemon's start, not from boot
	 * (mono_s() is CLOCK_MONOTONIC: on a machine up for longer than
	 * interval_s, every dirty office fired at the first tick) */
	for (int k = 0; k < d->region->n_offices; k++)
		p->o[k].last_start = mono_s();
	p->counts = ecalloc((size_t)d->region->n_offices, sizeof(int));
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
	free(p->o);
	free(p->counts);
	free(p->moved);
	free(p->why);
	free(p);
}
