/* tile.c: a synthetic national region: copies of one province's region tiled side by side (postroute-sim --provinces, issue 17). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tile.h"

/*
 * Vietnam has some 10,000 commune post offices in 63 (now 34) provinces;
 * Lạng Sơn's region has 209 offices over 194 communes. Fifty copies of it
 * make a national network of the right size (10,450 offices) whose every
 * province has the real structure of one: its districts, road circuity,
 * fleets, shifts and line-haul. Copies are moved on a grid rather than
 * stacked, so that distances inside a province are unchanged (up to the
 * cosine of the latitude) and no pickup is nearer another province's
 * office than its own. The work is done on the JSON document, so that the
 * result is a region file the daemon reads like any other.
 */

#define TILE_COLS 5

static int
tile_err(struct pr_error *err, const char *msg, const char *what)
{
	if (err != NULL) {
		err->code = PR_EINVAL;
		snprintf(err->msg, sizeof(err->msg), "tile: %.40s%s%.100s", msg,
		    what != NULL ? " " : "", what != NULL ? what : "");
	}
	return PR_EINVAL;
}

/* Sets obj.key to prefix + its string value; -1 when it is no string. */
static int
tile_prefix(json_t *obj, const char *key, const char *prefix, size_t max)
{
	json_t *v = json_object_get(obj, key);
	char buf[256];

	if (!json_is_string(v))
		return -1;
	if (snprintf(buf, sizeof(buf), "%s%s", prefix, json_string_value(v)) >=
	    (int)max)
		return -1;
	json_object_set_new(obj, key, json_string(buf));
	return 0;
}

/* Moves the point [lon, lat] at obj.key, when there is one. */
static void
tile_move(json_t *obj, const char *key, double dlon, double dlat)
{
	json_t *p = json_object_get(obj, key);

	if (!json_is_array(p) || json_array_size(p) != 2)
		return;
	json_array_set_new(p, 0, json_real(json_number_value(
	    json_array_get(p, 0)) + dlon));
	json_array_set_new(p, 1, json_real(json_number_value(
	    json_array_get(p, 1)) - dlat));
}

/* The bounding box of every point of the communes and offices. */
static void
tile_bbox(json_t *arr, double *b)
{
	static const char *const keys[] = { "point", "area_point" };
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
		for (int k = 0; k < 2; k++) {
			json_t *p = json_object_get(o, keys[k]);
			double lon, lat;

			if (!json_is_array(p) || json_array_size(p) != 2)
				continue;
			lon = json_number_value(json_array_get(p, 0));
			lat = json_number_value(json_array_get(p, 1));
			if (lon < b[0])
				b[0] = lon;
			if (lon > b[1])
				b[1] = lon;
			if (lat < b[2])
				b[2] = lat;
			if (lat > b[3])
				b[3] = lat;
		}
}

/* The new code of the commune with the original code: province k's
 * i-th commune is "kkiii" (five digits, what an event's commune must
 * be); -1 when the region has no such commune. */
static int
tile_commune(json_t *communes, const char *orig, int k, char *code,
    size_t n)
{
	size_t i;
	json_t *c;

	json_array_foreach(communes, i, c)
		if (json_is_string(json_object_get(c, "code")) &&
		    strcmp(json_string_value(json_object_get(c, "code")),
		    orig) == 0) {
			snprintf(code, n, "%02d%03d", k % 100, (int)(i % 1000));
			return 0;
		}
	return -1;
}

/* Sets obj.key (a commune code of the original) to its new code. */
static int
tile_recode(json_t *obj, const char *key, json_t *communes, int k)
{
	json_t *v = json_object_get(obj, key);
	char code[16];

	if (!json_is_string(v) ||
	    tile_commune(communes, json_string_value(v), k, code,
	    sizeof(code)) != 0)
		return -1;
	json_object_set_new(obj, key, json_string(code));
	return 0;
}

/* Appends province k's copies of src's elements to dst (communes: the
 * original's, for the codes). */
