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
 */

enum ingest_state {
	IN_DOWN = 0,
	IN_SETUP,
	IN_PENDING,
	IN_LIVE,
	IN_STOPPED
};

static const char *const ingest_state_names[] = {
	"down", "setup", "pending", "live", "stopped"
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
	int reading;
	int inflight;
	int claiming;
	int need_rebuild;
	struct ingest_hooks hooks;
	double backlog_since;    /* mono_s() since reads come back full; 0: not */
	struct log_limit *dl_log; /* one line per dead letter, rate-limited */
	char last_id[48];
	char claim_cursor[48];
	struct event *claim_ev;
	struct event *retry_ev;
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
};

static void
ingest_txn_done(int ok, void *arg)
{
	struct txn_ctx *c = arg;
	struct daemon *d = c->d;
	struct ingest *in = d->ingest;

	in->inflight--;
	if (ok) {
		d->metrics.events_acked += (uint64_t)c->n_acked;
		d->metrics.events_deadlettered += (uint64_t)c->n_dead;
	} else {
		d->metrics.txn_failed++;
		/* Memory may now be ahead of Redis: rebuild, re-read. */
		in->need_rebuild = 1;
		rconn_drop(d->cmd, "a batch was not stored");
	}
	free(c);
	ingest_read(d);
}

/*
 * One line per dead letter, but at most INGEST_DL_LOG_PER_S a second
 * (log_limited): a flood of bad entries must not flood the journal nor
 * slow the loop. Every one of them is in the dead-letter stream with its
 * reason and in postroute_events_deadlettered_total.
 */
#define INGEST_DL_LOG_PER_S 20

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
	log_limited(d->ingest->dl_log, LOG_PRI_INFO, "ingest: entry %s "
	    "dead-lettered: %s", e->id, reason);
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
	txn_add(&t, nack, ack, NULL);
	free(ack);
	ctx->n_acked = b->n;
	if (txn_send(d->cmd, &t, ingest_txn_done, ctx) == 0)
		in->inflight++;
	else
		free(ctx);
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

int
ingest_resume(struct daemon *d)
{
	struct ingest *in = d->ingest;

	if (in->state != IN_SETUP || !rconn_up(d->cmd))
		return -1;	/* lost on the way: again after reconnecting */
	ingest_set_state(d, IN_PENDING);
	scopy(in->last_id, "0", sizeof(in->last_id));
	daemon_ready(d);
	daemon_status(d, "reading pending entries");
	ingest_read(d);
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
	if (in->state == IN_DOWN && rconn_up(d->rd) && rconn_up(d->cmd)) {
		ingest_set_state(d, IN_SETUP);
		daemon_status(d, "connected, setting up");
		ingest_setup(d);
	}
}

void
ingest_stop(struct daemon *d)
{
	ingest_set_state(d, IN_STOPPED);
	event_del(d->ingest->claim_ev);
	evtimer_del(d->ingest->retry_ev);
	/* A blocking read in flight is simply dropped: whatever it would
	 * deliver stays pending for the next start. */
	rconn_stop(d->rd);
	rconn_drop(d->rd, "stopping");
}

struct ingest *
ingest_new(struct daemon *d, const struct ingest_hooks *hooks)
{
	struct ingest *in = ecalloc(1, sizeof(*in));
	char note[CONFIG_STR + 32];

	in->d = d;
	in->hooks = *hooks;
	in->state = IN_DOWN;
	in->need_rebuild = 1;
	in->claim_ev = event_new(d->base, -1, EV_PERSIST, ingest_claim_timer,
	    d);
	in->retry_ev = evtimer_new(d->base, ingest_retry_cb, d);
	snprintf(note, sizeof(note), " (reasons in %s)",
	    d->cfg.streams_deadletter);
	in->dl_log = log_limit_new(d->base, INGEST_DL_LOG_PER_S,
	    "ingest: entries dead-lettered", note);
	if (in->claim_ev == NULL || in->retry_ev == NULL)
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
	log_limit_free(in->dl_log);
	free(in);
}
