/* ingest.h: the consumer group: entries measured in Redis and read in batches bounded in count and bytes, pending entries first, XAUTOCLAIM, dead letters, one transaction per batch, the event clock. */
#ifndef POSTROUTED_INGEST_H
#define POSTROUTED_INGEST_H

#include <stddef.h>

#include "postroute/domain.h"

struct daemon;
struct rconn;

/* How ingest reports back to whoever consumes the orders (the planner):
 * loop thread, from ingest's callbacks. */
struct ingest_hooks {
	/* An event changed an order (order: its index in the store's book);
	 * its writes are queued in the batch's transaction. entry_ms: the
	 * time of its stream entry (Redis's clock at XADD, from the entry
	 * id), 0 if the id has none. */
	void (*applied)(struct daemon *d, int order, const struct pr_event *ev,
	    int64_t entry_ms);
	/* The order state was (re)loaded from Redis after a (re)connection.
	 * Ingest waits until the listener calls ingest_resume(). */
	void (*loaded)(struct daemon *d);
	/* A clock.tick event (docs/events.md): the producer's clock says
	 * ev->ts. It changes no order; it is acknowledged with its batch. */
	void (*tick)(struct daemon *d, const struct pr_event *ev);
};

/* Loop thread only, like everything here. Keeps a copy of hooks. */
struct ingest *ingest_new(struct daemon *d, const struct ingest_hooks *hooks);
void ingest_free(struct ingest *in);
/* A connection changed state (rconn's state callback). */
void ingest_conn_state(struct daemon *d, struct rconn *rc, int up);
/* After the loaded hook: reads the pending entries, then new ones, and
 * tells systemd the daemon is ready. Returns 0, or -1 when the setup was
 * lost on the way (a connection dropped: it starts again, and calls
 * loaded again, after reconnecting). */
int ingest_resume(struct daemon *d);
/* Starts consuming once both connections are up: at start for a single
 * daemon, when the lease is won for one of several. takeover: entries
 * left pending by other consumers (a deposed daemon) are claimed at once
 * rather than after claim_idle_ms. */
void ingest_start(struct daemon *d, int takeover);
/* Stops reading new entries (SIGTERM, or the lease was lost). */
void ingest_stop(struct daemon *d);
/* Transactions not yet answered. */
int ingest_inflight(const struct daemon *d);
/* Seconds the consumer has been draining a backlog (every read returned a
 * full batch); 0 when it keeps up. */
double ingest_backlog_s(const struct daemon *d);
/* 1 when ingest stored nothing for [streams] stall_s while entries wait
 * (why, one line, in why); 0 otherwise. */
int ingest_stalled(const struct daemon *d, char *why, size_t n);
/* "down", "setup", "claiming", "pending", "live", "stopped" */
const char *ingest_state_name(const struct daemon *d);
/* Configuration was reloaded: timers. */
void ingest_reconfigure(struct daemon *d);

#endif
