/* router.c: HTTP routing on evhttp: tables of path patterns, one call per request, the replies (HEAD without a body, JSON errors), 404, 405 with Allow, and what each answer was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "log.h"
#include "router.h"
#include "util.h"

/*
 * What evhttp (libevent 2.1) answers itself, before any callback, with
 * its own text/html page: a request it cannot parse (400: request line,
 * headers, URI, Content-Length), a body over evhttp_set_max_body_size
 * (413), headers over evhttp_set_max_headers_size, and a method it does
 * not know at all (501: "FOO /"); 2.1 has no hook for these pages
 * (evhttp_set_errorcb came with 2.2). They do not reach the router, so
 * they are not in the request metrics either. Every method evhttp knows
 * is let through (http_new), so that a wrong one gets 405 here.
 *
 * evhttp 2.1 sends a reply's body for HEAD as well, and no Content-Length:
 * router_send() leaves the body out and sets the length itself.
 */

struct router_table {
	const struct route *routes;
	size_t n;
	void *ctx;
};

struct router {
	struct router_table *tables;
	int n_tables;
	router_allow_fn allow;
	router_answered_fn answered;
	void *arg;
	struct router_call *deferred;   /* waiting for a job */
};

struct router *
router_new(router_allow_fn allow, router_answered_fn answered, void *arg)
{
	struct router *r = ecalloc(1, sizeof(*r));

	r->allow = allow;
	r->answered = answered;
	r->arg = arg;
	return r;
}

static void
router_unlink(struct router_call *c)
{
	struct router *r = c->r;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (r->deferred == c)
		r->deferred = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

void
router_free(struct router *r)
{
	struct router_call *c, *next;

	if (r == NULL)
		return;
	for (c = r->deferred; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(r->tables);
	free(r);
}

void
router_add(struct router *r, const struct route *table, size_t n, void *ctx)
{
	r->tables = erealloc(r->tables, (size_t)(r->n_tables + 1) *
	    sizeof(*r->tables));
	r->tables[r->n_tables].routes = table;
	r->tables[r->n_tables].n = n;
	r->tables[r->n_tables].ctx = ctx;
	r->n_tables++;
}

/*
 * Matches path against pattern; the placeholders' text goes to args (when
 * not NULL). Returns the number of placeholders, or -1: no match (also
 * when a segment is longer than ROUTER_MAX_ARG).
 */
static int
router_match(const char *pattern, const char *path,
    char (*args)[ROUTER_MAX_ARG + 1])
{
	const char *p = pattern, *s = path, *close;
	int n = 0;
	size_t len;

	while (*p != '\0') {
		if (*p != '{') {
			if (*p++ != *s++)
				return -1;
			continue;
		}
		if ((close = strchr(p, '}')) == NULL || n >= ROUTER_MAX_ARGS)
			return -1;	/* a broken pattern matches nothing */
		if (close[-1] == '*')	/* the rest of the path */
			len = strlen(s);
		else
			len = strcspn(s, "/");
		if (len == 0 || len > ROUTER_MAX_ARG)
			return -1;
		if (args != NULL) {
			memcpy(args[n], s, len);
			args[n][len] = '\0';
		}
		n++;
		s += len;
		p = close + 1;
	}
	return *s == '\0' ? n : -1;
}

static int
router_method_bit(int method)
{
	switch (method) {
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		return ROUTER_GET;
	case EVHTTP_REQ_POST:
		return ROUTER_POST;
	default:
		return 0;
	}
}

void
router_header(struct router_call *c, const char *key, const char *value)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);

	while (evhttp_remove_header(h, key) == 0)
		;
	evhttp_add_header(h, key, value);
}

void
router_send(struct router_call *c, int code, struct evbuffer *body)
{
	size_t len = body != NULL ? evbuffer_get_length(body) : 0;
	char num[32];

	if (c->answered) {
		log_warnx("http: %s answered twice (%d)", c->path, code);
		return;
	}
	c->answered = 1;
	if (c->r->answered != NULL)
		c->r->answered(c->route != NULL ? c->route->pattern : NULL,
		    code, mono_s() - c->start, c->r->arg);
	if (c->head) {
		/* the headers GET would have, without the body */
		if (code != 204 && code != 304 && (code < 100 || code >= 200)) {
			snprintf(num, sizeof(num), "%zu", len);
			router_header(c, "Content-Length", num);
		}
		evhttp_send_reply(c->req, code, NULL, NULL);
		if (body != NULL)
			evbuffer_drain(body, len);
	} else {
		evhttp_send_reply(c->req, code, NULL, body);
	}
	/* A deferred call is done with here; one answered while its handler
	 * runs is freed by router_dispatch once the handler returns. */
	if (c->deferred && !c->in_dispatch) {
		router_unlink(c);
		free(c);
	}
}

