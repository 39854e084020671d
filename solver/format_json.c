/* format_json.c: problem JSON in: the reader, its value readers, vehicles, jobs and pins. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "format_json.h"

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
 * at the offending value rather than at a job id. Every key is understood
 * or refused by name (json_keys): a VROOM field that postroute does not
 * support, shipments among them, is an error, never silently dropped.
 * Locations, profiles and matrices are read by format_json_travel.c,
 * vehicles by format_json_vehicle.c.
 */

int
json_err(struct json_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pr_vseterr(r->err, PR_EINVAL, fmt, ap);
	va_end(ap);
	return PR_EINVAL;
}

/* A member, or NULL when it is absent or JSON null (both mean "default"). */
json_t *
json_get(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

/* A finite number in [lo, hi]. */
int
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
int
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
int
json_index(struct json_reader *r, const json_t *v, const char *path, int n,
    int *out)
{
	long long x = 0;

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
int
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
int
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

int
json_keys(struct json_reader *r, const json_t *o, const char *path,
    const struct json_key *keys)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		const struct json_key *k;

		if (json_is_null(v))
			continue;
		for (k = keys; k->key != NULL; k++)
			if (strcmp(k->key, key) == 0)
				break;
		if (k->key == NULL)
			return json_err(r, "%s%s%s: unknown key (see "
			    "docs/problem-format.md)", path, *path ? "." : "",
			    key);
		if (k->refused != NULL)
			return json_err(r, "%s%s%s: %s", path,
			    *path ? "." : "", key, k->refused);
	}
	return 0;
}

int
json_description(struct json_reader *r, const json_t *o, const char *path,
    int *off)
{
	const json_t *x = json_get(o, "description");
	const char *s;

	if (x == NULL)
		return 0;
	if (!json_is_string(x))
		return json_err(r, "%s.description: must be a string", path);
	s = json_string_value(x);
	if (json_string_length(x) != strlen(s))
		return json_err(r, "%s.description: contains a NUL byte", path);
	*off = pr_problem_add_text(r->p, s);
	return 0;
}

/* A skills array: non-negative integers, each added to the problem's
 * skills and set in out. */
int
json_skills(struct json_reader *r, const json_t *a, const char *path,
    uint64_t *out)
{
	char ep[JSON_PATH];

	if (!json_is_array(a))
		return json_err(r, "%s: must be an array of non-negative "
		    "integers", path);
	for (size_t i = 0; i < json_array_size(a); i++) {
		long long x;
		int s;

		snprintf(ep, sizeof(ep), "%s[%zu]", path, i);
		if (json_integer_at(r, json_array_get(a, i), ep, &x) != 0)
			return PR_EINVAL;
		if (x < 0 || (double)x > JSON_MAX_VALUE)
			return json_err(r, "%s: %lld out of range [0, 1e15]",
			    ep, x);
		if ((s = pr_problem_skill(r->p, x)) < 0)
			return json_err(r, "%s: more than %d different skills",
			    ep, PR_MAX_SKILLS);
		pr_skill_set(out, s);
	}
	return 0;
}

