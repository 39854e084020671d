/* rconn.c: one Redis connection on the event loop: hiredis async with connect and reply timeouts, AUTH, reconnection with backoff, an address found by a resolver (Sentinel), a check that the server is a primary (ROLE), and a subscription. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <hiredis/adapters/libevent.h>

#include "config.h"
#include "log.h"
#include "rconn.h"
#include "util.h"

/*
 * hiredis 0.14 has neither connect nor command timeouts, so each
 * connection keeps its requests in a FIFO (Redis answers in order) with a
 * deadline each, and a 100 ms tick tears the connection down when the
 * oldest is late or the TCP connect takes too long. Tearing down is
 * redisAsyncFree(): hiredis then calls every pending callback with a NULL
 * reply, which the callers treat as "not done, will be retried after
 * reconnecting" (the stream keeps the entries pending).
 *
 * Three kinds: a data connection to [redis] host/port/socket; one whose
 * address a resolver finds before every connection (the primary named by
 * the Sentinels, sentinel.c), which also checks with ROLE that it reached
 * a primary; and a connection to a Sentinel itself (no SELECT, its own
 * password), possibly subscribed to a channel (+switch-master).
 */

struct rreq {
	struct rconn *rc;
	rconn_reply_fn fn;
	void *arg;
	int64_t deadline;	/* monotonic ms */
	struct rreq *next, *prev;
};

struct rconn {
	struct event_base *base;
	char name[32];
	const struct config *cfg;
	rconn_state_fn state;
	void *arg;

	redisAsyncContext *ac;
	int connected;		/* TCP/unix connected */
	int up;			/* AUTH and SELECT done */
	int stopped;
	int64_t connect_deadline;
	int attempt;		/* failures since the last success */
	unsigned long nconnects;

	struct event *retry_ev;
	struct event *tick_ev;
	struct rreq *head, *tail;
	int outstanding;

	int sentinel;		/* a connection to a Sentinel */
	char host[CONFIG_STR];	/* a Sentinel's, or the resolved primary's */
	int port;
	const struct rconn_resolver *resolver;
	void *resolver_arg;
	int resolving;		/* resolve() called, no answer yet */
	int have_addr;		/* host/port resolved for the next connect */
	char channel[64];	/* subscribed to, when msg_fn */
	rconn_message_fn msg_fn;
	void *msg_arg;
};

static void rconn_connect(struct rconn *);

/* What the connection goes to, for log lines: "unix socket PATH",
 * "HOST:PORT" or "[V6]:PORT". */
static const char *
rconn_where(const struct rconn *rc, char *buf, size_t n)
{
	const struct config *c = rc->cfg;

	if (rc->sentinel || rc->resolver != NULL) {
		const char *what = rc->sentinel ? "Sentinel " : "";

		if (rc->host[0] == '\0')
			snprintf(buf, n, "the primary named by the Sentinels");
		else if (strchr(rc->host, ':') != NULL)
			snprintf(buf, n, "%s[%s]:%d", what, rc->host, rc->port);
		else
			snprintf(buf, n, "%s%s:%d", what, rc->host, rc->port);
	} else if (c->redis_socket[0] != '\0')
		snprintf(buf, n, "unix socket %s", c->redis_socket);
	else if (strchr(c->redis_host, ':') != NULL)
		snprintf(buf, n, "[%s]:%d", c->redis_host, c->redis_port);
	else
		snprintf(buf, n, "%s:%d", c->redis_host, c->redis_port);
	return buf;
}

static void
rconn_unlink(struct rconn *rc, struct rreq *q)
{
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		rc->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	else
		rc->tail = q->prev;
	rc->outstanding--;
}

static void
rconn_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	struct rreq *q = privdata;
	struct rconn *rc = q->rc;

	(void)ac;
	rconn_unlink(rc, q);
	if (q->fn != NULL)
		q->fn(rc, r, q->arg);
	free(q);
}

