/* domain.c: regions, order events, orders, the latest pickup rule and per-office problems. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "postroute/domain.h"

/*
 * The rules implemented here are written out in docs/domain.md and the
 * event format in docs/events.md; keep the three in step.
 *
 * Instants are int64_t epoch seconds; a region's times of day are seconds
 * after local midnight. A departure "instance" is a departure time of day
 * on a given local date.
 */

#define DAY 86400
#define DOMAIN_SEARCH_DAYS 8     /* how far ahead departures are looked for */

/* ---- small helpers ------------------------------------------------------- */

static int64_t
domain_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* The epoch of the local midnight that starts t's local date. */
static int64_t
domain_midnight(const struct pr_region *r, int64_t t)
{
	int64_t l = t + r->utc_offset;

	return domain_floor_div(l, DAY) * DAY - r->utc_offset;
}

static int64_t
domain_min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t
domain_max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* ---- time ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
domain_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
domain_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
domain_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* Reads exactly n digits. */
static int
domain_digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

static int
domain_date(const char **sp, int *y, int *m, int *d)
{
	const char *s = *sp;

	if (domain_digits(&s, 4, y) || *s++ != '-' || domain_digits(&s, 2, m) ||
	    *s++ != '-' || domain_digits(&s, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > domain_days_in_month(*y, *m))
		return -1;
	*sp = s;
	return 0;
}

int
pr_time_parse(const char *s, int64_t *epoch, int *utc_offset)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;

	if (s == NULL || domain_date(&s, &y, &mo, &d))
		return PR_EINVAL;
	if ((*s != 'T' && *s != ' ') || (s++, domain_digits(&s, 2, &h)) ||
	    *s++ != ':' || domain_digits(&s, 2, &mi))
		return PR_EINVAL;
	if (*s == ':') {
		s++;
		if (domain_digits(&s, 2, &sec))
			return PR_EINVAL;
		if (*s == '.' || *s == ',') {
			s++;
			if (!isdigit((unsigned char)*s))
				return PR_EINVAL;
			while (isdigit((unsigned char)*s))
				s++;   /* fractions dropped: seconds suffice */
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return PR_EINVAL;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (domain_digits(&s, 2, &oh))
			return PR_EINVAL;
		if (*s == ':')
			s++;
		if (domain_digits(&s, 2, &om))
			return PR_EINVAL;
		if (oh > 14 || om > 59)
			return PR_EINVAL;
	} else {
		return PR_EINVAL;  /* an offset is required */
	}
	if (*s != '\0')
		return PR_EINVAL;
	if (sec == 60)
		sec = 59;   /* a leap second counts as its predecessor */
	{
		int off = sign * (oh * 3600 + om * 60);

		*epoch = domain_days_from_civil(y, mo, d) * DAY + h * 3600 +
		    mi * 60 + sec - off;
		if (utc_offset != NULL)
			*utc_offset = off;
	}
	return 0;
}

void
pr_time_format(int64_t epoch, int utc_offset, char *buf, size_t n)
{
	int64_t l = epoch + utc_offset;
	int64_t days = domain_floor_div(l, DAY), sod = l - days * DAY;
	int y, m, d, off = utc_offset < 0 ? -utc_offset : utc_offset;

	domain_civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
	    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
	    utc_offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
}

int
pr_date_parse(const char *s, int utc_offset, int64_t *day_start)
{
	int y, m, d;

	if (s == NULL || domain_date(&s, &y, &m, &d) || *s != '\0')
		return PR_EINVAL;
	*day_start = domain_days_from_civil(y, m, d) * DAY - utc_offset;
	return 0;
}

/* "HH:MM" or "HH:MM:SS" as seconds after midnight; "24:00" allowed. */
int64_t
pr_day_start(const struct pr_region *r, int64_t t)
{
	return domain_midnight(r, t);
}

static int
domain_hhmm(const char *s, int *out)
{
	int h, m, sec = 0;

	if (domain_digits(&s, 2, &h) || *s++ != ':' || domain_digits(&s, 2, &m))
		return -1;
	if (*s == ':') {
		s++;
		if (domain_digits(&s, 2, &sec))
			return -1;
	}
	if (*s != '\0' || m > 59 || sec > 59 || h > 24 ||
	    (h == 24 && (m || sec)))
		return -1;
	*out = h * 3600 + m * 60 + sec;
	return 0;
}

/* ---- region JSON --------------------------------------------------------- */

/* Field readers: path is the JSON path of obj, used in messages. */
static int
domain_num(json_t *obj, const char *key, const char *path, int required,
    double lo, double hi, double *out, struct pr_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		if (required)
			return pr_seterr(err, PR_EINVAL, "%s.%s: missing",
			    path, key);
		return 0;
	}
	if (!json_is_number(v))
		return pr_seterr(err, PR_EINVAL, "%s.%s: must be a number",
		    path, key);
	*out = json_number_value(v);
	if (!(*out >= lo && *out <= hi))
		return pr_seterr(err, PR_EINVAL, "%s.%s: %g is outside "
		    "[%g, %g]", path, key, *out, lo, hi);
	return 0;
}

static int
domain_str(json_t *obj, const char *key, const char *path, int required,
    char *buf, size_t n, struct pr_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		if (required)
			return pr_seterr(err, PR_EINVAL, "%s.%s: missing",
			    path, key);
		return 0;
	}
	if (!json_is_string(v))
		return pr_seterr(err, PR_EINVAL, "%s.%s: must be a string",
		    path, key);
	if (json_string_length(v) == 0 && required)
		return pr_seterr(err, PR_EINVAL, "%s.%s: must not be empty",
		    path, key);
	if (json_string_length(v) >= n)
		return pr_seterr(err, PR_EINVAL, "%s.%s: longer than %zu "
		    "bytes", path, key, n - 1);
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
domain_tod(json_t *v, const char *path, int *out, struct pr_error *err)
{
	if (!json_is_string(v) || domain_hhmm(json_string_value(v), out))
		return pr_seterr(err, PR_EINVAL, "%s: must be a time of day "
		    "\"HH:MM\"", path);
	return 0;
}

static int
domain_point(json_t *obj, const char *key, const char *path, int required,
    double *lon, double *lat, struct pr_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		if (required)
			return pr_seterr(err, PR_EINVAL, "%s.%s: missing",
			    path, key);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) != 2 ||
	    !json_is_number(json_array_get(v, 0)) ||
	    !json_is_number(json_array_get(v, 1)))
		return pr_seterr(err, PR_EINVAL, "%s.%s: must be [lon, lat]",
		    path, key);
	*lon = json_number_value(json_array_get(v, 0));
	*lat = json_number_value(json_array_get(v, 1));
	if (!(*lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90))
		return pr_seterr(err, PR_EINVAL, "%s.%s: [%g, %g] is not a "
		    "[lon, lat] pair", path, key, *lon, *lat);
	return 0;
}

static json_t *
domain_array(json_t *root, const char *key, int required,
    struct pr_error *err, int *rc)
{
	json_t *v = json_object_get(root, key);

	*rc = 0;
	if (v == NULL) {
		if (required)
			*rc = pr_seterr(err, PR_EINVAL, "%s: missing", key);
		return NULL;
	}
	if (!json_is_array(v)) {
		*rc = pr_seterr(err, PR_EINVAL, "%s: must be an array", key);
		return NULL;
	}
	return v;
}

