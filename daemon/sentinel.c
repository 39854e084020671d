/* sentinel.c: the Redis primary found through Redis Sentinel ([redis] sentinels, master_name): asked before every connection, followed on a failover (+switch-master). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "config.h"
#include "log.h"
#include "rconn.h"
#include "sentinel.h"
#include "util.h"

/*
 * Each Sentinel gets two connections (rconn, reconnecting by themselves):
 * one for questions, one subscribed to +switch-master. A data connection
 * made by sentinel_connect asks, before each connection attempt, the
 * Sentinels in turn (the last one that answered first) for master_name's
 * address; no answer from any of them fails the attempt, and rconn tries
 * again after its backoff. The connection then checks with ROLE that the
 * server is a primary (rconn.c): during a failover the Sentinels may
 * still name the old one, or a demoted one may be back as a replica.
 *
 * A failover is followed two ways: the primary's death drops the data
 * connections (and the next attempts ask again, until the Sentinels name
 * the promoted replica), and the Sentinels' +switch-master message
 * ("<name> <old ip> <old port> <new ip> <new port>") drops any data
 * connection still on another address, for the case where the old
 * primary did not die (a partition, a manual SENTINEL FAILOVER).
 */

#define SENTINEL_MAX_WATCHED 4

struct ask {
	struct sentinel *s;
	struct rconn *rc;        /* NULL once cancelled */
	int idx;                 /* the Sentinel asked */
	int tried;
};

struct sentinel {
	struct event_base *base;
	const struct config *cfg;
	int n;
	struct config_hostport hp[CONFIG_MAX_SENTINELS];
	struct rconn *q[CONFIG_MAX_SENTINELS];
	struct rconn *sub[CONFIG_MAX_SENTINELS];
	int next;                /* the Sentinel to ask first */
	struct watched {
		struct rconn *rc;
		struct ask *asking;
	} w[SENTINEL_MAX_WATCHED];
	int nw;
	unsigned long switches;
	char last[CONFIG_STR + 16];  /* the last switch announced */
};

static struct watched *
sentinel_watched(struct sentinel *s, const struct rconn *rc)
{
	for (int i = 0; i < s->nw; i++)
		if (s->w[i].rc == rc)
			return &s->w[i];
	return NULL;
}

static void sentinel_ask_next(struct ask *);

static void
sentinel_ask_cb(struct rconn *qrc, redisReply *r, void *arg)
{
	struct ask *a = arg;
	struct sentinel *s = a->s;
	struct watched *w;
	char *end;
	long port;

	if (a->rc == NULL) {	/* cancelled */
		free(a);
		return;
	}
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    r->element[1]->type == REDIS_REPLY_STRING &&
	    (port = strtol(r->element[1]->str, &end, 10)) > 0 &&
	    port < 65536 && *end == '\0') {
		s->next = a->idx;
		if ((w = sentinel_watched(s, a->rc)) != NULL)
			w->asking = NULL;
		log_debug("sentinel: %s names %s:%ld as the primary of %s",
		    rconn_name(qrc), r->element[0]->str, port,
		    s->cfg->redis_master_name);
		rconn_resolved(a->rc, r->element[0]->str, (int)port);
		free(a);
		return;
	}
	if (r != NULL)
		log_warnx("sentinel: %s:%d does not know the primary of %s%s%s",
		    s->hp[a->idx].host, s->hp[a->idx].port,
		    s->cfg->redis_master_name,
		    r->type == REDIS_REPLY_ERROR ? ": " : "",
		    r->type == REDIS_REPLY_ERROR ? r->str : "");
	a->idx = (a->idx + 1) % s->n;
	a->tried++;
	sentinel_ask_next(a);
}

/* Asks the next Sentinel that is connected, or fails. */
static void
sentinel_ask_next(struct ask *a)
{
	struct sentinel *s = a->s;
	const char *argv[3] = { "SENTINEL", "get-master-addr-by-name",
	    s->cfg->redis_master_name };
	struct watched *w = sentinel_watched(s, a->rc);
	struct rconn *rc = a->rc;

	for (; a->tried < s->n; a->tried++, a->idx = (a->idx + 1) % s->n)
		if (rconn_up(s->q[a->idx]) &&
		    rconn_cmd(s->q[a->idx], sentinel_ask_cb, a, 0, 3, argv,
		    NULL) == 0)
			return;
	if (w != NULL)
		w->asking = NULL;
	free(a);
	rconn_resolve_failed(rc, "no Sentinel answered (SENTINEL "
	    "get-master-addr-by-name)");
}

