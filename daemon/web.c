/* web.c: the dispatcher's page on postrouted's HTTP port: page routes and files, the route sheet as CSV, the offices' state (GET /v1/offices), and the access rules of every request. */
#define _DEFAULT_SOURCE         /* explicit_bzero */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <zlib.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "planner.h"
#include "publish.h"
#include "rconn.h"
#include "router.h"
#include "util.h"
#include "web.h"

/*
 * The page is plain files (web/: HTML, one stylesheet, a little
 * JavaScript, a string table per language) plus Debian's Leaflet. The
 * files read the same JSON as any client of the API; what the page needs
 * beyond the plan (an office's name, place and state) is in
 * GET /v1/offices, built here. The route sheet's CSV is made from the
 * plan JSON that publish.c serves, so it says what the plan says.
 *
 *   GET /                                        index.html (the province)
 *   GET /offices/{id}                            office.html
 *   GET /offices/{id}/routes/{vehicle}/sheet     sheet.html
 *   GET /offices/{id}/routes/{vehicle}/sheet.csv the stops, CSV
 *   GET /web/{file}, /leaflet/{file}             the files
 *   GET /page-config.json                        tiles, access, interval
 *   GET /login, POST /login                      the token form (docs/web.md)
 *   GET /v1/offices[?id=ID]                      the offices' state
 *
 * (web_routes below; GET takes HEAD too, see router.h.) Errors are JSON,
 * as the API's. Files are named by [A-Za-z0-9._-] segments, none starting with a dot:
 * nothing outside the two directories can be named. A file with a .gz
 * beside it (Debian ships leaflet.min.js.gz) goes out compressed to
 * clients that take gzip. ETags are size and mtime, so a revalidation
 * costs one small request.
 */

#ifndef POSTROUTE_WEB_DIR
#define POSTROUTE_WEB_DIR "/usr/local/share/postroute/web"
#endif
#ifndef POSTROUTE_BUILD_DIR
#define POSTROUTE_BUILD_DIR ""
#endif
#ifndef POSTROUTE_SOURCE_WEB
#define POSTROUTE_SOURCE_WEB ""
#endif

#define WEB_COOKIE "postroute_token"
#define WEB_MAX_FILE (16 * 1024 * 1024)
#define WEB_MAX_NAME 200
/* Bodies from this size up go out compressed to clients that take gzip
 * (the office list is 41 KB as JSON, 6 KB compressed). */
#define WEB_GZIP_MIN 1024
#define WEB_GZIP_MAX (1024 * 1024)

struct web_office {
	const char *json;        /* the plan it was read from (publish's) */
	int64_t version;
	int routes, dispatched, at_risk, unassigned;
	int64_t generated;       /* epoch, or -1 */
	char generated_s[40];
	char plan_time_s[40];
};

struct web {
	struct daemon *d;
	char root[CONFIG_PATH * 2];
	char leaflet[CONFIG_PATH * 2];
	char token[CONFIG_TOKEN_MAX + 1];
	size_t token_len;        /* 0: no token configured */
	unsigned long long boot; /* start time, in every ETag of a plan */
	struct web_office *o;
	int *open;               /* per office, scratch */
};

/* ---- replies ------------------------------------------------------------- */

static void
web_header(struct router_call *c, const char *k, const char *v)
{
	router_header(c, k, v);
}

static int
web_accepts_gzip(struct router_call *c)
{
	const char *ae = evhttp_find_header(
	    evhttp_request_get_input_headers(c->req), "Accept-Encoding");

	return ae != NULL && strstr(ae, "gzip") != NULL;
}

/* Whether a body of len bytes goes out compressed. */
static int
web_will_gzip(struct router_call *c, size_t len)
{
	return len >= WEB_GZIP_MIN && len <= WEB_GZIP_MAX &&
	    web_accepts_gzip(c);
}

/* body as gzip into a new buffer (*out bytes), or NULL. */
static unsigned char *
web_gzip(const char *body, size_t len, size_t *out)
{
	size_t cap = compressBound((uLong)len) + 32;
	unsigned char *buf;
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	buf = emalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(buf);
		return NULL;
	}
	*out = z.total_out;
	deflateEnd(&z);
	return buf;
}

