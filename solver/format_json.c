/* format_json.c: problem JSON in, solution JSON out, and format detection. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"

/*
 * The problem JSON is VROOM-like (docs/problem-format.md has every field):
 * "jobs" and "vehicles" arrays, optional "profiles" (speed and circuity per
 * travel profile) and optional "matrices" (durations and distances per
 * profile). Without matrices every location is a [lon, lat] pair; equal
 * pairs share one location index and travel comes from great-circle
 * distance x circuity / speed. With matrices every location is an index
 * into them and coordinates are ignored.
 *
 * The reader checks everything it can name by JSON path ("jobs[3].pickup[0]")
 * before pr_problem_finalize() sees the problem, so that most errors point
 * at the offending value rather than at a job id.
 */

#define JSON_MAX_VALUE 1e15         /* amounts, times, matrix entries */
#define JSON_MAX_LOCATIONS 10000    /* matrices are n^2 per profile */
#define JSON_CIRCUITY 1.5           /* default road / great-circle ratio */
#define JSON_DEFAULT_PROFILE "car"

static const struct {
	const char *name;
	double speed_kmh;
} json_builtin[] = {
	{ "motorbike", 30.0 },
	{ "van", 40.0 },
	{ "car", 50.0 },
	{ "truck", 40.0 },
};

/* Open-addressing set of coordinate pairs, mapping to location indices. */
struct json_locset {
	int *slot;               /* location index + 1; 0 = empty */
	size_t cap;              /* a power of two */
};

struct json_reader {
	struct pr_problem *p;
	struct pr_error *err;
	json_t *profiles;        /* "profiles" or NULL */
	json_t *matrices;        /* "matrices" or NULL */
	int n_matrix;            /* locations, when matrices are given */
	int dims;                /* amount dimensions, 0 before the first array */
	char dims_path[64];      /* the array that fixed dims */
	struct json_locset locs;
};

/* Fixed-size path buffers are enough: errors are one 160-byte line. */
#define JSON_PATH 96

static int
json_err(struct json_reader *r, const char *fmt, ...) PR_PRINTF(2, 3);

static int
json_err(struct json_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err == NULL)
		return PR_EINVAL;
	r->err->code = PR_EINVAL;
	va_start(ap, fmt);
	vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
	va_end(ap);
	return PR_EINVAL;
}

/* A member, or NULL when it is absent or JSON null (both mean "default"). */
static json_t *
json_get(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

/* A finite number in [lo, hi]. */
static int
json_number(struct json_reader *r, const json_t *v, const char *path,
    double lo, double hi, double *out)
{
	double x;

	if (!json_is_number(v))
		return json_err(r, "%s: must be a number", path);
	x = json_number_value(v);
	if (!isfinite(x))
		return json_err(r, "%s: must be a finite number", path);
	if (x < lo || x > hi)
		return json_err(r, "%s: %g out of range [%g, %g]", path, x,
		    lo, hi);
	*out = x;
	return 0;
}

/* An integer (an integral real such as 3.0 is accepted too). */
static int
json_integer_at(struct json_reader *r, const json_t *v, const char *path,
    long long *out)
{
	double x;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		x = json_real_value(v);
		if (isfinite(x) && x == floor(x) && fabs(x) <= JSON_MAX_VALUE) {
			*out = (long long)x;
			return 0;
		}
	}
	return json_err(r, "%s: must be an integer", path);
}

/* An index in [0, n). */
static int
json_index(struct json_reader *r, const json_t *v, const char *path, int n,
    int *out)
{
	long long x;

	if (json_integer_at(r, v, path, &x) != 0)
		return PR_EINVAL;
	if (x < 0 || x >= n)
		return json_err(r, "%s: %lld out of range [0, %d)", path, x, n);
	*out = (int)x;
	return 0;
}

