/* store.c: order state: the in-memory order book and its durable copy in Redis (one hash of orders, an index of open orders per office). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
 * as an order.created event}; a cancellation of an unknown order leaves a
 * tombstone without "e" so that a late, older creation stays cancelled.
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

/* ---- records ------------------------------------------------------------------ */

static const char *const store_state_names[] = {
	"open", "cancelled", "completed"
};

/* The order as the order.created event that recreates it. */
static char *
store_order_event(const struct pr_region *r, const struct pr_order *o)
{
	struct pr_event ev;

	if (pr_event_from_order(r, o, &ev, NULL) != 0)
		return NULL;
	return pr_event_to_json(&ev);
}

/* Appends s as a JSON string (quotes, escapes) at p; returns the end.
 * Room: 6 bytes per byte of s, plus 2. */
static char *
store_json_str(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 15];
			p += 6;
		} else
			*p++ = (char)c;
	}
	*p++ = '"';
	return p;
}

/*
 * The record, written directly: the order's event (already JSON text
 * from pr_event_to_json) is spliced in, not parsed and dumped again, which
 * took a third of the event loop's time at full ingest speed.
 */
static char *
store_record(const struct daemon *d, const struct pr_order *o)
{
	int office = store_office_of(d, o);
	const char *oid = office >= 0 ? d->region->offices[office].id : NULL;
	char *ej = NULL, *rec, *p;
	size_t need = 96;

	if (o->commune >= 0 && o->destination >= 0)
		ej = store_order_event(d->region, o);
	need += ej != NULL ? strlen(ej) : 0;
	need += oid != NULL ? 6 * strlen(oid) : 0;
	need += 6 * strlen(o->last_failure);
	p = rec = emalloc(need);
	p += sprintf(p, "{\"v\":%lld,\"s\":\"%s\"", (long long)o->version,
	    store_state_names[o->state]);
	if (oid != NULL) {
		memcpy(p, ",\"o\":", 5);
		p = store_json_str(p + 5, oid);
	}
	p += sprintf(p, ",\"fa\":%d", o->failed_attempts);
	if (o->last_failure[0] != '\0') {
		memcpy(p, ",\"lf\":", 6);
		p = store_json_str(p + 6, o->last_failure);
	}
	if (ej != NULL) {
		size_t n = strlen(ej);

		memcpy(p, ",\"e\":", 5);
		memcpy(p + 5, ej, n);
		p += 5 + n;
		free(ej);
	}
	*p++ = '}';
	*p = '\0';
	return rec;
}

int
store_apply(struct daemon *d, const struct pr_event *ev, struct txn *t,
    int *order, struct pr_error *err)
{
	struct pr_orderbook *ob = &d->store->ob;
	const struct pr_order *o;
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

	rec = store_record(d, o);
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
store_load(struct daemon *d, const char *id, const char *rec, size_t len)
{
	struct pr_orderbook *ob = &d->store->ob;
	json_t *root = json_loadb(rec, len, 0, NULL), *e;
	struct pr_order o;
	struct pr_event ev;
	struct pr_error err;
	const char *st, *lf;
	char *ej;
	int i, rc = -1;

	if (root == NULL)
		return -1;
	st = json_string_value(json_object_get(root, "s"));
	if (st == NULL)
		goto out;
	memset(&o, 0, sizeof(o));
	if ((e = json_object_get(root, "e")) != NULL) {
		if ((ej = json_dumps(e, JSON_COMPACT)) == NULL)
			goto out;
		i = pr_event_parse(ej, strlen(ej), &ev, &err);
		free(ej);
		if (i != 0 || strcmp(ev.order_id, id) != 0 ||
		    pr_order_from_event(d->region, &ev, &o, &err) != 0)
			goto out;
	} else {
		/* A tombstone: a cancellation of an order never seen. */
		scopy(o.id, id, sizeof(o.id));
		o.commune = -1;
		o.destination = -1;
		o.state = PR_ORDER_CANCELLED;
	}
	o.version = json_integer_value(json_object_get(root, "v"));
	if (o.version < 1)
		goto out;
	if (strcmp(st, "cancelled") == 0)
		o.state = PR_ORDER_CANCELLED;
	else if (strcmp(st, "completed") == 0)
		o.state = PR_ORDER_COMPLETED;
	else if (strcmp(st, "open") == 0 && o.commune >= 0)
		o.state = PR_ORDER_OPEN;
	else
		goto out;
	o.failed_attempts =
	    (int)json_integer_value(json_object_get(root, "fa"));
	if ((lf = json_string_value(json_object_get(root, "lf"))) != NULL)
		scopy(o.last_failure, lf, sizeof(o.last_failure));
	pr_orderbook_put(ob, &o);
	rc = 0;
out:
	json_decref(root);
	return rc;
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
		if (kv->element[i]->type != REDIS_REPLY_STRING ||
		    kv->element[i + 1]->type != REDIS_REPLY_STRING ||
		    store_load(d, kv->element[i]->str,
		    kv->element[i + 1]->str, kv->element[i + 1]->len) != 0) {
			if (sc->bad++ < 5)
				log_warnx("store: unreadable record of order "
				    "\"%s\" ignored", kv->element[i]->type ==
				    REDIS_REPLY_STRING ? kv->element[i]->str :
				    "?");
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
