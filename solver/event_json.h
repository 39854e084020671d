/* event_json.h: one event as a jansson object and back, for the readers and writers inside libpostroute (private). */
#ifndef POSTROUTE_EVENT_JSON_H
#define POSTROUTE_EVENT_JSON_H

#include <jansson.h>

#include "postroute/event.h"

/* The event as a new jansson object (what pr_event_to_json writes), or
 * NULL when out of memory. */
json_t *event_to_object(const struct pr_event *ev);
/* An event from a parsed object: the checks of pr_event_parse after the
 * text is read. Returns 0 or PR_EINVAL with err naming the field. Shared
 * with order_json.c, which keeps events inside order records. */
int event_from_object(json_t *root, struct pr_event *ev,
    struct pr_error *err);

#endif
