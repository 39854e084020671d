/* daemon.h: the state of postrouted shared by its parts, and the entry points of each part (ingest, store, planner, workers, publish, http). */
#ifndef POSTROUTED_DAEMON_H
#define POSTROUTED_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "postroute/domain.h"
#include "postroute/postroute.h"

#include "config.h"
#include "metrics.h"
#include "rconn.h"
#include "util.h"

/*
 * One thread (the loop) owns everything in struct daemon: the event base,
 * both Redis connections, evhttp, the configuration and the order state.
 * Solver threads see only the jobs handed to them (workers.c).
 */

struct store;
struct ingest;
struct planner;
struct workers;
struct publish;
struct http;

struct daemon {
	struct event_base *base;
	struct config cfg;
	struct pr_region *region;     /* immutable while running */
	char consumer[CONFIG_STR];

	struct rconn *rd;             /* XREADGROUP ... BLOCK only */
	struct rconn *cmd;            /* writes, acks, claims, plans */

	struct store *store;
	struct ingest *ingest;
	struct planner *planner;
	struct workers *workers;
	struct publish *publish;
	struct http *http;
	struct metrics metrics;

	int ready;                    /* READY=1 sent */
	int stopping;
	int64_t event_clock;          /* newest event ts seen (clock = events) */
};

