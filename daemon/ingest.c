/* ingest.c: the consumer group: entries measured in Redis and read in batches bounded in count and bytes, pending entries first, XAUTOCLAIM, dead letters, one transaction per batch, the event clock. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "daemon.h"
#include "deadletter.h"
#include "event.h"
#include "ingest.h"
#include "ingest_read.h"
#include "log.h"
#include "rconn.h"
#include "store.h"
#include "txn.h"
#include "util.h"

/*
 * States:
 *   down     a connection is down; nothing is read
 *   setup    XGROUP CREATE ... MKSTREAM, the event clock (GET), then
 *            (after the command connection was lost, and at start) the
 *            order state is rebuilt from Redis; the loaded hook (the
 *            planner loads the stored plans at start) says when to go on:
 *            ingest_resume()
 *   pending  this consumer's pending entries, in order, until none is
 *            left: what a crash, a lost connection or a claim left
 *            unacknowledged
 *   live     new entries; XAUTOCLAIM every claim_interval_ms takes
 *            entries that dead consumers left (as pending entries of ours)
 *
 * Reading. Every read is INGEST_READ_LUA, one script on the read
 * connection: it takes one entry at a time (XREADGROUP COUNT 1, which
 * also counts the delivery in the group's pending list), measures it in
 * Redis, and stops at [streams] batch entries, at batch_bytes of events or
 * after INGEST_SCAN_BYTES of entries measured. An entry larger than
 * max_event_bytes comes back as its size, its first INGEST_DL_PREFIX
 * bytes and a SHA-1, never whole: no read can carry more than about
 * batch_bytes, and its time is bounded by INGEST_SCAN_BYTES plus one
 * entry: a blocking XREADGROUP COUNT 500 of 10 MB entries outlasted every
 * reply timeout, for ever (issue 14). One entry is measured whole in
 * Redis, at some 60 MB/s: reads get INGEST_READ_EXTRA_MS beyond the
 * command timeout, enough for the largest entry Redis takes (512 MB).
 * Scripts cannot block, so an idle consumer looks again every block_ms.
 *
 * Storing. Each batch of entries becomes one MULTI/EXEC on the command
 * connection: the order records and office indexes, the dead letters, the
 * event clock when it moved, and one XACK of all the batch's ids. A batch
 * that could not be stored (the connection dropped, EXEC failed) is the
 * daemon's failure, not the entries': they stay pending, the order state
 * is rebuilt from Redis and they are read again after a backoff that
 * doubles while batches keep failing.
 *
 * Deliveries. Redis counts every delivery of an entry, also those whose
 * reply was lost to a timeout; the script returns that count. An entry
 * delivered more than max_deliveries times is a suspect: it may be the
 * one that kills the daemon. It is not dead-lettered for that alone (the
 * deliveries may have been lost to the daemon's own troubles): it is
 * tried alone, after HINCRBY <prefix>ingest:alone <id> has recorded the
 * try. Only when the daemon died in INGEST_ALONE_TRIES such tries (the
 * count is still there at the next one) is it dead-lettered. A try whose
 * transaction failed while the daemon lived on does not count.
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
 * not failures to retry: the daemon is stepping down. Taking over, the
 * state claiming comes between setup and pending: every entry the
 * previous active planner left pending becomes this consumer's
 * (ingest_take_over).
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

#define INGEST_MAX_INFLIGHT 4
/* Tries alone of a suspect entry that may end with the daemon gone. */
#define INGEST_ALONE_TRIES 2
/* Ids of tries alone that failed for the daemon's reasons, remembered. */
#define INGEST_EXCUSED 64
/* Dead letters logged a second at most (log_limited): a flood of bad
 * entries must not flood the journal nor slow the loop. Every one is in
 * the dead-letter stream with its reason and in
 * postroute_events_deadlettered_total. */
#define INGEST_DL_LOG_PER_S 20

