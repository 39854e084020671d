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

#include "backlog.h"
#include "daemon.h"
#include "http.h"
#include "httpconn.h"
#include "ingest.h"
#include "jobs.h"
#include "lease.h"
#include "log.h"
#include "planner.h"
#include "procstat.h"
#include "publish.h"
#include "rconn.h"
#include "router.h"
#include "sentinel.h"
#include "store.h"
#include "txn.h"
#include "util.h"
#include "web.h"
#include "workers.h"

/*
 *   GET  /healthz                         200 when ready and Redis is up, else 503
 *   GET  /metrics                         Prometheus text
 *   GET  /v1/offices[?id=ID]              offices with their state and plan
 *                                         summary (web.c: its route)
 *   GET  /v1/offices/{id}/plan            the latest plan (JSON; ETag)
 *   GET  /v1/offices/{id}/plan.geojson    the same as GeoJSON
 *   POST /v1/offices/{id}/routes/{vehicle}/dispatch
 *                                         marks a route as handed to a
 *                                         driver and plans the office again
 *   POST /v1/solve[?time_limit=S]         a problem in the --solve format;
 *                                         solved on a worker, answered
 *                                         with the solution
 *   the dispatcher's page                 web.c's routes
 * The router (router.h) matches the routes of both tables, answers HEAD
 * (every GET route), 404 and 405 with Allow, and reports each answer to
 * the metrics; every request first passes web_allow (the access rules).
 * Errors are JSON ({"error": "..."}), except those evhttp sends itself
 * (router.c says which). Plans are served from memory, so they stay
 * available while Redis is down. A /v1/solve request waits in a struct
 * http_solve (loop only) while its job is on a worker; the job never
 * sees the request.
 */

/* Headers of one request, at most (evhttp's default is unlimited). */
#define HTTP_MAX_HEADERS 16384

/* A POST /v1/solve waiting for its job: loop only. */
struct http_solve {
	struct http *h;
	struct router_call *call;    /* NULL once the client went away */
	struct solve_job *job;       /* on a worker: only job_cancel() */
	struct http_solve *prev, *next;
};

struct http {
	struct daemon *d;
	struct evhttp *ev;
	int port;
	int solves;              /* POST /v1/solve queued or running */
	struct http_solve *waiting;  /* those solves */
	struct router *router;       /* the routes of http.c and web.c */
	struct web *web;             /* the page, and the access rules */
	struct log_limit *oom_log;   /* solves that ran out of memory */
	struct httpconn *conns;      /* cap, deadlines, accept errors */
	struct backlog *backlog;     /* the consumer group, for /metrics */
};

static void http_healthz(struct router_call *);
static void http_metrics(struct router_call *);
static void http_plan(struct router_call *);
static void http_plan_geojson(struct router_call *);
static void http_dispatch(struct router_call *);
static void http_undispatch(struct router_call *);
static void http_solve(struct router_call *);

/* The API's routes (web.c adds the page's: web_add_routes). A route is
 * one line here and its handler; the pattern is its handler label in
 * the metrics (router.h). */
static const struct route http_routes[] = {
	{ "/healthz", ROUTER_GET, http_healthz },
	{ "/metrics", ROUTER_GET, http_metrics },
	{ "/v1/offices/{id}/plan", ROUTER_GET, http_plan },
	{ "/v1/offices/{id}/plan.geojson", ROUTER_GET, http_plan_geojson },
	{ "/v1/offices/{id}/routes/{vehicle}/dispatch", ROUTER_POST,
	    http_dispatch },
	{ "/v1/offices/{id}/routes/{vehicle}/undispatch", ROUTER_POST,
	    http_undispatch },
	{ "/v1/solve", ROUTER_POST, http_solve },
};

static struct daemon *
http_daemon(const struct router_call *c)
{
	return ((struct http *)c->ctx)->d;
}

/* The API's answers are never cached (plans revalidate with ETag). */
static void
http_reply(struct router_call *c, int code, const char *ctype,
    const char *body, size_t len)
{
	router_header(c, "Cache-Control", "no-store");
	router_reply(c, code, ctype, body, len);
}

static void
http_json(struct router_call *c, int code, json_t *root)
{
	router_header(c, "Cache-Control", "no-store");
	router_json(c, code, root);
}

/* What a simulation waits on (docs/daemon.md): the planning clock, the
 * last clock.tick, the work under way and the plans stored. */
