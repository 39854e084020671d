/* txn.c: a Redis transaction (MULTI ... EXEC) built in memory and sent as a whole on one connection, optionally behind a fence (the lease of the active daemon): the one way every writer of the daemon writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "rconn.h"
#include "txn.h"
#include "util.h"

void
txn_init(struct txn *t)
{
	memset(t, 0, sizeof(*t));
}

static void
txn_clear(struct txn *t)
{
	for (int i = 0; i < t->n; i++) {
		for (int a = 0; a < t->cmds[i].argc; a++)
			free(t->cmds[i].argv[a]);
		free(t->cmds[i].argv);
		free(t->cmds[i].lens);
	}
	t->n = 0;
}

void
txn_free(struct txn *t)
{
	txn_clear(t);
	free(t->cmds);
	txn_init(t);
}

void
txn_add(struct txn *t, int argc, const char **argv, const size_t *lens)
{
	struct txn_cmd *c;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cmds = erealloc(t->cmds, (size_t)t->cap * sizeof(*t->cmds));
	}
	c = &t->cmds[t->n++];
	c->argc = argc;
	c->argv = emalloc((size_t)argc * sizeof(*c->argv));
	c->lens = emalloc((size_t)argc * sizeof(*c->lens));
	for (int a = 0; a < argc; a++) {
		size_t l = lens != NULL ? lens[a] : strlen(argv[a]);

		c->argv[a] = emalloc(l + 1);
		memcpy(c->argv[a], argv[a], l);
		c->argv[a][l] = '\0';
		c->lens[a] = l;
	}
}

struct txn_wait {
	txn_done_fn done;
	void *arg;
	struct txn_fence *fence;	/* NULL: a plain transaction */
};

static void txn_fence_refuse(struct txn_fence *, txn_done_fn, void *);

static void
txn_exec_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct txn_wait *w = arg;
	enum txn_result res = r != NULL && r->type == REDIS_REPLY_ARRAY ?
	    TXN_OK : TXN_FAILED;
	txn_done_fn done = w->done;
	void *darg = w->arg;
	struct txn_fence *f = w->fence;

	free(w);
	if (f != NULL && r != NULL && r->type == REDIS_REPLY_NIL) {
		/* The lease changed (or expired) between the check and
		 * the EXEC: Redis discarded the transaction. */
		txn_fence_refuse(f, done, darg);
		return;
	}
	if (r != NULL && res != TXN_OK)
		log_warnx("redis(%s): transaction failed: %.*s", rconn_name(rc),
		    r->type == REDIS_REPLY_ERROR ? (int)r->len : 3,
		    r->type == REDIS_REPLY_ERROR ? r->str : "nil");
	if (res == TXN_OK) {
		/* Errors of single commands do not abort EXEC. */
		for (size_t i = 0; i < r->elements; i++)
			if (r->element[i]->type == REDIS_REPLY_ERROR) {
				log_warnx("redis(%s): command %zu of a "
				    "transaction failed: %s", rconn_name(rc),
				    i, r->element[i]->str);
				res = TXN_FAILED;
			}
	}
	done(res, darg);
}

/* MULTI, t's commands, EXEC; empties t. 0, or -1 (done not called). */
static int
txn_write(struct rconn *rc, struct txn *t, txn_done_fn done, void *arg,
    struct txn_fence *f)
{
	static const char *multi[] = { "MULTI" }, *exec[] = { "EXEC" };
	struct txn_wait *w;

	if (!rconn_up(rc)) {
		txn_clear(t);
		return -1;
	}
	if (rconn_cmd(rc, NULL, NULL, 0, 1, multi, NULL) != 0)
		goto broken;
	for (int i = 0; i < t->n; i++)
		if (rconn_cmd(rc, NULL, NULL, 0, t->cmds[i].argc,
		    (const char **)t->cmds[i].argv, t->cmds[i].lens) != 0)
			goto broken;
	w = ecalloc(1, sizeof(*w));
	w->done = done;
	w->arg = arg;
	w->fence = f;
	if (rconn_cmd(rc, txn_exec_cb, w, 0, 1, exec, NULL) != 0) {
		free(w);
		goto broken;
	}
	txn_clear(t);
	return 0;
broken:
	/* Half a transaction must never reach Redis as a whole one. */
	txn_clear(t);
	rconn_drop(rc, "a transaction could not be sent");
	return -1;
}