static int
json_amount(struct json_reader *r, const json_t *v, const char *path,
    int64_t *out)
{
	double x;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0)
			return json_err(r, "%s: must be a non-negative "
			    "integer", path);
		if ((double)i > JSON_MAX_VALUE)
			return json_err(r, "%s: %lld is too large (at most "
			    "1e15)", path, (long long)i);
		*out = (int64_t)i;
		return 0;
	}
	if (!json_is_real(v))
		return json_err(r, "%s: must be a non-negative integer", path);
	x = json_real_value(v);
	if (!isfinite(x) || x < 0 || x != floor(x))
		return json_err(r, "%s: must be a non-negative integer", path);
	if (x > JSON_MAX_VALUE)
		return json_err(r, "%s: %g is too large (at most 1e15)", path,
		    x);
	*out = (int64_t)x;
	return 0;
}

/* An array of amounts; every amount array must have the same length. */
static int
json_amounts(struct json_reader *r, const json_t *a, const char *path,
    int64_t *out)
{
	char ep[JSON_PATH];
	size_t n = json_array_size(a);

	if (!json_is_array(a))
		return json_err(r, "%s: must be an array of non-negative "
		    "integers", path);
	if (n < 1 || n > PR_MAX_DIMS)
		return json_err(r, "%s: must have 1 to %d values", path,
		    PR_MAX_DIMS);
	if (r->dims == 0) {
		r->dims = (int)n;
		pr_strlcpy(r->dims_path, path, sizeof(r->dims_path));
	} else if ((int)n != r->dims)
		return json_err(r, "%s: has %zu values but %s has %d (all "
		    "amount arrays need the same length)", path, n,
		    r->dims_path, r->dims);
	for (size_t i = 0; i < n; i++) {
		snprintf(ep, sizeof(ep), "%s[%zu]", path, i);
		if (json_amount(r, json_array_get(a, i), ep, &out[i]) != 0)
			return PR_EINVAL;
	}
	return 0;
}

/* Copies the UTF-8 string src into dst[n], cut at a character boundary. */
static void
json_copy_utf8(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (len >= n) {
		len = n - 1;
		/* Back off over continuation bytes to the start of the cut
		 * character, and drop it. */
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* A job or vehicle id: an integer or a non-empty string of < PR_MAX_ID
 * bytes. */
static int
json_id(struct json_reader *r, const json_t *v, const char *path, char *dst)
{
	const char *s;

	if (json_is_integer(v)) {
		snprintf(dst, PR_MAX_ID, "%lld",
		    (long long)json_integer_value(v));
		return 0;
	}
	if (!json_is_string(v))
		return json_err(r, "%s: must be a string or an integer", path);
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s))
		return json_err(r, "%s: contains a NUL byte", path);
	if (*s == '\0')
		return json_err(r, "%s: must not be empty", path);
	if (strlen(s) >= PR_MAX_ID)
		return json_err(r, "%s: longer than %d bytes", path,
		    PR_MAX_ID - 1);
	pr_strlcpy(dst, s, PR_MAX_ID);
	return 0;
}

/* A time window [start, end] of non-negative seconds. */
static int
json_tw(struct json_reader *r, const json_t *a, const char *path,
    struct pr_tw *tw)
{
	char ep[JSON_PATH];

	if (!json_is_array(a) || json_array_size(a) != 2)
		return json_err(r, "%s: must be [start, end]", path);
	snprintf(ep, sizeof(ep), "%s[0]", path);
	if (json_number(r, json_array_get(a, 0), ep, 0, JSON_MAX_VALUE,
	    &tw->start) != 0)
		return PR_EINVAL;
	snprintf(ep, sizeof(ep), "%s[1]", path);
	if (json_number(r, json_array_get(a, 1), ep, 0, JSON_MAX_VALUE,
	    &tw->end) != 0)
		return PR_EINVAL;
	if (tw->end < tw->start)
		return json_err(r, "%s: closes (%g) before it opens (%g)",
		    path, tw->end, tw->start);
	return 0;
}

/* ---- locations ---------------------------------------------------------- */

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

/*
 * The location of object o (at path): coordinates under key, or with
 * matrices an index under ikey. *out = -1 when neither is there and the
 * location is optional (open vehicle starts and ends).
 */