static void
http_health_planning(struct daemon *d, json_t *h)
{
	char buf[40];
	int64_t now = daemon_now(d);

	pr_time_format(now, d->region->utc_offset, buf, sizeof(buf));
	json_object_set_new(h, "clock", json_string(buf));
	json_object_set_new(h, "clock_epoch", json_integer(now));
	json_object_set_new(h, "last_tick",
	    json_integer(planner_last_tick(d)));
	json_object_set_new(h, "plans_pending",
	    json_integer(planner_pending(d)));
	json_object_set_new(h, "plans_wanted",
	    json_integer(planner_wanted(d)));
	json_object_set_new(h, "plans_published",
	    json_integer((json_int_t)d->metrics.plans_published));
}

static void
http_healthz(struct router_call *c)
{
	struct daemon *d = http_daemon(c);
	char why[256] = "";
	int stalled = ingest_stalled(d, why, sizeof(why));
	int ok = d->ready && rconn_up(d->rd) && rconn_up(d->cmd) &&
	    !d->stopping && !stalled;
	json_t *h = json_pack("{s:s,s:b,s:s,s:{s:s,s:s},s:s,s:i,s:I}",
	    "status", ok ? "ok" : d->stopping ? "stopping" : "degraded",
	    "ready", d->ready,
	    "role", lease_role_name(d),
	    "redis", "read", rconn_up(d->rd) ? "up" : "down",
	    "command", rconn_up(d->cmd) ? "up" : "down",
	    "ingest", ingest_state_name(d),
	    "solves_running", planner_busy(d),
	    "events_acked", (json_int_t)d->metrics.events_acked);

	if (h != NULL && d->cfg.cluster_enabled) {
		/* the fencing token this process holds (active) or held
		 * (deposed), and the lease as last seen */
		json_object_set_new(h, "token", json_integer(d->token));
		json_object_set_new(h, "lease", json_string(
		    lease_holder(d)));
		json_object_set_new(h, "instance", json_string(
		    lease_instance(d)));
	}
	/* Why it is not ok, in one line: the first reason that applies. */
	if (h != NULL && !ok) {
		if (d->stopping)
			snprintf(why, sizeof(why), "stopping");
		else if (!d->ready)
			snprintf(why, sizeof(why), "starting: not ready yet");
		else if (!stalled)
			snprintf(why, sizeof(why), "redis %s connection down",
			    !rconn_up(d->cmd) ? "command" : "read");
		json_object_set_new(h, "reason", json_string(why));
	}
	if (h != NULL)
		http_health_planning(d, h);
	http_json(c, ok ? 200 : 503, h);
}

/* Gathers what the parts know now and hands it to metrics.c. */
static void
http_metrics(struct router_call *c)
{
	struct http *h = c->ctx;
	struct daemon *d = h->d;
	struct metrics_jobs jobs[8];
	struct metrics_office *offices;
	struct metrics_now now;
	struct backlog_stats bs;
	struct sbuf s;
	int *counts = ecalloc((size_t)d->region->n_offices, sizeof(int));
	int64_t wall = wall_s(), made;

	memset(&now, 0, sizeof(now));
	now.proc_known = procstat_read(&now.proc) == 0;
	now.redis_read_up = rconn_up(d->rd);
	now.redis_command_up = rconn_up(d->cmd);
	now.redis_read_reconnects = rconn_reconnects(d->rd);
	now.redis_command_reconnects = rconn_reconnects(d->cmd);
	now.ingest_state = ingest_state_name(d);
	if ((now.backlog_known = backlog_get(h->backlog, &bs))) {
		now.group_lag = bs.lag;
		now.group_pending = bs.pending;
		now.deadletter_entries = bs.deadletter;
	}
	for (int k = 0; k < 8 && jobs_kinds[k] != NULL; k++) {
		jobs[k].kind = jobs_kinds[k]->name;
		workers_load(d->workers, jobs_kinds[k], &jobs[k].queued,
		    &jobs[k].running);
		now.n_jobs = k + 1;
	}
	now.jobs = jobs;
	planner_late_totals(d, &now.planned_late, &now.late_budget);
	now.orders_pending = store_open_counts(d, counts);
	now.orders_at_risk = publish_at_risk(d);
	offices = ecalloc((size_t)d->region->n_offices, sizeof(*offices));
	for (int k = 0; k < d->region->n_offices; k++)
		if ((made = publish_generated_at(d, k)) > 0) {
			offices[now.n_offices].id = d->region->offices[k].id;
			offices[now.n_offices++].plan_age =
			    (double)(wall - made);
		}
	now.offices = offices;
	now.ready = d->ready;
	now.http_connections = httpconn_open(h->conns);
	now.role = lease_role_name(d);
	now.token = d->token;
	now.lease_renewals = lease_renewals(d);
	now.lease_age_s = lease_age_s(d);
	now.writes_refused = txn_fence_refused(d->fence);
	now.sentinel_switches = sentinel_switches(d->sentinel);
	free(counts);
	sbuf_init(&s);
	metrics_render(&d->metrics, &now, &s);
	http_reply(c, 200, "text/plain; version=0.0.4; charset=utf-8", s.s,
	    s.len);
	sbuf_free(&s);
	free(offices);
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
	router_drop(hs->call);	/* the client went away */
	hs->call = NULL;
	job_cancel(&hs->job->job);
}

