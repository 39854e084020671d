/* store.h: order state: the in-memory order book and its durable copy in Redis (one hash of records, an index of open orders per office). */
#ifndef POSTROUTED_STORE_H
#define POSTROUTED_STORE_H

#include "postroute/domain.h"

struct daemon;
struct txn;

enum store_result {
	STORE_APPLIED = 0,
	STORE_STALE = 1,
	STORE_INVALID = -1
};

struct store *store_new(void);
void store_free(struct store *s);
/* Applies ev in memory and adds its Redis writes to t. *order gets the
 * order's index in the book (applied). STORE_INVALID fills err. */
int store_apply(struct daemon *d, const struct pr_event *ev, struct txn *t,
    int *order, struct pr_error *err);
/* Forgets everything and reloads it from Redis (HSCAN of the orders
 * hash) on the command connection; done(d, ok) afterwards. */
void store_rebuild(struct daemon *d, void (*done)(struct daemon *, int ok));
/* The order book (read-only outside store.c). */
const struct pr_orderbook *store_orders(const struct store *s);
/* The office that picks an order up (its commune's office), or -1. */
int store_office_of(const struct daemon *d, const struct pr_order *o);
/* Open orders per office into counts[n_offices]; returns the total. */
int store_open_counts(const struct daemon *d, int *counts);

#endif