static int
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
			return json_index(r, iv, ep, r->n_matrix, out);
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
	snprintf(ep, sizeof(ep), "%s.%s", path, key);
	if (!json_is_array(cv) || json_array_size(cv) != 2)
		return json_err(r, "%s: must be [lon, lat]", ep);
	snprintf(ep, sizeof(ep), "%s.%s[0]", path, key);
	if (json_number(r, json_array_get(cv, 0), ep, -180, 180, &lon) != 0)
		return PR_EINVAL;
	snprintf(ep, sizeof(ep), "%s.%s[1]", path, key);
	if (json_number(r, json_array_get(cv, 1), ep, -90, 90, &lat) != 0)
		return PR_EINVAL;
	snprintf(ep, sizeof(ep), "%s.%s", path, key);
	if ((l = json_location_of(r, lon, lat, ep)) < 0)
		return l;
	*out = l;
	return 0;
}

/* ---- profiles and matrices ---------------------------------------------- */

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
static int
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
		    *dist = json_get(e, "distances");

		if (!json_is_object(e))
			return json_err(r, "matrices.%s: must be an object",
			    name);
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
	}
	r->n_matrix = n;
	return 0;
}

/*
 * The index of the profile called name (used at path), added on first
 * use with its speed, circuity and (when given) matrices. Returns a
 * negative PR_E* code on error.
 */
static int
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
		const json_t *dur, *dist;

		if ((e = json_get(r->matrices, name)) == NULL)
			return json_err(r, "%s: no matrix for profile \"%s\" "
			    "in \"matrices\"", path, name);
		idx = pr_problem_add_profile(p, name, speed, circuity);
		pf = &p->profiles[idx];
		n = r->n_matrix;
		dur = json_get(e, "durations");
		dist = json_get(e, "distances");
		pf->durations = xmalloc((size_t)n * n * sizeof(double));
		pf->distances = xmalloc((size_t)n * n * sizeof(double));
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
		return idx;
	}
	if (!known)
		return json_err(r, "%s: unknown profile \"%s\" (not built in "
		    "and not in \"profiles\")", path, name);
	return pr_problem_add_profile(p, name, speed, circuity);
}

/* ---- vehicles and jobs --------------------------------------------------- */

static int
json_vehicle(struct json_reader *r, const json_t *o, int i)
{
	char path[32], ep[JSON_PATH];
	struct pr_vehicle v;
	const json_t *x;
	const char *prof = JSON_DEFAULT_PROFILE;
	int rc;

	snprintf(path, sizeof(path), "vehicles[%d]", i);
	if (!json_is_object(o))
		return json_err(r, "%s: must be an object", path);
	pr_vehicle_init(&v);
	if ((x = json_get(o, "id")) == NULL)
		return json_err(r, "%s: missing \"id\"", path);
	snprintf(ep, sizeof(ep), "%s.id", path);
	if (json_id(r, x, ep, v.id) != 0)
		return PR_EINVAL;
	snprintf(ep, sizeof(ep), "%s.profile", path);
	if ((x = json_get(o, "profile")) != NULL) {
		if (!json_is_string(x) || json_string_value(x)[0] == '\0')
			return json_err(r, "%s: must be a non-empty string",
			    ep);
		prof = json_string_value(x);
	}
	if ((rc = json_profile(r, prof, ep)) < 0)
		return rc;
	v.profile = rc;
	pr_strlcpy(v.profile_name, prof, sizeof(v.profile_name));
	if (json_location(r, o, path, "start", "start_index", 0,
	    &v.start) != 0)
		return PR_EINVAL;
	if (json_location(r, o, path, "end", "end_index", 0, &v.end) != 0)
		return PR_EINVAL;
	if ((x = json_get(o, "capacity")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.capacity", path);
		if (json_amounts(r, x, ep, v.capacity) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "time_window")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.time_window", path);
		if (json_tw(r, x, ep, &v.tw) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "max_travel_time")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.max_travel_time", path);
		if (json_number(r, x, ep, 0, JSON_MAX_VALUE,
		    &v.max_travel_time) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "costs")) != NULL) {
		const json_t *f;

		if (!json_is_object(x))
			return json_err(r, "%s.costs: must be an object", path);
		if ((f = json_get(x, "fixed")) != NULL) {
			snprintf(ep, sizeof(ep), "%s.costs.fixed", path);
			if (json_number(r, f, ep, 0, JSON_MAX_VALUE,
			    &v.fixed_cost) != 0)
				return PR_EINVAL;
		}
	}
	pr_problem_add_vehicle(r->p, &v);
	return 0;
}

