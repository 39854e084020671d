/* event.c: order events: parsing and validating one JSON object, writing one back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "contact.h"
#include "event_json.h"
#include "field.h"
#include "json_text.h"
#include "postroute/event.h"
#include "postroute/time.h"

/* The format is written out in docs/events.md; keep the two in step. */

static const char *const event_names[] = {
	"order.created", "order.updated", "order.cancelled",
	"pickup.completed", "pickup.failed", "clock.tick"
};

const char *
pr_event_type_name(enum pr_event_type t)
{
	if ((int)t < 0 || (int)t > PR_EV_CLOCK_TICK)
		return "unknown";
	return event_names[t];
}

/*
 * The oldest instant an event may name: 2000-01-01T00:00:00Z. Nothing of
 * the marketplace is older; an older time is a producer's zero or
 * garbage, which would make an order look years late.
 */
#define EVENT_MIN_TIME INT64_C(946684800)
/* The largest version: what a double still holds exactly (producers in
 * JavaScript); a version near INT64_MAX would make the order unchangeable
 * for ever, since no later event could be newer. */
#define EVENT_MAX_VERSION (INT64_C(1) << 53)

static int
event_time(json_t *obj, const char *key, const char *path, int required,
    int64_t *out, int *offset, struct pr_error *err)
{
	json_t *v = json_object_get(obj, key);
	int64_t t;

	if (v == NULL) {
		if (required)
			return pr_seterr(err, PR_EINVAL, "%s%s: missing", path,
			    key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > 40 ||
	    pr_time_parse(json_string_value(v), &t, offset))
		return pr_seterr(err, PR_EINVAL, "%s%s: must be an ISO 8601 "
		    "time with an offset, like \"2026-08-20T09:15:00+07:00\"",
		    path, key);
	if (t < EVENT_MIN_TIME)
		return pr_seterr(err, PR_EINVAL, "%s%s: %s is before "
		    "2000-01-01", path, key, json_string_value(v));
	*out = t;
	return 0;
}

static int
event_order_fields(json_t *root, struct pr_event *ev,
    struct pr_error *err)
{
	json_t *v;
	double w;

	if (field_str(root, "commune", "event", 1, ev->commune,
	    sizeof(ev->commune), err))
		return PR_EINVAL;
	if (strlen(ev->commune) != 5 ||
	    strspn(ev->commune, "0123456789") != 5)
		return pr_seterr(err, PR_EINVAL, "event.commune: must be a "
		    "5-digit GSO code");
	if ((v = json_object_get(root, "location")) != NULL) {
		if (field_point(root, "location", "event", 1, &ev->lon,
		    &ev->lat, err))
			return PR_EINVAL;
		ev->has_location = 1;
	}
	if ((v = json_object_get(root, "weight_kg")) == NULL)
		return pr_seterr(err, PR_EINVAL, "event.weight_kg: missing");
	if (!json_is_number(v))
		return pr_seterr(err, PR_EINVAL, "event.weight_kg: must be a "
		    "number");
	w = json_number_value(v);
	if (!(w > 0 && w <= PR_MAX_WEIGHT_KG))
		return pr_seterr(err, PR_EINVAL, "event.weight_kg: %g is "
		    "outside (0, %g]", w, PR_MAX_WEIGHT_KG);
	ev->weight_kg = w;
	if ((v = json_object_get(root, "perishable")) != NULL) {
		if (!json_is_boolean(v))
			return pr_seterr(err, PR_EINVAL, "event.perishable: "
			    "must be true or false");
		ev->perishable = json_is_true(v);
	}
	if ((v = json_object_get(root, "promise_hours")) == NULL)
		return pr_seterr(err, PR_EINVAL, "event.promise_hours: "
		    "missing");
	if (!json_is_integer(v) || (json_integer_value(v) != 24 &&
	    json_integer_value(v) != 48))
		return pr_seterr(err, PR_EINVAL, "event.promise_hours: must be "
		    "24 or 48");
	ev->promise_hours = (int)json_integer_value(v);
	ev->placed_at = ev->ts;
	if (event_time(root, "placed_at", "event.", 0, &ev->placed_at,
	    NULL, err))
		return PR_EINVAL;
	ev->ready_from = ev->placed_at;
	ev->ready_to = INT64_MAX;
	if ((v = json_object_get(root, "ready")) != NULL) {
		if (!json_is_object(v))
			return pr_seterr(err, PR_EINVAL, "event.ready: must be "
			    "an object {\"from\": ..., \"to\": ...}");
		if (event_time(v, "from", "event.ready.", 1,
		    &ev->ready_from, NULL, err) ||
		    event_time(v, "to", "event.ready.", 0, &ev->ready_to,
		    NULL, err))
			return PR_EINVAL;
		if (ev->ready_to < ev->ready_from)
			return pr_seterr(err, PR_EINVAL, "event.ready.to: "
			    "before ready.from");
	}
	if (field_str(root, "destination", "event", 1, ev->destination,
	    sizeof(ev->destination), err))
		return PR_EINVAL;
	pr_strlcpy(ev->product, "parcel", sizeof(ev->product));
	if (field_str(root, "product", "event", 0, ev->product,
	    sizeof(ev->product), err))
		return PR_EINVAL;
	if ((v = json_object_get(root, "contact")) != NULL &&
	    contact_from_object(v, "event.contact", &ev->contact, err))
		return PR_EINVAL;
	return 0;
}

/*
 * The deepest nesting of [ and { outside strings. An event is at most
 * three levels deep (the object, "ready", "location"); jansson builds
 * every level of a "[[[[..." before it gives up at 2048, which made such
 * entries the slowest to dead-letter.
 */
#define PR_EVENT_MAX_DEPTH 8

static int
event_json_depth(const char *s, size_t len, int limit)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > limit)
				return depth;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return depth < 0 ? 0 : depth;
}