int
txn_send(struct rconn *rc, struct txn *t, txn_done_fn done, void *arg)
{
	return txn_write(rc, t, done, arg, NULL);
}

/* ---- the fence ------------------------------------------------------------------ */

enum fence_state {
	FENCE_OPEN = 0,
	FENCE_ARMED,
	FENCE_CLOSED
};

/* A transaction waiting for its check. */
struct fenced {
	struct txn t;
	txn_done_fn done;
	void *arg;
	struct fenced *next;
};

struct txn_fence {
	struct rconn *rc;
	enum fence_state state;
	char key[256];
	char value[256];
	struct fenced *head, *tail;  /* head: the one being checked */
	const struct fenced *checking;  /* its WATCH + GET are in flight */
	char watch_err[128];         /* the WATCH of the check failed: why */
	int inflight;                /* its EXEC sent, not answered */
	unsigned long refused;
	int told;                    /* on_refused was called */
	void (*on_refused)(void *);
	void *arg;
};

struct txn_fence *
txn_fence_new(struct rconn *rc, void (*refused)(void *), void *arg)
{
	struct txn_fence *f = ecalloc(1, sizeof(*f));

	f->rc = rc;
	f->on_refused = refused;
	f->arg = arg;
	return f;
}

static struct fenced *
txn_fence_pop(struct txn_fence *f)
{
	struct fenced *e = f->head;

	if (e != NULL) {
		f->head = e->next;
		if (f->head == NULL)
			f->tail = NULL;
		if (f->checking == e)
			f->checking = NULL;
	}
	return e;
}

/* Ends every queued transaction with res (one at a time: a done may
 * queue another, which then waits its turn). */
static void
txn_fence_fail_all(struct txn_fence *f, enum txn_result res)
{
	struct fenced *e;

	while ((e = txn_fence_pop(f)) != NULL) {
		txn_free(&e->t);
		e->done(res, e->arg);
		free(e);
	}
}

void
txn_fence_free(struct txn_fence *f)
{
	if (f == NULL)
		return;
	txn_fence_fail_all(f, TXN_FAILED);
	free(f);
}

void
txn_fence_open(struct txn_fence *f)
{
	f->state = FENCE_OPEN;
}

void
txn_fence_arm(struct txn_fence *f, const char *key, const char *value)
{
	scopy(f->key, key, sizeof(f->key));
	scopy(f->value, value, sizeof(f->value));
	f->state = FENCE_ARMED;
	f->told = 0;
}

void
txn_fence_close(struct txn_fence *f)
{
	f->state = FENCE_CLOSED;
	txn_fence_fail_all(f, TXN_FENCED);
}

int
txn_fence_armed(const struct txn_fence *f)
{
	return f->state == FENCE_ARMED;
}

unsigned long
txn_fence_refused(const struct txn_fence *f)
{
	return f->refused;
}

int
txn_fence_pending(const struct txn_fence *f)
{
	int n = f->inflight;

	for (const struct fenced *e = f->head; e != NULL; e = e->next)
		n++;
	return n;
}

/* Redis refused a transaction: the lease is not ours. The fence closes,
 * its owner hears of it first, then this transaction and those queued
 * behind it end with TXN_FENCED. */
static void
txn_fence_refuse(struct txn_fence *f, txn_done_fn done, void *arg)
{
	f->refused++;
	f->state = FENCE_CLOSED;
	if (!f->told && f->on_refused != NULL) {
		f->told = 1;
		f->on_refused(f->arg);
	}
	done(TXN_FENCED, arg);
	txn_fence_fail_all(f, TXN_FENCED);
}

static void txn_fence_pump(struct txn_fence *);

