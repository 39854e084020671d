/* publish.c: plans out: kept in memory for HTTP, appended to the plans stream and stored as the office's latest plan in Redis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon.h"
#include "log.h"

/*
 * Redis:
 *   <plans stream>            XADD office <id> version <n> plan <JSON>
 *   <prefix>plan:<office>     SET: the latest plan (JSON)
 * Both in one MULTI/EXEC, so a reader never sees one without the other.
 * The latest plans are loaded back at start, so that HTTP serves them
 * (and versions keep increasing) before the first new solve.
 */

struct proute {
	char vehicle[PR_MAX_ID];
	int dispatched;
	int n;
	char (*orders)[PR_MAX_ID];
};

struct office_plan {
	char *json;
	char *geojson;
	int64_t version;
	int n_at_risk;
	int n_routes;
	struct proute *routes;
};

struct publish {
	struct office_plan *o;
	int n;
	int restore_left;
	void (*restore_done)(struct daemon *);
};

static void
publish_clear(struct office_plan *op)
{
	for (int r = 0; r < op->n_routes; r++)
		free(op->routes[r].orders);
	free(op->routes);
	free(op->json);
	free(op->geojson);
	memset(op, 0, sizeof(*op));
}

/* Reads the routes of a plan back from its JSON. */
static int
publish_parse(struct office_plan *op, const char *json)
{
	json_t *root = json_loads(json, 0, NULL), *routes, *r, *stops, *s;
	size_t i, k;

	if (root == NULL)
		return -1;
	op->version = json_integer_value(json_object_get(root, "version"));
	op->n_at_risk = (int)json_array_size(json_object_get(root, "at_risk"));
	routes = json_object_get(root, "routes");
	op->routes = ecalloc(json_array_size(routes) + 1, sizeof(*op->routes));
	json_array_foreach(routes, i, r) {
		struct proute *pr = &op->routes[op->n_routes++];
		const char *v = json_string_value(json_object_get(r,
		    "vehicle"));

		scopy(pr->vehicle, v != NULL ? v : "", sizeof(pr->vehicle));
		pr->dispatched = json_is_true(json_object_get(r, "dispatched"));
		stops = json_object_get(r, "stops");
		pr->orders = ecalloc(json_array_size(stops) + 1,
		    sizeof(*pr->orders));
		json_array_foreach(stops, k, s) {
			const char *id = json_string_value(json_object_get(s,
			    "order_id"));

			if (id != NULL)
				scopy(pr->orders[pr->n++], id, PR_MAX_ID);
		}
	}
	json_decref(root);
	return 0;
}

static void
publish_txn_done(int ok, void *arg)
{
	struct daemon *d = arg;

	if (ok)
		d->metrics.plans_published++;
}

void
publish_plan(struct daemon *d, struct plan_job *j)
{
	struct office_plan *op = &d->publish->o[j->office];
	const char *id = d->region->offices[j->office].id;
	char key[CONFIG_STR + 96], ver[32], maxlen[16];
	const char *argv[12];
	struct txn t;

	publish_clear(op);
	if (publish_parse(op, j->json) != 0)
		log_warnx("publish: office %s: plan not readable", id);
	op->json = j->json;
	op->geojson = j->geojson;
	j->json = j->geojson = NULL;
	op->version = j->version;
	log_info("publish: office %s plan %lld: %d orders, %d routes, "
	    "%d unassigned, %d at risk, solved in %.2f s", id,
	    (long long)j->version, j->n_orders, j->n_routes, j->n_unassigned,
	    j->n_at_risk, j->solve_s);

	txn_init(&t);
	snprintf(ver, sizeof(ver), "%lld", (long long)j->version);
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
	argv[11] = op->json;
	txn_add(&t, 12, argv, NULL);
	daemon_key(d, key, sizeof(key), "plan:%s", id);
	argv[0] = "SET";
	argv[1] = key;
	argv[2] = op->json;
	txn_add(&t, 3, argv, NULL);
	if (txn_send(d->cmd, &t, publish_txn_done, d) != 0)
		log_warnx("publish: office %s plan %lld kept in memory only "
		    "(Redis is down)", id, (long long)j->version);
	txn_free(&t);
}

