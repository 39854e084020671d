/* format_json_vehicle.c: problem JSON in: vehicles, their costs and breaks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format_json.h"

#define JSON_DEFAULT_PROFILE "car"

static const struct json_key json_vehicle_keys[] = {
	{ "id", NULL }, { "profile", NULL }, { "description", NULL },
	{ "type", NULL }, { "start", NULL }, { "start_index", NULL },
	{ "end", NULL }, { "end_index", NULL }, { "capacity", NULL },
	{ "costs", NULL }, { "skills", NULL }, { "time_window", NULL },
	{ "breaks", NULL }, { "speed_factor", NULL }, { "max_tasks", NULL },
	{ "max_travel_time", NULL },
	{ "max_distance", "a distance limit is not supported" },
	{ "steps", "custom routes (vehicle steps) are not supported" },
	{ NULL, NULL }
};

static const struct json_key json_cost_keys[] = {
	{ "fixed", NULL }, { "per_hour", NULL }, { "per_km", NULL },
	{ "per_task_hour", "a cost per hour of task time is not supported" },
	{ NULL, NULL }
};

static const struct json_key json_break_keys[] = {
	{ "id", NULL }, { "time_windows", NULL }, { "service", NULL },
	{ "description", NULL },
	{ "max_load", "a load limit during a break is not supported" },
	{ NULL, NULL }
};

/*
 * Whether breaks b[0..n) can be taken one after the other within the
 * shift tw, each inside a window (VROOM's check): the earliest start of
 * each from the shift's start, the latest from its end. Returns the
 * first break that cannot, or -1.
 */
static int
json_breaks_fit(const struct pr_break *b, int n, const struct pr_tw *shift)
{
	double early[PR_MAX_BREAKS], t = shift->start;

	for (int i = 0; i < n; i++) {
		int w;

		for (w = 0; w < b[i].n_tw && b[i].tw[w].end < t; w++)
			;
		if (w == b[i].n_tw)
			return i;
		early[i] = t > b[i].tw[w].start ? t : b[i].tw[w].start;
		t = early[i] + b[i].service;
	}
	t = shift->end;
	for (int i = n - 1; i >= 0; i--) {
		int w;

		t -= b[i].service;
		for (w = b[i].n_tw - 1; w >= 0 && b[i].tw[w].start > t; w--)
			;
		if (w < 0)
			return i;
		if (b[i].tw[w].end < t)
			t = b[i].tw[w].end;
		if (t < early[i])
			return i;
	}
	return -1;
}

/* The breaks of vehicle v (at path): added to the problem, each id once
 * per vehicle, all of them able to fit in the shift. */
static int
json_breaks(struct json_reader *r, const json_t *a, const char *path,
    struct pr_vehicle *v)
{
	char bp[JSON_PATH + 24], ep[JSON_PATH + 48];
	struct pr_break b[PR_MAX_BREAKS];
	size_t n = json_array_size(a);
	int bad;

	if (!json_is_array(a))
		return json_err(r, "%s: must be an array of breaks", path);
	if (n > PR_MAX_BREAKS)
		return json_err(r, "%s: at most %d breaks", path,
		    PR_MAX_BREAKS);
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(a, i), *x;

