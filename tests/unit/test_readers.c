/* test_readers.c: the problem readers (JSON, Solomon, CVRPLIB), format detection and the solution JSON writer. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "postroute/postroute.h"
#include "testutil.h"

static struct pr_problem *
json_ok(const char *text)
{
	struct pr_problem *p = NULL;
	struct pr_error e = { 0, "" };
	char *s = tu_sq(text);
	int rc = pr_problem_from_json(s, strlen(s), &p, &e);

	cr_assert_eq(rc, 0, "pr_problem_from_json: %d: %s", rc, e.msg);
	cr_assert_not_null(p);
	free(s);
	return p;
}

/* The reader must fail with PR_EINVAL and a message containing want. */
static void
json_bad(const char *text, const char *want)
{
	struct pr_problem *p = (struct pr_problem *)1;
	struct pr_error e = { 0, "" };
	char *s = tu_sq(text);
	int rc = pr_problem_from_json(s, strlen(s), &p, &e);

	cr_assert_eq(rc, PR_EINVAL, "expected PR_EINVAL for %s, got %d (%s)",
	    s, rc, e.msg);
	cr_assert_null(p);
	cr_assert_eq(e.code, PR_EINVAL);
	cr_assert_not_null(strstr(e.msg, want),
	    "message \"%s\" lacks \"%s\"", e.msg, want);
	free(s);
}

static struct pr_problem *
text_ok(int (*reader)(const char *, size_t, struct pr_problem **,
    struct pr_error *), const char *s)
{
	struct pr_problem *p = NULL;
	struct pr_error e = { 0, "" };
	int rc = reader(s, strlen(s), &p, &e);

	cr_assert_eq(rc, 0, "reader failed: %d: %s", rc, e.msg);
	cr_assert_not_null(p);
	return p;
}

static void
text_bad(int (*reader)(const char *, size_t, struct pr_problem **,
    struct pr_error *), const char *s, const char *want)
{
	struct pr_problem *p = (struct pr_problem *)1;
	struct pr_error e = { 0, "" };
	int rc = reader(s, strlen(s), &p, &e);

	cr_assert_eq(rc, PR_EINVAL, "expected PR_EINVAL, got %d (%s)", rc,
	    e.msg);
	cr_assert_null(p);
	cr_assert_not_null(strstr(e.msg, want),
	    "message \"%s\" lacks \"%s\"", e.msg, want);
}

static double
dur(const struct pr_problem *p, int prof, int a, int b)
{
	return p->profiles[prof].durations[(size_t)a * p->n_locations + b];
}

static double
dist(const struct pr_problem *p, int prof, int a, int b)
{
	return p->profiles[prof].distances[(size_t)a * p->n_locations + b];
}

/* ---- problem JSON: good inputs ------------------------------------------ */

#define DEPOT "[106.5878,21.662]"
#define VEH "'vehicles':[{'id':'m1','profile':'motorbike','start':" DEPOT \
	",'end':" DEPOT ",'capacity':[80]}]"
#define JOB(id, extra) "{'id':" id ",'location':[106.6,21.65]" extra "}"

Test(readers, json_geo_problem)
{
	struct pr_problem *p = json_ok("{'name':'t1','vehicles':["
	    "{'id':'m1','profile':'motorbike','start':" DEPOT ",'end':" DEPOT
	    ",'capacity':[80,10],'time_window':[25200,61200],"
	    "'max_travel_time':7200,'costs':{'fixed':100}},"
	    "{'id':2,'profile':'van','start':" DEPOT ",'end':" DEPOT
	    ",'capacity':[700,50]}],"
	    "'jobs':["
	    "{'id':17,'location':[106.6,21.65],'service':300,"
	    "'pickup':[5,1],'time_windows':[[30000,36000]],'priority':10},"
	    "{'id':'b','location':[106.61,21.66],'pickup':[30,2]},"
	    "{'id':'c','location':[106.6,21.65]}],"
	    "'comment':'a note, not read'}");

	cr_assert_str_eq(p->name, "t1");
	cr_assert_eq(p->source, PR_SOURCE_JSON);
	cr_assert_eq(p->n_dims, 2);
	cr_assert_eq(p->n_jobs, 3);
	cr_assert_eq(p->n_vehicles, 2);
	/* Depot, (106.6, 21.65) shared by two jobs, (106.61, 21.66). */
	cr_assert_eq(p->n_locations, 3);
	cr_assert_not_null(p->coords);
	cr_assert_float_eq(p->coords[0], 106.5878, 1e-12);
	cr_assert_eq(p->jobs[0].location, p->jobs[2].location);
	cr_assert_neq(p->jobs[0].location, p->jobs[1].location);
	cr_assert_eq(p->vehicles[0].start, 0);
	cr_assert_eq(p->vehicles[1].end, 0);

	cr_assert_str_eq(p->jobs[0].id, "17");
	cr_assert_float_eq(p->jobs[0].service, 300, 1e-12);
	cr_assert_eq(p->jobs[0].pickup[0], 5);
	cr_assert_eq(p->jobs[0].pickup[1], 1);
	cr_assert_eq(p->jobs[0].n_tw, 1);
	cr_assert_float_eq(p->jobs[0].tw[0].start, 30000, 1e-12);
	cr_assert_float_eq(p->jobs[0].tw[0].end, 36000, 1e-12);
	cr_assert_eq(p->jobs[0].priority, 10);
	cr_assert_eq(p->jobs[0].pinned_vehicle, -1);
	/* Defaults: no pickup = zeros, no window = [0, inf). */
	cr_assert_eq(p->jobs[2].pickup[0], 0);
	cr_assert_eq(p->jobs[2].pickup[1], 0);
	cr_assert_float_eq(p->jobs[2].tw[0].start, 0, 1e-12);
	cr_assert(isinf(p->jobs[2].tw[0].end));
	cr_assert_float_eq(p->jobs[2].service, 0, 1e-12);

	cr_assert_str_eq(p->vehicles[0].id, "m1");
	cr_assert_str_eq(p->vehicles[1].id, "2");
	cr_assert_str_eq(p->vehicles[0].profile_name, "motorbike");
	cr_assert_eq(p->vehicles[0].capacity[0], 80);
	cr_assert_eq(p->vehicles[0].capacity[1], 10);
	cr_assert_float_eq(p->vehicles[0].tw.start, 25200, 1e-12);
	cr_assert_float_eq(p->vehicles[0].tw.end, 61200, 1e-12);
	cr_assert_float_eq(p->vehicles[0].max_travel_time, 7200, 1e-12);
	cr_assert_float_eq(p->vehicles[0].fixed_cost, 100, 1e-12);
	cr_assert(isinf(p->vehicles[1].tw.end));
	cr_assert(p->vehicles[1].max_travel_time < 0);

	/* Two profiles, built-in speeds, circuity 1.5. */
	cr_assert_eq(p->n_profiles, 2);
	{
		const struct pr_vehicle *m = &p->vehicles[0], *v = &p->vehicles[1];
		int a = 0, b = p->jobs[1].location;
		double gc = pr_haversine_m(p->coords[2 * a],
		    p->coords[2 * a + 1], p->coords[2 * b],
		    p->coords[2 * b + 1]);

		cr_assert_neq(m->profile, v->profile);
		cr_assert_float_eq(p->profiles[m->profile].speed_kmh, 30, 1e-12);
		cr_assert_float_eq(p->profiles[v->profile].speed_kmh, 40, 1e-12);
		cr_assert_float_eq(dist(p, m->profile, a, b), gc * 1.5, 1e-6);
		cr_assert_float_eq(dur(p, m->profile, a, b),
		    gc * 1.5 / (30 / 3.6), 1e-6);
		cr_assert_float_eq(dur(p, v->profile, a, b),
		    gc * 1.5 / (40 / 3.6), 1e-6);
		cr_assert_float_eq(dur(p, m->profile, b, a),
		    dur(p, m->profile, a, b), 1e-9);
		cr_assert_float_eq(dur(p, m->profile, b, b), 0, 1e-12);
	}
	pr_problem_free(p);
}