/* The planning clock: wall time, or the newest event time. */
int64_t daemon_now(const struct daemon *d);
/* Ingest has finished its start-up (group, state, pending): tells systemd. */
void daemon_ingest_ready(struct daemon *d);
/* Status line for systemd and /healthz. */
void daemon_status(struct daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Runs the daemon with the configuration at path; returns the exit code. */
int daemon_main(const char *path, int verbose);
/* -t: checks the configuration and its region; 0 or 1. */
int daemon_check_config(const char *path, int quiet);

/* Redis key of the daemon: prefix + fmt. */
void daemon_key(const struct daemon *d, char *buf, size_t n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- event.c: stream entry -> validated event --------------------------- */

/* Decodes one entry's payload. Returns 0, or -1 with reason filled (one
 * line) when the entry must be dead-lettered. */
int event_decode(const struct daemon *d, const char *payload, size_t len,
    struct pr_event *ev, char *reason, size_t n);

/* ---- store.c: order state in memory and in Redis ----------------------- */

/* A Redis transaction being built: commands queued between MULTI and EXEC. */
struct txn {
	int n, cap;
	struct txn_cmd {
		int argc;
		char **argv;
		size_t *lens;
	} *cmds;
};
void txn_init(struct txn *t);
void txn_free(struct txn *t);
/* Appends a command; the strings are copied (lens NULL: C strings). */
void txn_add(struct txn *t, int argc, const char **argv, const size_t *lens);
/* Sends MULTI, the commands and EXEC on the command connection; done is
 * called with 1 when EXEC succeeded, 0 otherwise. Returns -1 when the
 * connection is down (done is not called). Frees t's commands. */
int txn_send(struct daemon *d, struct txn *t,
    void (*done)(struct daemon *, int ok, void *), void *arg);

enum store_result {
	STORE_APPLIED = 0,
	STORE_STALE = 1,
	STORE_INVALID = -1
};

struct store *store_new(void);
void store_free(struct store *s);
/* Applies ev in memory and adds its Redis writes to t. *order gets the
 * order index (applied). STORE_INVALID fills err. */
int store_apply(struct daemon *d, const struct pr_event *ev, struct txn *t,
    int *order, struct pr_error *err);
/* Forgets everything and reloads it from Redis (HSCAN of the orders
 * hash); done(d, ok) afterwards. */
void store_rebuild(struct daemon *d, void (*done)(struct daemon *, int ok));
/* The order book (read-only outside store.c). */
const struct pr_orderbook *store_orders(const struct store *s);
/* The office that picks an order up (its commune's office), or -1. */
int store_office_of(const struct daemon *d, const struct pr_order *o);
/* Open orders per office into counts[n_offices]; returns the total. */
int store_open_counts(const struct daemon *d, int *counts);

/* ---- ingest.c: the consumer group --------------------------------------- */

struct ingest *ingest_new(struct daemon *d);
void ingest_free(struct ingest *in);
/* A connection changed state. */
void ingest_conn_state(struct daemon *d, struct rconn *rc, int up);
/* Stops reading new entries (SIGTERM). */
void ingest_stop(struct daemon *d);
/* Transactions not yet answered. */
int ingest_inflight(const struct daemon *d);
/* Seconds the consumer has been draining a backlog (every read returned a
 * full batch); 0 when it keeps up. */
double ingest_backlog_s(const struct daemon *d);
/* "down", "setup", "pending", "live" */
const char *ingest_state_name(const struct daemon *d);
/* Configuration was reloaded: timers. */
void ingest_reconfigure(struct daemon *d);

/* ---- planner.c: when to re-plan which office ----------------------------- */

struct planner *planner_new(struct daemon *d);
void planner_free(struct planner *p);
/* An order of office changed (new, updated, cancelled, picked up). */
void planner_order_changed(struct daemon *d, int office, int order,
    const struct pr_event *ev);
/* Plans office again soon (debounced), e.g. after a dispatch, so that the
 * published plan says so. */
void planner_replan(struct daemon *d, int office, const char *why);
/* All state was reloaded: every office with orders gets a plan. */
void planner_all_dirty(struct daemon *d);
/* The office whose plan holds order (by index): where clustering moved
 * it, else its commune's office; -1 when none. */
int planner_office_of(const struct daemon *d, int order);
/* A finished office solve (called by workers.c on the loop). */
struct plan_job;
void planner_job_done(struct daemon *d, struct plan_job *j);
void planner_reconfigure(struct daemon *d);
/* Solves queued or running. */
int planner_clustering(const struct daemon *d);
/* Orders planned late on purpose in the latest plans, and the budget. */
void planner_late_totals(const struct daemon *d, int *late, int *budget);
int planner_busy(const struct daemon *d);

/* ---- workers.c: the solver thread pool ------------------------------------ */

enum job_kind {
	JOB_OFFICE = 0,      /* an office's plan */
	JOB_SOLVE = 1,       /* POST /v1/solve */
	JOB_CLUSTER = 2      /* pickups to offices (planner.c, plan.c) */
};

struct plan_pin {
	char vehicle[PR_MAX_ID];
	char order[PR_MAX_ID];
	int rank;
};

/*
 * A job is moved, not shared: the loop fills the inputs, a worker owns it
 * while solving and fills the outputs, the loop gets it back through
 * the done queue and frees it.
 */
struct plan_job {
	enum job_kind kind;
	struct plan_job *next;
	volatile int cancel;
	/* inputs (JOB_OFFICE) */
	const struct pr_region *region;
	int office;
	int64_t version;
	int64_t now;             /* the planning clock */
	int64_t day_start;
	int horizon_days;
	int n_orders;
	struct pr_order *orders; /* copies */
	int n_pins;
	struct plan_pin *pins;
	char **dispatched;       /* vehicle ids of dispatched routes */
	int n_dispatched;
	int n_prev;              /* the previous plan's other routes: */
	struct plan_pin *prev;   /* (vehicle, order), in route order */
	double stability;        /* [planner] stability */
	struct pr_late_params late; /* [planner] late_*; late.max_late is
	                          * this office's share of the budget */
	int *home;               /* per order: its commune's office (or NULL) */
	char (*moved_why)[32];   /* per order: why it came here, "" if home */
	/* inputs (JOB_SOLVE) */
	char *body;
	size_t body_len;
	void *req;               /* the evhttp request, or NULL when gone */
	/* both */
	struct pr_solve_params sp;
	double submitted;        /* mono_s() */
	/* outputs */
	int rc;
	struct pr_error err;
	char *json;              /* the plan, or the solution */
	char *geojson;
	int n_routes, n_unassigned, n_at_risk;
	int n_kept, n_moved;     /* orders on the same vehicle as in the
	                          * previous plan, and on another one */
	int kept_routes;         /* 1: the previous routes were kept */
	int n_ontime;            /* pickups that can be on time */
	int n_late;              /* of which planned late on purpose */
	int *cluster_office;     /* JOB_CLUSTER: per order, the office */
	char (*cluster_why)[32]; /* JOB_CLUSTER: per order, why it moved */
	int cluster_status;      /* JOB_CLUSTER: pr_cluster_result.status */
	double solve_s;
	double finished;
};

struct workers *workers_new(struct daemon *d, int n);
/* Cancels running jobs, drops queued ones, joins the threads. */
void workers_free(struct workers *w);
/* Takes ownership of j. */
void workers_submit(struct workers *w, struct plan_job *j);
/* Sets the cancel flag of every job queued or running. */
void workers_cancel_all(struct workers *w);
int workers_running(const struct workers *w);
void plan_job_free(struct plan_job *j);
/* Runs a job to the end on the calling thread (workers, tests, bench). */
void plan_job_run(struct plan_job *j);

/* ---- publish.c: plans out ---------------------------------------------------- */

struct publish *publish_new(struct daemon *d);
void publish_free(struct publish *p);
/* Stores a finished office plan: memory (HTTP), XADD plans, SET plan:<id>. */
void publish_plan(struct daemon *d, struct plan_job *j);
/* The latest plan of office as JSON / GeoJSON, or NULL. */
const char *publish_get(const struct daemon *d, int office, int geojson);
int64_t publish_version(const struct daemon *d, int office);
/* Dispatched routes and their remaining orders, for pinning. */
void publish_pins(const struct daemon *d, int office, struct plan_job *j);
/* Marks the route of office containing order (or named vehicle) as
 * dispatched; returns 0 or -1 when none. */
int publish_dispatch(struct daemon *d, int office, const char *vehicle,
    const char *order);
/* Loads the stored plans from Redis (start-up); done afterwards. */
void publish_restore(struct daemon *d, void (*done)(struct daemon *));
/* 1 when order is on a dispatched route of office's latest plan. */
int publish_order_dispatched(const struct daemon *d, int office,
    const char *order);
/* At-risk orders over all latest plans. */
int publish_at_risk(const struct daemon *d);

/* ---- http.c -------------------------------------------------------------------- */

struct http *http_new(struct daemon *d);
void http_free(struct http *h);
/* A JOB_SOLVE finished: answer its request. */
void http_solve_done(struct daemon *d, struct plan_job *j);

#endif
