/* rconn.h: one Redis connection on the event loop: hiredis async with connect and reply timeouts, AUTH, reconnection with backoff, an address found by a resolver (Sentinel), a check that the server is a primary (ROLE), and a subscription. */
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
/* A connection to a Redis Sentinel at host:port (copied): no SELECT, no
 * ROLE check, AUTH with [redis] sentinel_password when set. */
struct rconn *rconn_new_sentinel(struct event_base *base, const char *name,
    const struct config *cfg, const char *host, int port,
    rconn_state_fn state, void *arg);

/*
 * Where a connection goes, found before every (re)connection by someone
 * else (sentinel.c): resolve(rc, arg) must later call rconn_resolved()
 * or rconn_resolve_failed() (once, possibly from within resolve);
 * cancel(rc, arg) is called when rc is freed while resolve is under way,
 * after which neither may be called. A connection with a resolver also
 * checks, once connected, that the server is a primary (ROLE): a
 * replica is dropped and the address asked for again after the backoff.
 */
struct rconn_resolver {
	void (*resolve)(struct rconn *rc, void *arg);
	void (*cancel)(struct rconn *rc, void *arg);
};
/* A connection like rconn_new's whose address comes from r (not from
 * cfg's host, port or socket); it starts resolving at once. */
struct rconn *rconn_new_resolved(struct event_base *base, const char *name,
    const struct config *cfg, const struct rconn_resolver *r, void *rarg,
    rconn_state_fn state, void *arg);
void rconn_resolved(struct rconn *rc, const char *host, int port);
void rconn_resolve_failed(struct rconn *rc, const char *why);
/* The host and port connected to (or being connected to); host "" for a
 * unix socket. */
void rconn_addr(const struct rconn *rc, const char **host, int *port);

/* Called for each message of a subscription (the message's channel and
 * payload, NUL-terminated); lives only during the call. */
typedef void (*rconn_message_fn)(struct rconn *rc, const char *channel,
    const char *payload, void *arg);
/* Subscribes to channel (copied) whenever the connection is up; the
 * connection is for that alone from then on (rconn_cmd must not be
 * used). Before the connection is up. */
void rconn_subscribe(struct rconn *rc, const char *channel,
    rconn_message_fn fn, void *arg);

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

/* The value of field name in a stream entry's field array (name, value,
 * name, value...), when it is a string; NULL otherwise. */
const redisReply *rconn_reply_field(const redisReply *fields,
    const char *name);

#endif
