/* region.c: a region from its JSON, and the one lookup of its tables by code, id or name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "field.h"
#include "postroute/region.h"
#include "postroute/time.h"

/*
 * The format is written out in docs/domain.md; keep the two in step.
 */

/* ---- lookups ------------------------------------------------------------- */

/* The tables of a region that are looked up by a key. */
enum region_table {
	REGION_COMMUNES,
	REGION_OFFICES,
	REGION_DESTINATIONS,
	REGION_PROFILES,
	REGION_DISTRICTS,
	REGION_NTABLES
};

struct pr_region_index {
	int *sorted[REGION_NTABLES]; /* element indices by key; NULL while
	                              * the table is being parsed */
};

static int
region_size(const struct pr_region *r, int t)
{
	switch (t) {
	case REGION_COMMUNES:
		return r->n_communes;
	case REGION_OFFICES:
		return r->n_offices;
	case REGION_DESTINATIONS:
		return r->n_destinations;
	case REGION_PROFILES:
		return r->n_profiles;
	default:
		return r->n_districts;
	}
}

static const char *
region_key(const struct pr_region *r, int t, int i)
{
	switch (t) {
	case REGION_COMMUNES:
		return r->communes[i].code;
	case REGION_OFFICES:
		return r->offices[i].id;
	case REGION_DESTINATIONS:
		return r->destinations[i].id;
	case REGION_PROFILES:
		return r->profiles[i].name;
	default:
		return r->districts[i].code;
	}
}

struct region_entry {
	const char *key;
	int i;
};