/* Sends body, compressed when web_will_gzip says so. */
static void
web_send(struct router_call *c, int code, const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();
	unsigned char *z = NULL;
	size_t zlen = 0;

	if (b == NULL)
		fatalx("http: out of memory");
	if (web_will_gzip(c, len) && (z = web_gzip(body, len, &zlen)) !=
	    NULL) {
		web_header(c, "Content-Encoding", "gzip");
		evbuffer_add(b, z, zlen);
		free(z);
	} else {
		evbuffer_add(b, body, len);
	}
	router_send(c, code, b);
	evbuffer_free(b);
}

static void
web_reply(struct router_call *c, int code, const char *ctype,
    const char *cache, const char *body, size_t len)
{
	web_header(c, "Content-Type", ctype);
	web_header(c, "Cache-Control", cache);
	web_header(c, "X-Content-Type-Options", "nosniff");
	web_header(c, "Vary", "Accept-Encoding");
	web_send(c, code, body, len);
}

/* {"error": msg}, like every error of the API. */
static void
web_error(struct router_call *c, int code, const char *msg)
{
	web_header(c, "X-Content-Type-Options", "nosniff");
	router_error(c, code, msg);
}

static void
web_not_found(struct router_call *c)
{
	web_error(c, 404, "not found");
}

/* The JSON of root as the answer (takes the reference). */
static void
web_json(struct router_call *c, int code, json_t *root)
{
	char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t len;

	json_decref(root);
	if (s == NULL)
		fatalx("http: out of memory");
	len = strlen(s);
	s = erealloc(s, len + 2);
	s[len++] = '\n';
	s[len] = '\0';
	web_reply(c, code, ROUTER_JSON, "no-store", s, len);
	free(s);
}

int
web_not_modified(struct router_call *c, const char *etag)
{
	const char *inm = evhttp_find_header(
	    evhttp_request_get_input_headers(c->req), "If-None-Match");
	const char *p;
	size_t n = strlen(etag);

	web_header(c, "ETag", etag);
	if (inm == NULL)
		return 0;
	/* A list of tags, or *. */
	for (p = inm; *p != '\0'; p++) {
		if (*p == '*' || (strncmp(p, etag, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))) {
			router_send(c, 304, NULL);
			return 1;
		}
		if ((p = strchr(p, ',')) == NULL)
			break;
	}
	return 0;
}

/* FNV-1a: ETags of generated bodies. */
static unsigned long long
web_hash(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

const char *
web_plan_etag(const struct web *w, int office, int geojson, char *buf,
    size_t n)
{
	snprintf(buf, n, "\"p%llx-%d-%lld%s\"", w->boot, office,
	    (long long)publish_version(w->d, office), geojson ? "g" : "");
	return buf;
}

/* ---- files --------------------------------------------------------------- */

static const char *
web_ctype(const char *name)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".map", "application/json; charset=utf-8" },
		{ ".png", "image/png" },
		{ ".svg", "image/svg+xml" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]);
	    i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* A relative file name we may serve: segments of [A-Za-z0-9._-], none
 * empty or starting with a dot. (evhttp hands over the path as sent, so
 * %2e%2e and backslashes are refused here too.) */
static int
web_safe_name(const char *rel)
{
	size_t n = strlen(rel);
	int seg_start = 1;

	if (n == 0 || n > WEB_MAX_NAME)
		return 0;
	for (const char *p = rel; *p != '\0'; p++) {
		char c = *p;

		if (c == '/') {
			if (seg_start)
				return 0;	/* empty segment */
			seg_start = 1;
			continue;
		}
		if (seg_start && c == '.')
			return 0;
		seg_start = 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return !seg_start;
}

/* Opens a regular file; -1 when there is none. */
static int
web_open(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) ||
	    st->st_size > WEB_MAX_FILE) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The page's Content-Security-Policy: its own files, plus the tile
 * server's images. */
