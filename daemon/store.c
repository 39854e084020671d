/* store.c: order state: the in-memory order book and its durable copy in Redis (one hash of orders, an index of open orders per office). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "postroute/order_json.h"
#include "daemon.h"
#include "log.h"
#include "rconn.h"
#include "store.h"
#include "txn.h"
#include "util.h"

/*
 * Redis layout (prefix "postroute:" by default):
 *   <prefix>orders                   hash: order id -> record (JSON)
 *   <prefix>office:<office>:open     set: ids of the office's open orders
 * A record is {"v": version, "s": "open"|"cancelled"|"completed",
 * "o": office, "fa": failed attempts, "lf": last failure, "e": the order
 * as an order.created event}, written and read by libpostroute
 * (pr_order_to_json, pr_order_from_json); a cancellation of an unknown
 * order leaves a tombstone without "e" so that a late, older creation
 * stays cancelled.
 *
 * The daemon is the only writer. It applies an event to memory first
 * (pr_orderbook_apply decides: newer version or no-op) and queues the
 * record and index writes into the batch's MULTI/EXEC, which also holds
 * the XACK of the batch's entries: the effect and the ack are atomic.
 * When a transaction fails the command connection is dropped, and after
 * reconnecting the memory is rebuilt from Redis and the pending entries
 * are read again, so memory never runs ahead of Redis for long.
 */

struct store {
	struct pr_orderbook ob;
};

struct store *
store_new(void)
{
	struct store *s = ecalloc(1, sizeof(*s));

	pr_orderbook_init(&s->ob);
	return s;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	pr_orderbook_clear(&s->ob);
	free(s);
}

const struct pr_orderbook *
store_orders(const struct store *s)
{
	return &s->ob;
}

int
store_office_of(const struct daemon *d, const struct pr_order *o)
{
	if (o->commune < 0 || o->commune >= d->region->n_communes)
		return -1;
	return d->region->communes[o->commune].office;
}

int
store_open_counts(const struct daemon *d, int *counts)
{
	const struct pr_orderbook *ob = &d->store->ob;
	int total = 0, k;

	for (int i = 0; i < d->region->n_offices; i++)
		counts[i] = 0;
	for (int i = 0; i < ob->n; i++)
		if (ob->orders[i].state == PR_ORDER_OPEN &&
		    (k = store_office_of(d, &ob->orders[i])) >= 0) {
			counts[k]++;
			total++;
		}
	return total;
}

int
store_apply(struct daemon *d, const struct pr_event *ev, struct txn *t,
    int *order, struct pr_error *err)
{
	struct pr_orderbook *ob = &d->store->ob;
	const struct pr_order *o;
	struct pr_contact contact;
	int i, old_office = -1, office, rc;
	char key[CONFIG_STR + 96], *rec;
	const char *argv[4];

	if (ev->office[0] != '\0' && pr_region_office(d->region,
	    ev->office) < 0) {
		snprintf(err->msg, sizeof(err->msg), "event.office: unknown "
		    "office \"%s\"", ev->office);
		return STORE_INVALID;
	}
	if ((i = pr_orderbook_find(ob, ev->order_id)) >= 0 &&
	    ob->orders[i].state == PR_ORDER_OPEN)
		old_office = store_office_of(d, &ob->orders[i]);
	rc = pr_orderbook_apply(ob, d->region, ev, err);
	if (rc < 0)
		return STORE_INVALID;
	if (rc == 1)
		return STORE_STALE;
	i = pr_orderbook_find(ob, ev->order_id);
	o = &ob->orders[i];
	*order = i;
	office = o->state == PR_ORDER_OPEN ? store_office_of(d, o) : -1;

	pr_orderbook_contact(ob, i, &contact);
	if ((rec = pr_order_to_json(d->region, o, &contact)) == NULL)
		fatalx("store: out of memory");
	daemon_key(d, key, sizeof(key), "orders");
	argv[0] = "HSET";
	argv[1] = key;
	argv[2] = o->id;
	argv[3] = rec;
	txn_add(t, 4, argv, NULL);
	free(rec);
	if (old_office >= 0 && old_office != office) {
		daemon_key(d, key, sizeof(key), "office:%s:open",
		    d->region->offices[old_office].id);
		argv[0] = "SREM";
		argv[2] = o->id;
		txn_add(t, 3, argv, NULL);
	}
	if (office >= 0) {
		daemon_key(d, key, sizeof(key), "office:%s:open",
		    d->region->offices[office].id);
		argv[0] = "SADD";
		argv[2] = o->id;
		txn_add(t, 3, argv, NULL);
	}
	return STORE_APPLIED;
}

