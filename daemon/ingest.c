/* ingest.c: the consumer group: XREADGROUP on its own connection, pending entries first, XAUTOCLAIM, dead letters, one transaction per batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "daemon.h"
#include "event.h"
#include "ingest.h"
#include "log.h"
#include "rconn.h"
#include "store.h"
#include "txn.h"
#include "util.h"

/*
 * States:
 *   down     a connection is down; nothing is read
 *   setup    XGROUP CREATE ... MKSTREAM, then (after the command
 *            connection was lost, and at start) the order state is
 *            rebuilt from Redis; the loaded hook (the planner loads the
 *            stored plans at start) says when to go on: ingest_resume()
 *   claiming (taking over from another daemon) every pending entry of
 *            the group becomes this consumer's (ingest_take_over)
 *   pending  this consumer's pending entries (XREADGROUP ... 0), in
 *            order, until none is left: what a crash or a lost connection
 *            left unacknowledged
 *   live     XREADGROUP ... BLOCK ... >, plus XAUTOCLAIM every
 *            claim_interval_ms for entries that dead consumers left
 *
 * Each batch of entries becomes one MULTI/EXEC on the command connection:
 * the order records and office indexes, the dead letters, and one XACK
 * of all the batch's ids. Entries re-read from the pending list or claimed
 * carry their delivery count (XPENDING); beyond max_deliveries they are
 * dead-lettered instead of applied, so that an entry that crashes the
 * daemon cannot do so forever.
 *
 * With [redis] ack_replicas = N > 0 the XACK leaves the batch's
 * transaction: the state is stored, then WAIT N confirms that it reached
 * N replicas, and only then a second transaction acks the entries. A
 * WAIT that times out acks nothing and is sent again (the batch keeps
 * its place among the INGEST_MAX_INFLIGHT, so reading stops while the
 * replicas are away); a lost connection leaves the entries pending, to
 * be read again. Either way an acknowledged entry's effect is on N
 * replicas, and survives a failover to one of them.
 *
 * Ingest runs only once ingest_start() was called: at once for a single
 * daemon, when the lease is won for one of several (lease.c). Every
 * transaction goes through the daemon's fence (txn.h), so that a daemon
 * that lost the lease stores and acks nothing; TXN_FENCED answers are
 * not failures to retry: the daemon is stepping down.
 */

enum ingest_state {
	IN_DOWN = 0,
	IN_SETUP,
	IN_CLAIMING,
	IN_PENDING,
	IN_LIVE,
	IN_STOPPED
};

static const char *const ingest_state_names[] = {
	"down", "setup", "claiming", "pending", "live", "stopped"
};

enum batch_source {
	SRC_LIVE = 0,
	SRC_PENDING,
	SRC_CLAIM
};

#define INGEST_MAX_INFLIGHT 4

struct entry {
	char id[48];
	char *payload;           /* NULL: no event field, or deleted */
	size_t len;
	int deleted;
	long deliveries;
};

struct batch {
	struct daemon *d;
	enum batch_source src;
	int n;
	struct entry *e;
};

struct ingest {
	struct daemon *d;
	enum ingest_state state;
	int enabled;             /* ingest_start() was called */
	int claim_all;           /* taking over: claim every pending entry once */
	long taken_over;         /* entries claimed when taking over */
	int reading;
	int inflight;
	int claiming;
	int need_rebuild;
	struct ingest_hooks hooks;
	double backlog_since;    /* mono_s() since reads come back full; 0: not */
	double dl_window;        /* mono_s() start of the dead-letter log window */
	int dl_logged;           /* dead letters logged in that window */
	long dl_quiet;           /* and not logged */
	char last_id[48];
	char claim_cursor[48];
	struct event *claim_ev;
	struct event *retry_ev;
	struct event *dl_ev;     /* logs the count of unlogged dead letters */
};

static void ingest_read(struct daemon *);
static void ingest_setup(struct daemon *);

static void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < b->n; i++)
		free(b->e[i].payload);
	free(b->e);
	free(b);
}

static void
ingest_set_state(struct daemon *d, enum ingest_state st)
{
	struct ingest *in = d->ingest;

	if (in->state == st)
		return;
	log_debug("ingest: %s -> %s", ingest_state_names[in->state],
	    ingest_state_names[st]);
	in->state = st;
}