static void
web_csp(struct web *w, struct router_call *c)
{
	const char *u = w->d->cfg.http_tile_url, *host, *end;
	char tiles[CONFIG_STR + 8] = "", csp[CONFIG_STR + 400];

	if ((host = strstr(u, "://")) != NULL) {
		host += 3;
		end = strchr(host, '/');
		if (end == NULL)
			end = host + strlen(host);
		if (strncmp(host, "{s}.", 4) == 0 &&
		    memchr(host + 4, '{', (size_t)(end - host - 4)) == NULL)
			snprintf(tiles, sizeof(tiles), " %.*s*.%.*s",
			    (int)(host - u), u, (int)(end - host - 4),
			    host + 4);
		else if (memchr(host, '{', (size_t)(end - host)) == NULL)
			snprintf(tiles, sizeof(tiles), " %.*s",
			    (int)(end - u), u);
		else
			snprintf(tiles, sizeof(tiles), " %.*s",
			    (int)(host - 2 - u), u);	/* "https:" */
	}
	snprintf(csp, sizeof(csp), "default-src 'self'; img-src 'self' "
	    "data:%s; script-src 'self'; style-src 'self'; connect-src "
	    "'self'; frame-ancestors 'none'; base-uri 'none'; form-action "
	    "'self'", tiles);
	web_header(c, "Content-Security-Policy", csp);
	web_header(c, "X-Frame-Options", "DENY");
	web_header(c, "Referrer-Policy", "no-referrer");
}

/*
 * Sends dir/rel. page: an HTML page (security headers). cache: the
 * Cache-Control of the answer.
 */
static void
web_file(struct web *w, struct router_call *c, const char *dir,
    const char *rel, int page, const char *cache)
{
	char path[CONFIG_PATH * 2 + WEB_MAX_NAME + 8], etag[64];
	struct evbuffer *b;
	struct stat st;
	int fd = -1, gz = 0, zfly = 0;

	if (!web_safe_name(rel) || dir[0] == '\0') {
		web_not_found(c);
		return;
	}
	if (web_accepts_gzip(c)) {
		snprintf(path, sizeof(path), "%s/%s.gz", dir, rel);
		if ((fd = web_open(path, &st)) >= 0)
			gz = 1;
	}
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		if ((fd = web_open(path, &st)) < 0) {
			web_not_found(c);
			return;
		}
	}
	/* without a .gz beside it: compressed here */
	zfly = !gz && web_will_gzip(c, (size_t)st.st_size);
	snprintf(etag, sizeof(etag), "\"f%llx-%llx%s\"",
	    (unsigned long long)st.st_size,
	    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)st.st_mtim.tv_nsec, gz ? "z" : zfly ? "y" :
	    "");
	web_header(c, "Vary", "Accept-Encoding");
	if (page)
		web_csp(w, c);
	web_header(c, "Cache-Control", cache);
	web_header(c, "X-Content-Type-Options", "nosniff");
	if (web_not_modified(c, etag)) {
		close(fd);
		return;
	}
	web_header(c, "Content-Type", web_ctype(rel));
	if (zfly) {
		char *body = emalloc((size_t)st.st_size + 1);
		ssize_t n = read(fd, body, (size_t)st.st_size);

		close(fd);
		if (n != (ssize_t)st.st_size) {
			free(body);
			web_error(c, 500, "cannot read the file");
			return;
		}
		web_send(c, 200, body, (size_t)n);
		free(body);
		return;
	}
	if (gz)
		web_header(c, "Content-Encoding", "gzip");
	if ((b = evbuffer_new()) == NULL)
		fatalx("http: out of memory");
	if (st.st_size == 0)
		close(fd);
	else if (evbuffer_add_file(b, fd, 0, st.st_size) != 0) {
		/* evbuffer_add_file closes fd on failure too */
		evbuffer_free(b);
		web_error(c, 500, "cannot read the file");
		return;
	}
	router_send(c, 200, b);
	evbuffer_free(b);
}

static void
web_page(struct web *w, struct router_call *c, const char *name)
{
	web_file(w, c, w->root, name, 1, "no-cache");
}

/* ---- access -------------------------------------------------------------- */