static int
rconn_send(struct rconn *rc, rconn_reply_fn fn, void *arg, int extra_ms,
    int argc, const char **argv, const size_t *lens)
{
	struct rreq *q;
	size_t *l = NULL;

	if (rc->ac == NULL || !rc->connected)
		return -1;
	if (lens == NULL) {
		l = ecalloc((size_t)argc, sizeof(*l));
		for (int i = 0; i < argc; i++)
			l[i] = strlen(argv[i]);
		lens = l;
	}
	q = ecalloc(1, sizeof(*q));
	q->rc = rc;
	q->fn = fn;
	q->arg = arg;
	q->deadline = mono_ms() + rc->cfg->redis_command_timeout_ms +
	    extra_ms;
	if (redisAsyncCommandArgv(rc->ac, rconn_reply, q, argc, argv,
	    lens) != REDIS_OK) {
		free(q);
		free(l);
		return -1;
	}
	free(l);
	q->prev = rc->tail;
	if (rc->tail != NULL)
		rc->tail->next = q;
	else
		rc->head = q;
	rc->tail = q;
	rc->outstanding++;
	return 0;
}

int
rconn_cmd(struct rconn *rc, rconn_reply_fn fn, void *arg, int extra_ms,
    int argc, const char **argv, const size_t *lens)
{
	if (!rc->up)
		return -1;
	return rconn_send(rc, fn, arg, extra_ms, argc, argv, lens);
}

static void
rconn_schedule_retry(struct rconn *rc)
{
	const struct config *c = rc->cfg;
	double d = c->redis_backoff_min_ms;
	struct timeval tv;

	if (rc->stopped)
		return;
	for (int i = 0; i < rc->attempt && d < c->redis_backoff_max_ms; i++)
		d *= 2;
	if (d > c->redis_backoff_max_ms)
		d = c->redis_backoff_max_ms;
	/* +-20 % so that restarted daemons do not reconnect in step. */
	d *= 0.8 + 0.4 * ((double)rand() / RAND_MAX);
	rc->attempt++;
	tv.tv_sec = (time_t)(d / 1000);
	tv.tv_usec = (suseconds_t)((long)d % 1000 * 1000);
	evtimer_add(rc->retry_ev, &tv);
	log_debug("redis(%s): reconnecting in %.0f ms", rc->name, d);
}

/* Forgets the context; the caller frees it or hiredis already does. */
static void
rconn_lost(struct rconn *rc)
{
	int was_up = rc->up;

	rc->ac = NULL;
	rc->up = 0;
	rc->connected = 0;
	if (was_up && rc->state != NULL)
		rc->state(rc, 0, rc->arg);
	rconn_schedule_retry(rc);
}

void
rconn_drop(struct rconn *rc, const char *why)
{
	redisAsyncContext *ac = rc->ac;
	char where[CONFIG_PATH + 32];

	if (ac == NULL)
		return;
	log_warnx("redis(%s): dropping the connection to %s: %s", rc->name,
	    rconn_where(rc, where, sizeof(where)), why);
	rc->ac = NULL;
	redisAsyncFree(ac);	/* pending callbacks get NULL */
	rconn_lost(rc);
}

/* A subscription's replies: the confirmation, then each message; NULL
 * when the connection goes (then nothing to do: rc reconnects and
 * subscribes again). */
static void
rconn_message_cb(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct rconn *rc = privdata;
	redisReply *r = reply;

	(void)ac;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements < 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(r->element[0]->str, "message") != 0 ||
	    r->element[1]->type != REDIS_REPLY_STRING ||
	    r->element[2]->type != REDIS_REPLY_STRING)
		return;
	rc->msg_fn(rc, r->element[1]->str, r->element[2]->str, rc->msg_arg);
}