		snprintf(bp, sizeof(bp), "%s[%zu]", path, i);
		if (!json_is_object(o))
			return json_err(r, "%s: must be an object", bp);
		if (json_keys(r, o, bp, json_break_keys) != 0)
			return PR_EINVAL;
		pr_break_init(&b[i]);
		if (json_description(r, o, bp, &b[i].description) != 0)
			return PR_EINVAL;
		if ((x = json_get(o, "id")) == NULL)
			return json_err(r, "%s: missing \"id\"", bp);
		snprintf(ep, sizeof(ep), "%s.id", bp);
		if (json_id(r, x, ep, b[i].id) != 0)
			return PR_EINVAL;
		b[i].id_int = json_is_integer(x);
		for (size_t k = 0; k < i; k++)
			if (strcmp(b[k].id, b[i].id) == 0)
				return json_err(r, "%s: duplicate id \"%s\" "
				    "(break ids are unique per vehicle)", ep,
				    b[i].id);
		if ((x = json_get(o, "time_windows")) != NULL) {
			snprintf(ep, sizeof(ep), "%s.time_windows", bp);
			if (json_tws(r, x, ep, b[i].tw, &b[i].n_tw) != 0)
				return PR_EINVAL;
		}
		if ((x = json_get(o, "service")) != NULL) {
			snprintf(ep, sizeof(ep), "%s.service", bp);
			if (json_number(r, x, ep, 0, JSON_MAX_VALUE,
			    &b[i].service) != 0)
				return PR_EINVAL;
		}
	}
	if ((bad = json_breaks_fit(b, (int)n, &v->tw)) >= 0)
		return json_err(r, "%s[%d]: cannot be taken within the "
		    "vehicle's time_window (with the breaks before and after "
		    "it)", path, bad);
	v->n_breaks = (int)n;
	v->breaks = r->p->n_breaks;
	for (size_t i = 0; i < n; i++)
		pr_problem_add_break(r->p, &b[i]);
	return 0;
}

int
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
	if (json_keys(r, o, path, json_vehicle_keys) != 0)
		return PR_EINVAL;
	pr_vehicle_init(&v);
	if ((x = json_get(o, "id")) == NULL)
		return json_err(r, "%s: missing \"id\"", path);
	snprintf(ep, sizeof(ep), "%s.id", path);
	if (json_id(r, x, ep, v.id) != 0)
		return PR_EINVAL;
	v.id_int = json_is_integer(x);
	if (json_description(r, o, path, &v.description) != 0)
		return PR_EINVAL;
	/* the type only matters for setup_per_type and service_per_type,
	 * which are refused */
	if ((x = json_get(o, "type")) != NULL && !json_is_string(x))
		return json_err(r, "%s.type: must be a string", path);
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
	if ((x = json_get(o, "skills")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.skills", path);
		if (json_skills(r, x, ep, v.skills) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "breaks")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.breaks", path);
		if (json_breaks(r, x, ep, &v) != 0)
			return PR_EINVAL;
	}
	if ((x = json_get(o, "max_tasks")) != NULL) {
		long long ll;

		snprintf(ep, sizeof(ep), "%s.max_tasks", path);
		if (json_integer_at(r, x, ep, &ll) != 0)
			return PR_EINVAL;
		if (ll < 0 || ll > 1000000)
			return json_err(r, "%s: %lld out of range [0, 1000000]",
			    ep, ll);
		v.max_tasks = (int)ll;
	}
	if ((x = json_get(o, "costs")) != NULL) {
		static const char *const keys[] = { "fixed", "per_hour",
		    "per_km" };
		double *dst[] = { &v.fixed_cost, &v.per_hour, &v.per_km };
		const json_t *f;

		if (!json_is_object(x))
			return json_err(r, "%s.costs: must be an object", path);
		snprintf(ep, sizeof(ep), "%s.costs", path);
		if (json_keys(r, x, ep, json_cost_keys) != 0)
			return PR_EINVAL;
		for (size_t k = 0; k < 3; k++) {
			if ((f = json_get(x, keys[k])) == NULL)
				continue;
			snprintf(ep, sizeof(ep), "%s.costs.%s", path, keys[k]);
			if (json_number(r, f, ep, 0, JSON_MAX_VALUE,
			    dst[k]) != 0)
				return PR_EINVAL;
		}
		if ((v.per_hour >= 0 || v.per_km >= 0) &&
		    r->matrices != NULL && (f = json_get(r->matrices,
		    prof)) != NULL && json_get(f, "costs") != NULL)
			return json_err(r, "%s.costs: per_hour and per_km "
			    "cannot be used with matrices.%s.costs (the cost "
			    "matrix already says what travel costs)", path,
			    prof);
	}
	if ((x = json_get(o, "speed_factor")) != NULL) {
		snprintf(ep, sizeof(ep), "%s.speed_factor", path);
		if (json_number(r, x, ep, 0, 5, &v.speed_factor) != 0)
			return PR_EINVAL;
		if (!(v.speed_factor > 0))
			return json_err(r, "%s: must be in (0, 5]", ep);
	}
	pr_problem_add_vehicle(r->p, &v);
	return 0;
}