/* Compares without leaking where the first difference is. */
static int
web_token_eq(const struct web *w, const char *s, size_t n)
{
	unsigned char diff = 0;

	if (n != w->token_len)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(s[i] ^ w->token[i]);
	return diff == 0;
}

static int
web_bearer_ok(const struct web *w, struct evhttp_request *req)
{
	const char *a = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Authorization");

	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0)
		return 0;
	a += 7;
	while (*a == ' ')
		a++;
	return web_token_eq(w, a, strlen(a));
}

static int
web_cookie_ok(const struct web *w, struct evhttp_request *req)
{
	const char *c = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Cookie");
	const size_t kl = strlen(WEB_COOKIE);

	while (c != NULL && *c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, WEB_COOKIE, kl) == 0 && c[kl] == '=') {
			const char *v = c + kl + 1;

			if (web_token_eq(w, v, strcspn(v, ";")))
				return 1;
		}
		c = strchr(c, ';');
	}
	return 0;
}

/* The Origin header names this server (scheme://Host). */
static int
web_same_origin(struct evhttp_request *req, const char *origin)
{
	const char *host = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Host");
	const char *p = strstr(origin, "://");

	return host != NULL && p != NULL && strcasecmp(p + 3, host) == 0;
}

static int
web_prefix(const char *path, const char *prefix)
{
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

/* "../" once per directory level of path: links relative to the page, so
 * that the page works under a proxy's prefix. */
static void
web_up(const char *path, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const char *p = path + 1; *p != '\0'; p++)
		if (*p == '/' && len + 4 < n) {
			memcpy(buf + len, "../", 4);
			len += 3;
		}
}

int
web_allow(struct web *w, struct router_call *c)
{
	struct evhttp_request *req = c->req;
	const char *path = c->path;
	int cmd = c->method;
	const char *origin = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Origin");
	const char *xrw;
	int bearer, cookie;

	/* A page of another site may make the browser send a POST (a form,
	 * a fetch): the browser names that site in Origin. */
	if (cmd == EVHTTP_REQ_POST && origin != NULL &&
	    !web_same_origin(req, origin)) {
		web_error(c, 403, "cross-site request refused");
		return 0;
	}
	if (w->token_len == 0)
		return 1;
	if (strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0 ||
	    strcmp(path, "/login") == 0)
		return 1;
	if ((cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD) &&
	    (web_prefix(path, "/web/") || web_prefix(path, "/leaflet/") ||
	    strcmp(path, "/page-config.json") == 0))
		return 1;
	bearer = web_bearer_ok(w, req);
	cookie = !bearer && web_cookie_ok(w, req);
	if (!bearer && !cookie) {
		if ((cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD) &&
		    !web_prefix(path, "/v1/")) {
			char up[256], loc[512], *next;

			web_up(path, up, sizeof(up));
			next = evhttp_encode_uri(path + 1);
			snprintf(loc, sizeof(loc), "%slogin?next=%s", up,
			    next != NULL && strlen(next) < 200 ? next : "");
			free(next);
			web_header(c, "Location", loc);
			web_reply(c, 303, "text/plain; charset=utf-8",
			    "no-store", "log in\n", 7);
		} else {
			web_header(c, "WWW-Authenticate",
			    "Bearer realm=\"postroute\"");
			web_error(c, 401, "this server needs its access token "
			    "(Authorization: Bearer, or log in on the page)");
		}
		return 0;
	}
	xrw = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Requested-With");
	if (cmd == EVHTTP_REQ_POST && !bearer &&
	    (xrw == NULL || strcmp(xrw, "postroute") != 0)) {
		web_error(c, 403, "a POST with the cookie needs the header "
		    "X-Requested-With: postroute");
		return 0;
	}
	return 1;
}

