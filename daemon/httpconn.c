/* httpconn.c: the HTTP server's connections: a cap on how many are open, a deadline for each request and each answer, accept errors backed off, every line about them rate-limited. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "daemon.h"
#include "httpconn.h"
#include "log.h"
#include "util.h"

/*
 * evhttp (libevent 2.1) has no cap on connections, and its timeout is an
 * idle timeout: a client that sends a byte every few seconds keeps a
 * connection, and its descriptor, for ever. At the descriptor limit its
 * listener's accept fails at once again and again, and libevent logs
 * each failure: 7.4 million lines in 40 s at 100 % CPU (issue 14).
 *
 * So evhttp is given the bufferevent of every connection it accepts
 * (evhttp_set_bevcb), with a reference of ours, so that the bufferevent
 * outlives evhttp's use of it: once evhttp has freed it its callbacks are
 * gone (bufferevent_free), and the sweep lets it go. It closes its
 * descriptor when it goes (BEV_OPT_CLOSE_ON_FREE), not when evhttp is
 * done with it: otherwise a new connection could get the same number
 * while the old bufferevent still watched it, and read the new client's
 * bytes (half of the requests lost their headers that way). So a closed
 * connection keeps its descriptor until the next sweep, at most
 * HTTPCONN_SWEEP_MS. The sweep also ends a
 * connection past its deadline by shutting its socket down: evhttp reads
 * the end of the stream and frees the connection as if the client had
 * hung up. The deadline runs while a request is read and while an answer
 * is written (bufferevent_get_enabled says which), not while a request
 * waits for a solve.
 */

#define HTTPCONN_SWEEP_MS 100
#define HTTPCONN_BACKOFF_MIN 0.1      /* seconds without accepting */
#define HTTPCONN_BACKOFF_MAX 2.0
#define HTTPCONN_LOG_PER_S 5
/* Descriptors kept for the rest of the daemon (Redis, files, pipes). */
#define HTTPCONN_FD_RESERVE 64

struct conn {
	struct bufferevent *bev;     /* evhttp's; we hold a reference */
	double since;                /* start of the current phase */
	int writing;                 /* an answer was being written */
	int waiting;                 /* its request waits for a solve */
	int cut;                     /* shut down by the deadline */
	struct conn *next;
};

/* The listener's error callback gets the listener's own argument, which
 * is evhttp's: the one httpconn of the process is found here instead
 * (loop thread only). */
static struct httpconn *httpconn_listening;

struct httpconn {
	struct daemon *d;
	struct evconnlistener *listener;
	struct conn *conns;
	int n;
	int max;                     /* max_connections, or fewer descriptors */
	int full;                    /* not accepting: n reached max */
	int paused;                  /* not accepting: an accept failed */
	double backoff;
	struct event *sweep_ev;
	struct event *resume_ev;
	struct log_limit *accept_log, *cut_log, *full_log;
};

static void
httpconn_listen(struct httpconn *hc)
{
	int want = !hc->paused && !hc->full;

	if (want)
		evconnlistener_enable(hc->listener);
	else
		evconnlistener_disable(hc->listener);
}

/* evhttp accepted a connection and asks for its bufferevent. */
static struct bufferevent *
httpconn_bev(struct event_base *base, void *arg)
{
	struct httpconn *hc = arg;
	struct bufferevent *bev;
	struct conn *c;

	hc->backoff = HTTPCONN_BACKOFF_MIN;
	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;	/* evhttp makes one of its own */
	bufferevent_incref(bev);
	c = ecalloc(1, sizeof(*c));
	c->bev = bev;
	c->since = mono_s();
	c->next = hc->conns;
	hc->conns = c;
	if (++hc->n >= hc->max && !hc->full) {
		hc->full = 1;
		httpconn_listen(hc);
		log_limited(hc->full_log, LOG_PRI_WARNING, "http: %d "
		    "connections open ([http] max_connections): new ones wait "
		    "until one closes", hc->n);
	}
	return bev;
}

static void
httpconn_accept_error(struct evconnlistener *l, void *arg)
{
	struct httpconn *hc = httpconn_listening;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv;

	(void)arg;
	if (hc == NULL || l != hc->listener)
		return;
	hc->d->metrics.http_accept_errors++;
	log_limited(hc->accept_log, LOG_PRI_WARNING, "http: cannot accept a "
	    "connection: %s (%d open): not accepting for %.1f s",
	    evutil_socket_error_to_string(err), hc->n, hc->backoff);
	hc->paused = 1;
	httpconn_listen(hc);
	tv.tv_sec = (time_t)hc->backoff;
	tv.tv_usec = (suseconds_t)((hc->backoff - (double)tv.tv_sec) * 1e6);
	evtimer_add(hc->resume_ev, &tv);
	hc->backoff *= 2;
	if (hc->backoff > HTTPCONN_BACKOFF_MAX)
		hc->backoff = HTTPCONN_BACKOFF_MAX;
}

