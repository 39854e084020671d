/* event.h: order events (docs/events.md): one JSON object each, parsed and validated into struct pr_event, and written back. */
#ifndef POSTROUTE_EVENT_H
#define POSTROUTE_EVENT_H

/*
 * Instants are epoch seconds (postroute/time.h); weights are kilograms in
 * events. Pure and reentrant: any thread may parse events concurrently.
 */

#include <stddef.h>
#include <stdint.h>

#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_EVENT_MAX_BYTES 4096  /* larger events are rejected */
#define PR_MAX_WEIGHT_KG 30.0    /* Vietnam Post's limit for one parcel */
#define PR_PRODUCT_LEN 32
/* A household's contact: bytes of UTF-8 at most, and the NUL. */
#define PR_CONTACT_NAME_LEN 81     /* 80 bytes */
#define PR_CONTACT_PHONE_LEN 21    /* 20 bytes */
#define PR_CONTACT_ADDRESS_LEN 161 /* 160 bytes */

/*
 * Who to ask for at a pickup (the optional "contact" of order.created and
 * order.updated, docs/events.md): personal data, for the dispatcher and
 * the driver only; never written to a log. "" where not given. Valid
 * UTF-8 without control characters; the phone a plausible number.
 */
struct pr_contact {
	char name[PR_CONTACT_NAME_LEN];
	char phone[PR_CONTACT_PHONE_LEN];
	char address[PR_CONTACT_ADDRESS_LEN];
};

enum pr_event_type {
	PR_EV_ORDER_CREATED = 0,
	PR_EV_ORDER_UPDATED = 1,
	PR_EV_ORDER_CANCELLED = 2,
	PR_EV_PICKUP_COMPLETED = 3,
	PR_EV_PICKUP_FAILED = 4,
	PR_EV_CLOCK_TICK = 5     /* no order: the producer's clock says ts */
};

struct pr_event {
	enum pr_event_type type;
	char event_id[PR_MAX_ID];
	char order_id[PR_MAX_ID];
	int64_t version;         /* >= 1; not newer than stored: a no-op */
	int64_t ts;
	int ts_offset;           /* the offset ts was written with */
	/* order.created and order.updated */
	char commune[PR_CODE_LEN];
	int has_location;
	double lon, lat;
	double weight_kg;
	int perishable;
	int promise_hours;       /* 24 or 48 */
	int64_t placed_at;       /* defaults to ts */
	int64_t ready_from;      /* defaults to placed_at */
	int64_t ready_to;        /* INT64_MAX when open */
	char destination[PR_MAX_ID];
	char product[PR_PRODUCT_LEN];
	struct pr_contact contact;
	/* clock.tick carries only type, event_id and ts (order_id and
	 * version are optional and ignored): a simulation's clock, for a
	 * consumer that plans at the time of its events. */
	/* pickup.completed and pickup.failed (optional) */
	char office[PR_MAX_ID];
	char vehicle[PR_MAX_ID];
	char reason[64];
};

/* "order.created", ...; "unknown" out of range. A static string. */
PR_API const char *pr_event_type_name(enum pr_event_type t);

/* Parses and validates one event (a JSON object, at most
 * PR_EVENT_MAX_BYTES). Returns 0, or PR_EINVAL with err naming the field.
 * Checks the format only; pr_order_from_event checks it against a region. */
PR_API int pr_event_parse(const char *json, size_t len, struct pr_event *ev,
    struct pr_error *err);
/* One event as a JSON line (no newline): a new string the caller frees
 * with free(), or NULL when out of memory. Keys in a fixed order, so
 * output is reproducible. */
PR_API char *pr_event_to_json(const struct pr_event *ev);

#ifdef __cplusplus
}
#endif

#endif
