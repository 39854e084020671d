/* order_json.h: an order's whole state (version, state, failed attempts, the order) as one JSON record, and back: what postrouted keeps per order in Redis. */
#ifndef POSTROUTE_ORDER_JSON_H
#define POSTROUTE_ORDER_JSON_H

#include <stddef.h>

#include "postroute/orderbook.h"
#include "postroute/postroute.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The record (docs/daemon.md, the orders hash), keys in this order:
 *   {"v": version, "s": "open"|"cancelled"|"completed",
 *    "o": the office of the order's commune (absent without a commune),
 *    "fa": failed pickup attempts, "lf": the last failure (absent when
 *    none), "e": the order as the order.created event that recreates it
 *    (pr_event_from_order; absent for a tombstone, a cancellation of an
 *    order never seen, which has no commune or destination)}
 * No event carries the state and the failed attempts: the record does.
 */

/* The record of o and its household's contact c (NULL: none): a new
 * string (one line, no newline) to free(), or NULL when out of memory.
 * Pure, any thread. */
PR_API char *pr_order_to_json(const struct pr_region *r,
    const struct pr_order *o, const struct pr_contact *c);

/* Reads the record of the order named id (rec, len bytes) into o and its
 * contact into *c (c may be NULL), checking its event against the
 * region. Returns 0, or PR_EINVAL with err naming the field ("record.s",
 * "record.e.commune", ...). Pure, any thread. */
PR_API int pr_order_from_json(const struct pr_region *r, const char *id,
    const char *rec, size_t len, struct pr_order *o, struct pr_contact *c,
    struct pr_error *err);

#ifdef __cplusplus
}
#endif

#endif