const char *
ingest_state_name(const struct daemon *d)
{
	return ingest_state_names[d->ingest->state];
}

double
ingest_backlog_s(const struct daemon *d)
{
	double since = d->ingest->backlog_since;

	return since > 0 ? mono_s() - since : 0;
}

int
ingest_inflight(const struct daemon *d)
{
	return d->ingest->inflight;
}

/* Copies the entries of an XREADGROUP/XAUTOCLAIM entry array. */
static struct batch *
batch_from_reply(const redisReply *arr, enum batch_source src)
{
	struct batch *b = ecalloc(1, sizeof(*b));

	b->src = src;
	b->e = ecalloc(arr->elements ? arr->elements : 1, sizeof(*b->e));
	for (size_t i = 0; i < arr->elements; i++) {
		const redisReply *it = arr->element[i], *f;
		struct entry *e;

		if (it->type != REDIS_REPLY_ARRAY || it->elements < 1 ||
		    it->element[0]->type != REDIS_REPLY_STRING)
			continue;
		e = &b->e[b->n++];
		scopy(e->id, it->element[0]->str, sizeof(e->id));
		e->deliveries = 1;
		if (it->elements < 2 || it->element[1]->type !=
		    REDIS_REPLY_ARRAY) {
			e->deleted = 1;  /* pending, but trimmed away */
			continue;
		}
		f = it->element[1];
		for (size_t k = 0; k + 1 < f->elements; k += 2)
			if (f->element[k]->type == REDIS_REPLY_STRING &&
			    strcmp(f->element[k]->str, "event") == 0 &&
			    f->element[k + 1]->type == REDIS_REPLY_STRING) {
				e->len = f->element[k + 1]->len;
				e->payload = emalloc(e->len + 1);
				memcpy(e->payload, f->element[k + 1]->str,
				    e->len);
				e->payload[e->len] = '\0';
				break;
			}
	}
	return b;
}

/* ---- a batch -> one transaction ------------------------------------------------- */

struct txn_ctx {
	struct daemon *d;
	int n_acked;
	int n_dead;
	struct txn ack;          /* ack_replicas > 0: the XACK, after WAIT */
	int waits;               /* WAITs sent for it */
};

static void
txn_ctx_free(struct txn_ctx *c)
{
	txn_free(&c->ack);
	free(c);
}

/* The batch is over (acked, or left pending): its slot is free. */
static void
ingest_batch_over(struct txn_ctx *c)
{
	struct daemon *d = c->d;

	d->ingest->inflight--;
	txn_ctx_free(c);
	ingest_read(d);
}

static void
ingest_acked(enum txn_result res, void *arg)
{
	struct txn_ctx *c = arg;
	struct daemon *d = c->d;

	if (res == TXN_OK)
		d->metrics.events_acked += (uint64_t)c->n_acked;
	else if (res == TXN_FENCED)
		d->metrics.batches_refused++;
	/* Not acked: the entries stay pending and come back (re-read after
	 * a reconnection, or claimed). Their effect is stored already, so
	 * the replay is a no-op (versions). */
	ingest_batch_over(c);
}

static void ingest_wait(struct txn_ctx *);

static void
ingest_wait_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct txn_ctx *c = arg;
	struct daemon *d = c->d;
	int n = d->cfg.redis_ack_replicas;

	(void)rc;
	if (r == NULL || d->ingest->state == IN_STOPPED ||
	    r->type != REDIS_REPLY_INTEGER) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warnx("ingest: WAIT failed: %s", r->str);
		ingest_batch_over(c);	/* pending: read again later */
		return;
	}
	if (r->integer < n) {
		d->metrics.ack_wait_timeouts++;
		if (c->waits == 1 || c->waits % 30 == 0)
			log_warnx("ingest: the state of %d entries reached %lld "
			    "of %d replicas within %d ms: not acknowledged, "
			    "waiting again (WAIT %d)", c->n_acked,
			    (long long)r->integer, n,
			    d->cfg.redis_ack_timeout_ms, c->waits);
		ingest_wait(c);
		return;
	}
	if (c->waits > 1)
		log_info("ingest: %d entries reached %lld replicas after %d "
		    "WAITs: acknowledging", c->n_acked, (long long)r->integer,
		    c->waits);
	if (txn_send_fenced(d->fence, &c->ack, ingest_acked, c) != 0)
		ingest_batch_over(c);
}

