/* publish.c: plans out: each plan turned into JSON once, kept for HTTP, appended to the plans stream and stored as the office's latest plan in Redis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "daemon.h"
#include "log.h"
#include "postroute/plan.h"
#include "plan_json.h"
#include "publish.h"
#include "rconn.h"
#include "store.h"
#include "txn.h"
#include "util.h"

/*
 * Redis:
 *   <plans stream>            XADD office <id> version <n> plan <JSON>
 *   <prefix>plan:<office>     SET: the latest plan (JSON)
 * Both in one MULTI/EXEC, so a reader never sees one without the other;
 * with several daemons the stream entry also has token <fencing token>
 * after version, and the transaction goes through the fence (txn.h): a
 * deposed planner's plan is refused by Redis.
 * The latest plans are loaded back at start, so that HTTP serves them
 * (and versions keep increasing) before the first new solve.
 *
 * A standby (one of several daemons, not holding the lease) publishes
 * nothing but serves the active planner's plans read-only: it loads the
 * latest plans, then follows the plans stream (XREAD BLOCK on the read
 * connection, which a standby does not use otherwise) from the entry
 * that was last before the loading began, keeping each office's newest
 * version (publish_follow). When it takes over it forgets them all
 * (publish_unfollow), so that the planner loads the latest ones afresh
 * and versions go on from the last published. What the
 * planner remembers of a plan (its routes) is the planner's: this part
 * only writes plans out, and keeps the text HTTP serves.
 */

struct office_out {
	char *json;
	char *geojson;
	int64_t version;
	int64_t generated_at;
	int n_at_risk;
};

struct publish {
	struct daemon *d;
	struct office_out *o;
	int n;
	int inflight;            /* plan transactions not yet answered */
	int fstate;              /* a standby: following the plans stream */
	int gen;                 /* bumped when the plans are forgotten */
	char follow_id[48];      /* the last entry read */
};

static void
publish_clear(struct office_out *oo)
{
	free(oo->json);
	free(oo->geojson);
	memset(oo, 0, sizeof(*oo));
}

static void
publish_txn_done(enum txn_result res, void *arg)
{
	struct daemon *d = arg;

	d->publish->inflight--;
	if (res == TXN_OK)
		d->metrics.plans_published++;
	else if (res == TXN_FENCED)
		d->metrics.plans_refused++;
}

void
publish_plan(struct daemon *d, const struct pr_office_plan *p)
{
	struct office_out *oo = &d->publish->o[p->office];
	const char *id = d->region->offices[p->office].id;
	char key[CONFIG_STR + 96], ver[32], maxlen[16], token[32];
	const char *argv[14];
	struct txn t;
	int n = 12, rc;

	publish_clear(oo);
	oo->json = plan_json(d->region, p, store_orders(d->store));
	oo->geojson = plan_geojson(d->region, p, store_orders(d->store));
	if (oo->json == NULL || oo->geojson == NULL)
		fatalx("publish: out of memory");
	oo->version = p->version;
	oo->generated_at = p->generated_at;
	oo->n_at_risk = p->n_at_risk;
	log_info("publish: office %s plan %lld: %d orders, %d routes, "
	    "%d unassigned, %d at risk, solved in %.2f s", id,
	    (long long)p->version, p->n_orders, p->n_routes, p->n_unassigned,
	    p->n_at_risk, p->stats.solve_s);

	txn_init(&t);
	snprintf(ver, sizeof(ver), "%lld", (long long)p->version);
	snprintf(maxlen, sizeof(maxlen), "%d", d->cfg.streams_plans_maxlen);
	argv[0] = "XADD";
	argv[1] = d->cfg.streams_plans;
	argv[2] = "MAXLEN";
	argv[3] = "~";
	argv[4] = maxlen;
	argv[5] = "*";
	argv[6] = "office";
	argv[7] = id;
	argv[8] = "version";
	argv[9] = ver;
	argv[10] = "plan";
	argv[11] = oo->json;
	if (d->token > 0) {
		/* which lease holder wrote it: readers (and the tests) can
		 * tell a deposed planner's plan */
		snprintf(token, sizeof(token), "%lld", (long long)d->token);
		argv[10] = "token";
		argv[11] = token;
		argv[12] = "plan";
		argv[13] = oo->json;
		n = 14;
	}
	txn_add(&t, n, argv, NULL);
	daemon_key(d, key, sizeof(key), "plan:%s", id);
	argv[0] = "SET";
	argv[1] = key;
	argv[2] = oo->json;
	txn_add(&t, 3, argv, NULL);
	if ((rc = txn_send_fenced(d->fence, &t, publish_txn_done, d)) ==
	    TXN_ECLOSED) {
		d->metrics.plans_refused++;
		log_warnx("publish: office %s plan %lld not written: this "
		    "process does not hold the lease", id,
		    (long long)p->version);
	} else if (rc != 0) {
		log_warnx("publish: office %s plan %lld kept in memory only "
		    "(Redis is down)", id, (long long)p->version);
	} else
		d->publish->inflight++;
	txn_free(&t);
}

