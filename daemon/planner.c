/* planner.c: per-office triggers (new orders, perishables, timer, line-haul cut-offs), coalesced into at most one solve per office at a time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

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
};

static int64_t
planner_day_start(const struct daemon *d, int64_t now)
{
	return pr_day_start(d->region, now);
}

int
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

/* Open orders per office, after the clustering's moves. */
static void
planner_counts(const struct daemon *d, int *counts)
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

static void
planner_submit(struct daemon *d, int office)
{
	struct planner *p = d->planner;
	struct office_state *o = &p->o[office];
	const struct pr_orderbook *ob = store_orders(d->store);
	struct plan_job *j;
	int n = 0;

	if (d->stopping || d->workers == NULL)
		return;
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    planner_office_of(d, i) == office)
			n++;
	if (n == 0 && publish_get(d, office, 0) == NULL) {
		o->dirty = 0;
		o->changes = 0;
		return;		/* nothing to plan, nothing to clear */
	}
	j = ecalloc(1, sizeof(*j));
	j->kind = JOB_OFFICE;
	j->region = d->region;
	j->office = office;
	j->version = publish_version(d, office) + 1;
	j->now = daemon_now(d);
	j->day_start = planner_day_start(d, j->now);
	j->horizon_days = d->cfg.planner_horizon_days;
	j->orders = ecalloc((size_t)n + 1, sizeof(*j->orders));
	j->home = ecalloc((size_t)n + 1, sizeof(int));
	j->moved_why = ecalloc((size_t)n + 1, sizeof(*j->moved_why));
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    planner_office_of(d, i) == office) {
			j->home[j->n_orders] = store_office_of(d,
			    &ob->orders[i]);
			if (j->home[j->n_orders] != office &&
			    i < p->n_moved_cap)
				scopy(j->moved_why[j->n_orders], p->why[i],
				    sizeof(j->moved_why[0]));
			j->orders[j->n_orders++] = ob->orders[i];
		}
	publish_pins(d, office, j);
	j->stability = d->cfg.planner_stability;
	pr_late_params_init(&j->late);
	j->late.min_saving_m = 1000 * d->cfg.planner_late_min_km;
	j->late.max_delay_s = 3600 * d->cfg.planner_late_max_delay_h;
	j->late.max_stops = d->cfg.planner_late_max_stops;
	j->late.max_late = d->cfg.planner_late_budget > 0 ?
	    planner_late_allowance(d, office) : 0;
	o->late_res = j->late.max_late;
	pr_solve_params_init(&j->sp);
	/* A few pickups are solved long before time_limit: the rest of it
	 * would only keep a worker from the next office. */
	j->sp.time_limit = pr_office_time_limit(j->n_orders,
	    d->cfg.solver_time_per_pickup, d->cfg.solver_time_limit);
	j->sp.threads = d->cfg.solver_threads;
	j->sp.seed = (uint64_t)d->cfg.solver_seed;
	j->sp.exact_max_jobs = d->cfg.solver_exact_max_jobs;
	o->running = 1;
	o->dirty = 0;
	o->changes = 0;
	o->last_start = mono_s();
	p->n_running++;
	log_debug("planner: office %s: solving %d orders (%s)",
	    d->region->offices[office].id, n, o->why ? o->why : "?");
	workers_submit(d->workers, j);
}

/* Submits a clustering of every open order (on a worker). */
static void
planner_cluster_submit(struct daemon *d)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	struct plan_job *j;
	int n = 0;

	if (d->stopping || d->workers == NULL || p->cluster_running)
		return;
	for (int i = 0; i < ob->n; i++)
		n += ob->orders[i].state == PR_ORDER_OPEN;
	j = ecalloc(1, sizeof(*j));
	j->kind = JOB_CLUSTER;
	j->region = d->region;
	j->office = -1;
	j->now = daemon_now(d);
	j->day_start = planner_day_start(d, j->now);
	j->orders = ecalloc((size_t)n + 1, sizeof(*j->orders));
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN)
			j->orders[j->n_orders++] = ob->orders[i];
	pr_solve_params_init(&j->sp);
	j->sp.time_limit = PLANNER_CLUSTER_TIME_LIMIT;
	p->cluster_running = 1;
	p->cluster_dirty = 0;
	p->cluster_last = mono_s();
	log_debug("planner: clustering %d open orders", n);
	workers_submit(d->workers, j);
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
planner_cluster_done(struct daemon *d, struct plan_job *j)
{
	struct planner *p = d->planner;
	const struct pr_orderbook *ob = store_orders(d->store);
	int moves = 0, total = 0;

	p->cluster_running = 0;
	d->metrics.cluster_seconds_last = mono_s() - p->cluster_last;
	if (j->rc != 0 || j->cluster_office == NULL) {
		if (j->rc != PR_ECANCELED && !j->cancel) {
			log_warnx("planner: clustering: %s", j->err.msg);
			d->metrics.clusterings_failed++;
		}
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
		to = j->cluster_office[k] >= 0 ? j->cluster_office[k] : home;
		total += to != home;
		if (to == cur)
			continue;
		/* A driver has it: it stays on that route's office. */
		if (publish_order_dispatched(d, cur, ob->orders[i].id))
			continue;
		p->moved[i] = to != home ? to : -1;
		scopy(p->why[i], to != home ? j->cluster_why[k] : "",
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
		    "away from their office, %d changed", j->cluster_status,
		    total, moves);
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

void
planner_job_done(struct daemon *d, struct plan_job *j)
{
	struct planner *p = d->planner;
	struct office_state *o;

	if (j->kind == JOB_CLUSTER) {
		planner_cluster_done(d, j);
		plan_job_free(j);
		return;
	}
	o = &p->o[j->office];
	o->running = 0;
	o->late_res = 0;
	p->n_running--;
	if (j->json != NULL) {
		o->ontime = j->n_ontime;
		o->late = j->n_late;
	}
	if (j->rc == PR_ECANCELED || j->cancel)
		d->metrics.solves_canceled++;
	else if (j->rc == 0)
		d->metrics.solves_ok++;
	else
		d->metrics.solves_failed++;
	if (j->rc != 0 && j->rc != PR_ECANCELED)
		log_warnx("planner: office %s: %s",
		    d->region->offices[j->office].id, j->err.msg);
	if (j->rc != PR_ECANCELED && !j->cancel)
		metrics_observe_solve(&d->metrics, j->solve_s);
	if (j->json != NULL)
		publish_plan(d, j);
	if ((o->again || o->dirty) && !d->stopping) {
		o->again = 0;
		planner_trigger(d, j->office, "changed while solving");
	}
	plan_job_free(j);
}

void
planner_order_changed(struct daemon *d, int office, int order,
    const struct pr_event *ev)
{
	struct planner *p = d->planner;
	const struct pr_order *o;
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
		publish_dispatch(d, office, ev->vehicle, ev->order_id);
	if (os->changes >= d->cfg.planner_batch_orders) {
		planner_trigger(d, office, "new orders");
		return;
	}
	o = &store_orders(d->store)->orders[order];
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

void
planner_replan(struct daemon *d, int office, const char *why)
{
	if (office >= 0 && office < d->region->n_offices && !d->stopping)
		planner_trigger(d, office, why);
}

void
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
		if (p->counts[k] > 0 || publish_get(d, k, 0) != NULL) {
			p->o[k].dirty = 1;
			planner_trigger(d, k, "state loaded");
		}
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
	planner_counts(d, p->counts);
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
	free(p->o);
	free(p->counts);
	free(p->moved);
	free(p->why);
	free(p);
}