int
pr_event_parse(const char *json, size_t len, struct pr_event *ev,
    struct pr_error *err)
{
	json_error_t je;
	json_t *root;
	char path[96], msg[JSON_ERROR_TEXT_LENGTH];
	const char *why;
	size_t at;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->ready_to = INT64_MAX;
	if (len > PR_EVENT_MAX_BYTES)
		return pr_seterr(err, PR_EINVAL, "event: %zu bytes, more than "
		    "%d", len, PR_EVENT_MAX_BYTES);
	if (event_json_depth(json, len, PR_EVENT_MAX_DEPTH) >
	    PR_EVENT_MAX_DEPTH)
		return pr_seterr(err, PR_EINVAL, "event: nested deeper than %d "
		    "levels", PR_EVENT_MAX_DEPTH);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		/* Name the field of a string jansson could not take; never
		 * quote the text (json_text.h). */
		if ((why = json_text_bad_string(json, len, path, sizeof(path),
		    &at)) != NULL && je.position >= 0 &&
		    at <= (size_t)je.position)
			return pr_seterr(err, PR_EINVAL, "event%s%s: %s",
			    path[0] != '\0' ? "." : "", path, why);
		return pr_seterr(err, PR_EINVAL, "event: not JSON: %s "
		    "(column %d)", json_text_error(&je, msg, sizeof(msg)),
		    je.column);
	}
	rc = event_from_object(root, ev, err);
	json_decref(root);
	return rc;
}

int
event_from_object(json_t *root, struct pr_event *ev, struct pr_error *err)
{
	json_t *v;
	char type[32];
	int rc = PR_EINVAL;

	memset(ev, 0, sizeof(*ev));
	ev->ready_to = INT64_MAX;
	if (!json_is_object(root)) {
		pr_seterr(err, PR_EINVAL, "event: must be a JSON object");
		goto out;
	}
	if (field_str(root, "type", "event", 1, type, sizeof(type), err))
		goto out;
	for (int t = 0; t <= PR_EV_CLOCK_TICK; t++)
		if (strcmp(type, event_names[t]) == 0) {
			ev->type = (enum pr_event_type)t;
			rc = 0;
		}
	if (rc != 0) {
		pr_seterr(err, PR_EINVAL, "event.type: unknown type \"%s\"",
		    type);
		goto out;
	}
	rc = PR_EINVAL;
	if (field_str(root, "event_id", "event", 1, ev->event_id,
	    sizeof(ev->event_id), err))
		goto out;
	if (ev->type == PR_EV_CLOCK_TICK) {
		/* a clock: when, and nothing else */
		if (event_time(root, "ts", "event.", 1, &ev->ts,
		    &ev->ts_offset, err))
			goto out;
		rc = 0;
		goto out;
	}
	if (field_str(root, "order_id", "event", 1, ev->order_id,
	    sizeof(ev->order_id), err))
		goto out;
	if ((v = json_object_get(root, "version")) == NULL) {
		pr_seterr(err, PR_EINVAL, "event.version: missing");
		goto out;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		pr_seterr(err, PR_EINVAL, "event.version: must be an integer "
		    ">= 1");
		goto out;
	}
	if (json_integer_value(v) > EVENT_MAX_VERSION) {
		pr_seterr(err, PR_EINVAL, "event.version: %lld is larger than "
		    "2^53 (%lld)", (long long)json_integer_value(v),
		    (long long)EVENT_MAX_VERSION);
		goto out;
	}
	ev->version = json_integer_value(v);
	if (event_time(root, "ts", "event.", 1, &ev->ts, &ev->ts_offset,
	    err))
		goto out;
	switch (ev->type) {
	case PR_EV_ORDER_CREATED:
	case PR_EV_ORDER_UPDATED:
		if (event_order_fields(root, ev, err))
			goto out;
		break;
	case PR_EV_ORDER_CANCELLED:
		if (field_str(root, "reason", "event", 0, ev->reason,
		    sizeof(ev->reason), err))
			goto out;
		break;
	case PR_EV_PICKUP_COMPLETED:
	case PR_EV_PICKUP_FAILED:
		if (field_str(root, "office", "event", 0, ev->office,
		    sizeof(ev->office), err) ||
		    field_str(root, "vehicle", "event", 0, ev->vehicle,
		    sizeof(ev->vehicle), err) ||
		    field_str(root, "reason", "event", 0, ev->reason,
		    sizeof(ev->reason), err))
			goto out;
		if (ev->type == PR_EV_PICKUP_FAILED && ev->reason[0] == '\0')
			pr_strlcpy(ev->reason, "unspecified",
			    sizeof(ev->reason));
		break;
	case PR_EV_CLOCK_TICK:
		break;
	}
	rc = 0;
out:
	return rc;
}

