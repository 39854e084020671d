/* metrics.c: the daemon's counters and histograms, and the whole GET /metrics page (Prometheus text) from them and from the figures http.c gathers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/postroute.h"

#include "metrics.h"
#include "util.h"

/* The commit the daemon was built from (the Makefile sets it when it
 * knows it). */
#ifndef POSTROUTE_REVISION
#define POSTROUTE_REVISION ""
#endif

/* Solves and clusterings: from a few pickups to [solver] time_limit. */
static const double metrics_solve_bounds[] = {
	0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300
};
/* Order -> plan: from a solve's time to a backlog of the national day. */
static const double metrics_latency_bounds[] = {
	0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600
};
/* HTTP: from a plan out of memory to a POST /v1/solve. */
static const double metrics_http_bounds[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
	10, 30, 60
};

#define NBOUNDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void
metrics_hist_init(struct metrics_hist *h, const double *bounds, int nb)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->nb = nb < METRICS_MAX_BUCKETS ? nb : METRICS_MAX_BUCKETS;
}

void
metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
	metrics_hist_init(&m->solve_duration, metrics_solve_bounds,
	    NBOUNDS(metrics_solve_bounds));
	metrics_hist_init(&m->cluster_duration, metrics_solve_bounds,
	    NBOUNDS(metrics_solve_bounds));
	metrics_hist_init(&m->order_plan_latency, metrics_latency_bounds,
	    NBOUNDS(metrics_latency_bounds));
	m->started = mono_s();
}

void
metrics_free(struct metrics *m)
{
	for (int i = 0; i < m->n_http; i++)
		free(m->http[i].codes);
	free(m->http);
	m->http = NULL;
	m->n_http = 0;
}

void
metrics_observe(struct metrics_hist *h, double v)
{
	int b = 0;

	while (b < h->nb && v > h->bounds[b])
		b++;
	h->counts[b]++;
	h->sum += v;
}

/* The entry of a route, added when new. */
static struct metrics_http *
metrics_http_of(struct metrics *m, const char *handler)
{
	struct metrics_http *mh;

	if (handler == NULL)
		handler = "unmatched";
	for (int i = 0; i < m->n_http; i++)
		if (m->http[i].handler == handler ||
		    strcmp(m->http[i].handler, handler) == 0)
			return &m->http[i];
	m->http = erealloc(m->http, (size_t)(m->n_http + 1) *
	    sizeof(*m->http));
	mh = &m->http[m->n_http++];
	memset(mh, 0, sizeof(*mh));
	mh->handler = handler;
	metrics_hist_init(&mh->duration, metrics_http_bounds,
	    NBOUNDS(metrics_http_bounds));
	return mh;
}

void
metrics_observe_http(struct metrics *m, const char *handler, int code,
    double seconds)
{
	struct metrics_http *mh = metrics_http_of(m, handler);
	int i;

	for (i = 0; i < mh->n_codes && mh->codes[i].code != code; i++)
		;
	if (i == mh->n_codes) {
		mh->codes = erealloc(mh->codes, (size_t)(mh->n_codes + 1) *
		    sizeof(*mh->codes));
		mh->codes[i].code = code;
		mh->codes[i].n = 0;
		mh->n_codes++;
	}
	mh->codes[i].n++;
	metrics_observe(&mh->duration, seconds);
}

/* ---- the text format ---------------------------------------------------- */

static void
metrics_head(struct sbuf *o, const char *name, const char *type,
    const char *help)
{
	sbuf_addf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A sample's value: integers as such, NaN and infinities as the format
 * spells them. */
static void
metrics_value(struct sbuf *o, double v)
{
	if (isnan(v))
		sbuf_addf(o, " NaN\n");
	else if (isinf(v))
		sbuf_addf(o, " %sInf\n", v > 0 ? "+" : "-");
	else if (v == floor(v) && fabs(v) < 1e15)
		sbuf_addf(o, " %.0f\n", v);
	else {
		/* the shortest text that reads back as v */
		char buf[40];

		for (int prec = 15; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, v);
			if (strtod(buf, NULL) == v)
				break;
		}
		sbuf_addf(o, " %s\n", buf);
	}
}

