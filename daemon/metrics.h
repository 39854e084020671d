/* metrics.h: the daemon's counters and histograms, and the whole GET /metrics page (Prometheus text) from them and from the figures http.c gathers. */
#ifndef POSTROUTED_METRICS_H
#define POSTROUTED_METRICS_H

#include <stdint.h>

#include "procstat.h"
#include "util.h"

/*
 * Adding a metric: a counter is a field here, counted where it happens
 * (d->metrics.x++) and one metrics_counter() line in metrics_render; a
 * figure that some part knows when asked is a field of struct
 * metrics_now, filled by http_metrics() (http.c), and one
 * metrics_gauge() line; a duration is a struct metrics_hist here
 * (metrics_init gives it its bounds), metrics_observe() where it ends
 * and one metrics_histogram() line. Names follow Prometheus's guide:
 * postroute_ prefix, base units in the name (_seconds, _bytes), _total
 * for counters, _duration_seconds for histograms of how long things take.
 */

#define METRICS_MAX_BUCKETS 16

/* A histogram: counts per bucket (not cumulative), the last one for
 * values above every bound. */
struct metrics_hist {
	const double *bounds;         /* increasing upper bounds */
	int nb;
	uint64_t counts[METRICS_MAX_BUCKETS + 1];
	double sum;
};

/* The answers of one HTTP route. */
struct metrics_http {
	const char *handler;          /* the route's pattern (static) */
	int n_codes;
	struct metrics_code { int code; uint64_t n; } *codes;
	struct metrics_hist duration;
};

/* Loop thread only: workers report through their jobs. Every part
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
	uint64_t ingest_stalls;       /* times ingest became stalled */
	uint64_t solves_ok, solves_failed, solves_canceled;
	struct metrics_hist solve_duration;   /* office plans on a thread */
	uint64_t clusterings_ok, clusterings_failed;
	struct metrics_hist cluster_duration; /* clusterings on a thread */
	struct metrics_hist order_plan_latency; /* stream entry -> plan */
	int cluster_moved;            /* orders planned away from home by it */
	uint64_t plans_published;
	uint64_t plans_refused;       /* by the fence: not the lease holder */
	uint64_t remote_sent;         /* plan jobs to the solve workers */
	uint64_t remote_resent;       /* sent again: no result in time */
	uint64_t remote_answered;     /* results taken (one per job) */
	uint64_t remote_stale;        /* results of jobs answered already */
	uint64_t remote_bad;          /* results refused (dead-lettered) */
	uint64_t remote_local;        /* jobs planned here instead */
	uint64_t remote_dead;         /* jobs given up: they killed their workers */
	uint64_t http_accept_errors;  /* accept() failed (descriptors) */
	uint64_t http_timeouts;       /* connections closed by the deadline */
	uint64_t reloads_ok, reloads_failed;
	struct metrics_http *http;    /* per route, in the order first seen */
	int n_http;
	double started;               /* mono_s() at start */
};

/* The jobs of one kind on the solver threads. */
struct metrics_jobs {
	const char *kind;
	int queued;                   /* waiting for a thread */
	int running;                  /* on a thread */
};

/* An office with a plan: how old the plan is. */
struct metrics_office {
	const char *id;
	double plan_age;              /* seconds since it was made */
};

/* What the page shows beside the counters: the parts' state when the
 * page is asked for (http.c reads it from them). */
struct metrics_now {
	int redis_read_up, redis_command_up;
	unsigned long redis_read_reconnects, redis_command_reconnects;
	const char *ingest_state;     /* ingest_state_name() */
	int planned_late, late_budget;
	int orders_pending;           /* open orders */
	int orders_at_risk;           /* in the latest plans */
	int http_connections;         /* open now */
	int ready;
	const struct metrics_jobs *jobs;  /* per kind of job */
	int n_jobs;
	const struct metrics_office *offices; /* those with a plan */
	int n_offices;
	/* The consumer group and the dead-letter stream as Redis saw them
	 * at the last probe (backlog.h); known = 0: no recent answer. */
	int backlog_known;
	long long group_lag;          /* -1: Redis cannot tell */
	long long group_pending;
	long long deadletter_entries;
	int proc_known;               /* procstat_read() worked */
	struct procstat proc;
	const char *role;             /* lease_role_name() */
	int64_t token;                /* the fencing token, 0: none */
	uint64_t lease_renewals;
	double lease_age_s;           /* since the last renewal, -1: none */
	unsigned long writes_refused; /* transactions the fence refused */
	unsigned long sentinel_switches;
};

/* Sets the histograms' bounds and the start time. */
void metrics_init(struct metrics *m);
void metrics_free(struct metrics *m);
void metrics_observe(struct metrics_hist *h, double v);
/* An answer of a route: handler is its pattern, kept by pointer (NULL:
 * no route; "unmatched"). A route's series start with its first answer. */
void metrics_observe_http(struct metrics *m, const char *handler, int code,
    double seconds);
/* The whole /metrics page (Prometheus text, version 0.0.4) into out. */
void metrics_render(const struct metrics *m, const struct metrics_now *now,
    struct sbuf *out);

#endif
