/* orderbook.c: orders from events, and the current state of every order (idempotent replays). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "postroute/orderbook.h"

int
pr_order_from_event(const struct pr_region *r, const struct pr_event *ev,
    struct pr_order *o, struct pr_error *err)
{
	int c, d;

	if (ev->type != PR_EV_ORDER_CREATED && ev->type != PR_EV_ORDER_UPDATED)
		return pr_seterr(err, PR_EINVAL, "event.type: %s does not "
		    "describe an order", pr_event_type_name(ev->type));
	if ((c = pr_region_commune(r, ev->commune)) < 0)
		return pr_seterr(err, PR_EINVAL, "event.commune: unknown "
		    "commune \"%s\" in region %s", ev->commune, r->name);
	if ((d = pr_region_destination(r, ev->destination)) < 0)
		return pr_seterr(err, PR_EINVAL, "event.destination: unknown "
		    "destination \"%s\"", ev->destination);
	memset(o, 0, sizeof(*o));
	pr_strlcpy(o->id, ev->order_id, sizeof(o->id));
	o->version = ev->version;
	o->state = PR_ORDER_OPEN;
	o->commune = c;
	o->has_location = ev->has_location;
	o->lon = ev->has_location ? ev->lon : r->communes[c].lon;
	o->lat = ev->has_location ? ev->lat : r->communes[c].lat;
	o->weight_g = llround(ev->weight_kg * 1000);
	o->perishable = ev->perishable;
	o->promise_h = ev->promise_hours;
	o->placed = ev->placed_at;
	o->ready_from = ev->ready_from;
	o->ready_to = ev->ready_to;
	o->destination = d;
	pr_strlcpy(o->product, ev->product, sizeof(o->product));
	return 0;
}

int
pr_event_from_order(const struct pr_region *r, const struct pr_order *o,
    const struct pr_contact *c, struct pr_event *ev, struct pr_error *err)
{
	if (o->commune < 0 || o->commune >= r->n_communes ||
	    o->destination < 0 || o->destination >= r->n_destinations)
		return pr_seterr(err, PR_EINVAL, "order %s: no commune or "
		    "destination (a tombstone)", o->id);
	memset(ev, 0, sizeof(*ev));
	ev->type = PR_EV_ORDER_CREATED;
	pr_strlcpy(ev->event_id, "state", sizeof(ev->event_id));
	pr_strlcpy(ev->order_id, o->id, sizeof(ev->order_id));
	ev->version = o->version;
	ev->ts = o->placed;
	ev->ts_offset = r->utc_offset;
	pr_strlcpy(ev->commune, r->communes[o->commune].code,
	    sizeof(ev->commune));
	ev->has_location = o->has_location;
	ev->lon = o->lon;
	ev->lat = o->lat;
	ev->weight_kg = (double)o->weight_g / 1000.0;
	ev->perishable = o->perishable;
	ev->promise_hours = o->promise_h;
	ev->placed_at = o->placed;
	ev->ready_from = o->ready_from;
	ev->ready_to = o->ready_to;
	pr_strlcpy(ev->destination, r->destinations[o->destination].id,
	    sizeof(ev->destination));
	pr_strlcpy(ev->product, o->product, sizeof(ev->product));
	if (c != NULL)
		ev->contact = *c;
	return 0;
}

/* A contact packed: "name\0phone\0address\0" in a new string, or NULL
 * for none (every field empty). */
static char *
orderbook_pack(const struct pr_contact *c)
{
	size_t a, b, d;
	char *s;

	if (c == NULL || (c->name[0] == '\0' && c->phone[0] == '\0' &&
	    c->address[0] == '\0'))
		return NULL;
	a = strlen(c->name) + 1;
	b = strlen(c->phone) + 1;
	d = strlen(c->address) + 1;
	s = xmalloc(a + b + d);
	memcpy(s, c->name, a);
	memcpy(s + a, c->phone, b);
	memcpy(s + a + b, c->address, d);
	return s;
}

void
pr_orderbook_contact(const struct pr_orderbook *ob, int i,
    struct pr_contact *c)
{
	const char *s = i >= 0 && i < ob->n ? ob->contacts[i] : NULL;

	memset(c, 0, sizeof(*c));
	if (s == NULL)
		return;
	pr_strlcpy(c->name, s, sizeof(c->name));
	s += strlen(s) + 1;
	pr_strlcpy(c->phone, s, sizeof(c->phone));
	s += strlen(s) + 1;
	pr_strlcpy(c->address, s, sizeof(c->address));
}

static void
orderbook_set_contact(struct pr_orderbook *ob, int i,
    const struct pr_contact *c)
{
	free(ob->contacts[i]);
	ob->contacts[i] = orderbook_pack(c);
}

void
pr_orderbook_init(struct pr_orderbook *ob)
{
	memset(ob, 0, sizeof(*ob));
}

void
pr_orderbook_clear(struct pr_orderbook *ob)
{
	for (int i = 0; i < ob->n; i++)
		free(ob->contacts[i]);
	free(ob->contacts);
	free(ob->orders);
	free(ob->buckets);
	memset(ob, 0, sizeof(*ob));
}