/* The job came back (on the loop): answer the request, if still there. */
static void
http_solve_done(struct job *job, void *arg)
{
	struct http_solve *hs = arg;
	struct solve_job *j = solve_job_of(job);
	struct router_call *c = hs->call;

	if (c != NULL) {
		evhttp_connection_set_closecb(
		    evhttp_request_get_connection(c->req), NULL, NULL);
		httpconn_waiting(hs->h->conns, c->req, 0);
		if (j->rc == 0 && j->json != NULL) {
			http_reply(c, 200, ROUTER_JSON, j->json,
			    strlen(j->json));
		} else if (j->rc == PR_ETOOBIG) {
			char msg[sizeof(j->err.msg) + 64];

			snprintf(msg, sizeof(msg), "%s ([http] solve_max_mb)",
			    j->err.msg);
			router_error(c, 413, msg);
		} else if (j->rc == PR_ENOMEM || j->rc == 0) {
			log_limited(hs->h->oom_log, LOG_PRI_WARNING,
			    "http: POST /v1/solve failed: %s", j->err.msg[0] ?
			    j->err.msg : "out of memory for the answer");
			router_header(c, "Retry-After", "10");
			router_error(c, 503, j->err.msg[0] ? j->err.msg :
			    "out of memory");
		} else {
			router_error(c, j->rc == PR_EINVAL ? 400 : 500,
			    j->err.msg[0] ? j->err.msg : "solve failed");
		}
	}
	http_solve_unlink(hs);
	free(hs);
	job_free(job);
}

static void
http_solve(struct router_call *c)
{
	struct http *h = c->ctx;
	struct daemon *d = h->d;
	struct evbuffer *in = evhttp_request_get_input_buffer(c->req);
	size_t len = evbuffer_get_length(in);
	struct evkeyvalq q;
	const char *tl;
	struct http_solve *hs;
	struct solve_job *j;
	double limit = d->cfg.solver_time_limit;
	char *end;

	TAILQ_INIT(&q);
	if (c->query != NULL && evhttp_parse_query_str(c->query, &q) == 0 &&
	    (tl = evhttp_find_header(&q, "time_limit")) != NULL) {
		limit = strtod(tl, &end);
		if (*end != '\0' || !(limit > 0) ||
		    limit > d->cfg.solver_max_time_limit) {
			evhttp_clear_headers(&q);
			router_error(c, 400, "time_limit: out of range");
			return;
		}
	}
	evhttp_clear_headers(&q);
	if (len == 0) {
		router_error(c, 400, "empty body: send a problem");
		return;
	}
	if (d->stopping) {
		router_error(c, 503, "stopping");
		return;
	}
	/* Each request holds its body and a worker: at most one per
	 * worker thread, so that requests cannot pile up in memory nor
	 * starve the offices' plans. */
	if (h->solves >= d->cfg.solver_workers) {
		router_header(c, "Retry-After", "1");
		router_error(c, 503, "busy: every solver thread has a "
		    "request; retry later");
		return;
	}
	hs = ecalloc(1, sizeof(*hs));
	hs->h = h;
	hs->call = c;
	hs->next = h->waiting;
	if (hs->next != NULL)
		hs->next->prev = hs;
	h->waiting = hs;
	h->solves++;
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
	j->max_memory = (size_t)d->cfg.http_solve_max_mb << 20;
	router_defer(c);
	evhttp_connection_set_closecb(evhttp_request_get_connection(c->req),
	    http_solve_closed, hs);
	/* No deadline for the connection while the solve runs. */
	httpconn_waiting(d->http->conns, c->req, 1);
	workers_submit(d->workers, &j->job);
}

/* ---- plans ------------------------------------------------------------------------ */