/* POST /login: token=... (form encoding) with X-Requested-With. */
static void
web_login_post(struct web *w, struct router_call *c)
{
	struct evhttp_request *req = c->req;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *xrw = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Requested-With");
	struct evkeyvalq q;
	const char *tok;
	char body[1024], cookie[CONFIG_TOKEN_MAX + 128];
	int ok;

	if (w->token_len == 0) {
		web_error(c, 404, "this server has no access token");
		return;
	}
	if (xrw == NULL || strcmp(xrw, "postroute") != 0) {
		web_error(c, 403, "the login needs the header "
		    "X-Requested-With: postroute");
		return;
	}
	if (len >= sizeof(body)) {
		web_error(c, 400, "token: too long");
		return;
	}
	evbuffer_remove(in, body, len);
	body[len] = '\0';
	TAILQ_INIT(&q);
	tok = evhttp_parse_query_str(body, &q) == 0 ?
	    evhttp_find_header(&q, "token") : NULL;
	ok = tok != NULL && web_token_eq(w, tok, strlen(tok));
	evhttp_clear_headers(&q);
	explicit_bzero(body, sizeof(body));
	if (!ok) {
		log_info("http: wrong token on the login page");
		web_error(c, 403, "wrong token");
		return;
	}
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=2592000", WEB_COOKIE, w->token);
	web_header(c, "Set-Cookie", cookie);
	explicit_bzero(cookie, sizeof(cookie));
	web_reply(c, 200, ROUTER_JSON, "no-store",
	    "{\"ok\":true}\n", 12);
}

/* /login: the token form (GET), or the token (POST). */
static void
web_login(struct router_call *c)
{
	struct web *w = c->ctx;

	if (c->method == EVHTTP_REQ_POST)
		web_login_post(w, c);
	else if (w->token_len == 0) {
		web_header(c, "Location", "./");
		web_reply(c, 303, "text/plain; charset=utf-8", "no-store",
		    "no login needed\n", 16);
	} else
		web_page(w, c, "login.html");
}

/* GET /page-config.json: what the page needs of the configuration. */
static void
web_page_config(struct router_call *c)
{
	struct web *w = c->ctx;
	const struct config *cf = &w->d->cfg;

	web_json(c, 200, json_pack("{s:s,s:s,s:b,s:i,s:s}",
	    "tile_url", cf->http_tile_url,
	    "tile_attribution", cf->http_tile_attribution,
	    "auth", w->token_len > 0,
	    "replan_interval_s", cf->planner_interval_s,
	    "version", PR_VERSION));
}

/* ---- the offices --------------------------------------------------------- */

/* Reads what the overview shows of an office's latest plan, once per
 * plan. */
static const struct web_office *
web_office_plan(struct web *w, int k)
{
	struct web_office *wo = &w->o[k];
	const char *json = publish_get(w->d, k, 0);
	json_t *root, *routes, *r;
	const char *s;
	size_t i;

	if (json == wo->json && publish_version(w->d, k) == wo->version)
		return wo;
	memset(wo, 0, sizeof(*wo));
	wo->json = json;
	wo->version = publish_version(w->d, k);
	wo->generated = -1;
	if (json == NULL || (root = json_loads(json, 0, NULL)) == NULL)
		return wo;
	routes = json_object_get(root, "routes");
	wo->routes = (int)json_array_size(routes);
	json_array_foreach(routes, i, r)
		wo->dispatched += json_is_true(json_object_get(r,
		    "dispatched"));
	wo->at_risk = (int)json_array_size(json_object_get(root, "at_risk"));
	wo->unassigned = (int)json_array_size(json_object_get(root,
	    "unassigned"));
	if ((s = json_string_value(json_object_get(root,
	    "generated_at"))) != NULL) {
		scopy(wo->generated_s, s, sizeof(wo->generated_s));
		if (pr_time_parse(s, &wo->generated, NULL) != 0)
			wo->generated = -1;
	}
	if ((s = json_string_value(json_object_get(root, "plan_time"))) !=
	    NULL)
		scopy(wo->plan_time_s, s, sizeof(wo->plan_time_s));
	json_decref(root);
	return wo;
}