/* WAIT ack_replicas ack_timeout_ms on the command connection: it covers
 * every write the connection made, the batch's state among them. */
static void
ingest_wait(struct txn_ctx *c)
{
	struct daemon *d = c->d;
	char n[16], ms[16];
	const char *argv[3] = { "WAIT", n, ms };

	snprintf(n, sizeof(n), "%d", d->cfg.redis_ack_replicas);
	snprintf(ms, sizeof(ms), "%d", d->cfg.redis_ack_timeout_ms);
	c->waits++;
	if (rconn_cmd(d->cmd, ingest_wait_cb, c, d->cfg.redis_ack_timeout_ms,
	    3, argv, NULL) != 0)
		ingest_batch_over(c);
}

static void
ingest_txn_done(enum txn_result res, void *arg)
{
	struct txn_ctx *c = arg;
	struct daemon *d = c->d;
	struct ingest *in = d->ingest;

	if (res == TXN_OK) {
		d->metrics.events_deadlettered += (uint64_t)c->n_dead;
		if (c->ack.n > 0) {
			ingest_wait(c);
			return;
		}
		d->metrics.events_acked += (uint64_t)c->n_acked;
	} else if (res == TXN_FAILED) {
		d->metrics.txn_failed++;
		/* Memory may now be ahead of Redis: rebuild, re-read. */
		in->need_rebuild = 1;
		rconn_drop(d->cmd, "a batch was not stored");
	}
	/* TXN_FENCED: refused, the daemon is stepping down (lease.c). */
	if (res == TXN_FENCED)
		d->metrics.batches_refused++;
	ingest_batch_over(c);
}

/*
 * One line per dead letter, but at most INGEST_DL_LOG_PER_S a second: a
 * flood of bad entries must not flood the journal (journald would drop
 * lines of every service) nor slow the loop. The rest are counted and
 * summed up in one line; every one of them is in the dead-letter stream
 * with its reason and in postroute_events_deadlettered_total.
 */
#define INGEST_DL_LOG_PER_S 20

static void
ingest_deadletter_flush(struct daemon *d)
{
	struct ingest *in = d->ingest;

	if (in->dl_quiet > 0)
		log_info("ingest: %ld more entries dead-lettered without a "
		    "log line (reasons in %s)", in->dl_quiet,
		    d->cfg.streams_deadletter);
	in->dl_window = mono_s();
	in->dl_logged = 0;
	in->dl_quiet = 0;
}

static void
ingest_deadletter_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ingest_deadletter_flush(arg);
}

static void
ingest_deadletter_log(struct daemon *d, const struct entry *e,
    const char *reason)
{
	struct ingest *in = d->ingest;
	struct timeval tv = { 1, 0 };

	if (mono_s() - in->dl_window >= 1.0)
		ingest_deadletter_flush(d);
	if (in->dl_logged++ < INGEST_DL_LOG_PER_S) {
		log_info("ingest: entry %s dead-lettered: %s", e->id, reason);
		return;
	}
	/* the first one not logged: say how many at the window's end */
	if (in->dl_quiet++ == 0)
		evtimer_add(in->dl_ev, &tv);
}

