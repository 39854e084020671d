/* travel.c: road distance and travel time in the mountains: great-circle x circuity / speed. */
#include <math.h>

#include "util.h"
#include "postroute/travel.h"

/*
 * No routable road network exists for Lạng Sơn (the shared data's road
 * file is a coarse display skeleton), so travel is modelled: the
 * great-circle distance times a circuity factor (road length / straight
 * line), divided by the vehicle profile's average speed. Roads wind more
 * in some districts than in others, so each district carries its own
 * factor; a trip between two districts uses the mean of both. The
 * defaults and their reasons are in docs/domain.md.
 */

static double
travel_circuity(const struct pr_region *r, int d)
{
	if (d < 0 || d >= r->n_districts)
		return r->circuity;
	return r->districts[d].circuity;
}

double
pr_travel_m(const struct pr_region *r, double lon1, double lat1, int d1,
    double lon2, double lat2, int d2)
{
	double c = 0.5 * (travel_circuity(r, d1) + travel_circuity(r, d2));

	return pr_haversine_m(lon1, lat1, lon2, lat2) * c;
}

double
pr_travel_s(const struct pr_region *r, int profile, double lon1, double lat1,
    int d1, double lon2, double lat2, int d2)
{
	double v;

	if (profile < 0 || profile >= r->n_profiles)
		return INFINITY;
	v = r->profiles[profile].speed_kmh / 3.6;
	return pr_travel_m(r, lon1, lat1, d1, lon2, lat2, d2) / v;
}

int
pr_office_fastest_profile(const struct pr_region *r, int office)
{
	int best = -1;

	for (int p = 0; p < r->n_profiles; p++)
		if (r->offices[office].fleet[p] > 0 && (best < 0 ||
		    r->profiles[p].speed_kmh > r->profiles[best].speed_kmh))
			best = p;
	return best;
}
