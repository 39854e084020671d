/* planner.c: per-office triggers (new orders, perishables, timer, line-haul cut-offs), coalesced into at most one solve per office at a time. */
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
 */

struct office_state {
	int dirty;          /* changed since the last solve started */
	int changes;
	int want;           /* triggered, waiting for the debounce */
	int running;        /* queued or solving */
	int again;          /* triggered while running */
	double last_start;  /* mono_s() */
	int64_t cutoff_done;/* the cut-off already planned for */
	const char *why;
};

struct planner {
	struct daemon *d;
	struct office_state *o;
	int n_running;
	struct event *tick_ev;
	struct event *debounce_ev;
	int *counts;
};

static int64_t
planner_day_start(const struct daemon *d, int64_t now)
{
	int64_t off = d->region->utc_offset, t = now + off, q = t / 86400;

	if (t % 86400 < 0)
		q--;
	return q * 86400 - off;
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
		    store_office_of(d, &ob->orders[i]) == office)
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
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    store_office_of(d, &ob->orders[i]) == office)
			j->orders[j->n_orders++] = ob->orders[i];
	publish_pins(d, office, j);
	pr_solve_params_init(&j->sp);
	j->sp.time_limit = d->cfg.solver_time_limit;
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
	struct office_state *o = &p->o[j->office];

	o->running = 0;
	p->n_running--;
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
planner_all_dirty(struct daemon *d)
{
	struct planner *p = d->planner;

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
	double t = mono_s();
	int64_t now = daemon_now(d);

	(void)fd;
	(void)what;
	if (d->stopping || !d->ready)
		return;
	store_open_counts(d, p->counts);
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
	p->o = ecalloc((size_t)d->region->n_offices, sizeof(*p->o));
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
	free(p);
}
