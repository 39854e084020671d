/* region.h: a region of the rural domain (districts, communes, post offices with fleets, shifts and line-haul, destinations), read from JSON. */
#ifndef POSTROUTE_REGION_H
#define POSTROUTE_REGION_H

/*
 * The rural domain (docs/domain.md has the rules): a region
 * (config/regions/NAME.json) holds districts, communes, post offices with
 * their fleets, shifts and line-haul departures, and the destinations
 * reached from the provincial hub. Times of day are seconds after local
 * midnight (postroute/time.h).
 *
 * A region is immutable once parsed and may be shared read-only between
 * threads; every function here is pure and reentrant.
 */

#include <stddef.h>
#include <stdint.h>

#include "postroute/postroute.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pr_region_index;

#define PR_CODE_LEN 8            /* a GSO code ("06463") with its NUL */
#define PR_NAME_LEN 96           /* a UTF-8 name with its NUL */
#define PR_DOM_MAX_PROFILES 4    /* vehicle kinds in a region */
#define PR_DOM_MAX_DEPARTURES 12 /* departures per office or destination */

enum pr_office_level {
	PR_OFFICE_COMMUNE = 0,   /* bưu điện văn hóa xã */
	PR_OFFICE_DISTRICT = 1,  /* district post office at the district seat */
	PR_OFFICE_MAIN = 2       /* other main Vietnam Post office */
};

struct pr_dom_profile {
	char name[PR_MAX_ID];    /* "motorbike", "van" */
	double speed_kmh;        /* average on rural roads */
	int64_t capacity_g;
	double cost_per_km;      /* VND, reporting only */
	double fixed_cost;       /* per trip, added to the routing cost */
};

struct pr_district {
	char code[PR_CODE_LEN];
	char name[PR_NAME_LEN];
	double circuity;         /* road / great-circle distance */
};

struct pr_commune {
	char code[PR_CODE_LEN];
	char name[PR_NAME_LEN];
	int district;            /* index into districts */
	double lon, lat;         /* the commune point: its office */
	double area_lon, area_lat; /* centroid of its territory */
	double area_km2;
	double population;       /* relative weight (2009 census) */
	int office;              /* its own (commune) office, index */
};

/* A daily line-haul departure from an office towards the provincial hub. */
struct pr_departure {
	int time;                /* seconds after local midnight */
	int cutoff;              /* parcels at the office this many s before */
	double hub_s;            /* transit time to the hub, seconds */
};

/* A destination region served from the hub. */
struct pr_destination {
	char id[PR_MAX_ID];      /* "HN" */
	char name[PR_NAME_LEN];
	int n_departures;
	/* From the hub, seconds after local midnight, sorted. */
	int departures[PR_DOM_MAX_DEPARTURES];
	double transit_s;        /* hub to the destination's sorting centre */
	double sort_s;           /* sorting there before delivery */
	int deliver_from;        /* daily delivery window, s after midnight */
	int deliver_to;
	double last_mile_s;      /* out for delivery to delivered */
};

struct pr_office {
	char id[PR_MAX_ID];
	char name[PR_NAME_LEN];
	enum pr_office_level level;
	int commune;             /* index of the commune it stands in */
	int district;            /* index */
	double lon, lat;
	int fleet[PR_DOM_MAX_PROFILES]; /* vehicles per region profile */
	int shift_start, shift_end;     /* seconds after local midnight */
	int n_departures;
	struct pr_departure departures[PR_DOM_MAX_DEPARTURES]; /* by time */
};

struct pr_region {
	char name[PR_MAX_ID];
	int utc_offset;          /* seconds east of UTC (Vietnam: 25200) */
	int hub;                 /* index of the hub office */
	double hub_sort_s;       /* at the hub, arrival to onward departure */
	double circuity;         /* default for districts without their own */
	double service_s;        /* at a household */
	double radius_m;         /* clustering: offices within (great circle) */
	double max_trip_s;       /* shifts are cut into trips of at most this */
	double perishable_hold_s;/* perishable: picked up this soon */
	double move_penalty_s;   /* clustering: leaving the home office */
	double late_penalty_s;   /* clustering: an office that would be late */
	double stops_per_trip;   /* clustering: vehicle-hours estimate */
	double utilisation;      /* clustering: usable share of vehicle-hours */
	int n_profiles;
	struct pr_dom_profile profiles[PR_DOM_MAX_PROFILES];
	int n_districts;
	struct pr_district *districts;
	int n_communes;
	struct pr_commune *communes;
	int n_destinations;
	struct pr_destination *destinations;
	int n_offices;
	struct pr_office *offices;
	/* Private: the lookup tables of pr_region_commune and friends,
	 * built by pr_region_from_json. */
	struct pr_region_index *index;
};

/* Parses a region JSON (config/regions/langson.json, docs/domain.md) from
 * memory. On success *out is a new region, owned by the caller
 * (pr_region_free), and 0 is returned; otherwise PR_EINVAL with err
 * naming the JSON path. */
PR_API int pr_region_from_json(const char *buf, size_t len,
    struct pr_region **out, struct pr_error *err);
/* Frees r and everything it owns; NULL is a no-op. */
PR_API void pr_region_free(struct pr_region *r);

/* Index of the commune, office, destination, profile or district with
 * this code, id or name; -1 when unknown. A binary search over tables
 * sorted once by pr_region_from_json (O(log n) per event). */
PR_API int pr_region_commune(const struct pr_region *r, const char *code);
PR_API int pr_region_office(const struct pr_region *r, const char *id);
PR_API int pr_region_destination(const struct pr_region *r, const char *id);
PR_API int pr_region_profile(const struct pr_region *r, const char *name);
PR_API int pr_region_district(const struct pr_region *r, const char *code);

#ifdef __cplusplus
}
#endif

#endif