struct ingest {
	struct daemon *d;
	enum ingest_state state;
	enum ingest_state read_state;  /* of the read in flight */
	int enabled;             /* ingest_start() was called */
	int claim_all;           /* taking over: claim every pending entry once */
	long taken_over;         /* entries claimed when taking over */
	int reading;
	int inflight;
	int claiming;
	int want_pending;        /* claimed entries wait in our pending list */
	int need_rebuild;
	int fail_streak;         /* batches not stored in a row */
	int dropping;            /* ingest drops the command connection */
	int outage;              /* Redis was lost (not dropped by ingest) */
	struct ingest_hooks hooks;
	double backlog_since;    /* mono_s() since reads come back full; 0: not */
	double progress_at;      /* mono_s() of the last stored batch or
	                          * read that found nothing to do */
	int stalled;
	struct batch *held;      /* waits for a try alone to be recorded */
	int marking;             /* the HINCRBY of a try alone is in flight */
	char excused[INGEST_EXCUSED][48];
	int n_excused;
	struct read_seen seen;   /* oversized entries measured lately */
	int64_t stored_clock;    /* the event clock Redis has */
	struct log_limit *dl_log; /* one line per dead letter, rate-limited */
	char last_id[48];
	char claim_cursor[48];
	struct event *claim_ev;
	struct event *retry_ev;
	struct event *poll_ev;
	struct event *stall_ev;
};

static void ingest_read(struct daemon *);
static void ingest_setup(struct daemon *);
static void ingest_continue(struct daemon *);

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

/* Nothing waits, or what waited was stored: not stalled. */
static void
ingest_progress(struct ingest *in)
{
	in->progress_at = mono_s();
}

int
ingest_stalled(const struct daemon *d, char *why, size_t n)
{
	struct ingest *in = d->ingest;

	if (!in->stalled)
		return 0;
	snprintf(why, n, "ingest stalled: nothing stored for %.0f s while "
	    "entries wait (state %s)", mono_s() - in->progress_at,
	    ingest_state_names[in->state]);
	return 1;
}

/* Every second: is ingest making progress? */
static void
ingest_stall_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	double idle = mono_s() - in->progress_at;
	int stalled;

	(void)fd;
	(void)what;
	stalled = d->ready && in->enabled && in->state != IN_STOPPED &&
	    !(in->state == IN_DOWN && in->outage) &&
	    idle > d->cfg.streams_stall_s;
	if (stalled && !in->stalled) {
		d->metrics.ingest_stalls++;
		log_warnx("ingest: stalled: nothing stored for %.0f s while "
		    "entries wait (state %s, %d batches not stored in a row)",
		    idle, ingest_state_names[in->state], in->fail_streak);
	} else if (!stalled && in->stalled) {
		log_info("ingest: no longer stalled");
	}
	in->stalled = stalled;
}

/* ---- a batch -> one transaction ------------------------------------------------- */

struct txn_ctx {
	struct daemon *d;
	int n_acked;
	int n_dead;
	char alone[48];          /* the entry tried alone, if any */
	struct txn ack;          /* ack_replicas > 0: the XACK, after WAIT */
	int waits;               /* WAITs sent for it */
};

static void
txn_ctx_free(struct txn_ctx *c)
{
	txn_free(&c->ack);
	free(c);
}

/* The batch is over (acked, or left pending): its slot is free, and the
 * rest of a held batch or the next read may go on. */
