/* field.h: reading the fields of a JSON object with jansson, each error naming the JSON path (private). */
#ifndef POSTROUTE_FIELD_H
#define POSTROUTE_FIELD_H

#include <jansson.h>

#include "util.h"

/*
 * Each reader looks up key in obj (path is obj's JSON path, for the
 * message: "offices[3]"). An absent key is an error only when required
 * (the output is then left alone, so it keeps its default). Each returns
 * 0, or PR_EINVAL with err saying "path.key: what is wrong".
 */

/* A number in [lo, hi]. */
int field_num(json_t *obj, const char *key, const char *path,
    int required, double lo, double hi, double *out, struct pr_error *err);
/* A string shorter than n bytes (not empty when required). */
int field_str(json_t *obj, const char *key, const char *path,
    int required, char *buf, size_t n, struct pr_error *err);
/* v itself (path is its own path) as a time of day "HH:MM". */
int field_tod(json_t *v, const char *path, int *out,
    struct pr_error *err);
/* A [lon, lat] pair. */
int field_point(json_t *obj, const char *key, const char *path,
    int required, double *lon, double *lat, struct pr_error *err);
/* The array root.key, or NULL with *rc = 0 when absent and not required,
 * or NULL with *rc = PR_EINVAL. */
json_t *field_array(json_t *root, const char *key, int required,
    struct pr_error *err, int *rc);

#endif
