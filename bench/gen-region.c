/* gen-region.c: builds config/regions/langson.json from the Lạng Sơn CSVs in ../shared/data/vietnam. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "benchutil.h"
#include "postroute/postroute.h"

/*
 * usage: gen-region [--data DIR] [--out FILE|-]
 *
 * One commune office per commune (194, at the commune point), the 15
 * main Vietnam Post offices (the 11 at district seats act as district
 * offices; GD Cấp 1 Lạng Sơn is the provincial hub), fleets sized from
 * the 2009 population, and line-haul departures chained commune office
 * -> district office -> hub -> destination. Every number that is an
 * assumption rather than data is a named constant below and explained
 * in docs/domain.md. The output is deterministic: regenerate and diff.
 */

#define GEN_MAX_ROWS 512
#define GEN_MAX_COLS 32

/* Line-haul assumptions (docs/domain.md, "Lạng Sơn defaults"). */
static const int gen_district_departs[] = {
	11 * 3600 + 1800, 16 * 3600 + 1800
};
#define GEN_DISTRICT_CUTOFF_MIN 30
#define GEN_COMMUNE_CUTOFF_MIN 15
#define GEN_TRUNK_KMH 45.0      /* district seat -> hub, national roads */
#define GEN_TRUNK_CIRCUITY 1.3
#define GEN_COLLECT_KMH 35.0    /* district van collecting from communes */
#define GEN_STOP_MIN 10.0       /* each stop of the collection van */
#define GEN_HUB_HANDLING_H 0.25

struct gen_table {
	int nrows, ncols;
	char *head[GEN_MAX_COLS];
	char *cell[GEN_MAX_ROWS][GEN_MAX_COLS];
	char *buf;
};

struct gen_district {
	char code[8], name[96], seat[8];
	double seat_lon, seat_lat, pop, circuity;
	int office;  /* index into offices written, -1 */
};

static char *
gen_slurp(const char *path)
{
	char *b = bench_read_file(path, NULL);

	if (b == NULL) {
		fprintf(stderr, "gen-region: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return b;
}

/* RFC 4180 CSV, parsed in place: quoted fields, "" escapes, CRLF. */
static void
gen_csv(const char *path, struct gen_table *t)
{
	char *p, *w;
	int row = -1, col = 0;

	memset(t, 0, sizeof(*t));
	t->buf = gen_slurp(path);
	p = t->buf;
	while (*p != '\0') {
		char *start = w = p;

		if (*p == '"') {
			p++;
			start = w = p;
			for (;;) {
				if (*p == '\0')
					break;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
		} else {
			while (*p != ',' && *p != '\n' && *p != '\r' &&
			    *p != '\0')
				w = ++p;
		}
		{
			char sep = *p;

			if (sep == '\r' && p[1] == '\n')
				p++;
			sep = *p;
			*w = '\0';
			if (sep != '\0')
				p++;
			if (col >= GEN_MAX_COLS || row >= GEN_MAX_ROWS) {
				fprintf(stderr, "gen-region: %s: too many "
				    "rows or columns\n", path);
				exit(1);
			}
			if (row < 0)
				t->head[col] = start;
			else
				t->cell[row][col] = start;
			col++;
			if (sep == '\n' || sep == '\r' || sep == '\0') {
				if (row < 0)
					t->ncols = col;
				else if (col != t->ncols && !(col == 1 &&
				    *start == '\0')) {
					fprintf(stderr, "gen-region: %s: row "
					    "%d has %d fields, expected %d\n",
					    path, row + 2, col, t->ncols);
					exit(1);
				}
				if (!(row >= 0 && col == 1 && *start == '\0'))
					row++;
				col = 0;
			}
		}
	}
	t->nrows = row < 0 ? 0 : row;
}

static const char *
gen_get(const struct gen_table *t, int row, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (strcmp(t->head[c], name) == 0)
			return t->cell[row][c] != NULL ? t->cell[row][c] : "";
	fprintf(stderr, "gen-region: no column \"%s\"\n", name);
	exit(1);
}

static double
gen_num(const struct gen_table *t, int row, const char *name)
{
	const char *s = gen_get(t, row, name);
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "gen-region: row %d: %s: \"%s\" is not a "
		    "number\n", row + 2, name, s);
		exit(1);
	}
	return v;
}

/* Winding factor per district: the flatter valleys along QL1A (the city,
 * Cao Lộc, Chi Lăng, Hữu Lũng) wind less than the karst and hill
 * districts of the north and east. Assumptions in the 1.3-1.8 band the
 * data README suggests. */
static double
gen_circuity(const char *district_code)
{
	static const struct {
		const char *code;
		double c;
	} t[] = {
		{ "178", 1.30 }, { "183", 1.40 }, { "187", 1.40 },
		{ "186", 1.45 }, { "182", 1.50 }, { "188", 1.55 },
		{ "184", 1.55 }, { "185", 1.60 }, { "180", 1.65 },
		{ "181", 1.70 }, { "189", 1.70 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].code, district_code) == 0)
			return t[i].c;
	return 1.5;
}