static int
region_entry_cmp(const void *a, const void *b)
{
	const struct region_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* Sorts table t by key (ties by index, so the first of equal keys wins,
 * as a linear search would have it). */
static void
region_sort(struct pr_region *r, int t)
{
	int n = region_size(r, t);
	struct region_entry *e = xcalloc((size_t)n + 1, sizeof(*e));

	for (int i = 0; i < n; i++)
		e[i] = (struct region_entry){ region_key(r, t, i), i };
	qsort(e, (size_t)n, sizeof(*e), region_entry_cmp);
	free(r->index->sorted[t]);
	r->index->sorted[t] = xcalloc((size_t)n + 1, sizeof(int));
	for (int i = 0; i < n; i++)
		r->index->sorted[t][i] = e[i].i;
	free(e);
}

/* The one lookup: the first element of table t with this key, or -1. A
 * binary search once the table is sorted; a scan while it is still being
 * parsed. */
static int
region_find(const struct pr_region *r, int t, const char *key)
{
	const int *s = r->index != NULL ? r->index->sorted[t] : NULL;
	int lo = 0, hi = region_size(r, t);

	if (s == NULL) {
		for (int i = 0; i < hi; i++)
			if (strcmp(region_key(r, t, i), key) == 0)
				return i;
		return -1;
	}
	while (lo < hi) {	/* the first entry not below key */
		int mid = lo + (hi - lo) / 2;

		if (strcmp(region_key(r, t, s[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < region_size(r, t) &&
	    strcmp(region_key(r, t, s[lo]), key) == 0)
		return s[lo];
	return -1;
}

/* Whether element i of table t repeats the key of an earlier one. */
static int
region_repeated(const struct pr_region *r, int t, int i)
{
	const char *key = region_key(r, t, i);

	for (int k = 0; k < i; k++)
		if (strcmp(region_key(r, t, k), key) == 0)
			return 1;
	return 0;
}

int
pr_region_commune(const struct pr_region *r, const char *code)
{
	return region_find(r, REGION_COMMUNES, code);
}

int
pr_region_office(const struct pr_region *r, const char *id)
{
	return region_find(r, REGION_OFFICES, id);
}

int
pr_region_destination(const struct pr_region *r, const char *id)
{
	return region_find(r, REGION_DESTINATIONS, id);
}

int
pr_region_profile(const struct pr_region *r, const char *name)
{
	return region_find(r, REGION_PROFILES, name);
}

int
pr_region_district(const struct pr_region *r, const char *code)
{
	return region_find(r, REGION_DISTRICTS, code);
}

/* ---- the JSON ------------------------------------------------------------ */

static int
region_dep_cmp(const void *a, const void *b)
{
	const struct pr_departure *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

static int
region_parse_defaults(struct pr_region *r, json_t *root,
    struct pr_error *err)
{
	json_t *d = json_object_get(root, "defaults");
	double v;

	r->circuity = 1.5;
	r->service_s = 240;
	r->radius_m = 15000;
	r->max_trip_s = 3 * 3600;
	r->perishable_hold_s = 8 * 3600;
	r->move_penalty_s = 600;
	r->late_penalty_s = 8 * 3600;
	r->stops_per_trip = 8;
	r->utilisation = 0.85;
	r->hub_sort_s = 45 * 60;
	if (d == NULL)
		return 0;
	if (!json_is_object(d))
		return pr_seterr(err, PR_EINVAL, "defaults: must be an object");
	v = r->circuity;
	if (field_num(d, "circuity", "defaults", 0, 1.0, 5.0, &v, err))
		return PR_EINVAL;
	r->circuity = v;
	v = r->service_s / 60;
	if (field_num(d, "service_min", "defaults", 0, 0, 240, &v, err))
		return PR_EINVAL;
	r->service_s = v * 60;
	v = r->radius_m / 1000;
	if (field_num(d, "radius_km", "defaults", 0, 0, 500, &v, err))
		return PR_EINVAL;
	r->radius_m = v * 1000;
	v = r->max_trip_s / 3600;
	if (field_num(d, "max_trip_h", "defaults", 0, 0.25, 24, &v, err))
		return PR_EINVAL;
	r->max_trip_s = v * 3600;
	v = r->perishable_hold_s / 3600;
	if (field_num(d, "perishable_hold_h", "defaults", 0, 0, 96, &v, err))
		return PR_EINVAL;
	r->perishable_hold_s = v * 3600;
	v = r->move_penalty_s / 60;
	if (field_num(d, "move_penalty_min", "defaults", 0, 0, 1440, &v, err))
		return PR_EINVAL;
	r->move_penalty_s = v * 60;
	v = r->late_penalty_s / 60;
	if (field_num(d, "late_penalty_min", "defaults", 0, 0, 100000, &v,
	    err))
		return PR_EINVAL;
	r->late_penalty_s = v * 60;
	v = r->stops_per_trip;
	if (field_num(d, "stops_per_trip", "defaults", 0, 1, 1000, &v, err))
		return PR_EINVAL;
	r->stops_per_trip = v;
	v = r->utilisation;
	if (field_num(d, "utilisation", "defaults", 0, 0.05, 1, &v, err))
		return PR_EINVAL;
	r->utilisation = v;
	v = r->hub_sort_s / 60;
	if (field_num(d, "hub_sort_min", "defaults", 0, 0, 1440, &v, err))
		return PR_EINVAL;
	r->hub_sort_s = v * 60;
	return 0;
}

static int
region_parse_profiles(struct pr_region *r, json_t *root, struct pr_error *err)
{
	int rc;
	json_t *a = field_array(root, "profiles", 1, err, &rc), *o;
	size_t i;
	char path[64];

	if (a == NULL)
		return rc;
	if (json_array_size(a) < 1 || json_array_size(a) > PR_DOM_MAX_PROFILES)
		return pr_seterr(err, PR_EINVAL, "profiles: needs 1 to %d "
		    "entries", PR_DOM_MAX_PROFILES);
	json_array_foreach(a, i, o) {
		struct pr_dom_profile *pf = &r->profiles[i];
		double cap = 0;

		snprintf(path, sizeof(path), "profiles[%zu]", i);
		if (!json_is_object(o))
			return pr_seterr(err, PR_EINVAL, "%s: must be an "
			    "object", path);
		if (field_str(o, "name", path, 1, pf->name, sizeof(pf->name),
		    err) ||
		    field_num(o, "speed_kmh", path, 1, 1, 200, &pf->speed_kmh,
		    err) ||
		    field_num(o, "capacity_kg", path, 1, 0.1, 100000, &cap,
		    err) ||
		    field_num(o, "cost_per_km", path, 0, 0, 1e9,
		    &pf->cost_per_km, err) ||
		    field_num(o, "fixed_cost", path, 0, 0, 1e12,
		    &pf->fixed_cost, err))
			return PR_EINVAL;
		pf->capacity_g = llround(cap * 1000);
		if (region_repeated(r, REGION_PROFILES, (int)i))
			return pr_seterr(err, PR_EINVAL, "%s.name: "
			    "\"%s\" repeated", path, pf->name);
		r->n_profiles = (int)i + 1;
	}
	return 0;
}

static int
region_parse_districts(struct pr_region *r, json_t *root,
    struct pr_error *err)
{
	int rc;
	json_t *a = field_array(root, "districts", 0, err, &rc), *o;
	size_t i;
	char path[64];

	if (a == NULL)
		return rc;
	r->districts = xcalloc(json_array_size(a), sizeof(*r->districts));
	json_array_foreach(a, i, o) {
		struct pr_district *d = &r->districts[i];

		snprintf(path, sizeof(path), "districts[%zu]", i);
		if (!json_is_object(o))
			return pr_seterr(err, PR_EINVAL, "%s: must be an "
			    "object", path);
		d->circuity = r->circuity;
		if (field_str(o, "code", path, 1, d->code, sizeof(d->code),
		    err) ||
		    field_str(o, "name", path, 0, d->name, sizeof(d->name),
		    err) ||
		    field_num(o, "circuity", path, 0, 1.0, 5.0, &d->circuity,
		    err))
			return PR_EINVAL;
		r->n_districts = (int)i + 1;
	}
	return 0;
}

static int
region_parse_communes(struct pr_region *r, json_t *root,
    char (*office)[PR_MAX_ID], struct pr_error *err)
{
	json_t *a = json_object_get(root, "communes"), *o;
	size_t i;
	char path[64], dcode[PR_CODE_LEN];

	json_array_foreach(a, i, o) {
		struct pr_commune *c = &r->communes[i];

		snprintf(path, sizeof(path), "communes[%zu]", i);
		if (!json_is_object(o))
			return pr_seterr(err, PR_EINVAL, "%s: must be an "
			    "object", path);
		dcode[0] = '\0';
		c->area_km2 = 10;
		if (field_str(o, "code", path, 1, c->code, sizeof(c->code),
		    err) ||
		    field_str(o, "name", path, 0, c->name, sizeof(c->name),
		    err) ||
		    field_str(o, "district", path, 0, dcode, sizeof(dcode),
		    err) ||
		    field_point(o, "point", path, 1, &c->lon, &c->lat, err) ||
		    field_num(o, "area_km2", path, 0, 0, 1e6, &c->area_km2,
		    err) ||
		    field_num(o, "population", path, 0, 0, 1e9,
		    &c->population, err) ||
		    field_str(o, "office", path, 0, office[i], PR_MAX_ID, err))
			return PR_EINVAL;
		c->area_lon = c->lon;
		c->area_lat = c->lat;
		if (field_point(o, "area_point", path, 0, &c->area_lon,
		    &c->area_lat, err))
			return PR_EINVAL;
		c->district = -1;
		if (dcode[0] != '\0' &&
		    (c->district = pr_region_district(r, dcode)) < 0)
			return pr_seterr(err, PR_EINVAL, "%s.district: unknown "
			    "district \"%s\"", path, dcode);
		if (region_repeated(r, REGION_COMMUNES, (int)i))
			return pr_seterr(err, PR_EINVAL, "%s.code: "
			    "\"%s\" repeated", path, c->code);
		c->office = -1;
		r->n_communes = (int)i + 1;
	}
	return 0;
}

static int
region_parse_destinations(struct pr_region *r, json_t *root,
    struct pr_error *err)
{
	json_t *a = json_object_get(root, "destinations"), *o, *v;
	size_t i, k;
	char path[96], sub[128];

	json_array_foreach(a, i, o) {
		struct pr_destination *d = &r->destinations[i];
		double h;

		snprintf(path, sizeof(path), "destinations[%zu]", i);
		if (!json_is_object(o))
			return pr_seterr(err, PR_EINVAL, "%s: must be an "
			    "object", path);
		if (field_str(o, "id", path, 1, d->id, sizeof(d->id), err) ||
		    field_str(o, "name", path, 0, d->name, sizeof(d->name),
		    err))
			return PR_EINVAL;
		h = 0;
		if (field_num(o, "transit_h", path, 1, 0, 240, &h, err))
			return PR_EINVAL;
		d->transit_s = h * 3600;
		h = 0;
		if (field_num(o, "sort_h", path, 0, 0, 48, &h, err))
			return PR_EINVAL;
		d->sort_s = h * 3600;
		h = 0;
		if (field_num(o, "last_mile_h", path, 0, 0, 72, &h, err))
			return PR_EINVAL;
		d->last_mile_s = h * 3600;
		d->deliver_from = 0;
		d->deliver_to = PR_DAY_S;
		if ((v = json_object_get(o, "delivery_window")) != NULL) {
			snprintf(sub, sizeof(sub), "%s.delivery_window", path);
			if (!json_is_array(v) || json_array_size(v) != 2)
				return pr_seterr(err, PR_EINVAL, "%s: must be "
				    "[\"HH:MM\", \"HH:MM\"]", sub);
			if (field_tod(json_array_get(v, 0), sub,
			    &d->deliver_from, err) ||
			    field_tod(json_array_get(v, 1), sub,
			    &d->deliver_to, err))
				return PR_EINVAL;
			if (d->deliver_from >= d->deliver_to)
				return pr_seterr(err, PR_EINVAL, "%s: closes "
				    "before it opens", sub);
		}
		v = json_object_get(o, "hub_departures");
		snprintf(sub, sizeof(sub), "%s.hub_departures", path);
		if (v != NULL && (!json_is_array(v) ||
		    json_array_size(v) > PR_DOM_MAX_DEPARTURES))
			return pr_seterr(err, PR_EINVAL, "%s: must be an array "
			    "of at most %d times", sub, PR_DOM_MAX_DEPARTURES);
		json_array_foreach(v, k, o) {
			snprintf(sub, sizeof(sub), "%s.hub_departures[%zu]",
			    path, k);
			if (field_tod(o, sub, &d->departures[k], err))
				return PR_EINVAL;
			if (d->departures[k] >= PR_DAY_S)
				return pr_seterr(err, PR_EINVAL, "%s: must be "
				    "before 24:00", sub);
			d->n_departures = (int)k + 1;
		}
		qsort(d->departures, (size_t)d->n_departures, sizeof(int),
		    pr_int_cmp);
		if (region_repeated(r, REGION_DESTINATIONS, (int)i))
			return pr_seterr(err, PR_EINVAL, "%s.id: "
			    "\"%s\" repeated", path, d->id);
		r->n_destinations = (int)i + 1;
	}
	return 0;
}

static int
region_parse_office(struct pr_region *r, json_t *o, const char *path,
    struct pr_office *of, struct pr_error *err)
{
	json_t *v, *e;
	char code[PR_CODE_LEN] = "", level[16] = "commune", sub[128];
	const char *key;
	size_t k;

	if (!json_is_object(o))
		return pr_seterr(err, PR_EINVAL, "%s: must be an object", path);
	if (field_str(o, "id", path, 1, of->id, sizeof(of->id), err) ||
	    field_str(o, "name", path, 0, of->name, sizeof(of->name), err) ||
	    field_str(o, "level", path, 0, level, sizeof(level), err) ||
	    field_str(o, "commune", path, 1, code, sizeof(code), err))
		return PR_EINVAL;
	if (strcmp(level, "commune") == 0)
		of->level = PR_OFFICE_COMMUNE;
	else if (strcmp(level, "district") == 0)
		of->level = PR_OFFICE_DISTRICT;
	else if (strcmp(level, "main") == 0)
		of->level = PR_OFFICE_MAIN;
	else
		return pr_seterr(err, PR_EINVAL, "%s.level: must be commune, "
		    "district or main", path);
	if ((of->commune = pr_region_commune(r, code)) < 0)
		return pr_seterr(err, PR_EINVAL, "%s.commune: unknown commune "
		    "\"%s\"", path, code);
	of->district = r->communes[of->commune].district;
	of->lon = r->communes[of->commune].lon;
	of->lat = r->communes[of->commune].lat;
	if (field_point(o, "point", path, 0, &of->lon, &of->lat, err))
		return PR_EINVAL;

	v = json_object_get(o, "fleet");
	snprintf(sub, sizeof(sub), "%s.fleet", path);
	if (v != NULL && !json_is_object(v))
		return pr_seterr(err, PR_EINVAL, "%s: must be an object of "
		    "counts per profile", sub);
	json_object_foreach(v, key, e) {
		int p = pr_region_profile(r, key);

		if (p < 0)
			return pr_seterr(err, PR_EINVAL, "%s.%s: unknown "
			    "profile", sub, key);
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > 1000)
			return pr_seterr(err, PR_EINVAL, "%s.%s: must be an "
			    "integer in [0, 1000]", sub, key);
		of->fleet[p] = (int)json_integer_value(e);
	}

	of->shift_start = 7 * 3600;
	of->shift_end = 17 * 3600 + 1800;
	if ((v = json_object_get(o, "shift")) != NULL) {
		snprintf(sub, sizeof(sub), "%s.shift", path);
		if (!json_is_array(v) || json_array_size(v) != 2)
			return pr_seterr(err, PR_EINVAL, "%s: must be "
			    "[\"HH:MM\", \"HH:MM\"]", sub);
		if (field_tod(json_array_get(v, 0), sub, &of->shift_start,
		    err) ||
		    field_tod(json_array_get(v, 1), sub, &of->shift_end, err))
			return PR_EINVAL;
		if (of->shift_start >= of->shift_end)
			return pr_seterr(err, PR_EINVAL, "%s: ends before it "
			    "starts", sub);
	}

	v = json_object_get(o, "linehaul");
	snprintf(sub, sizeof(sub), "%s.linehaul", path);
	if (v != NULL && (!json_is_array(v) ||
	    json_array_size(v) > PR_DOM_MAX_DEPARTURES))
		return pr_seterr(err, PR_EINVAL, "%s: must be an array of at "
		    "most %d departures", sub, PR_DOM_MAX_DEPARTURES);
	json_array_foreach(v, k, e) {
		struct pr_departure *dp = &of->departures[k];
		double cut = 0, hub = 0;

		snprintf(sub, sizeof(sub), "%s.linehaul[%zu]", path, k);
		if (!json_is_object(e))
			return pr_seterr(err, PR_EINVAL, "%s: must be an "
			    "object", sub);
		if (json_object_get(e, "depart") == NULL)
			return pr_seterr(err, PR_EINVAL, "%s.depart: missing",
			    sub);
		{
			char dsub[160];

			snprintf(dsub, sizeof(dsub), "%s.depart", sub);
			if (field_tod(json_object_get(e, "depart"), dsub,
			    &dp->time, err))
				return PR_EINVAL;
		}
		if (dp->time >= PR_DAY_S)
			return pr_seterr(err, PR_EINVAL, "%s.depart: must be "
			    "before 24:00", sub);
		if (field_num(e, "cutoff_min", sub, 0, 0, 720, &cut, err) ||
		    field_num(e, "hub_h", sub, 1, 0, 72, &hub, err))
			return PR_EINVAL;
		dp->cutoff = (int)lround(cut * 60);
		dp->hub_s = hub * 3600;
		of->n_departures = (int)k + 1;
	}
	qsort(of->departures, (size_t)of->n_departures, sizeof(*of->departures),
	    region_dep_cmp);
	return 0;
}

int
pr_region_from_json(const char *buf, size_t len, struct pr_region **out,
    struct pr_error *err)
{
	json_error_t je;
	json_t *root, *a, *o;
	struct pr_region *r;
	char (*office)[PR_MAX_ID] = NULL;
	char path[64], hub[PR_MAX_ID] = "", off[16] = "+07:00";
	size_t i;
	int rc = PR_EINVAL;

	*out = NULL;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return pr_seterr(err, PR_EINVAL, "region: line %d: %s",
		    je.line, je.text);
	r = xcalloc(1, sizeof(*r));
	r->index = xcalloc(1, sizeof(*r->index));
	if (!json_is_object(root)) {
		pr_seterr(err, PR_EINVAL, "region: must be a JSON object");
		goto fail;
	}
	if (field_str(root, "region", "region", 1, r->name, sizeof(r->name),
	    err) ||
	    field_str(root, "utc_offset", "region", 0, off, sizeof(off), err))
		goto fail;
	{
		int64_t e;

		/* Parse the offset through the time parser. */
		char t[48];

		snprintf(t, sizeof(t), "2000-01-01T00:00:00%s", off);
		if (pr_time_parse(t, &e, &r->utc_offset)) {
			pr_seterr(err, PR_EINVAL, "region.utc_offset: must "
			    "be like \"+07:00\"");
			goto fail;
		}
	}
	if (region_parse_defaults(r, root, err) ||
	    region_parse_profiles(r, root, err) ||
	    region_parse_districts(r, root, err))
		goto fail;
	/* Each table is sorted as soon as it is complete: later sections
	 * look names up in it. */
	region_sort(r, REGION_PROFILES);
	region_sort(r, REGION_DISTRICTS);

	if ((a = field_array(root, "communes", 1, err, &rc)) == NULL)
		goto fail;
	r->communes = xcalloc(json_array_size(a), sizeof(*r->communes));
	office = xcalloc(json_array_size(a) + 1, sizeof(*office));
	if (region_parse_communes(r, root, office, err))
		goto fail;
	region_sort(r, REGION_COMMUNES);

	if ((a = field_array(root, "destinations", 1, err, &rc)) == NULL)
		goto fail;
	r->destinations = xcalloc(json_array_size(a),
	    sizeof(*r->destinations));
	if (region_parse_destinations(r, root, err))
		goto fail;
	region_sort(r, REGION_DESTINATIONS);

	if ((a = field_array(root, "offices", 1, err, &rc)) == NULL)
		goto fail;
	if (json_array_size(a) == 0) {
		pr_seterr(err, PR_EINVAL, "offices: must not be empty");
		goto fail;
	}
	r->offices = xcalloc(json_array_size(a), sizeof(*r->offices));
	json_array_foreach(a, i, o) {
		snprintf(path, sizeof(path), "offices[%zu]", i);
		if (region_parse_office(r, o, path, &r->offices[i], err))
			goto fail;
		if (region_repeated(r, REGION_OFFICES, (int)i)) {
			pr_seterr(err, PR_EINVAL, "%s.id: \"%s\" repeated",
			    path, r->offices[i].id);
			goto fail;
		}
		r->n_offices = (int)i + 1;
	}
	region_sort(r, REGION_OFFICES);

	/* Each commune's own office: named, else the commune-level office
	 * standing in it, else the nearest office. */
	for (int c = 0; c < r->n_communes; c++) {
		struct pr_commune *cm = &r->communes[c];

		if (office[c][0] != '\0') {
			if ((cm->office = pr_region_office(r, office[c])) < 0) {
				pr_seterr(err, PR_EINVAL, "communes[%d]."
				    "office: unknown office \"%s\"", c,
				    office[c]);
				goto fail;
			}
			continue;
		}
		for (int k = 0; k < r->n_offices && cm->office < 0; k++)
			if (r->offices[k].commune == c &&
			    r->offices[k].level == PR_OFFICE_COMMUNE)
				cm->office = k;
		if (cm->office < 0) {
			double best = INFINITY;

			for (int k = 0; k < r->n_offices; k++) {
				double dd = pr_haversine_m(cm->lon, cm->lat,
				    r->offices[k].lon, r->offices[k].lat);

				if (dd < best) {
					best = dd;
					cm->office = k;
				}
			}
		}
	}

	if (field_str(root, "hub", "region", 1, hub, sizeof(hub), err))
		goto fail;
	if ((r->hub = pr_region_office(r, hub)) < 0) {
		pr_seterr(err, PR_EINVAL, "region.hub: unknown office \"%s\"",
		    hub);
		goto fail;
	}
	free(office);
	json_decref(root);
	*out = r;
	return 0;
fail:
	free(office);
	json_decref(root);
	pr_region_free(r);
	return PR_EINVAL;
}

void
pr_region_free(struct pr_region *r)
{
	if (r == NULL)
		return;
	free(r->districts);
	free(r->communes);
	free(r->destinations);
	free(r->offices);
	if (r->index != NULL)
		for (int t = 0; t < REGION_NTABLES; t++)
			free(r->index->sorted[t]);
	free(r->index);
	free(r);
}