Test(readers, json_matrices)
{
	struct pr_problem *p = json_ok("{'vehicles':["
	    "{'id':'v','profile':'van','start_index':0,'end_index':0},"
	    "{'id':'t','profile':'special','start_index':2}],"
	    "'jobs':[{'id':1,'location_index':1,'location':[1,2]},"
	    "{'id':2,'location_index':2}],"
	    "'matrices':{"
	    "'van':{'durations':[[0,10,20],[11,0,5],[21,6,0]],"
	    "'distances':[[0,100,200],[110,0,50],[210,60,0]]},"
	    "'special':{'durations':[[0,1,2],[3,0,4],[5,6,0]]},"
	    "'unused':{'durations':[[0,1,1],[1,0,1],[1,1,0]]}}}");
	int van = p->vehicles[0].profile, sp = p->vehicles[1].profile;

	cr_assert_eq(p->n_locations, 3);
	/* coordinates beside an index are kept for the answer alone */
	cr_assert_not_null(p->coords);
	cr_assert_float_eq(p->coords[2], 1, 1e-12);
	cr_assert_float_eq(p->coords[3], 2, 1e-12);
	cr_assert(isnan(p->coords[4]));
	cr_assert_eq(p->n_profiles, 2, "unused matrix profiles are not added");
	cr_assert_eq(p->jobs[0].location, 1);
	cr_assert_eq(p->vehicles[1].start, 2);
	cr_assert_eq(p->vehicles[1].end, -1);
	cr_assert_float_eq(dur(p, van, 1, 0), 11, 1e-12);
	cr_assert_float_eq(dist(p, van, 2, 1), 60, 1e-12);
	/* Without distances, a distance is the travel time. */
	cr_assert_float_eq(dur(p, sp, 2, 1), 6, 1e-12);
	cr_assert_float_eq(dist(p, sp, 2, 1), 6, 1e-12);
	/* No amount arrays anywhere: one dimension, unlimited capacity. */
	cr_assert_eq(p->n_dims, 1);
	cr_assert_eq(p->vehicles[0].capacity[0], INT64_MAX);
	pr_problem_free(p);
}

Test(readers, json_profiles_windows_pins)
{
	struct pr_problem *p = json_ok("{'profiles':{'bike':{'speed_kmh':15,"
	    "'circuity':1.2},'motorbike':{'speed_kmh':25}},"
	    "'vehicles':[{'id':'a','profile':'bike','start':" DEPOT "},"
	    "{'id':'b','profile':'motorbike','start':" DEPOT "}],"
	    "'jobs':[" JOB("'x'", ",'time_windows':[[500,600],[100,200],"
	    "[150,300],[300,400]],'pinned_vehicle':'b','pinned_rank':0") ","
	    JOB("'y'", ",'pinned_vehicle':'b','pinned_rank':1") "]}");
	const struct pr_job *x = &p->jobs[0];
	const struct pr_profile *bike = &p->profiles[p->vehicles[0].profile];
	const struct pr_profile *mb = &p->profiles[p->vehicles[1].profile];
	double gc = pr_haversine_m(106.5878, 21.662, 106.6, 21.65);

	cr_assert_float_eq(bike->speed_kmh, 15, 1e-12);
	cr_assert_float_eq(bike->circuity, 1.2, 1e-12);
	cr_assert_float_eq(mb->speed_kmh, 25, 1e-12);
	cr_assert_float_eq(mb->circuity, 1.5, 1e-12);
	cr_assert_float_eq(dur(p, p->vehicles[0].profile, 0, 1),
	    gc * 1.2 / (15 / 3.6), 1e-6);
	/* Sorted, overlapping and touching windows merged. */
	cr_assert_eq(x->n_tw, 2);
	cr_assert_float_eq(x->tw[0].start, 100, 1e-12);
	cr_assert_float_eq(x->tw[0].end, 400, 1e-12);
	cr_assert_float_eq(x->tw[1].start, 500, 1e-12);
	cr_assert_float_eq(x->tw[1].end, 600, 1e-12);
	cr_assert_eq(x->pinned_vehicle, 1);
	cr_assert_eq(x->pinned_rank, 0);
	cr_assert_eq(p->jobs[1].pinned_rank, 1);
	/* Open ends. */
	cr_assert_eq(p->vehicles[0].end, -1);
	pr_problem_free(p);
}

Test(readers, json_no_jobs)
{
	struct pr_problem *p = json_ok("{" VEH ",'jobs':[]}");

	cr_assert_eq(p->n_jobs, 0);
	cr_assert_eq(p->n_vehicles, 1);
	cr_assert_eq(p->n_locations, 1);
	pr_problem_free(p);

	/* Open vehicle, no jobs: no location at all. */
	p = json_ok("{'vehicles':[{'id':1}],'jobs':[]}");
	cr_assert_eq(p->n_locations, 0);
	cr_assert_str_eq(p->vehicles[0].profile_name, "car");
	pr_problem_free(p);
}

Test(readers, json_name_cut_at_character)
{
	/* 62 ASCII bytes, then a 2-byte character that does not fit. */
	struct pr_problem *p = json_ok("{'name':'"
	    "01234567890123456789012345678901234567890123456789012345678901"
	    "\xc3\xa2x'," VEH ",'jobs':[]}");

	cr_assert_eq(strlen(p->name), 62);
	pr_problem_free(p);
}

/* ---- problem JSON: bad inputs -------------------------------------------- */

Test(readers, json_syntax_error)
{
	json_bad("{'jobs': [}", "line 1, column");
	json_bad("{\n" VEH ",\n'jobs': [1,]}", "line 3");
	json_bad("", "line");
	json_bad("{'jobs':[],'jobs':[]}", "duplicate object key");
	/* Not-a-numbers and overflows are JSON syntax errors. */
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'service':NaN") "]}",
	    "invalid token");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'service':1e400") "]}",
	    "real number overflow");
	json_bad("[1,2]", "must be a JSON object");
}

Test(readers, json_missing_arrays)
{
	json_bad("{'jobs':[]}", "vehicles: missing");
	json_bad("{'vehicles':[],'jobs':[]}", "vehicles: must be a non-empty "
	    "array");
	json_bad("{" VEH "}", "jobs: missing");
	json_bad("{" VEH ",'jobs':{}}", "jobs: must be an array");
	json_bad("{" VEH ",'jobs':[5]}", "jobs[0]: must be an object");
	json_bad("{" VEH ",'jobs':[{'location':[106.6,21.65]}]}",
	    "jobs[0]: missing \"id\"");
	json_bad("{" VEH ",'jobs':[" JOB("1", "") ",{'id':2}]}",
	    "jobs[1]: missing \"location\" or \"location_index\"");
	json_bad("{'vehicles':[{'profile':'car'}],'jobs':[]}",
	    "vehicles[0]: missing \"id\"");
}

