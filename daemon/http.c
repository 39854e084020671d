/* http.c: the HTTP API on evhttp: /healthz, /metrics, /v1/offices/{id}/plan[.geojson], dispatch marks, POST /v1/solve; the rest goes to the dispatcher's page (web.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "daemon.h"
#include "http.h"
#include "ingest.h"
#include "jobs.h"
#include "log.h"
#include "planner.h"
#include "publish.h"
#include "rconn.h"
#include "store.h"
#include "util.h"
#include "web.h"
#include "workers.h"

/*
 *   GET  /healthz                         200 when ready and Redis is up, else 503
 *   GET  /metrics                         Prometheus text
 *   GET  /v1/offices[?id=ID]              offices with their state and plan
 *                                         summary (web.c builds it)
 *   GET  /v1/offices/{id}/plan            the latest plan (JSON; ETag)
 *   GET  /v1/offices/{id}/plan.geojson    the same as GeoJSON
 *   POST /v1/offices/{id}/routes/{vehicle}/dispatch
 *                                         marks a route as handed to a
 *                                         driver and plans the office again
 *   POST /v1/offices/{id}/routes/{vehicle}/undispatch
 *                                         takes that back while no stop of
 *                                         the route is picked up (else 409)
 *   GET  anything else                    the dispatcher's page (web.c)
 *   POST /v1/solve[?time_limit=S]         a problem in the --solve format;
 *                                         solved on a worker, answered
 *                                         with the solution
 * Plans are served from memory, so they stay available while Redis is
 * down. Every request first passes web_allow (the access rules). A
 * /v1/solve request waits in a struct http_solve (loop only)
 * while its job is on a worker; the job never sees the request.
 */

/* Headers of one request, at most (evhttp's default is unlimited). */
#define HTTP_MAX_HEADERS 16384

/* A POST /v1/solve waiting for its job: loop only. */
struct http_solve {
	struct http *h;
	struct evhttp_request *req;  /* NULL once the client went away */
	struct solve_job *job;       /* on a worker: only job_cancel() */
	struct http_solve *prev, *next;
};

struct http {
	struct daemon *d;
	struct evhttp *ev;
	int port;
	int solves;              /* POST /v1/solve queued or running */
	struct http_solve *waiting;  /* those solves */
	struct web *web;             /* the page, and the access rules */
};