/* A label value, escaped (backslash, double quote, newline). */
static void
metrics_label(struct sbuf *o, const char *v)
{
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			sbuf_add(o, "\\", 1);
		if (*p == '\n')
			sbuf_add(o, "\\n", 2);
		else
			sbuf_add(o, p, 1);
	}
}

/* name{key="value"} v; key NULL: no label. */
static void
metrics_sample(struct sbuf *o, const char *name, const char *key,
    const char *value, double v)
{
	sbuf_addf(o, "%s", name);
	if (key != NULL) {
		sbuf_addf(o, "{%s=\"", key);
		metrics_label(o, value);
		sbuf_add(o, "\"}", 2);
	}
	metrics_value(o, v);
}

static void
metrics_counter(struct sbuf *o, const char *name, const char *help,
    uint64_t v)
{
	metrics_head(o, name, "counter", help);
	metrics_sample(o, name, NULL, NULL, (double)v);
}

static void
metrics_gauge(struct sbuf *o, const char *name, const char *help, double v)
{
	metrics_head(o, name, "gauge", help);
	metrics_sample(o, name, NULL, NULL, v);
}

/* The samples of one histogram; key/value: one label (or NULL). */
static void
metrics_hist_samples(struct sbuf *o, const char *name, const char *key,
    const char *value, const struct metrics_hist *h)
{
	uint64_t cum = 0;

	for (int b = 0; b <= h->nb; b++) {
		cum += h->counts[b];
		sbuf_addf(o, "%s_bucket{", name);
		if (key != NULL) {
			sbuf_addf(o, "%s=\"", key);
			metrics_label(o, value);
			sbuf_add(o, "\",", 2);
		}
		if (b < h->nb)
			sbuf_addf(o, "le=\"%g\"}", h->bounds[b]);
		else
			sbuf_addf(o, "le=\"+Inf\"}");
		metrics_value(o, (double)cum);
	}
	sbuf_addf(o, "%s_sum", name);
	if (key != NULL) {
		sbuf_addf(o, "{%s=\"", key);
		metrics_label(o, value);
		sbuf_add(o, "\"}", 2);
	}
	metrics_value(o, h->sum);
	sbuf_addf(o, "%s_count", name);
	if (key != NULL) {
		sbuf_addf(o, "{%s=\"", key);
		metrics_label(o, value);
		sbuf_add(o, "\"}", 2);
	}
	metrics_value(o, (double)cum);
}

static void
metrics_histogram(struct sbuf *o, const char *name, const char *help,
    const struct metrics_hist *h)
{
	metrics_head(o, name, "histogram", help);
	metrics_hist_samples(o, name, NULL, NULL, h);
}

/* ---- the page ----------------------------------------------------------- */

static void
metrics_process(const struct metrics_now *now, struct sbuf *o)
{
	const struct procstat *p = &now->proc;

	if (!now->proc_known)
		return;
	metrics_head(o, "process_cpu_seconds_total", "counter",
	    "Total user and system CPU time spent in seconds.");
	metrics_sample(o, "process_cpu_seconds_total", NULL, NULL,
	    p->cpu_seconds);
	metrics_gauge(o, "process_resident_memory_bytes",
	    "Resident memory size in bytes.", p->resident_bytes);
	metrics_gauge(o, "process_virtual_memory_bytes",
	    "Virtual memory size in bytes.", p->virtual_bytes);
	metrics_gauge(o, "process_start_time_seconds",
	    "Start time of the process since unix epoch in seconds.",
	    p->start_time);
	metrics_gauge(o, "process_open_fds",
	    "Number of open file descriptors.", p->open_fds);
	metrics_gauge(o, "process_max_fds",
	    "Maximum number of open file descriptors.", p->max_fds);
}

