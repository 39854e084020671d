/* event.h: a stream entry's bytes -> a validated struct pr_event, or the one-line reason it goes to the dead-letter stream. */
#ifndef POSTROUTED_EVENT_H
#define POSTROUTED_EVENT_H

#include <stddef.h>

#include "postroute/domain.h"

/* Decodes one entry's payload (NULL: the entry has no "event" field) of
 * at most max_bytes. Returns 0, or -1 with reason filled (one line) when
 * the entry must be dead-lettered. Any thread. */
int event_decode(const char *payload, size_t len, size_t max_bytes,
    struct pr_event *ev, char *reason, size_t n);

#endif