static void
httpconn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpconn *hc = arg;

	(void)fd;
	(void)what;
	hc->paused = 0;
	httpconn_listen(hc);
}

static void
httpconn_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpconn *hc = arg;
	struct conn **pp = &hc->conns, *c;
	double now = mono_s(), limit = hc->d->cfg.http_request_timeout_s;
	bufferevent_event_cb ecb;
	evutil_socket_t s;
	int writing;

	(void)fd;
	(void)what;
	while ((c = *pp) != NULL) {
		bufferevent_getcb(c->bev, NULL, NULL, &ecb, NULL);
		if (ecb == NULL) {	/* evhttp freed it */
			*pp = c->next;
			bufferevent_decref(c->bev);
			free(c);
			hc->n--;
			continue;
		}
		pp = &c->next;
		writing = (bufferevent_get_enabled(c->bev) & EV_WRITE) != 0;
		if (writing != c->writing) {
			/* an answer began, or was written: a new phase */
			c->writing = writing;
			c->since = now;
		}
		if (c->waiting || c->cut || now - c->since <= limit)
			continue;
		if ((s = bufferevent_getfd(c->bev)) >= 0)
			shutdown(s, SHUT_RDWR);
		c->cut = 1;
		hc->d->metrics.http_timeouts++;
		log_limited(hc->cut_log, LOG_PRI_INFO, "http: closed a "
		    "connection that %s within %.0f s ([http] "
		    "request_timeout_s)", writing ? "did not take its answer" :
		    "sent no whole request", limit);
	}
	if (hc->full && hc->n < hc->max) {
		hc->full = 0;
		httpconn_listen(hc);
	}
}

struct httpconn *
httpconn_new(struct daemon *d, struct evhttp *ev,
    struct evhttp_bound_socket *bs)
{
	struct httpconn *hc = ecalloc(1, sizeof(*hc));
	struct timeval tv = { 0, HTTPCONN_SWEEP_MS * 1000 };
	struct rlimit rl;

	hc->d = d;
	hc->max = d->cfg.http_max_connections;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)hc->max + HTTPCONN_FD_RESERVE > rl.rlim_cur) {
		int fit = rl.rlim_cur > 2 * HTTPCONN_FD_RESERVE ?
		    (int)(rl.rlim_cur - HTTPCONN_FD_RESERVE) :
		    (int)(rl.rlim_cur / 2);

		log_warnx("http: max_connections %d does not fit the "
		    "descriptor limit (%llu, %d kept for the rest): at most "
		    "%d connections", hc->max, (unsigned long long)rl.rlim_cur,
		    HTTPCONN_FD_RESERVE, fit > 1 ? fit : 1);
		hc->max = fit > 1 ? fit : 1;
	}
	hc->backoff = HTTPCONN_BACKOFF_MIN;
	hc->listener = evhttp_bound_socket_get_listener(bs);
	hc->accept_log = log_limit_new(d->base, HTTPCONN_LOG_PER_S,
	    "http: failed accepts", NULL);
	hc->cut_log = log_limit_new(d->base, HTTPCONN_LOG_PER_S,
	    "http: connections closed by the deadline", NULL);
	hc->full_log = log_limit_new(d->base, 1,
	    "http: times max_connections was reached", NULL);
	hc->sweep_ev = event_new(d->base, -1, EV_PERSIST, httpconn_sweep_cb,
	    hc);
	hc->resume_ev = evtimer_new(d->base, httpconn_resume_cb, hc);
	if (hc->listener == NULL || hc->sweep_ev == NULL ||
	    hc->resume_ev == NULL)
		fatalx("http: cannot watch the connections");
	httpconn_listening = hc;
	evconnlistener_set_error_cb(hc->listener, httpconn_accept_error);
	evhttp_set_bevcb(ev, httpconn_bev, hc);
	event_add(hc->sweep_ev, &tv);
	return hc;
}

void
httpconn_free(struct httpconn *hc)
{
	struct conn *c, *next;

	if (hc == NULL)
		return;
	if (httpconn_listening == hc)
		httpconn_listening = NULL;
	for (c = hc->conns; c != NULL; c = next) {
		next = c->next;
		bufferevent_decref(c->bev);
		free(c);
	}
	event_free(hc->sweep_ev);
	event_free(hc->resume_ev);
	log_limit_free(hc->accept_log);
	log_limit_free(hc->cut_log);
	log_limit_free(hc->full_log);
	free(hc);
}

void
httpconn_waiting(struct httpconn *hc, struct evhttp_request *req,
    int waiting)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return;
	for (struct conn *c = hc->conns; c != NULL; c = c->next)
		if (c->bev == bev) {
			c->waiting = waiting;
			c->since = mono_s();
			return;
		}
}

int
httpconn_open(const struct httpconn *hc)
{
	return hc->n;
}
