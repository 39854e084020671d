/* format_json_travel.c: problem JSON in: locations (shared coordinates or matrix indices), travel profiles and their matrices. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_json.h"

#define JSON_CIRCUITY 1.5           /* default road / great-circle ratio */

static const struct {
	const char *name;
	double speed_kmh;
} json_builtin[] = {
	{ "motorbike", 30.0 },
	{ "van", 40.0 },
	{ "car", 50.0 },
	{ "truck", 40.0 },
};

static size_t
json_lochash(double lon, double lat)
{
	uint64_t a, b, h;

	/* -0.0 and 0.0 are the same place. */
	if (lon == 0)
		lon = 0;
	if (lat == 0)
		lat = 0;
	memcpy(&a, &lon, sizeof(a));
	memcpy(&b, &lat, sizeof(b));
	h = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (size_t)h;
}

static void
json_locset_insert(struct json_locset *ls, const double *coords, int idx)
{
	size_t i = json_lochash(coords[2 * idx], coords[2 * idx + 1]) &
	    (ls->cap - 1);

	while (ls->slot[i] != 0)
		i = (i + 1) & (ls->cap - 1);
	ls->slot[i] = idx + 1;
}

/* The location index of (lon, lat), added when new. */
static int
json_location_of(struct json_reader *r, double lon, double lat,
    const char *path)
{
	struct json_locset *ls = &r->locs;
	struct pr_problem *p = r->p;
	size_t i;

	if (ls->cap == 0 || (size_t)p->n_locations * 2 >= ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;

		free(ls->slot);
		ls->slot = xcalloc(cap, sizeof(*ls->slot));
		ls->cap = cap;
		for (int l = 0; l < p->n_locations; l++)
			json_locset_insert(ls, p->coords, l);
	}
	i = json_lochash(lon, lat) & (ls->cap - 1);
	while (ls->slot[i] != 0) {
		int l = ls->slot[i] - 1;

		if (p->coords[2 * l] == lon && p->coords[2 * l + 1] == lat)
			return l;
		i = (i + 1) & (ls->cap - 1);
	}
	if (p->n_locations >= JSON_MAX_LOCATIONS)
		return json_err(r, "%s: more than %d distinct locations", path,
		    JSON_MAX_LOCATIONS);
	pr_problem_add_location(p, lon, lat);
	ls->slot[i] = p->n_locations;
	return p->n_locations - 1;
}

/* The [lon, lat] pair cv, at path.key. */
static int
json_lonlat(struct json_reader *r, const json_t *cv, const char *path,
    const char *key, double *lon, double *lat)
{
	char ep[JSON_PATH];

	snprintf(ep, sizeof(ep), "%s.%s", path, key);
	if (!json_is_array(cv) || json_array_size(cv) != 2)
		return json_err(r, "%s: must be [lon, lat]", ep);
	snprintf(ep, sizeof(ep), "%s.%s[0]", path, key);
	if (json_number(r, json_array_get(cv, 0), ep, -180, 180, lon) != 0)
		return PR_EINVAL;
	snprintf(ep, sizeof(ep), "%s.%s[1]", path, key);
	if (json_number(r, json_array_get(cv, 1), ep, -90, 90, lat) != 0)
		return PR_EINVAL;
	return 0;
}

/* With matrices: the coordinates cv given beside location index l, kept
 * to be written in the answer; one index has one pair. */
static int
json_echo_location(struct json_reader *r, const json_t *cv, const char *path,
    const char *key, int l)
{
	struct pr_problem *p = r->p;
	double lon, lat;

	if (json_lonlat(r, cv, path, key, &lon, &lat) != 0)
		return PR_EINVAL;
	if (p->coords == NULL) {
		p->coords = xmalloc(((size_t)p->n_locations + 1) * 2 *
		    sizeof(double));
		for (int i = 0; i < 2 * p->n_locations; i++)
			p->coords[i] = NAN;
	}
	if (!isnan(p->coords[2 * l]) && (p->coords[2 * l] != lon ||
	    p->coords[2 * l + 1] != lat))
		return json_err(r, "%s.%s: location index %d has other "
		    "coordinates already ([%g, %g])", path, key, l,
		    p->coords[2 * l], p->coords[2 * l + 1]);
	p->coords[2 * l] = lon;
	p->coords[2 * l + 1] = lat;
	return 0;
}

/*
 * The location of object o (at path): coordinates under key, or with
 * matrices an index under ikey. *out = -1 when neither is there and the
 * location is optional (open vehicle starts and ends).
 */
