/* txn.c: a Redis transaction (MULTI ... EXEC) built in memory and sent as a whole on one connection: the one way every writer of the daemon writes. */
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
};

static void
txn_exec_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct txn_wait *w = arg;
	int ok = r != NULL && r->type == REDIS_REPLY_ARRAY;

	if (r != NULL && !ok)
		log_warnx("redis(%s): transaction failed: %.*s", rconn_name(rc),
		    r->type == REDIS_REPLY_ERROR ? (int)r->len : 3,
		    r->type == REDIS_REPLY_ERROR ? r->str : "nil");
	if (ok) {
		/* Errors of single commands do not abort EXEC. */
		for (size_t i = 0; i < r->elements; i++)
			if (r->element[i]->type == REDIS_REPLY_ERROR) {
				log_warnx("redis(%s): command %zu of a "
				    "transaction failed: %s", rconn_name(rc),
				    i, r->element[i]->str);
				ok = 0;
			}
	}
	w->done(ok, w->arg);
	free(w);
}

int
txn_send(struct rconn *rc, struct txn *t, txn_done_fn done, void *arg)
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
