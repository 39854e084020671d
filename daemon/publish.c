/* publish.c: plans out: each plan turned into JSON once, kept for HTTP, appended to the plans stream and stored as the office's latest plan in Redis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "daemon.h"
#include "log.h"
#include "plan.h"
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
 * Both in one MULTI/EXEC, so a reader never sees one without the other.
 * The latest plans are loaded back at start, so that HTTP serves them
 * (and versions keep increasing) before the first new solve. What the
 * planner remembers of a plan (its routes) is the planner's: this part
 * only writes plans out, and keeps the text HTTP serves.
 */

struct office_out {
	char *json;
	char *geojson;
	int64_t version;
	int n_at_risk;
};

struct publish {
	struct office_out *o;
	int n;
	int restore_left;
	void (*restored)(struct daemon *, int, struct plan *);
	void (*restore_done)(struct daemon *);
};

static void
publish_clear(struct office_out *oo)
{
	free(oo->json);
	free(oo->geojson);
	memset(oo, 0, sizeof(*oo));
}

static void
publish_txn_done(int ok, void *arg)
{
	struct daemon *d = arg;

	if (ok)
		d->metrics.plans_published++;
}

void
publish_plan(struct daemon *d, const struct plan *p)
{
	struct office_out *oo = &d->publish->o[p->office];
	const char *id = d->region->offices[p->office].id;
	char key[CONFIG_STR + 96], ver[32], maxlen[16];
	const char *argv[12];
	struct txn t;

	publish_clear(oo);
	oo->json = plan_json(d->region, p, store_orders(d->store));
	oo->geojson = plan_geojson(d->region, p, store_orders(d->store));
	if (oo->json == NULL || oo->geojson == NULL)
		fatalx("publish: out of memory");
	oo->version = p->version;
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
	txn_add(&t, 12, argv, NULL);
	daemon_key(d, key, sizeof(key), "plan:%s", id);
	argv[0] = "SET";
	argv[1] = key;
	argv[2] = oo->json;
	txn_add(&t, 3, argv, NULL);
	if (txn_send(d->cmd, &t, publish_txn_done, d) != 0)
		log_warnx("publish: office %s plan %lld kept in memory only "
		    "(Redis is down)", id, (long long)p->version);
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

int
publish_at_risk(const struct daemon *d)
{
	int n = 0;

	for (int k = 0; k < d->publish->n; k++)
		n += d->publish->o[k].n_at_risk;
	return n;
}

struct restore_arg {
	struct daemon *d;
	int office;
};

static void
publish_restore_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct restore_arg *ra = arg;
	struct daemon *d = ra->d;
	struct publish *p = d->publish;
	struct office_out *oo = &p->o[ra->office];
	struct plan *pl;

	(void)rc;
	if (r != NULL && r->type == REDIS_REPLY_STRING && oo->json == NULL &&
	    (pl = plan_from_json(ra->office, r->str, r->len)) != NULL) {
		oo->json = estrdup(r->str);
		oo->geojson = NULL;	/* rebuilt with the next plan */
		oo->version = pl->version;
		oo->n_at_risk = pl->n_at_risk;
		p->restored(d, ra->office, pl);
	}
	free(ra);
	if (--p->restore_left == 0 && p->restore_done != NULL) {
		int n = 0;

		for (int k = 0; k < p->n; k++)
			n += p->o[k].json != NULL;
		log_info("publish: %d stored plans loaded", n);
		p->restore_done(d);
	}
}

void
publish_restore(struct daemon *d,
    void (*restored)(struct daemon *, int, struct plan *),
    void (*done)(struct daemon *))
{
	struct publish *p = d->publish;
	char key[CONFIG_STR + 96];
	const char *argv[2];

	p->restored = restored;
	p->restore_done = done;
	p->restore_left = p->n + 1;	/* +1: ours, below */
	for (int k = 0; k < p->n; k++) {
		struct restore_arg *ra = ecalloc(1, sizeof(*ra));

		ra->d = d;
		ra->office = k;
		daemon_key(d, key, sizeof(key), "plan:%s",
		    d->region->offices[k].id);
		argv[0] = "GET";
		argv[1] = key;
		if (rconn_cmd(d->cmd, publish_restore_cb, ra, 0, 2, argv,
		    NULL) != 0) {
			free(ra);
			p->restore_left--;
		}
	}
	if (--p->restore_left == 0)
		done(d);
}

struct publish *
publish_new(struct daemon *d)
{
	struct publish *p = ecalloc(1, sizeof(*p));

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