static void
metrics_events(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *o)
{
	static const char *const states[] = {
		"down", "setup", "claiming", "pending", "live", "stopped"
	};

	metrics_counter(o, "postroute_events_consumed_total",
	    "Stream entries read (re-deliveries included).",
	    m->events_consumed);
	metrics_counter(o, "postroute_events_acked_total",
	    "Entries acknowledged after their effect was stored.",
	    m->events_acked);
	metrics_counter(o, "postroute_events_applied_total",
	    "Events that changed an order.", m->events_applied);
	metrics_counter(o, "postroute_events_stale_total",
	    "Replays and older versions (no-ops).", m->events_stale);
	metrics_counter(o, "postroute_events_deadlettered_total",
	    "Entries moved to the dead-letter stream.",
	    m->events_deadlettered);
	metrics_counter(o, "postroute_events_claimed_total",
	    "Entries claimed from other consumers (XAUTOCLAIM).",
	    m->events_claimed);
	metrics_counter(o, "postroute_store_transactions_failed_total",
	    "Batches whose transaction failed (re-read later).",
	    m->txn_failed);
	metrics_counter(o, "postroute_ingest_stalls_total",
	    "Times ingest stored nothing for [streams] stall_s while "
	    "entries waited.", m->ingest_stalls);

	metrics_head(o, "postroute_ingest_state", "gauge",
	    "The ingest state (1 for the current one).");
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		metrics_sample(o, "postroute_ingest_state", "state",
		    states[i], strcmp(now->ingest_state, states[i]) == 0);

	/* From Redis, every few seconds: left out when the last answer is
	 * too old (Redis down) rather than shown stale. */
	metrics_head(o, "postroute_events_lag_entries", "gauge",
	    "Entries of the events stream not yet delivered to the consumer "
	    "group (XINFO GROUPS lag).");
	if (now->backlog_known && now->group_lag >= 0)
		metrics_sample(o, "postroute_events_lag_entries", NULL, NULL,
		    (double)now->group_lag);
	metrics_head(o, "postroute_events_pending_entries", "gauge",
	    "Entries delivered to the consumer group and not yet "
	    "acknowledged (XPENDING).");
	if (now->backlog_known)
		metrics_sample(o, "postroute_events_pending_entries", NULL,
		    NULL, (double)now->group_pending);
	metrics_head(o, "postroute_deadletter_entries", "gauge",
	    "Entries in the dead-letter stream (XLEN).");
	if (now->backlog_known)
		metrics_sample(o, "postroute_deadletter_entries", NULL, NULL,
		    (double)now->deadletter_entries);
}

static void
metrics_redis(const struct metrics_now *now, struct sbuf *o)
{
	metrics_head(o, "postroute_redis_up", "gauge",
	    "1 when the connection is up.");
	metrics_sample(o, "postroute_redis_up", "connection", "read",
	    now->redis_read_up);
	metrics_sample(o, "postroute_redis_up", "connection", "command",
	    now->redis_command_up);
	metrics_head(o, "postroute_redis_reconnects_total", "counter",
	    "Successful reconnections.");
	metrics_sample(o, "postroute_redis_reconnects_total", "connection",
	    "read", (double)now->redis_read_reconnects);
	metrics_sample(o, "postroute_redis_reconnects_total", "connection",
	    "command", (double)now->redis_command_reconnects);
}

