/* tile.h: a synthetic national region: copies of one province's region tiled side by side (postroute-sim --provinces, issue 17). */
#ifndef POSTROUTE_BENCH_TILE_H
#define POSTROUTE_BENCH_TILE_H

#include <stddef.h>

#include "postroute/postroute.h"
#include "postroute/region.h"

/* Provinces a tiled region may have. */
#define TILE_MAX_PROVINCES 99

/*
 * Builds a region of n copies ("provinces") of the region JSON in json
 * (len bytes), as new JSON text (the caller frees it with free()), or
 * NULL with err filled (PR_EINVAL: not a region, n out of range).
 *
 * Province k (0-based) is the original moved by TILE_DLON x (k % 5)
 * degrees east and TILE_DLAT x (k / 5) degrees south (a grid five
 * provinces wide), so that no two overlap (the original must fit in one
 * cell; checked). Every code and id gets the province's number: district
 * "178" becomes "07178", office "C05971" "P07C05971"; communes are
 * numbered in the province, its i-th "07iii" (an event's commune is a
 * five-digit code; at most 1000 communes, checked), and the references
 * follow (a commune's district, an office's commune, the hub). Names get
 * " (P07)". Profiles, destinations and defaults are shared. The result
 * is named "<name>-x<n>". Pure: any thread.
 */
char *tile_region(const char *json, size_t len, int n, struct pr_error *err);

#define TILE_DLON 1.3   /* degrees between columns */
#define TILE_DLAT 1.1   /* degrees between rows */

#endif