int
json_location(struct json_reader *r, const json_t *o, const char *path,
    const char *key, const char *ikey, int required, int *out)
{
	char ep[JSON_PATH];
	const json_t *cv = json_get(o, key), *iv = json_get(o, ikey);
	double lon, lat;
	int l;

	*out = -1;
	if (r->matrices != NULL) {
		if (iv != NULL) {
			snprintf(ep, sizeof(ep), "%s.%s", path, ikey);
			if (json_index(r, iv, ep, r->n_matrix, out) != 0)
				return PR_EINVAL;
			/* coordinates beside an index: for the answer only
			 * (VROOM's rule) */
			if (cv != NULL)
				return json_echo_location(r, cv, path, key,
				    *out);
			return 0;
		}
		if (cv != NULL)
			return json_err(r, "%s: missing \"%s\" (\"matrices\" "
			    "are given, so locations are matrix indices)",
			    path, ikey);
		if (required)
			return json_err(r, "%s: missing \"%s\" or \"%s\"",
			    path, key, ikey);
		return 0;
	}
	if (cv == NULL) {
		if (iv != NULL)
			return json_err(r, "%s.%s: needs \"matrices\" (or give "
			    "\"%s\": [lon, lat])", path, ikey, key);
		if (required)
			return json_err(r, "%s: missing \"%s\" or \"%s\"",
			    path, key, ikey);
		return 0;
	}
	if (json_lonlat(r, cv, path, key, &lon, &lat) != 0)
		return PR_EINVAL;
	snprintf(ep, sizeof(ep), "%s.%s", path, key);
	if ((l = json_location_of(r, lon, lat, ep)) < 0)
		return l;
	*out = l;
	return 0;
}

/* ---- profiles and matrices ---------------------------------------------- */

static const struct json_key json_matrix_keys[] = {
	{ "durations", NULL }, { "distances", NULL }, { "costs", NULL },
	{ NULL, NULL }
};

static const struct json_key json_profile_keys[] = {
	{ "speed_kmh", NULL }, { "circuity", NULL },
	{ NULL, NULL }
};

/*
 * Checks that m (at path) is an n x n matrix of finite non-negative
 * numbers and copies it to dst unless dst is NULL. With *n == 0 the size
 * is taken from m and stored in *n (sizepath remembers where from).
 */
static int
json_matrix(struct json_reader *r, const json_t *m, const char *path,
    int *n, char *sizepath, double *dst)
{
	size_t rows = json_array_size(m);

	if (!json_is_array(m))
		return json_err(r, "%s: must be an array of rows", path);
	if (rows == 0)
		return json_err(r, "%s: must not be empty", path);
	if (rows > JSON_MAX_LOCATIONS)
		return json_err(r, "%s: more than %d locations", path,
		    JSON_MAX_LOCATIONS);
	if (*n == 0) {
		*n = (int)rows;
		pr_strlcpy(sizepath, path, 64);
	} else if ((int)rows != *n)
		return json_err(r, "%s: has %zu rows but %s has %d (matrices "
		    "must all be n x n)", path, rows, sizepath, *n);
	for (size_t a = 0; a < rows; a++) {
		const json_t *row = json_array_get(m, a);

		if (!json_is_array(row) || json_array_size(row) != rows)
			return json_err(r, "%s[%zu]: must be an array of %zu "
			    "numbers (the matrix must be square)", path, a,
			    rows);
		for (size_t b = 0; b < rows; b++) {
			const json_t *v = json_array_get(row, b);
			double x;

			if (!json_is_number(v) ||
			    !isfinite(x = json_number_value(v)) || x < 0 ||
			    x > JSON_MAX_VALUE)
				return json_err(r, "%s[%zu][%zu]: must be a "
				    "number in [0, 1e15]", path, a, b);
			if (dst != NULL)
				dst[a * rows + b] = x;
		}
	}
	return 0;
}

/* Validates every entry of "matrices" and fixes r->n_matrix. */
int
json_check_matrices(struct json_reader *r)
{
	char ep[JSON_PATH], sizepath[64] = "";
	const char *name;
	json_t *e;
	int n = 0;

	if (!json_is_object(r->matrices) || json_object_size(r->matrices) == 0)
		return json_err(r, "matrices: must be an object with one "
		    "entry per profile");
	json_object_foreach(r->matrices, name, e) {
		const json_t *dur = json_get(e, "durations"),
		    *dist = json_get(e, "distances"),
		    *cost = json_get(e, "costs");

		if (!json_is_object(e))
			return json_err(r, "matrices.%s: must be an object",
			    name);
		snprintf(ep, sizeof(ep), "matrices.%s", name);
		if (json_keys(r, e, ep, json_matrix_keys) != 0)
			return PR_EINVAL;
		if (dur == NULL)
			return json_err(r, "matrices.%s: missing \"durations\"",
			    name);
		snprintf(ep, sizeof(ep), "matrices.%s.durations", name);
		if (json_matrix(r, dur, ep, &n, sizepath, NULL) != 0)
			return PR_EINVAL;
		if (dist != NULL) {
			snprintf(ep, sizeof(ep), "matrices.%s.distances", name);
			if (json_matrix(r, dist, ep, &n, sizepath, NULL) != 0)
				return PR_EINVAL;
		}
		if (cost != NULL) {
			snprintf(ep, sizeof(ep), "matrices.%s.costs", name);
			if (json_matrix(r, cost, ep, &n, sizepath, NULL) != 0)
				return PR_EINVAL;
		}
	}
	r->n_matrix = n;
	/* The matrices are copied per profile: the budget first. */
	if (format_check_budget(r->rp, n, (int)json_object_size(r->matrices),
	    0, 0, r->err) != 0)
		return PR_ETOOBIG;
	return 0;
}