static int
json_tw_cmp(const void *a, const void *b)
{
	const struct pr_tw *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int
json_job(struct json_reader *r, const json_t *o, int i)
{
	char path[32], ep[JSON_PATH];
	struct pr_problem *p = r->p;
	struct pr_job j;
	const json_t *x, *pv, *pr;
	long long ll;

	snprintf(path, sizeof(path), "jobs[%d]", i);
	if (!json_is_object(o))
		return json_err(r, "%s: must be an object", path);
	pr_job_init(&j);
	if ((x = json_get(o, "id")) == NULL)
		return json_err(r, "%s: missing \"id\"", path);
	snprintf(ep, sizeof(ep), "%s.id", path);
	if (json_id(r, x, ep, j.id) != 0)
		return PR_EINVAL;
	if (json_location(r, o, path, "location", "location_index", 1,
	    &j.location) != 0)
		return PR_EINVAL;
	if ((x = json_get(o, "service")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.service", path);
		if (json_number(r, x, ep, 0, JSON_MAX_VALUE, &j.service) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "pickup")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.pickup", path);
		if (json_amounts(r, x, ep, j.pickup) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "time_windows")) != NULL) {
		size_t n = json_array_size(x);
		int k;

		snprintf(ep, sizeof(ep), "%s.time_windows", path);
		if (!json_is_array(x) || n < 1 || n > PR_MAX_TW)
			return json_err(r, "%s: must be an array of 1 to %d "
			    "[start, end] windows", ep, PR_MAX_TW);
		for (size_t w = 0; w < n; w++) {
			snprintf(ep, sizeof(ep), "%s.time_windows[%zu]", path,
			    w);
			if (json_tw(r, json_array_get(x, w), ep, &j.tw[w]) != 0)
				return PR_EINVAL;
		}
		/* Sorted, and overlapping or touching windows merged: the
		 * union is what the windows mean. */
		qsort(j.tw, n, sizeof(j.tw[0]), json_tw_cmp);
		k = 0;
		for (size_t w = 1; w < n; w++) {
			if (j.tw[w].start <= j.tw[k].end) {
				if (j.tw[w].end > j.tw[k].end)
					j.tw[k].end = j.tw[w].end;
			} else
				j.tw[++k] = j.tw[w];
		}
		j.n_tw = k + 1;
	}
	if ((x = json_get(o, "priority")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.priority", path);
		if (json_integer_at(r, x, ep, &ll) != 0)
			return PR_EINVAL;
		if (ll < 0 || ll > 100)
			return json_err(r, "%s: %lld out of range [0, 100]", ep,
			    ll);
		j.priority = (int)ll;
	}
	pv = json_get(o, "pinned_vehicle");
	pr = json_get(o, "pinned_rank");
	if ((pv == NULL) != (pr == NULL))
		return json_err(r, "%s: \"pinned_vehicle\" and \"pinned_rank\" "
		    "go together", path);
	if (pv != NULL) {
		char vid[PR_MAX_ID];

		snprintf(ep, sizeof(ep), "%s.pinned_vehicle", path);
		if (json_id(r, pv, ep, vid) != 0)
			return PR_EINVAL;
		for (int k = 0; k < p->n_vehicles; k++)
			if (strcmp(p->vehicles[k].id, vid) == 0)
				j.pinned_vehicle = k;
		if (j.pinned_vehicle < 0)
			return json_err(r, "%s: no vehicle has id \"%s\"", ep,
			    vid);
		snprintf(ep, sizeof(ep), "%s.pinned_rank", path);
		if (json_integer_at(r, pr, ep, &ll) != 0)
			return PR_EINVAL;
		if (ll < 0 || ll >= 1000000)
			return json_err(r, "%s: %lld out of range [0, 1000000)",
			    ep, ll);
		j.pinned_rank = (int)ll;
	}
	pr_problem_add_job(p, &j);
	return 0;
}

/* Reports the first element (in input order) whose id an earlier one
 * already has. ids: n fixed-size records of size stride. */
static int
json_unique_ids(struct json_reader *r, const char *what, const char *ids,
    size_t stride, int n)
{
	size_t cap = 16;
	int *slot;

	while (cap < (size_t)n * 2)
		cap *= 2;
	slot = xcalloc(cap, sizeof(*slot));
	for (int i = 0; i < n; i++) {
		const char *id = ids + (size_t)i * stride;
		uint64_t h = 0xcbf29ce484222325ULL;
		size_t k;

		for (const char *c = id; *c != '\0'; c++)
			h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
		for (k = h & (cap - 1); slot[k] != 0; k = (k + 1) & (cap - 1)) {
			if (strcmp(ids + (size_t)(slot[k] - 1) * stride,
			    id) == 0) {
				free(slot);
				return json_err(r, "%s[%d].id: duplicate id "
				    "\"%s\"", what, i, id);
			}
		}
		slot[k] = i + 1;
	}
	free(slot);
	return 0;
}

static int
json_pin_cmp(const void *a, const void *b)
{
	const int *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	return (x[2] > y[2]) - (x[2] < y[2]);
}

/* Two jobs cannot be pinned to the same rank of the same vehicle. */
static int
json_check_pins(struct json_reader *r)
{
	struct pr_problem *p = r->p;
	int *pins = xcalloc((size_t)p->n_jobs + 1, 3 * sizeof(int));
	int n = 0, rc = 0;

	for (int i = 0; i < p->n_jobs; i++) {
		if (p->jobs[i].pinned_vehicle < 0)
			continue;
		pins[3 * n] = p->jobs[i].pinned_vehicle;
		pins[3 * n + 1] = p->jobs[i].pinned_rank;
		pins[3 * n + 2] = i;
		n++;
	}
	qsort(pins, (size_t)n, 3 * sizeof(int), json_pin_cmp);
	for (int k = 1; k < n; k++) {
		if (pins[3 * k] == pins[3 * (k - 1)] &&
		    pins[3 * k + 1] == pins[3 * (k - 1) + 1]) {
			int a = pins[3 * (k - 1) + 2], b = pins[3 * k + 2];

			rc = json_err(r, "jobs[%d].pinned_rank: jobs[%d] is "
			    "already pinned to rank %d of vehicle \"%s\"", b,
			    a, pins[3 * k + 1],
			    p->vehicles[pins[3 * k]].id);
			break;
		}
	}
	free(pins);
	return rc;
}

static int
json_read(struct json_reader *r, const json_t *root)
{
	struct pr_problem *p = r->p;
	const json_t *x, *vehicles, *jobs;
	size_t n;

	if (!json_is_object(root))
		return json_err(r, "the problem must be a JSON object");
	if ((x = json_get(root, "name")) != NULL) {
		if (!json_is_string(x))
			return json_err(r, "name: must be a string");
		json_copy_utf8(p->name, json_string_value(x), sizeof(p->name));
	}
	if ((r->profiles = json_get(root, "profiles")) != NULL &&
	    !json_is_object(r->profiles))
		return json_err(r, "profiles: must be an object");
	if ((r->matrices = json_get(root, "matrices")) != NULL) {
		if (json_check_matrices(r) != 0)
			return PR_EINVAL;
		/* Locations are the matrix indices; no coordinates. */
		p->n_locations = r->n_matrix;
	}

	/* Vehicles first: depots get the low location indices and pinned
	 * jobs can name their vehicle. */
	if ((vehicles = json_get(root, "vehicles")) == NULL)
		return json_err(r, "vehicles: missing (at least one vehicle "
		    "is needed)");
	if (!json_is_array(vehicles) || json_array_size(vehicles) == 0)
		return json_err(r, "vehicles: must be a non-empty array");
	if ((n = json_array_size(vehicles)) > 100000)
		return json_err(r, "vehicles: more than 100000");
	for (size_t i = 0; i < n; i++)
		if (json_vehicle(r, json_array_get(vehicles, i), (int)i) != 0)
			return PR_EINVAL;
	if (json_unique_ids(r, "vehicles", p->vehicles[0].id,
	    sizeof(p->vehicles[0]), p->n_vehicles) != 0)
		return PR_EINVAL;

	if ((jobs = json_get(root, "jobs")) == NULL)
		return json_err(r, "jobs: missing (an array; it may be "
		    "empty)");
	if (!json_is_array(jobs))
		return json_err(r, "jobs: must be an array");
	if ((n = json_array_size(jobs)) > 1000000)
		return json_err(r, "jobs: more than 1000000");
	for (size_t i = 0; i < n; i++)
		if (json_job(r, json_array_get(jobs, i), (int)i) != 0)
			return PR_EINVAL;
	if (p->n_jobs > 0 && json_unique_ids(r, "jobs", p->jobs[0].id,
	    sizeof(p->jobs[0]), p->n_jobs) != 0)
		return PR_EINVAL;
	if (json_check_pins(r) != 0)
		return PR_EINVAL;

	p->n_dims = r->dims > 0 ? r->dims : 1;
	/* Only open vehicles and no jobs: nothing to travel between. */
	if (p->n_locations == 0) {
		for (int i = 0; i < p->n_profiles; i++) {
			if (p->profiles[i].durations == NULL)
				p->profiles[i].durations = xmalloc(1);
			if (p->profiles[i].distances == NULL)
				p->profiles[i].distances = xmalloc(1);
		}
	}
	return pr_problem_finalize(p, r->matrices == NULL, r->err);
}

int
pr_problem_from_json(const char *buf, size_t len, struct pr_problem **out,
    struct pr_error *err)
{
	struct json_reader r;
	json_error_t je;
	json_t *root;
	int rc;

	*out = NULL;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return pr_seterr(err, PR_EINVAL, "line %d, column %d: %s",
		    je.line, je.column, je.text);
	memset(&r, 0, sizeof(r));
	r.p = pr_problem_new(1);
	r.p->source = PR_SOURCE_JSON;
	r.err = err;
	rc = json_read(&r, root);
	free(r.locs.slot);
	json_decref(root);
	if (rc != 0) {
		pr_problem_free(r.p);
		return rc;
	}
	*out = r.p;
	return 0;
}

/* ---- format detection ---------------------------------------------------- */

/* Whether the line [b, e) starts with word followed by blanks and ':'. */
static int
parse_is_key(const char *b, const char *e, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(e - b) < n || memcmp(b, word, n) != 0)
		return 0;
	for (b += n; b < e && (*b == ' ' || *b == '\t'); b++)
		;
	return b < e && *b == ':';
}

/* Whether the line [b, e) is word, give or take surrounding blanks. */
static int
parse_is_word(const char *b, const char *e, const char *word)
{
	size_t n = strlen(word);

	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	return (size_t)(e - b) == n && memcmp(b, word, n) == 0;
}

int
pr_problem_parse(const char *buf, size_t len, struct pr_problem **out,
    struct pr_error *err)
{
	const char *s = buf, *end = buf + len;
	int vehicle = 0, customer = 0;

	*out = NULL;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		/* A byte-order mark is no part of any of the formats. */
		buf += 3;
		len -= 3;
		s = buf;
	}
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end && *s == '{')
		return pr_problem_from_json(buf, len, out, err);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (parse_is_key(s, e, "NAME") || parse_is_key(s, e, "TYPE") ||
		    parse_is_key(s, e, "DIMENSION"))
			return pr_problem_from_cvrplib(buf, len, out, err);
		if (parse_is_word(s, e, "VEHICLE"))
			vehicle = 1;
		if (parse_is_word(s, e, "CUSTOMER"))
			customer = 1;
		if (vehicle && customer)
			return pr_problem_from_solomon(buf, len, out, err);
		s = nl ? nl + 1 : end;
	}
	return pr_seterr(err, PR_EINVAL, "unrecognised format (expected "
	    "problem JSON, Solomon VRPTW or CVRPLIB)");
}

