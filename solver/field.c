/* field.c: reading the fields of a JSON object with jansson, each error naming the JSON path (region and event readers). */
#include <string.h>

#include "field.h"
#include "postroute/time.h"

int
field_num(json_t *obj, const char *key, const char *path, int required,
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

int
field_str(json_t *obj, const char *key, const char *path, int required,
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

int
field_tod(json_t *v, const char *path, int *out, struct pr_error *err)
{
	if (!json_is_string(v) ||
	    pr_time_of_day_parse(json_string_value(v), out) != 0)
		return pr_seterr(err, PR_EINVAL, "%s: must be a time of day "
		    "\"HH:MM\"", path);
	return 0;
}

int
field_point(json_t *obj, const char *key, const char *path, int required,
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

json_t *
field_array(json_t *root, const char *key, int required,
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
