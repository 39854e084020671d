/* orderbook.h: orders, each one pickup at a farm household: from events, the current state of every order, and the event that recreates one. */
#ifndef POSTROUTE_ORDERBOOK_H
#define POSTROUTE_ORDERBOOK_H

/*
 * Weights are grams in orders (kilograms in events). An order book
 * belongs to one thread at a time; the region is only read.
 */

#include <stdint.h>

#include "postroute/event.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pr_order_state {
	PR_ORDER_OPEN = 0,
	PR_ORDER_CANCELLED = 1,
	PR_ORDER_COMPLETED = 2
};

struct pr_order {
	char id[PR_MAX_ID];
	int64_t version;
	enum pr_order_state state;
	int commune;             /* index into region communes */
	double lon, lat;         /* household, or the commune point */
	int has_location;
	int64_t weight_g;
	int perishable;
	int promise_h;
	int64_t placed;
	int64_t ready_from, ready_to; /* ready_to INT64_MAX when open */
	int destination;         /* index into region destinations */
	char product[PR_PRODUCT_LEN];
	int failed_attempts;
	char last_failure[64];
	/* The household's contact is not here: the order book keeps it
	 * (pr_orderbook_contact), packed, so that an order is half the size
	 * (a million open orders) and copies of orders (plan jobs) carry no
	 * personal data. */
};

/* Fills o from an order.created / order.updated event, checking commune
 * and destination against the region (ev->contact is not an order's: see
 * pr_orderbook_contact). Returns 0 or PR_EINVAL. */
PR_API int pr_order_from_event(const struct pr_region *r,
    const struct pr_event *ev, struct pr_order *o, struct pr_error *err);

/* Current order state from a stream of events (replays are idempotent:
 * an event whose version is not newer than the order's is ignored). */
struct pr_orderbook {
	int n, cap;
	struct pr_order *orders;
	char **contacts;         /* per order: its contact, packed, or NULL */
	int nbuckets;            /* open addressing on order id */
	int *buckets;
};
/* An empty order book; pr_orderbook_clear frees what it holds and leaves
 * it empty again. */
PR_API void pr_orderbook_init(struct pr_orderbook *ob);
PR_API void pr_orderbook_clear(struct pr_orderbook *ob);
/* Returns 0 when applied, 1 when ignored as stale or duplicate, or
 * PR_EINVAL (bad commune or destination, pickup for an unknown order). */
PR_API int pr_orderbook_apply(struct pr_orderbook *ob,
    const struct pr_region *r, const struct pr_event *ev, struct pr_error *err);
/* Index of the order with this id, or -1. */
PR_API int pr_orderbook_find(const struct pr_orderbook *ob, const char *id);
/* Stores a copy of o as it is (state, version, failed attempts and all),
 * and contact c (NULL: none), replacing an order with the same id
 * whatever its version: for restoring saved state, not for events.
 * Returns the order's index. */
PR_API int pr_orderbook_put(struct pr_orderbook *ob, const struct pr_order *o,
    const struct pr_contact *c);
/* The household's contact of order i (0 <= i < ob->n), as its last
 * order.created or order.updated event gave it (or as restored): into
 * *c, empty strings where none. */
PR_API void pr_orderbook_contact(const struct pr_orderbook *ob, int i,
    struct pr_contact *c);

/* The order.created event that recreates o with contact c (NULL: none)
 * (event_id "state", ts = placed_at, written with the region's offset):
 * what pr_order_from_event turns back into o, except the state and
 * failed attempts, which no event carries. Returns 0, or PR_EINVAL for a
 * tombstone (no commune or destination). */
PR_API int pr_event_from_order(const struct pr_region *r,
    const struct pr_order *o, const struct pr_contact *c,
    struct pr_event *ev, struct pr_error *err);

#ifdef __cplusplus
}
#endif

#endif