static json_t *
web_office_json(struct web *w, int k, int redis_up, int64_t now)
{
	const struct pr_region *rg = w->d->region;
	const struct pr_office *of = &rg->offices[k];
	const struct web_office *wo = web_office_plan(w, k);
	const char *state;
	json_t *o;

	if (!redis_up)
		state = "redis_down";
	else if (w->open[k] == 0)
		state = "no_orders";
	else if (wo->json != NULL && wo->at_risk > 0)
		state = "at_risk";
	else if (wo->json == NULL || wo->generated < 0 ||
	    now - wo->generated > w->d->cfg.planner_interval_s)
		state = "stale";
	else
		state = "planned";
	o = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:[ff],s:i,s:s}",
	    "id", of->id, "plan_version", (json_int_t)wo->version,
	    "name", of->name,
	    "commune", of->commune >= 0 ? rg->communes[of->commune].code : "",
	    "district", of->district >= 0 ? rg->districts[of->district].code :
	    "", "district_name", of->district >= 0 ?
	    rg->districts[of->district].name : "",
	    "location", of->lon, of->lat, "open_orders", w->open[k],
	    "state", state);
	if (wo->json != NULL) {
		json_object_set_new(o, "routes", json_integer(wo->routes));
		json_object_set_new(o, "dispatched",
		    json_integer(wo->dispatched));
		json_object_set_new(o, "at_risk", json_integer(wo->at_risk));
		json_object_set_new(o, "unassigned",
		    json_integer(wo->unassigned));
		json_object_set_new(o, "plan_generated_at",
		    wo->generated_s[0] ? json_string(wo->generated_s) :
		    json_null());
		json_object_set_new(o, "plan_time", wo->plan_time_s[0] ?
		    json_string(wo->plan_time_s) : json_null());
	}
	return o;
}

/* GET /v1/offices[?id=ID]: every office (or one) with its name, place,
 * open orders, the summary of its latest plan and its state. */
static void
web_offices(struct router_call *c)
{
	struct web *w = c->ctx;
	struct daemon *d = w->d;
	const char *query = c->query, *id = NULL;
	int redis_up = rconn_up(d->rd) && rconn_up(d->cmd), one = -1, k;
	int64_t now = wall_s();
	struct evkeyvalq q;
	json_t *a;
	char *s, etag[48];
	size_t len;

	TAILQ_INIT(&q);
	if (query != NULL && evhttp_parse_query_str(query, &q) == 0)
		id = evhttp_find_header(&q, "id");
	if (id != NULL && (one = pr_region_office(d->region, id)) < 0) {
		evhttp_clear_headers(&q);
		web_error(c, 404, "unknown office");
		return;
	}
	evhttp_clear_headers(&q);
	planner_open_counts(d, w->open);
	a = json_array();
	for (k = 0; k < d->region->n_offices; k++)
		if (one < 0 || k == one)
			json_array_append_new(a,
			    web_office_json(w, k, redis_up, now));
	s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(8));
	json_decref(a);
	len = strlen(s);
	snprintf(etag, sizeof(etag), "\"o%llx%s\"", web_hash(s, len),
	    web_will_gzip(c, len + 1) ? "z" : "");
	if (!web_not_modified(c, etag)) {
		s = erealloc(s, len + 2);
		s[len++] = '\n';
		s[len] = '\0';
		web_reply(c, 200, ROUTER_JSON, "no-store", s, len);
	}
	free(s);
}

/* ---- the route sheet as CSV ---------------------------------------------- */

/* One CSV field (RFC 4180). Text that a spreadsheet would take for a
 * formula (= + - @ first) is prefixed with ', except plain numbers. */
static void
web_csv_field(struct sbuf *s, const char *v, int first)
{
	int quote = strpbrk(v, ",\"\r\n") != NULL;

	if (!first)
		sbuf_add(s, ",", 1);
	if (quote)
		sbuf_add(s, "\"", 1);
	if ((v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' ||
	    v[0] == '\t') && strspn(v + 1, "0123456789 .") != strlen(v + 1))
		sbuf_add(s, "'", 1);
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '"')
			sbuf_add(s, "\"", 1);
		sbuf_add(s, p, 1);
	}
	if (quote)
		sbuf_add(s, "\"", 1);
}

static const char *
web_jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

/*
 * The stops of one route in plan order. The household's name, phone and
 * village come from the stop's "contact" object and "commune_name", which
 * plans do not carry yet (docs/web.md): until then those columns are
 * empty.
 */