static void
ingest_deadletter(struct daemon *d, struct txn *t, const struct entry *e,
    const char *reason)
{
	char maxlen[16], at[40];
	const char *argv[16];
	size_t lens[16];
	int n = 0;

	snprintf(maxlen, sizeof(maxlen), "%d", d->cfg.streams_deadletter_maxlen);
	pr_time_format(wall_s(), d->region->utc_offset, at, sizeof(at));
	argv[n++] = "XADD";
	argv[n++] = d->cfg.streams_deadletter;
	argv[n++] = "MAXLEN";
	argv[n++] = "~";
	argv[n++] = maxlen;
	argv[n++] = "*";
	argv[n++] = "id";
	argv[n++] = e->id;
	argv[n++] = "stream";
	argv[n++] = d->cfg.streams_events;
	argv[n++] = "reason";
	argv[n++] = reason;
	argv[n++] = "at";
	argv[n++] = at;
	argv[n++] = "event";
	argv[n++] = e->payload != NULL ? e->payload : "";
	for (int i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	if (e->payload != NULL)
		lens[n - 1] = e->len;
	txn_add(t, n, argv, lens);
	ingest_deadletter_log(d, e, reason);
}

static void
ingest_process(struct daemon *d, struct batch *b)
{
	struct ingest *in = d->ingest;
	struct txn t;
	struct txn_ctx *ctx;
	const char **ack;
	struct pr_event ev;
	struct pr_error err;
	char reason[256];
	int nack = 0, order;

	if (b->n == 0) {
		batch_free(b);
		return;
	}
	txn_init(&t);
	ctx = ecalloc(1, sizeof(*ctx));
	ctx->d = d;
	ack = ecalloc((size_t)b->n + 3, sizeof(*ack));
	ack[nack++] = "XACK";
	ack[nack++] = d->cfg.streams_events;
	ack[nack++] = d->cfg.streams_group;
	for (int i = 0; i < b->n; i++) {
		struct entry *e = &b->e[i];

		d->metrics.events_consumed++;
		ack[nack++] = e->id;
		if (e->deleted)
			continue;
		if (e->deliveries > d->cfg.streams_max_deliveries) {
			snprintf(reason, sizeof(reason), "delivered %ld times "
			    "without being stored", e->deliveries);
			ingest_deadletter(d, &t, e, reason);
			ctx->n_dead++;
			continue;
		}
		if (event_decode(e->payload, e->len,
		    (size_t)d->cfg.streams_max_event_bytes, &ev, reason,
		    sizeof(reason)) != 0) {
			ingest_deadletter(d, &t, e, reason);
			ctx->n_dead++;
			continue;
		}
		if (ev.type == PR_EV_CLOCK_TICK) {
			if (ev.ts > d->event_clock)
				d->event_clock = ev.ts;
			if (in->hooks.tick != NULL)
				in->hooks.tick(d, &ev);
			continue;
		}
		memset(&err, 0, sizeof(err));
		switch (store_apply(d, &ev, &t, &order, &err)) {
		case STORE_APPLIED:
			d->metrics.events_applied++;
			if (ev.ts > d->event_clock)
				d->event_clock = ev.ts;
			in->hooks.applied(d, order, &ev);
			break;
		case STORE_STALE:
			d->metrics.events_stale++;
			break;
		default:
			ingest_deadletter(d, &t, e, err.msg[0] ? err.msg :
			    "rejected");
			ctx->n_dead++;
			break;
		}
	}
	/* The XACK: in the same transaction, or after WAIT. */
	txn_init(&ctx->ack);
	txn_add(d->cfg.redis_ack_replicas > 0 ? &ctx->ack : &t, nack, ack,
	    NULL);
	free(ack);
	ctx->n_acked = b->n;
	in->inflight++;
	if (txn_send_fenced(d->fence, &t, ingest_txn_done, ctx) != 0) {
		in->inflight--;
		txn_ctx_free(ctx);
	}
	txn_free(&t);
	batch_free(b);
}

/* ---- delivery counts of re-read and claimed entries ----------------------------- */

static void
ingest_counts_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct batch *b = arg;
	struct daemon *d = b->d;

	(void)rc;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		if (r != NULL)
			log_warnx("ingest: XPENDING failed: %s",
			    r->type == REDIS_REPLY_ERROR ? r->str : "?");
		/* The entries stay pending: they come back later. */
		batch_free(b);
		return;
	}
	for (size_t i = 0; i < r->elements; i++) {
		const redisReply *row = r->element[i];

		if (row->type != REDIS_REPLY_ARRAY || row->elements < 4 ||
		    row->element[0]->type != REDIS_REPLY_STRING ||
		    row->element[3]->type != REDIS_REPLY_INTEGER)
			continue;
		for (int k = 0; k < b->n; k++)
			if (strcmp(b->e[k].id, row->element[0]->str) == 0) {
				b->e[k].deliveries =
				    (long)row->element[3]->integer;
				break;
			}
	}
	ingest_process(d, b);
}

