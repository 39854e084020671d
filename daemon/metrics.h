/* metrics.h: the daemon's counters and the solve-time histogram, rendered as Prometheus text for GET /metrics. */
#ifndef POSTROUTED_METRICS_H
#define POSTROUTED_METRICS_H

#include <stdint.h>

#include "util.h"

#define METRICS_NBUCKETS 12

/* Loop thread only: workers report through their results. Every part
 * counts into the one struct daemon holds. */
struct metrics {
	uint64_t events_consumed;     /* entries read, replays included */
	uint64_t events_acked;        /* acked after their effect was stored */
	uint64_t events_applied;      /* changed an order */
	uint64_t events_stale;        /* replays and older versions: no-ops */
	uint64_t events_deadlettered;
	uint64_t events_claimed;      /* taken over from other consumers */
	uint64_t txn_failed;
	uint64_t ack_wait_timeouts;   /* WAITs short of ack_replicas */
	uint64_t batches_refused;     /* by the fence: not the lease holder */
	uint64_t solves_ok, solves_failed, solves_canceled;
	uint64_t solve_buckets[METRICS_NBUCKETS + 1]; /* last: +Inf */
	double solve_seconds_sum;
	uint64_t clusterings_ok, clusterings_failed;
	double cluster_seconds_last;  /* wall time of the last clustering */
	int cluster_moved;            /* orders planned away from home by it */
	uint64_t plans_published;
	uint64_t plans_refused;       /* by the fence: not the lease holder */
	uint64_t remote_sent;         /* plan jobs to the solve workers */
	uint64_t remote_resent;       /* sent again: no result in time */
	uint64_t remote_answered;     /* results taken (one per job) */
	uint64_t remote_stale;        /* results of jobs answered already */
	uint64_t remote_bad;          /* results refused (dead-lettered) */
	uint64_t remote_local;        /* jobs planned here instead */
	uint64_t http_requests;
	uint64_t reloads_ok, reloads_failed;
	double started;               /* mono_s() at start */
};

/* What the page shows beside the counters: the parts' state when the
 * page is asked for (http.c reads it from them). */
struct metrics_now {
	int redis_read_up, redis_command_up;
	unsigned long redis_read_reconnects, redis_command_reconnects;
	const char *ingest_state;     /* ingest_state_name() */
	int solves_running;           /* office solves queued or running */
	int clustering;               /* 1 while one is queued or running */
	int planned_late, late_budget;
	int orders_pending;           /* open orders */
	int orders_at_risk;           /* in the latest plans */
	int ready;
	const char *role;             /* lease_role_name() */
	int64_t token;                /* the fencing token, 0: none */
	uint64_t lease_renewals;
	double lease_age_s;           /* since the last renewal, -1: none */
	unsigned long writes_refused; /* transactions the fence refused */
	unsigned long sentinel_switches;
};

void metrics_observe_solve(struct metrics *m, double seconds);
/* The whole /metrics page (Prometheus text) into out. */
void metrics_render(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *out);

#endif