static json_t *
event_json_time(int64_t t, int offset)
{
	char buf[40];

	pr_time_format(t, offset, buf, sizeof(buf));
	return json_string(buf);
}

/* Rounds so that the printed number is short and stable. */
static json_t *
event_json_real(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

char *
pr_event_to_json(const struct pr_event *ev)
{
	json_t *o = event_to_object(ev);
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	json_decref(o);
	return s;
}

json_t *
event_to_object(const struct pr_event *ev)
{
	json_t *o = json_object(), *a;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "type",
	    json_string(pr_event_type_name(ev->type)));
	json_object_set_new(o, "event_id", json_string(ev->event_id));
	if (ev->type == PR_EV_CLOCK_TICK) {
		json_object_set_new(o, "ts", event_json_time(ev->ts,
		    ev->ts_offset));
		return o;
	}
	json_object_set_new(o, "order_id", json_string(ev->order_id));
	json_object_set_new(o, "version", json_integer(ev->version));
	json_object_set_new(o, "ts", event_json_time(ev->ts, ev->ts_offset));
	switch (ev->type) {
	case PR_EV_ORDER_CREATED:
	case PR_EV_ORDER_UPDATED:
		json_object_set_new(o, "commune", json_string(ev->commune));
		if (ev->has_location) {
			a = json_array();
			json_array_append_new(a,
			    event_json_real(ev->lon, 1e6));
			json_array_append_new(a,
			    event_json_real(ev->lat, 1e6));
			json_object_set_new(o, "location", a);
		}
		json_object_set_new(o, "weight_kg",
		    event_json_real(ev->weight_kg, 1e3));
		json_object_set_new(o, "perishable",
		    json_boolean(ev->perishable));
		json_object_set_new(o, "promise_hours",
		    json_integer(ev->promise_hours));
		if (ev->placed_at != ev->ts)
			json_object_set_new(o, "placed_at",
			    event_json_time(ev->placed_at, ev->ts_offset));
		a = json_object();
		json_object_set_new(a, "from",
		    event_json_time(ev->ready_from, ev->ts_offset));
		if (ev->ready_to != INT64_MAX)
			json_object_set_new(a, "to",
			    event_json_time(ev->ready_to, ev->ts_offset));
		json_object_set_new(o, "ready", a);
		json_object_set_new(o, "destination",
		    json_string(ev->destination));
		json_object_set_new(o, "product", json_string(ev->product));
		if ((a = contact_to_object(&ev->contact)) != NULL)
			json_object_set_new(o, "contact", a);
		break;
	case PR_EV_ORDER_CANCELLED:
		if (ev->reason[0] != '\0')
			json_object_set_new(o, "reason",
			    json_string(ev->reason));
		break;
	case PR_EV_PICKUP_COMPLETED:
	case PR_EV_PICKUP_FAILED:
		if (ev->office[0] != '\0')
			json_object_set_new(o, "office",
			    json_string(ev->office));
		if (ev->vehicle[0] != '\0')
			json_object_set_new(o, "vehicle",
			    json_string(ev->vehicle));
		if (ev->reason[0] != '\0')
			json_object_set_new(o, "reason",
			    json_string(ev->reason));
		break;
	case PR_EV_CLOCK_TICK:
		break;
	}
	return o;
}