static void
ingest_batch_over(struct txn_ctx *c)
{
	struct daemon *d = c->d;
	struct ingest *in = d->ingest;

	in->inflight--;
	txn_ctx_free(c);
	if (in->held != NULL && !in->marking)
		ingest_continue(d);
	else
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
ingest_excuse(struct ingest *in, const char *id)
{
	if (in->n_excused == INGEST_EXCUSED) {
		memmove(in->excused[0], in->excused[1],
		    (INGEST_EXCUSED - 1) * sizeof(in->excused[0]));
		in->n_excused--;
	}
	scopy(in->excused[in->n_excused++], id, sizeof(in->excused[0]));
}

/* 1 when a try alone of id failed for the daemon's reasons (and forgets it). */
static int
ingest_excused(struct ingest *in, const char *id)
{
	for (int i = 0; i < in->n_excused; i++)
		if (strcmp(in->excused[i], id) == 0) {
			memmove(in->excused[i], in->excused[i + 1],
			    (size_t)(in->n_excused - i - 1) *
			    sizeof(in->excused[0]));
			in->n_excused--;
			return 1;
		}
	return 0;
}

static void
ingest_txn_done(enum txn_result res, void *arg)
{
	struct txn_ctx *c = arg;
	struct daemon *d = c->d;
	struct ingest *in = d->ingest;

	if (res == TXN_OK) {
		d->metrics.events_deadlettered += (uint64_t)c->n_dead;
		in->fail_streak = 0;
		ingest_progress(in);
		if (c->ack.n > 0) {
			ingest_wait(c);
			return;
		}
		d->metrics.events_acked += (uint64_t)c->n_acked;
	} else if (res == TXN_FENCED) {
		/* refused: the daemon is stepping down (lease.c) */
		d->metrics.batches_refused++;
	} else {
		d->metrics.txn_failed++;
		in->fail_streak++;
		if (c->alone[0] != '\0')
			ingest_excuse(in, c->alone);
		/* The rest of a held batch waits for the next read. */
		if (in->held != NULL && !in->marking) {
			ingest_batch_free(in->held);
			in->held = NULL;
		}
		/* Memory may now be ahead of Redis: rebuild, re-read (after
		 * a backoff, ingest_conn_state). The entries stay pending:
		 * their failure was not theirs. */
		in->need_rebuild = 1;
		if (in->state != IN_STOPPED) {
			in->dropping = 1;
			rconn_drop(d->cmd, "a batch was not stored");
			in->dropping = 0;
		}
	}
	ingest_batch_over(c);
}

static void
ingest_deadletter(struct daemon *d, struct txn *t, const struct entry *e,
    const char *reason)
{
	struct deadletter_buf b;
	char bytes[24];
	const char *argv[DEADLETTER_HEAD + 6];
	size_t lens[DEADLETTER_HEAD + 6];
	int n;

	n = deadletter_head(&d->cfg, d->region->utc_offset, e->id,
	    d->cfg.streams_events, reason, &b, argv);
	snprintf(bytes, sizeof(bytes), "%lld", e->big ? e->size :
	    (long long)e->len);
	argv[n++] = "bytes";
	argv[n++] = bytes;
	if (e->big) {
		argv[n++] = "sha1";
		argv[n++] = e->sha1;
	}
	argv[n++] = "event";
	argv[n++] = e->payload != NULL ? e->payload : "";
	for (int i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	if (e->payload != NULL)
		lens[n - 1] = e->len;
	txn_add(t, n, argv, lens);
	log_limited(d->ingest->dl_log, LOG_PRI_INFO, "ingest: entry %s "
	    "dead-lettered: %s", e->id, reason);
}

/*
 * The event clock: an event more than max_clock_skew_s ahead of both the
 * wall clock and the newest accepted event is refused (one such event
 * moved every office's plan to the year 10000 under clock = events).
 */
static int
ingest_clock_check(struct daemon *d, const struct pr_event *ev,
    char *reason, size_t n)
{
	int64_t ref = wall_s(), skew = d->cfg.planner_max_clock_skew_s;
	char ts[40];

	if (d->event_clock > ref)
		ref = d->event_clock;
	if (ev->ts - ref <= skew)
		return 0;
	pr_time_format(ev->ts, ev->ts_offset, ts, sizeof(ts));
	snprintf(reason, n, "event.ts: %s is %.*f %s ahead of the clock "
	    "(the wall clock and the newest accepted event; "
	    "max_clock_skew_s %lld)", ts, ev->ts - ref < 2 * 86400 ? 1 : 0,
	    (double)(ev->ts - ref) / (ev->ts - ref < 2 * 86400 ? 3600 : 86400),
	    ev->ts - ref < 2 * 86400 ? "h" : "days", (long long)skew);
	return -1;
}

/* The entry is a suspect: tried alone, after the try is recorded. */
static int
ingest_suspect(const struct daemon *d, const struct entry *e)
{
	return !e->deleted && !e->big && e->payload != NULL &&
	    e->deliveries > d->cfg.streams_max_deliveries;
}

/*
 * Decodes and applies b's entries from b->pos on into one transaction,
 * up to (not including) the next suspect, or only the suspect at b->pos
 * when alone (its try is recorded: tries of it so far). Advances b->pos.
 */
static void
ingest_process(struct daemon *d, struct batch *b, long alone)
{
	struct ingest *in = d->ingest;
	struct txn t;
	struct txn_ctx *ctx;
	const char **ack;
	struct pr_event ev;
	struct pr_error err;
	char reason[320], key[CONFIG_STR + 32], clock[24];
	const char *argv[4];
	int nack = 0, order, start = b->pos;

	txn_init(&t);
	ctx = ecalloc(1, sizeof(*ctx));
	ctx->d = d;
	ack = ecalloc((size_t)(b->n - b->pos) + 3, sizeof(*ack));
	ack[nack++] = "XACK";
	ack[nack++] = d->cfg.streams_events;
	ack[nack++] = d->cfg.streams_group;
	for (; b->pos < b->n; b->pos++) {
		struct entry *e = &b->e[b->pos];

		if (alone ? b->pos > start : ingest_suspect(d, e))
			break;
		d->metrics.events_consumed++;
		ack[nack++] = e->id;
		if (alone) {
			daemon_key(d, key, sizeof(key), "ingest:alone");
			argv[0] = "HDEL";
			argv[1] = key;
			argv[2] = e->id;
			txn_add(&t, 3, argv, NULL);
			scopy(ctx->alone, e->id, sizeof(ctx->alone));
		}
		if (e->deleted)
			continue;
		if (e->big) {
			snprintf(reason, sizeof(reason), "entry of %lld bytes, "
			    "more than %d", e->size,
			    d->cfg.streams_max_event_bytes);
			ingest_deadletter(d, &t, e, reason);
			ctx->n_dead++;
			continue;
		}
		if (event_decode(e->payload, e->len,
		    (size_t)d->cfg.streams_max_event_bytes, &ev, reason,
		    sizeof(reason)) != 0 ||
		    ingest_clock_check(d, &ev, reason, sizeof(reason)) != 0) {
			ingest_deadletter(d, &t, e, reason);
			ctx->n_dead++;
			continue;
		}
		if (ev.type == PR_EV_CLOCK_TICK) {
			/* no order: it moves the planning clock */
			if (ev.ts > d->event_clock)
				d->event_clock = ev.ts;
			if (in->hooks.tick != NULL)
				in->hooks.tick(d, &ev);
			continue;
		}
		if (alone > INGEST_ALONE_TRIES) {
			snprintf(reason, sizeof(reason), "the daemon stopped "
			    "while storing this entry alone, %ld times "
			    "(delivered %ld times)", alone - 1, e->deliveries);
			ingest_deadletter(d, &t, e, reason);
			ctx->n_dead++;
			continue;
		}
		memset(&err, 0, sizeof(err));
		switch (store_apply(d, &ev, &t, &order, &err)) {
		case STORE_APPLIED:
			d->metrics.events_applied++;
			if (ev.ts > d->event_clock)
				d->event_clock = ev.ts;
			in->hooks.applied(d, order, &ev,
			    strtoll(e->id, NULL, 10));
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
	if (nack == 3) {		/* b->pos is a suspect */
		txn_free(&t);
		free(ack);
		free(ctx);
		return;
	}
	/* The clock moves with the batch that moved it, so that a restart
	 * starts from where the stored events left it. */
	if (d->event_clock > in->stored_clock) {
		daemon_key(d, key, sizeof(key), "clock");
		snprintf(clock, sizeof(clock), "%" PRId64, d->event_clock);
		argv[0] = "SET";
		argv[1] = key;
		argv[2] = clock;
		txn_add(&t, 3, argv, NULL);
		in->stored_clock = d->event_clock;
	}
	/* The XACK: in the same transaction, or after WAIT. */
	txn_init(&ctx->ack);
	txn_add(d->cfg.redis_ack_replicas > 0 ? &ctx->ack : &t, nack, ack,
	    NULL);
	free(ack);
	ctx->n_acked = nack - 3;
	in->inflight++;
	if (txn_send_fenced(d->fence, &t, ingest_txn_done, ctx) != 0) {
		/* Not sent (the connection is down, or the lease is lost):
		 * the entries stay pending, and a try alone did not fail by
		 * its own doing. */
		in->inflight--;
		if (ctx->alone[0] != '\0')
			ingest_excuse(in, ctx->alone);
		txn_ctx_free(ctx);
	}
	txn_free(&t);
}

/* ---- suspects, tried alone ------------------------------------------------------- */

static void
ingest_alone_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	struct batch *b = in->held;

	(void)rc;
	in->marking = 0;
	if (b == NULL)
		return;
	in->held = NULL;
	if (r == NULL || r->type != REDIS_REPLY_INTEGER ||
	    in->state == IN_STOPPED) {
		/* Perhaps recorded, but not tried: not the entry's doing.
		 * The entries stay pending for the next read. */
		ingest_excuse(in, b->e[b->pos].id);
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warnx("ingest: HINCRBY failed: %s", r->str);
		ingest_batch_free(b);
		return;
	}
	if (r->integer > 1)
		log_warnx("ingest: entry %s delivered %ld times: tried alone "
		    "again (%lld)", b->e[b->pos].id, b->e[b->pos].deliveries,
		    r->integer);
	else
		log_info("ingest: entry %s delivered %ld times: tried alone",
		    b->e[b->pos].id, b->e[b->pos].deliveries);
	ingest_process(d, b, (long)(r->integer > 0 ? r->integer : 1));
	in->held = b;
	ingest_continue(d);
}

/* Processes what is left of the held batch; a suspect waits for its try
 * alone to be recorded. */
static void
ingest_continue(struct daemon *d)
{
	struct ingest *in = d->ingest;
	struct batch *b = in->held;
	struct entry *e;
	char key[CONFIG_STR + 32];
	const char *argv[4];

	if (in->state == IN_STOPPED)
		b->pos = b->n;	/* stopping: the rest stays pending */
	while (b->pos < b->n) {
		ingest_process(d, b, 0);
		if (b->pos >= b->n)
			break;
		/* A suspect is tried alone once everything before it is
		 * stored (ingest_txn_done comes back here): one try at a
		 * time, and none counted for an entry the daemon never
		 * got to. */
		if (in->inflight > 0)
			return;
		e = &b->e[b->pos];
		daemon_key(d, key, sizeof(key), "ingest:alone");
		argv[0] = "HINCRBY";
		argv[1] = key;
		argv[2] = e->id;
		argv[3] = ingest_excused(in, e->id) ? "0" : "1";
		if (rconn_cmd(d->cmd, ingest_alone_cb, d, 0, 4, argv,
		    NULL) != 0)
			break;	/* down: read again later */
		in->marking = 1;
		return;		/* held until recorded */
	}
	in->held = NULL;
	ingest_batch_free(b);
	ingest_read(d);
}

/* ---- reading -------------------------------------------------------------------- */

static void
ingest_poll_later(struct daemon *d)
{
	struct timeval tv;
	int ms = d->cfg.streams_block_ms;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(d->ingest->poll_ev, &tv);
}

static void
ingest_read_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	struct batch *b;
	int more = 0;

	(void)rc;
	in->reading = 0;
	if (r == NULL || in->state == IN_STOPPED)
		return;		/* the connection went; it comes back */
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("ingest: reading %s failed: %s",
		    d->cfg.streams_events, r->str);
		if (strstr(r->str, "NOGROUP") != NULL) {
			/* Someone deleted the stream or the group. */
			ingest_set_state(d, IN_SETUP);
			ingest_setup(d);
		} else {
			struct timeval tv = { 1, 0 };

			evtimer_add(in->retry_ev, &tv);
		}
		return;
	}
	if ((b = ingest_read_reply(&in->seen, r, &more)) == NULL) {
		struct timeval tv = { 1, 0 };

		log_warnx("ingest: unexpected reply to a read");
		evtimer_add(in->retry_ev, &tv);
		return;
	}
	if (in->state != in->read_state) {
		ingest_batch_free(b);	/* pending still: read again in the new state */
	} else if (in->state == IN_PENDING) {
		if (b->n == 0) {
			log_info("ingest: pending entries done, reading new "
			    "ones");
			ingest_set_state(d, IN_LIVE);
			daemon_status(d, "live");
			ingest_progress(in);
			ingest_batch_free(b);
		} else {
			log_info("ingest: re-reading %d pending entries", b->n);
			scopy(in->last_id, b->e[b->n - 1].id,
			    sizeof(in->last_id));
			in->held = b;
			ingest_continue(d);
			return;
		}
	} else if (b->n == 0) {
		in->backlog_since = 0;
		ingest_progress(in);
		ingest_batch_free(b);
		ingest_poll_later(d);
		return;
	} else {
		/* A read stopped by a bound: more is waiting. */
		if (!more)
			in->backlog_since = 0;
		else if (in->backlog_since == 0)
			in->backlog_since = mono_s();
		in->held = b;
		ingest_continue(d);
		return;
	}
	ingest_read(d);
}

static void
ingest_read(struct daemon *d)
{
	struct ingest *in = d->ingest;
	struct read_cmd cmd;

	if (in->reading || in->held != NULL ||
	    in->inflight >= INGEST_MAX_INFLIGHT ||
	    (in->state != IN_PENDING && in->state != IN_LIVE) ||
	    evtimer_pending(in->poll_ev, NULL) ||
	    !rconn_up(d->rd) || !rconn_up(d->cmd))
		return;
	if (in->want_pending && in->state == IN_LIVE) {
		/* Claimed entries are ours now: read them as pending ones,
		 * once nothing of ours is in flight. */
		if (in->inflight > 0)
			return;
		in->want_pending = 0;
		ingest_set_state(d, IN_PENDING);
		scopy(in->last_id, "0", sizeof(in->last_id));
	}
	ingest_read_command(&cmd, &d->cfg, d->consumer,
	    in->state == IN_LIVE ? ">" : in->last_id,
	    in->state == IN_PENDING ? &in->seen : NULL);
	if (rconn_cmd(d->rd, ingest_read_cb, d, INGEST_READ_EXTRA_MS,
	    cmd.argc, cmd.argv, NULL) == 0) {
		in->reading = 1;
		in->read_state = in->state;
	}
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

static void
ingest_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ingest_read(arg);
}

/* ---- claiming -------------------------------------------------------------------- */

static void ingest_claim(struct daemon *);

static void
ingest_claim_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	const redisReply *cursor, *ids;

	(void)rc;
	if ((cursor = ingest_reply_at(r, 0, REDIS_REPLY_STRING)) == NULL ||
	    (ids = ingest_reply_at(r, 1, REDIS_REPLY_ARRAY)) == NULL) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warnx("ingest: XAUTOCLAIM failed: %s", r->str);
		in->claiming = 0;
		return;
	}
	scopy(in->claim_cursor, cursor->str, sizeof(in->claim_cursor));
	if (ids->elements > 0) {
		log_info("ingest: claimed %zu entries pending for more than "
		    "%d ms", ids->elements, d->cfg.streams_claim_idle_ms);
		d->metrics.events_claimed += ids->elements;
		in->want_pending = 1;
	}
	if (strcmp(in->claim_cursor, "0-0") != 0 && in->state == IN_LIVE) {
		ingest_claim(d);
		return;
	}
	in->claiming = 0;
	ingest_read(d);
}