static void
txn_fence_check_cb(struct rconn *rc, redisReply *r, void *arg)
{
	static const char *unwatch[] = { "UNWATCH" };
	struct txn_fence *f = arg;
	struct fenced *e = f->head;
	txn_done_fn done;
	void *darg;

	if (e == NULL || f->checking != e) {
		/* Its transaction was ended meanwhile (the fence closed). */
		if (r != NULL && rconn_up(rc))
			rconn_cmd(rc, NULL, NULL, 0, 1, unwatch, NULL);
		return;
	}
	f->checking = NULL;
	if (r == NULL) {
		txn_fence_fail_all(f, TXN_FAILED);
		return;
	}
	if (f->watch_err[0] != '\0') {
		/* Without its WATCH the EXEC would not be guarded: not sent.
		 * (NOPERM: the ACL user lacks WATCH, config/redis-acl.conf.) */
		rconn_cmd(rc, NULL, NULL, 0, 1, unwatch, NULL);
		txn_fence_pop(f);
		log_warnx("redis(%s): the lease check failed: WATCH: %s",
		    rconn_name(rc), f->watch_err);
		e->done(TXN_FAILED, e->arg);
		txn_free(&e->t);
		free(e);
		txn_fence_pump(f);
		return;
	}
	if (r->type == REDIS_REPLY_STRING && r->len == strlen(f->value) &&
	    memcmp(r->str, f->value, r->len) == 0) {
		txn_fence_pop(f);
		if (txn_write(rc, &e->t, e->done, e->arg, f) == 0)
			f->inflight++;
		else
			e->done(TXN_FAILED, e->arg);
		txn_free(&e->t);
		free(e);
		txn_fence_pump(f);
		return;
	}
	rconn_cmd(rc, NULL, NULL, 0, 1, unwatch, NULL);
	txn_fence_pop(f);
	done = e->done;
	darg = e->arg;
	txn_free(&e->t);
	free(e);
	if (r->type == REDIS_REPLY_ERROR) {
		/* Not an answer about the lease (NOPERM, LOADING...). */
		log_warnx("redis(%s): the lease check failed: %s",
		    rconn_name(rc), r->str);
		done(TXN_FAILED, darg);
		txn_fence_pump(f);
		return;
	}
	log_warnx("redis(%s): write refused: %s holds %.*s, not %s",
	    rconn_name(rc), f->key,
	    r->type == REDIS_REPLY_STRING ? (int)r->len : 7,
	    r->type == REDIS_REPLY_STRING ? r->str : "nothing", f->value);
	txn_fence_refuse(f, done, darg);
}

static void
txn_fence_watch_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct txn_fence *f = arg;

	(void)rc;
	if (r != NULL && r->type == REDIS_REPLY_ERROR)
		scopy(f->watch_err, r->str, sizeof(f->watch_err));
}

/* Sends the check of the head of the queue, if none is in flight. */
static void
txn_fence_pump(struct txn_fence *f)
{
	const char *watch[2], *get[2];

	if (f->checking != NULL || f->head == NULL)
		return;
	if (f->state != FENCE_ARMED) {
		txn_fence_fail_all(f, TXN_FENCED);
		return;
	}
	if (!rconn_up(f->rc)) {
		txn_fence_fail_all(f, TXN_FAILED);
		return;
	}
	watch[0] = "WATCH";
	watch[1] = f->key;
	get[0] = "GET";
	get[1] = f->key;
	f->watch_err[0] = '\0';
	if (rconn_cmd(f->rc, txn_fence_watch_cb, f, 0, 2, watch, NULL) != 0 ||
	    rconn_cmd(f->rc, txn_fence_check_cb, f, 0, 2, get, NULL) != 0) {
		rconn_drop(f->rc, "a lease check could not be sent");
		txn_fence_fail_all(f, TXN_FAILED);
		return;
	}
	f->checking = f->head;
}

static int
txn_fence_enqueue(struct txn_fence *f, struct txn *t, txn_done_fn done,
    void *arg, int first)
{
	struct fenced *e, **at;

	switch (f->state) {
	case FENCE_OPEN:
		return txn_send(f->rc, t, done, arg);
	case FENCE_CLOSED:
		txn_clear(t);
		return TXN_ECLOSED;
	case FENCE_ARMED:
		break;
	}
	if (!rconn_up(f->rc)) {
		txn_clear(t);
		return -1;
	}
	e = ecalloc(1, sizeof(*e));
	e->t = *t;		/* moved: t's commands are e's now */
	txn_init(t);
	e->done = done;
	e->arg = arg;
	/* first: next after the one whose check is in flight */
	at = &f->head;
	if (first && f->checking != NULL && f->head == f->checking)
		at = &f->head->next;
	if (!first)
		at = f->tail != NULL ? &f->tail->next : &f->head;
	e->next = *at;
	*at = e;
	if (e->next == NULL)
		f->tail = e;
	txn_fence_pump(f);
	return 0;
}

int
txn_send_fenced(struct txn_fence *f, struct txn *t, txn_done_fn done,
    void *arg)
{
	return txn_fence_enqueue(f, t, done, arg, 0);
}

int
txn_send_fenced_first(struct txn_fence *f, struct txn *t, txn_done_fn done,
    void *arg)
{
	return txn_fence_enqueue(f, t, done, arg, 1);
}
