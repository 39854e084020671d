/* plan_json.c: a plan written out once, as the JSON and GeoJSON the daemon publishes (docs/daemon.md); and what the planner keeps of a stored plan, read back at start-up. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plan_json.h"
#include "util.h"

/*
 * Numbers are rounded so that the text is short and stable: coordinates
 * to 1e-6 degree, weights to the gram, distances and durations to the
 * metre and second. Times are written in the region's offset.
 *
 * The plan structs hold what planning needs; what only its readers need
 * is added here, from the region (the office's point, commune names, the
 * line-haul a trip returns for) and from the order book, by order id
 * (the household's contact, where an order left out is). A plan version
 * is written once (publish.c), so it shows the contact the order had
 * then; a changed contact comes with the re-plan its event triggers.
 */

#define PLAN_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | \
	JSON_REAL_PRECISION(10))

static json_t *
pj_time(const struct pr_region *r, int64_t t)
{
	char buf[40];

	pr_time_format(t, r->utc_offset, buf, sizeof(buf));
	return json_string(buf);
}

/* A time that may be absent (-1 or INT64_MAX): null. */
static json_t *
pj_epoch(const struct pr_region *r, int64_t t)
{
	if (t < 0 || t == INT64_MAX)
		return json_null();
	return pj_time(r, t);
}