static int
store_count_open(const struct store *s)
{
	int n = 0;

	for (int i = 0; i < s->ob.n; i++)
		n += s->ob.orders[i].state == PR_ORDER_OPEN;
	return n;
}

/* ---- rebuild ---------------------------------------------------------------------- */

struct store_scan {
	struct daemon *d;
	void (*done)(struct daemon *, int);
	long n, bad;
};

static void store_scan_next(struct store_scan *, const char *);

/* Loads one record into the order book. */
static int
store_load(struct daemon *d, const char *id, const char *rec, size_t len,
    struct pr_error *err)
{
	struct pr_order o;
	struct pr_contact c;

	if (pr_order_from_json(d->region, id, rec, len, &o, &c, err) != 0)
		return -1;
	pr_orderbook_put(&d->store->ob, &o, &c);
	return 0;
}

static void
store_scan_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct store_scan *sc = arg;
	struct daemon *d = sc->d;
	redisReply *kv;
	char cursor[32];

	(void)rc;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		if (r != NULL)
			log_warnx("store: HSCAN failed: %s",
			    r->type == REDIS_REPLY_ERROR ? r->str :
			    "unexpected reply");
		sc->done(d, 0);
		free(sc);
		return;
	}
	kv = r->element[1];
	for (size_t i = 0; i + 1 < kv->elements; i += 2) {
		struct pr_error err;

		memset(&err, 0, sizeof(err));
		if (kv->element[i]->type != REDIS_REPLY_STRING ||
		    kv->element[i + 1]->type != REDIS_REPLY_STRING ||
		    store_load(d, kv->element[i]->str,
		    kv->element[i + 1]->str, kv->element[i + 1]->len,
		    &err) != 0) {
			if (sc->bad++ < 5)
				log_warnx("store: unreadable record of order "
				    "\"%s\" ignored: %s",
				    kv->element[i]->type == REDIS_REPLY_STRING ?
				    kv->element[i]->str : "?", err.msg[0] ?
				    err.msg : "not a string");
			continue;
		}
		sc->n++;
	}
	scopy(cursor, r->element[0]->str, sizeof(cursor));
	if (strcmp(cursor, "0") == 0) {
		log_info("store: %ld orders loaded from Redis (%d open)", sc->n,
		    store_count_open(d->store));
		sc->done(d, 1);
		free(sc);
		return;
	}
	store_scan_next(sc, cursor);
}

static void
store_scan_next(struct store_scan *sc, const char *cursor)
{
	char key[CONFIG_STR + 16];
	const char *argv[5];

	daemon_key(sc->d, key, sizeof(key), "orders");
	argv[0] = "HSCAN";
	argv[1] = key;
	argv[2] = cursor;
	argv[3] = "COUNT";
	argv[4] = "2000";
	if (rconn_cmd(sc->d->cmd, store_scan_cb, sc, 0, 5, argv, NULL) != 0) {
		sc->done(sc->d, 0);
		free(sc);
	}
}

void
store_rebuild(struct daemon *d, void (*done)(struct daemon *, int))
{
	struct store_scan *sc = ecalloc(1, sizeof(*sc));

	pr_orderbook_clear(&d->store->ob);
	pr_orderbook_init(&d->store->ob);
	sc->d = d;
	sc->done = done;
	store_scan_next(sc, "0");
}