static int
domain_int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int
domain_dep_cmp(const void *a, const void *b)
{
	const struct pr_departure *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

static int
domain_parse_defaults(struct pr_region *r, json_t *root,
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
	if (domain_num(d, "circuity", "defaults", 0, 1.0, 5.0, &v, err))
		return PR_EINVAL;
	r->circuity = v;
	v = r->service_s / 60;
	if (domain_num(d, "service_min", "defaults", 0, 0, 240, &v, err))
		return PR_EINVAL;
	r->service_s = v * 60;
	v = r->radius_m / 1000;
	if (domain_num(d, "radius_km", "defaults", 0, 0, 500, &v, err))
		return PR_EINVAL;
	r->radius_m = v * 1000;
	v = r->max_trip_s / 3600;
	if (domain_num(d, "max_trip_h", "defaults", 0, 0.25, 24, &v, err))
		return PR_EINVAL;
	r->max_trip_s = v * 3600;
	v = r->perishable_hold_s / 3600;
	if (domain_num(d, "perishable_hold_h", "defaults", 0, 0, 96, &v, err))
		return PR_EINVAL;
	r->perishable_hold_s = v * 3600;
	v = r->move_penalty_s / 60;
	if (domain_num(d, "move_penalty_min", "defaults", 0, 0, 1440, &v, err))
		return PR_EINVAL;
	r->move_penalty_s = v * 60;
	v = r->late_penalty_s / 60;
	if (domain_num(d, "late_penalty_min", "defaults", 0, 0, 100000, &v,
	    err))
		return PR_EINVAL;
	r->late_penalty_s = v * 60;
	v = r->stops_per_trip;
	if (domain_num(d, "stops_per_trip", "defaults", 0, 1, 1000, &v, err))
		return PR_EINVAL;
	r->stops_per_trip = v;
	v = r->utilisation;
	if (domain_num(d, "utilisation", "defaults", 0, 0.05, 1, &v, err))
		return PR_EINVAL;
	r->utilisation = v;
	v = r->hub_sort_s / 60;
	if (domain_num(d, "hub_sort_min", "defaults", 0, 0, 1440, &v, err))
		return PR_EINVAL;
	r->hub_sort_s = v * 60;
	return 0;
}

static int
domain_parse_profiles(struct pr_region *r, json_t *root, struct pr_error *err)
{
	int rc;
	json_t *a = domain_array(root, "profiles", 1, err, &rc), *o;
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
		if (domain_str(o, "name", path, 1, pf->name, sizeof(pf->name),
		    err) ||
		    domain_num(o, "speed_kmh", path, 1, 1, 200, &pf->speed_kmh,
		    err) ||
		    domain_num(o, "capacity_kg", path, 1, 0.1, 100000, &cap,
		    err) ||
		    domain_num(o, "cost_per_km", path, 0, 0, 1e9,
		    &pf->cost_per_km, err) ||
		    domain_num(o, "fixed_cost", path, 0, 0, 1e12,
		    &pf->fixed_cost, err))
			return PR_EINVAL;
		pf->capacity_g = llround(cap * 1000);
		for (size_t k = 0; k < i; k++)
			if (strcmp(r->profiles[k].name, pf->name) == 0)
				return pr_seterr(err, PR_EINVAL, "%s.name: "
				    "\"%s\" repeated", path, pf->name);
		r->n_profiles = (int)i + 1;
	}
	return 0;
}

static int
domain_parse_districts(struct pr_region *r, json_t *root,
    struct pr_error *err)
{
	int rc;
	json_t *a = domain_array(root, "districts", 0, err, &rc), *o;
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
		if (domain_str(o, "code", path, 1, d->code, sizeof(d->code),
		    err) ||
		    domain_str(o, "name", path, 0, d->name, sizeof(d->name),
		    err) ||
		    domain_num(o, "circuity", path, 0, 1.0, 5.0, &d->circuity,
		    err))
			return PR_EINVAL;
		r->n_districts = (int)i + 1;
	}
	return 0;
}

static int
domain_find_district(const struct pr_region *r, const char *code)
{
	for (int i = 0; i < r->n_districts; i++)
		if (strcmp(r->districts[i].code, code) == 0)
			return i;
	return -1;
}

static int
domain_parse_communes(struct pr_region *r, json_t *root,
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
		if (domain_str(o, "code", path, 1, c->code, sizeof(c->code),
		    err) ||
		    domain_str(o, "name", path, 0, c->name, sizeof(c->name),
		    err) ||
		    domain_str(o, "district", path, 0, dcode, sizeof(dcode),
		    err) ||
		    domain_point(o, "point", path, 1, &c->lon, &c->lat, err) ||
		    domain_num(o, "area_km2", path, 0, 0, 1e6, &c->area_km2,
		    err) ||
		    domain_num(o, "population", path, 0, 0, 1e9,
		    &c->population, err) ||
		    domain_str(o, "office", path, 0, office[i], PR_MAX_ID, err))
			return PR_EINVAL;
		c->area_lon = c->lon;
		c->area_lat = c->lat;
		if (domain_point(o, "area_point", path, 0, &c->area_lon,
		    &c->area_lat, err))
			return PR_EINVAL;
		c->district = -1;
		if (dcode[0] != '\0' &&
		    (c->district = domain_find_district(r, dcode)) < 0)
			return pr_seterr(err, PR_EINVAL, "%s.district: unknown "
			    "district \"%s\"", path, dcode);
		for (size_t k = 0; k < i; k++)
			if (strcmp(r->communes[k].code, c->code) == 0)
				return pr_seterr(err, PR_EINVAL, "%s.code: "
				    "\"%s\" repeated", path, c->code);
		c->office = -1;
		r->n_communes = (int)i + 1;
	}
	return 0;
}

static int
domain_parse_destinations(struct pr_region *r, json_t *root,
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
		if (domain_str(o, "id", path, 1, d->id, sizeof(d->id), err) ||
		    domain_str(o, "name", path, 0, d->name, sizeof(d->name),
		    err))
			return PR_EINVAL;
		h = 0;
		if (domain_num(o, "transit_h", path, 1, 0, 240, &h, err))
			return PR_EINVAL;
		d->transit_s = h * 3600;
		h = 0;
		if (domain_num(o, "sort_h", path, 0, 0, 48, &h, err))
			return PR_EINVAL;
		d->sort_s = h * 3600;
		h = 0;
		if (domain_num(o, "last_mile_h", path, 0, 0, 72, &h, err))
			return PR_EINVAL;
		d->last_mile_s = h * 3600;
		d->deliver_from = 0;
		d->deliver_to = DAY;
		if ((v = json_object_get(o, "delivery_window")) != NULL) {
			snprintf(sub, sizeof(sub), "%s.delivery_window", path);
			if (!json_is_array(v) || json_array_size(v) != 2)
				return pr_seterr(err, PR_EINVAL, "%s: must be "
				    "[\"HH:MM\", \"HH:MM\"]", sub);
			if (domain_tod(json_array_get(v, 0), sub,
			    &d->deliver_from, err) ||
			    domain_tod(json_array_get(v, 1), sub,
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
			if (domain_tod(o, sub, &d->departures[k], err))
				return PR_EINVAL;
			if (d->departures[k] >= DAY)
				return pr_seterr(err, PR_EINVAL, "%s: must be "
				    "before 24:00", sub);
			d->n_departures = (int)k + 1;
		}
		qsort(d->departures, (size_t)d->n_departures, sizeof(int),
		    domain_int_cmp);
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->destinations[j].id, d->id) == 0)
				return pr_seterr(err, PR_EINVAL, "%s.id: "
				    "\"%s\" repeated", path, d->id);
		r->n_destinations = (int)i + 1;
	}
	return 0;
}

static int
domain_parse_office(struct pr_region *r, json_t *o, const char *path,
    struct pr_office *of, struct pr_error *err)
{
	json_t *v, *e;
	char code[PR_CODE_LEN] = "", level[16] = "commune", sub[128];
	const char *key;
	size_t k;

