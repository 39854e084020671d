/* publish.h: plans out: each plan turned into JSON once, kept for HTTP, appended to the plans stream and stored as the office's latest plan in Redis. */
#ifndef POSTROUTED_PUBLISH_H
#define POSTROUTED_PUBLISH_H

#include <stdint.h>

struct daemon;
struct pr_office_plan;
struct rconn;

struct publish *publish_new(struct daemon *d);
void publish_free(struct publish *p);
/* Writes p out: its JSON and GeoJSON (kept for HTTP), then XADD to the
 * plans stream and SET <prefix>plan:<office> in one transaction (logged
 * and kept in memory only when Redis is down). Borrows p. */
void publish_plan(struct daemon *d, const struct pr_office_plan *p);
/* The latest plan of office as JSON / GeoJSON, or NULL. */
const char *publish_get(const struct daemon *d, int office, int geojson);
/* Its version, 0 without a plan. */
int64_t publish_version(const struct daemon *d, int office);
/* Plans handed to Redis whose transaction has not been answered yet. */
int publish_pending(const struct daemon *d);
/* When it was made (wall clock, seconds since the epoch), 0 without one. */
int64_t publish_generated_at(const struct daemon *d, int office);
/* At-risk orders over all latest plans. */
int publish_at_risk(const struct daemon *d);
/*
 * Loads the stored latest plans from Redis (start-up). Each plan read is
 * kept for HTTP (JSON only: the GeoJSON comes with the next plan) and
 * handed to restored, which takes it (plan_from_json: the routes, not
 * the whole plan; NULL: only kept for HTTP); offices that already have a
 * plan are left alone. done(d) afterwards, also when Redis failed on the
 * way.
 */
void publish_restore(struct daemon *d,
    void (*restored)(struct daemon *, int office, struct pr_office_plan *),
    void (*done)(struct daemon *));

/* A standby: serve the active planner's plans, read-only: the latest
 * ones, then every new one from the plans stream (on the read
 * connection), as long as it is a standby. */
void publish_follow(struct daemon *d);
/* Taking over: stop following and forget those plans (the planner loads
 * them afresh). */
void publish_unfollow(struct daemon *d);
/* A connection changed state (rconn's state callback). */
void publish_conn_state(struct daemon *d, struct rconn *rc, int up);

#endif
