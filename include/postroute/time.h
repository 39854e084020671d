/* time.h: instants and local dates of the rural domain: ISO 8601 times, dates, local midnights, times of day. */
#ifndef POSTROUTE_TIME_H
#define POSTROUTE_TIME_H

/*
 * Every instant is an absolute int64_t number of seconds since the Unix
 * epoch (UTC). Times of day in a region (shifts, departures) are seconds
 * after local midnight, local = UTC + utc_offset (seconds east of UTC;
 * Vietnam: 25200). Proleptic Gregorian calendar, no leap seconds.
 *
 * Pure and reentrant: any thread may call these at any time.
 */

#include <stddef.h>
#include <stdint.h>

#include "postroute/postroute.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_DAY_S 86400           /* seconds in a (local) day */

struct pr_region;

/* Parses ISO 8601 "2026-08-20T09:15:00+07:00" (also Z, fractions, no
 * seconds, a space for the T). An explicit offset is required. Fills
 * *epoch and, when not NULL, *utc_offset with the offset it was written
 * with. Returns 0 or PR_EINVAL. */
PR_API int pr_time_parse(const char *s, int64_t *epoch, int *utc_offset);
/* Formats epoch as "YYYY-MM-DDTHH:MM:SS+HH:MM" at utc_offset into buf
 * (26 bytes suffice; truncated to n). */
PR_API void pr_time_format(int64_t epoch, int utc_offset, char *buf,
    size_t n);
/* "2026-08-20" -> *day_start, the epoch of that date's local midnight.
 * Returns 0 or PR_EINVAL. */
PR_API int pr_date_parse(const char *s, int utc_offset, int64_t *day_start);
/* The local midnight (epoch) of the day that contains t in region r
 * (only r->utc_offset is read). */
PR_API int64_t pr_day_start(const struct pr_region *r, int64_t t);
/* The local calendar date of instant t: *y, *m (1-12), *d (1-31). */
PR_API void pr_local_date(int64_t t, int utc_offset, int *y, int *m, int *d);
/* "HH:MM" or "HH:MM:SS" as seconds after midnight into *out ("24:00"
 * allowed). Returns 0, or PR_EINVAL. */
PR_API int pr_time_of_day_parse(const char *s, int *out);

#ifdef __cplusplus
}
#endif

#endif
