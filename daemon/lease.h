/* lease.h: the role of one of several postrouted sharing a Redis ([cluster] enabled): the lease of the active planner, its fencing token, renewal from the event loop, takeover and stepping down. */
#ifndef POSTROUTED_LEASE_H
#define POSTROUTED_LEASE_H

#include <stdint.h>

struct daemon;
struct rconn;

/* How the lease reports to whoever wires the parts (main.c): loop
 * thread, from the lease's callbacks. */
struct lease_hooks {
	/* This process won the lease: d->role is ROLE_ACTIVE, d->token its
	 * fencing token, the fence is armed. Start ingesting. */
	void (*active)(struct daemon *d);
	/* Another process holds the lease (seen for the first time since
	 * start): d->role is ROLE_STANDBY. */
	void (*standby)(struct daemon *d);
	/* Redis refused a write or a renewal: another process holds the
	 * lease (or it expired). d->role is ROLE_DEPOSED and the fence is
	 * closed: nothing more reaches Redis. Stop at once. */
	void (*deposed)(struct daemon *d, const char *why);
};

/*
 * Loop thread only, like everything here. Without [cluster] enabled the
 * process is active at once (hooks.active is called from lease_new), with
 * no lease and an open fence. Keeps a copy of hooks.
 */
struct lease *lease_new(struct daemon *d, const struct lease_hooks *hooks);
void lease_free(struct lease *l);
/* The command connection changed state (rconn's state callback). */
void lease_conn_state(struct daemon *d, struct rconn *rc, int up);
/* The fence refused a transaction (txn_fence_new's callback; arg: d). */
void lease_refused(void *arg);
/* Gives the lease up (SIGTERM, once the writes are done): a fenced
 * PEXPIRE of 1 ms,
 * so that a standby takes over at its next poll rather than after
 * lease_s. done(d) afterwards (at once when there is nothing to give). */
void lease_release(struct daemon *d, void (*done)(struct daemon *));
/* "active", "standby" or "deposed". */
const char *lease_role_name(const struct daemon *d);
/* Who holds the lease as this process last saw it ("token instance"), or
 * "" ; and this process's instance name. */
const char *lease_holder(const struct daemon *d);
const char *lease_instance(const struct daemon *d);
/* Renewals that Redis accepted, and seconds since the last one (-1:
 * none, or not active). */
uint64_t lease_renewals(const struct daemon *d);
double lease_age_s(const struct daemon *d);

#endif