static json_t *
gen_point(double lon, double lat)
{
	json_t *a = json_array();

	json_array_append_new(a, json_real(round(lon * 1e5) / 1e5));
	json_array_append_new(a, json_real(round(lat * 1e5) / 1e5));
	return a;
}

static json_t *
gen_tod(int s)
{
	char b[8];

	s = ((s % 86400) + 86400) % 86400;
	snprintf(b, sizeof(b), "%02d:%02d", s / 3600, s / 60 % 60);
	return json_string(b);
}

static json_t *
gen_shift(int a, int b)
{
	json_t *v = json_array();

	json_array_append_new(v, gen_tod(a));
	json_array_append_new(v, gen_tod(b));
	return v;
}

static json_t *
gen_departure(int t, int cutoff_min, double hub_h)
{
	json_t *o = json_object();

	json_object_set_new(o, "depart", gen_tod(t));
	json_object_set_new(o, "cutoff_min", json_integer(cutoff_min));
	json_object_set_new(o, "hub_h", json_real(round(hub_h * 100) / 100));
	return o;
}

static json_t *
gen_fleet(int motorbikes, int vans)
{
	json_t *o = json_object();

	json_object_set_new(o, "motorbike", json_integer(motorbikes));
	if (vans > 0)
		json_object_set_new(o, "van", json_integer(vans));
	return o;
}

static int
gen_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
gen_write_line(FILE *f, json_t *v, const char *indent, int last)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));

	if (s == NULL) {
		fprintf(stderr, "gen-region: out of memory\n");
		exit(1);
	}
	fprintf(f, "%s%s%s\n", indent, s, last ? "" : ",");
	free(s);
}

static void
gen_write_array(FILE *f, const char *key, json_t *a, int last)
{
	size_t i;
	json_t *v;

	fprintf(f, "  \"%s\": [\n", key);
	json_array_foreach(a, i, v)
		gen_write_line(f, v, "    ", i + 1 == json_array_size(a));
	fprintf(f, "  ]%s\n", last ? "" : ",");
}

static json_t *
gen_destination(const char *id, const char *name, const int *deps, int n,
    double transit_h, double sort_h, int from, int to, double last_mile_h)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "name", json_string(name));
	for (int i = 0; i < n; i++)
		json_array_append_new(a, gen_tod(deps[i]));
	json_object_set_new(o, "hub_departures", a);
	json_object_set_new(o, "transit_h", json_real(transit_h));
	json_object_set_new(o, "sort_h", json_real(sort_h));
	json_object_set_new(o, "delivery_window", gen_shift(from, to));
	json_object_set_new(o, "last_mile_h", json_real(last_mile_h));
	return o;
}

#define H(h, m) ((h) * 3600 + (m) * 60)

