/* daemon.h: the state every part of postrouted shares (struct daemon) and the helpers any part may use: the planning clock, Redis key names, the systemd status line and readiness. */
#ifndef POSTROUTED_DAEMON_H
#define POSTROUTED_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "postroute/domain.h"

#include "config.h"
#include "metrics.h"

/*
 * One thread (the loop) owns everything in struct daemon: the event base,
 * both Redis connections, evhttp, the configuration and the order state.
 * Solver threads see only the jobs handed to them (workers.h).
 *
 * The parts, each with its own header, from the top down (a part calls
 * those below it; a lower part reports back through a callback it was
 * handed, never by calling up):
 *
 *   main.c       start-up, the loop, signals, reload, systemd: wires the parts
 *   http.c       the HTTP API
 *   planner.c    when to plan which office; the latest plans (its memory)
 *   ingest.c     the consumer group: entries -> events -> store
 *   publish.c    plans out: JSON once, Redis, HTTP's copy
 *   workers.c    the solver threads; jobs.c, plan.c, plan_json.c
 *   lease.c      the role of one of several daemons: lease, fencing token
 *   store.c      the order book and its records; txn.c, rconn.c, event.c,
 *                sentinel.c
 *   daemon.c     this header; config.c, metrics.c, log.c, util.c
 */

struct event_base;
struct http;
struct pr_region;
struct remote;
struct ingest;
struct planner;
struct publish;
struct rconn;
struct store;
struct lease;
struct sentinel;
struct txn_fence;
struct workers;

/* What this process does. A single daemon is active from the start; of
 * several ([cluster] enabled), the one holding the lease (lease.c). */
enum daemon_role {
	ROLE_ACTIVE = 0,   /* ingests, plans, publishes */
	ROLE_STANDBY,      /* waits for the lease; ingests nothing */
	ROLE_DEPOSED       /* lost the lease: stepping down (exits) */
};

struct daemon {
	struct event_base *base;
	struct config cfg;
	struct pr_region *region;     /* immutable while running */
	char region_id[64];           /* the region file's identity
	                               * (pr_wire_region_id) */
	char consumer[CONFIG_STR];

	struct rconn *rd;             /* XREADGROUP ... BLOCK only */
	struct rconn *cmd;            /* writes, acks, claims, plans */
	struct txn_fence *fence;      /* every transaction on cmd (txn.h) */
	struct lease *lease;          /* the role, with [cluster] enabled */
	struct sentinel *sentinel;    /* with [redis] sentinels */
	enum daemon_role role;
	int64_t token;                /* the lease's fencing token; 0: none */

	struct store *store;
	struct ingest *ingest;
	struct planner *planner;
	struct workers *workers;
	struct remote *remote;        /* [cluster] remote_workers: plan jobs
	                               * to the solve workers (remote.h) */
	struct publish *publish;
	struct http *http;
	struct metrics metrics;

	int ready;                    /* READY=1 sent */
	int said_ready[2];            /* the ready line of each role logged */
	int stopping;
	int64_t event_clock;          /* newest event ts seen (clock = events) */
};

/* Reads the region file of cfg ([planner] region); id (when not NULL,
 * PR_WIRE_MAX_REGION_ID bytes) gets its identity. NULL with the reason
 * in err (n bytes) when it cannot. */
struct pr_region *daemon_load_region(const struct config *cfg, char *id,
    char *err, size_t n);

/* The planning clock: wall time, or the newest event time. */
int64_t daemon_now(const struct daemon *d);
/* Redis key of the daemon: prefix + fmt. */
void daemon_key(const struct daemon *d, char *buf, size_t n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The status line systemd shows (STATUS=). */
void daemon_status(struct daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Start-up is done (Redis connected, the group exists, the state is
 * loaded; for a standby: Redis connected, the lease held by another):
 * READY=1 to systemd, once, and a log line per role. */
void daemon_ready(struct daemon *d);

#endif