/* The connection is usable: subscribe if asked to, tell the owner. */
static void
rconn_mark_up(struct rconn *rc)
{
	char where[CONFIG_PATH + 32];

	rc->up = 1;
	rc->attempt = 0;
	rc->nconnects++;
	log_info("redis(%s): connected to %s", rc->name,
	    rconn_where(rc, where, sizeof(where)));
	if (rc->msg_fn != NULL) {
		const char *argv[2] = { "SUBSCRIBE", rc->channel };

		if (redisAsyncCommandArgv(rc->ac, rconn_message_cb, rc, 2, argv,
		    NULL) != REDIS_OK) {
			rconn_drop(rc, "SUBSCRIBE could not be sent");
			return;
		}
	}
	if (rc->state != NULL)
		rc->state(rc, 1, rc->arg);
}

static void
rconn_role_cb(struct rconn *rc, redisReply *r, void *arg)
{
	char buf[200];

	(void)arg;
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "master") == 0) {
		rconn_mark_up(rc);
		return;
	}
	/* A replica (the Sentinels have not noticed a failover yet, or a
	 * demoted primary): ask them again after the backoff. */
	snprintf(buf, sizeof(buf), "the server is not a primary (ROLE: %.*s)",
	    r->type == REDIS_REPLY_ERROR ? (int)r->len :
	    r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING ?
	    (int)r->element[0]->len : 1,
	    r->type == REDIS_REPLY_ERROR ? r->str :
	    r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING ?
	    r->element[0]->str : "?");
	rconn_drop(rc, buf);
}

static void
rconn_handshake_done(struct rconn *rc, redisReply *r, void *arg)
{
	(void)arg;
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		/* An error of AUTH or SELECT came first and dropped the
		 * connection (this reply is then NULL). So PING itself
		 * failed: -LOADING while a restarted Redis reads its AOF,
		 * -NOAUTH without a password. Left as it was, the connection
		 * would stay open and never up, without a timeout: drop it
		 * and retry after the backoff. */
		char buf[200];

		snprintf(buf, sizeof(buf), "PING failed: %.*s", (int)r->len,
		    r->str);
		rconn_drop(rc, buf);
		return;
	}
	if (rc->resolver != NULL) {
		const char *argv[1] = { "ROLE" };

		if (rconn_send(rc, rconn_role_cb, NULL, 0, 1, argv, NULL) != 0)
			rconn_drop(rc, "ROLE could not be sent");
		return;
	}
	rconn_mark_up(rc);
}

static void
rconn_handshake_step(struct rconn *rc, redisReply *r, void *arg)
{
	char buf[200];

	if (r == NULL || r->type != REDIS_REPLY_ERROR)
		return;
	snprintf(buf, sizeof(buf), "%s failed: %.*s", (const char *)arg,
	    (int)r->len, r->str);
	rconn_drop(rc, buf);
}

static void
rconn_on_connect(const redisAsyncContext *ac, int status)
{
	struct rconn *rc = ac->data;
	const struct config *c = rc->cfg;
	const char *argv[3];
	char db[16], where[CONFIG_PATH + 32];
	int n = 0;

	if (ac != rc->ac)
		return;
	if (status != REDIS_OK) {
		log_warnx("redis(%s): cannot connect to %s: %s", rc->name,
		    rconn_where(rc, where, sizeof(where)), ac->errstr);
		rconn_lost(rc);	/* hiredis frees the context */
		return;
	}
	rc->connected = 1;
	if (rc->sentinel) {
		if (c->redis_sentinel_password[0] != '\0') {
			argv[n++] = "AUTH";
			argv[n++] = c->redis_sentinel_password;
			rconn_send(rc, rconn_handshake_step, (void *)"AUTH", 0,
			    n, argv, NULL);
		}
	} else if (c->redis_password[0] != '\0') {
		argv[n++] = "AUTH";
		if (c->redis_user[0] != '\0')
			argv[n++] = c->redis_user;
		argv[n++] = c->redis_password;
		rconn_send(rc, rconn_handshake_step, (void *)"AUTH", 0, n,
		    argv, NULL);
	}
	if (c->redis_db != 0 && !rc->sentinel) {
		snprintf(db, sizeof(db), "%d", c->redis_db);
		argv[0] = "SELECT";
		argv[1] = db;
		rconn_send(rc, rconn_handshake_step, (void *)"SELECT", 0, 2,
		    argv, NULL);
	}
	argv[0] = "PING";
	rconn_send(rc, rconn_handshake_done, NULL, 0, 1, argv, NULL);
}