int
main(int argc, char **argv)
{
	const char *dir = "../shared/data/vietnam", *outpath =
	    "config/regions/langson.json";
	static struct gen_table cm, ds, po;
	static struct gen_district dist[32];
	char path[1024];
	int nd, ch, hub_row = -1;
	double hub_lon = 0, hub_lat = 0;
	json_t *districts = json_array(), *communes = json_array();
	json_t *offices = json_array(), *dests = json_array();
	json_t *profiles = json_array(), *o;
	FILE *f;
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	while ((ch = getopt_long(argc, argv, "d:o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		default:
			fprintf(stderr, "usage: gen-region [--data DIR] "
			    "[--out FILE|-]\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	snprintf(path, sizeof(path), "%s/langson_communes.csv", dir);
	gen_csv(path, &cm);
	snprintf(path, sizeof(path), "%s/langson_districts.csv", dir);
	gen_csv(path, &ds);
	snprintf(path, sizeof(path), "%s/langson_post_offices.csv", dir);
	gen_csv(path, &po);
	if (cm.nrows != 194 || ds.nrows != 11 || po.nrows != 15)
		fprintf(stderr, "gen-region: warning: %d communes, %d "
		    "districts, %d offices (expected 194, 11, 15)\n",
		    cm.nrows, ds.nrows, po.nrows);

	/* The hub: the provincial office GD Cấp 1 Lạng Sơn. */
	for (int i = 0; i < po.nrows; i++)
		if (strcmp(gen_get(&po, i, "office_code"), "240000") == 0) {
			hub_row = i;
			hub_lon = gen_num(&po, i, "lon");
			hub_lat = gen_num(&po, i, "lat");
		}
	if (hub_row < 0) {
		fprintf(stderr, "gen-region: no office 240000 (the hub)\n");
		return 1;
	}

	nd = ds.nrows < 32 ? ds.nrows : 32;
	for (int i = 0; i < nd; i++) {
		struct gen_district *d = &dist[i];

		snprintf(d->code, sizeof(d->code), "%s",
		    gen_get(&ds, i, "code"));
		snprintf(d->name, sizeof(d->name), "%s",
		    gen_get(&ds, i, "name"));
		snprintf(d->seat, sizeof(d->seat), "%s",
		    gen_get(&ds, i, "seat_code"));
		d->seat_lon = gen_num(&ds, i, "seat_lon");
		d->seat_lat = gen_num(&ds, i, "seat_lat");
		d->pop = gen_num(&ds, i, "population_2009");
		d->circuity = gen_circuity(d->code);
		o = json_object();
		json_object_set_new(o, "code", json_string(d->code));
		json_object_set_new(o, "name", json_string(d->name));
		json_object_set_new(o, "circuity", json_real(d->circuity));
		json_array_append_new(districts, o);
	}

	/* Profiles: a motorbike carries 80 kg (the README's 80-120 kg,
	 * low end: foam boxes are bulky), a van 700 kg. */
	o = json_object();
	json_object_set_new(o, "name", json_string("motorbike"));
	json_object_set_new(o, "speed_kmh", json_real(25));
	json_object_set_new(o, "capacity_kg", json_real(80));
	json_object_set_new(o, "cost_per_km", json_real(1500));
	json_object_set_new(o, "fixed_cost", json_real(0));
	json_array_append_new(profiles, o);
	o = json_object();
	json_object_set_new(o, "name", json_string("van"));
	json_object_set_new(o, "speed_kmh", json_real(35));
	json_object_set_new(o, "capacity_kg", json_real(700));
	json_object_set_new(o, "cost_per_km", json_real(5000));
	json_object_set_new(o, "fixed_cost", json_real(0));
	json_array_append_new(profiles, o);

	/* Communes and their commune offices. */
	for (int i = 0; i < cm.nrows; i++) {
		const char *code = gen_get(&cm, i, "code");
		const char *dc = gen_get(&cm, i, "district_code");
		double lon = gen_num(&cm, i, "lon");
		double lat = gen_num(&cm, i, "lat");
		double pop = gen_num(&cm, i, "population_2009");
		struct gen_district *d = NULL;
		json_t *lh = json_array();
		char id[16];
		double t_cs, hub_d;
		int mb;

		for (int k = 0; k < nd; k++)
			if (strcmp(dist[k].code, dc) == 0)
				d = &dist[k];
		if (d == NULL) {
			fprintf(stderr, "gen-region: commune %s: unknown "
			    "district %s\n", code, dc);
			return 1;
		}
		o = json_object();
		json_object_set_new(o, "code", json_string(code));
		json_object_set_new(o, "name",
		    json_string(gen_get(&cm, i, "full_name")));
		json_object_set_new(o, "district", json_string(dc));
		json_object_set_new(o, "point", gen_point(lon, lat));
		json_object_set_new(o, "area_point",
		    gen_point(gen_num(&cm, i, "area_lon"),
		    gen_num(&cm, i, "area_lat")));
		json_object_set_new(o, "area_km2",
		    json_real(gen_num(&cm, i, "area_km2_2009")));
		json_object_set_new(o, "population",
		    json_integer((json_int_t)pop));
		json_array_append_new(communes, o);

		/* The district's collection van calls at the commune office
		 * on its way to the district seat, before each district
		 * departure. */
		t_cs = pr_haversine_m(lon, lat, d->seat_lon, d->seat_lat) *
		    d->circuity / (GEN_COLLECT_KMH / 3.6) + GEN_STOP_MIN * 60;
		hub_d = GEN_HUB_HANDLING_H + pr_haversine_m(d->seat_lon,
		    d->seat_lat, hub_lon, hub_lat) * GEN_TRUNK_CIRCUITY /
		    (GEN_TRUNK_KMH * 1000);
		for (size_t k = 0; k < 2; k++) {
			int dep = gen_district_departs[k] - (int)t_cs;

			dep -= dep % 300;   /* whole 5 minutes, earlier */
			json_array_append_new(lh, gen_departure(dep,
			    GEN_COMMUNE_CUTOFF_MIN,
			    (gen_district_departs[k] - dep) / 3600.0 + hub_d));
		}
		/* One motorbike per ~3,500 people (2009), 1 to 3; peak
		 * season adds one in the custard-apple districts. */
		mb = gen_clamp((int)lround(pop / 3500.0), 1, 3);
		if (strcmp(dc, "187") == 0 || strcmp(dc, "186") == 0)
			mb++;
		snprintf(id, sizeof(id), "C%s", code);
		o = json_object();
		json_object_set_new(o, "id", json_string(id));
		{
			char nm[160];

			snprintf(nm, sizeof(nm), "BĐVHX %s",
			    gen_get(&cm, i, "full_name"));
			json_object_set_new(o, "name", json_string(nm));
		}
		json_object_set_new(o, "level", json_string("commune"));
		json_object_set_new(o, "commune", json_string(code));
		json_object_set_new(o, "fleet", gen_fleet(mb, 0));
		json_object_set_new(o, "shift", gen_shift(H(7, 30), H(17, 0)));
		json_object_set_new(o, "linehaul", lh);
		json_array_append_new(offices, o);
	}

	/* Main offices: district offices at the seats (vans), others in
	 * towns. All send straight to the hub. */
	for (int i = 0; i < po.nrows; i++) {
		const char *code = gen_get(&po, i, "office_code");
		const char *cc = gen_get(&po, i, "commune_code");
		double lon = gen_num(&po, i, "lon");
		double lat = gen_num(&po, i, "lat");
		struct gen_district *d = NULL;
		json_t *lh = json_array();
		double hub_h;
		int is_seat = 0, vans, mb;

		for (int k = 0; k < nd; k++)
			if (strcmp(dist[k].code, gen_get(&po, i,
			    "district_code")) == 0) {
				d = &dist[k];
				is_seat = strcmp(dist[k].seat, cc) == 0;
			}
		if (d == NULL) {
			fprintf(stderr, "gen-region: office %s: unknown "
			    "district\n", code);
			return 1;
		}
		hub_h = i == hub_row ? 0.1 : GEN_HUB_HANDLING_H +
		    pr_haversine_m(lon, lat, hub_lon, hub_lat) *
		    GEN_TRUNK_CIRCUITY / (GEN_TRUNK_KMH * 1000);
		for (size_t k = 0; k < 2; k++)
			json_array_append_new(lh, gen_departure(
			    gen_district_departs[k], GEN_DISTRICT_CUTOFF_MIN,
			    hub_h));
		if (i == hub_row) {
			vans = 3;
			mb = 4;
		} else if (is_seat) {
			vans = 1 + (int)lround(d->pop / 60000.0);
			mb = 2 + (int)lround(d->pop / 40000.0);
			if (strcmp(d->code, "187") == 0 ||
			    strcmp(d->code, "186") == 0)
				vans += 2;  /* custard-apple season */
		} else {
			vans = 1;
			mb = 2;
		}
		o = json_object();
		json_object_set_new(o, "id", json_string(code));
		{
			char nm[160];

			snprintf(nm, sizeof(nm), "Bưu cục %s",
			    gen_get(&po, i, "name"));
			json_object_set_new(o, "name", json_string(nm));
		}
		json_object_set_new(o, "level", json_string(is_seat ?
		    "district" : "main"));
		json_object_set_new(o, "commune", json_string(cc));
		json_object_set_new(o, "point", gen_point(lon, lat));
		json_object_set_new(o, "fleet", gen_fleet(mb, vans));
		json_object_set_new(o, "shift", gen_shift(H(7, 0), H(17, 30)));
		json_object_set_new(o, "linehaul", lh);
		json_array_append_new(offices, o);
	}

	/* Destinations from the hub (Lạng Sơn city): Hà Nội is 155 km by
	 * QL1A/CT; the rest of the north goes through Hà Nội; the centre
	 * and the south by air from Nội Bài. */
	{
		static const int ls[] = { H(6, 30), H(13, 30) };
		static const int hn[] = { H(14, 0), H(19, 30) };
		static const int night[] = { H(19, 30) };

		json_array_append_new(dests, gen_destination("LS",
		    "Lạng Sơn (in province)", ls, 2, 1.5, 0.5, H(7, 30),
		    H(18, 0), 3));
		json_array_append_new(dests, gen_destination("HN", "Hà Nội",
		    hn, 2, 3.5, 1.5, H(7, 0), H(21, 0), 2.5));
		json_array_append_new(dests, gen_destination("NORTH",
		    "Northern provinces via Hà Nội", night, 1, 6, 2,
		    H(7, 30), H(18, 0), 5));
		json_array_append_new(dests, gen_destination("CENTRAL",
		    "Central provinces (air via Nội Bài)", night, 1, 14, 2,
		    H(7, 30), H(18, 0), 5));
		json_array_append_new(dests, gen_destination("SOUTH",
		    "Southern provinces (air via Nội Bài)", night, 1, 12, 2,
		    H(7, 30), H(18, 0), 5));
	}

	if (strcmp(outpath, "-") == 0) {
		f = stdout;
	} else if ((f = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "gen-region: %s: %s\n", outpath,
		    strerror(errno));
		return 1;
	}
	fprintf(f, "{\n");
	fprintf(f, "  \"region\": \"langson\",\n");
	fprintf(f, "  \"generated_by\": \"build/gen-region from "
	    "../shared/data/vietnam (GSO 2025-03-01 communes, "
	    "2009 census)\",\n");
	fprintf(f, "  \"utc_offset\": \"+07:00\",\n");
	fprintf(f, "  \"hub\": \"240000\",\n");
	fprintf(f, "  \"defaults\": {\"circuity\": 1.5, \"service_min\": 4, "
	    "\"radius_km\": 15, \"max_trip_h\": 3, \"perishable_hold_h\": 8, "
	    "\"move_penalty_min\": 10, \"late_penalty_min\": 480, "
	    "\"stops_per_trip\": 8, "
	    "\"utilisation\": 0.85, \"hub_sort_min\": 45},\n");
	gen_write_array(f, "profiles", profiles, 0);
	gen_write_array(f, "districts", districts, 0);
	gen_write_array(f, "destinations", dests, 0);
	gen_write_array(f, "communes", communes, 0);
	gen_write_array(f, "offices", offices, 1);
	fprintf(f, "}\n");
	if (f != stdout && fclose(f) != 0) {
		fprintf(stderr, "gen-region: %s: %s\n", outpath,
		    strerror(errno));
		return 1;
	}
	json_decref(districts);
	json_decref(communes);
	json_decref(offices);
	json_decref(dests);
	json_decref(profiles);
	free(cm.buf);
	free(ds.buf);
	free(po.buf);
	return 0;
}