Test(readers, json_wrong_types)
{
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'service':'300'") "]}",
	    "jobs[0].service: must be a number");
	json_bad("{" VEH ",'jobs':[" JOB("[1]", "") "]}",
	    "jobs[0].id: must be a string or an integer");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':5") "]}",
	    "jobs[0].pickup: must be an array");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':['5']") "]}",
	    "jobs[0].pickup[0]: must be a non-negative integer");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':[2.5]") "]}",
	    "jobs[0].pickup[0]: must be a non-negative integer");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'priority':'high'") "]}",
	    "jobs[0].priority: must be an integer");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'priority':101") "]}",
	    "jobs[0].priority: 101 out of range [0, 100]");
	json_bad("{'vehicles':[{'id':1,'profile':7}],'jobs':[]}",
	    "vehicles[0].profile: must be a non-empty string");
	json_bad("{'vehicles':[{'id':1,'costs':{'fixed':'x'}}],'jobs':[]}",
	    "vehicles[0].costs.fixed: must be a number");
	json_bad("{'vehicles':[{'id':1,'start':[106.5,21.6],"
	    "'max_travel_time':-5}],'jobs':[]}",
	    "vehicles[0].max_travel_time: -5 out of range");
	json_bad("{" VEH ",'jobs':[{'id':1,'location':[106.6]}]}",
	    "jobs[0].location: must be [lon, lat]");
	json_bad("{" VEH ",'jobs':[{'id':1,'location':[21.6,106.6]}]}",
	    "jobs[0].location[1]: 106.6 out of range [-90, 90]");
	json_bad("{'name':5," VEH ",'jobs':[]}", "name: must be a string");
	json_bad("{'profiles':[]," VEH ",'jobs':[]}",
	    "profiles: must be an object");
}

Test(readers, json_amounts)
{
	json_bad("{" VEH ",'jobs':[" JOB("12", ",'pickup':[-5]") "]}",
	    "jobs[0].pickup[0]: must be a non-negative integer");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':[1e16]") "]}",
	    "jobs[0].pickup[0]: 1e+16 is too large");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':[10000000000000000]")
	    "]}", "jobs[0].pickup[0]: 10000000000000000 is too large");
	json_bad("{'vehicles':[{'id':1,'capacity':[80]}],'jobs':[{'id':1,"
	    "'location':[106.6,21.65],'pickup':[5,1]}]}",
	    "jobs[0].pickup: has 2 values but vehicles[0].capacity has 1");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':[]") "]}",
	    "jobs[0].pickup: must have 1 to 8 values");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pickup':[1,1,1,1,1,1,1,1,1]")
	    "]}", "jobs[0].pickup: must have 1 to 8 values");
	json_bad("{'vehicles':[{'id':1,'capacity':[-1]}],'jobs':[]}",
	    "vehicles[0].capacity[0]: must be a non-negative integer");
}

Test(readers, json_time_windows)
{
	json_bad("{" VEH ",'jobs':[" JOB("1", "") "," JOB("2", "") ","
	    JOB("3", "") "," JOB("4", ",'time_windows':[[200,100]]") "]}",
	    "jobs[3].time_windows[0]: closes (100) before it opens (200)");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'time_windows':[[0,10],[5]]")
	    "]}", "jobs[0].time_windows[1]: must be [start, end]");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'time_windows':[]") "]}",
	    "jobs[0].time_windows: must be an array of 1 to 16");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'time_windows':[[0,1],[2,3],"
	    "[4,5],[6,7],[8,9],[10,11],[12,13],[14,15],[16,17],[18,19],"
	    "[20,21],[22,23],[24,25],[26,27],[28,29],[30,31],[32,33]]") "]}",
	    "jobs[0].time_windows: must be an array of 1 to 16");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'time_windows':[[-5,10]]")
	    "]}", "jobs[0].time_windows[0][0]: -5 out of range");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'time_windows':[[0,1e300]]")
	    "]}", "jobs[0].time_windows[0][1]: 1e+300 out of range");
	json_bad("{'vehicles':[{'id':1,'time_window':[61200,25200]}],"
	    "'jobs':[]}", "vehicles[0].time_window: closes (25200) before "
	    "it opens (61200)");
}

Test(readers, json_indices_and_matrices)
{
	const char *m3 = "'matrices':{'car':{'durations':"
	    "[[0,1,2],[1,0,3],[2,3,0]]}}";
	char buf[1024];

	snprintf(buf, sizeof(buf), "{'vehicles':[{'id':1,'start_index':57}],"
	    "'jobs':[],%s}", m3);
	json_bad(buf, "vehicles[0].start_index: 57 out of range [0, 3)");
	snprintf(buf, sizeof(buf), "{'vehicles':[{'id':1,'end_index':-1}],"
	    "'jobs':[],%s}", m3);
	json_bad(buf, "vehicles[0].end_index: -1 out of range [0, 3)");
	snprintf(buf, sizeof(buf), "{'vehicles':[{'id':1}],'jobs':[{'id':1,"
	    "'location_index':1.5}],%s}", m3);
	json_bad(buf, "jobs[0].location_index: must be an integer");
	snprintf(buf, sizeof(buf), "{'vehicles':[{'id':1}],'jobs':[{'id':1,"
	    "'location':[106.6,21.65]}],%s}", m3);
	json_bad(buf, "jobs[0]: missing \"location_index\"");
	snprintf(buf, sizeof(buf), "{'vehicles':[{'id':1,'profile':'van'}],"
	    "'jobs':[],%s}", m3);
	json_bad(buf, "vehicles[0].profile: no matrix for profile \"van\"");
	json_bad("{'vehicles':[{'id':1}],'jobs':[{'id':1,'location_index':0}]}",
	    "jobs[0].location_index: needs \"matrices\"");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'durations':[[0,1,2],[1,0],[2,3,0]]}}}",
	    "matrices.car.durations[1]: must be an array of 3 numbers");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'durations':[[0,1],[1,0]],'distances':[[0]]}}}",
	    "matrices.car.distances: has 1 rows but matrices.car.durations "
	    "has 2");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'durations':[[0,1],[1,0]]},'van':{'durations':[[0]]}}}",
	    "matrices.van.durations: has 1 rows");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'durations':[[0,-1],[1,0]]}}}",
	    "matrices.car.durations[0][1]: must be a number in [0, 1e15]");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'durations':[[0,'1'],[1,0]]}}}",
	    "matrices.car.durations[0][1]");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'distances':[[0]]}}}", "matrices.car: missing \"durations\"");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{'car':"
	    "{'durations':[]}}}", "matrices.car.durations: must not be empty");
	json_bad("{'vehicles':[{'id':1}],'jobs':[],'matrices':{}}",
	    "matrices: must be an object with one entry per profile");
}