void
router_reply(struct router_call *c, int code, const char *ctype,
    const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("http: out of memory");
	if (len > 0)
		evbuffer_add(b, body, len);
	if (ctype != NULL)
		router_header(c, "Content-Type", ctype);
	router_send(c, code, b);
	evbuffer_free(b);
}

/* A string for JSON: msg, or (not UTF-8: it may quote a problem file) a
 * copy with '?' for every byte outside ASCII. */
static json_t *
router_json_text(const char *msg)
{
	json_t *v = json_string(msg);
	char *copy;

	if (v != NULL)
		return v;
	copy = estrdup(msg);
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

void
router_json(struct router_call *c, int code, json_t *root)
{
	char *s = root != NULL ? json_dumps(root, JSON_COMPACT |
	    JSON_PRESERVE_ORDER) : NULL;
	size_t n;

	json_decref(root);
	if (s == NULL) {
		router_reply(c, 500, ROUTER_JSON,
		    "{\"error\":\"out of memory\"}\n", 26);
		return;
	}
	n = strlen(s);
	s = erealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	router_reply(c, code, ROUTER_JSON, s, n);
	free(s);
}

void
router_error(struct router_call *c, int code, const char *msg)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);

	/* an answer that went half-way (a file's) is not this one */
	evhttp_remove_header(h, "ETag");
	evhttp_remove_header(h, "Content-Encoding");
	router_header(c, "Cache-Control", "no-store");
	router_json(c, code, json_pack("{s:o}", "error",
	    router_json_text(msg)));
}

void
router_defer(struct router_call *c)
{
	struct router *r = c->r;

	c->deferred = 1;
	c->next = r->deferred;
	if (c->next != NULL)
		c->next->prev = c;
	r->deferred = c;
}

void
router_drop(struct router_call *c)
{
	router_unlink(c);
	free(c);
}

/* "GET, HEAD, POST" for the methods in bits. */
static void
router_allowed(int bits, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", bits & ROUTER_GET ? "GET, HEAD" : "",
	    (bits & ROUTER_GET) && (bits & ROUTER_POST) ? ", " : "",
	    bits & ROUTER_POST ? "POST" : "");
}

/* Finds the call's route: the first one whose pattern has the path and
 * that takes the method, else the first one whose pattern has the path
 * (405). Returns the methods of every route that has the path. */
static int
router_find(struct router *r, struct router_call *c)
{
	int want = router_method_bit(c->method), bits = 0, t_found = -1;
	const struct route *found = NULL;

	for (int t = 0; t < r->n_tables; t++) {
		for (size_t i = 0; i < r->tables[t].n; i++) {
			const struct route *rt = &r->tables[t].routes[i];

			if (router_match(rt->pattern, c->path, NULL) < 0)
				continue;
			bits |= rt->methods;
			if (found == NULL || (!(found->methods & want) &&
			    (rt->methods & want))) {
				found = rt;
				t_found = t;
			}
		}
	}
	if (found != NULL) {
		c->route = found;
		c->ctx = r->tables[t_found].ctx;
		c->nargs = router_match(found->pattern, c->path, c->arg);
	}
	return bits;
}

void
router_dispatch(struct evhttp_request *req, void *arg)
{
	struct router *r = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct router_call *c = ecalloc(1, sizeof(*c));
	char allow[32], msg[80];
	int bits;

	c->req = req;
	c->r = r;
	c->start = mono_s();
	c->method = (int)evhttp_request_get_command(req);
	c->head = c->method == EVHTTP_REQ_HEAD;
	c->path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	c->query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	c->in_dispatch = 1;
	if (c->path == NULL || c->path[0] != '/') {
		c->path = "";
		router_error(c, 400, "bad request: the target is not a path");
		goto out;
	}
	bits = router_find(r, c);
	if (r->allow != NULL && !r->allow(c, r->arg))
		goto out;
	if (c->route == NULL) {
		router_error(c, 404, "not found");
		goto out;
	}
	if ((bits & router_method_bit(c->method)) == 0) {
		router_allowed(bits, allow, sizeof(allow));
		router_header(c, "Allow", allow);
		snprintf(msg, sizeof(msg), "method not allowed: use %s",
		    allow);
		router_error(c, 405, msg);
		goto out;
	}
	c->route->fn(c);
out:
	c->in_dispatch = 0;
	if (!c->answered && !c->deferred) {
		log_warnx("http: %s: no answer (a bug)", c->path);
		router_error(c, 500, "internal error: no answer");
	}
	if (c->answered || !c->deferred) {
		if (c->deferred)
			router_unlink(c);
		free(c);
	}
}