/* XAUTOCLAIM ... JUSTID: the entries become pending entries of this
 * consumer, read (measured, counted) like any other. */
static void
ingest_claim(struct daemon *d)
{
	struct ingest *in = d->ingest;
	const char *argv[9];
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
	argv[8] = "JUSTID";
	in->claiming = rconn_cmd(d->cmd, ingest_claim_cb, d, 0, 9, argv,
	    NULL) == 0;
}

static void
ingest_claim_timer(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;

	(void)fd;
	(void)what;
	if (in->state != IN_LIVE || in->claiming || in->want_pending)
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
	in->want_pending = 0;
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
	const redisReply *cursor, *ids;

	(void)rc;
	if (r == NULL || in->state != IN_CLAIMING)
		return;		/* the connection went: setup again */
	if ((cursor = ingest_reply_at(r, 0, REDIS_REPLY_STRING)) == NULL ||
	    (ids = ingest_reply_at(r, 1, REDIS_REPLY_ARRAY)) == NULL) {
		log_warnx("ingest: XAUTOCLAIM (taking over) failed: %s",
		    r->type == REDIS_REPLY_ERROR ? r->str : "?");
		in->claim_all = 0;
		ingest_pending(d);	/* the periodic claims get them */
		return;
	}
	in->taken_over += (long)ids->elements;
	scopy(in->claim_cursor, cursor->str, sizeof(in->claim_cursor));
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
	/* The stall clock starts at the first start-up; a setup again
	 * after failed batches does not reset it. */
	if (!d->ready)
		ingest_progress(in);
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

/* The event clock Redis kept (the newest event of the stored batches). */
static void
ingest_clock_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	struct timeval tv = { 1, 0 };
	int64_t clock = 0;
	char *end, ts[40];

	(void)rc;
	if (r == NULL || in->state != IN_SETUP)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("ingest: GET of the event clock: %s", r->str);
		evtimer_add(in->retry_ev, &tv);
		return;
	}
	if (r->type == REDIS_REPLY_STRING) {
		clock = strtoll(r->str, &end, 10);
		if (*end != '\0' || clock < 0) {
			log_warnx("ingest: the stored event clock \"%.40s\" is "
			    "not a time: ignored", r->str);
			clock = 0;
		} else if (clock - wall_s() >
		    d->cfg.planner_max_clock_skew_s) {
			pr_time_format(clock, d->region->utc_offset, ts,
			    sizeof(ts));
			log_warnx("ingest: the stored event clock %s is more "
			    "than max_clock_skew_s ahead of the wall clock: "
			    "ignored", ts);
			clock = 0;
		}
	}
	/* Memory may be ahead of a failed batch: Redis is the truth. */
	d->event_clock = clock;
	in->stored_clock = clock;
	if (clock > 0) {
		pr_time_format(clock, d->region->utc_offset, ts, sizeof(ts));
		log_debug("ingest: event clock %s", ts);
	}
	if (in->need_rebuild) {
		daemon_status(d, "loading orders from Redis");
		store_rebuild(d, ingest_rebuilt);
	} else {
		ingest_rebuilt(d, 1);
	}
}