/* Looks the entries' delivery counts up, then processes them. */
static void
ingest_with_counts(struct daemon *d, struct batch *b)
{
	const char *argv[7];
	char count[16];

	if (b->n == 0) {
		batch_free(b);
		return;
	}
	b->d = d;
	snprintf(count, sizeof(count), "%d", b->n + 10000);
	argv[0] = "XPENDING";
	argv[1] = d->cfg.streams_events;
	argv[2] = d->cfg.streams_group;
	argv[3] = b->e[0].id;
	argv[4] = b->e[b->n - 1].id;
	argv[5] = count;
	argv[6] = d->consumer;
	if (rconn_cmd(d->cmd, ingest_counts_cb, b, 0, 7, argv, NULL) != 0)
		batch_free(b);
}

/* ---- reading -------------------------------------------------------------------- */

static void
ingest_read_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	const redisReply *entries = NULL;
	struct batch *b;

	(void)rc;
	in->reading = 0;
	if (r == NULL || in->state == IN_STOPPED)
		return;		/* the connection went; it comes back */
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("ingest: XREADGROUP failed: %s", r->str);
		if (strncmp(r->str, "NOGROUP", 7) == 0) {
			/* Someone deleted the stream or the group. */
			ingest_set_state(d, IN_SETUP);
			ingest_setup(d);
		} else {
			struct timeval tv = { 1, 0 };

			evtimer_add(in->retry_ev, &tv);
		}
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2 &&
	    r->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
		entries = r->element[0]->element[1];
	if (in->state == IN_PENDING) {
		if (entries == NULL || entries->elements == 0) {
			log_info("ingest: pending entries done, reading new "
			    "ones");
			ingest_set_state(d, IN_LIVE);
			daemon_status(d, "live");
		} else {
			b = batch_from_reply(entries, SRC_PENDING);
			log_info("ingest: re-reading %d pending entries", b->n);
			if (b->n > 0)
				scopy(in->last_id, b->e[b->n - 1].id,
				    sizeof(in->last_id));
			ingest_with_counts(d, b);
		}
	} else if (entries != NULL && in->state == IN_LIVE) {
		/* A full batch: more is waiting in the stream. */
		if (entries->elements < (size_t)d->cfg.streams_batch)
			in->backlog_since = 0;
		else if (in->backlog_since == 0)
			in->backlog_since = mono_s();
		ingest_process(d, batch_from_reply(entries, SRC_LIVE));
	} else if (in->state == IN_LIVE) {
		in->backlog_since = 0;
	}
	ingest_read(d);
}

static void
ingest_read(struct daemon *d)
{
	struct ingest *in = d->ingest;
	const char *argv[12];
	char count[16], block[16];
	int n = 0, extra = 0;

	if (in->reading || in->inflight >= INGEST_MAX_INFLIGHT ||
	    (in->state != IN_PENDING && in->state != IN_LIVE) ||
	    !rconn_up(d->rd) || !rconn_up(d->cmd))
		return;
	snprintf(count, sizeof(count), "%d", d->cfg.streams_batch);
	snprintf(block, sizeof(block), "%d", d->cfg.streams_block_ms);
	argv[n++] = "XREADGROUP";
	argv[n++] = "GROUP";
	argv[n++] = d->cfg.streams_group;
	argv[n++] = d->consumer;
	argv[n++] = "COUNT";
	argv[n++] = count;
	if (in->state == IN_LIVE) {
		argv[n++] = "BLOCK";
		argv[n++] = block;
		extra = d->cfg.streams_block_ms;
	}
	argv[n++] = "STREAMS";
	argv[n++] = d->cfg.streams_events;
	argv[n++] = in->state == IN_LIVE ? ">" : in->last_id;
	if (rconn_cmd(d->rd, ingest_read_cb, d, extra, n, argv, NULL) == 0)
		in->reading = 1;
}

static void
ingest_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (d->ingest->state == IN_SETUP)
		ingest_setup(d);
	else
		ingest_read(d);
}

/* ---- claiming -------------------------------------------------------------------- */

static void ingest_claim(struct daemon *);

static void
ingest_claim_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	struct batch *b;

	(void)rc;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warnx("ingest: XAUTOCLAIM failed: %s", r->str);
		in->claiming = 0;
		return;
	}
	scopy(in->claim_cursor, r->element[0]->str, sizeof(in->claim_cursor));
	b = batch_from_reply(r->element[1], SRC_CLAIM);
	if (b->n > 0) {
		log_info("ingest: claimed %d entries left pending by other "
		    "consumers", b->n);
		d->metrics.events_claimed += (uint64_t)b->n;
		ingest_with_counts(d, b);
	} else {
		batch_free(b);
	}
	if (strcmp(in->claim_cursor, "0-0") != 0 && in->state == IN_LIVE)
		ingest_claim(d);
	else
		in->claiming = 0;
}

