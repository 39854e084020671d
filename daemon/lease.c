/* lease.c: the role of one of several postrouted sharing a Redis ([cluster] enabled): the lease of the active planner, its fencing token, renewal from the event loop, takeover and stepping down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "daemon.h"
#include "lease.h"
#include "log.h"
#include "rconn.h"
#include "txn.h"
#include "util.h"

/*
 * Keys (prefix "postroute:" by default):
 *   <prefix>lease          "<token> <instance>", SET NX PX lease_s: the
 *                          active planner's lease
 *   <prefix>lease:token    INCR: the last fencing token handed out
 *
 * A standby polls the lease (GET) every tick. When nobody holds it, it
 * takes a new token (INCR, so tokens only grow) and tries SET lease
 * "<token> <instance>" NX PX: the one whose SET succeeds is active. The
 * instance (host:pid:random) makes the value unique to this process even
 * if a token were handed out twice (an INCR lost in a Redis failover).
 *
 * The active daemon renews every third of lease_s with a fenced PEXPIRE,
 * and every write it makes (the batches and their acks, the plans, the
 * renewal and the final release) goes through the fence (txn.h): WATCH
 * lease, GET lease equal to its own value, then MULTI ... EXEC. So a
 * process that lost the lease, because it was stopped (SIGSTOP, a long
 * pause, a partition) for longer than lease_s and a standby took over,
 * cannot write anything once it runs again: its first write or renewal
 * is refused by Redis itself, not by its own idea of the time. It then
 * steps down at once (hooks.deposed: main.c stops ingesting, cancels its
 * solves and exits with EX_TEMPFAIL for systemd to restart it, as a
 * standby). A daemon that only loses Redis for a while (the lease still
 * its own when it comes back) goes on.
 *
 * The role is kept in struct daemon (role, token) for the parts that
 * show it (HTTP, metrics). A later role that takes no part in the lease
 * (solve workers, issue 17 item 1) needs none of this: it never creates
 * a struct lease, and its process writes through an open or closed fence.
 */

#define LEASE_TICK_MAX_MS 500

struct lease {
	struct daemon *d;
	struct lease_hooks hooks;
	int enabled;
	int lease_ms;
	char key[CONFIG_STR + 32];
	char token_key[CONFIG_STR + 32];
	char instance[200];
	char value[256];           /* ours: "token instance" (active, or tried) */
	char holder[256];          /* the lease as last seen */
	int polling;               /* a GET/INCR/SET chain in flight */
	int renewing;
	int warned;                /* "not renewed" logged for this streak */
	double renew_sent;         /* mono_s() of the renewal in flight */
	double renewed_at;         /* mono_s() of the last accepted one */
	uint64_t renewals;
	struct event *tick;
	void (*release_done)(struct daemon *);
};

static void lease_poll(struct lease *);

static void
lease_become_active(struct lease *l, int64_t token, double since)
{
	struct daemon *d = l->d;

	d->role = ROLE_ACTIVE;
	d->token = token;
	l->renewed_at = since;
	l->warned = 0;
	scopy(l->holder, l->value, sizeof(l->holder));
	txn_fence_arm(d->fence, l->key, l->value);
	log_info("lease: active planner with fencing token %lld (%s holds "
	    "%s for %d s, renewed every %d ms)", (long long)token,
	    l->instance, l->key, l->lease_ms / 1000, l->lease_ms / 3);
	daemon_status(d, "active (token %lld), starting", (long long)token);
	l->hooks.active(d);
}

/* ---- a standby: poll, and take the lease when it is free --------------------------- */

struct poll_arg {
	struct lease *l;
	double sent;
	int64_t token;
};

static void
lease_set_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct poll_arg *pa = arg;
	struct lease *l = pa->l;

	(void)rc;
	l->polling = 0;
	if (r != NULL && r->type == REDIS_REPLY_STATUS &&
	    strcmp(r->str, "OK") == 0 && l->d->role == ROLE_STANDBY &&
	    !l->d->stopping)
		lease_become_active(l, pa->token, pa->sent);
	else if (r != NULL && r->type == REDIS_REPLY_ERROR)
		log_warnx("lease: SET %s failed: %s", l->key, r->str);
	free(pa);
}