const char *
publish_get(const struct daemon *d, int office, int geojson)
{
	const struct office_plan *op = &d->publish->o[office];

	return geojson ? op->geojson : op->json;
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

void
publish_pins(const struct daemon *d, int office, struct plan_job *j)
{
	const struct office_plan *op = &d->publish->o[office];
	const struct pr_orderbook *ob = store_orders(d->store);
	int cap = 0, other = 0;

	for (int r = 0; r < op->n_routes; r++)
		if (op->routes[r].dispatched)
			cap += op->routes[r].n;
		else
			other += op->routes[r].n;
	/* The other routes' vehicles: the new plan keeps their ids where
	 * it can (plan_keep_labels). */
	if (other > 0) {
		j->prev = ecalloc((size_t)other, sizeof(*j->prev));
		for (int r = 0; r < op->n_routes; r++)
			for (int k = 0; !op->routes[r].dispatched &&
			    k < op->routes[r].n; k++) {
				struct plan_pin *pp = &j->prev[j->n_prev++];

				scopy(pp->vehicle, op->routes[r].vehicle,
				    sizeof(pp->vehicle));
				scopy(pp->order, op->routes[r].orders[k],
				    sizeof(pp->order));
				pp->rank = -1;
			}
	}
	if (cap == 0)
		return;
	j->pins = ecalloc((size_t)cap, sizeof(*j->pins));
	j->dispatched = ecalloc((size_t)op->n_routes, sizeof(char *));
	for (int r = 0; r < op->n_routes; r++) {
		const struct proute *pr = &op->routes[r];
		int rank = 0;

		if (!pr->dispatched)
			continue;
		j->dispatched[j->n_dispatched++] = estrdup(pr->vehicle);
		for (int k = 0; k < pr->n; k++) {
			int i = pr_orderbook_find(ob, pr->orders[k]);
			struct plan_pin *pin;

			if (i < 0 || ob->orders[i].state != PR_ORDER_OPEN)
				continue;
			pin = &j->pins[j->n_pins++];
			scopy(pin->vehicle, pr->vehicle, sizeof(pin->vehicle));
			scopy(pin->order, pr->orders[k], sizeof(pin->order));
			pin->rank = rank++;
		}
	}
}

int
publish_order_dispatched(const struct daemon *d, int office,
    const char *order)
{
	const struct office_plan *op;

	if (office < 0 || office >= d->region->n_offices)
		return 0;
	op = &d->publish->o[office];
	for (int r = 0; r < op->n_routes; r++) {
		if (!op->routes[r].dispatched)
			continue;
		for (int k = 0; k < op->routes[r].n; k++)
			if (strcmp(op->routes[r].orders[k], order) == 0)
				return 1;
	}
	return 0;
}

int
publish_dispatch(struct daemon *d, int office, const char *vehicle,
    const char *order)
{
	struct office_plan *op = &d->publish->o[office];

	for (int r = 0; r < op->n_routes; r++) {
		struct proute *pr = &op->routes[r];
		int hit = vehicle != NULL && vehicle[0] != '\0' &&
		    strcmp(pr->vehicle, vehicle) == 0;

		for (int k = 0; !hit && order != NULL && k < pr->n; k++)
			hit = strcmp(pr->orders[k], order) == 0;
		if (hit) {
			if (!pr->dispatched)
				log_info("publish: office %s route %s "
				    "dispatched", d->region->offices[office].id,
				    pr->vehicle);
			pr->dispatched = 1;
			return 0;
		}
	}
	return -1;
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
	struct office_plan *op = &p->o[ra->office];

	(void)rc;
	if (r != NULL && r->type == REDIS_REPLY_STRING && op->json == NULL) {
		if (publish_parse(op, r->str) == 0) {
			op->json = estrdup(r->str);
			op->geojson = NULL;  /* rebuilt with the next plan */
		} else {
			publish_clear(op);
		}
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
publish_restore(struct daemon *d, void (*done)(struct daemon *))
{
	struct publish *p = d->publish;
	char key[CONFIG_STR + 96];
	const char *argv[2];

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