static int
tile_copy(json_t *src, json_t *dst, const char *what, int k,
    json_t *communes, struct pr_error *err)
{
	char code[8], id[8], name[16];
	double dlon = TILE_DLON * (k % TILE_COLS);
	double dlat = TILE_DLAT * (k / TILE_COLS);
	size_t i;
	json_t *o;

	snprintf(code, sizeof(code), "%02d", k);
	snprintf(id, sizeof(id), "P%02d", k);
	snprintf(name, sizeof(name), " (P%02d)", k);
	json_array_foreach(src, i, o) {
		json_t *c = json_deep_copy(o);
		int bad = 0;

		if (strcmp(what, "districts") == 0) {
			bad = tile_prefix(c, "code", code, PR_CODE_LEN);
		} else if (strcmp(what, "communes") == 0) {
			bad = tile_recode(c, "code", communes, k) ||
			    tile_prefix(c, "district", code, PR_CODE_LEN);
			tile_move(c, "point", dlon, dlat);
			tile_move(c, "area_point", dlon, dlat);
		} else {
			bad = tile_prefix(c, "id", id, PR_MAX_ID) ||
			    tile_recode(c, "commune", communes, k);
			tile_move(c, "point", dlon, dlat);
		}
		if (json_is_string(json_object_get(c, "name")))
			json_object_set_new(c, "name", json_sprintf("%s%s",
			    json_string_value(json_object_get(c, "name")),
			    name));
		if (bad) {
			json_decref(c);
			return tile_err(err, what, "has an element without a "
			    "code or id, or one too long for a prefix");
		}
		json_array_append_new(dst, c);
	}
	return 0;
}

char *
tile_region(const char *json, size_t len, int n, struct pr_error *err)
{
	static const char *const parts[] = { "districts", "communes",
	    "offices" };
	json_t *root, *out, *v;
	json_error_t je;
	double bb[4] = { 1e9, -1e9, 1e9, -1e9 };
	char buf[256], *text;

	if (n < 1 || n > TILE_MAX_PROVINCES) {
		snprintf(buf, sizeof(buf), "(%d): from 1 to %d", n,
		    TILE_MAX_PROVINCES);
		tile_err(err, "provinces", buf);
		return NULL;
	}
	if ((root = json_loadb(json, len, 0, &je)) == NULL ||
	    !json_is_object(root)) {
		json_decref(root);
		tile_err(err, "not a JSON object:", je.text);
		return NULL;
	}
	for (int p = 0; p < 3; p++)
		if (!json_is_array(json_object_get(root, parts[p]))) {
			json_decref(root);
			tile_err(err, "the region has no array", parts[p]);
			return NULL;
		}
	if (json_array_size(json_object_get(root, "communes")) > 1000) {
		json_decref(root);
		tile_err(err, "the region has more than 1000 communes (a "
		    "province's commune codes are kk000 to kk999)", NULL);
		return NULL;
	}
	tile_bbox(json_object_get(root, "communes"), bb);
	tile_bbox(json_object_get(root, "offices"), bb);
	if (bb[1] - bb[0] >= TILE_DLON || bb[3] - bb[2] >= TILE_DLAT) {
		json_decref(root);
		tile_err(err, "the region is larger than a cell of the grid",
		    NULL);
		return NULL;
	}
	out = json_deep_copy(root);
	for (int p = 0; p < 3; p++) {
		json_t *arr = json_array();

		for (int k = 0; k < n; k++)
			if (tile_copy(json_object_get(root, parts[p]), arr,
			    parts[p], k, json_object_get(root, "communes"),
			    err) != 0) {
				json_decref(arr);
				json_decref(out);
				json_decref(root);
				return NULL;
			}
		json_object_set_new(out, parts[p], arr);
	}
	if (tile_prefix(out, "hub", "P00", PR_MAX_ID) != 0) {
		json_decref(out);
		json_decref(root);
		tile_err(err, "the region has no hub", NULL);
		return NULL;
	}
	v = json_object_get(root, "region");
	json_object_set_new(out, "region", json_sprintf("%s-x%d",
	    json_is_string(v) ? json_string_value(v) : "region", n));
	json_object_set_new(out, "generated_by", json_sprintf("postroute-sim "
	    "--provinces %d: %d copies of %s on a grid (%.1f x %.1f degrees)",
	    n, n, json_is_string(v) ? json_string_value(v) : "a region",
	    TILE_DLON, TILE_DLAT));
	json_decref(root);
	text = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(9));
	json_decref(out);
	if (text == NULL)
		tile_err(err, "out of memory", NULL);
	return text;
}