/* ---- solution output ---------------------------------------------------- */

/*
 * Numbers are rounded to 4 decimals (coordinates to 6) and printed with 15
 * significant digits, which gives back exactly the rounded decimal: no
 * 828.93690000000004. Integral values are written as JSON integers. The
 * same solution always gives the same bytes (jansson keeps insertion
 * order).
 */

struct json_writer {
	int bad;                 /* a jansson call failed (out of memory) */
};

static json_t *
jw_num(double x, double scale)
{
	if (!isfinite(x))
		return json_null();
	if (fabs(x) < 1e15)
		x = round(x * scale) / scale;
	if (x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* A JSON string; bytes that are not valid UTF-8 (an id cut short inside a
 * detail message, say) become '?' rather than failing the whole output. */
static json_t *
jw_str(const char *s)
{
	json_t *v = json_string(s);
	char *t;

	if (v != NULL)
		return v;
	t = xstrdup(s);
	for (char *c = t; *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	v = json_string(t);
	free(t);
	return v;
}

static void
jw_set(struct json_writer *w, json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v) != 0)
		w->bad = 1;
}

static void
jw_append(struct json_writer *w, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v) != 0)
		w->bad = 1;
}

static json_t *
jw_load(struct json_writer *w, const struct pr_problem *p,
    const int64_t *load)
{
	json_t *a = json_array();

	for (int d = 0; d < p->n_dims; d++)
		jw_append(w, a, json_integer((json_int_t)load[d]));
	return a;
}