static void
web_sheet_csv_send(struct web *w, struct router_call *c, int office,
    const char *vehicle)
{
	const char *json = publish_get(w->d, office, 0);
	json_t *root, *routes, *r, *route = NULL, *st, *contact;
	struct sbuf s;
	char num[64], disp[2 * PR_MAX_ID + 48];
	size_t i;

	if (json == NULL || (root = json_loads(json, 0, NULL)) == NULL) {
		web_error(c, 404, "no plan yet");
		return;
	}
	routes = json_object_get(root, "routes");
	json_array_foreach(routes, i, r)
		if (strcmp(web_jstr(r, "vehicle"), vehicle) == 0)
			route = r;
	if (route == NULL) {
		json_decref(root);
		web_error(c, 404, "no such route in the latest plan");
		return;
	}
	sbuf_init(&s);
	/* A byte-order mark, so that spreadsheets read the text as UTF-8. */
	sbuf_add(&s, "\xef\xbb\xbf", 3);
	sbuf_addf(&s, "stop,order_id,village,household,phone,weight_kg,"
	    "perishable,latest_pickup,arrival\r\n");
	json_array_foreach(json_object_get(route, "stops"), i, st) {
		const char *village;

		contact = json_object_get(st, "contact");
		village = web_jstr(contact, "address");
		if (village[0] == '\0')
			village = web_jstr(st, "commune_name");
		snprintf(num, sizeof(num), "%zu", i + 1);
		web_csv_field(&s, num, 1);
		web_csv_field(&s, web_jstr(st, "order_id"), 0);
		web_csv_field(&s, village, 0);
		web_csv_field(&s, web_jstr(contact, "name"), 0);
		web_csv_field(&s, web_jstr(contact, "phone"), 0);
		snprintf(num, sizeof(num), "%g",
		    json_number_value(json_object_get(st, "weight_kg")));
		web_csv_field(&s, num, 0);
		web_csv_field(&s, json_is_true(json_object_get(st,
		    "perishable")) ? "yes" : "no", 0);
		web_csv_field(&s, web_jstr(st, "latest"), 0);
		web_csv_field(&s, web_jstr(st, "arrival"), 0);
		sbuf_add(&s, "\r\n", 2);
	}
	json_decref(root);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s-%s.csv\"",
	    w->d->region->offices[office].id, vehicle);
	web_header(c, "Content-Disposition", disp);
	web_reply(c, 200, "text/csv; charset=utf-8", "no-store", s.s,
	    s.len);
	sbuf_free(&s);
}

/* ---- routing ------------------------------------------------------------- */

/* An id in a path: [A-Za-z0-9._-], 1 to PR_MAX_ID - 1 bytes. */
static int
web_id_ok(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n >= PR_MAX_ID)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		    ch == '-'))
			return 0;
	}
	return 1;
}

/* The office of the path's {id} (and a well-formed {vehicle} when the
 * route has one), or -1, answered with 404. */
static int
web_office_arg(struct router_call *c)
{
	struct web *w = c->ctx;
	int office;

	if (!web_id_ok(c->arg[0]) || (c->nargs > 1 && !web_id_ok(c->arg[1])) ||
	    (office = pr_region_office(w->d->region, c->arg[0])) < 0) {
		web_not_found(c);
		return -1;
	}
	return office;
}

static void
web_index(struct router_call *c)
{
	web_page(c->ctx, c, "index.html");
}

static void
web_office_page(struct router_call *c)
{
	if (web_office_arg(c) >= 0)
		web_page(c->ctx, c, "office.html");
}

static void
web_sheet_page(struct router_call *c)
{
	if (web_office_arg(c) >= 0)
		web_page(c->ctx, c, "sheet.html");
}

static void
web_sheet_csv(struct router_call *c)
{
	int office = web_office_arg(c);

	if (office >= 0)
		web_sheet_csv_send(c->ctx, c, office, c->arg[1]);
}

static void
web_static(struct router_call *c)
{
	struct web *w = c->ctx;

	web_file(w, c, w->root, c->arg[0], 0, "no-cache");
}

