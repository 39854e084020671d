/* event.c: a stream entry's bytes -> a validated struct pr_event, or the one-line reason it goes to the dead-letter stream. */
#include <stdio.h>
#include <string.h>

#include "event.h"

/*
 * The format checks are the domain's (pr_event_parse, docs/events.md):
 * JSON object, known type, every field present and of the right type,
 * weight within (0, 30] kg. Checks against the region (commune,
 * destination, office, pickups of unknown orders) happen when the event
 * is applied (store_apply), where the order book is at hand.
 */
int
event_decode(const char *payload, size_t len, size_t max_bytes,
    struct pr_event *ev, char *reason, size_t n)
{
	struct pr_error err;

	if (payload == NULL) {
		snprintf(reason, n, "entry has no \"event\" field");
		return -1;
	}
	if (len > max_bytes) {
		snprintf(reason, n, "entry of %zu bytes, more than %zu", len,
		    max_bytes);
		return -1;
	}
	if (memchr(payload, '\0', len) != NULL) {
		snprintf(reason, n, "entry contains a NUL byte");
		return -1;
	}
	memset(&err, 0, sizeof(err));
	if (pr_event_parse(payload, len, ev, &err) != 0) {
		snprintf(reason, n, "%s", err.msg[0] ? err.msg : "invalid event");
		return -1;
	}
	return 0;
}