static uint32_t
orderbook_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
orderbook_rehash(struct pr_orderbook *ob)
{
	int nb = ob->nbuckets ? ob->nbuckets * 2 : 64;

	free(ob->buckets);
	ob->buckets = xmalloc((size_t)nb * sizeof(int));
	for (int i = 0; i < nb; i++)
		ob->buckets[i] = -1;
	ob->nbuckets = nb;
	for (int i = 0; i < ob->n; i++) {
		uint32_t h = orderbook_hash(ob->orders[i].id) &
		    (uint32_t)(nb - 1);

		while (ob->buckets[h] >= 0)
			h = (h + 1) & (uint32_t)(nb - 1);
		ob->buckets[h] = i;
	}
}

int
pr_orderbook_find(const struct pr_orderbook *ob, const char *id)
{
	uint32_t h, mask;

	if (ob->nbuckets == 0)
		return -1;
	mask = (uint32_t)ob->nbuckets - 1;
	for (h = orderbook_hash(id) & mask; ob->buckets[h] >= 0;
	    h = (h + 1) & mask)
		if (strcmp(ob->orders[ob->buckets[h]].id, id) == 0)
			return ob->buckets[h];
	return -1;
}

static int
orderbook_add(struct pr_orderbook *ob, const struct pr_order *o,
    const struct pr_contact *c)
{
	uint32_t h, mask;

	if (ob->n == ob->cap) {
		ob->cap = ob->cap ? ob->cap * 2 : 64;
		ob->orders = xreallocarray(ob->orders, (size_t)ob->cap,
		    sizeof(*ob->orders));
		ob->contacts = xreallocarray(ob->contacts, (size_t)ob->cap,
		    sizeof(*ob->contacts));
	}
	ob->orders[ob->n] = *o;
	ob->contacts[ob->n] = orderbook_pack(c);
	ob->n++;
	if (ob->n * 2 > ob->nbuckets) {
		orderbook_rehash(ob);
		return ob->n - 1;
	}
	mask = (uint32_t)ob->nbuckets - 1;
	for (h = orderbook_hash(o->id) & mask; ob->buckets[h] >= 0;
	    h = (h + 1) & mask)
		;
	ob->buckets[h] = ob->n - 1;
	return ob->n - 1;
}

int
pr_orderbook_put(struct pr_orderbook *ob, const struct pr_order *o,
    const struct pr_contact *c)
{
	int i = pr_orderbook_find(ob, o->id);

	if (i >= 0) {
		ob->orders[i] = *o;
		orderbook_set_contact(ob, i, c);
		return i;
	}
	return orderbook_add(ob, o, c);
}

int
pr_orderbook_apply(struct pr_orderbook *ob, const struct pr_region *r,
    const struct pr_event *ev, struct pr_error *err)
{
	int i;
	struct pr_order o, *cur;

	if (ev->type == PR_EV_CLOCK_TICK)
		return pr_seterr(err, PR_EINVAL, "event.type: clock.tick "
		    "changes no order");
	i = pr_orderbook_find(ob, ev->order_id);
	cur = i >= 0 ? &ob->orders[i] : NULL;
	if (cur != NULL && ev->version <= cur->version)
		return 1;
	switch (ev->type) {
	case PR_EV_ORDER_CREATED:
	case PR_EV_ORDER_UPDATED:
		if (pr_order_from_event(r, ev, &o, err))
			return PR_EINVAL;
		if (cur != NULL) {
			o.failed_attempts = cur->failed_attempts;
			memcpy(o.last_failure, cur->last_failure,
			    sizeof(o.last_failure));
			*cur = o;
			orderbook_set_contact(ob, i, &ev->contact);
		} else {
			orderbook_add(ob, &o, &ev->contact);
		}
		return 0;
	case PR_EV_ORDER_CANCELLED:
		if (cur == NULL) {
			/* A tombstone, so that a late, older creation of
			 * the same order stays cancelled. */
			memset(&o, 0, sizeof(o));
			pr_strlcpy(o.id, ev->order_id, sizeof(o.id));
			o.commune = -1;
			o.destination = -1;
			o.version = ev->version;
			o.state = PR_ORDER_CANCELLED;
			orderbook_add(ob, &o, NULL);
			return 0;
		}
		cur->state = PR_ORDER_CANCELLED;
		cur->version = ev->version;
		return 0;
	case PR_EV_PICKUP_COMPLETED:
	case PR_EV_PICKUP_FAILED:
		if (cur == NULL)
			return pr_seterr(err, PR_EINVAL, "event.order_id: "
			    "unknown order \"%s\"", ev->order_id);
		cur->version = ev->version;
		if (ev->type == PR_EV_PICKUP_COMPLETED) {
			cur->state = PR_ORDER_COMPLETED;
		} else {
			cur->failed_attempts++;
			pr_strlcpy(cur->last_failure, ev->reason,
			    sizeof(cur->last_failure));
		}
		return 0;
	case PR_EV_CLOCK_TICK:
		break;
	}
	return pr_seterr(err, PR_EINVAL, "event.type: unknown");
}
