/* router.h: HTTP routing on evhttp: tables of path patterns, one call per request, the replies (HEAD without a body, JSON errors), 404, 405 with Allow, and what each answer was. */
#ifndef POSTROUTED_ROUTER_H
#define POSTROUTED_ROUTER_H

#include <stddef.h>

#include <jansson.h>

struct evbuffer;
struct evhttp_request;
struct router;
struct router_call;

/*
 * http.c and web.c each keep a table of routes:
 *
 *   static const struct route http_routes[] = {
 *       { "/healthz",               ROUTER_GET,  http_healthz },
 *       { "/v1/offices/{id}/plan",  ROUTER_GET,  http_plan },
 *       { "/v1/solve",              ROUTER_POST, http_solve },
 *   };
 *
 * A pattern is literal text and placeholders that stand for whole path
 * segments: {name} is one non-empty segment (no '/'), a last {name*} the
 * non-empty rest of the path. The handler finds them in call->arg, in
 * order, as sent (not decoded) and checks them itself. The pattern is
 * also the handler label of the request metrics, so it never carries an
 * id: one series per route, not per office.
 *
 * The router answers what no handler should have to: a path that no
 * route has (404), a method that none of the path's routes takes (405
 * with Allow), HEAD (the GET handler runs; the router sends its headers,
 * with the Content-Length of the body GET would send, and no body). Every
 * answer goes through router_send(), which reports it (route, status,
 * seconds) to the answered callback. Loop thread only, like evhttp.
 */

/* Methods of a route; GET brings HEAD with it. */
#define ROUTER_GET	0x1
#define ROUTER_POST	0x2

#define ROUTER_MAX_ARGS	4
#define ROUTER_MAX_ARG	255

/* Content-Type of every JSON answer. */
#define ROUTER_JSON	"application/json; charset=utf-8"

struct route {
	const char *pattern;
	int methods;                    /* ROUTER_GET | ROUTER_POST */
	void (*fn)(struct router_call *c);
};

/* One request, from the router to its answer. */
struct router_call {
	struct evhttp_request *req;
	const struct route *route;      /* NULL: no route has the path */
	void *ctx;                      /* given with the route's table */
	const char *path;               /* as sent, without the query */
	const char *query;              /* or NULL */
	int method;                     /* EVHTTP_REQ_* */
	int head;                       /* HEAD: the answer has no body */
	int nargs;
	char arg[ROUTER_MAX_ARGS][ROUTER_MAX_ARG + 1];
	/* the router's */
	struct router *r;
	double start;                   /* mono_s() */
	int answered, deferred, in_dispatch;
	struct router_call *prev, *next;/* deferred calls */
};

/* What happened to each answered request: the route's pattern (NULL: no
 * route), the status and the seconds since the router got it. */
typedef void (*router_answered_fn)(const char *pattern, int code,
    double seconds, void *arg);
/* Runs before a call is routed (the access rules); returns 1 to go on,
 * or 0 once it has answered the call itself. */
typedef int (*router_allow_fn)(struct router_call *c, void *arg);

/* Both callbacks may be NULL; arg goes to both. */
struct router *router_new(router_allow_fn allow, router_answered_fn answered,
    void *arg);
/* Frees the router and the deferred calls still waiting (unanswered: call
 * it after evhttp_free, which has closed their connections). */
void router_free(struct router *r);
/* Adds a table (kept, not copied: static storage); ctx goes to its
 * handlers as call->ctx. Routes are tried in the order they were added. */
void router_add(struct router *r, const struct route *table, size_t n,
    void *ctx);
/* evhttp's general callback (evhttp_set_gencb(ev, router_dispatch, r)). */
void router_dispatch(struct evhttp_request *req, void *arg);

/* Sets a header of the answer (replacing one of the same name). */
void router_header(struct router_call *c, const char *key,
    const char *value);
/*
 * Sends the answer: code and body (NULL: none; the buffer is drained).
 * For HEAD only the headers go out, with the Content-Length of body.
 * The call must not be used afterwards.
 */
void router_send(struct router_call *c, int code, struct evbuffer *body);
/* router_send with a Content-Type and a body of len bytes. */
void router_reply(struct router_call *c, int code, const char *ctype,
    const char *body, size_t len);
/* One line of JSON (takes the reference to root; 500 when it is NULL). */
void router_json(struct router_call *c, int code, json_t *root);
/* {"error": msg}, not cached. */
void router_error(struct router_call *c, int code, const char *msg);

/* The answer comes later (a job's done callback): the call stays until
 * router_send(). router_drop() frees it unanswered when the client went
 * away first (its connection's close callback). */
void router_defer(struct router_call *c);
void router_drop(struct router_call *c);

#endif
