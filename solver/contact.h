/* contact.h: a household's contact inside an order event: read and checked from a jansson object, written back (private). */
#ifndef POSTROUTE_CONTACT_H
#define POSTROUTE_CONTACT_H

#include <jansson.h>

#include "util.h"
#include "postroute/event.h"

/*
 * Reads v, the value of "contact" (path is its JSON path, for the
 * message: "event.contact"), into c. Returns 0, or PR_EINVAL with err
 * naming the field and what is wrong, never quoting the value: a reason
 * goes to the daemon's log. Pure, any thread.
 */
int contact_from_object(json_t *v, const char *path, struct pr_contact *c,
    struct pr_error *err);
/* c as a new object ({"name", "phone", "address"}, the keys given), or
 * NULL when c is empty (or out of memory). */
json_t *contact_to_object(const struct pr_contact *c);

#endif