/* location_index and, for geographic JSON problems, [lon, lat]. */
static void
jw_location(struct json_writer *w, const struct pr_problem *p, json_t *o,
    int loc)
{
	json_t *c;

	if (loc < 0)
		return;
	jw_set(w, o, "location_index", json_integer(loc));
	if (p->coords == NULL || p->source != PR_SOURCE_JSON)
		return;
	c = json_array();
	jw_append(w, c, jw_num(p->coords[2 * loc], 1e6));
	jw_append(w, c, jw_num(p->coords[2 * loc + 1], 1e6));
	jw_set(w, o, "location", c);
}

static json_t *
jw_route(struct json_writer *w, const struct pr_problem *p,
    const struct pr_route *rt)
{
	const struct pr_vehicle *v = &p->vehicles[rt->vehicle];
	json_t *o = json_object(), *steps = json_array(), *st;

	jw_set(w, o, "vehicle", jw_str(v->id));
	jw_set(w, o, "profile", jw_str(p->profiles[v->profile].name));
	jw_set(w, o, "distance", jw_num(rt->distance, 1e4));
	jw_set(w, o, "duration", jw_num(rt->end_time - rt->start_time, 1e4));
	jw_set(w, o, "start_time", jw_num(rt->start_time, 1e4));
	jw_set(w, o, "end_time", jw_num(rt->end_time, 1e4));
	jw_set(w, o, "travel_time", jw_num(rt->travel_time, 1e4));
	jw_set(w, o, "service", jw_num(rt->service_time, 1e4));
	jw_set(w, o, "waiting_time", jw_num(rt->waiting_time, 1e4));
	jw_set(w, o, "load", jw_load(w, p, rt->load));

	st = json_object();
	jw_set(w, st, "type", json_string("start"));
	jw_location(w, p, st, v->start);
	jw_set(w, st, "departure", jw_num(rt->start_time, 1e4));
	jw_append(w, steps, st);
	for (int k = 0; k < rt->n_steps; k++) {
		const struct pr_step *s = &rt->steps[k];
		const struct pr_job *j = &p->jobs[s->job];

		st = json_object();
		jw_set(w, st, "type", json_string("pickup"));
		jw_set(w, st, "id", jw_str(j->id));
		jw_location(w, p, st, j->location);
		jw_set(w, st, "arrival", jw_num(s->arrival, 1e4));
		jw_set(w, st, "service_start", jw_num(s->service_start, 1e4));
		jw_set(w, st, "waiting", jw_num(s->waiting, 1e4));
		jw_set(w, st, "service", jw_num(j->service, 1e4));
		jw_set(w, st, "load", jw_load(w, p, s->load));
		jw_append(w, steps, st);
	}
	st = json_object();
	jw_set(w, st, "type", json_string("end"));
	jw_location(w, p, st, v->end);
	jw_set(w, st, "arrival", jw_num(rt->end_time, 1e4));
	jw_append(w, steps, st);
	jw_set(w, o, "steps", steps);
	return o;
}