/* The office of {id}, or -1 (answered 404). */
static int
http_office(struct router_call *c)
{
	int office = pr_region_office(http_daemon(c)->region, c->arg[0]);

	if (office < 0)
		router_error(c, 404, "unknown office");
	return office;
}

static void
http_plan_send(struct router_call *c, int geo)
{
	struct http *h = c->ctx;
	const char *body;
	char etag[64];
	int office;

	if ((office = http_office(c)) < 0)
		return;
	if ((body = publish_get(h->d, office, geo)) == NULL) {
		router_error(c, 404, "no plan yet");
		return;
	}
	if (web_not_modified(c, web_plan_etag(h->web, office, geo, etag,
	    sizeof(etag))))
		return;
	http_reply(c, 200, geo ? "application/geo+json; charset=utf-8" :
	    ROUTER_JSON, body, strlen(body));
}

static void
http_plan(struct router_call *c)
{
	http_plan_send(c, 0);
}

static void
http_plan_geojson(struct router_call *c)
{
	http_plan_send(c, 1);
}

static void
http_dispatch(struct router_call *c)
{
	static const char ok[] = "{\"dispatched\":true}\n";
	int office;

	if ((office = http_office(c)) < 0)
		return;
	if (http_daemon(c)->role != ROLE_ACTIVE)
		router_error(c, 503, "this postrouted is a standby: dispatch "
		    "on the active one (/healthz says which)");
	else if (strlen(c->arg[1]) >= PR_MAX_ID ||
	    planner_dispatch(http_daemon(c), office, c->arg[1]) != 0)
		router_error(c, 404, "no such route in the latest plan");
	else
		http_reply(c, 200, ROUTER_JSON, ok, sizeof(ok) - 1);
}

/* A mistaken dispatch taken back, while no stop of the route is picked
 * up (409 then: a driver has it). */
static void
http_undispatch(struct router_call *c)
{
	static const char ok[] = "{\"dispatched\":false}\n";
	struct daemon *d = http_daemon(c);
	int office, rc;

	if ((office = http_office(c)) < 0)
		return;
	if (d->role != ROLE_ACTIVE)
		router_error(c, 503, "this postrouted is a standby: undo the "
		    "dispatch on the active one (/healthz says which)");
	else if (strlen(c->arg[1]) >= PR_MAX_ID ||
	    (rc = planner_undispatch(d, office, c->arg[1])) == -1)
		router_error(c, 404, "no such route in the latest plan");
	else if (rc != 0)
		router_error(c, 409, "a stop of this route is picked up: the "
		    "driver has it");
	else
		http_reply(c, 200, ROUTER_JSON, ok, sizeof(ok) - 1);
}

/* ---- the router's hooks ----------------------------------------------------------- */

static int
http_allow(struct router_call *c, void *arg)
{
	struct http *h = arg;

	return web_allow(h->web, c);
}

static void
http_answered(const char *pattern, int code, double seconds, void *arg)
{
	struct http *h = arg;

	metrics_observe_http(&h->d->metrics, pattern, code, seconds);
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
	h->oom_log = log_limit_new(d->base, 5, "http: failed solves", NULL);
	h->backlog = backlog_new(d);
	h->router = router_new(http_allow, http_answered, h);
	router_add(h->router, http_routes, sizeof(http_routes) /
	    sizeof(http_routes[0]), h);
	web_add_routes(h->web, h->router);
	if ((h->ev = evhttp_new(d->base)) == NULL)
		fatalx("http: evhttp_new failed");
	/* Every method evhttp knows reaches the router, which answers a
	 * wrong one with 405 and Allow (evhttp would send 501 text/html). */
	evhttp_set_allowed_methods(h->ev, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_body_size(h->ev, d->cfg.http_max_body);
	evhttp_set_max_headers_size(h->ev, HTTP_MAX_HEADERS);
	/* evhttp's own timeout is an idle one; httpconn.c adds the
	 * deadline. */
	evhttp_set_timeout(h->ev, d->cfg.http_request_timeout_s);
	evhttp_set_gencb(h->ev, router_dispatch, h->router);
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
	h->conns = httpconn_new(d, h->ev, bs);
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
	httpconn_free(h->conns);
	/* Their jobs are still with the workers, which free them without
	 * calling done: nothing may point back here. */
	for (hs = h->waiting; hs != NULL; hs = next) {
		next = hs->next;
		job_cancel(&hs->job->job);
		free(hs);
	}
	router_free(h->router);
	backlog_free(h->backlog);
	web_free(h->web);
	log_limit_free(h->oom_log);
	free(h);
}