	if (!json_is_object(o))
		return pr_seterr(err, PR_EINVAL, "%s: must be an object", path);
	if (domain_str(o, "id", path, 1, of->id, sizeof(of->id), err) ||
	    domain_str(o, "name", path, 0, of->name, sizeof(of->name), err) ||
	    domain_str(o, "level", path, 0, level, sizeof(level), err) ||
	    domain_str(o, "commune", path, 1, code, sizeof(code), err))
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
	if (domain_point(o, "point", path, 0, &of->lon, &of->lat, err))
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
		if (domain_tod(json_array_get(v, 0), sub, &of->shift_start,
		    err) ||
		    domain_tod(json_array_get(v, 1), sub, &of->shift_end, err))
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
			if (domain_tod(json_object_get(e, "depart"), dsub,
			    &dp->time, err))
				return PR_EINVAL;
		}
		if (dp->time >= DAY)
			return pr_seterr(err, PR_EINVAL, "%s.depart: must be "
			    "before 24:00", sub);
		if (domain_num(e, "cutoff_min", sub, 0, 0, 720, &cut, err) ||
		    domain_num(e, "hub_h", sub, 1, 0, 72, &hub, err))
			return PR_EINVAL;
		dp->cutoff = (int)lround(cut * 60);
		dp->hub_s = hub * 3600;
		of->n_departures = (int)k + 1;
	}
	qsort(of->departures, (size_t)of->n_departures, sizeof(*of->departures),
	    domain_dep_cmp);
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
	if (!json_is_object(root)) {
		pr_seterr(err, PR_EINVAL, "region: must be a JSON object");
		goto fail;
	}
	if (domain_str(root, "region", "region", 1, r->name, sizeof(r->name),
	    err) ||
	    domain_str(root, "utc_offset", "region", 0, off, sizeof(off), err))
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
	if (domain_parse_defaults(r, root, err) ||
	    domain_parse_profiles(r, root, err) ||
	    domain_parse_districts(r, root, err))
		goto fail;

	if ((a = domain_array(root, "communes", 1, err, &rc)) == NULL)
		goto fail;
	r->communes = xcalloc(json_array_size(a), sizeof(*r->communes));
	office = xcalloc(json_array_size(a) + 1, sizeof(*office));
	if (domain_parse_communes(r, root, office, err))
		goto fail;

	if ((a = domain_array(root, "destinations", 1, err, &rc)) == NULL)
		goto fail;
	r->destinations = xcalloc(json_array_size(a),
	    sizeof(*r->destinations));
	if (domain_parse_destinations(r, root, err))
		goto fail;

	if ((a = domain_array(root, "offices", 1, err, &rc)) == NULL)
		goto fail;
	if (json_array_size(a) == 0) {
		pr_seterr(err, PR_EINVAL, "offices: must not be empty");
		goto fail;
	}
	r->offices = xcalloc(json_array_size(a), sizeof(*r->offices));
	json_array_foreach(a, i, o) {
		snprintf(path, sizeof(path), "offices[%zu]", i);
		if (domain_parse_office(r, o, path, &r->offices[i], err))
			goto fail;
		for (size_t k = 0; k < i; k++)
			if (strcmp(r->offices[k].id, r->offices[i].id) == 0) {
				pr_seterr(err, PR_EINVAL, "%s.id: \"%s\" "
				    "repeated", path, r->offices[i].id);
				goto fail;
			}
		r->n_offices = (int)i + 1;
	}

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

	if (domain_str(root, "hub", "region", 1, hub, sizeof(hub), err))
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
	free(r);
}

int
pr_region_commune(const struct pr_region *r, const char *code)
{
	for (int i = 0; i < r->n_communes; i++)
		if (strcmp(r->communes[i].code, code) == 0)
			return i;
	return -1;
}

int
pr_region_office(const struct pr_region *r, const char *id)
{
	for (int i = 0; i < r->n_offices; i++)
		if (strcmp(r->offices[i].id, id) == 0)
			return i;
	return -1;
}

int
pr_region_destination(const struct pr_region *r, const char *id)
{
	for (int i = 0; i < r->n_destinations; i++)
		if (strcmp(r->destinations[i].id, id) == 0)
			return i;
	return -1;
}

