/* http.h: the HTTP API on evhttp: /healthz, /metrics, /v1/offices/{id}/plan[.geojson], dispatch marks, POST /v1/solve. */
#ifndef POSTROUTED_HTTP_H
#define POSTROUTED_HTTP_H

struct daemon;

/* Listens on [http] listen and port (0: any free port, logged). Loop
 * thread only. */
struct http *http_new(struct daemon *d);
/* Closes the listener and every connection; the /v1/solve jobs still on
 * the workers are cancelled (and freed by workers_free()). */
void http_free(struct http *h);

#endif
