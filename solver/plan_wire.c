/* plan_wire.c: a plan job and its answer as JSON and back (plan_wire.h), for solve workers on other machines. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"
#include "postroute/pickup.h"
#include "postroute/plan_wire.h"

/*
 * One object per struct, keys named as the struct's fields, so that a
 * refusal names the field a reader of plan.h knows. Writers build a
 * jansson tree and dump it once; readers walk the tree with a path
 * buffer for the messages. Integers are JSON integers (int64), doubles
 * JSON reals written with 17 significant digits (they read back to the
 * same bits), strings checked against their field's size (a longer
 * one is refused, never cut). Limits (WIRE_MAX_*) bound every count
 * before anything is allocated for it.
 */

#define WIRE_MAX_ORDERS 2000000
#define WIRE_MAX_ROUTES 100000
#define WIRE_MAX_STOPS 100000
#define WIRE_MAX_OFFICES 1000000

/* ---- writing ------------------------------------------------------------------- */

static void
wset_i(json_t *o, const char *k, int64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

static void
wset_d(json_t *o, const char *k, double v)
{
	json_object_set_new(o, k, isfinite(v) ? json_real(v) : json_null());
}

static void
wset_s(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

static json_t *
wints(const int *v, int n)
{
	json_t *a;

	if (v == NULL)
		return json_null();
	a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static char *
wdump(json_t *root)
{
	char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(17));

	json_decref(root);
	return s;
}

static json_t *
wparams(const struct pr_planner_params *p)
{
	json_t *o = json_object(), *l = json_object();

	wset_i(o, "group_small", p->group_small);
	wset_i(o, "group_any_district", p->group_any_district);
	wset_d(o, "group_radius_m", p->group_radius_m);
	wset_i(o, "group_max_orders", p->group_max_orders);
	wset_d(o, "group_share_s", p->group_share_s);
	wset_d(o, "stability", p->stability);
	wset_d(o, "departure_margin", p->departure_margin);
	wset_d(o, "postpone_m", p->postpone_m);
	wset_d(o, "postpone_s", p->postpone_s);
	wset_d(o, "freeze_s", p->freeze_s);
	wset_d(l, "min_saving_m", p->late.min_saving_m);
	wset_d(l, "max_delay_s", p->late.max_delay_s);
	wset_i(l, "max_stops", p->late.max_stops);
	wset_i(l, "max_late", p->late.max_late);
	wset_i(l, "max_steps", p->late.max_steps);
	json_object_set_new(o, "late", l);
	wset_d(o, "time_limit", p->time_limit);
	wset_d(o, "time_per_pickup", p->time_per_pickup);
	wset_i(o, "iterations", p->iterations);
	/* a uint64 does not fit a JSON integer: as a string */
	{
		char seed[24];

		snprintf(seed, sizeof(seed), "%" PRIu64, p->seed);
		wset_s(o, "seed", seed);
	}
	wset_i(o, "solve_threads", p->solve_threads);
	wset_i(o, "exact_max_jobs", p->exact_max_jobs);
	wset_i(o, "threads", p->threads);
	wset_i(o, "max_orders", p->max_orders);
	return o;
}

static json_t *
worder(const struct pr_order *x)
{
	json_t *o = json_object();

	wset_s(o, "id", x->id);
	wset_i(o, "version", x->version);
	wset_i(o, "state", x->state);
	wset_i(o, "commune", x->commune);
	wset_d(o, "lon", x->lon);
	wset_d(o, "lat", x->lat);
	wset_i(o, "has_location", x->has_location);
	wset_i(o, "weight_g", x->weight_g);
	wset_i(o, "perishable", x->perishable);
	wset_i(o, "promise_h", x->promise_h);
	wset_i(o, "placed", x->placed);
	wset_i(o, "ready_from", x->ready_from);
	wset_i(o, "ready_to", x->ready_to);
	wset_i(o, "destination", x->destination);
	wset_s(o, "product", x->product);
	wset_i(o, "failed_attempts", x->failed_attempts);
	wset_s(o, "last_failure", x->last_failure);
	return o;
}

static json_t *
wroute(const struct pr_plan_route *r)
{
	json_t *o = json_object(), *stops = json_array();

	wset_i(o, "office", r->office);
	wset_s(o, "vehicle", r->vehicle);
	wset_s(o, "profile", r->profile);
	wset_i(o, "dispatched", r->dispatched);
	wset_i(o, "start", r->start);
	wset_i(o, "end", r->end);
	wset_d(o, "distance_m", r->distance_m);
	wset_d(o, "duration_s", r->duration_s);
	wset_i(o, "load_g", r->load_g);
	for (int i = 0; i < r->n_stops; i++) {
		const struct pr_plan_stop *s = &r->stops[i];
		json_t *so = json_object();

		wset_s(so, "order_id", s->order_id);
		wset_i(so, "arrival", s->arrival);
		wset_i(so, "service_start", s->service_start);
		wset_i(so, "latest", s->latest);
		wset_i(so, "departure", s->departure);
		wset_i(so, "weight_g", s->weight_g);
		wset_i(so, "perishable", s->perishable);
		wset_d(so, "lon", s->lon);
		wset_d(so, "lat", s->lat);
		wset_i(so, "risk", s->risk);
		json_array_append_new(stops, so);
	}
	json_object_set_new(o, "stops", stops);
	return o;
}

void
pr_wire_region_id(const void *bytes, size_t len, char *id)
{
	const unsigned char *p = bytes;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	snprintf(id, PR_WIRE_MAX_REGION_ID, "fnv1a64:%016" PRIx64 ":%zu", h,
	    len);
}

char *
pr_plan_input_to_json(const struct pr_plan_input *in, const char *region_id)
{
	json_t *root = json_object(), *a;

	if (root == NULL)
		return NULL;
	wset_i(root, "v", PR_WIRE_VERSION);
	wset_s(root, "region", region_id);
	wset_i(root, "now", in->now);
	wset_i(root, "day_start", in->day_start);
	wset_i(root, "horizon_days", in->horizon_days);
	json_object_set_new(root, "offices", wints(in->offices,
	    in->n_offices));
	json_object_set_new(root, "group", wints(in->group, in->n_offices));
	json_object_set_new(root, "params", wparams(&in->params));
	a = json_array();
	for (int i = 0; i < in->n_orders; i++)
		json_array_append_new(a, worder(&in->orders[i]));
	json_object_set_new(root, "orders", a);
	json_object_set_new(root, "office", wints(in->office, in->n_orders));
	json_object_set_new(root, "home", wints(in->home, in->n_orders));
	if (in->moved_why == NULL) {
		a = json_null();
	} else {
		a = json_array();
		for (int i = 0; i < in->n_orders; i++)
			json_array_append_new(a,
			    json_string(in->moved_why[i]));
	}
	json_object_set_new(root, "moved_why", a);
	a = json_array();
	for (int i = 0; i < in->n_routes; i++)
		json_array_append_new(a, wroute(&in->routes[i]));
	json_object_set_new(root, "routes", a);
	return wdump(root);
}

static json_t *
wplan(const struct pr_office_plan *p)
{
	json_t *o = json_object(), *a, *st = json_object();

	wset_i(o, "office", p->office);
	wset_i(o, "version", p->version);
	wset_i(o, "generated_at", p->generated_at);
	wset_i(o, "plan_time", p->plan_time);
	wset_i(o, "day_start", p->day_start);
	wset_i(o, "n_orders", p->n_orders);
	json_object_set_new(o, "group", wints(p->group, p->n_group));
	a = json_array();
	for (int i = 0; i < p->n_routes; i++)
		json_array_append_new(a, wroute(&p->routes[i]));
	json_object_set_new(o, "routes", a);
	a = json_array();
	for (int i = 0; i < p->n_unassigned; i++) {
		json_t *u = json_object();

		wset_s(u, "order_id", p->unassigned[i].order_id);
		wset_s(u, "reason", p->unassigned[i].reason);
		wset_i(u, "risk", p->unassigned[i].risk);
		wset_s(u, "detail", p->unassigned[i].detail);
		json_array_append_new(a, u);
	}
	json_object_set_new(o, "unassigned", a);
	a = json_array();
	for (int i = 0; i < p->n_at_risk; i++) {
		json_t *u = json_object();

		wset_s(u, "order_id", p->at_risk[i].order_id);
		wset_i(u, "risk", p->at_risk[i].risk);
		wset_i(u, "due", p->at_risk[i].due);
		wset_i(u, "latest", p->at_risk[i].latest);
		json_array_append_new(a, u);
	}
	json_object_set_new(o, "at_risk", a);
	a = json_array();
	for (int i = 0; i < p->n_moved; i++) {
		json_t *u = json_object();

		wset_s(u, "order_id", p->moved[i].order_id);
		wset_i(u, "from", p->moved[i].from);
		wset_s(u, "reason", p->moved[i].reason);
		json_array_append_new(a, u);
	}
	json_object_set_new(o, "moved", a);
	a = json_array();
	for (int i = 0; i < p->n_lent; i++) {
		json_t *u = json_object();

		wset_s(u, "order_id", p->lent[i].order_id);
		wset_i(u, "to", p->lent[i].to);
		wset_s(u, "vehicle", p->lent[i].vehicle);
		json_array_append_new(a, u);
	}
	json_object_set_new(o, "lent", a);
	wset_d(st, "solve_s", p->stats.solve_s);
	wset_d(st, "cost", p->stats.cost);
	wset_d(st, "distance_m", p->stats.distance_m);
	wset_i(st, "orders_kept", p->stats.orders_kept);
	wset_i(st, "orders_moved", p->stats.orders_moved);
	wset_i(st, "kept_routes", p->stats.kept_routes);
	wset_i(st, "ontime", p->stats.ontime);
	wset_i(st, "planned_late", p->stats.planned_late);
	wset_i(st, "iterations", p->stats.iterations);
	json_object_set_new(o, "stats", st);
	return o;
}

char *
pr_plan_result_to_json(int rc, const struct pr_error *err,
    const struct pr_plan_result *res)
{
	json_t *root = json_object(), *a;

	if (root == NULL)
		return NULL;
	wset_i(root, "v", PR_WIRE_VERSION);
	wset_i(root, "rc", rc);
	if (rc != 0 || res == NULL) {
		wset_i(root, "rc", rc != 0 ? rc : PR_EINTERNAL);
		wset_s(root, "error", err != NULL ? err->msg : "");
		return wdump(root);
	}
	wset_i(root, "n_problems", res->n_problems);
	wset_i(root, "n_grouped", res->n_grouped);
	wset_i(root, "n_groups", res->n_groups);
	wset_i(root, "n_failed", res->n_failed);
	wset_s(root, "failed", res->failed);
	wset_i(root, "late_trips", res->late_trips);
	wset_i(root, "late_stops", res->late_stops);
	wset_i(root, "late_orders", res->late_orders);
	wset_d(root, "late_saved_m", res->late_saved_m);
	a = json_array();
	for (int k = 0; k < res->n_plans; k++)
		json_array_append_new(a, wplan(&res->plans[k]));
	json_object_set_new(root, "plans", a);
	return wdump(root);
}

/* ---- reading ------------------------------------------------------------------- */

/* A reader: the path of the object being read, for messages. */
struct rd {
	struct pr_error *err;
	const struct pr_region *r;
	char path[128];
};

static int
rd_fail(struct rd *d, const char *key, const char *fmt, ...)
    PR_PRINTF(3, 4);

static int
rd_fail(struct rd *d, const char *key, const char *fmt, ...)
{
	char what[120];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pr_seterr(d->err, PR_EINVAL, "%s%s%s: %s", d->path,
	    key != NULL ? "." : "", key != NULL ? key : "", what);
}

/* Sets the path to base[i] (i >= 0) or base.key; returns the old
 * length, for rd_pop. */
static size_t
rd_push(struct rd *d, const char *key, int i)
{
	size_t n = strlen(d->path);

	if (i >= 0)
		snprintf(d->path + n, sizeof(d->path) - n, ".%s[%d]", key, i);
	else
		snprintf(d->path + n, sizeof(d->path) - n, ".%s", key);
	return n;
}

static void
rd_pop(struct rd *d, size_t n)
{
	d->path[n] = '\0';
}

static json_t *
rd_get(struct rd *d, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		rd_fail(d, key, "missing");
	return v;
}

static int
rd_i64(struct rd *d, json_t *o, const char *key, int64_t lo, int64_t hi,
    int64_t *out)
{
	json_t *v = rd_get(d, o, key);
	int64_t x;

	if (v == NULL)
		return PR_EINVAL;
	if (!json_is_integer(v))
		return rd_fail(d, key, "not an integer");
	x = (int64_t)json_integer_value(v);
	if (x < lo || x > hi)
		return rd_fail(d, key, "%" PRId64 " is not in [%" PRId64
		    ", %" PRId64 "]", x, lo, hi);
	*out = x;
	return 0;
}

static int
rd_int(struct rd *d, json_t *o, const char *key, int lo, int hi, int *out)
{
	int64_t x;

	if (rd_i64(d, o, key, lo, hi, &x) != 0)
		return PR_EINVAL;
	*out = (int)x;
	return 0;
}

static int
rd_long(struct rd *d, json_t *o, const char *key, long lo, long hi,
    long *out)
{
	int64_t x;

	if (rd_i64(d, o, key, lo, hi, &x) != 0)
		return PR_EINVAL;
	*out = (long)x;
	return 0;
}

/* A number (JSON integer or real), finite, in [lo, hi]. */
static int
rd_dbl(struct rd *d, json_t *o, const char *key, double lo, double hi,
    double *out)
{
	json_t *v = rd_get(d, o, key);
	double x;

	if (v == NULL)
		return PR_EINVAL;
	if (!json_is_number(v))
		return rd_fail(d, key, "not a number");
	x = json_number_value(v);
	if (!isfinite(x) || x < lo || x > hi)
		return rd_fail(d, key, "%g is not in [%g, %g]", x, lo, hi);
	*out = x;
	return 0;
}

/* A string that fits n bytes with its NUL. */
static int
rd_str(struct rd *d, json_t *o, const char *key, char *dst, size_t n)
{
	json_t *v = rd_get(d, o, key);
	size_t len;

	if (v == NULL)
		return PR_EINVAL;
	if (!json_is_string(v))
		return rd_fail(d, key, "not a string");
	len = json_string_length(v);
	if (len >= n || memchr(json_string_value(v), '\0', len) != NULL)
		return rd_fail(d, key, "longer than %zu bytes, or with a NUL",
		    n - 1);
	memcpy(dst, json_string_value(v), len + 1);
	return 0;
}

/* An array of at most max elements (nullable: null gives NULL, *n 0). */
static int
rd_arr(struct rd *d, json_t *o, const char *key, size_t max, int nullable,
    json_t **out, int *n)
{
	json_t *v = rd_get(d, o, key);

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return PR_EINVAL;
	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return rd_fail(d, key, "not an array");
	if (json_array_size(v) > max)
		return rd_fail(d, key, "%zu elements, more than %zu",
		    json_array_size(v), max);
	*out = v;
	*n = (int)json_array_size(v);
	return 0;
}

/* An object at o.key (or the element i of an array when key is NULL). */
static int
rd_obj(struct rd *d, json_t *v, const char *key)
{
	if (v == NULL || !json_is_object(v))
		return rd_fail(d, key, "not an object");
	return 0;
}

/* ints of an array a (n), each in [lo, hi]; into a new array. */
static int
rd_ints(struct rd *d, json_t *a, int n, const char *key, int lo, int hi,
    int **out)
{
	int *v = xcalloc((size_t)n + 1, sizeof(int));

	for (int i = 0; i < n; i++) {
		json_t *x = json_array_get(a, (size_t)i);
		char k[48];

		snprintf(k, sizeof(k), "%s[%d]", key, i);
		if (!json_is_integer(x) || json_integer_value(x) < lo ||
		    json_integer_value(x) > hi) {
			free(v);
			return rd_fail(d, k, "not an integer in [%d, %d]", lo,
			    hi);
		}
		v[i] = (int)json_integer_value(x);
	}
	*out = v;
	return 0;
}

static int
rd_version(struct rd *d, json_t *root)
{
	int v;

	if (!json_is_object(root))
		return rd_fail(d, NULL, "not an object");
	if (rd_int(d, root, "v", 0, 1000, &v) != 0)
		return PR_EINVAL;
	if (v != PR_WIRE_VERSION)
		return rd_fail(d, "v", "version %d, this program reads %d", v,
		    PR_WIRE_VERSION);
	return 0;
}

static json_t *
rd_load(struct rd *d, const char *buf, size_t len)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

	if (root == NULL)
		pr_seterr(d->err, PR_EINVAL, "%s: not JSON (line %d column "
		    "%d: %s)", d->path, je.line, je.column, je.text);
	return root;
}

static int
rd_params(struct rd *d, json_t *o, struct pr_planner_params *p)
{
	json_t *l, *seed;
	size_t n;
	char *end;
	int rc = 0;

	pr_planner_params_init(p);
	rc |= rd_int(d, o, "group_small", 0, INT32_MAX, &p->group_small);
	rc |= rd_int(d, o, "group_any_district", 0, 1,
	    &p->group_any_district);
	rc |= rd_dbl(d, o, "group_radius_m", 0, 1e9, &p->group_radius_m);
	rc |= rd_int(d, o, "group_max_orders", 0, INT32_MAX,
	    &p->group_max_orders);
	rc |= rd_dbl(d, o, "group_share_s", 0, 1e9, &p->group_share_s);
	rc |= rd_dbl(d, o, "stability", 0, 1, &p->stability);
	rc |= rd_dbl(d, o, "departure_margin", 0, 100, &p->departure_margin);
	rc |= rd_dbl(d, o, "postpone_m", 0, 1e9, &p->postpone_m);
	rc |= rd_dbl(d, o, "postpone_s", 0, 1e9, &p->postpone_s);
	rc |= rd_dbl(d, o, "freeze_s", 0, 1e9, &p->freeze_s);
	if (rc != 0)
		return PR_EINVAL;
	if ((l = rd_get(d, o, "late")) == NULL || rd_obj(d, l, "late") != 0)
		return PR_EINVAL;
	n = rd_push(d, "late", -1);
	rc |= rd_dbl(d, l, "min_saving_m", 0, 1e9, &p->late.min_saving_m);
	rc |= rd_dbl(d, l, "max_delay_s", 0, 1e9, &p->late.max_delay_s);
	rc |= rd_int(d, l, "max_stops", -1, INT32_MAX, &p->late.max_stops);
	rc |= rd_int(d, l, "max_late", INT32_MIN, INT32_MAX,
	    &p->late.max_late);
	rc |= rd_int(d, l, "max_steps", INT32_MIN, INT32_MAX,
	    &p->late.max_steps);
	rd_pop(d, n);
	if (rc != 0)
		return PR_EINVAL;
	rc |= rd_dbl(d, o, "time_limit", 0, 1e6, &p->time_limit);
	rc |= rd_dbl(d, o, "time_per_pickup", 0, 1e6, &p->time_per_pickup);
	rc |= rd_long(d, o, "iterations", 0, INT64_MAX / 2, &p->iterations);
	if (rc != 0)
		return PR_EINVAL;
	if ((seed = rd_get(d, o, "seed")) == NULL)
		return PR_EINVAL;
	if (!json_is_string(seed) || json_string_value(seed)[0] < '0' ||
	    json_string_value(seed)[0] > '9')
		return rd_fail(d, "seed", "not a decimal string");
	p->seed = strtoull(json_string_value(seed), &end, 10);
	if (*end != '\0')
		return rd_fail(d, "seed", "not a decimal string");
	rc |= rd_int(d, o, "solve_threads", 1, 256, &p->solve_threads);
	rc |= rd_int(d, o, "exact_max_jobs", 0, 64, &p->exact_max_jobs);
	rc |= rd_int(d, o, "threads", 1, 256, &p->threads);
	rc |= rd_int(d, o, "max_orders", 1, WIRE_MAX_ORDERS,
	    &p->max_orders);
	return rc != 0 ? PR_EINVAL : 0;
}

static int
rd_order(struct rd *d, json_t *o, struct pr_order *x)
{
	const struct pr_region *r = d->r;
	int rc = 0, st = 0;

	if (rd_obj(d, o, NULL) != 0)
		return PR_EINVAL;
	memset(x, 0, sizeof(*x));
	rc |= rd_str(d, o, "id", x->id, sizeof(x->id));
	rc |= rd_i64(d, o, "version", INT64_MIN, INT64_MAX, &x->version);
	rc |= rd_int(d, o, "state", PR_ORDER_OPEN, PR_ORDER_COMPLETED, &st);
	x->state = (enum pr_order_state)st;
	rc |= rd_int(d, o, "commune", 0, r->n_communes - 1, &x->commune);
	rc |= rd_dbl(d, o, "lon", -180, 180, &x->lon);
	rc |= rd_dbl(d, o, "lat", -90, 90, &x->lat);
	rc |= rd_int(d, o, "has_location", 0, 1, &x->has_location);
	rc |= rd_i64(d, o, "weight_g", 0, INT64_MAX / 4, &x->weight_g);
	rc |= rd_int(d, o, "perishable", 0, 1, &x->perishable);
	rc |= rd_int(d, o, "promise_h", 0, 100000, &x->promise_h);
	rc |= rd_i64(d, o, "placed", INT64_MIN, INT64_MAX, &x->placed);
	rc |= rd_i64(d, o, "ready_from", INT64_MIN, INT64_MAX,
	    &x->ready_from);
	rc |= rd_i64(d, o, "ready_to", INT64_MIN, INT64_MAX, &x->ready_to);
	rc |= rd_int(d, o, "destination", 0, r->n_destinations - 1,
	    &x->destination);
	rc |= rd_str(d, o, "product", x->product, sizeof(x->product));
	rc |= rd_int(d, o, "failed_attempts", 0, INT32_MAX,
	    &x->failed_attempts);
	rc |= rd_str(d, o, "last_failure", x->last_failure,
	    sizeof(x->last_failure));
	return rc != 0 ? PR_EINVAL : 0;
}

/* A route; lo..hi: the office indices allowed (the region's). */
static int
rd_route(struct rd *d, json_t *o, struct pr_plan_route *x)
{
	json_t *a;
	int rc = 0, n;

	if (rd_obj(d, o, NULL) != 0)
		return PR_EINVAL;
	memset(x, 0, sizeof(*x));
	rc |= rd_int(d, o, "office", 0, d->r->n_offices - 1, &x->office);
	rc |= rd_str(d, o, "vehicle", x->vehicle, sizeof(x->vehicle));
	rc |= rd_str(d, o, "profile", x->profile, sizeof(x->profile));
	rc |= rd_int(d, o, "dispatched", 0, 1, &x->dispatched);
	rc |= rd_i64(d, o, "start", INT64_MIN, INT64_MAX, &x->start);
	rc |= rd_i64(d, o, "end", INT64_MIN, INT64_MAX, &x->end);
	rc |= rd_dbl(d, o, "distance_m", 0, 1e12, &x->distance_m);
	rc |= rd_dbl(d, o, "duration_s", 0, 1e12, &x->duration_s);
	rc |= rd_i64(d, o, "load_g", INT64_MIN / 4, INT64_MAX / 4,
	    &x->load_g);
	if (rc != 0 || rd_arr(d, o, "stops", WIRE_MAX_STOPS, 0, &a, &n) != 0)
		return PR_EINVAL;
	x->stops = xcalloc((size_t)n + 1, sizeof(*x->stops));
	for (int i = 0; i < n; i++) {
		struct pr_plan_stop *s = &x->stops[i];
		json_t *so = json_array_get(a, (size_t)i);
		size_t m = rd_push(d, "stops", i);

		rc = rd_obj(d, so, NULL);
		if (rc == 0) {
			rc |= rd_str(d, so, "order_id", s->order_id,
			    sizeof(s->order_id));
			rc |= rd_i64(d, so, "arrival", INT64_MIN, INT64_MAX,
			    &s->arrival);
			rc |= rd_i64(d, so, "service_start", INT64_MIN,
			    INT64_MAX, &s->service_start);
			rc |= rd_i64(d, so, "latest", INT64_MIN, INT64_MAX,
			    &s->latest);
			rc |= rd_i64(d, so, "departure", INT64_MIN, INT64_MAX,
			    &s->departure);
			rc |= rd_i64(d, so, "weight_g", 0, INT64_MAX / 4,
			    &s->weight_g);
			rc |= rd_int(d, so, "perishable", 0, 1,
			    &s->perishable);
			rc |= rd_dbl(d, so, "lon", -180, 180, &s->lon);
			rc |= rd_dbl(d, so, "lat", -90, 90, &s->lat);
			rc |= rd_int(d, so, "risk", 0, PR_RISK_COUNT - 1,
			    &s->risk);
		}
		if (rc != 0)
			return PR_EINVAL;   /* path left: it names the stop */
		rd_pop(d, m);
		x->n_stops++;
	}
	return 0;
}

/* routes of the array a (n): each read into x (n_routes counts those
 * read, so that a failure frees what was). */
static int
rd_routes(struct rd *d, json_t *a, int n, const char *key,
    struct pr_plan_route *x, int *n_routes)
{
	for (int i = 0; i < n; i++) {
		size_t m = rd_push(d, key, i);

		if (rd_route(d, json_array_get(a, (size_t)i),
		    &x[*n_routes]) != 0) {
			(*n_routes)++;   /* its stops are freed too */
			return PR_EINVAL;
		}
		(*n_routes)++;
		rd_pop(d, m);
	}
	return 0;
}

void
pr_plan_input_free(struct pr_plan_input *in)
{
	struct pr_plan_route *routes;

	if (in == NULL)
		return;
	routes = (struct pr_plan_route *)in->routes;
	free((void *)in->offices);
	free((void *)in->group);
	free((void *)in->orders);
	free((void *)in->office);
	free((void *)in->home);
	free((void *)in->moved_why);
	for (int r = 0; routes != NULL && r < in->n_routes; r++)
		free(routes[r].stops);
	free(routes);
	free(in);
}

int
pr_plan_input_from_json(const struct pr_region *r, const char *region_id,
    const char *buf, size_t len, struct pr_plan_input **out,
    struct pr_error *err)
{
	struct rd d = { err, r, "job" };
	struct pr_plan_input *in = xcalloc(1, sizeof(*in));
	char rid[PR_WIRE_MAX_REGION_ID];
	json_t *root, *a;
	int rc = PR_EINVAL, n, *ip;
	struct pr_order *orders;
	struct pr_plan_route *routes;
	char (*why)[32];

	*out = NULL;
	in->region = r;
	if ((root = rd_load(&d, buf, len)) == NULL) {
		free(in);
		return PR_EINVAL;
	}
	if (rd_version(&d, root) != 0 ||
	    rd_str(&d, root, "region", rid, sizeof(rid)) != 0)
		goto out;
	if (strcmp(rid, region_id) != 0) {
		rd_fail(&d, "region", "%s is not this process's region (%s): "
		    "another region file", rid, region_id);
		goto out;
	}
	if (rd_i64(&d, root, "now", 0, INT64_MAX, &in->now) != 0 ||
	    rd_i64(&d, root, "day_start", INT64_MIN, INT64_MAX,
	    &in->day_start) != 0 ||
	    rd_int(&d, root, "horizon_days", 1, 2, &in->horizon_days) != 0)
		goto out;
	if (rd_arr(&d, root, "offices", WIRE_MAX_OFFICES, 0, &a, &n) != 0 ||
	    rd_ints(&d, a, n, "offices", 0, r->n_offices - 1, &ip) != 0)
		goto out;
	in->offices = ip;
	in->n_offices = n;
	if (rd_arr(&d, root, "group", WIRE_MAX_OFFICES, 1, &a, &n) != 0)
		goto out;
	if (a != NULL) {
		if (n != in->n_offices) {
			rd_fail(&d, "group", "%d elements for %d offices", n,
			    in->n_offices);
			goto out;
		}
		if (rd_ints(&d, a, n, "group", INT32_MIN, INT32_MAX,
		    &ip) != 0)
			goto out;
		in->group = ip;
	}
	if ((a = rd_get(&d, root, "params")) == NULL ||
	    rd_obj(&d, a, "params") != 0)
		goto out;
	{
		size_t m = rd_push(&d, "params", -1);

		if (rd_params(&d, a, &in->params) != 0)
			goto out;
		rd_pop(&d, m);
	}
	if (rd_arr(&d, root, "orders", WIRE_MAX_ORDERS, 0, &a, &n) != 0)
		goto out;
	orders = xcalloc((size_t)n + 1, sizeof(*orders));
	in->orders = orders;
	for (int i = 0; i < n; i++) {
		size_t m = rd_push(&d, "orders", i);

		if (rd_order(&d, json_array_get(a, (size_t)i),
		    &orders[i]) != 0)
			goto out;
		rd_pop(&d, m);
	}
	in->n_orders = n;
	if (rd_arr(&d, root, "office", WIRE_MAX_ORDERS, 0, &a, &n) != 0)
		goto out;
	if (n != in->n_orders) {
		rd_fail(&d, "office", "%d elements for %d orders", n,
		    in->n_orders);
		goto out;
	}
	if (rd_ints(&d, a, n, "office", 0, r->n_offices - 1, &ip) != 0)
		goto out;
	in->office = ip;
	if (rd_arr(&d, root, "home", WIRE_MAX_ORDERS, 1, &a, &n) != 0)
		goto out;
	if (a != NULL) {
		if (n != in->n_orders) {
			rd_fail(&d, "home", "%d elements for %d orders", n,
			    in->n_orders);
			goto out;
		}
		if (rd_ints(&d, a, n, "home", -1, r->n_offices - 1,
		    &ip) != 0)
			goto out;
		in->home = ip;
	}
	if (rd_arr(&d, root, "moved_why", WIRE_MAX_ORDERS, 1, &a, &n) != 0)
		goto out;
	if (a != NULL) {
		if (n != in->n_orders) {
			rd_fail(&d, "moved_why", "%d elements for %d orders",
			    n, in->n_orders);
			goto out;
		}
		why = xcalloc((size_t)n + 1, sizeof(*why));
		in->moved_why = (const char (*)[32])why;
		for (int i = 0; i < n; i++) {
			json_t *s = json_array_get(a, (size_t)i);
			char k[40];

			snprintf(k, sizeof(k), "moved_why[%d]", i);
			if (!json_is_string(s) ||
			    json_string_length(s) >= sizeof(why[0])) {
				rd_fail(&d, k, "not a string of at most %zu "
				    "bytes", sizeof(why[0]) - 1);
				goto out;
			}
			memcpy(why[i], json_string_value(s),
			    json_string_length(s) + 1);
		}
	}
	if (rd_arr(&d, root, "routes", WIRE_MAX_ROUTES, 0, &a, &n) != 0)
		goto out;
	routes = xcalloc((size_t)n + 1, sizeof(*routes));
	in->routes = routes;
	if (rd_routes(&d, a, n, "routes", routes, &in->n_routes) != 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	if (rc != 0) {
		pr_plan_input_free(in);
		return rc;
	}
	*out = in;
	return 0;
}

/* Office f is one of in's offices. */
static int
wire_in_job(const struct pr_plan_input *in, int f)
{
	for (int m = 0; m < in->n_offices; m++)
		if (in->offices[m] == f)
			return 1;
	return 0;
}

static int
rd_plan(struct rd *d, const struct pr_plan_input *in, json_t *o,
    int k, struct pr_office_plan *p)
{
	int no = d->r->n_offices, rc = 0, n, *ip, max = in->n_orders;
	json_t *a, *st;
	size_t m;

	if (rd_obj(d, o, NULL) != 0)
		return PR_EINVAL;
	rc |= rd_int(d, o, "office", 0, no - 1, &p->office);
	rc |= rd_i64(d, o, "version", 0, INT64_MAX, &p->version);
	rc |= rd_i64(d, o, "generated_at", 0, INT64_MAX, &p->generated_at);
	rc |= rd_i64(d, o, "plan_time", INT64_MIN, INT64_MAX, &p->plan_time);
	rc |= rd_i64(d, o, "day_start", INT64_MIN, INT64_MAX, &p->day_start);
	rc |= rd_int(d, o, "n_orders", 0, max, &p->n_orders);
	if (rc != 0)
		return PR_EINVAL;
	if (p->office != in->offices[k])
		return rd_fail(d, "office", "%d, the job's office %d is %d",
		    p->office, k, in->offices[k]);
	if (rd_arr(d, o, "group", PR_GROUP_MAX_OFFICES, 0, &a, &n) != 0 ||
	    rd_ints(d, a, n, "group", 0, no - 1, &ip) != 0)
		return PR_EINVAL;
	memcpy(p->group, ip, (size_t)n * sizeof(int));
	p->n_group = n;
	free(ip);
	/* routes: the job's offices' vehicles, at most one stop per order
	 * of the job and each dispatched route's stops */
	if (rd_arr(d, o, "routes", WIRE_MAX_ROUTES, 0, &a, &n) != 0)
		return PR_EINVAL;
	p->routes = xcalloc((size_t)n + 1, sizeof(*p->routes));
	if (rd_routes(d, a, n, "routes", p->routes, &p->n_routes) != 0)
		return PR_EINVAL;
	for (int i = 0; i < p->n_routes; i++)
		if (!wire_in_job(in, p->routes[i].office)) {
			m = rd_push(d, "routes", i);
			return rd_fail(d, "office", "office %d is not one of "
			    "the job's", p->routes[i].office);
		}
	if (rd_arr(d, o, "unassigned", (size_t)max, 0, &a, &n) != 0)
		return PR_EINVAL;
	p->unassigned = xcalloc((size_t)n + 1, sizeof(*p->unassigned));
	for (int i = 0; i < n; i++, p->n_unassigned++) {
		struct pr_plan_unassigned *u = &p->unassigned[i];
		json_t *e = json_array_get(a, (size_t)i);

		m = rd_push(d, "unassigned", i);
		if (rd_obj(d, e, NULL) != 0 ||
		    rd_str(d, e, "order_id", u->order_id,
		    sizeof(u->order_id)) != 0 ||
		    rd_str(d, e, "reason", u->reason, sizeof(u->reason)) != 0 ||
		    rd_int(d, e, "risk", 0, PR_RISK_COUNT - 1, &u->risk) != 0 ||
		    rd_str(d, e, "detail", u->detail, sizeof(u->detail)) != 0)
			return PR_EINVAL;
		rd_pop(d, m);
	}
	if (rd_arr(d, o, "at_risk", (size_t)max, 0, &a, &n) != 0)
		return PR_EINVAL;
	p->at_risk = xcalloc((size_t)n + 1, sizeof(*p->at_risk));
	for (int i = 0; i < n; i++, p->n_at_risk++) {
		struct pr_plan_at_risk *u = &p->at_risk[i];
		json_t *e = json_array_get(a, (size_t)i);

		m = rd_push(d, "at_risk", i);
		if (rd_obj(d, e, NULL) != 0 ||
		    rd_str(d, e, "order_id", u->order_id,
		    sizeof(u->order_id)) != 0 ||
		    rd_int(d, e, "risk", 0, PR_RISK_COUNT - 1, &u->risk) != 0 ||
		    rd_i64(d, e, "due", INT64_MIN, INT64_MAX, &u->due) != 0 ||
		    rd_i64(d, e, "latest", INT64_MIN, INT64_MAX,
		    &u->latest) != 0)
			return PR_EINVAL;
		rd_pop(d, m);
	}
	if (rd_arr(d, o, "moved", (size_t)max, 0, &a, &n) != 0)
		return PR_EINVAL;
	p->moved = xcalloc((size_t)n + 1, sizeof(*p->moved));
	for (int i = 0; i < n; i++, p->n_moved++) {
		struct pr_plan_moved *u = &p->moved[i];
		json_t *e = json_array_get(a, (size_t)i);

		m = rd_push(d, "moved", i);
		if (rd_obj(d, e, NULL) != 0 ||
		    rd_str(d, e, "order_id", u->order_id,
		    sizeof(u->order_id)) != 0 ||
		    rd_int(d, e, "from", 0, no - 1, &u->from) != 0 ||
		    rd_str(d, e, "reason", u->reason, sizeof(u->reason)) != 0)
			return PR_EINVAL;
		rd_pop(d, m);
	}
	if (rd_arr(d, o, "lent", (size_t)max, 0, &a, &n) != 0)
		return PR_EINVAL;
	p->lent = xcalloc((size_t)n + 1, sizeof(*p->lent));
	for (int i = 0; i < n; i++, p->n_lent++) {
		struct pr_plan_lent *u = &p->lent[i];
		json_t *e = json_array_get(a, (size_t)i);

		m = rd_push(d, "lent", i);
		if (rd_obj(d, e, NULL) != 0 ||
		    rd_str(d, e, "order_id", u->order_id,
		    sizeof(u->order_id)) != 0 ||
		    rd_int(d, e, "to", 0, no - 1, &u->to) != 0 ||
		    rd_str(d, e, "vehicle", u->vehicle,
		    sizeof(u->vehicle)) != 0)
			return PR_EINVAL;
		rd_pop(d, m);
	}
	if ((st = rd_get(d, o, "stats")) == NULL ||
	    rd_obj(d, st, "stats") != 0)
		return PR_EINVAL;
	m = rd_push(d, "stats", -1);
	rc |= rd_dbl(d, st, "solve_s", 0, 1e9, &p->stats.solve_s);
	rc |= rd_dbl(d, st, "cost", -1e15, 1e15, &p->stats.cost);
	rc |= rd_dbl(d, st, "distance_m", 0, 1e15, &p->stats.distance_m);
	rc |= rd_int(d, st, "orders_kept", 0, max, &p->stats.orders_kept);
	rc |= rd_int(d, st, "orders_moved", 0, max, &p->stats.orders_moved);
	rc |= rd_int(d, st, "kept_routes", 0, 1, &p->stats.kept_routes);
	rc |= rd_int(d, st, "ontime", 0, max, &p->stats.ontime);
	rc |= rd_int(d, st, "planned_late", 0, max, &p->stats.planned_late);
	rc |= rd_long(d, st, "iterations", 0, INT64_MAX / 2,
	    &p->stats.iterations);
	if (rc != 0)
		return PR_EINVAL;
	rd_pop(d, m);
	return 0;
}

int
pr_plan_result_from_json(const struct pr_plan_input *in, const char *buf,
    size_t len, int *rcp, struct pr_error *rerr,
    struct pr_plan_result **out, struct pr_error *err)
{
	struct rd d = { err, in->region, "result" };
	struct pr_plan_result *res = NULL;
	json_t *root, *a;
	int rc = PR_EINVAL, n, prc;

	*out = NULL;
	*rcp = 0;
	if ((root = rd_load(&d, buf, len)) == NULL)
		return PR_EINVAL;
	if (rd_version(&d, root) != 0 ||
	    rd_int(&d, root, "rc", PR_EINTERNAL, 0, &prc) != 0)
		goto out;
	if (prc != 0) {
		if (rd_str(&d, root, "error", rerr->msg,
		    sizeof(rerr->msg)) != 0)
			goto out;
		rerr->code = prc;
		*rcp = prc;
		rc = 0;
		goto out;
	}
	res = xcalloc(1, sizeof(*res));
	if (rd_int(&d, root, "n_problems", 0, in->n_offices,
	    &res->n_problems) != 0 ||
	    rd_int(&d, root, "n_grouped", 0, in->n_offices,
	    &res->n_grouped) != 0 ||
	    rd_int(&d, root, "n_groups", 0, in->n_offices,
	    &res->n_groups) != 0 ||
	    rd_int(&d, root, "n_failed", 0, in->n_offices,
	    &res->n_failed) != 0 ||
	    rd_str(&d, root, "failed", res->failed,
	    sizeof(res->failed)) != 0 ||
	    rd_int(&d, root, "late_trips", 0, INT32_MAX,
	    &res->late_trips) != 0 ||
	    rd_int(&d, root, "late_stops", 0, INT32_MAX,
	    &res->late_stops) != 0 ||
	    rd_int(&d, root, "late_orders", 0, in->n_orders,
	    &res->late_orders) != 0 ||
	    rd_dbl(&d, root, "late_saved_m", -1e15, 1e15,
	    &res->late_saved_m) != 0)
		goto out;
	if (rd_arr(&d, root, "plans", (size_t)in->n_offices, 0, &a, &n) != 0)
		goto out;
	if (n != in->n_offices) {
		rd_fail(&d, "plans", "%d plans for the job's %d offices", n,
		    in->n_offices);
		goto out;
	}
	res->plans = xcalloc((size_t)n + 1, sizeof(*res->plans));
	for (int k = 0; k < n; k++) {
		size_t m = rd_push(&d, "plans", k);

		res->n_plans++;
		if (rd_plan(&d, in, json_array_get(a, (size_t)k), k,
		    &res->plans[k]) != 0)
			goto out;
		rd_pop(&d, m);
	}
	memset(rerr, 0, sizeof(*rerr));
	*rcp = 0;
	rc = 0;
out:
	json_decref(root);
	if (rc != 0 || *rcp != 0) {
		pr_plan_result_free(res);
		res = NULL;
	}
	*out = res;
	return rc;
}
