/* rconn.h: one Redis connection on the event loop: hiredis async with connect and reply timeouts, AUTH, and reconnection with backoff. */
#ifndef POSTROUTED_RCONN_H
#define POSTROUTED_RCONN_H

#include <stddef.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

struct config;
struct rconn;

/* Called with the reply, or with NULL when the connection failed, timed
 * out or was torn down before a reply came. The reply lives only during
 * the call. */
typedef void (*rconn_reply_fn)(struct rconn *rc, redisReply *r, void *arg);
/* Called when the connection becomes usable (up = 1, after AUTH and
 * SELECT) or is lost (up = 0). */
typedef void (*rconn_state_fn)(struct rconn *rc, int up, void *arg);

/* A connection named name (for logs) that starts connecting at once.
 * Keeps a pointer to cfg, which must outlive it (reloads update it in
 * place). Loop thread only, like everything here. */
struct rconn *rconn_new(struct event_base *base, const char *name,
    const struct config *cfg, rconn_state_fn state, void *arg);
/* Tears the connection down without reconnecting; pending callbacks get
 * NULL. */
void rconn_free(struct rconn *rc);

int rconn_up(const struct rconn *rc);
const char *rconn_name(const struct rconn *rc);
/* Replies still awaited. */
int rconn_outstanding(const struct rconn *rc);
/* Successful connections after the first one. */
unsigned long rconn_reconnects(const struct rconn *rc);

/*
 * Sends a command (argv, with lengths, or NULL lengths for C strings).
 * extra_ms is added to the command timeout (a BLOCK). fn may be NULL.
 * Returns 0, or -1 when the connection is not up (fn is not called).
 */
int rconn_cmd(struct rconn *rc, rconn_reply_fn fn, void *arg, int extra_ms,
    int argc, const char **argv, const size_t *lens);

/* Drops the connection (logging why) and reconnects after the backoff. */
void rconn_drop(struct rconn *rc, const char *why);
/* Stops reconnecting: a dropped connection stays down. */
void rconn_stop(struct rconn *rc);

#endif