static void
ingest_claim(struct daemon *d)
{
	struct ingest *in = d->ingest;
	const char *argv[8];
	char idle[16], count[16];

	snprintf(idle, sizeof(idle), "%d", d->cfg.streams_claim_idle_ms);
	snprintf(count, sizeof(count), "%d", d->cfg.streams_batch);
	argv[0] = "XAUTOCLAIM";
	argv[1] = d->cfg.streams_events;
	argv[2] = d->cfg.streams_group;
	argv[3] = d->consumer;
	argv[4] = idle;
	argv[5] = in->claim_cursor;
	argv[6] = "COUNT";
	argv[7] = count;
	if (rconn_cmd(d->cmd, ingest_claim_cb, d, 0, 8, argv, NULL) == 0)
		in->claiming = 1;
	else
		in->claiming = 0;
}

static void
ingest_claim_timer(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;

	(void)fd;
	(void)what;
	if (in->state != IN_LIVE || in->claiming || in->inflight > 1)
		return;
	scopy(in->claim_cursor, "0-0", sizeof(in->claim_cursor));
	ingest_claim(d);
}

void
ingest_reconfigure(struct daemon *d)
{
	struct timeval tv;
	int ms = d->cfg.streams_claim_interval_ms;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_del(d->ingest->claim_ev);
	event_add(d->ingest->claim_ev, &tv);
}

/* ---- setup -------------------------------------------------------------------------- */

static void
ingest_pending(struct daemon *d)
{
	struct ingest *in = d->ingest;

	ingest_set_state(d, IN_PENDING);
	scopy(in->last_id, "0", sizeof(in->last_id));
	daemon_status(d, "reading pending entries");
	ingest_read(d);
}

static void ingest_take_over(struct daemon *);

/*
 * Taking over from another daemon (the lease was won): the entries it
 * read but did not ack are pending at its consumer. They become this
 * consumer's (XAUTOCLAIM ... 0 JUSTID, every one of them: the other
 * daemon can no longer store or ack anything, its fence refuses it)
 * before the pending phase, which then reads them in stream order with
 * this consumer's own, before any new entry: events of one order are
 * applied in the order they came.
 */
static void
ingest_take_over_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;

	(void)rc;
	if (r == NULL || in->state != IN_CLAIMING)
		return;		/* the connection went: setup again */
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		log_warnx("ingest: XAUTOCLAIM (taking over) failed: %s",
		    r->type == REDIS_REPLY_ERROR ? r->str : "?");
		in->claim_all = 0;
		ingest_pending(d);	/* the periodic claims get them */
		return;
	}
	in->taken_over += (long)r->element[1]->elements;
	scopy(in->claim_cursor, r->element[0]->str, sizeof(in->claim_cursor));
	if (strcmp(in->claim_cursor, "0-0") != 0) {
		ingest_take_over(d);
		return;
	}
	in->claim_all = 0;
	if (in->taken_over > 0)
		log_info("ingest: %ld entries left pending by the previous "
		    "active planner are now this consumer's", in->taken_over);
	d->metrics.events_claimed += (uint64_t)in->taken_over;
	ingest_pending(d);
}

static void
ingest_take_over(struct daemon *d)
{
	struct ingest *in = d->ingest;
	const char *argv[9] = { "XAUTOCLAIM", d->cfg.streams_events,
	    d->cfg.streams_group, d->consumer, "0", in->claim_cursor,
	    "COUNT", "1000", "JUSTID" };

	if (rconn_cmd(d->cmd, ingest_take_over_cb, d, 0, 9, argv, NULL) != 0)
		ingest_pending(d);
}

int
ingest_resume(struct daemon *d)
{
	struct ingest *in = d->ingest;

	if (in->state != IN_SETUP || !rconn_up(d->cmd))
		return -1;	/* lost on the way: again after reconnecting */
	daemon_ready(d);
	if (in->claim_all) {
		in->taken_over = 0;
		ingest_set_state(d, IN_CLAIMING);
		daemon_status(d, "taking over pending entries");
		scopy(in->claim_cursor, "0-0", sizeof(in->claim_cursor));
		ingest_take_over(d);
		return 0;
	}
	ingest_pending(d);
	return 0;
}