Test(readers, json_ids_and_profiles)
{
	json_bad("{" VEH ",'jobs':[" JOB("'x'", "") "," JOB("'y'", "") ","
	    JOB("'z'", "") "," JOB("'w'", "") "," JOB("'v'", "") ","
	    JOB("'x'", "") "]}", "jobs[5].id: duplicate id \"x\"");
	/* 17 and "17" are the same id. */
	json_bad("{" VEH ",'jobs':[" JOB("17", "") "," JOB("'17'", "") "]}",
	    "jobs[1].id: duplicate id \"17\"");
	json_bad("{'vehicles':[{'id':'a'},{'id':'a'}],'jobs':[]}",
	    "vehicles[1].id: duplicate id \"a\"");
	json_bad("{" VEH ",'jobs':[" JOB("'0123456789012345678901234567890"
	    "123456789012345678901234567890123'", "") "]}",
	    "jobs[0].id: longer than 63 bytes");
	json_bad("{" VEH ",'jobs':[" JOB("''", "") "]}",
	    "jobs[0].id: must not be empty");
	json_bad("{'vehicles':[{'id':1,'profile':'hovercraft'}],'jobs':[]}",
	    "vehicles[0].profile: unknown profile \"hovercraft\"");
	json_bad("{'profiles':{'hovercraft':{'circuity':1.1}},"
	    "'vehicles':[{'id':1,'profile':'hovercraft'}],'jobs':[]}",
	    "profiles.hovercraft: missing \"speed_kmh\"");
	json_bad("{'profiles':{'car':{'speed_kmh':0}},"
	    "'vehicles':[{'id':1}],'jobs':[]}",
	    "profiles.car.speed_kmh: must be positive");
	json_bad("{'profiles':{'car':{'circuity':0.5}},"
	    "'vehicles':[{'id':1}],'jobs':[]}",
	    "profiles.car.circuity: 0.5 out of range [1, 10]");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pinned_vehicle':'zz',"
	    "'pinned_rank':0") "]}",
	    "jobs[0].pinned_vehicle: no vehicle has id \"zz\"");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pinned_vehicle':'m1'") "]}",
	    "jobs[0]: \"pinned_vehicle\" and \"pinned_rank\" go together");
	json_bad("{" VEH ",'jobs':[" JOB("1", ",'pinned_vehicle':'m1',"
	    "'pinned_rank':0") "," JOB("2", ",'pinned_vehicle':'m1',"
	    "'pinned_rank':0") "]}", "jobs[1].pinned_rank: jobs[0] is already "
	    "pinned to rank 0");
}

/* ---- Solomon --------------------------------------------------------------- */

static const char solomon_small[] =
    "TINY1\r\n"
    "\r\n"
    "VEHICLE\r\n"
    "NUMBER     CAPACITY\r\n"
    "  3         50\r\n"
    "\r\n"
    "CUSTOMER\r\n"
    "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n"
    " \r\n"
    "    0      0          0          0          0       1000          0\r\n"
    "    1      3          4         10         10        100         10\r\n"
    "    2      6          8         20          0        500         10\r\n";

Test(readers, solomon_good)
{
	struct pr_problem *p = text_ok(pr_problem_from_solomon, solomon_small);

	cr_assert_str_eq(p->name, "TINY1");
	cr_assert_eq(p->source, PR_SOURCE_SOLOMON);
	cr_assert_eq(p->n_jobs, 2);
	cr_assert_eq(p->n_vehicles, 3);
	cr_assert_eq(p->n_locations, 3);
	cr_assert_str_eq(p->jobs[1].id, "2");
	cr_assert_eq(p->jobs[1].pickup[0], 20);
	cr_assert_float_eq(p->jobs[0].tw[0].start, 10, 1e-12);
	cr_assert_float_eq(p->vehicles[2].tw.end, 1000, 1e-12);
	cr_assert_eq(p->vehicles[0].capacity[0], 50);
	cr_assert_float_eq(dist(p, 0, 0, 1), 5, 1e-12);
	cr_assert_float_eq(dur(p, 0, 1, 2), 5, 1e-12);
	pr_problem_free(p);
}

Test(readers, solomon_bad)
{
	text_bad(pr_problem_from_solomon, "", "empty");
	text_bad(pr_problem_from_solomon, "X\nCUSTOMER\n", "line 2: expected "
	    "VEHICLE");
	text_bad(pr_problem_from_solomon, "X\nVEHICLE\nNUMBER CAPACITY\n"
	    "25 x\n", "line 4: expected two numbers");
	text_bad(pr_problem_from_solomon, "X\nVEHICLE\nNUMBER CAPACITY\n"
	    "25 200\nCUSTOMER\nCUST NO.\n0 0 0 0 0 100 0\n1 1 1 5 0 100\n",
	    "line 8: expected 7 numbers");
	text_bad(pr_problem_from_solomon, "X\nVEHICLE\nNUMBER CAPACITY\n"
	    "25 200\nCUSTOMER\nCUST NO.\n0 0 0 0 0 100 0\n1 1 1 5 50 40 0\n",
	    "line 8: due date 40 is before ready time 50");
	text_bad(pr_problem_from_solomon, "X\nVEHICLE\nNUMBER CAPACITY\n"
	    "25 200\nCUSTOMER\nCUST NO.\n0 0 0 0 0 100 0\n1 1 1 -5 0 40 0\n",
	    "line 8: negative demand");
	text_bad(pr_problem_from_solomon, "X\nVEHICLE\nNUMBER CAPACITY\n"
	    "25 200\nCUSTOMER\nCUST NO.\n", "no customers");
}

/* ---- CVRPLIB ---------------------------------------------------------------- */

/* Tabs, CRLF, "KEY: v" and "KEY : v", depot not node 1. */
static const char cvrp_small[] =
    "NAME : \ttiny-n5\t\r\n"
    "COMMENT : \"a test\"\r\n"
    "TYPE: CVRP\r\n"
    "DIMENSION :\t5\r\n"
    "EDGE_WEIGHT_TYPE : EUC_2D\r\n"
    "CAPACITY : 30\r\n"
    "NODE_COORD_SECTION\t\t\r\n"
    "1\t0\t0\r\n"
    "2 3 4\r\n"
    "3 0 1.5\r\n"
    " 4 10 10\r\n"
    "5 2.5 0\r\n"
    "DEMAND_SECTION \r\n"
    "1 5\r\n"
    "2 10\r\n"
    "3 0\r\n"
    "4 0\r\n"
    "5 40\r\n"
    "DEPOT_SECTION\r\n"
    " 4\r\n"
    " -1\r\n"
    "EOF\r\n";