/*
 * The index of the profile called name (used at path), added on first
 * use with its speed, circuity and (when given) matrices. Returns a
 * negative PR_E* code on error.
 */
int
json_profile(struct json_reader *r, const char *name, const char *path)
{
	char ep[JSON_PATH], sizepath[64];
	struct pr_problem *p = r->p;
	struct pr_profile *pf;
	const json_t *e;
	double speed = 0, circuity = JSON_CIRCUITY;
	int known = 0, idx, n;

	for (int i = 0; i < p->n_profiles; i++)
		if (strcmp(p->profiles[i].name, name) == 0)
			return i;
	if (strlen(name) >= PR_MAX_ID)
		return json_err(r, "%s: longer than %d bytes", path,
		    PR_MAX_ID - 1);
	for (size_t i = 0; i < sizeof(json_builtin) / sizeof(json_builtin[0]);
	    i++) {
		if (strcmp(json_builtin[i].name, name) == 0) {
			speed = json_builtin[i].speed_kmh;
			known = 1;
		}
	}
	if ((e = json_get(r->profiles, name)) != NULL) {
		const json_t *v;

		if (!json_is_object(e))
			return json_err(r, "profiles.%s: must be an object",
			    name);
		snprintf(ep, sizeof(ep), "profiles.%s", name);
		if (json_keys(r, e, ep, json_profile_keys) != 0)
			return PR_EINVAL;
		if ((v = json_get(e, "speed_kmh")) != NULL) {
			snprintf(ep, sizeof(ep), "profiles.%s.speed_kmh", name);
			if (json_number(r, v, ep, 0, 1000, &speed) != 0)
				return PR_EINVAL;
			if (!(speed > 0))
				return json_err(r, "%s: must be positive", ep);
		} else if (!known && r->matrices == NULL)
			return json_err(r, "profiles.%s: missing \"speed_kmh\"",
			    name);
		if ((v = json_get(e, "circuity")) != NULL) {
			snprintf(ep, sizeof(ep), "profiles.%s.circuity", name);
			if (json_number(r, v, ep, 1, 10, &circuity) != 0)
				return PR_EINVAL;
		}
		known = 1;
	}
	if (r->matrices != NULL) {
		const json_t *dur, *dist, *cost;

		if ((e = json_get(r->matrices, name)) == NULL)
			return json_err(r, "%s: no matrix for profile \"%s\" "
			    "in \"matrices\"", path, name);
		idx = pr_problem_add_profile(p, name, speed, circuity);
		pf = &p->profiles[idx];
		n = r->n_matrix;
		dur = json_get(e, "durations");
		dist = json_get(e, "distances");
		pf->durations = malloc((size_t)n * n * sizeof(double) + 1);
		pf->distances = malloc((size_t)n * n * sizeof(double) + 1);
		if (pf->durations == NULL || pf->distances == NULL)
			return pr_seterr(r->err, PR_ENOMEM, "%s: out of memory "
			    "for the matrices of profile \"%s\" (%d "
			    "locations)", path, name, n);
		/* Already checked by json_check_matrices(); this copies. */
		snprintf(ep, sizeof(ep), "matrices.%s.durations", name);
		if (json_matrix(r, dur, ep, &n, sizepath, pf->durations) != 0)
			return PR_EINVAL;
		/* Without distances, a distance is its travel time. */
		snprintf(ep, sizeof(ep), "matrices.%s.distances", name);
		if (dist == NULL)
			memcpy(pf->distances, pf->durations,
			    (size_t)n * n * sizeof(double));
		else if (json_matrix(r, dist, ep, &n, sizepath,
		    pf->distances) != 0)
			return PR_EINVAL;
		if ((cost = json_get(e, "costs")) != NULL) {
			pf->costs = xmalloc((size_t)n * n * sizeof(double));
			snprintf(ep, sizeof(ep), "matrices.%s.costs", name);
			if (json_matrix(r, cost, ep, &n, sizepath,
			    pf->costs) != 0)
				return PR_EINVAL;
		}
		return idx;
	}
	if (!known)
		return json_err(r, "%s: unknown profile \"%s\" (not built in "
		    "and not in \"profiles\")", path, name);
	return pr_problem_add_profile(p, name, speed, circuity);
}
