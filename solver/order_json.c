/* order_json.c: an order's whole state (version, state, failed attempts, the order) as one JSON record, and back: what postrouted keeps per order in Redis. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event_json.h"
#include "json_text.h"
#include "util.h"
#include "postroute/order_json.h"

/*
 * One jansson document, written once: the order's event is built as an
 * object inside the record (event_to_object, the writer of
 * pr_event_to_json), not written out and spliced in, nor parsed back.
 * Reading takes the event object from the record and checks it as
 * pr_event_parse checks an event.
 */

static const char *const order_json_states[] = {
	"open", "cancelled", "completed"
};

char *
pr_order_to_json(const struct pr_region *r, const struct pr_order *o,
    const struct pr_contact *c)
{
	json_t *root = json_object(), *e;
	struct pr_event ev;
	char *s;
	int office;

	if (root == NULL)
		return NULL;
	json_object_set_new(root, "v", json_integer(o->version));
	json_object_set_new(root, "s",
	    json_string(order_json_states[o->state]));
	if (o->commune >= 0 && o->commune < r->n_communes &&
	    (office = r->communes[o->commune].office) >= 0)
		json_object_set_new(root, "o",
		    json_string(r->offices[office].id));
	json_object_set_new(root, "fa", json_integer(o->failed_attempts));
	if (o->last_failure[0] != '\0')
		json_object_set_new(root, "lf", json_string(o->last_failure));
	if (pr_event_from_order(r, o, c, &ev, NULL) == 0) {
		if ((e = event_to_object(&ev)) == NULL) {
			json_decref(root);
			return NULL;
		}
		json_object_set_new(root, "e", e);
	}
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	json_decref(root);
	return s;
}

/* The order of the record's event e (named id). */
static int
order_json_event(const struct pr_region *r, const char *id, json_t *e,
    struct pr_order *o, struct pr_contact *c, struct pr_error *err)
{
	struct pr_event ev;
	struct pr_error ee;

	memset(&ee, 0, sizeof(ee));
	if (event_from_object(e, &ev, &ee) != 0 ||
	    pr_order_from_event(r, &ev, o, &ee) != 0)
		return pr_seterr(err, PR_EINVAL, "record.e: %s", ee.msg);
	if (strcmp(ev.order_id, id) != 0)
		return pr_seterr(err, PR_EINVAL, "record.e.order_id: \"%s\", "
		    "not the record's order \"%s\"", ev.order_id, id);
	if (c != NULL)
		*c = ev.contact;
	return 0;
}

static int
order_json_read(const struct pr_region *r, const char *id, json_t *root,
    struct pr_order *o, struct pr_contact *c, struct pr_error *err)
{
	const char *st, *lf;
	json_t *e;

	memset(o, 0, sizeof(*o));
	if (c != NULL)
		memset(c, 0, sizeof(*c));
	if (!json_is_object(root))
		return pr_seterr(err, PR_EINVAL, "record: must be a JSON "
		    "object");
	if ((st = json_string_value(json_object_get(root, "s"))) == NULL)
		return pr_seterr(err, PR_EINVAL, "record.s: missing");
	if ((e = json_object_get(root, "e")) != NULL) {
		if (order_json_event(r, id, e, o, c, err) != 0)
			return PR_EINVAL;
	} else {
		/* A tombstone: a cancellation of an order never seen. */
		pr_strlcpy(o->id, id, sizeof(o->id));
		o->commune = -1;
		o->destination = -1;
		o->state = PR_ORDER_CANCELLED;
	}
	o->version = json_integer_value(json_object_get(root, "v"));
	if (o->version < 1)
		return pr_seterr(err, PR_EINVAL, "record.v: must be an "
		    "integer >= 1");
	if (strcmp(st, "cancelled") == 0)
		o->state = PR_ORDER_CANCELLED;
	else if (strcmp(st, "completed") == 0)
		o->state = PR_ORDER_COMPLETED;
	else if (strcmp(st, "open") == 0 && o->commune >= 0)
		o->state = PR_ORDER_OPEN;
	else
		return pr_seterr(err, PR_EINVAL, "record.s: \"%s\" is not "
		    "open, cancelled or completed (open needs \"e\")", st);
	o->failed_attempts =
	    (int)json_integer_value(json_object_get(root, "fa"));
	if ((lf = json_string_value(json_object_get(root, "lf"))) != NULL)
		pr_strlcpy(o->last_failure, lf, sizeof(o->last_failure));
	return 0;
}

int
pr_order_from_json(const struct pr_region *r, const char *id,
    const char *rec, size_t len, struct pr_order *o, struct pr_contact *c,
    struct pr_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(rec, len, 0, &je);
	char msg[JSON_ERROR_TEXT_LENGTH];
	int rc;

	/* The message does not quote the record: it holds a contact. */
	if (root == NULL)
		return pr_seterr(err, PR_EINVAL, "record: not JSON: %s "
		    "(column %d)", json_text_error(&je, msg, sizeof(msg)),
		    je.column);
	rc = order_json_read(r, id, root, o, c, err);
	json_decref(root);
	return rc;
}