static void
ingest_rebuilt(struct daemon *d, int ok)
{
	struct ingest *in = d->ingest;
	struct timeval tv = { 1, 0 };

	if (in->state != IN_SETUP)
		return;
	if (!ok) {
		if (rconn_up(d->cmd))
			evtimer_add(in->retry_ev, &tv);
		return;
	}
	in->need_rebuild = 0;
	in->hooks.loaded(d);
}

static void
ingest_group_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	struct timeval tv = { 1, 0 };

	(void)rc;
	if (r == NULL || in->state != IN_SETUP)
		return;
	if (r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "BUSYGROUP", 9) != 0) {
		log_warnx("ingest: XGROUP CREATE %s %s: %s",
		    d->cfg.streams_events, d->cfg.streams_group, r->str);
		evtimer_add(in->retry_ev, &tv);
		return;
	}
	if (r->type != REDIS_REPLY_ERROR)
		log_info("ingest: created group %s on %s",
		    d->cfg.streams_group, d->cfg.streams_events);
	if (in->need_rebuild) {
		daemon_status(d, "loading orders from Redis");
		store_rebuild(d, ingest_rebuilt);
	} else {
		ingest_rebuilt(d, 1);
	}
}

static void
ingest_setup(struct daemon *d)
{
	const char *argv[] = { "XGROUP", "CREATE", d->cfg.streams_events,
	    d->cfg.streams_group, "0", "MKSTREAM" };

	rconn_cmd(d->cmd, ingest_group_cb, d, 0, 6, argv, NULL);
}

void
ingest_conn_state(struct daemon *d, struct rconn *rc, int up)
{
	struct ingest *in = d->ingest;

	if (in->state == IN_STOPPED)
		return;
	if (!up) {
		if (rc == d->cmd)
			in->need_rebuild = 1;
		if (in->state != IN_DOWN)
			daemon_status(d, "redis %s connection down",
			    rconn_name(rc));
		ingest_set_state(d, IN_DOWN);
		return;
	}
	if (in->enabled && in->state == IN_DOWN && rconn_up(d->rd) &&
	    rconn_up(d->cmd)) {
		ingest_set_state(d, IN_SETUP);
		daemon_status(d, "connected, setting up");
		ingest_setup(d);
	}
}

void
ingest_start(struct daemon *d, int takeover)
{
	struct ingest *in = d->ingest;

	if (in->enabled || in->state == IN_STOPPED)
		return;
	in->enabled = 1;
	in->need_rebuild = 1;
	in->claim_all = takeover;
	ingest_conn_state(d, d->cmd, rconn_up(d->cmd));
}

void
ingest_stop(struct daemon *d)
{
	ingest_set_state(d, IN_STOPPED);
	event_del(d->ingest->claim_ev);
	evtimer_del(d->ingest->retry_ev);
	if (evtimer_pending(d->ingest->dl_ev, NULL)) {
		evtimer_del(d->ingest->dl_ev);
		ingest_deadletter_flush(d);
	}
	/* A blocking read in flight is simply dropped: whatever it would
	 * deliver stays pending for the next start. */
	rconn_stop(d->rd);
	rconn_drop(d->rd, "stopping");
}

struct ingest *
ingest_new(struct daemon *d, const struct ingest_hooks *hooks)
{
	struct ingest *in = ecalloc(1, sizeof(*in));

	in->d = d;
	in->hooks = *hooks;
	in->state = IN_DOWN;
	in->need_rebuild = 1;
	in->claim_ev = event_new(d->base, -1, EV_PERSIST, ingest_claim_timer,
	    d);
	in->retry_ev = evtimer_new(d->base, ingest_retry_cb, d);
	in->dl_ev = evtimer_new(d->base, ingest_deadletter_cb, d);
	if (in->claim_ev == NULL || in->retry_ev == NULL || in->dl_ev == NULL)
		fatalx("ingest: cannot create timers");
	d->ingest = in;
	ingest_reconfigure(d);
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	event_free(in->claim_ev);
	event_free(in->retry_ev);
	event_free(in->dl_ev);
	free(in);
}