Test(readers, cvrplib_good)
{
	struct pr_problem *p = text_ok(pr_problem_from_cvrplib, cvrp_small);

	cr_assert_str_eq(p->name, "tiny-n5");
	cr_assert_eq(p->source, PR_SOURCE_CVRPLIB);
	cr_assert_eq(p->n_locations, 5);
	cr_assert_eq(p->n_jobs, 4);
	cr_assert_eq(p->n_vehicles, 4, "unlimited fleet: one per job");
	cr_assert_str_eq(p->jobs[0].id, "1");
	cr_assert_str_eq(p->jobs[3].id, "5");
	cr_assert_eq(p->jobs[3].location, 4);
	cr_assert_eq(p->jobs[0].pickup[0], 5);
	/* Above capacity is the solver's business, not the reader's. */
	cr_assert_eq(p->jobs[3].pickup[0], 40);
	cr_assert_float_eq(p->jobs[2].service, 0, 1e-12);
	cr_assert(isinf(p->jobs[2].tw[0].end));
	cr_assert_eq(p->vehicles[0].start, 3);
	cr_assert_eq(p->vehicles[3].end, 3);
	cr_assert_eq(p->vehicles[0].capacity[0], 30);
	cr_assert_str_eq(p->vehicles[3].id, "4");
	/* nint: 5 -> 5, 1.5 -> 2, 2.5 -> 3, hypot(10,10)=14.14 -> 14. */
	cr_assert_float_eq(dist(p, 0, 0, 1), 5, 1e-12);
	cr_assert_float_eq(dist(p, 0, 0, 2), 2, 1e-12);
	cr_assert_float_eq(dist(p, 0, 4, 0), 3, 1e-12);
	cr_assert_float_eq(dist(p, 0, 0, 3), 14, 1e-12);
	cr_assert_float_eq(dur(p, 0, 3, 0), 14, 1e-12);
	cr_assert_float_eq(dist(p, 0, 2, 2), 0, 1e-12);
	pr_problem_free(p);
}

Test(readers, cvrplib_vehicles)
{
	struct pr_problem *p = text_ok(pr_problem_from_cvrplib,
	    "NAME: v\nTYPE: CVRP\nDIMENSION: 3\nVEHICLES: 7\n"
	    "EDGE_WEIGHT_TYPE: EUC_2D\nCAPACITY: 10\nNODE_COORD_SECTION\n"
	    "1 0 0\n2 1 1\n3 2 2\nDEMAND_SECTION\n1 0\n2 1\n3 1\n"
	    "DEPOT_SECTION\n1 -1\n");

	cr_assert_eq(p->n_vehicles, 7);
	cr_assert_eq(p->n_jobs, 2);
	cr_assert_eq(p->vehicles[6].start, 0);
	pr_problem_free(p);
}

#define CV_HEAD "NAME : t\nTYPE : CVRP\nDIMENSION : 3\n" \
	"EDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n"
#define CV_COORD "NODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\n"
#define CV_DEMAND "DEMAND_SECTION\n1 0\n2 1\n3 1\n"
#define CV_DEPOT "DEPOT_SECTION\n1\n-1\nEOF\n"

Test(readers, cvrplib_bad)
{
	/* The good file parses: the cases below differ from it by one thing. */
	pr_problem_free(text_ok(pr_problem_from_cvrplib,
	    CV_HEAD CV_COORD CV_DEMAND CV_DEPOT));
	text_bad(pr_problem_from_cvrplib, "NAME : t\nTYPE : CVRP\n"
	    "EDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n" CV_COORD,
	    "line 5: NODE_COORD_SECTION before DIMENSION");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nEOF\n",
	    "missing DIMENSION");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nTYPE : CVRP\n"
	    "DIMENSION : 3\nEDGE_WEIGHT_TYPE : GEO\n",
	    "line 4: EDGE_WEIGHT_TYPE \"GEO\" not supported");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nTYPE : CVRP\n"
	    "DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\n",
	    "EDGE_WEIGHT_TYPE \"EXPLICIT\" not supported (only EUC_2D)");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nTYPE : TSP\n",
	    "line 2: TYPE \"TSP\" not supported");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nTYPE : CVRP\n"
	    "DIMENSION : 3\nCAPACITY : 10\n" CV_COORD CV_DEMAND CV_DEPOT,
	    "missing EDGE_WEIGHT_TYPE");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nTYPE : CVRP\n"
	    "DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n" CV_COORD CV_DEMAND
	    CV_DEPOT, "missing CAPACITY");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD CV_DEPOT,
	    "missing DEMAND_SECTION");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_DEMAND CV_DEPOT,
	    "missing NODE_COORD_SECTION");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD CV_DEMAND "EOF\n",
	    "missing DEPOT_SECTION");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD CV_DEMAND
	    "DEPOT_SECTION\n1\nEOF\n", "line 16: DEPOT_SECTION must end with -1");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD CV_DEMAND
	    "DEPOT_SECTION\n1\n2\n-1\n", "line 16: more than one depot");
	text_bad(pr_problem_from_cvrplib, CV_HEAD
	    "NODE_COORD_SECTION\n1 0 0\n2 1 1\n5 2 2\n",
	    "line 9: node 5 out of range [1, 3]");
	text_bad(pr_problem_from_cvrplib, CV_HEAD
	    "NODE_COORD_SECTION\n1 0 0\n2 1\n", "line 8: expected 3 numbers");
	text_bad(pr_problem_from_cvrplib, CV_HEAD
	    "NODE_COORD_SECTION\n1 0 0\n2 1 1\n2 2 2\n",
	    "line 9: node 2 has coordinates twice");
	text_bad(pr_problem_from_cvrplib, CV_HEAD
	    "NODE_COORD_SECTION\n1 0 0\n2 1 1\n" CV_DEMAND CV_DEPOT,
	    "node 3 has no coordinates");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD
	    "DEMAND_SECTION\n1 0\n2 -4\n3 1\n" CV_DEPOT,
	    "line 12: demand -4 of node 2 is negative");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD
	    "DEMAND_SECTION\n1 0\n2 1.5\n3 1\n" CV_DEPOT,
	    "line 12: demand of node 2 must be an integer");
	text_bad(pr_problem_from_cvrplib, CV_HEAD "DISTANCE : 100\n",
	    "line 6: unsupported keyword \"DISTANCE\"");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nDIMENSION : 0\n",
	    "line 2: DIMENSION must be an integer");
	text_bad(pr_problem_from_cvrplib, "NAME : t\nCAPACITY : lots\n",
	    "line 2: CAPACITY must be a non-negative integer");
	text_bad(pr_problem_from_cvrplib, "NAME : t\n1 2 3\n",
	    "line 2: numbers outside a section");
	text_bad(pr_problem_from_cvrplib, CV_HEAD CV_COORD CV_COORD,
	    "line 10: NODE_COORD_SECTION appears twice");
}

/* ---- format detection ---------------------------------------------------- */

