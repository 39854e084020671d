/* rconn.c: one Redis connection on the event loop: hiredis async with connect and reply timeouts, AUTH, and reconnection with backoff. */
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
};

static void rconn_connect(struct rconn *);

/* What the connection goes to, for log lines: "unix socket PATH",
 * "HOST:PORT" or "[V6]:PORT". */
static const char *
rconn_where(const struct rconn *rc, char *buf, size_t n)
{
	const struct config *c = rc->cfg;

	if (c->redis_socket[0] != '\0')
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

static void
rconn_handshake_done(struct rconn *rc, redisReply *r, void *arg)
{
	char where[CONFIG_PATH + 32];

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
	rc->up = 1;
	rc->attempt = 0;
	rc->nconnects++;
	log_info("redis(%s): connected to %s", rc->name,
	    rconn_where(rc, where, sizeof(where)));
	if (rc->state != NULL)
		rc->state(rc, 1, rc->arg);
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
	if (c->redis_password[0] != '\0') {
		argv[n++] = "AUTH";
		if (c->redis_user[0] != '\0')
			argv[n++] = c->redis_user;
		argv[n++] = c->redis_password;
		rconn_send(rc, rconn_handshake_step, (void *)"AUTH", 0, n,
		    argv, NULL);
	}
	if (c->redis_db != 0) {
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

	if (rc->stopped || rc->ac != NULL)
		return;
	if (c->redis_socket[0] != '\0')
		ac = redisAsyncConnectUnix(c->redis_socket);
	else
		ac = redisAsyncConnect(c->redis_host, c->redis_port);
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

struct rconn *
rconn_new(struct event_base *base, const char *name, const struct config *cfg,
    rconn_state_fn state, void *arg)
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
	rconn_connect(rc);
	return rc;
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