int
pr_region_profile(const struct pr_region *r, const char *name)
{
	for (int i = 0; i < r->n_profiles; i++)
		if (strcmp(r->profiles[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- events -------------------------------------------------------------- */

static const char *const domain_event_names[] = {
	"order.created", "order.updated", "order.cancelled",
	"pickup.completed", "pickup.failed"
};

const char *
pr_event_type_name(enum pr_event_type t)
{
	if ((int)t < 0 || (int)t > PR_EV_PICKUP_FAILED)
		return "unknown";
	return domain_event_names[t];
}

static int
domain_ev_time(json_t *obj, const char *key, const char *path, int required,
    int64_t *out, int *offset, struct pr_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		if (required)
			return pr_seterr(err, PR_EINVAL, "%s%s: missing", path,
			    key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > 40 ||
	    pr_time_parse(json_string_value(v), out, offset))
		return pr_seterr(err, PR_EINVAL, "%s%s: must be an ISO 8601 "
		    "time with an offset, like \"2026-08-20T09:15:00+07:00\"",
		    path, key);
	return 0;
}

static int
domain_ev_order_fields(json_t *root, struct pr_event *ev,
    struct pr_error *err)
{
	json_t *v;
	double w;

	if (domain_str(root, "commune", "event", 1, ev->commune,
	    sizeof(ev->commune), err))
		return PR_EINVAL;
	if (strlen(ev->commune) != 5 ||
	    strspn(ev->commune, "0123456789") != 5)
		return pr_seterr(err, PR_EINVAL, "event.commune: must be a "
		    "5-digit GSO code");
	if ((v = json_object_get(root, "location")) != NULL) {
		if (domain_point(root, "location", "event", 1, &ev->lon,
		    &ev->lat, err))
			return PR_EINVAL;
		ev->has_location = 1;
	}
	if ((v = json_object_get(root, "weight_kg")) == NULL)
		return pr_seterr(err, PR_EINVAL, "event.weight_kg: missing");
	if (!json_is_number(v))
		return pr_seterr(err, PR_EINVAL, "event.weight_kg: must be a "
		    "number");
	w = json_number_value(v);
	if (!(w > 0 && w <= PR_MAX_WEIGHT_KG))
		return pr_seterr(err, PR_EINVAL, "event.weight_kg: %g is "
		    "outside (0, %g]", w, PR_MAX_WEIGHT_KG);
	ev->weight_kg = w;
	if ((v = json_object_get(root, "perishable")) != NULL) {
		if (!json_is_boolean(v))
			return pr_seterr(err, PR_EINVAL, "event.perishable: "
			    "must be true or false");
		ev->perishable = json_is_true(v);
	}
	if ((v = json_object_get(root, "promise_hours")) == NULL)
		return pr_seterr(err, PR_EINVAL, "event.promise_hours: "
		    "missing");
	if (!json_is_integer(v) || (json_integer_value(v) != 24 &&
	    json_integer_value(v) != 48))
		return pr_seterr(err, PR_EINVAL, "event.promise_hours: must be "
		    "24 or 48");
	ev->promise_hours = (int)json_integer_value(v);
	ev->placed_at = ev->ts;
	if (domain_ev_time(root, "placed_at", "event.", 0, &ev->placed_at,
	    NULL, err))
		return PR_EINVAL;
	ev->ready_from = ev->placed_at;
	ev->ready_to = INT64_MAX;
	if ((v = json_object_get(root, "ready")) != NULL) {
		if (!json_is_object(v))
			return pr_seterr(err, PR_EINVAL, "event.ready: must be "
			    "an object {\"from\": ..., \"to\": ...}");
		if (domain_ev_time(v, "from", "event.ready.", 1,
		    &ev->ready_from, NULL, err) ||
		    domain_ev_time(v, "to", "event.ready.", 0, &ev->ready_to,
		    NULL, err))
			return PR_EINVAL;
		if (ev->ready_to < ev->ready_from)
			return pr_seterr(err, PR_EINVAL, "event.ready.to: "
			    "before ready.from");
	}
	if (domain_str(root, "destination", "event", 1, ev->destination,
	    sizeof(ev->destination), err))
		return PR_EINVAL;
	pr_strlcpy(ev->product, "parcel", sizeof(ev->product));
	if (domain_str(root, "product", "event", 0, ev->product,
	    sizeof(ev->product), err))
		return PR_EINVAL;
	return 0;
}

/*
 * The deepest nesting of [ and { outside strings. An event is at most
 * three levels deep (the object, "ready", "location"); jansson builds
 * every level of a "[[[[..." before it gives up at 2048, which made such
 * entries the slowest to dead-letter.
 */
#define PR_EVENT_MAX_DEPTH 8

static int
domain_json_depth(const char *s, size_t len, int limit)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > limit)
				return depth;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return depth < 0 ? 0 : depth;
}

int
pr_event_parse(const char *json, size_t len, struct pr_event *ev,
    struct pr_error *err)
{
	json_error_t je;
	json_t *root;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->ready_to = INT64_MAX;
	if (len > PR_EVENT_MAX_BYTES)
		return pr_seterr(err, PR_EINVAL, "event: %zu bytes, more than "
		    "%d", len, PR_EVENT_MAX_BYTES);
	if (domain_json_depth(json, len, PR_EVENT_MAX_DEPTH) >
	    PR_EVENT_MAX_DEPTH)
		return pr_seterr(err, PR_EINVAL, "event: nested deeper than %d "
		    "levels", PR_EVENT_MAX_DEPTH);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return pr_seterr(err, PR_EINVAL, "event: not JSON: %s "
		    "(column %d)", je.text, je.column);
	rc = domain_event_from_json(root, ev, err);
	json_decref(root);
	return rc;
}

int
domain_event_from_json(json_t *root, struct pr_event *ev,
    struct pr_error *err)
{
	json_t *v;
	char type[32];
	int rc = PR_EINVAL;

	memset(ev, 0, sizeof(*ev));
	ev->ready_to = INT64_MAX;
	if (!json_is_object(root)) {
		pr_seterr(err, PR_EINVAL, "event: must be a JSON object");
		goto out;
	}
	if (domain_str(root, "type", "event", 1, type, sizeof(type), err))
		goto out;
	for (int t = 0; t <= PR_EV_PICKUP_FAILED; t++)
		if (strcmp(type, domain_event_names[t]) == 0) {
			ev->type = (enum pr_event_type)t;
			rc = 0;
		}
	if (rc != 0) {
		pr_seterr(err, PR_EINVAL, "event.type: unknown type \"%s\"",
		    type);
		goto out;
	}
	rc = PR_EINVAL;
	if (domain_str(root, "event_id", "event", 1, ev->event_id,
	    sizeof(ev->event_id), err) ||
	    domain_str(root, "order_id", "event", 1, ev->order_id,
	    sizeof(ev->order_id), err))
		goto out;
	if ((v = json_object_get(root, "version")) == NULL) {
		pr_seterr(err, PR_EINVAL, "event.version: missing");
		goto out;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		pr_seterr(err, PR_EINVAL, "event.version: must be an integer "
		    ">= 1");
		goto out;
	}
	ev->version = json_integer_value(v);
	if (domain_ev_time(root, "ts", "event.", 1, &ev->ts, &ev->ts_offset,
	    err))
		goto out;
	switch (ev->type) {
	case PR_EV_ORDER_CREATED:
	case PR_EV_ORDER_UPDATED:
		if (domain_ev_order_fields(root, ev, err))
			goto out;
		break;
	case PR_EV_ORDER_CANCELLED:
		if (domain_str(root, "reason", "event", 0, ev->reason,
		    sizeof(ev->reason), err))
			goto out;
		break;
	case PR_EV_PICKUP_COMPLETED:
	case PR_EV_PICKUP_FAILED:
		if (domain_str(root, "office", "event", 0, ev->office,
		    sizeof(ev->office), err) ||
		    domain_str(root, "vehicle", "event", 0, ev->vehicle,
		    sizeof(ev->vehicle), err) ||
		    domain_str(root, "reason", "event", 0, ev->reason,
		    sizeof(ev->reason), err))
			goto out;
		if (ev->type == PR_EV_PICKUP_FAILED && ev->reason[0] == '\0')
			pr_strlcpy(ev->reason, "unspecified",
			    sizeof(ev->reason));
		break;
	}
	rc = 0;
out:
	return rc;
}

static json_t *
domain_json_time(int64_t t, int offset)
{
	char buf[40];

	pr_time_format(t, offset, buf, sizeof(buf));
	return json_string(buf);
}

/* Rounds so that the printed number is short and stable. */
static json_t *
domain_json_real(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

char *
pr_event_to_json(const struct pr_event *ev)
{
	json_t *o = domain_event_json(ev);
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	json_decref(o);
	return s;
}

json_t *
domain_event_json(const struct pr_event *ev)
{
	json_t *o = json_object(), *a;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "type",
	    json_string(pr_event_type_name(ev->type)));
	json_object_set_new(o, "event_id", json_string(ev->event_id));
	json_object_set_new(o, "order_id", json_string(ev->order_id));
	json_object_set_new(o, "version", json_integer(ev->version));
	json_object_set_new(o, "ts", domain_json_time(ev->ts, ev->ts_offset));
	switch (ev->type) {
	case PR_EV_ORDER_CREATED:
	case PR_EV_ORDER_UPDATED:
		json_object_set_new(o, "commune", json_string(ev->commune));
		if (ev->has_location) {
			a = json_array();
			json_array_append_new(a,
			    domain_json_real(ev->lon, 1e6));
			json_array_append_new(a,
			    domain_json_real(ev->lat, 1e6));
			json_object_set_new(o, "location", a);
		}
		json_object_set_new(o, "weight_kg",
		    domain_json_real(ev->weight_kg, 1e3));
		json_object_set_new(o, "perishable",
		    json_boolean(ev->perishable));
		json_object_set_new(o, "promise_hours",
		    json_integer(ev->promise_hours));
		if (ev->placed_at != ev->ts)
			json_object_set_new(o, "placed_at",
			    domain_json_time(ev->placed_at, ev->ts_offset));
		a = json_object();
		json_object_set_new(a, "from",
		    domain_json_time(ev->ready_from, ev->ts_offset));
		if (ev->ready_to != INT64_MAX)
			json_object_set_new(a, "to",
			    domain_json_time(ev->ready_to, ev->ts_offset));
		json_object_set_new(o, "ready", a);
		json_object_set_new(o, "destination",
		    json_string(ev->destination));
		json_object_set_new(o, "product", json_string(ev->product));
		break;
	case PR_EV_ORDER_CANCELLED:
		if (ev->reason[0] != '\0')
			json_object_set_new(o, "reason",
			    json_string(ev->reason));
		break;
	case PR_EV_PICKUP_COMPLETED:
	case PR_EV_PICKUP_FAILED:
		if (ev->office[0] != '\0')
			json_object_set_new(o, "office",
			    json_string(ev->office));
		if (ev->vehicle[0] != '\0')
			json_object_set_new(o, "vehicle",
			    json_string(ev->vehicle));
		if (ev->reason[0] != '\0')
			json_object_set_new(o, "reason",
			    json_string(ev->reason));
		break;
	}
	return o;
}

/* ---- orders -------------------------------------------------------------- */

int
pr_order_from_event(const struct pr_region *r, const struct pr_event *ev,
    struct pr_order *o, struct pr_error *err)
{
	int c, d;

	if (ev->type != PR_EV_ORDER_CREATED && ev->type != PR_EV_ORDER_UPDATED)
		return pr_seterr(err, PR_EINVAL, "event.type: %s does not "
		    "describe an order", pr_event_type_name(ev->type));
	if ((c = pr_region_commune(r, ev->commune)) < 0)
		return pr_seterr(err, PR_EINVAL, "event.commune: unknown "
		    "commune \"%s\" in region %s", ev->commune, r->name);
	if ((d = pr_region_destination(r, ev->destination)) < 0)
		return pr_seterr(err, PR_EINVAL, "event.destination: unknown "
		    "destination \"%s\"", ev->destination);
	memset(o, 0, sizeof(*o));
	pr_strlcpy(o->id, ev->order_id, sizeof(o->id));
	o->version = ev->version;
	o->state = PR_ORDER_OPEN;
	o->commune = c;
	o->has_location = ev->has_location;
	o->lon = ev->has_location ? ev->lon : r->communes[c].lon;
	o->lat = ev->has_location ? ev->lat : r->communes[c].lat;
	o->weight_g = llround(ev->weight_kg * 1000);
	o->perishable = ev->perishable;
	o->promise_h = ev->promise_hours;
	o->placed = ev->placed_at;
	o->ready_from = ev->ready_from;
	o->ready_to = ev->ready_to;
	o->destination = d;
	pr_strlcpy(o->product, ev->product, sizeof(o->product));
	return 0;
}

int
pr_event_from_order(const struct pr_region *r, const struct pr_order *o,
    struct pr_event *ev, struct pr_error *err)
{
	if (o->commune < 0 || o->commune >= r->n_communes ||
	    o->destination < 0 || o->destination >= r->n_destinations)
		return pr_seterr(err, PR_EINVAL, "order %s: no commune or "
		    "destination (a tombstone)", o->id);
	memset(ev, 0, sizeof(*ev));
	ev->type = PR_EV_ORDER_CREATED;
	pr_strlcpy(ev->event_id, "state", sizeof(ev->event_id));
	pr_strlcpy(ev->order_id, o->id, sizeof(ev->order_id));
	ev->version = o->version;
	ev->ts = o->placed;
	ev->ts_offset = r->utc_offset;
	pr_strlcpy(ev->commune, r->communes[o->commune].code,
	    sizeof(ev->commune));
	ev->has_location = o->has_location;
	ev->lon = o->lon;
	ev->lat = o->lat;
	ev->weight_kg = (double)o->weight_g / 1000.0;
	ev->perishable = o->perishable;
	ev->promise_hours = o->promise_h;
	ev->placed_at = o->placed;
	ev->ready_from = o->ready_from;
	ev->ready_to = o->ready_to;
	pr_strlcpy(ev->destination, r->destinations[o->destination].id,
	    sizeof(ev->destination));
	pr_strlcpy(ev->product, o->product, sizeof(ev->product));
	return 0;
}

void
pr_orderbook_init(struct pr_orderbook *ob)
{
	memset(ob, 0, sizeof(*ob));
}

void
pr_orderbook_clear(struct pr_orderbook *ob)
{
	free(ob->orders);
	free(ob->buckets);
	memset(ob, 0, sizeof(*ob));
}

static uint32_t
domain_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
domain_ob_rehash(struct pr_orderbook *ob)
{
	int nb = ob->nbuckets ? ob->nbuckets * 2 : 64;

	free(ob->buckets);
	ob->buckets = xmalloc((size_t)nb * sizeof(int));
	for (int i = 0; i < nb; i++)
		ob->buckets[i] = -1;
	ob->nbuckets = nb;
	for (int i = 0; i < ob->n; i++) {
		uint32_t h = domain_hash(ob->orders[i].id) & (uint32_t)(nb - 1);

		while (ob->buckets[h] >= 0)
			h = (h + 1) & (uint32_t)(nb - 1);
		ob->buckets[h] = i;
	}
}

int
pr_orderbook_find(const struct pr_orderbook *ob, const char *id)
{
	uint32_t h, mask;

	if (ob->nbuckets == 0)
		return -1;
	mask = (uint32_t)ob->nbuckets - 1;
	for (h = domain_hash(id) & mask; ob->buckets[h] >= 0;
	    h = (h + 1) & mask)
		if (strcmp(ob->orders[ob->buckets[h]].id, id) == 0)
			return ob->buckets[h];
	return -1;
}

static int
domain_ob_add(struct pr_orderbook *ob, const struct pr_order *o)
{
	uint32_t h, mask;

	if (ob->n == ob->cap) {
		ob->cap = ob->cap ? ob->cap * 2 : 64;
		ob->orders = xreallocarray(ob->orders, (size_t)ob->cap,
		    sizeof(*ob->orders));
	}
	ob->orders[ob->n] = *o;
	ob->n++;
	if (ob->n * 2 > ob->nbuckets) {
		domain_ob_rehash(ob);
		return ob->n - 1;
	}
	mask = (uint32_t)ob->nbuckets - 1;
	for (h = domain_hash(o->id) & mask; ob->buckets[h] >= 0;
	    h = (h + 1) & mask)
		;
	ob->buckets[h] = ob->n - 1;
	return ob->n - 1;
}

int
pr_orderbook_put(struct pr_orderbook *ob, const struct pr_order *o)
{
	int i = pr_orderbook_find(ob, o->id);

	if (i >= 0) {
		ob->orders[i] = *o;
		return i;
	}
	return domain_ob_add(ob, o);
}

int
pr_orderbook_apply(struct pr_orderbook *ob, const struct pr_region *r,
    const struct pr_event *ev, struct pr_error *err)
{
	int i = pr_orderbook_find(ob, ev->order_id);
	struct pr_order o, *cur = i >= 0 ? &ob->orders[i] : NULL;

	if (cur != NULL && ev->version <= cur->version)
		return 1;
	switch (ev->type) {
	case PR_EV_ORDER_CREATED:
	case PR_EV_ORDER_UPDATED:
		if (pr_order_from_event(r, ev, &o, err))
			return PR_EINVAL;
		if (cur != NULL) {
			o.failed_attempts = cur->failed_attempts;
			memcpy(o.last_failure, cur->last_failure,
			    sizeof(o.last_failure));
			*cur = o;
		} else {
			domain_ob_add(ob, &o);
		}
		return 0;
	case PR_EV_ORDER_CANCELLED:
		if (cur == NULL) {
			/* A tombstone, so that a late, older creation of
			 * the same order stays cancelled. */
			memset(&o, 0, sizeof(o));
			pr_strlcpy(o.id, ev->order_id, sizeof(o.id));
			o.commune = -1;
			o.destination = -1;
			o.version = ev->version;
			o.state = PR_ORDER_CANCELLED;
			domain_ob_add(ob, &o);
			return 0;
		}
		cur->state = PR_ORDER_CANCELLED;
		cur->version = ev->version;
		return 0;
	case PR_EV_PICKUP_COMPLETED:
	case PR_EV_PICKUP_FAILED:
		if (cur == NULL)
			return pr_seterr(err, PR_EINVAL, "event.order_id: "
			    "unknown order \"%s\"", ev->order_id);
		cur->version = ev->version;
		if (ev->type == PR_EV_PICKUP_COMPLETED) {
			cur->state = PR_ORDER_COMPLETED;
		} else {
			cur->failed_attempts++;
			pr_strlcpy(cur->last_failure, ev->reason,
			    sizeof(cur->last_failure));
		}
		return 0;
	}
	return pr_seterr(err, PR_EINVAL, "event.type: unknown");
}

/* ---- the latest pickup rule ---------------------------------------------- */

static const char *const domain_risk_names[PR_RISK_COUNT] = {
	"none", "no_linehaul_in_time", "no_linehaul", "no_capacity",
	"unreachable", "outside_service_area", "too_heavy", "ready_window",
	"not_planned", "planned_late"
};

const char *
pr_risk_name(int risk)
{
	if (risk < 0 || risk >= PR_RISK_COUNT)
		return "unknown";
	return domain_risk_names[risk];
}

/*
 * The solver's reasons (solve.c): capacity, time_window, shift,
 * max_travel_time, no_vehicle, priority. Every reason, known or not,
 * gives a risk other than none: a pickup that a plan leaves out is a
 * pickup that will not be collected in time.
 */
int
pr_risk_from_unassigned(const char *reason)
{
	if (reason != NULL && (strcmp(reason, "time_window") == 0 ||
	    strcmp(reason, "shift") == 0 ||
	    strcmp(reason, "max_travel_time") == 0))
		return PR_RISK_UNREACHABLE;
	/* capacity, no_vehicle, priority (left out by the search), and
	 * whatever a later solver may add */
	return PR_RISK_NO_CAPACITY;
}

/* Delivery of a parcel reaching the hub at hub_arr. */
static int64_t
domain_deliver(const struct pr_region *r, int dest, int64_t hub_arr)
{
	const struct pr_destination *d = &r->destinations[dest];
	int64_t t = hub_arr + (int64_t)llround(r->hub_sort_s), m, out, tod;
	int64_t h = -1;

	if (d->n_departures == 0)
		return -1;
	m = domain_midnight(r, t);
	for (int k = 0; k < 3 && h < 0; k++)
		for (int i = 0; i < d->n_departures; i++) {
			int64_t inst = m + (int64_t)k * DAY + d->departures[i];

			if (inst >= t) {
				h = inst;
				break;
			}
		}
	out = h + (int64_t)llround(d->transit_s + d->sort_s);
	m = domain_midnight(r, out);
	tod = out - m;
	if (tod < d->deliver_from)
		out = m + d->deliver_from;
	else if (tod > d->deliver_to)
		out = m + DAY + d->deliver_from;
	return out + (int64_t)llround(d->last_mile_s);
}

int64_t
pr_delivery_estimate(const struct pr_region *r, int office, int dest,
    int64_t departure)
{
	const struct pr_office *of = &r->offices[office];
	int64_t tod = departure - domain_midnight(r, departure);

	for (int i = 0; i < of->n_departures; i++)
		if (of->departures[i].time == tod)
			return domain_deliver(r, dest, departure +
			    (int64_t)llround(of->departures[i].hub_s));
	return -1;
}

int64_t
pr_next_departure(const struct pr_region *r, int office, int dest,
    int64_t at_office, int64_t *delivered)
{
	const struct pr_office *of = &r->offices[office];
	int64_t m = domain_midnight(r, at_office) - DAY;

	if (delivered != NULL)
		*delivered = -1;
	for (int k = 0; k <= DOMAIN_SEARCH_DAYS; k++)
		for (int i = 0; i < of->n_departures; i++) {
			const struct pr_departure *dp = &of->departures[i];
			int64_t dep = m + (int64_t)k * DAY + dp->time;

			if (dep - dp->cutoff < at_office)
				continue;
			if (delivered != NULL)
				*delivered = domain_deliver(r, dest, dep +
				    (int64_t)llround(dp->hub_s));
			return dep;
		}
	return -1;
}

/*
 * The earliest pickup start in [earliest, latest] that lies in a shift of
 * the office and leaves back_s to return before the shift ends; -1 when
 * none.
 */
static int64_t
domain_pickup_slot(const struct pr_region *r, const struct pr_office *of,
    int64_t earliest, int64_t latest, double back_s)
{
	int64_t back = (int64_t)ceil(back_s);

	if (latest < earliest)
		return -1;
	for (int64_t day = domain_midnight(r, earliest) - DAY; day <= latest;
	    day += DAY) {
		int64_t lo = domain_max64(earliest, day + of->shift_start);
		int64_t hi = domain_min64(latest, day + of->shift_end - back);

		if (lo <= hi)
			return lo;
	}
	return -1;
}

/* The last moment of the shift that contains or follows t, minus back. */
static int64_t
domain_shift_latest(const struct pr_region *r, const struct pr_office *of,
    int64_t t, double back_s)
{
	int64_t day = domain_midnight(r, t);
	int64_t back = (int64_t)ceil(back_s);

	if (t > day + of->shift_end - back)
		day += DAY;
	return day + of->shift_end - back;
}

struct domain_cand {
	int64_t dep, cutoff, latest, delivered;
};

/* d takes departure c. Perishable produce should not wait at the farm
 * (hold > 0): it is picked up within the hold after it is ready, but
 * never before the first departure it could make (floor) allows. */
static void
domain_take(struct pr_deadline *d, const struct domain_cand *c,
    const struct pr_order *o, double hold_s, int64_t floor)
{
	d->departure = c->dep;
	d->cutoff = c->cutoff;
	d->latest = c->latest;
	d->delivered = c->delivered;
	if (o->perishable && hold_s > 0) {
		int64_t hold = o->ready_from + (int64_t)llround(hold_s);

		d->latest = domain_min64(d->latest,
		    domain_max64(hold, floor));
	}
}

int
pr_latest_pickup(const struct pr_region *r, int office,
    const struct pr_order *o, double back_s, struct pr_deadline *d)
{
	const struct pr_office *of = &r->offices[office];
	struct domain_cand first = { -1, -1, -1, -1 }, best = first,
	    loose = first, same = first;
	int64_t m, back = (int64_t)ceil(back_s), span;
	int have_dest = o->destination >= 0 &&
	    r->destinations[o->destination].n_departures > 0;

	d->due = o->placed + (int64_t)o->promise_h * 3600;
	d->earliest = o->ready_from;
	d->departure = -1;
	d->delivered = -1;
	d->risk = PR_RISK_NONE;

	if (of->n_departures == 0 || !have_dest) {
		/* No line-haul: the parcel can only wait at the office.
		 * Pick it up within the first shift it fits in. */
		int64_t p = domain_pickup_slot(r, of, o->ready_from,
		    o->ready_from + DOMAIN_SEARCH_DAYS * DAY, back_s);

		if (p < 0)
			p = o->ready_from;
		d->latest = domain_shift_latest(r, of, p, back_s);
		d->cutoff = d->latest + back;
		d->risk = PR_RISK_NO_LINEHAUL;
		return d->risk;
	}

	span = ((int64_t)o->promise_h * 3600) / DAY + DOMAIN_SEARCH_DAYS;
	m = domain_midnight(r, o->ready_from) - DAY;
	for (int k = 0; k <= span; k++) {
		for (int i = 0; i < of->n_departures; i++) {
			const struct pr_departure *dp = &of->departures[i];
			int64_t dep = m + (int64_t)k * DAY + dp->time;
			int64_t cut = dep - dp->cutoff, lat = cut - back;
			int64_t lr = domain_min64(lat, o->ready_to), del;
			struct domain_cand c;

			if (lat < o->ready_from)
				continue;
			if (domain_pickup_slot(r, of, o->ready_from, lr,
			    back_s) < 0) {
				if (loose.dep < 0 && domain_pickup_slot(r, of,
				    o->ready_from, lat, back_s) >= 0) {
					loose.dep = dep;
					loose.cutoff = cut;
					loose.latest = lat;
					loose.delivered = domain_deliver(r,
					    o->destination, dep +
					    (int64_t)llround(dp->hub_s));
				}
				continue;
			}
			del = domain_deliver(r, o->destination,
			    dep + (int64_t)llround(dp->hub_s));
			c.dep = dep;
			c.cutoff = cut;
			c.latest = lr;
			c.delivered = del;
			if (first.dep < 0)
				first = c;
			if (del <= d->due)
				best = c;
			else if (best.dep < 0 && del <= first.delivered)
				same = c;   /* none in time: as early as the first */
			else
				goto done;  /* later departures deliver later */
		}
	}
done:
	if (best.dep >= 0) {
		domain_take(d, &best, o, r->perishable_hold_s, first.latest);
		return d->risk;
	}
	if (first.dep >= 0) {
		/* Late whatever happens: the latest departure that still
		 * delivers as early as the earliest one (the same estimate;
		 * an evening order to Hà Nội reaches its 19:30 truck from
		 * the morning or the afternoon departure alike), within the
		 * perishable hold. */
		domain_take(d, &same, o, r->perishable_hold_s, first.latest);
		d->risk = PR_RISK_NO_LINEHAUL_IN_TIME;
		return d->risk;
	}
	if (loose.dep >= 0) {
		/* Only possible after the ready window closes. */
		domain_take(d, &loose, o, 0, 0);
		d->risk = PR_RISK_READY_WINDOW;
		return d->risk;
	}
	/* Departures exist, but no shift leaves time to reach the
	 * household and come back. */
	d->latest = domain_shift_latest(r, of, o->ready_from, back_s);
	d->cutoff = d->latest + back;
	d->risk = PR_RISK_UNREACHABLE;
	return d->risk;
}

/* ---- per-office problems ------------------------------------------------- */

int
pr_office_trip_slots(const struct pr_region *r, int office, int *b, int max)
{
	const struct pr_office *of = &r->offices[office];
	int cuts[PR_DOM_MAX_DEPARTURES + 2], nc = 0, n = 0;

	if (max < 2)
		return 0;
	cuts[nc++] = of->shift_start;
	for (int i = 0; i < of->n_departures; i++) {
		int c = of->departures[i].time - of->departures[i].cutoff;

		if (c > of->shift_start && c < of->shift_end)
			cuts[nc++] = c;
	}
	cuts[nc++] = of->shift_end;
	qsort(cuts, (size_t)nc, sizeof(int), domain_int_cmp);
	b[n++] = cuts[0];
	for (int i = 1; i < nc; i++) {
		int len = cuts[i] - cuts[i - 1], k;

		if (len <= 0)
			continue;
		k = (int)ceil(len / r->max_trip_s - 1e-9);
		if (k < 1)
			k = 1;
		for (int j = 1; j <= k && n < max; j++)
			b[n++] = cuts[i - 1] + (int)((int64_t)len * j / k);
	}
	return n;
}

int
pr_office_fastest_profile(const struct pr_region *r, int office)
{
	int best = -1;

	for (int p = 0; p < r->n_profiles; p++)
		if (r->offices[office].fleet[p] > 0 && (best < 0 ||
		    r->profiles[p].speed_kmh > r->profiles[best].speed_kmh))
			best = p;
	return best;
}

/* Location g of a problem (an office of the group, or a pickup). */
struct domain_build {
	const struct pr_region *r;
	const struct pr_plan_params *pp;
	struct pr_office_problem *op;
	struct pr_problem *p;
	int n_off;
	const int *offices;
	int pmap[PR_DOM_MAX_PROFILES];
	int ncap;               /* vehicles allocated in the side arrays */
};

/* The fleet's vehicles of group office g for one trip slot [start, end]
 * (seconds after day_start) of the local date `date`. */
static void
domain_add_trips(struct domain_build *b, int g, int64_t date, double start,
    double end, int slot, int64_t big)
{
	const struct pr_region *r = b->r;
	const struct pr_office *of = &r->offices[b->offices[g]];
	struct pr_office_problem *op = b->op;
	double now = b->pp->now != 0 ?
	    (double)(b->pp->now - b->pp->day_start) : -INFINITY;
	int y, mo, dd;

	domain_civil_from_days(domain_floor_div(date + r->utc_offset, DAY), &y,
	    &mo, &dd);
	for (int k = 0; k < r->n_profiles; k++) {
		const struct pr_dom_profile *pf = &r->profiles[k];

		for (int u = 0; u < of->fleet[k]; u++) {
			struct pr_vehicle v;
			int vi;

			pr_vehicle_init(&v);
			if (b->n_off > 1)
				snprintf(v.id, sizeof(v.id),
				    "%.16s/%.16s%d.%04d%02d%02dt%d", of->id,
				    pf->name, u + 1, y, mo, dd, slot);
			else
				snprintf(v.id, sizeof(v.id),
				    "%.24s%d.%04d%02d%02dt%d", pf->name, u + 1,
				    y, mo, dd, slot);
			pr_strlcpy(v.profile_name, pf->name,
			    sizeof(v.profile_name));
			v.profile = b->pmap[k];
			v.start = g;
			v.end = g;
			v.capacity[0] = pf->capacity_g;
			for (int h = 0; b->n_off > 1 && h < b->n_off; h++)
				v.capacity[1 + h] = h == g ? 0 : big;
			v.tw.start = start;
			v.tw.end = end;
			/* The planning clock: nothing leaves before it. */
			if (v.tw.end <= now)
				v.tw.start = v.tw.end;
			else if (v.tw.start < now)
				v.tw.start = now;
			v.fixed_cost = pf->fixed_cost;
			vi = pr_problem_add_vehicle(b->p, &v);
			if (vi >= b->ncap) {
				b->ncap = b->ncap ? 2 * b->ncap : 64;
				op->vehicle_office = xreallocarray(
				    op->vehicle_office, (size_t)b->ncap,
				    sizeof(int));
				op->trip_start = xreallocarray(op->trip_start,
				    (size_t)b->ncap, sizeof(double));
			}
			op->vehicle_office[vi] = b->offices[g];
			op->trip_start[vi] = start;
		}
	}
}

/* The drive back from a household to office f (service included). */
static double
domain_back_s(const struct pr_region *r, int f, const struct pr_order *o)
{
	const struct pr_office *of = &r->offices[f];
	int fp = pr_office_fastest_profile(r, f);

	return r->service_s + (fp >= 0 ? pr_travel_s(r, fp, o->lon, o->lat,
	    r->communes[o->commune].district, of->lon, of->lat,
	    of->district) : 0);
}

/*
 * The planning clock (epoch now, 0 for none) on a deadline from
 * pr_latest_pickup: when no trip leaving the office now can reach the
 * household before the window ends, inside a shift and back before its
 * end (the drive out is taken to equal the drive back), the departure
 * planned for is out of reach (and with it every departure that was in
 * time, unless only the perishable hold closed the window). The rule is
 * applied again from the earliest arrival, so the pickup is planned for
 * the next departure it can still make (flagged no_linehaul_in_time, or
 * ready_window once the household's window has closed) instead of
 * keeping a window that no trip can serve. The deadline keeps the
 * order's own earliest pickup.
 */
static void
domain_deadline_at(const struct pr_region *r, int f, const struct pr_order *o,
    double back_s, int64_t now, struct pr_deadline *d)
{
	struct pr_order late;
	int64_t reach;

	pr_latest_pickup(r, f, o, back_s, d);
	if (now == 0)
		return;
	reach = domain_max64(d->earliest,
	    now + (int64_t)ceil(back_s - r->service_s));
	if (domain_pickup_slot(r, &r->offices[f], reach, d->latest,
	    back_s) >= 0)
		return;
	late = *o;
	late.ready_from = domain_max64(o->ready_from, reach);
	pr_latest_pickup(r, f, &late, back_s, d);
	d->earliest = o->ready_from;
}

/*
 * The service-level rule (late.c): o planned late on purpose at office f.
 * The departures that deliver it in time are given up: the rule is
 * applied again as if the parcel were ready just after its latest on-time
 * pickup, so it rides the next departure (the latest one that delivers as
 * early, rule 5), and the pickup window keeps the order's own start. A
 * perishable order's hold then runs from that point: the produce waits
 * for the next trip, not longer. *strict gets the deadline the order
 * gives up. Returns 0 with *late filled (risk planned_late), or -1 when
 * o is not on time at f (nothing to give up), when only the perishable
 * hold ends its window, or when the household is not ready later.
 */
int
pr_late_deadline(const struct pr_region *r, int office,
    const struct pr_order *o, int64_t now, struct pr_deadline *strict,
    struct pr_deadline *late)
{
	struct pr_order lo;
	double back = domain_back_s(r, office, o);

	domain_deadline_at(r, office, o, back, now, strict);
	if (strict->risk != PR_RISK_NONE || o->ready_to <= strict->latest)
		return -1;
	lo = *o;
	lo.ready_from = strict->latest + 1;
	domain_deadline_at(r, office, &lo, back, now, late);
	/* Only lateness is traded: a later pickup that is still on time
	 * (the perishable hold closed the window) would only break the
	 * hold. */
	if (late->departure < 0 || late->delivered < 0 ||
	    late->latest <= strict->latest ||
	    late->risk != PR_RISK_NO_LINEHAUL_IN_TIME)
		return -1;
	late->earliest = strict->earliest;
	late->risk = PR_RISK_PLANNED_LATE;
	return 0;
}

/*
 * The builder behind pr_office_problem_build (one office, home NULL) and
 * pr_group_problem_build. With one office the problem is the same as it
 * always was: one capacity dimension, location 0 the office.
 */
static int
domain_problem_build(const struct pr_region *r, const int *offices,
    int n_off, const struct pr_order *orders, const int *idx,
    const int *home, int n, double share_s, const struct pr_plan_params *pp,
    struct pr_office_problem **out, struct pr_error *err)
{
	struct domain_build b;
	struct pr_office_problem *op;
	struct pr_problem *p;
	int nl, *dist_of, bounds[64], nb, rc;
	int horizon = pp->horizon_days < 1 ? 1 : pp->horizon_days;
	double hend = (double)horizon * DAY;
	double now = pp->now != 0 ? (double)(pp->now - pp->day_start) :
	    -INFINITY;
	struct pr_deadline *dls;

	*out = NULL;
	if (n_off < 1 || n_off > PR_GROUP_MAX_OFFICES)
		return pr_seterr(err, PR_EINVAL, "offices: %d offices, "
		    "1 to %d allowed", n_off, PR_GROUP_MAX_OFFICES);
	for (int g = 0; g < n_off; g++) {
		if (offices[g] < 0 || offices[g] >= r->n_offices)
			return pr_seterr(err, PR_EINVAL, "office: index %d "
			    "out of range", offices[g]);
		for (int h = 0; h < g; h++)
			if (offices[h] == offices[g])
				return pr_seterr(err, PR_EINVAL, "offices[%d]: "
				    "%s twice", g, r->offices[offices[g]].id);
	}
	memset(&b, 0, sizeof(b));
	b.r = r;
	b.pp = pp;
	b.n_off = n_off;
	b.offices = offices;
	op = b.op = xcalloc(1, sizeof(*op));
	op->office = offices[0];
	op->day_start = pp->day_start;
	op->n_offices = n_off;
	op->offices = xmalloc((size_t)n_off * sizeof(int));
	memcpy(op->offices, offices, (size_t)n_off * sizeof(int));
	op->order = xcalloc((size_t)n + 1, sizeof(int));
	op->deadline = xcalloc((size_t)n + 1, sizeof(*op->deadline));
	op->skipped = xcalloc((size_t)n + 1, sizeof(int));
	p = b.p = op->problem = pr_problem_new(n_off > 1 ? 1 + n_off : 1);
	pr_strlcpy(p->name, r->offices[offices[0]].id, sizeof(p->name));
	dist_of = xcalloc((size_t)n + (size_t)n_off + 1, sizeof(int));
	dls = xcalloc((size_t)n_off, sizeof(*dls));

	for (int g = 0; g < n_off; g++) {
		const struct pr_office *of = &r->offices[offices[g]];

		pr_problem_add_location(p, of->lon, of->lat);
		dist_of[g] = of->district;
	}
	for (int i = 0; i < n; i++) {
		const struct pr_order *o = &orders[idx[i]];
		struct pr_deadline dl;
		struct pr_job job;
		double ws, we, back, last;
		int hg = 0, allowed = 0;

		if (home != NULL) {
			for (hg = 0; hg < n_off; hg++)
				if (offices[hg] == home[i])
					break;
			if (hg == n_off) {
				free(dist_of);
				free(dls);
				pr_office_problem_free(op);
				return pr_seterr(err, PR_EINVAL, "home[%d]: "
				    "order %s belongs to no office of the "
				    "group", i, o->id);
			}
		}
		back = domain_back_s(r, offices[hg], o);
		domain_deadline_at(r, offices[hg], o, back, pp->now, &dl);
		ws = (double)(dl.earliest - pp->day_start);
		/* Ready only after the horizon's last pickup at home (the
		 * last shift's end less the drive back): the next plan's.
		 * Listed as skipped, never as a job that no trip serves. */
		last = (double)(horizon - 1) * DAY +
		    r->offices[offices[hg]].shift_end - ceil(back);
		if ((ws > now ? ws : now) > last) {
			op->skipped[op->n_skipped++] = idx[i];
			continue;
		}
		pr_job_init(&job);
		/* Which other offices may take it: on time there whenever
		 * at home, and not much earlier. */
		for (int g = 0; g < n_off; g++) {
			if (g == hg) {
				allowed |= 1 << g;
				continue;
			}
			if (dl.risk != PR_RISK_NONE)
				continue;
			domain_deadline_at(r, offices[g], o,
			    domain_back_s(r, offices[g], o), pp->now, &dls[g]);
			if (dls[g].risk == PR_RISK_NONE &&
			    dls[g].latest >= dl.earliest &&
			    (double)dls[g].latest >= (double)dl.latest -
			    share_s) {
				allowed |= 1 << g;
				if (dls[g].latest < dl.latest)
					dl.latest = dls[g].latest;
			}
		}
		for (int g = 0; n_off > 1 && g < n_off; g++)
			job.pickup[1 + g] = (allowed >> g) & 1 ? 0 : 1;
		we = (double)(dl.latest - pp->day_start);
		if (we > hend)
			we = hend;
		if (we < ws)
			we = ws;
		/* The planning clock: nothing starts before now. A window
		 * still closed after domain_deadline_at (no departure and
		 * shift left to plan for) keeps zero width at now, so that
		 * the solver says why it is left. */
		if (ws < now)
			ws = now;
		if (we < ws)
			we = ws;
		pr_strlcpy(job.id, o->id, sizeof(job.id));
		nl = pr_problem_add_location(p, o->lon, o->lat);
		dist_of[nl] = r->communes[o->commune].district;
		job.location = nl;
		job.service = r->service_s;
		job.pickup[0] = o->weight_g;
		job.tw[0].start = ws;
		job.tw[0].end = we;
		job.priority = dl.risk != PR_RISK_NONE ? 20 :
		    o->perishable ? 70 : 50;
		op->order[op->n_jobs] = idx[i];
		op->deadline[op->n_jobs] = dl;
		op->n_jobs++;
		pr_problem_add_job(p, &job);
	}
	free(dls);

	/* Profiles the fleets use, with matrices from travel.c (the
	 * circuity of each pair's districts). */
	nl = p->n_locations;
	for (int k = 0; k < r->n_profiles; k++) {
		struct pr_profile *pf;
		int used = 0;

		b.pmap[k] = -1;
		for (int g = 0; g < n_off; g++)
			used |= r->offices[offices[g]].fleet[k] > 0;
		if (!used)
			continue;
		b.pmap[k] = pr_problem_add_profile(p, r->profiles[k].name,
		    r->profiles[k].speed_kmh, r->circuity);
		pf = &p->profiles[b.pmap[k]];
		pf->distances = xmalloc((size_t)nl * nl * sizeof(double));
		pf->durations = xmalloc((size_t)nl * nl * sizeof(double));
		for (int a = 0; a < nl; a++)
			for (int c = 0; c < nl; c++) {
				double dm = a == c ? 0 : pr_travel_m(r,
				    p->coords[2 * a], p->coords[2 * a + 1],
				    dist_of[a], p->coords[2 * c],
				    p->coords[2 * c + 1], dist_of[c]);

				pf->distances[(size_t)a * nl + c] = dm;
				pf->durations[(size_t)a * nl + c] =
				    dm / (r->profiles[k].speed_kmh / 3.6);
			}
	}
	free(dist_of);

	/* One vehicle per physical vehicle and trip slot. */
	for (int g = 0; g < n_off; g++) {
		nb = pr_office_trip_slots(r, offices[g], bounds,
		    (int)(sizeof(bounds) / sizeof(bounds[0])));
		for (int day = 0; day < horizon; day++)
			for (int sl = 0; sl + 1 < nb; sl++)
				if (bounds[sl + 1] - bounds[sl] >= 600)
					domain_add_trips(&b, g, pp->day_start +
					    (int64_t)day * DAY + DAY / 2,
					    (double)day * DAY + bounds[sl],
					    (double)day * DAY + bounds[sl + 1],
					    sl + 1, (int64_t)n + 1);
	}
	if (p->n_profiles == 0)
		pr_problem_add_profile(p, "none", 30, r->circuity);
	if ((rc = pr_problem_finalize(p, 1, err)) != 0) {
		pr_office_problem_free(op);
		return rc;
	}
	*out = op;
	return 0;
}

int
pr_office_problem_build(const struct pr_region *r, int office,
    const struct pr_order *orders, const int *idx, int n,
    const struct pr_plan_params *pp, struct pr_office_problem **out,
    struct pr_error *err)
{
	*out = NULL;
	if (office < 0 || office >= r->n_offices)
		return pr_seterr(err, PR_EINVAL, "office: index %d out of "
		    "range", office);
	return domain_problem_build(r, &office, 1, orders, idx, NULL, n, 0,
	    pp, out, err);
}

int
pr_group_problem_build(const struct pr_region *r, const int *offices,
    int n_offices, const struct pr_order *orders, const int *idx,
    const int *home, int n, double share_s, const struct pr_plan_params *pp,
    struct pr_office_problem **out, struct pr_error *err)
{
	*out = NULL;
	if (home == NULL)
		return pr_seterr(err, PR_EINVAL, "home: required");
	return domain_problem_build(r, offices, n_offices, orders, idx, home,
	    n, share_s, pp, out, err);
}

double
pr_office_time_limit(int n, double per_pickup, double limit)
{
	double t = 0.1 + per_pickup * n;

	return per_pickup > 0 && t < limit ? t : limit;
}

void
pr_office_problem_free(struct pr_office_problem *op)
{
	if (op == NULL)
		return;
	pr_problem_free(op->problem);
	free(op->offices);
	free(op->vehicle_office);
	free(op->trip_start);
	free(op->order);
	free(op->deadline);
	free(op->skipped);
	free(op);
}
