/* httpconn.h: the HTTP server's connections: a cap on how many are open, a deadline for each request and each answer, accept errors backed off, every line about them rate-limited. */
#ifndef POSTROUTED_HTTPCONN_H
#define POSTROUTED_HTTPCONN_H

struct daemon;
struct evhttp;
struct evhttp_bound_socket;
struct evhttp_request;
struct httpconn;

/*
 * Watches the connections evhttp accepts on bs (it gives evhttp their
 * bufferevents): at most [http] max_connections are open (beyond, the
 * listener stops accepting and new clients wait in the kernel's queue);
 * a connection must bring a whole request within [http]
 * request_timeout_s of being accepted or of its last answer, and take an
 * answer within as long, else it is closed; an accept that fails (out of
 * descriptors) stops accepting for a moment that doubles up to 2 s.
 * Loop thread only.
 */
struct httpconn *httpconn_new(struct daemon *d, struct evhttp *ev,
    struct evhttp_bound_socket *bs);
/* After evhttp_free(): lets the connections' memory go. */
void httpconn_free(struct httpconn *hc);
/* req's connection waits for a solve (waiting 1: no deadline meanwhile),
 * or has its answer (0: the deadline starts again). */
void httpconn_waiting(struct httpconn *hc, struct evhttp_request *req,
    int waiting);
/* Connections open now. */
int httpconn_open(const struct httpconn *hc);

#endif