/* Debian's leaflet.js is the unminified source (421 KiB) and
 * leaflet.min.js the minified one; upstream's leaflet.js is minified.
 * /leaflet/leaflet.js is the minified one of either. */
static void
web_leaflet(struct router_call *c)
{
	struct web *w = c->ctx;
	char path[sizeof(w->leaflet) + 32];
	const char *rel = c->arg[0];
	struct stat st;

	if (strcmp(rel, "leaflet.js") == 0) {
		snprintf(path, sizeof(path), "%s/leaflet.min.js", w->leaflet);
		if (stat(path, &st) == 0)
			rel = "leaflet.min.js";
	}
	web_file(w, c, w->leaflet, rel, 0, "public, max-age=86400");
}

/* The page's routes; everything else of the port is http.c's. */
static const struct route web_routes[] = {
	{ "/", ROUTER_GET, web_index },
	{ "/offices/{id}", ROUTER_GET, web_office_page },
	{ "/offices/{id}/routes/{vehicle}/sheet", ROUTER_GET, web_sheet_page },
	{ "/offices/{id}/routes/{vehicle}/sheet.csv", ROUTER_GET,
	    web_sheet_csv },
	{ "/web/{file*}", ROUTER_GET, web_static },
	{ "/leaflet/{file*}", ROUTER_GET, web_leaflet },
	{ "/page-config.json", ROUTER_GET, web_page_config },
	{ "/login", ROUTER_GET | ROUTER_POST, web_login },
	{ "/v1/offices", ROUTER_GET, web_offices },
};

void
web_add_routes(struct web *w, struct router *r)
{
	router_add(r, web_routes, sizeof(web_routes) / sizeof(web_routes[0]),
	    w);
}

/* ---- start --------------------------------------------------------------- */

/* [http] web_root, or its default: the source tree's web/ for a
 * postrouted that runs from its build directory, else the installed
 * files. */
static void
web_root(const struct config *c, char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len;
	char *slash;

	if (c->http_web_root[0] != '\0') {
		config_resolve(c, c->http_web_root, buf, n);
		return;
	}
	snprintf(buf, n, "%s", POSTROUTE_WEB_DIR);
	if (POSTROUTE_BUILD_DIR[0] == '\0' ||
	    (len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	if (strcmp(exe, POSTROUTE_BUILD_DIR) == 0)
		snprintf(buf, n, "%s", POSTROUTE_SOURCE_WEB);
}

struct web *
web_new(struct daemon *d)
{
	struct web *w = ecalloc(1, sizeof(*w));
	char path[sizeof(w->root) + 16], err[CONFIG_PATH + 200];
	struct stat st;

	w->d = d;
	w->boot = (unsigned long long)wall_s();
	w->o = ecalloc((size_t)d->region->n_offices, sizeof(*w->o));
	w->open = ecalloc((size_t)d->region->n_offices, sizeof(int));
	web_root(&d->cfg, w->root, sizeof(w->root));
	config_resolve(&d->cfg, d->cfg.http_leaflet_dir, w->leaflet,
	    sizeof(w->leaflet));
	snprintf(path, sizeof(path), "%s/index.html", w->root);
	if (stat(path, &st) != 0)
		log_warnx("http: no dispatcher's page: %s: %s ([http] "
		    "web_root)", path, strerror(errno));
	else
		log_info("http: the dispatcher's page from %s", w->root);
	snprintf(path, sizeof(path), "%s/leaflet.js", w->leaflet);
	if (stat(path, &st) != 0)
		log_warnx("http: no Leaflet for the page's maps: %s: %s "
		    "(install libjs-leaflet, or set [http] leaflet_dir)", path,
		    strerror(errno));
	if (d->cfg.http_token_file[0] != '\0') {
		if (config_read_token(&d->cfg, w->token, sizeof(w->token),
		    err, sizeof(err)) != 0)
			fatalx("http: %s", err);
		w->token_len = strlen(w->token);
		log_info("http: the page, the API and every POST need the "
		    "token of [http] token_file");
	}
	return w;
}

void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	explicit_bzero(w->token, sizeof(w->token));
	free(w->o);
	free(w->open);
	free(w);
}