const char *
publish_get(const struct daemon *d, int office, int geojson)
{
	const struct office_out *oo = &d->publish->o[office];

	return geojson ? oo->geojson : oo->json;
}

int64_t
publish_version(const struct daemon *d, int office)
{
	return d->publish->o[office].version;
}

int64_t
publish_generated_at(const struct daemon *d, int office)
{
	return d->publish->o[office].generated_at;
}

int
publish_pending(const struct daemon *d)
{
	return d->publish->inflight;
}

int
publish_at_risk(const struct daemon *d)
{
	int n = 0;

	for (int k = 0; k < d->publish->n; k++)
		n += d->publish->o[k].n_at_risk;
	return n;
}

/* One loading of the stored plans (publish_restore). */
struct restore {
	struct daemon *d;
	int gen;                 /* publish's generation when it began */
	int left;                /* replies awaited, +1 while sending */
	void (*restored)(struct daemon *, int, struct pr_office_plan *);
	void (*done)(struct daemon *);
};

struct restore_arg {
	struct restore *rs;
	int office;
};

static void
publish_restore_end(struct restore *rs)
{
	struct daemon *d = rs->d;
	struct publish *p = d->publish;
	int n = 0;

	if (--rs->left > 0)
		return;
	if (rs->gen == p->gen) {
		for (int k = 0; k < p->n; k++)
			n += p->o[k].json != NULL;
		log_info("publish: %d stored plans loaded", n);
	}
	rs->done(d);
	free(rs);
}

static void
publish_restore_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct restore_arg *ra = arg;
	struct restore *rs = ra->rs;
	struct daemon *d = rs->d;
	struct publish *p = d->publish;
	struct office_out *oo = &p->o[ra->office];
	struct pr_office_plan *pl;

	(void)rc;
	/* (a loading that began before publish_unfollow() forgot the
	 * plans is left out: gen) */
	if (r != NULL && r->type == REDIS_REPLY_STRING && oo->json == NULL &&
	    rs->gen == p->gen &&
	    (pl = plan_from_json(ra->office, r->str, r->len)) != NULL) {
		oo->json = estrdup(r->str);
		oo->geojson = NULL;	/* rebuilt with the next plan */
		oo->version = pl->version;
		oo->generated_at = pl->generated_at;
		oo->n_at_risk = pl->n_at_risk;
		if (rs->restored != NULL)
			rs->restored(d, ra->office, pl);
		else
			plan_free(pl);
	}
	free(ra);
	publish_restore_end(rs);
}

void
publish_restore(struct daemon *d,
    void (*restored)(struct daemon *, int, struct pr_office_plan *),
    void (*done)(struct daemon *))
{
	struct publish *p = d->publish;
	struct restore *rs = ecalloc(1, sizeof(*rs));
	char key[CONFIG_STR + 96];
	const char *argv[2];

	rs->d = d;
	rs->gen = p->gen;
	rs->restored = restored;
	rs->done = done;
	rs->left = p->n + 1;	/* +1: ours, below */
	for (int k = 0; k < p->n; k++) {
		struct restore_arg *ra = ecalloc(1, sizeof(*ra));

		ra->rs = rs;
		ra->office = k;
		daemon_key(d, key, sizeof(key), "plan:%s",
		    d->region->offices[k].id);
		argv[0] = "GET";
		argv[1] = key;
		if (rconn_cmd(d->cmd, publish_restore_cb, ra, 0, 2, argv,
		    NULL) != 0) {
			free(ra);
			rs->left--;
		}
	}
	publish_restore_end(rs);
}

/* ---- a standby: the active planner's plans, read-only -------------------------- */

/*
 * F_IDLE -> (both connections up) XREVRANGE -> F_LOADING -> the stored
 * plans (publish_restore) -> F_READING: XREAD ... BLOCK from the entry
 * found first, again and again. A lost connection (a NULL reply) goes
 * back to F_IDLE, and the next connection starts over.
 */
enum follow_state {
	F_OFF = 0,
	F_IDLE,
	F_LOADING,
	F_READING
};

static void publish_follow_kick(struct daemon *);

/* One entry of the plans stream: the office's plan, if newer. */
static void
publish_follow_entry(struct daemon *d, const redisReply *fields)
{
	const redisReply *office = NULL, *json = NULL;
	struct office_out *oo;
	struct pr_office_plan *pl;
	int k;

	for (size_t i = 0; i + 1 < fields->elements; i += 2) {
		const redisReply *f = fields->element[i];

		if (f->type != REDIS_REPLY_STRING ||
		    fields->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(f->str, "office") == 0)
			office = fields->element[i + 1];
		else if (strcmp(f->str, "plan") == 0)
			json = fields->element[i + 1];
	}
	if (office == NULL || json == NULL ||
	    (k = pr_region_office(d->region, office->str)) < 0 ||
	    (pl = plan_from_json(k, json->str, json->len)) == NULL)
		return;
	oo = &d->publish->o[k];
	if (pl->version > oo->version) {
		publish_clear(oo);
		oo->json = estrdup(json->str);
		oo->version = pl->version;
		oo->n_at_risk = pl->n_at_risk;
	}
	plan_free(pl);
}

