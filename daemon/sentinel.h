/* sentinel.h: the Redis primary found through Redis Sentinel ([redis] sentinels, master_name): asked before every connection, followed on a failover (+switch-master). */
#ifndef POSTROUTED_SENTINEL_H
#define POSTROUTED_SENTINEL_H

#include "rconn.h"

struct config;
struct event_base;
struct sentinel;

/* Connects to every Sentinel of cfg (which must outlive it). Loop thread
 * only, like everything here. */
struct sentinel *sentinel_new(struct event_base *base,
    const struct config *cfg);
/* Free the connections made by sentinel_connect first. */
void sentinel_free(struct sentinel *s);
/*
 * A data connection to the primary: before each (re)connection the
 * Sentinels are asked for its address (SENTINEL get-master-addr-by-name,
 * one after the other until one answers), and once connected the server
 * must say it is a primary (ROLE). When a Sentinel announces a failover
 * (+switch-master for master_name), the connection is dropped and made
 * again to the new primary. Otherwise like rconn_new().
 */
struct rconn *sentinel_connect(struct sentinel *s, const char *name,
    rconn_state_fn state, void *arg);
/* Failovers announced by the Sentinels (+switch-master) since start. */
unsigned long sentinel_switches(const struct sentinel *s);

#endif
