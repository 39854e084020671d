/* metrics.c: the daemon's counters and the solve-time histogram, rendered as Prometheus text for GET /metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "util.h"

static const double metrics_bounds[METRICS_NBUCKETS] = {
	0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300
};

void
metrics_observe_solve(struct metrics *m, double seconds)
{
	int b = 0;

	while (b < METRICS_NBUCKETS && seconds > metrics_bounds[b])
		b++;
	m->solve_buckets[b]++;
	m->solve_seconds_sum += seconds;
}

static void
metrics_head(struct sbuf *o, const char *name, const char *type,
    const char *help)
{
	sbuf_addf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_counter(struct sbuf *o, const char *name, const char *help,
    uint64_t v)
{
	metrics_head(o, name, "counter", help);
	sbuf_addf(o, "%s %llu\n", name, (unsigned long long)v);
}

static void
metrics_gauge(struct sbuf *o, const char *name, const char *help, double v)
{
	metrics_head(o, name, "gauge", help);
	sbuf_addf(o, "%s %.17g\n", name, v);
}

void
metrics_render(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *o)
{
	static const char *const states[] = {
		"down", "setup", "claiming", "pending", "live", "stopped"
	};
	static const char *const roles[] = { "active", "standby", "deposed" };
	const char *st = now->ingest_state;
	uint64_t cum = 0, total = 0;

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

	metrics_head(o, "postroute_redis_up", "gauge",
	    "1 when the connection is up.");
	sbuf_addf(o, "postroute_redis_up{connection=\"read\"} %d\n",
	    now->redis_read_up);
	sbuf_addf(o, "postroute_redis_up{connection=\"command\"} %d\n",
	    now->redis_command_up);
	metrics_head(o, "postroute_redis_reconnects_total", "counter",
	    "Successful reconnections.");
	sbuf_addf(o, "postroute_redis_reconnects_total{connection=\"read\"} "
	    "%lu\n", now->redis_read_reconnects);
	sbuf_addf(o, "postroute_redis_reconnects_total{connection=\"command\"}"
	    " %lu\n", now->redis_command_reconnects);
	metrics_head(o, "postroute_ingest_state", "gauge",
	    "The ingest state (1 for the current one).");
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		sbuf_addf(o, "postroute_ingest_state{state=\"%s\"} %d\n",
		    states[i], strcmp(st, states[i]) == 0);

	metrics_head(o, "postroute_solves_total", "counter",
	    "Office solves by result.");
	sbuf_addf(o, "postroute_solves_total{result=\"ok\"} %llu\n",
	    (unsigned long long)m->solves_ok);
	sbuf_addf(o, "postroute_solves_total{result=\"error\"} %llu\n",
	    (unsigned long long)m->solves_failed);
	sbuf_addf(o, "postroute_solves_total{result=\"canceled\"} %llu\n",
	    (unsigned long long)m->solves_canceled);
	metrics_head(o, "postroute_solve_seconds", "histogram",
	    "Wall time of office solves.");
	for (int b = 0; b <= METRICS_NBUCKETS; b++)
		total += m->solve_buckets[b];
	for (int b = 0; b < METRICS_NBUCKETS; b++) {
		cum += m->solve_buckets[b];
		sbuf_addf(o, "postroute_solve_seconds_bucket{le=\"%g\"} %llu\n",
		    metrics_bounds[b], (unsigned long long)cum);
	}
	sbuf_addf(o, "postroute_solve_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)total);
	sbuf_addf(o, "postroute_solve_seconds_sum %.6f\n",
	    m->solve_seconds_sum);
	sbuf_addf(o, "postroute_solve_seconds_count %llu\n",
	    (unsigned long long)total);
	metrics_gauge(o, "postroute_solves_running",
	    "Office solves queued or running.", now->solves_running);

	metrics_head(o, "postroute_clusterings_total", "counter",
	    "Assignments of open orders to offices (GLPK), by result.");
	sbuf_addf(o, "postroute_clusterings_total{result=\"ok\"} %llu\n",
	    (unsigned long long)m->clusterings_ok);
	sbuf_addf(o, "postroute_clusterings_total{result=\"error\"} %llu\n",
	    (unsigned long long)m->clusterings_failed);
	metrics_gauge(o, "postroute_clustering_running",
	    "1 while a clustering is queued or running.", now->clustering);
	metrics_gauge(o, "postroute_clustering_seconds",
	    "Wall time of the last clustering.", m->cluster_seconds_last);
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
	metrics_counter(o, "postroute_http_requests_total",
	    "HTTP requests served.", m->http_requests);
	metrics_head(o, "postroute_config_reloads_total", "counter",
	    "SIGHUP reloads by result.");
	sbuf_addf(o, "postroute_config_reloads_total{result=\"ok\"} %llu\n",
	    (unsigned long long)m->reloads_ok);
	sbuf_addf(o, "postroute_config_reloads_total{result=\"failed\"} "
	    "%llu\n", (unsigned long long)m->reloads_failed);
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
	metrics_counter(o, "postroute_ack_wait_timeouts_total",
	    "WAITs for [redis] ack_replicas that timed out (the batch was "
	    "not acknowledged and waited again).", m->ack_wait_timeouts);
	metrics_counter(o, "postroute_sentinel_switches_total",
	    "Failovers the Sentinels announced (+switch-master).",
	    now->sentinel_switches);
	metrics_gauge(o, "postroute_uptime_seconds", "Seconds since start.",
	    mono_s() - m->started);
}