static void publish_follow_read(struct daemon *);

static void
publish_follow_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct publish *p = d->publish;
	const redisReply *entries;

	(void)rc;
	if (p->fstate != F_READING)
		return;
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		if (r != NULL)
			log_warnx("publish: following %s: %s",
			    d->cfg.streams_plans, r->str);
		p->fstate = F_IDLE;	/* again with the next connection */
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2 &&
	    (entries = r->element[0]->element[1])->type ==
	    REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < entries->elements; i++) {
			const redisReply *e = entries->element[i];

			if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
			    e->element[0]->type != REDIS_REPLY_STRING)
				continue;
			scopy(p->follow_id, e->element[0]->str,
			    sizeof(p->follow_id));
			if (e->element[1]->type == REDIS_REPLY_ARRAY)
				publish_follow_entry(d, e->element[1]);
		}
	}
	publish_follow_read(d);
}

static void
publish_follow_read(struct daemon *d)
{
	struct publish *p = d->publish;
	char block[16];
	const char *argv[8] = { "XREAD", "COUNT", "100", "BLOCK", block,
	    "STREAMS", d->cfg.streams_plans, p->follow_id };

	snprintf(block, sizeof(block), "%d", d->cfg.streams_block_ms);
	if (rconn_cmd(d->rd, publish_follow_cb, d, d->cfg.streams_block_ms,
	    8, argv, NULL) != 0)
		p->fstate = F_IDLE;
}

static void
publish_follow_loaded(struct daemon *d)
{
	struct publish *p = d->publish;

	if (p->fstate != F_LOADING)
		return;
	p->fstate = F_READING;
	publish_follow_read(d);
}

/* The stream's last entry before loading: reading goes on from it. */
static void
publish_follow_last_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct daemon *d = arg;
	struct publish *p = d->publish;

	(void)rc;
	if (p->fstate != F_LOADING)
		return;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		p->fstate = F_IDLE;
		publish_follow_kick(d);
		return;
	}
	scopy(p->follow_id, "0-0", sizeof(p->follow_id));
	if (r->elements > 0 && r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements > 0 &&
	    r->element[0]->element[0]->type == REDIS_REPLY_STRING)
		scopy(p->follow_id, r->element[0]->element[0]->str,
		    sizeof(p->follow_id));
	publish_restore(d, NULL, publish_follow_loaded);
}

static void
publish_follow_kick(struct daemon *d)
{
	struct publish *p = d->publish;
	const char *argv[6] = { "XREVRANGE", d->cfg.streams_plans, "+", "-",
	    "COUNT", "1" };

	if (p->fstate != F_IDLE || !rconn_up(d->rd) || !rconn_up(d->cmd))
		return;
	if (rconn_cmd(d->cmd, publish_follow_last_cb, d, 0, 6, argv,
	    NULL) == 0)
		p->fstate = F_LOADING;
}

void
publish_follow(struct daemon *d)
{
	struct publish *p = d->publish;

	if (p->fstate != F_OFF)
		return;
	p->fstate = F_IDLE;
	log_info("publish: serving the active planner's plans, read-only "
	    "(following %s)", d->cfg.streams_plans);
	publish_follow_kick(d);
}

void
publish_unfollow(struct daemon *d)
{
	struct publish *p = d->publish;
	int reading = p->fstate == F_READING;

	if (p->fstate == F_OFF)
		return;
	p->fstate = F_OFF;
	/* an XREAD ... BLOCK would hold the read connection that ingest
	 * needs now */
	if (reading)
		rconn_drop(d->rd, "taking over: the plans are no longer "
		    "followed");
	p->gen++;
	for (int k = 0; k < p->n; k++)
		publish_clear(&p->o[k]);
}

void
publish_conn_state(struct daemon *d, struct rconn *rc, int up)
{
	(void)rc;
	if (up)
		publish_follow_kick(d);
}

struct publish *
publish_new(struct daemon *d)
{
	struct publish *p = ecalloc(1, sizeof(*p));

	p->d = d;
	p->n = d->region->n_offices;
	p->o = ecalloc((size_t)p->n, sizeof(*p->o));
	d->publish = p;
	return p;
}

void
publish_free(struct publish *p)
{
	if (p == NULL)
		return;
	for (int k = 0; k < p->n; k++)
		publish_clear(&p->o[k]);
	free(p->o);
	free(p);
}
