/* backlog.c: the consumer group's backlog as Redis sees it (entries not yet delivered, entries not yet acknowledged) and the dead-letter stream's length, asked every few seconds on the command connection for the metrics. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "backlog.h"
#include "daemon.h"
#include "log.h"
#include "rconn.h"
#include "util.h"

/*
 * Every BACKLOG_INTERVAL seconds (and every second until a first answer),
 * three commands go out back to back on the command connection:
 *
 *   XINFO GROUPS <events>     the group's pending (XPENDING's count),
 *                             last-delivered-id and lag
 *   XINFO STREAM <events>     last-generated-id
 *   XLEN <deadletter>
 *
 * and the replies, in that order, make one answer. A scrape reads the last
 * answer (backlog_get): /metrics never waits on Redis. No new probe goes
 * out while one is awaited, so a slow Redis gets at most three commands.
 *
 * The lag is Redis's own (entries-added minus the group's entries-read),
 * except that a group whose last-delivered-id is the stream's
 * last-generated-id has a lag of 0: Redis 7.0 can miscount entries-read
 * after loading the stream from the AOF, and would then show a lag that
 * never goes away. When Redis cannot tell (a null lag: entries deleted
 * inside the range), the metric is left out.
 */

#define BACKLOG_INTERVAL 5.0    /* seconds between probes */
#define BACKLOG_FRESH 15.0      /* an answer older than this is not shown */
#define BACKLOG_ID 48           /* a stream id: two 20-digit numbers */

struct backlog {
	struct daemon *d;
	struct event *tick;
	int outstanding;            /* replies awaited */
	int dying;                  /* backlog_free() was called */
	double sent;                /* mono_s() of the last probe, 0: none */
	/* the answer being put together */
	int ok;                     /* every reply so far was usable */
	struct backlog_stats cur;
	char delivered[BACKLOG_ID], generated[BACKLOG_ID];
	/* the last whole answer */
	struct backlog_stats last;
	double last_at;             /* mono_s(), 0: none */
};

/* The value of key in a flat key/value array reply, or NULL. */
static const redisReply *
backlog_field(const redisReply *r, const char *key)
{
	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *k = r->element[i];

		if ((k->type == REDIS_REPLY_STRING ||
		    k->type == REDIS_REPLY_STATUS) && strcmp(k->str, key) == 0)
			return r->element[i + 1];
	}
	return NULL;
}

static int
backlog_int(const redisReply *v, long long *out)
{
	if (v == NULL || v->type != REDIS_REPLY_INTEGER)
		return -1;
	*out = v->integer;
	return 0;
}

static int
backlog_id(const redisReply *v, char *buf)
{
	if (v == NULL || (v->type != REDIS_REPLY_STRING &&
	    v->type != REDIS_REPLY_STATUS) || v->len >= BACKLOG_ID)
		return -1;
	memcpy(buf, v->str, v->len);
	buf[v->len] = '\0';
	return 0;
}

/* A reply came (or NULL: the connection went). Returns 1 when b is still
 * in use, 0 when it was freed here. */
static int
backlog_reply_done(struct backlog *b)
{
	b->outstanding--;
	if (b->dying && b->outstanding == 0) {
		free(b);
		return 0;
	}
	return !b->dying;
}

static void
backlog_groups_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct backlog *b = arg;
	const redisReply *lag;
	int found = 0;

	(void)rc;
	if (!backlog_reply_done(b))
		return;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		b->ok = 0;
		return;
	}
	for (size_t i = 0; i < r->elements; i++) {
		const redisReply *g = r->element[i];
		const redisReply *name = backlog_field(g, "name");

		if (name == NULL || name->type != REDIS_REPLY_STRING ||
		    strcmp(name->str, b->d->cfg.streams_group) != 0)
			continue;
		found = 1;
		if (backlog_int(backlog_field(g, "pending"),
		    &b->cur.pending) != 0 ||
		    backlog_id(backlog_field(g, "last-delivered-id"),
		    b->delivered) != 0)
			b->ok = 0;
		lag = backlog_field(g, "lag");
		if (backlog_int(lag, &b->cur.lag) != 0)
			b->cur.lag = -1;	/* nil: Redis cannot tell */
	}
	if (!found)
		b->ok = 0;	/* not created yet */
}

static void
backlog_stream_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct backlog *b = arg;

	(void)rc;
	if (!backlog_reply_done(b))
		return;
	if (backlog_id(backlog_field(r, "last-generated-id"),
	    b->generated) != 0)
		b->ok = 0;
}

static void
backlog_deadletter_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct backlog *b = arg;

	(void)rc;
	if (!backlog_reply_done(b))
		return;
	if (backlog_int(r, &b->cur.deadletter) != 0)
		b->ok = 0;
	if (b->outstanding > 0 || !b->ok)
		return;
	if (strcmp(b->delivered, b->generated) == 0)
		b->cur.lag = 0;
	b->last = b->cur;
	b->last_at = mono_s();
}

static void
backlog_send(struct backlog *b)
{
	struct daemon *d = b->d;
	const char *groups[] = { "XINFO", "GROUPS", d->cfg.streams_events };
	const char *stream[] = { "XINFO", "STREAM", d->cfg.streams_events };
	const char *xlen[] = { "XLEN", d->cfg.streams_deadletter };

	if (d->cmd == NULL || !rconn_up(d->cmd))
		return;
	memset(&b->cur, 0, sizeof(b->cur));
	b->delivered[0] = b->generated[0] = '\0';
	b->ok = 1;
	b->sent = mono_s();
	/* Each one is counted before it goes: a connection that fails
	 * while sending calls back at once. */
	b->outstanding++;
	if (rconn_cmd(d->cmd, backlog_groups_cb, b, 0, 3, groups, NULL) != 0) {
		b->outstanding--;
		return;
	}
	b->outstanding++;
	if (rconn_cmd(d->cmd, backlog_stream_cb, b, 0, 3, stream, NULL) != 0) {
		b->outstanding--;
		b->ok = 0;
		return;
	}
	b->outstanding++;
	if (rconn_cmd(d->cmd, backlog_deadletter_cb, b, 0, 2, xlen,
	    NULL) != 0) {
		b->outstanding--;
		b->ok = 0;
	}
}

static void
backlog_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct backlog *b = arg;
	double now = mono_s();

	(void)fd;
	(void)what;
	if (b->outstanding > 0)
		return;
	if (b->last_at == 0 || b->sent == 0 ||
	    now - b->sent >= BACKLOG_INTERVAL)
		backlog_send(b);
}

struct backlog *
backlog_new(struct daemon *d)
{
	struct backlog *b = ecalloc(1, sizeof(*b));
	struct timeval tv = { 1, 0 };

	b->d = d;
	b->tick = event_new(d->base, -1, EV_PERSIST, backlog_tick_cb, b);
	if (b->tick == NULL || event_add(b->tick, &tv) != 0)
		fatalx("backlog: cannot add a timer");
	return b;
}

void
backlog_free(struct backlog *b)
{
	if (b == NULL)
		return;
	event_free(b->tick);
	b->tick = NULL;
	if (b->outstanding > 0) {
		b->dying = 1;	/* the last reply frees it */
		return;
	}
	free(b);
}

int
backlog_get(const struct backlog *b, struct backlog_stats *st)
{
	if (b->last_at == 0 || mono_s() - b->last_at > BACKLOG_FRESH)
		return 0;
	*st = b->last;
	return 1;
}