char *
pr_solution_to_json(const struct pr_problem *p, const struct pr_solution *s)
{
	struct json_writer w = { 0 };
	json_t *root, *sum, *routes, *un;
	double service = 0, waiting = 0, travel = 0;
	char *text;

	/* A solution of another problem would index out of bounds. */
	for (int r = 0; r < s->n_routes; r++) {
		const struct pr_route *rt = &s->routes[r];

		if (rt->vehicle < 0 || rt->vehicle >= p->n_vehicles)
			return NULL;
		for (int k = 0; k < rt->n_steps; k++)
			if (rt->steps[k].job < 0 ||
			    rt->steps[k].job >= p->n_jobs)
				return NULL;
		service += rt->service_time;
		waiting += rt->waiting_time;
		travel += rt->travel_time;
	}
	for (int u = 0; u < s->n_unassigned; u++)
		if (s->unassigned[u].job < 0 ||
		    s->unassigned[u].job >= p->n_jobs)
			return NULL;

	root = json_object();
	sum = json_object();
	jw_set(&w, sum, "cost", jw_num(s->cost, 1e4));
	jw_set(&w, sum, "distance", jw_num(s->distance, 1e4));
	jw_set(&w, sum, "duration", jw_num(s->duration, 1e4));
	jw_set(&w, sum, "routes", json_integer(s->n_routes));
	jw_set(&w, sum, "unassigned", json_integer(s->n_unassigned));
	jw_set(&w, sum, "computing_time_ms",
	    jw_num(s->computing_ms < 0 ? 0 : s->computing_ms, 1e4));
	jw_set(&w, sum, "service", jw_num(service, 1e4));
	jw_set(&w, sum, "waiting_time", jw_num(waiting, 1e4));
	jw_set(&w, sum, "travel_time", jw_num(travel, 1e4));
	jw_set(&w, sum, "proven_optimal", json_boolean(s->proven_optimal));
	jw_set(&w, sum, "iterations", json_integer(s->iterations));
	if (s->seed <= (uint64_t)INT64_MAX)
		jw_set(&w, sum, "seed", json_integer((json_int_t)s->seed));
	else {
		char buf[24];

		/* jansson integers are signed 64-bit. */
		snprintf(buf, sizeof(buf), "%" PRIu64, s->seed);
		jw_set(&w, sum, "seed", json_string(buf));
	}
	jw_set(&w, sum, "threads", json_integer(s->threads));
	jw_set(&w, root, "summary", sum);

	routes = json_array();
	for (int r = 0; r < s->n_routes; r++)
		jw_append(&w, routes, jw_route(&w, p, &s->routes[r]));
	jw_set(&w, root, "routes", routes);

	un = json_array();
	for (int u = 0; u < s->n_unassigned; u++) {
		const struct pr_unassigned *ua = &s->unassigned[u];
		const struct pr_job *j = &p->jobs[ua->job];
		json_t *o = json_object();

		jw_set(&w, o, "id", jw_str(j->id));
		jw_location(&w, p, o, j->location);
		jw_set(&w, o, "reason", jw_str(ua->reason));
		jw_set(&w, o, "detail", jw_str(ua->detail));
		jw_append(&w, un, o);
	}
	jw_set(&w, root, "unassigned", un);

	text = w.bad ? NULL : json_dumps(root, JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(root);
	return text;
}