static void
rconn_on_disconnect(const redisAsyncContext *ac, int status)
{
	struct rconn *rc = ac->data;
	char where[CONFIG_PATH + 32];

	if (ac != rc->ac)
		return;		/* we dropped it ourselves */
	if (status != REDIS_OK)
		log_warnx("redis(%s): connection to %s lost: %s", rc->name,
		    rconn_where(rc, where, sizeof(where)),
		    ac->errstr[0] ? ac->errstr : "closed");
	rconn_lost(rc);
}

static void
rconn_connect(struct rconn *rc)
{
	const struct config *c = rc->cfg;
	redisAsyncContext *ac;
	char where[CONFIG_PATH + 32];

	if (rc->stopped || rc->ac != NULL || rc->resolving)
		return;
	if (rc->resolver != NULL && !rc->have_addr) {
		/* asked before every connection: after a failover the
		 * primary is elsewhere */
		rc->resolving = 1;
		rc->resolver->resolve(rc, rc->resolver_arg);
		return;
	}
	if (rc->sentinel || rc->resolver != NULL)
		ac = redisAsyncConnect(rc->host, rc->port);
	else if (c->redis_socket[0] != '\0')
		ac = redisAsyncConnectUnix(c->redis_socket);
	else
		ac = redisAsyncConnect(c->redis_host, c->redis_port);
	rc->have_addr = 0;
	if (ac == NULL || ac->err) {
		log_warnx("redis(%s): cannot connect to %s: %s", rc->name,
		    rconn_where(rc, where, sizeof(where)),
		    ac != NULL ? ac->errstr : "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		rconn_schedule_retry(rc);
		return;
	}
	ac->data = rc;
	rc->ac = ac;
	rc->connected = 0;
	rc->connect_deadline = mono_ms() + c->redis_connect_timeout_ms;
	redisLibeventAttach(ac, rc->base);
	redisAsyncSetConnectCallback(ac, rconn_on_connect);
	redisAsyncSetDisconnectCallback(ac, rconn_on_disconnect);
}

static void
rconn_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	rconn_connect(arg);
}

static void
rconn_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rconn *rc = arg;
	int64_t now = mono_ms();
	char buf[96];

	(void)fd;
	(void)what;
	if (rc->ac == NULL)
		return;
	if (!rc->connected && now > rc->connect_deadline) {
		rconn_drop(rc, "connect timed out");
		return;
	}
	if (rc->head != NULL && now > rc->head->deadline) {
		snprintf(buf, sizeof(buf), "no reply for %lld ms",
		    (long long)(now - rc->head->deadline +
		    rc->cfg->redis_command_timeout_ms));
		rconn_drop(rc, buf);
	}
}

static struct rconn *
rconn_alloc(struct event_base *base, const char *name,
    const struct config *cfg, rconn_state_fn state, void *arg)
{
	struct rconn *rc = ecalloc(1, sizeof(*rc));
	struct timeval tv = { 0, 100 * 1000 };

	rc->base = base;
	snprintf(rc->name, sizeof(rc->name), "%s", name);
	rc->cfg = cfg;
	rc->state = state;
	rc->arg = arg;
	rc->retry_ev = evtimer_new(base, rconn_retry_cb, rc);
	rc->tick_ev = event_new(base, -1, EV_PERSIST, rconn_tick_cb, rc);
	if (rc->retry_ev == NULL || rc->tick_ev == NULL)
		fatalx("redis(%s): cannot create timers", name);
	event_add(rc->tick_ev, &tv);
	return rc;
}

