/* fuzz_event.c: fuzz target for pr_event_parse (stream entries from the marketplace, docs/events.md). */
#include <stdlib.h>
#include <string.h>

#include "postroute/event.h"
#include "postroute/postroute.h"
#include "fuzz.h"

/*
 * Properties beyond "no crash, no leak, no out-of-bounds read" (the input
 * is not NUL-terminated, as a stream entry is not):
 *   - a rejection fills err with a NUL-terminated, non-empty message;
 *   - an accepted event, written back with pr_event_to_json, parses again
 *     to the same type, ids, version and contact (what postroute-sim and
 *     the order records rely on).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pr_event ev, ev2;
	struct pr_error err;
	char *json;

	memset(&err, 0, sizeof(err));
	if (pr_event_parse((const char *)data, size, &ev, &err) != 0) {
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    err.msg[0] == '\0')
			abort();
		return 0;
	}
	if ((json = pr_event_to_json(&ev)) == NULL)
		abort();
	memset(&err, 0, sizeof(err));
	if (pr_event_parse(json, strlen(json), &ev2, &err) != 0 ||
	    ev2.type != ev.type || ev2.version != ev.version ||
	    strcmp(ev2.order_id, ev.order_id) != 0 ||
	    strcmp(ev2.event_id, ev.event_id) != 0 ||
	    memcmp(&ev2.contact, &ev.contact, sizeof(ev.contact)) != 0)
		abort();
	free(json);
	return 0;
}
