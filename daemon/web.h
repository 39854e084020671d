/* web.h: the dispatcher's page on postrouted's HTTP port: page routes and files, the route sheet as CSV, the offices' state, and the access rules of every request. */
#ifndef POSTROUTED_WEB_H
#define POSTROUTED_WEB_H

#include <stddef.h>

struct daemon;
struct router;
struct router_call;
struct web;

/*
 * All of it runs on the loop thread (evhttp's callbacks). http.c owns the
 * struct web, adds the page's routes to its router (router.h) and asks
 * web_allow about every request.
 */

/* Resolves the page's directories and reads the access token; fatal when
 * the token file cannot be read (postrouted -t checks it first). */
struct web *web_new(struct daemon *d);
void web_free(struct web *w);

/* Adds the page's routes to r: the pages (/, /offices/{id},
 * .../routes/{vehicle}/sheet), the sheet as CSV, the page's files
 * (/web/..., /leaflet/...), /page-config.json, /login, and
 * GET /v1/offices[?id=ID] (every office, or one, with its name, place,
 * open orders, the summary of its latest plan and its state). */
void web_add_routes(struct web *w, struct router *r);

/*
 * The access rules of docs/web.md, for every request before it is routed:
 * a POST whose Origin is another site is refused; with [http] token_file
 * set, everything but /healthz, /metrics, the login page and the page's
 * static files needs the token (Authorization: Bearer, or the cookie the
 * login page sets), and a POST that shows it by cookie needs the header
 * X-Requested-With: postroute. Returns 1 to go on, or 0 when it has
 * answered the request (401, 403, or 303 to the login page).
 */
int web_allow(struct web *w, struct router_call *c);

/* The ETag of an office's latest plan (or its GeoJSON): changes with each
 * plan and with each start of the daemon. Returns buf. */
const char *web_plan_etag(const struct web *w, int office, int geojson,
    char *buf, size_t n);

/* Adds the ETag header; when the request's If-None-Match names it, sends
 * 304 and returns 1 (the request is answered), else returns 0. */
int web_not_modified(struct router_call *c, const char *etag);

#endif