static void
http_reply(struct evhttp_request *req, int code, const char *ctype,
    const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add(b, body, len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", ctype);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, code, NULL, b);
	evbuffer_free(b);
}

/* Replies with root as one line of JSON (takes the reference). */
static void
http_reply_json(struct evhttp_request *req, int code, json_t *root)
{
	char *s = root != NULL ? json_dumps(root, JSON_COMPACT |
	    JSON_PRESERVE_ORDER) : NULL;
	size_t n;

	json_decref(root);
	if (s == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	n = strlen(s);
	s = erealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	http_reply(req, code, "application/json", s, n);
	free(s);
}

/* A string for JSON: msg, or (not UTF-8: it may quote a problem file) a
 * copy with '?' for every byte outside ASCII. */
static json_t *
http_json_text(const char *msg)
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

static void
http_json_error(struct evhttp_request *req, int code, const char *msg)
{
	http_reply_json(req, code, json_pack("{s:o}", "error",
	    http_json_text(msg)));
}

static void
http_healthz(struct daemon *d, struct evhttp_request *req)
{
	int ok = d->ready && rconn_up(d->rd) && rconn_up(d->cmd) &&
	    !d->stopping;

	http_reply_json(req, ok ? 200 : 503, json_pack(
	    "{s:s,s:b,s:{s:s,s:s},s:s,s:i,s:I}",
	    "status", ok ? "ok" : d->stopping ? "stopping" : "degraded",
	    "ready", d->ready,
	    "redis", "read", rconn_up(d->rd) ? "up" : "down",
	    "command", rconn_up(d->cmd) ? "up" : "down",
	    "ingest", ingest_state_name(d),
	    "solves_running", planner_busy(d),
	    "events_acked", (json_int_t)d->metrics.events_acked));
}

static void
http_metrics(struct daemon *d, struct evhttp_request *req)
{
	struct metrics_now now;
	struct sbuf s;
	int *counts = ecalloc((size_t)d->region->n_offices, sizeof(int));

	memset(&now, 0, sizeof(now));
	now.redis_read_up = rconn_up(d->rd);
	now.redis_command_up = rconn_up(d->cmd);
	now.redis_read_reconnects = rconn_reconnects(d->rd);
	now.redis_command_reconnects = rconn_reconnects(d->cmd);
	now.ingest_state = ingest_state_name(d);
	now.solves_running = planner_busy(d);
	now.clustering = planner_clustering(d);
	planner_late_totals(d, &now.planned_late, &now.late_budget);
	now.orders_pending = store_open_counts(d, counts);
	now.orders_at_risk = publish_at_risk(d);
	now.ready = d->ready;
	free(counts);
	sbuf_init(&s);
	metrics_render(&d->metrics, &now, &s);
	http_reply(req, 200, "text/plain; version=0.0.4", s.s, s.len);
	sbuf_free(&s);
}

/* ---- POST /v1/solve --------------------------------------------------------------- */

static void
http_solve_unlink(struct http_solve *hs)
{
	struct http *h = hs->h;

	if (hs->prev != NULL)
		hs->prev->next = hs->next;
	else
		h->waiting = hs->next;
	if (hs->next != NULL)
		hs->next->prev = hs->prev;
	h->solves--;
}

static void
http_solve_closed(struct evhttp_connection *evcon, void *arg)
{
	struct http_solve *hs = arg;

	(void)evcon;
	hs->req = NULL;	/* the client went away */
	job_cancel(&hs->job->job);
}

/* The job came back (on the loop): answer the request, if still there. */
static void
http_solve_done(struct job *job, void *arg)
{
	struct http_solve *hs = arg;
	struct solve_job *j = solve_job_of(job);
	struct evhttp_request *req = hs->req;

	if (req != NULL) {
		evhttp_connection_set_closecb(
		    evhttp_request_get_connection(req), NULL, NULL);
		if (j->rc == 0 && j->json != NULL)
			http_reply(req, 200, "application/json", j->json,
			    strlen(j->json));
		else
			http_json_error(req, j->rc == PR_EINVAL ? 400 : 500,
			    j->err.msg[0] ? j->err.msg : "solve failed");
	}
	http_solve_unlink(hs);
	free(hs);
	job_free(job);
}

static void
http_solve(struct daemon *d, struct evhttp_request *req, const char *query)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	struct evkeyvalq q;
	const char *tl;
	struct http_solve *hs;
	struct solve_job *j;
	double limit = d->cfg.solver_time_limit;
	char *end;

	TAILQ_INIT(&q);
	if (query != NULL && evhttp_parse_query_str(query, &q) == 0 &&
	    (tl = evhttp_find_header(&q, "time_limit")) != NULL) {
		limit = strtod(tl, &end);
		if (*end != '\0' || !(limit > 0) ||
		    limit > d->cfg.solver_max_time_limit) {
			evhttp_clear_headers(&q);
			http_json_error(req, 400, "time_limit: out of range");
			return;
		}
	}
	evhttp_clear_headers(&q);
	if (len == 0) {
		http_json_error(req, 400, "empty body: send a problem");
		return;
	}
	if (d->stopping) {
		http_json_error(req, 503, "stopping");
		return;
	}
	/* Each request holds its body and a worker: at most one per
	 * worker thread, so that requests cannot pile up in memory nor
	 * starve the offices' plans. */
	if (d->http->solves >= d->cfg.solver_workers) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "1");
		http_json_error(req, 503, "busy: every solver thread has a "
		    "request; retry later");
		return;
	}
	hs = ecalloc(1, sizeof(*hs));
	hs->h = d->http;
	hs->req = req;
	hs->next = d->http->waiting;
	if (hs->next != NULL)
		hs->next->prev = hs;
	d->http->waiting = hs;
	d->http->solves++;
	hs->job = j = solve_job_new(http_solve_done, hs);
	j->body = emalloc(len + 1);
	evbuffer_remove(in, j->body, len);
	j->body[len] = '\0';
	j->body_len = len;
	pr_solve_params_init(&j->sp);
	j->sp.time_limit = limit;
	j->sp.seed = (uint64_t)d->cfg.solver_seed;
	j->sp.threads = d->cfg.solver_threads;
	j->sp.exact_max_jobs = d->cfg.solver_exact_max_jobs;
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    http_solve_closed, hs);
	workers_submit(d->workers, &j->job);
}

/* /v1/offices/{id}/... -> the office index and the rest after the id. */
static int
http_office(struct daemon *d, const char *path, const char **rest)
{
	const char *p = path + strlen("/v1/offices/"), *slash;
	char id[PR_MAX_ID];
	size_t n;

	if ((slash = strchr(p, '/')) == NULL)
		return -1;
	n = (size_t)(slash - p);
	if (n == 0 || n >= sizeof(id))
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	*rest = slash;
	return pr_region_office(d->region, id);
}