Test(readers, parse_detects_format)
{
	struct pr_problem *p = NULL;
	struct pr_error e = { 0, "" };
	char *js = tu_sq("  \n{" VEH ",'jobs':[" JOB("1", "") "]}");
	const char *junk = "hello\nworld\n";

	cr_assert_eq(pr_problem_parse(js, strlen(js), &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p->source, PR_SOURCE_JSON);
	pr_problem_free(p);
	free(js);
	cr_assert_eq(pr_problem_parse(cvrp_small, strlen(cvrp_small), &p, &e),
	    0, "%s", e.msg);
	cr_assert_eq(p->source, PR_SOURCE_CVRPLIB);
	pr_problem_free(p);
	cr_assert_eq(pr_problem_parse(solomon_small, strlen(solomon_small), &p,
	    &e), 0, "%s", e.msg);
	cr_assert_eq(p->source, PR_SOURCE_SOLOMON);
	pr_problem_free(p);
	/* Errors come from the reader the format chose. */
	cr_assert_eq(pr_problem_parse("DIMENSION: x\n", 13, &p, &e),
	    PR_EINVAL);
	cr_assert_not_null(strstr(e.msg, "line 1: DIMENSION"), "%s", e.msg);
	cr_assert_eq(pr_problem_parse(junk, strlen(junk), &p, &e), PR_EINVAL);
	cr_assert_null(p);
	cr_assert_str_eq(e.msg, "unrecognised format (expected problem JSON, "
	    "Solomon VRPTW or CVRPLIB)");
	cr_assert_eq(pr_problem_parse("", 0, &p, &e), PR_EINVAL);
}

/* ---- the shared benchmark files ------------------------------------------ */

static struct pr_problem *
shared_parse(const char *rel)
{
	char path[512];
	struct pr_problem *p = NULL;
	struct pr_error e = { 0, "" };
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", BENCH_SHARED_DIR, rel);
	if ((buf = bench_read_file(path, &len)) == NULL)
		cr_skip_test("../shared not found: %s", path);
	cr_assert_eq(pr_problem_parse(buf, len, &p, &e), 0, "%s: %s", path,
	    e.msg);
	free(buf);
	return p;
}

Test(readers, shared_solomon_c101)
{
	struct pr_problem *p = shared_parse("solomon/instances/C101.txt");

	cr_assert_str_eq(p->name, "C101");
	cr_assert_eq(p->source, PR_SOURCE_SOLOMON);
	cr_assert_eq(p->n_jobs, 100);
	cr_assert_eq(p->n_vehicles, 25);
	cr_assert_eq(p->vehicles[0].capacity[0], 200);
	cr_assert_float_eq(p->vehicles[0].tw.end, 1236, 1e-12);
	cr_assert_eq(p->jobs[0].pickup[0], 10);
	cr_assert_float_eq(p->jobs[0].tw[0].start, 912, 1e-12);
	cr_assert_float_eq(p->jobs[0].service, 90, 1e-12);
	/* Depot (40, 50) to customer 1 (45, 68). */
	cr_assert_float_eq(dist(p, 0, 0, 1), hypot(5, 18), 1e-9);
	pr_problem_free(p);
}

Test(readers, shared_cvrplib_x101)
{
	struct pr_problem *p = shared_parse("cvrplib/instances/X-n101-k25.vrp");

	cr_assert_str_eq(p->name, "X-n101-k25");
	cr_assert_eq(p->source, PR_SOURCE_CVRPLIB);
	cr_assert_eq(p->n_locations, 101);
	cr_assert_eq(p->n_jobs, 100);
	cr_assert_eq(p->n_vehicles, 100);
	cr_assert_eq(p->vehicles[0].capacity[0], 206);
	cr_assert_eq(p->vehicles[0].start, 0);
	cr_assert_eq(p->jobs[0].pickup[0], 38);
	/* Node 1 (365, 689) to node 2 (146, 180): 554.11 -> 554. */
	cr_assert_float_eq(dist(p, 0, 0, 1), 554, 1e-12);
	pr_problem_free(p);
}

Test(readers, shared_abp_p16)
{
	struct pr_problem *p = shared_parse("cvrp-abp/instances/P-n16-k8.vrp");

	cr_assert_eq(p->n_jobs, 15);
	cr_assert_eq(p->vehicles[0].capacity[0], 35);
	/* Node 1 (30, 40) to node 2 (37, 52): 13.89 -> 14. */
	cr_assert_float_eq(dist(p, 0, 0, 1), 14, 1e-12);
	cr_assert_float_eq(dur(p, 0, 1, 0), 14, 1e-12);
	pr_problem_free(p);
}

/* Every instance in a shared folder parses. */
static void
shared_parse_all(const char *rel, const char *suffix)
{
	char dir[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/%s", BENCH_SHARED_DIR, rel);
	if ((d = opendir(dir)) == NULL)
		cr_skip_test("../shared not found: %s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), sl = strlen(suffix);
		char name[768];

		if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		snprintf(name, sizeof(name), "%s/%s", rel, de->d_name);
		pr_problem_free(shared_parse(name));
		n++;
	}
	closedir(d);
	cr_assert_gt(n, 0, "no %s files in %s", suffix, dir);
}

Test(readers, shared_all_instances, .timeout = 120)
{
	shared_parse_all("solomon/instances", ".txt");
	shared_parse_all("cvrp-abp/instances", ".vrp");
	shared_parse_all("cvrplib/instances", ".vrp");
}

/* ---- solution JSON ----------------------------------------------------------- */

static const char *const two_jobs =
    "{'vehicles':[{'id':'m1','profile':'motorbike','start':" DEPOT
    ",'end':" DEPOT ",'capacity':[80,5]},{'id':'open'}],"
    "'jobs':[{'id':17,'location':[106.6,21.65],'service':300,"
    "'pickup':[5,1]},{'id':'b','location':[106.61,21.66],'pickup':[90,0]}]}";

static const char *
jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	cr_assert(json_is_string(v), "\"%s\" is not a string", key);
	return json_string_value(v);
}

Test(readers, solution_json_shape)
{
	struct pr_problem *p = json_ok(two_jobs);
	struct pr_step step = { .job = 0, .arrival = 25500.5,
	    .service_start = 25600, .waiting = 99.5, .load = { 5, 1 } };
	struct pr_route route = { .vehicle = 0, .n_steps = 1, .steps = &step,
	    .start_time = 25200, .end_time = 26100.25,
	    .distance = 828.93690001, .duration = 900.25,
	    .travel_time = 500.75, .service_time = 300, .waiting_time = 99.5,
	    .load = { 5, 1 } };
	struct pr_unassigned un = { .job = 1, .reason = "capacity",
	    .detail = "pickup [90, 0] exceeds every vehicle's capacity" };
	struct pr_solution s = { 0 };
	json_t *root, *sum, *rts, *r0, *steps, *st, *ua;
	json_error_t je;
	char *text, *again;

	s.cost = 828.93690001;
	s.distance = 828.93690001;
	s.duration = 900.25;
	s.n_routes = 1;
	s.routes = &route;
	s.n_unassigned = 1;
	s.unassigned = &un;
	s.computing_ms = -1;
	s.iterations = 1000;
	s.seed = 42;
	s.threads = 1;

	text = pr_solution_to_json(p, &s);
	cr_assert_not_null(text);
	again = pr_solution_to_json(p, &s);
	cr_assert_str_eq(text, again, "output must be deterministic");
	free(again);
	cr_assert_not_null(strstr(text, "\"distance\":828.9369,"), "%s", text);
	cr_assert_null(strstr(text, "0000000"), "unrounded reals: %s", text);

	root = json_loads(text, 0, &je);
	cr_assert_not_null(root, "%s: %s", je.text, text);
	sum = json_object_get(root, "summary");
	cr_assert(json_is_object(sum));
	cr_assert_float_eq(json_number_value(json_object_get(sum, "cost")),
	    828.9369, 1e-9);
	cr_assert_eq(json_integer_value(json_object_get(sum, "routes")), 1);
	cr_assert_eq(json_integer_value(json_object_get(sum, "unassigned")), 1);
	cr_assert(json_is_integer(json_object_get(sum, "computing_time_ms")));
	cr_assert_eq(json_integer_value(json_object_get(sum,
	    "computing_time_ms")), 0);
	cr_assert(json_is_false(json_object_get(sum, "proven_optimal")));
	cr_assert_eq(json_integer_value(json_object_get(sum, "iterations")),
	    1000);
	cr_assert_eq(json_integer_value(json_object_get(sum, "seed")), 42);
	cr_assert_eq(json_integer_value(json_object_get(sum, "threads")), 1);
	cr_assert_float_eq(json_number_value(json_object_get(sum, "service")),
	    300, 1e-9);
	cr_assert_float_eq(json_number_value(json_object_get(sum,
	    "waiting_time")), 99.5, 1e-9);
	cr_assert(json_is_number(json_object_get(sum, "duration")));

	rts = json_object_get(root, "routes");
	cr_assert(json_is_array(rts));
	cr_assert_eq(json_array_size(rts), 1);
	r0 = json_array_get(rts, 0);
	cr_assert_str_eq(jstr(r0, "vehicle"), "m1");
	cr_assert_float_eq(json_number_value(json_object_get(r0, "duration")),
	    900.25, 1e-9);
	cr_assert_float_eq(json_number_value(json_object_get(r0, "distance")),
	    828.9369, 1e-9);
	cr_assert_eq(json_array_size(json_object_get(r0, "load")), 2);
	steps = json_object_get(r0, "steps");
	cr_assert_eq(json_array_size(steps), 3);

	st = json_array_get(steps, 0);
	cr_assert_str_eq(jstr(st, "type"), "start");
	cr_assert_eq(json_integer_value(json_object_get(st, "location_index")),
	    0);
	cr_assert_eq(json_integer_value(json_object_get(st, "departure")),
	    25200);
	cr_assert(json_is_array(json_object_get(st, "location")));
	cr_assert_float_eq(json_number_value(json_array_get(
	    json_object_get(st, "location"), 0)), 106.5878, 1e-9);

	st = json_array_get(steps, 1);
	cr_assert_str_eq(jstr(st, "type"), "job");
	/* an integer id comes back as an integer */
	cr_assert(json_is_integer(json_object_get(st, "id")), "%s", text);
	cr_assert_eq(json_integer_value(json_object_get(st, "id")), 17);
	cr_assert_eq(json_integer_value(json_object_get(st, "location_index")),
	    p->jobs[0].location);
	cr_assert_float_eq(json_number_value(json_object_get(st, "arrival")),
	    25500.5, 1e-9);
	cr_assert_eq(json_integer_value(json_object_get(st, "service_start")),
	    25600);
	cr_assert_float_eq(json_number_value(json_object_get(st, "waiting")),
	    99.5, 1e-9);
	cr_assert_eq(json_integer_value(json_array_get(json_object_get(st,
	    "load"), 0)), 5);
	cr_assert_eq(json_integer_value(json_array_get(json_object_get(st,
	    "load"), 1)), 1);

	st = json_array_get(steps, 2);
	cr_assert_str_eq(jstr(st, "type"), "end");
	cr_assert_float_eq(json_number_value(json_object_get(st, "arrival")),
	    26100.25, 1e-9);

	/* what a VROOM user reads: code, computing_times, per route cost,
	 * setup, deliveries and pickups, per step the VROOM keys */
	cr_assert_eq(json_integer_value(json_object_get(root, "code")), 0);
	cr_assert(json_is_object(json_object_get(sum, "computing_times")));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(sum,
	    "computing_times"), "solving")), 0);
	cr_assert(json_is_number(json_object_get(r0, "cost")));
	cr_assert(json_is_number(json_object_get(r0, "setup")));
	cr_assert_eq(json_array_size(json_object_get(r0, "delivery")), 2);
	cr_assert_eq(json_array_size(json_object_get(r0, "pickup")), 2);
	st = json_array_get(steps, 1);
	cr_assert_float_eq(json_number_value(json_object_get(st,
	    "waiting_time")), 99.5, 1e-9);
	cr_assert(json_is_number(json_object_get(st, "setup")));
	cr_assert(json_is_number(json_object_get(st, "duration")));
	cr_assert(json_is_number(json_object_get(st, "distance")));
	st = json_array_get(steps, 0);
	cr_assert_eq(json_array_size(json_object_get(st, "load")), 2);
	cr_assert_eq(json_integer_value(json_object_get(st, "arrival")),
	    25200);

	ua = json_array_get(json_object_get(root, "unassigned"), 0);
	cr_assert_str_eq(jstr(ua, "id"), "b");
	cr_assert_str_eq(jstr(ua, "type"), "job");
	cr_assert_str_eq(jstr(ua, "reason"), "capacity");
	cr_assert_not_null(strstr(jstr(ua, "detail"), "exceeds"));

	json_decref(root);
	free(text);
	pr_problem_free(p);
}