static void
lease_incr_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct poll_arg *pa = arg;
	struct lease *l = pa->l;
	const struct daemon *d = l->d;
	char px[16];
	const char *argv[6] = { "SET", l->key, l->value, "NX", "PX", px };

	if (r == NULL || r->type != REDIS_REPLY_INTEGER ||
	    d->role != ROLE_STANDBY || d->stopping) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warnx("lease: INCR %s failed: %s", l->token_key,
			    r->str);
		l->polling = 0;
		free(pa);
		return;
	}
	pa->token = r->integer;
	snprintf(l->value, sizeof(l->value), "%lld %s", (long long)pa->token,
	    l->instance);
	snprintf(px, sizeof(px), "%d", l->lease_ms);
	/* The lease runs from when Redis sets it, later than now: counting
	 * it from here errs on the safe side. */
	pa->sent = mono_s();
	if (rconn_cmd(rc, lease_set_cb, pa, 0, 6, argv, NULL) != 0) {
		l->polling = 0;
		free(pa);
	}
}

static void
lease_get_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct poll_arg *pa = arg;
	struct lease *l = pa->l;
	struct daemon *d = l->d;
	const char *argv[2] = { "INCR", l->token_key };

	if (r == NULL || d->role != ROLE_STANDBY || d->stopping) {
		l->polling = 0;
		free(pa);
		return;
	}
	if (r->type == REDIS_REPLY_STRING) {
		l->polling = 0;
		if (l->value[0] != '\0' && strcmp(r->str, l->value) == 0) {
			/* Our SET went through, its answer was lost with
			 * the connection. */
			lease_become_active(l, strtoll(l->value, NULL, 10),
			    pa->sent);
			free(pa);
			return;
		}
		if (strcmp(l->holder, r->str) != 0) {
			log_info("lease: standby; the active planner is %s",
			    r->str);
			scopy(l->holder, r->str, sizeof(l->holder));
			daemon_status(d, "standby (active: %s)", l->holder);
		}
		daemon_ready(d);
		l->hooks.standby(d);
		free(pa);
		return;
	}
	if (r->type != REDIS_REPLY_NIL) {
		l->polling = 0;
		if (r->type == REDIS_REPLY_ERROR)
			log_warnx("lease: GET %s failed: %s", l->key, r->str);
		free(pa);
		return;
	}
	if (l->holder[0] != '\0')
		log_info("lease: %s is free (%s was the active planner): "
		    "taking it", l->key, l->holder);
	l->holder[0] = '\0';
	if (rconn_cmd(rc, lease_incr_cb, pa, 0, 2, argv, NULL) != 0) {
		l->polling = 0;
		free(pa);
	}
}

static void
lease_poll(struct lease *l)
{
	struct daemon *d = l->d;
	const char *argv[2] = { "GET", l->key };
	struct poll_arg *pa;

	if (l->polling || d->role != ROLE_STANDBY || d->stopping ||
	    !rconn_up(d->cmd))
		return;
	pa = ecalloc(1, sizeof(*pa));
	pa->l = l;
	pa->sent = mono_s();
	if (rconn_cmd(d->cmd, lease_get_cb, pa, 0, 2, argv, NULL) != 0) {
		free(pa);
		return;
	}
	l->polling = 1;
}

/* ---- the active daemon: renew ----------------------------------------------------- */

static void
lease_renewed(enum txn_result res, void *arg)
{
	struct lease *l = arg;

	l->renewing = 0;
	if (res == TXN_OK) {
		l->renewed_at = l->renew_sent;
		l->renewals++;
		if (l->warned)
			log_info("lease: renewed again");
		l->warned = 0;
	}
	/* TXN_FENCED: lease_refused() has been called. TXN_FAILED: the
	 * connection; tried again at the next tick. */
}

static void
lease_renew(struct lease *l)
{
	struct daemon *d = l->d;
	char px[16];
	const char *argv[3] = { "PEXPIRE", l->key, px };
	struct txn t;

	if (l->renewing || d->role != ROLE_ACTIVE || !txn_fence_armed(d->fence))
		return;
	snprintf(px, sizeof(px), "%d", l->lease_ms);
	txn_init(&t);
	txn_add(&t, 3, argv, NULL);
	l->renew_sent = mono_s();
	if (txn_send_fenced_first(d->fence, &t, lease_renewed, l) == 0)
		l->renewing = 1;
	txn_free(&t);
}

static void
lease_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lease *l = arg;
	struct daemon *d = l->d;
	double now = mono_s(), age = now - l->renewed_at;

	(void)fd;
	(void)what;
	switch (d->role) {
	case ROLE_STANDBY:
		lease_poll(l);
		break;
	case ROLE_ACTIVE:
		if (age * 1000 >= l->lease_ms / 3.0)
			lease_renew(l);
		if (age * 1000 > l->lease_ms && !l->warned) {
			/* Redis will say whether it is still ours: the
			 * fence refuses every write if not. */
			log_warnx("lease: not renewed for %.1f s (lease %d s): "
			    "another process may have taken over", age,
			    l->lease_ms / 1000);
			l->warned = 1;
		}
		break;
	case ROLE_DEPOSED:
		break;
	}
}