static void
http_cb(struct evhttp_request *req, void *arg)
{
	struct daemon *d = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const char *rest, *body;
	char vehicle[PR_MAX_ID], etag[64];
	int office;

	d->metrics.http_requests++;
	if (path == NULL) {
		http_json_error(req, 400, "bad request");
		return;
	}
	if (!web_allow(d->http->web, req, path))
		return;
	if (strcmp(path, "/healthz") == 0 && cmd == EVHTTP_REQ_GET) {
		http_healthz(d, req);
	} else if (strcmp(path, "/metrics") == 0 && cmd == EVHTTP_REQ_GET) {
		http_metrics(d, req);
	} else if (strcmp(path, "/v1/solve") == 0) {
		if (cmd != EVHTTP_REQ_POST)
			http_json_error(req, 405, "use POST");
		else
			http_solve(d, req, evhttp_uri_get_query(uri));
	} else if (strcmp(path, "/v1/offices") == 0 && cmd == EVHTTP_REQ_GET) {
		web_offices(d->http->web, req);
	} else if (strncmp(path, "/v1/offices/", 12) == 0) {
		if ((office = http_office(d, path, &rest)) < 0) {
			http_json_error(req, 404, "unknown office");
			return;
		}
		if (cmd == EVHTTP_REQ_GET && (strcmp(rest, "/plan") == 0 ||
		    strcmp(rest, "/plan.geojson") == 0)) {
			int geo = strcmp(rest, "/plan.geojson") == 0;

			if ((body = publish_get(d, office, geo)) == NULL) {
				http_json_error(req, 404, "no plan yet");
				return;
			}
			if (web_not_modified(req, web_plan_etag(d->http->web,
			    office, geo, etag, sizeof(etag))))
				return;
			http_reply(req, 200, geo ? "application/geo+json" :
			    "application/json", body, strlen(body));
		} else if (cmd == EVHTTP_REQ_POST &&
		    strncmp(rest, "/routes/", 8) == 0 &&
		    strlen(rest) > 17 && strlen(rest) - 17 < sizeof(vehicle) &&
		    strcmp(rest + strlen(rest) - 9, "/dispatch") == 0) {
			size_t n = strlen(rest) - 17;

			memcpy(vehicle, rest + 8, n);
			vehicle[n] = '\0';
			if (planner_dispatch(d, office, vehicle) != 0)
				http_json_error(req, 404, "no such route in "
				    "the latest plan");
			else
				http_reply(req, 200, "application/json",
				    "{\"dispatched\":true}\n", 20);
		} else if (cmd == EVHTTP_REQ_POST &&
		    strncmp(rest, "/routes/", 8) == 0 &&
		    strlen(rest) > 19 && strlen(rest) - 19 < sizeof(vehicle) &&
		    strcmp(rest + strlen(rest) - 11, "/undispatch") == 0) {
			size_t n = strlen(rest) - 19;
			int rc;

			memcpy(vehicle, rest + 8, n);
			vehicle[n] = '\0';
			if ((rc = planner_undispatch(d, office, vehicle)) == -1)
				http_json_error(req, 404, "no such route in "
				    "the latest plan");
			else if (rc != 0)
				http_json_error(req, 409, "a stop of this "
				    "route is picked up: the driver has it");
			else
				http_reply(req, 200, "application/json",
				    "{\"dispatched\":false}\n", 21);
		} else {
			http_json_error(req, 404, "not found");
		}
	} else if (strncmp(path, "/v1/", 4) != 0 && strcmp(path, "/v1") != 0) {
		web_serve(d->http->web, req, path);
	} else {
		http_json_error(req, 404, "not found");
	}
}

struct http *
http_new(struct daemon *d)
{
	struct http *h = ecalloc(1, sizeof(*h));
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	h->d = d;
	h->web = web_new(d);
	if ((h->ev = evhttp_new(d->base)) == NULL)
		fatalx("http: evhttp_new failed");
	evhttp_set_allowed_methods(h->ev, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	evhttp_set_max_body_size(h->ev, d->cfg.http_max_body);
	evhttp_set_max_headers_size(h->ev, HTTP_MAX_HEADERS);
	evhttp_set_timeout(h->ev, 60);
	evhttp_set_gencb(h->ev, http_cb, d);
	bs = evhttp_bind_socket_with_handle(h->ev, d->cfg.http_listen,
	    (ev_uint16_t)d->cfg.http_port);
	if (bs == NULL)
		fatal("http: cannot listen on %s port %d", d->cfg.http_listen,
		    d->cfg.http_port);
	h->port = d->cfg.http_port;
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			h->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			h->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	log_info("http: listening on %s port %d", d->cfg.http_listen,
	    h->port);
	if (!config_is_loopback(d->cfg.http_listen))
		log_warnx("http: %s is not a loopback address: clients need "
		    "the token; put TLS in front (a proxy) so that it does not "
		    "cross the network in clear", d->cfg.http_listen);
	return h;
}

void
http_free(struct http *h)
{
	struct http_solve *hs, *next;

	if (h == NULL)
		return;
	evhttp_free(h->ev);
	/* Their jobs are still with the workers, which free them without
	 * calling done: nothing may point back here. */
	for (hs = h->waiting; hs != NULL; hs = next) {
		next = hs->next;
		job_cancel(&hs->job->job);
		free(hs);
	}
	web_free(h->web);
	free(h);
}