static void
ingest_group_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct ingest *in = d->ingest;
	struct timeval tv = { 1, 0 };
	char key[CONFIG_STR + 16];
	const char *argv[2];

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
	if (!in->need_rebuild) {
		ingest_rebuilt(d, 1);
		return;
	}
	daemon_key(d, key, sizeof(key), "clock");
	argv[0] = "GET";
	argv[1] = key;
	rconn_cmd(d->cmd, ingest_clock_cb, d, 0, 2, argv, NULL);
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
		/* Redis itself went away: that is "redis down", not a stall;
		 * the stall clock starts again once it is back. A connection
		 * dropped because batches fail is part of a stall. */
		if (!in->dropping)
			in->outage = 1;
		if (in->state != IN_DOWN)
			daemon_status(d, "redis %s connection down",
			    rconn_name(rc));
		ingest_set_state(d, IN_DOWN);
		evtimer_del(in->retry_ev);
		return;
	}
	if (in->enabled && in->state == IN_DOWN && rconn_up(d->rd) &&
	    rconn_up(d->cmd)) {
		if (in->outage) {
			in->outage = 0;
			ingest_progress(in);
		}
		ingest_set_state(d, IN_SETUP);
		daemon_status(d, "connected, setting up");
		if (in->fail_streak > 0) {
			/* Batches were not stored: back off before the
			 * rebuild and the next try, doubling while they
			 * keep failing. */
			const struct config *c = &d->cfg;
			double ms = c->redis_backoff_min_ms;
			struct timeval tv;

			for (int i = 1; i < in->fail_streak &&
			    ms < c->redis_backoff_max_ms; i++)
				ms *= 2;
			if (ms > c->redis_backoff_max_ms)
				ms = c->redis_backoff_max_ms;
			log_warnx("ingest: %d batches not stored in a row: "
			    "trying again in %.0f ms", in->fail_streak, ms);
			tv.tv_sec = (time_t)(ms / 1000);
			tv.tv_usec = (suseconds_t)((long)ms % 1000 * 1000);
			evtimer_add(in->retry_ev, &tv);
			return;
		}
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
	ingest_progress(in);
	ingest_conn_state(d, d->cmd, rconn_up(d->cmd));
}