Test(readers, solution_json_open_route)
{
	struct pr_problem *p = json_ok(two_jobs);
	struct pr_step steps[2] = {
		{ .job = 1, .arrival = 0, .service_start = 0,
		    .load = { 90, 0 } },
		{ .job = 0, .arrival = 100, .service_start = 100,
		    .load = { 95, 1 } },
	};
	struct pr_route route = { .vehicle = 1, .n_steps = 2, .steps = steps,
	    .start_time = 0, .end_time = 400, .distance = 1000,
	    .duration = 400, .travel_time = 100, .service_time = 300,
	    .load = { 95, 1 } };
	struct pr_solution s = { 0 };
	json_t *root, *st0, *st3;
	char *text;

	s.n_routes = 1;
	s.routes = &route;
	s.seed = UINT64_MAX;
	s.computing_ms = 12.5;
	text = pr_solution_to_json(p, &s);
	cr_assert_not_null(text);
	root = json_loads(text, 0, NULL);
	cr_assert_not_null(root);
	st0 = json_array_get(json_object_get(json_array_get(
	    json_object_get(root, "routes"), 0), "steps"), 0);
	st3 = json_array_get(json_object_get(json_array_get(
	    json_object_get(root, "routes"), 0), "steps"), 3);
	cr_assert_str_eq(jstr(st0, "type"), "start");
	cr_assert_null(json_object_get(st0, "location_index"),
	    "open start has no location: %s", text);
	cr_assert_str_eq(jstr(st3, "type"), "end");
	cr_assert_null(json_object_get(st3, "location_index"));
	cr_assert_eq(json_array_size(json_object_get(root, "unassigned")), 0);
	cr_assert_float_eq(json_number_value(json_object_get(json_object_get(
	    root, "summary"), "computing_time_ms")), 12.5, 1e-9);
	/* Seeds above INT64_MAX do not fit a jansson integer. */
	cr_assert_str_eq(jstr(json_object_get(root, "summary"), "seed"),
	    "18446744073709551615");
	json_decref(root);
	free(text);
	pr_problem_free(p);
}

Test(readers, solution_json_cvrplib_has_no_coordinates)
{
	struct pr_problem *p = text_ok(pr_problem_from_cvrplib, cvrp_small);
	struct pr_step step = { .job = 0, .arrival = 14, .service_start = 14,
	    .load = { 5 } };
	struct pr_route route = { .vehicle = 0, .n_steps = 1, .steps = &step,
	    .end_time = 28, .distance = 28, .duration = 28,
	    .travel_time = 28, .load = { 5 } };
	struct pr_solution s = { 0 };
	char *text;

	s.n_routes = 1;
	s.routes = &route;
	text = pr_solution_to_json(p, &s);
	cr_assert_not_null(text);
	cr_assert_null(strstr(text, "\"location\""), "%s", text);
	cr_assert_not_null(strstr(text, "\"location_index\":3"), "%s", text);
	free(text);
	pr_problem_free(p);
}

