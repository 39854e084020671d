/* travel.h: the travel model of a region: road distance from great-circle distance and the districts' circuity, time from a profile's speed. */
#ifndef POSTROUTE_TRAVEL_H
#define POSTROUTE_TRAVEL_H

/* Pure and reentrant; the region is only read. */

#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Road distance in metres between two points = great-circle distance x
 * circuity, where the circuity is the mean of the two points' districts
 * (d1, d2; -1 for the region default). Travel time in seconds = distance
 * / the speed of region profile `profile`.
 */
PR_API double pr_travel_m(const struct pr_region *r, double lon1,
    double lat1, int d1, double lon2, double lat2, int d2);
PR_API double pr_travel_s(const struct pr_region *r, int profile,
    double lon1, double lat1, int d1, double lon2, double lat2, int d2);
/* The fastest region profile of which the office owns a vehicle, or -1
 * when its fleet is empty. */
PR_API int pr_office_fastest_profile(const struct pr_region *r, int office);

#ifdef __cplusplus
}
#endif

#endif