static void
metrics_planning(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *o)
{
	metrics_head(o, "postroute_jobs_queued", "gauge",
	    "Jobs waiting for a solver thread, by kind.");
	for (int i = 0; i < now->n_jobs; i++)
		metrics_sample(o, "postroute_jobs_queued", "kind",
		    now->jobs[i].kind, now->jobs[i].queued);
	metrics_head(o, "postroute_jobs_running", "gauge",
	    "Jobs on a solver thread, by kind.");
	for (int i = 0; i < now->n_jobs; i++)
		metrics_sample(o, "postroute_jobs_running", "kind",
		    now->jobs[i].kind, now->jobs[i].running);

	metrics_head(o, "postroute_solves_total", "counter",
	    "Office solves by result.");
	metrics_sample(o, "postroute_solves_total", "result", "ok",
	    (double)m->solves_ok);
	metrics_sample(o, "postroute_solves_total", "result", "error",
	    (double)m->solves_failed);
	metrics_sample(o, "postroute_solves_total", "result", "canceled",
	    (double)m->solves_canceled);
	metrics_histogram(o, "postroute_solve_duration_seconds",
	    "Time an office plan took on its solver thread (cancelled ones "
	    "left out).", &m->solve_duration);

	metrics_head(o, "postroute_clusterings_total", "counter",
	    "Assignments of open orders to offices (GLPK), by result.");
	metrics_sample(o, "postroute_clusterings_total", "result", "ok",
	    (double)m->clusterings_ok);
	metrics_sample(o, "postroute_clusterings_total", "result", "error",
	    (double)m->clusterings_failed);
	metrics_histogram(o, "postroute_clustering_duration_seconds",
	    "Time a clustering took on its solver thread (cancelled ones "
	    "left out).", &m->cluster_duration);
	metrics_histogram(o, "postroute_order_plan_latency_seconds",
	    "Time from an order's event (its stream entry, Redis's clock at "
	    "XADD) until a published plan has the order as that event left it; "
	    "the first of several changes counts.", &m->order_plan_latency);
	metrics_gauge(o, "postroute_orders_moved",
	    "Open orders the last clustering planned away from their "
	    "commune's office.", m->cluster_moved);

	metrics_gauge(o, "postroute_orders_planned_late",
	    "Orders the latest plans deliver late on purpose "
	    "([planner] late_budget).", now->planned_late);
	metrics_gauge(o, "postroute_late_budget",
	    "Late orders the latest plans may have in all.", now->late_budget);
	metrics_gauge(o, "postroute_orders_pending",
	    "Open orders waiting for pickup.", now->orders_pending);
	metrics_gauge(o, "postroute_orders_at_risk",
	    "Orders flagged at risk in the latest plans.",
	    now->orders_at_risk);
	metrics_counter(o, "postroute_plans_published_total",
	    "Plans written to Redis.", m->plans_published);
	metrics_head(o, "postroute_plan_age_seconds", "gauge",
	    "Seconds since the latest plan of each office that has one was "
	    "made.");
	for (int i = 0; i < now->n_offices; i++)
		metrics_sample(o, "postroute_plan_age_seconds", "office",
		    now->offices[i].id, now->offices[i].plan_age);
}

static void
metrics_http(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *o)
{
	char code[16];

	metrics_head(o, "postroute_http_requests_total", "counter",
	    "HTTP requests answered, by route (handler: its pattern) and "
	    "status code.");
	for (int i = 0; i < m->n_http; i++) {
		const struct metrics_http *mh = &m->http[i];

		for (int k = 0; k < mh->n_codes; k++) {
			snprintf(code, sizeof(code), "%d", mh->codes[k].code);
			sbuf_addf(o, "postroute_http_requests_total{"
			    "handler=\"");
			metrics_label(o, mh->handler);
			sbuf_addf(o, "\",code=\"%s\"}", code);
			metrics_value(o, (double)mh->codes[k].n);
		}
	}
	metrics_head(o, "postroute_http_request_duration_seconds", "histogram",
	    "Time from a request's arrival at its route to its answer, by "
	    "route.");
	for (int i = 0; i < m->n_http; i++)
		metrics_hist_samples(o,
		    "postroute_http_request_duration_seconds", "handler",
		    m->http[i].handler, &m->http[i].duration);
	metrics_counter(o, "postroute_http_accept_errors_total",
	    "Connections that could not be accepted (out of descriptors).",
	    m->http_accept_errors);
	metrics_counter(o, "postroute_http_timeouts_total",
	    "Connections closed by [http] request_timeout_s.",
	    m->http_timeouts);
	metrics_gauge(o, "postroute_http_connections",
	    "HTTP connections open.", now->http_connections);
}