void
ingest_stop(struct daemon *d)
{
	ingest_set_state(d, IN_STOPPED);
	event_del(d->ingest->claim_ev);
	evtimer_del(d->ingest->retry_ev);
	evtimer_del(d->ingest->poll_ev);
	/* A read in flight is simply dropped: whatever it would deliver
	 * stays pending for the next start. */
	rconn_stop(d->rd);
	rconn_drop(d->rd, "stopping");
}

struct ingest *
ingest_new(struct daemon *d, const struct ingest_hooks *hooks)
{
	struct ingest *in = ecalloc(1, sizeof(*in));
	struct timeval tv = { 1, 0 };
	char note[CONFIG_STR + 32];

	in->d = d;
	in->hooks = *hooks;
	in->state = IN_DOWN;
	in->need_rebuild = 1;
	in->claim_ev = event_new(d->base, -1, EV_PERSIST, ingest_claim_timer,
	    d);
	in->retry_ev = evtimer_new(d->base, ingest_retry_cb, d);
	in->poll_ev = evtimer_new(d->base, ingest_poll_cb, d);
	in->stall_ev = event_new(d->base, -1, EV_PERSIST, ingest_stall_cb, d);
	snprintf(note, sizeof(note), " (reasons in %s)",
	    d->cfg.streams_deadletter);
	in->dl_log = log_limit_new(d->base, INGEST_DL_LOG_PER_S,
	    "ingest: entries dead-lettered", note);
	if (in->claim_ev == NULL || in->retry_ev == NULL ||
	    in->poll_ev == NULL || in->stall_ev == NULL)
		fatalx("ingest: cannot create timers");
	event_add(in->stall_ev, &tv);
	d->ingest = in;
	ingest_progress(in);
	ingest_reconfigure(d);
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	ingest_batch_free(in->held);
	event_free(in->claim_ev);
	event_free(in->retry_ev);
	event_free(in->poll_ev);
	event_free(in->stall_ev);
	log_limit_free(in->dl_log);
	free(in);
}