/* ---- memory budget (pr_problem_parse_limited) ----------------------------- */

/* A problem JSON of n jobs at distinct coordinates and nprof profiles (one
 * vehicle each): the memory bomb of issue 14 in a small body. Free it. */
static char *
bomb_json(int n, int nprof)
{
	size_t cap = (size_t)n * 80 + (size_t)nprof * 160 + 256, len = 0;
	char *s = malloc(cap);

	cr_assert_not_null(s);
	len += (size_t)snprintf(s + len, cap - len, "{\"profiles\":{");
	for (int i = 0; i < nprof; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "%s\"p%d\":{\"speed_kmh\":%d}", i ? "," : "", i, 20 + i);
	len += (size_t)snprintf(s + len, cap - len, "},\"vehicles\":[");
	for (int i = 0; i < nprof; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "%s{\"id\":\"v%d\",\"profile\":\"p%d\","
		    "\"start\":[106.5,21.6]}", i ? "," : "", i, i);
	len += (size_t)snprintf(s + len, cap - len, "],\"jobs\":[");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "%s{\"id\":\"j%d\",\"location\":[%.6f,%.6f]}", i ? "," : "",
		    i, 106 + (i % 1000) * 1e-3, 21 + (double)(i / 1000) * 1e-3);
	snprintf(s + len, cap - len, "]}");
	return s;
}

Test(readers, memory_estimate_counts_matrices_and_search)
{
	size_t m = pr_problem_memory(3001, 40, 3000, 40, 1);
	size_t one = pr_problem_memory(1001, 1, 1000, 20, 1);

	/* 3001^2 x 40 x 16 bytes of matrices: 5.4 GiB */
	cr_assert_geq(m, (size_t)3001 * 3001 * 40 * 16);
	cr_assert_lt(m, (size_t)3001 * 3001 * 40 * 16 + ((size_t)64 << 20));
	/* a thread more costs its search memory, no more */
	cr_assert_eq(pr_problem_memory(1001, 1, 1000, 20, 2) - one,
	    PR_SEARCH_THREAD_BYTES + (size_t)1020 * PR_SEARCH_ITEM_BYTES);
	cr_assert_eq(pr_problem_memory(INT32_MAX, INT32_MAX, INT32_MAX,
	    INT32_MAX, 64), SIZE_MAX);
}

Test(readers, memory_budget_refuses_before_allocating)
{
	struct pr_read_params rp = { (size_t)256 << 20, 1 };
	struct pr_problem *p = NULL;
	struct pr_error e = { 0, "" };
	char *bomb = bomb_json(3000, 40), *one = bomb_json(9990, 1);
	char *small = bomb_json(100, 2);

	/* 3000 jobs x 40 profiles: 5.5 GB of matrices from 200 KB */
	cr_assert_lt(strlen(bomb), 250000);
	cr_assert_eq(pr_problem_parse_limited(bomb, strlen(bomb), &rp, &p,
	    &e), PR_ETOOBIG, "%s", e.msg);
	cr_assert_null(p);
	cr_assert(strstr(e.msg, "3001 locations^2 x 40 profiles x 16 bytes = "
	    "5496 MiB of matrices") != NULL, "%s", e.msg);
	cr_assert(strstr(e.msg, "more than the limit of 256 MiB") != NULL,
	    "%s", e.msg);
	/* 9990 jobs with one profile: 1.5 GiB */
	cr_assert_eq(pr_problem_parse_limited(one, strlen(one), &rp, &p, &e),
	    PR_ETOOBIG, "%s", e.msg);
	/* small problems pass, with or without a budget */
	cr_assert_eq(pr_problem_parse_limited(small, strlen(small), &rp, &p,
	    &e), 0, "%s", e.msg);
	cr_assert_eq(p->n_locations, 101);
	pr_problem_free(p);
	cr_assert_eq(pr_problem_parse_limited(small, strlen(small), NULL, &p,
	    &e), 0, "%s", e.msg);
	pr_problem_free(p);
	/* the text formats and given matrices are held to it too */
	rp.max_memory = 1 << 20;
	cr_assert_eq(pr_problem_parse_limited(solomon_small,
	    strlen(solomon_small), &rp, &p, &e), PR_ETOOBIG, "%s", e.msg);
	cr_assert_eq(pr_problem_parse_limited(cvrp_small, strlen(cvrp_small),
	    &rp, &p, &e), PR_ETOOBIG, "%s", e.msg);
	{
		char *m = tu_sq("{'matrices':{'car':{'durations':"
		    "[[0,1],[1,0]]}},'vehicles':[{'id':'v','start_index':0}],"
		    "'jobs':[{'id':'j','location_index':1}]}");

		cr_assert_eq(pr_problem_parse_limited(m, strlen(m), &rp, &p,
		    &e), PR_ETOOBIG, "%s", e.msg);
		rp.max_memory = (size_t)256 << 20;
		cr_assert_eq(pr_problem_parse_limited(m, strlen(m), &rp, &p,
		    &e), 0, "%s", e.msg);
		pr_problem_free(p);
		free(m);
	}
	free(bomb);
	free(one);
	free(small);
}

/* Allocation failures of a problem's matrices and of the search fail the
 * call (PR_ENOMEM), they do not abort the process: a process whose
 * address space is limited (RLIMIT_AS; each Criterion test is a process of
 * its own). Sanitizers reserve terabytes of address space, so not there. */
Test(readers, out_of_address_space_is_an_error_not_an_abort)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	cr_skip_test("a sanitizer's shadow memory needs the address space");
#else
	char *one = bomb_json(9990, 1), *small = bomb_json(50, 1);
	struct pr_problem *p = NULL;
	struct pr_solution *sol = NULL;
	struct pr_solve_params sp;
	struct pr_error e = { 0, "" };
	struct rlimit rl;
	unsigned long vm = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%lu", &vm), 1);
	fclose(f);
	cr_assert_eq(pr_problem_parse(small, strlen(small), &p, &e), 0, "%s",
	    e.msg);
	rl.rlim_cur = rl.rlim_max = vm * 4096 + ((rlim_t)256 << 20);
	cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
	/* 9991^2 doubles x 2: 1.5 GiB, no budget asked for */
	{
		struct pr_problem *q = NULL;

		cr_assert_eq(pr_problem_parse(one, strlen(one), &q, &e),
		    PR_ENOMEM, "%s", e.msg);
		cr_assert_null(q);
	}
	/* 64 threads of search: 2 GiB */
	pr_solve_params_init(&sp);
	sp.threads = 64;
	sp.time_limit = 0.1;
	cr_assert_eq(pr_solve(p, &sp, &sol, &e), PR_ENOMEM, "%s", e.msg);
	cr_assert(strstr(e.msg, "out of memory") != NULL, "%s", e.msg);
	pr_problem_free(p);
	free(one);
	free(small);
#endif
}