struct rconn *
rconn_new(struct event_base *base, const char *name, const struct config *cfg,
    rconn_state_fn state, void *arg)
{
	struct rconn *rc = rconn_alloc(base, name, cfg, state, arg);

	rconn_connect(rc);
	return rc;
}

struct rconn *
rconn_new_sentinel(struct event_base *base, const char *name,
    const struct config *cfg, const char *host, int port,
    rconn_state_fn state, void *arg)
{
	struct rconn *rc = rconn_alloc(base, name, cfg, state, arg);

	rc->sentinel = 1;
	scopy(rc->host, host, sizeof(rc->host));
	rc->port = port;
	rconn_connect(rc);
	return rc;
}

struct rconn *
rconn_new_resolved(struct event_base *base, const char *name,
    const struct config *cfg, const struct rconn_resolver *r, void *rarg,
    rconn_state_fn state, void *arg)
{
	struct rconn *rc = rconn_alloc(base, name, cfg, state, arg);

	rc->resolver = r;
	rc->resolver_arg = rarg;
	rconn_connect(rc);
	return rc;
}

void
rconn_resolved(struct rconn *rc, const char *host, int port)
{
	rc->resolving = 0;
	scopy(rc->host, host, sizeof(rc->host));
	rc->port = port;
	rc->have_addr = 1;
	rconn_connect(rc);
}

void
rconn_resolve_failed(struct rconn *rc, const char *why)
{
	rc->resolving = 0;
	log_warnx("redis(%s): cannot find the primary: %s", rc->name, why);
	rconn_schedule_retry(rc);
}

void
rconn_addr(const struct rconn *rc, const char **host, int *port)
{
	if (rc->sentinel || rc->resolver != NULL) {
		*host = rc->host;
		*port = rc->port;
	} else if (rc->cfg->redis_socket[0] != '\0') {
		*host = "";
		*port = 0;
	} else {
		*host = rc->cfg->redis_host;
		*port = rc->cfg->redis_port;
	}
}

void
rconn_subscribe(struct rconn *rc, const char *channel, rconn_message_fn fn,
    void *arg)
{
	scopy(rc->channel, channel, sizeof(rc->channel));
	rc->msg_fn = fn;
	rc->msg_arg = arg;
}

void
rconn_stop(struct rconn *rc)
{
	rc->stopped = 1;
	evtimer_del(rc->retry_ev);
}

void
rconn_free(struct rconn *rc)
{
	redisAsyncContext *ac;

	if (rc == NULL)
		return;
	rconn_stop(rc);
	if (rc->resolving && rc->resolver->cancel != NULL) {
		rc->resolving = 0;
		rc->resolver->cancel(rc, rc->resolver_arg);
	}
	if ((ac = rc->ac) != NULL) {
		rc->ac = NULL;
		rc->up = 0;
		redisAsyncFree(ac);
	}
	event_free(rc->retry_ev);
	event_free(rc->tick_ev);
	free(rc);
}

int
rconn_up(const struct rconn *rc)
{
	return rc->up;
}

const char *
rconn_name(const struct rconn *rc)
{
	return rc->name;
}

int
rconn_outstanding(const struct rconn *rc)
{
	return rc->outstanding;
}

unsigned long
rconn_reconnects(const struct rconn *rc)
{
	return rc->nconnects > 0 ? rc->nconnects - 1 : 0;
}

const redisReply *
rconn_reply_field(const redisReply *fields, const char *name)
{
	for (size_t i = 0; fields != NULL && i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(fields->element[i]->str, name) == 0 &&
		    fields->element[i + 1]->type == REDIS_REPLY_STRING)
			return fields->element[i + 1];
	return NULL;
}