static json_t *
pj_real(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

static json_t *
pj_point(double lon, double lat)
{
	return json_pack("[oo]", pj_real(lon, 1e6), pj_real(lat, 1e6));
}

/* The order of the book with this id, or NULL. */
static const struct pr_order *
pj_order(const struct pr_orderbook *ob, const char *id)
{
	int i = ob != NULL ? pr_orderbook_find(ob, id) : -1;

	return i >= 0 ? &ob->orders[i] : NULL;
}

/* The household's contact of order i of ob, as its last event gave it
 * (NULL: none). */
static json_t *
pj_contact(const struct pr_orderbook *ob, int i)
{
	struct pr_contact cc, *c = &cc;
	json_t *j;

	pr_orderbook_contact(ob, i, c);
	if (c->name[0] == '\0' && c->phone[0] == '\0' &&
	    c->address[0] == '\0')
		return NULL;
	j = json_object();
	if (c->name[0] != '\0')
		json_object_set_new(j, "name", json_string(c->name));
	if (c->phone[0] != '\0')
		json_object_set_new(j, "phone", json_string(c->phone));
	if (c->address[0] != '\0')
		json_object_set_new(j, "address", json_string(c->address));
	return j;
}

/* The line-haul departure a trip back at the office at `back` makes: the
 * first whose cut-off is not before it (pr_next_departure), with that
 * cut-off; NULL without one. */
static json_t *
pj_linehaul(const struct pr_region *r, int office, int64_t back)
{
	const struct pr_office *of = &r->offices[office];
	int64_t dep = pr_next_departure(r, office, -1, back, NULL), day;

	if (dep < 0)
		return NULL;
	day = pr_day_start(r, dep);
	for (int i = 0; i < of->n_departures; i++) {
		const struct pr_departure *dp = &of->departures[i];

		if (day + dp->time == dep)
			return json_pack("{s:o,s:o}", "depart", pj_time(r, dep),
			    "cutoff", pj_time(r, dep - dp->cutoff));
	}
	return NULL;
}

static json_t *
pj_stop(const struct pr_region *r, const struct pr_orderbook *ob,
    const struct pr_plan_stop *st)
{
	json_t *s = json_object(), *c;
	int i = ob != NULL ? pr_orderbook_find(ob, st->order_id) : -1;
	const struct pr_order *o = i >= 0 ? &ob->orders[i] : NULL;

	json_object_set_new(s, "order_id", json_string(st->order_id));
	json_object_set_new(s, "arrival", pj_time(r, st->arrival));
	json_object_set_new(s, "service_start",
	    pj_time(r, st->service_start));
	json_object_set_new(s, "latest", pj_epoch(r, st->latest));
	json_object_set_new(s, "departure", pj_epoch(r, st->departure));
	json_object_set_new(s, "weight_kg",
	    pj_real((double)st->weight_g / 1000.0, 1e3));
	json_object_set_new(s, "perishable", json_boolean(st->perishable));
	json_object_set_new(s, "location", pj_point(st->lon, st->lat));
	if (st->risk != PR_RISK_NONE)
		json_object_set_new(s, "risk",
		    json_string(pr_risk_name(st->risk)));
	if (o != NULL && o->commune >= 0 && o->commune < r->n_communes)
		json_object_set_new(s, "commune_name",
		    json_string(r->communes[o->commune].name));
	if (o != NULL && (c = pj_contact(ob, i)) != NULL)
		json_object_set_new(s, "contact", c);
	return s;
}

static json_t *
pj_route(const struct pr_region *r, const struct pr_orderbook *ob,
    int office, const struct pr_plan_route *pr)
{
	json_t *jr = json_object(), *stops = json_array(), *lh;

	for (int k = 0; k < pr->n_stops; k++)
		json_array_append_new(stops, pj_stop(r, ob, &pr->stops[k]));
	json_object_set_new(jr, "vehicle", json_string(pr->vehicle));
	json_object_set_new(jr, "profile", json_string(pr->profile));
	json_object_set_new(jr, "dispatched", json_boolean(pr->dispatched));
	json_object_set_new(jr, "start", pj_time(r, pr->start));
	json_object_set_new(jr, "end", pj_time(r, pr->end));
	json_object_set_new(jr, "distance_m", pj_real(pr->distance_m, 1));
	json_object_set_new(jr, "duration_s", pj_real(pr->duration_s, 1));
	json_object_set_new(jr, "load_kg",
	    pj_real((double)pr->load_g / 1000.0, 1e3));
	if ((lh = pj_linehaul(r, office, pr->end)) != NULL)
		json_object_set_new(jr, "linehaul", lh);
	/* POST .../undispatch takes it back while no stop is picked up */
	json_object_set_new(jr, "can_undo",
	    json_boolean(pr->dispatched && !pr->completed));
	json_object_set_new(jr, "stops", stops);
	return jr;
}

/* Where an order left out or at risk is: [lon, lat], or NULL. */
static json_t *
pj_where(const struct pr_orderbook *ob, const char *id)
{
	const struct pr_order *o = pj_order(ob, id);

	return o != NULL ? pj_point(o->lon, o->lat) : NULL;
}

static json_t *
pj_stats(const struct pr_office_plan *p)
{
	const struct pr_plan_stats *st = &p->stats;
	json_t *o = json_pack("{s:f,s:f,s:f,s:i,s:i,s:i,s:i}",
	    "solve_ms", round(st->solve_s * 1000), "cost", round(st->cost),
	    "distance_m", round(st->distance_m), "routes", p->n_routes,
	    "unassigned", p->n_unassigned, "orders_kept", st->orders_kept,
	    "orders_moved", st->orders_moved);

	json_object_set_new(o, "planned_late",
	    json_integer(st->planned_late));
	json_object_set_new(o, "kept_routes", json_boolean(st->kept_routes));
	json_object_set_new(o, "iterations", json_integer(st->iterations));
	return o;
}

char *
plan_json(const struct pr_region *r, const struct pr_office_plan *p,
    const struct pr_orderbook *ob)
{
	const struct pr_office *of = &r->offices[p->office];
	json_t *root = json_object(), *routes = json_array(),
	    *un = json_array(), *risk = json_array(), *moved = json_array(),
	    *lent = json_array(), *item, *where;
	char *s;

	json_object_set_new(root, "office", json_string(of->id));
	json_object_set_new(root, "office_name", json_string(of->name));
	json_object_set_new(root, "office_location",
	    pj_point(of->lon, of->lat));
	json_object_set_new(root, "version", json_integer(p->version));
	json_object_set_new(root, "generated_at",
	    pj_epoch(r, p->generated_at));
	json_object_set_new(root, "plan_time", pj_epoch(r, p->plan_time));
	json_object_set_new(root, "day_start", pj_epoch(r, p->day_start));
	json_object_set_new(root, "orders", json_integer(p->n_orders));
	if (p->n_group > 1) {
		json_t *g = json_array();

		for (int k = 0; k < p->n_group && k < PR_GROUP_MAX_OFFICES; k++)
			json_array_append_new(g,
			    json_string(r->offices[p->group[k]].id));
		json_object_set_new(root, "group", g);
	}
	for (int i = 0; i < p->n_routes; i++)
		json_array_append_new(routes, pj_route(r, ob, p->office,
		    &p->routes[i]));
	for (int i = 0; i < p->n_unassigned; i++) {
		const struct pr_plan_unassigned *u = &p->unassigned[i];

		item = json_pack("{s:s,s:s,s:s,s:s}", "order_id", u->order_id,
		    "reason", u->reason, "risk", pr_risk_name(u->risk),
		    "detail", u->detail);
		if ((where = pj_where(ob, u->order_id)) != NULL)
			json_object_set_new(item, "location", where);
		json_array_append_new(un, item);
	}
	for (int i = 0; i < p->n_at_risk; i++) {
		const struct pr_plan_at_risk *a = &p->at_risk[i];

		item = json_pack("{s:s,s:s,s:o,s:o}", "order_id", a->order_id,
		    "risk", pr_risk_name(a->risk), "due", pj_epoch(r, a->due),
		    "latest", pj_epoch(r, a->latest));
		if ((where = pj_where(ob, a->order_id)) != NULL)
			json_object_set_new(item, "location", where);
		json_array_append_new(risk, item);
	}
	for (int i = 0; i < p->n_moved; i++) {
		const struct pr_plan_moved *m = &p->moved[i];

		json_array_append_new(moved, json_pack("{s:s,s:s,s:s}",
		    "order_id", m->order_id, "from", r->offices[m->from].id,
		    "reason", m->reason));
	}
	for (int i = 0; i < p->n_lent; i++) {
		const struct pr_plan_lent *l = &p->lent[i];

		json_array_append_new(lent, json_pack("{s:s,s:s,s:s}",
		    "order_id", l->order_id, "to", r->offices[l->to].id,
		    "vehicle", l->vehicle));
	}
	json_object_set_new(root, "routes", routes);
	json_object_set_new(root, "unassigned", un);
	json_object_set_new(root, "at_risk", risk);
	json_object_set_new(root, "moved", moved);
	json_object_set_new(root, "lent", lent);
	json_object_set_new(root, "stats", pj_stats(p));
	s = json_dumps(root, PLAN_JSON_FLAGS);
	json_decref(root);
	return s;
}

static json_t *
pj_feature_point(double lon, double lat, json_t *props)
{
	return json_pack("{s:s,s:{s:s,s:o},s:o}", "type", "Feature",
	    "geometry", "type", "Point", "coordinates", pj_point(lon, lat),
	    "properties", props);
}

/* The bounding box of a FeatureCollection (RFC 7946, 5): west, south,
 * east, north. */
struct pj_bbox {
	double w, s, e, n;
};

static void
pj_bbox_add(struct pj_bbox *b, double lon, double lat)
{
	b->w = fmin(b->w, lon);
	b->e = fmax(b->e, lon);
	b->s = fmin(b->s, lat);
	b->n = fmax(b->n, lat);
}

/* A point feature of an order left out (kind "unassigned") or at risk
 * on no route ("at_risk"), at the order's place in ob; NULL when ob does
 * not have it. */
static json_t *
pj_feature_order(const struct pr_orderbook *ob, const char *id,
    json_t *props, struct pj_bbox *b)
{
	const struct pr_order *o = pj_order(ob, id);

	if (o == NULL) {
		json_decref(props);
		return NULL;
	}
	pj_bbox_add(b, o->lon, o->lat);
	return pj_feature_point(o->lon, o->lat, props);
}

/* A route's stops (marking their orders in seen) and its line, from the
 * office of and back. */
static void
pj_geo_route(const struct pr_region *r, const struct pr_office *of,
    const struct pr_plan_route *pr, json_t *feats, struct pj_bbox *b,
    json_t *seen)
{
	json_t *line = json_array(), *props;

	json_array_append_new(line, pj_point(of->lon, of->lat));
	for (int k = 0; k < pr->n_stops; k++) {
		const struct pr_plan_stop *st = &pr->stops[k];

		json_array_append_new(line, pj_point(st->lon, st->lat));
		pj_bbox_add(b, st->lon, st->lat);
		json_object_set_new(seen, st->order_id, json_true());
		props = json_pack("{s:s,s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:b}",
		    "kind", "stop", "order_id", st->order_id, "vehicle",
		    pr->vehicle, "rank", k + 1, "arrival",
		    pj_time(r, st->arrival), "service_start",
		    pj_time(r, st->service_start), "latest",
		    pj_epoch(r, st->latest), "departure",
		    pj_epoch(r, st->departure), "weight_kg",
		    pj_real((double)st->weight_g / 1000.0, 1e3),
		    "perishable", st->perishable);
		if (st->risk != PR_RISK_NONE)
			json_object_set_new(props, "risk",
			    json_string(pr_risk_name(st->risk)));
		json_array_append_new(feats, pj_feature_point(st->lon,
		    st->lat, props));
	}
	json_array_append_new(line, pj_point(of->lon, of->lat));
	json_array_append_new(feats, json_pack("{s:s,s:{s:s,s:o},"
	    "s:{s:s,s:s,s:i,s:f,s:o,s:o,s:b}}", "type", "Feature", "geometry",
	    "type", "LineString", "coordinates", line, "properties", "kind",
	    "route", "vehicle", pr->vehicle, "stops", pr->n_stops,
	    "distance_m", round(pr->distance_m), "start",
	    pj_time(r, pr->start), "end", pj_time(r, pr->end), "dispatched",
	    pr->dispatched));
}

char *
plan_geojson(const struct pr_region *r, const struct pr_office_plan *p,
    const struct pr_orderbook *ob)
{
	const struct pr_office *of = &r->offices[p->office];
	json_t *feats = json_array(), *seen = json_object(), *root, *f;
	struct pj_bbox b = { of->lon, of->lat, of->lon, of->lat };
	char *s;

	json_array_append_new(feats, pj_feature_point(of->lon, of->lat,
	    json_pack("{s:s,s:s,s:s}", "kind", "office", "office", of->id,
	    "name", of->name)));
	for (int i = 0; i < p->n_routes; i++)
		pj_geo_route(r, of, &p->routes[i], feats, &b, seen);
	for (int i = 0; i < p->n_unassigned; i++) {
		const struct pr_plan_unassigned *u = &p->unassigned[i];

		json_object_set_new(seen, u->order_id, json_true());
		if ((f = pj_feature_order(ob, u->order_id, json_pack(
		    "{s:s,s:s,s:s,s:s,s:s}", "kind", "unassigned", "order_id",
		    u->order_id, "reason", u->reason, "risk",
		    pr_risk_name(u->risk), "detail", u->detail), &b)) != NULL)
			json_array_append_new(feats, f);
	}
	/* at risk on no route and not listed as left out: none today, but
	 * the list is the plan's own */
	for (int i = 0; i < p->n_at_risk; i++) {
		const struct pr_plan_at_risk *a = &p->at_risk[i];

		if (json_object_get(seen, a->order_id) != NULL)
			continue;
		if ((f = pj_feature_order(ob, a->order_id, json_pack(
		    "{s:s,s:s,s:s,s:o,s:o}", "kind", "at_risk", "order_id",
		    a->order_id, "risk", pr_risk_name(a->risk), "due",
		    pj_epoch(r, a->due), "latest", pj_epoch(r, a->latest)),
		    &b)) != NULL)
			json_array_append_new(feats, f);
	}
	json_decref(seen);
	root = json_pack("{s:s,s:[oooo],s:o,s:{s:s,s:I}}", "type",
	    "FeatureCollection", "bbox", pj_real(b.w, 1e6), pj_real(b.s, 1e6),
	    pj_real(b.e, 1e6), pj_real(b.n, 1e6), "features", feats,
	    "properties", "office", of->id, "version",
	    (json_int_t)p->version);
	s = json_dumps(root, PLAN_JSON_FLAGS);
	json_decref(root);
	return s;
}

/* ---- reading a stored plan back ------------------------------------------------ */

static int64_t
pj_read_time(json_t *v)
{
	int64_t t;
	int off;

	if (!json_is_string(v) || pr_time_parse(json_string_value(v), &t,
	    &off) != 0)
		return -1;
	return t;
}

static void
pj_read_str(json_t *v, char *buf, size_t n)
{
	const char *s = json_string_value(v);

	scopy(buf, s != NULL ? s : "", n);
}

static double
pj_read_num(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : 0;
}

static int
pj_read_risk_name(json_t *v)
{
	const char *rk = json_string_value(v);

	for (int k = 1; rk != NULL && k < PR_RISK_COUNT; k++)
		if (strcmp(rk, pr_risk_name((enum pr_risk)k)) == 0)
			return k;
	return PR_RISK_NONE;
}

/* A stored route, every field: a dispatched one is kept as it is. */
static void
pj_read_route(int office, json_t *jr, struct pr_plan_route *pr)
{
	json_t *stops = json_object_get(jr, "stops"), *s, *loc;
	size_t k;

	pr->office = office;
	pj_read_str(json_object_get(jr, "vehicle"), pr->vehicle,
	    sizeof(pr->vehicle));
	pj_read_str(json_object_get(jr, "profile"), pr->profile,
	    sizeof(pr->profile));
	pr->dispatched = json_is_true(json_object_get(jr, "dispatched"));
	/* a plan before can_undo existed says nothing: undo stays possible */
	pr->completed = pr->dispatched &&
	    json_is_false(json_object_get(jr, "can_undo"));
	pr->start = pj_read_time(json_object_get(jr, "start"));
	pr->end = pj_read_time(json_object_get(jr, "end"));
	pr->distance_m = pj_read_num(json_object_get(jr, "distance_m"));
	pr->duration_s = pj_read_num(json_object_get(jr, "duration_s"));
	pr->load_g = llround(1000 * pj_read_num(json_object_get(jr,
	    "load_kg")));
	pr->stops = ecalloc(json_array_size(stops) + 1, sizeof(*pr->stops));
	json_array_foreach(stops, k, s) {
		const char *id = json_string_value(json_object_get(s,
		    "order_id"));
		struct pr_plan_stop *st;

		if (id == NULL)
			continue;
		st = &pr->stops[pr->n_stops++];
		scopy(st->order_id, id, sizeof(st->order_id));
		st->arrival = pj_read_time(json_object_get(s, "arrival"));
		st->service_start = pj_read_time(json_object_get(s,
		    "service_start"));
		st->latest = pj_read_time(json_object_get(s, "latest"));
		st->departure = pj_read_time(json_object_get(s, "departure"));
		st->weight_g = llround(1000 * pj_read_num(json_object_get(s,
		    "weight_kg")));
		st->perishable = json_is_true(json_object_get(s, "perishable"));
		loc = json_object_get(s, "location");
		st->lon = pj_read_num(json_array_get(loc, 0));
		st->lat = pj_read_num(json_array_get(loc, 1));
		st->risk = pj_read_risk_name(json_object_get(s, "risk"));
	}
}

static void
pj_read_risk(json_t *ja, struct pr_plan_at_risk *a)
{
	pj_read_str(json_object_get(ja, "order_id"), a->order_id,
	    sizeof(a->order_id));
	a->risk = pj_read_risk_name(json_object_get(ja, "risk"));
	a->due = pj_read_time(json_object_get(ja, "due"));
	a->latest = pj_read_time(json_object_get(ja, "latest"));
}

struct pr_office_plan *
plan_from_json(int office, const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, 0, NULL), *list, *v;
	struct pr_office_plan *p;
	size_t i;

	if (root == NULL)
		return NULL;
	p = ecalloc(1, sizeof(*p));
	p->office = office;
	p->n_group = 1;
	p->group[0] = office;
	p->version = json_integer_value(json_object_get(root, "version"));
	p->generated_at = pj_read_time(json_object_get(root,
	    "generated_at"));
	p->plan_time = pj_read_time(json_object_get(root, "plan_time"));
	p->day_start = pj_read_time(json_object_get(root, "day_start"));
	p->n_orders = (int)json_integer_value(json_object_get(root,
	    "orders"));
	list = json_object_get(root, "routes");
	p->routes = ecalloc(json_array_size(list) + 1, sizeof(*p->routes));
	json_array_foreach(list, i, v)
		pj_read_route(office, v, &p->routes[p->n_routes++]);
	list = json_object_get(root, "at_risk");
	p->at_risk = ecalloc(json_array_size(list) + 1, sizeof(*p->at_risk));
	json_array_foreach(list, i, v)
		pj_read_risk(v, &p->at_risk[p->n_at_risk++]);
	json_decref(root);
	return p;
}

void
plan_free(struct pr_office_plan *p)
{
	if (p == NULL)
		return;
	pr_office_plan_clear(p);
	free(p);
}