void
metrics_render(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *o)
{
	static const char *const roles[] = { "active", "standby", "deposed" };

	metrics_process(now, o);
	metrics_head(o, "postroute_build_info", "gauge",
	    "Always 1; the labels say which build runs.");
	sbuf_addf(o, "postroute_build_info{version=\"%s\"", PR_VERSION);
	if (POSTROUTE_REVISION[0] != '\0') {
		sbuf_add(o, ",revision=\"", 11);
		metrics_label(o, POSTROUTE_REVISION);
		sbuf_add(o, "\"", 1);
	}
	sbuf_add(o, "} 1\n", 4);

	metrics_events(m, now, o);
	metrics_redis(now, o);
	metrics_planning(m, now, o);
	metrics_http(m, now, o);
	metrics_head(o, "postroute_config_reloads_total", "counter",
	    "SIGHUP reloads by result.");
	metrics_sample(o, "postroute_config_reloads_total", "result", "ok",
	    (double)m->reloads_ok);
	metrics_sample(o, "postroute_config_reloads_total", "result",
	    "failed", (double)m->reloads_failed);
	metrics_gauge(o, "postroute_ready", "1 once started up.", now->ready);
	metrics_head(o, "postroute_role", "gauge",
	    "The role of this process (1 for the current one): the active "
	    "planner, a standby, or deposed (stepping down).");
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		sbuf_addf(o, "postroute_role{role=\"%s\"} %d\n", roles[i],
		    now->role != NULL && strcmp(now->role, roles[i]) == 0);
	metrics_gauge(o, "postroute_lease_token",
	    "The fencing token of the lease this process holds or held "
	    "(0: none).", (double)now->token);
	metrics_counter(o, "postroute_lease_renewals_total",
	    "Renewals of the lease Redis accepted.", now->lease_renewals);
	metrics_gauge(o, "postroute_lease_age_seconds",
	    "Seconds since the lease was last renewed (-1: not active).",
	    now->lease_age_s);
	metrics_counter(o, "postroute_writes_refused_total",
	    "Transactions Redis refused because this process no longer "
	    "held the lease.", now->writes_refused);
	metrics_counter(o, "postroute_batches_refused_total",
	    "Batches of events (or their acks) not stored because this "
	    "process no longer held the lease.", m->batches_refused);
	metrics_counter(o, "postroute_plans_refused_total",
	    "Plans not written because this process did not hold the lease.",
	    m->plans_refused);
	metrics_counter(o, "postroute_remote_jobs_sent_total",
	    "Plan jobs sent to the solve workers (<prefix>jobs).",
	    m->remote_sent);
	metrics_counter(o, "postroute_remote_jobs_resent_total",
	    "Plan jobs sent again: no result within job_timeout_s.",
	    m->remote_resent);
	metrics_counter(o, "postroute_remote_results_total",
	    "Results of the solve workers taken (the first for each job).",
	    m->remote_answered);
	metrics_counter(o, "postroute_remote_results_stale_total",
	    "Results ignored: their job was answered already, or is "
	    "another planner's.", m->remote_stale);
	metrics_counter(o, "postroute_remote_results_refused_total",
	    "Results refused as malformed or too large (dead-lettered).",
	    m->remote_bad);
	metrics_counter(o, "postroute_remote_jobs_local_total",
	    "Plan jobs planned on this process's threads instead (too "
	    "large, or refused by a worker).", m->remote_local);
	metrics_counter(o, "postroute_remote_jobs_dead_total",
	    "Plan jobs given up and not planned: delivered to workers more "
	    "than job_max_deliveries times without an answer (dead-lettered; "
	    "their offices keep their last plans until their orders change).",
	    m->remote_dead);
	metrics_counter(o, "postroute_ack_wait_timeouts_total",
	    "WAITs for [redis] ack_replicas that timed out (the batch was "
	    "not acknowledged and waited again).", m->ack_wait_timeouts);
	metrics_counter(o, "postroute_sentinel_switches_total",
	    "Failovers the Sentinels announced (+switch-master).",
	    now->sentinel_switches);
	metrics_gauge(o, "postroute_uptime_seconds", "Seconds since start.",
	    mono_s() - m->started);
}