/* A time window [start, end] of non-negative seconds. */
int
json_tw(struct json_reader *r, const json_t *a, const char *path,
    struct pr_tw *tw)
{
	char ep[JSON_PATH * 3];

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

static int
json_tw_cmp(const void *a, const void *b)
{
	const struct pr_tw *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* An array of 1 to PR_MAX_TW windows at path, sorted, with overlapping or
 * touching windows merged (the union is what the windows mean). */
int
json_tws(struct json_reader *r, const json_t *x, const char *path,
    struct pr_tw *tw, int *n_tw)
{
	char ep[JSON_PATH * 2];
	size_t n = json_array_size(x);
	int k;

	if (!json_is_array(x) || n < 1 || n > PR_MAX_TW)
		return json_err(r, "%s: must be an array of 1 to %d "
		    "[start, end] windows", path, PR_MAX_TW);
	for (size_t w = 0; w < n; w++) {
		snprintf(ep, sizeof(ep), "%s[%zu]", path, w);
		if (json_tw(r, json_array_get(x, w), ep, &tw[w]) != 0)
			return PR_EINVAL;
	}
	qsort(tw, n, sizeof(tw[0]), json_tw_cmp);
	k = 0;
	for (size_t w = 1; w < n; w++) {
		if (tw[w].start <= tw[k].end) {
			if (tw[w].end > tw[k].end)
				tw[k].end = tw[w].end;
		} else
			tw[++k] = tw[w];
	}
	*n_tw = k + 1;
	return 0;
}

/* ---- jobs ------------------------------------------------------------------- */

static const struct json_key json_job_keys[] = {
	{ "id", NULL }, { "description", NULL }, { "location", NULL },
	{ "location_index", NULL }, { "setup", NULL }, { "service", NULL },
	{ "pickup", NULL }, { "delivery", NULL }, { "skills", NULL },
	{ "priority", NULL }, { "time_windows", NULL },
	{ "pinned_vehicle", NULL }, { "pinned_rank", NULL },
	{ "amount", "is deprecated in VROOM and not read: give \"pickup\" "
	    "or \"delivery\"" },
	{ "setup_per_type", "setup times per vehicle type are not supported" },
	{ "service_per_type", "service times per vehicle type are not "
	    "supported" },
	{ NULL, NULL }
};

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
	if (json_keys(r, o, path, json_job_keys) != 0)
		return PR_EINVAL;
	pr_job_init(&j);
	if ((x = json_get(o, "id")) == NULL)
		return json_err(r, "%s: missing \"id\"", path);
	snprintf(ep, sizeof(ep), "%s.id", path);
	if (json_id(r, x, ep, j.id) != 0)
		return PR_EINVAL;
	j.id_int = json_is_integer(x);
	if (json_description(r, o, path, &j.description) != 0)
		return PR_EINVAL;
	if (json_location(r, o, path, "location", "location_index", 1,
	    &j.location) != 0)
		return PR_EINVAL;
	if ((x = json_get(o, "service")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.service", path);
		if (json_number(r, x, ep, 0, JSON_MAX_VALUE, &j.service) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "setup")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.setup", path);
		if (json_number(r, x, ep, 0, JSON_MAX_VALUE, &j.setup) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "pickup")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.pickup", path);
		if (json_amounts(r, x, ep, j.pickup) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "delivery")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.delivery", path);
		if (json_amounts(r, x, ep, j.delivery) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "skills")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.skills", path);
		if (json_skills(r, x, ep, j.skills) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "time_windows")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.time_windows", path);
		if (json_tws(r, x, ep, j.tw, &j.n_tw) != 0)
			return PR_EINVAL;
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

static const struct json_key json_root_keys[] = {
	{ "name", NULL }, { "comment", NULL }, { "vehicles", NULL },
	{ "jobs", NULL },
	{ "shipments", NULL }, { "profiles", NULL }, { "matrices", NULL },
	{ "matrix", "the deprecated VROOM matrix is not supported: give "
	    "\"matrices\": {\"car\": {\"durations\": [...]}}" },
	{ NULL, NULL }
};

static int
json_read(struct json_reader *r, const json_t *root)
{
	struct pr_problem *p = r->p;
	const json_t *x, *vehicles, *jobs;
	size_t n;
	int rc;

	if (!json_is_object(root))
		return json_err(r, "the problem must be a JSON object");
	if (json_keys(r, root, "", json_root_keys) != 0)
		return PR_EINVAL;
	/* A pickup and its delivery on one vehicle, pickup first: not
	 * supported (docs/problem-format.md says why); an empty list asks
	 * nothing. */
	if ((x = json_get(root, "shipments")) != NULL) {
		if (!json_is_array(x))
			return json_err(r, "shipments: must be an array");
		if (json_array_size(x) > 0)
			return json_err(r, "shipments[0]: shipments are not "
			    "supported (a pickup and its delivery on one "
			    "vehicle); give jobs with \"pickup\" or "
			    "\"delivery\"");
	}
	if ((x = json_get(root, "name")) != NULL) {
		if (!json_is_string(x))
			return json_err(r, "name: must be a string");
		json_copy_utf8(p->name, json_string_value(x), sizeof(p->name));
	}
	/* a note for people, not read */
	if ((x = json_get(root, "comment")) != NULL && !json_is_string(x))
		return json_err(r, "comment: must be a string");
	if ((r->profiles = json_get(root, "profiles")) != NULL &&
	    !json_is_object(r->profiles))
		return json_err(r, "profiles: must be an object");
	if ((r->matrices = json_get(root, "matrices")) != NULL) {
		if ((rc = json_check_matrices(r)) != 0)
			return rc;
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
		if ((rc = json_vehicle(r, json_array_get(vehicles, i),
		    (int)i)) != 0)
			return rc;
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
	/* The budget with what is known so far (each job may bring a
	 * location), before the jobs are read. */
	if (format_check_budget(r->rp, p->n_locations + (r->matrices ?
	    0 : (int)n), p->n_profiles, (int)n, p->n_vehicles, r->err) != 0)
		return PR_ETOOBIG;
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
	return problem_finalize(p, r->matrices == NULL, r->rp, r->err);
}

int
pr_problem_from_json(const char *buf, size_t len, struct pr_problem **out,
    struct pr_error *err)
{
	return format_json_read(buf, len, NULL, out, err);
}

int
format_json_read(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
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
	r.rp = rp;
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
