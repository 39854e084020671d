/* format_json.h: the problem JSON reader's state and value readers, shared by format_json.c and format_json_travel.c (private). */
/* (The json_ names are the reader's own, not jansson's.) */
#ifndef POSTROUTE_FORMAT_JSON_H
#define POSTROUTE_FORMAT_JSON_H

#include <jansson.h>

#include "format.h"
#include "util.h"

#define JSON_MAX_VALUE 1e15         /* amounts, times, matrix entries */
#define JSON_MAX_LOCATIONS 10000    /* matrices are n^2 per profile */

/* Fixed-size path buffers are enough: errors are one 160-byte line. */
#define JSON_PATH 96

/* Open-addressing set of coordinate pairs, mapping to location indices. */
struct json_locset {
	int *slot;               /* location index + 1; 0 = empty */
	size_t cap;              /* a power of two */
};

/* One problem being read. */
struct json_reader {
	struct pr_problem *p;
	struct pr_error *err;
	const struct pr_read_params *rp;  /* the memory budget, or NULL */
	json_t *profiles;        /* "profiles" or NULL */
	json_t *matrices;        /* "matrices" or NULL */
	int n_matrix;            /* locations, when matrices are given */
	int dims;                /* amount dimensions, 0 before the first array */
	char dims_path[64];      /* the array that fixed dims */
	struct json_locset locs;
};

/* Fills the reader's error with the message; returns PR_EINVAL. */
int json_err(struct json_reader *r, const char *fmt, ...)
    PR_PRINTF(2, 3);
/* A member, or NULL when it is absent or JSON null (both mean
 * "default"). */
json_t *json_get(const json_t *o, const char *key);
/* A finite number in [lo, hi] at path; 0 or PR_EINVAL. */
int json_number(struct json_reader *r, const json_t *v,
    const char *path, double lo, double hi, double *out);
/* An index in [0, n) at path; 0 or PR_EINVAL. */
int json_index(struct json_reader *r, const json_t *v,
    const char *path, int n, int *out);
/* An integer (an integral real such as 3.0 too). */
int json_integer_at(struct json_reader *r, const json_t *v,
    const char *path, long long *out);
/* An amount array; every amount array must have the same length. */
int json_amounts(struct json_reader *r, const json_t *a, const char *path,
    int64_t *out);
/* A job, vehicle or break id: an integer or a non-empty string of fewer
 * than PR_MAX_ID bytes, copied to dst as a string. */
int json_id(struct json_reader *r, const json_t *v, const char *path,
    char *dst);
/* A skills array: each value added to the problem's skills, set in out. */
int json_skills(struct json_reader *r, const json_t *a, const char *path,
    uint64_t *out);
/* A time window [start, end] of non-negative seconds. */
int json_tw(struct json_reader *r, const json_t *a, const char *path,
    struct pr_tw *tw);
/* 1 to PR_MAX_TW windows, sorted, overlapping ones merged. */
int json_tws(struct json_reader *r, const json_t *x, const char *path,
    struct pr_tw *tw, int *n_tw);
/* A description: a string, kept in the problem's text; *off its offset. */
int json_description(struct json_reader *r, const json_t *o,
    const char *path, int *off);

/* A key of an object of the problem JSON: understood (refused == NULL) or
 * refused by name, refused saying why. */
struct json_key {
	const char *key;
	const char *refused;
};

/* Every member of object o (at path; "" at the top) is a key of keys
 * (ended by a NULL key) that is not refused: else PR_EINVAL naming
 * "path.key" and what is wrong. A member whose value is null counts as
 * absent. Nothing is ever ignored. */
int json_keys(struct json_reader *r, const json_t *o, const char *path,
    const struct json_key *keys);

/* format_json_vehicle.c */
/* Vehicle i of the problem, added to it. */
int json_vehicle(struct json_reader *r, const json_t *o, int i);

/* format_json_travel.c */
/* The location of object o (at path): coordinates under key, or with
 * matrices an index under ikey; *out = -1 when neither is there and the
 * location is optional. 0 or PR_EINVAL. */
int json_location(struct json_reader *r, const json_t *o,
    const char *path, const char *key, const char *ikey, int required,
    int *out);
/* Validates every entry of "matrices" and fixes r->n_matrix. */
int json_check_matrices(struct json_reader *r);
/* The index of the profile called name (used at path), added on first
 * use; a negative PR_E* code on error. */
int json_profile(struct json_reader *r, const char *name,
    const char *path);

#endif