void
lease_refused(void *arg)
{
	struct daemon *d = arg;

	if (d->role != ROLE_ACTIVE)
		return;
	d->role = ROLE_DEPOSED;
	txn_fence_close(d->fence);
	d->lease->hooks.deposed(d, "Redis refused a write: another process "
	    "holds the lease, or it expired");
}

void
lease_conn_state(struct daemon *d, struct rconn *rc, int up)
{
	struct lease *l = d->lease;

	if (l == NULL || !l->enabled || rc != d->cmd || !up)
		return;
	if (d->role == ROLE_STANDBY)
		lease_poll(l);
	else if (d->role == ROLE_ACTIVE)
		lease_renew(l);	/* were we away too long? */
}

static void
lease_released(enum txn_result res, void *arg)
{
	struct lease *l = arg;
	struct daemon *d = l->d;
	void (*done)(struct daemon *) = l->release_done;

	if (res == TXN_OK)
		log_info("lease: released (token %lld)", (long long)d->token);
	txn_fence_close(d->fence);
	l->release_done = NULL;
	if (done != NULL)
		done(d);
}

void
lease_release(struct daemon *d, void (*done)(struct daemon *))
{
	struct lease *l = d->lease;
	/* PEXPIRE 1 rather than DEL: the ACL user needs no DEL
	 * (config/redis-acl.conf) */
	const char *argv[3] = { "PEXPIRE", l->key, "1" };
	struct txn t;

	if (!l->enabled || d->role != ROLE_ACTIVE ||
	    !txn_fence_armed(d->fence) || l->release_done != NULL) {
		done(d);
		return;
	}
	txn_init(&t);
	txn_add(&t, 3, argv, NULL);
	l->release_done = done;
	if (txn_send_fenced(d->fence, &t, lease_released, l) != 0) {
		l->release_done = NULL;
		done(d);
	}
	txn_free(&t);
}

const char *
lease_role_name(const struct daemon *d)
{
	static const char *const names[] = { "active", "standby", "deposed" };

	return names[d->role];
}

const char *
lease_holder(const struct daemon *d)
{
	return d->lease != NULL ? d->lease->holder : "";
}

const char *
lease_instance(const struct daemon *d)
{
	return d->lease != NULL ? d->lease->instance : "";
}

uint64_t
lease_renewals(const struct daemon *d)
{
	return d->lease != NULL ? d->lease->renewals : 0;
}

double
lease_age_s(const struct daemon *d)
{
	const struct lease *l = d->lease;

	if (l == NULL || !l->enabled || d->role != ROLE_ACTIVE)
		return -1;
	return mono_s() - l->renewed_at;
}

struct lease *
lease_new(struct daemon *d, const struct lease_hooks *hooks)
{
	struct lease *l = ecalloc(1, sizeof(*l));
	char host[128];
	struct timeval tv;
	int ms;

	l->d = d;
	l->hooks = *hooks;
	l->enabled = d->cfg.cluster_enabled;
	l->lease_ms = d->cfg.cluster_lease_s * 1000;
	d->lease = l;
	if (!l->enabled) {
		d->role = ROLE_ACTIVE;
		d->token = 0;
		txn_fence_open(d->fence);
		l->hooks.active(d);
		return l;
	}
	daemon_key(d, l->key, sizeof(l->key), "lease");
	daemon_key(d, l->token_key, sizeof(l->token_key), "lease:token");
	if (gethostname(host, sizeof(host)) != 0)
		scopy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(l->instance, sizeof(l->instance), "%s:%ld:%08x", host,
	    (long)getpid(), (unsigned)(mono_ms() ^ (wall_s() << 12)));
	d->role = ROLE_STANDBY;
	txn_fence_close(d->fence);
	ms = l->lease_ms / 6;
	if (ms > LEASE_TICK_MAX_MS)
		ms = LEASE_TICK_MAX_MS;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if ((l->tick = event_new(d->base, -1, EV_PERSIST, lease_tick_cb,
	    l)) == NULL)
		fatalx("lease: cannot create a timer");
	event_add(l->tick, &tv);
	log_info("lease: standby until %s is free (instance %s, lease %d s)",
	    l->key, l->instance, l->lease_ms / 1000);
	return l;
}

void
lease_free(struct lease *l)
{
	if (l == NULL)
		return;
	if (l->tick != NULL)
		event_free(l->tick);
	free(l);
}