static void
sentinel_resolve(struct rconn *rc, void *arg)
{
	struct sentinel *s = arg;
	struct watched *w = sentinel_watched(s, rc);
	struct ask *a = ecalloc(1, sizeof(*a));

	if (w == NULL && s->nw > 0 && s->w[s->nw - 1].rc == NULL) {
		w = &s->w[s->nw - 1];	/* sentinel_connect, under way */
		w->rc = rc;
	}
	a->s = s;
	a->rc = rc;
	a->idx = s->next;
	if (w != NULL)
		w->asking = a;
	sentinel_ask_next(a);
}

static void
sentinel_cancel(struct rconn *rc, void *arg)
{
	struct sentinel *s = arg;
	struct watched *w = sentinel_watched(s, rc);

	if (w != NULL && w->asking != NULL) {
		w->asking->rc = NULL;	/* freed by its callback */
		w->asking = NULL;
	}
}

static const struct rconn_resolver sentinel_resolver = {
	sentinel_resolve, sentinel_cancel
};

static void
sentinel_message(struct rconn *rc, const char *channel, const char *payload,
    void *arg)
{
	struct sentinel *s = arg;
	char name[CONFIG_STR], oldip[CONFIG_STR], newip[CONFIG_STR];
	int oldport, newport;

	(void)rc;
	(void)channel;
	if (sscanf(payload, "%255s %255s %d %255s %d", name, oldip, &oldport,
	    newip, &newport) != 5 ||
	    strcmp(name, s->cfg->redis_master_name) != 0)
		return;
	/* Every Sentinel announces it: act once per switch. */
	if (strcmp(s->last, payload) == 0)
		return;
	scopy(s->last, payload, sizeof(s->last));
	s->switches++;
	log_warnx("sentinel: failover of %s: the primary is now %s:%d (was "
	    "%s:%d)", name, newip, newport, oldip, oldport);
	for (int i = 0; i < s->nw; i++) {
		const char *host;
		int port;

		rconn_addr(s->w[i].rc, &host, &port);
		if (rconn_up(s->w[i].rc) &&
		    (strcmp(host, newip) != 0 || port != newport))
			rconn_drop(s->w[i].rc, "the Sentinels switched to "
			    "another primary");
	}
}

struct rconn *
sentinel_connect(struct sentinel *s, const char *name, rconn_state_fn state,
    void *arg)
{
	struct rconn *rc;

	if (s->nw == SENTINEL_MAX_WATCHED)
		fatalx("sentinel: too many connections");
	/* registered before rconn_new_resolved, which resolves at once */
	s->w[s->nw].rc = NULL;
	s->w[s->nw].asking = NULL;
	s->nw++;
	rc = rconn_new_resolved(s->base, name, s->cfg, &sentinel_resolver, s,
	    state, arg);
	s->w[s->nw - 1].rc = rc;
	return rc;
}

unsigned long
sentinel_switches(const struct sentinel *s)
{
	return s != NULL ? s->switches : 0;
}

struct sentinel *
sentinel_new(struct event_base *base, const struct config *cfg)
{
	struct sentinel *s = ecalloc(1, sizeof(*s));
	char why[CONFIG_STR + 96], name[32];

	s->base = base;
	s->cfg = cfg;
	s->n = config_sentinels(cfg->redis_sentinels, s->hp,
	    CONFIG_MAX_SENTINELS, why, sizeof(why));
	if (s->n <= 0)
		fatalx("[redis] sentinels: %s", s->n < 0 ? why : "empty");
	for (int i = 0; i < s->n; i++) {
		snprintf(name, sizeof(name), "sentinel%d", i + 1);
		s->q[i] = rconn_new_sentinel(base, name, cfg, s->hp[i].host,
		    s->hp[i].port, NULL, NULL);
		snprintf(name, sizeof(name), "sentinel%d-events", i + 1);
		s->sub[i] = rconn_new_sentinel(base, name, cfg, s->hp[i].host,
		    s->hp[i].port, NULL, NULL);
		rconn_subscribe(s->sub[i], "+switch-master", sentinel_message,
		    s);
	}
	log_info("sentinel: the primary of %s from %d Sentinels",
	    cfg->redis_master_name, s->n);
	return s;
}

void
sentinel_free(struct sentinel *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->n; i++) {
		rconn_free(s->q[i]);
		rconn_free(s->sub[i]);
	}
	free(s);
}
