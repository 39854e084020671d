/* test_vroom.c: every field of VROOM's documented input is honoured (a test of its effect on the answer) or refused by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "postroute/postroute.h"
#include "testutil.h"

/*
 * The fields are those of VROOM's docs/API.md (the input section; the
 * stored copy is a later master than v1.14, so the table is a superset:
 * setup_per_type, service_per_type, per_task_hour and vehicle type came
 * after v1.14). One row per field:
 *
 *   honoured  a problem that uses it, a place in the answer and the value
 *             the field puts there (solved with a fixed seed)
 *   refused   a problem that uses it and the error line the reader gives
 *
 * docs/problem-format.md has the same table for people (VROOM field ->
 * postroute: same / differs / refused). A field missing here is a field
 * silently dropped, which the reader no longer does (json_keys).
 *
 * Most problems run on one small matrix (distances = durations):
 * from 0: to 1 in 10, to 2 in 25; 1 <-> 2 in 10; 2 -> 0 in 20. The one
 * vehicle starts and ends at 0, so the route is 0-1-2-0 (40).
 */

#define M "'matrices':{'car':{'durations':[[0,10,25],[10,0,10],[20,10,0]]}}"
#define V "{'id':1,'start_index':0,'end_index':0"
#define J1 "{'id':1,'location_index':1"
#define J2 "{'id':2,'location_index':2"
#define P(veh, j1, j2) "{'vehicles':[" V veh "}],'jobs':[" J1 j1 "}," J2 \
	j2 "}]," M "}"
#define GEO_V "{'id':1,'start':[106.7,21.8],'end':[106.7,21.8]"
#define GEO(veh, j1) "{'vehicles':[" GEO_V veh "}],'jobs':[{'id':1," \
	"'location':[106.71,21.81]" j1 "}]}"

enum vr_how { HONOURED, REFUSED };

struct vr_row {
	const char *field;      /* VROOM's name, with its place */
	enum vr_how how;
	const char *problem;    /* single quotes for double quotes */
	const char *where;      /* honoured: a path in the answer */
	const char *want;       /* honoured: its value (JSON); refused: the
	                         * start of the error line */
};

static const struct vr_row vr_rows[] = {
	/* ---- top level ---- */
	{ "jobs", HONOURED, P("", "", ""), "summary.unassigned", "0" },
	{ "vehicles", HONOURED, P("", "", ""), "summary.routes", "1" },
	{ "matrices", HONOURED, P("", "", ""), "routes[0].steps[3].arrival",
	    "40" },
	{ "matrix", REFUSED, "{'vehicles':[" V "}],'jobs':[" J1 "}],"
	    "'matrix':[[0,1],[1,0]]," M "}", NULL, "matrix: the deprecated "
	    "VROOM matrix is not supported" },
	{ "shipments", REFUSED, "{'vehicles':[" V "}],'jobs':[],'shipments':"
	    "[{'pickup':{'id':1,'location_index':1},'delivery':{'id':2,"
	    "'location_index':2}}]," M "}", NULL,
	    "shipments[0]: shipments are not supported" },
	/* ---- jobs ---- */
	{ "jobs[].id", HONOURED, P("", "", ""), "routes[0].steps[1].id", "1" },
	{ "jobs[].description", HONOURED, P("", ",'description':'gate'", ""),
	    "routes[0].steps[1].description", "\"gate\"" },
	{ "jobs[].location", HONOURED, GEO("", ""),
	    "routes[0].steps[1].location", "[106.71,21.81]" },
	{ "jobs[].location_index", HONOURED, P("", "", ""),
	    "routes[0].steps[2].location_index", "2" },
	{ "jobs[].setup", HONOURED, P("", ",'setup':5", ""),
	    "routes[0].steps[2].arrival", "25" },
	{ "jobs[].service", HONOURED, P("", ",'service':7", ""),
	    "routes[0].steps[2].arrival", "27" },
	{ "jobs[].setup_per_type", REFUSED, P("", ",'setup_per_type':"
	    "{'van':5}", ""), NULL, "jobs[0].setup_per_type: setup times "
	    "per vehicle type are not supported" },
	{ "jobs[].service_per_type", REFUSED, P("", ",'service_per_type':"
	    "{'van':5}", ""), NULL, "jobs[0].service_per_type: service times "
	    "per vehicle type are not supported" },
	{ "jobs[].amount", REFUSED, P("", ",'amount':[1]", ""), NULL,
	    "jobs[0].amount: is deprecated in VROOM" },
	{ "jobs[].delivery", HONOURED, P(",'capacity':[10]", ",'delivery':[3]",
	    ""), "routes[0].steps[0].load", "[3]" },
	{ "jobs[].pickup", HONOURED, P(",'capacity':[10]", ",'pickup':[2]",
	    ""), "routes[0].steps[1].load", "[2]" },
	{ "jobs[].skills", HONOURED, P("", ",'skills':[5]", ""),
	    "unassigned[0].reason", "\"skills\"" },
	{ "jobs[].priority", HONOURED, P(",'max_tasks':1", "",
	    ",'priority':10"), "routes[0].steps[1].id", "2" },
	{ "jobs[].time_windows", HONOURED, P("", ",'time_windows':[[50,60]]",
	    ""), "routes[0].steps[1].service_start", "50" },
	/* ---- shipments: refused whole, so every field of one is ---- */
	{ "shipments[].pickup", REFUSED, "{'vehicles':[" V "}],'jobs':[],"
	    "'shipments':[{'pickup':{'id':1,'location_index':1}}]," M "}",
	    NULL, "shipments[0]: shipments are not supported" },
	{ "shipments[].delivery", REFUSED, "{'vehicles':[" V "}],'jobs':[],"
	    "'shipments':[{'delivery':{'id':1,'location_index':1}}]," M "}",
	    NULL, "shipments[0]: shipments are not supported" },
	{ "shipments[].amount", REFUSED, "{'vehicles':[" V "}],'jobs':[],"
	    "'shipments':[{'amount':[1]}]," M "}", NULL,
	    "shipments[0]: shipments are not supported" },
	{ "shipments[].skills", REFUSED, "{'vehicles':[" V "}],'jobs':[],"
	    "'shipments':[{'skills':[1]}]," M "}", NULL,
	    "shipments[0]: shipments are not supported" },
	{ "shipments[].priority", REFUSED, "{'vehicles':[" V "}],'jobs':[],"
	    "'shipments':[{'priority':1}]," M "}", NULL,
	    "shipments[0]: shipments are not supported" },
	{ "shipment_step.{id,description,location,location_index,setup,"
	    "service,setup_per_type,service_per_type,time_windows}", REFUSED,
	    "{'vehicles':[" V "}],'jobs':[],'shipments':[{'pickup':{'id':1,"
	    "'description':'d','location_index':1,'setup':1,'service':1,"
	    "'time_windows':[[0,9]]}}]," M "}", NULL,
	    "shipments[0]: shipments are not supported" },
	/* ---- vehicles ---- */
	{ "vehicles[].id", HONOURED, P("", "", ""), "routes[0].vehicle", "1" },
	{ "vehicles[].profile", HONOURED, "{'vehicles':[" V ",'profile':"
	    "'bike'}],'jobs':[" J1 "}],'matrices':{'bike':{'durations':"
	    "[[0,3],[3,0]]}}}", "routes[0].steps[2].arrival", "6" },
	{ "vehicles[].description", HONOURED, P(",'description':'van 7'", "",
	    ""), "routes[0].description", "\"van 7\"" },
	{ "vehicles[].start", HONOURED, GEO("", ""),
	    "routes[0].steps[0].location", "[106.7,21.8]" },
	{ "vehicles[].start_index", HONOURED, P("", "", ""),
	    "routes[0].steps[0].location_index", "0" },
	{ "vehicles[].end", HONOURED, "{'vehicles':[{'id':1,'start':[106.7,"
	    "21.8],'end':[106.72,21.8]}],'jobs':[{'id':1,'location':[106.71,"
	    "21.81]}]}", "routes[0].steps[2].location", "[106.72,21.8]" },
	{ "vehicles[].end_index", HONOURED, "{'vehicles':[{'id':1,"
	    "'start_index':0,'end_index':2}],'jobs':[" J1 "}]," M "}",
	    "routes[0].distance", "20" },
	{ "vehicles[].capacity", HONOURED, P(",'capacity':[1]",
	    ",'pickup':[1]", ",'pickup':[1]"), "unassigned[0].reason",
	    "\"capacity\"" },
	{ "vehicles[].costs.fixed", HONOURED, P(",'costs':{'fixed':100}", "",
	    ""), "routes[0].cost", "140" },
	{ "vehicles[].costs.per_hour", HONOURED,
	    P(",'costs':{'per_hour':7200}", "", ""), "routes[0].cost", "80" },
	{ "vehicles[].costs.per_km", HONOURED, P(",'costs':{'per_km':2000}",
	    "", ""), "routes[0].cost", "80" },
	{ "vehicles[].costs.per_task_hour", REFUSED,
	    P(",'costs':{'per_task_hour':10}", "", ""), NULL,
	    "vehicles[0].costs.per_task_hour: a cost per hour of task time "
	    "is not supported" },
	{ "vehicles[].skills", HONOURED, P(",'skills':[5,6]", ",'skills':[5]",
	    ""), "summary.unassigned", "0" },
	{ "vehicles[].type", HONOURED, P(",'type':'van'", "", ""),
	    "summary.unassigned", "0" },
	{ "vehicles[].time_window", HONOURED, P(",'time_window':[100,1000]",
	    "", ""), "routes[0].steps[1].arrival", "110" },
	{ "vehicles[].breaks", HONOURED, P(",'breaks':[{'id':1,"
	    "'time_windows':[[15,15]],'service':5}]", "", ""),
	    "routes[0].steps[2].type", "\"break\"" },
	{ "vehicles[].breaks[].id", HONOURED, P(",'breaks':[{'id':4,"
	    "'time_windows':[[15,15]],'service':5}]", "", ""),
	    "routes[0].steps[2].id", "4" },
	{ "vehicles[].breaks[].time_windows", HONOURED, P(",'breaks':[{'id':4,"
	    "'time_windows':[[15,15]],'service':5}]", "", ""),
	    "routes[0].steps[2].service_start", "15" },
	{ "vehicles[].breaks[].service", HONOURED, P(",'breaks':[{'id':4,"
	    "'time_windows':[[15,15]],'service':5}]", "", ""),
	    "routes[0].steps[3].arrival", "25" },
	{ "vehicles[].breaks[].description", HONOURED, P(",'breaks':[{'id':4,"
	    "'time_windows':[[15,15]],'service':5,'description':'lunch'}]",
	    "", ""), "routes[0].steps[2].description", "\"lunch\"" },
	{ "vehicles[].breaks[].max_load", REFUSED, P(",'breaks':[{'id':4,"
	    "'max_load':[3]}]", "", ""), NULL, "vehicles[0].breaks[0]."
	    "max_load: a load limit during a break is not supported" },
	{ "vehicles[].speed_factor", HONOURED, P(",'speed_factor':2", "", ""),
	    "routes[0].travel_time", "20" },
	{ "vehicles[].max_tasks", HONOURED, P(",'max_tasks':1", "", ""),
	    "summary.unassigned", "1" },
	{ "vehicles[].max_travel_time", HONOURED, P(",'max_travel_time':30",
	    "", ""), "unassigned[0].reason", "\"max_travel_time\"" },
	{ "vehicles[].max_distance", REFUSED, P(",'max_distance':30", "", ""),
	    NULL, "vehicles[0].max_distance: a distance limit is not "
	    "supported" },
	{ "vehicles[].steps (vehicle_step: type, id, service_at, "
	    "service_after, service_before)", REFUSED,
	    P(",'steps':[{'type':'job','id':1}]", "", ""), NULL,
	    "vehicles[0].steps: custom routes (vehicle steps) are not "
	    "supported" },
	/* ---- matrices ---- */
	{ "matrices.<profile>.durations", HONOURED, P("", "", ""),
	    "routes[0].steps[2].arrival", "20" },
	{ "matrices.<profile>.distances", HONOURED, "{'vehicles':[" V "}],"
	    "'jobs':[" J1 "}],'matrices':{'car':{'durations':[[0,10],[10,0]],"
	    "'distances':[[0,300],[300,0]]}}}", "routes[0].distance", "600" },
	{ "matrices.<profile>.costs", HONOURED, "{'vehicles':[" V "}],"
	    "'jobs':[" J1 "}],'matrices':{'car':{'durations':[[0,10],[10,0]],"
	    "'costs':[[0,7],[8,0]]}}}", "summary.cost", "15" },
};

#define VR_N ((int)(sizeof(vr_rows) / sizeof(vr_rows[0])))

/* The value at path ("routes[0].steps[1].id") in o, or NULL. */
static json_t *
vr_at(json_t *o, const char *path)
{
	char buf[128], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && o != NULL;
	    tok = strtok_r(NULL, ".", &save)) {
		char *br = strchr(tok, '[');

		if (br != NULL)
			*br = '\0';
		o = json_object_get(o, tok);
		while (br != NULL && o != NULL) {
			o = json_array_get(o, (size_t)atoi(br + 1));
			br = strchr(br + 1, '[');
		}
	}
	return o;
}

static void
vr_check(const struct vr_row *row)
{
	struct pr_problem *p = NULL;
	struct pr_error err;
	char *text = tu_sq(row->problem);
	int rc;

	memset(&err, 0, sizeof(err));
	rc = pr_problem_from_json(text, strlen(text), &p, &err);
	free(text);
	if (row->how == REFUSED) {
		cr_expect_eq(rc, PR_EINVAL, "%s: accepted, should be refused",
		    row->field);
		cr_expect(strncmp(err.msg, row->want, strlen(row->want)) == 0,
		    "%s: refused with \"%s\", expected \"%s...\"", row->field,
		    err.msg, row->want);
		pr_problem_free(p);
		return;
	}
	cr_assert_eq(rc, 0, "%s: %s", row->field, err.msg);
	{
		struct pr_solution *s = tu_solve(p, 100, 1, 8);
		json_t *out, *got, *want;
		char *js, *gs;

		s->computing_ms = -1;
		js = pr_solution_to_json(p, s);
		cr_assert_not_null(js);
		out = json_loads(js, 0, NULL);
		want = json_loads(row->want, JSON_DECODE_ANY, NULL);
		cr_assert_not_null(out);
		cr_assert_not_null(want, "%s: bad expectation", row->field);
		got = vr_at(out, row->where);
		gs = got != NULL ? json_dumps(got, JSON_ENCODE_ANY |
		    JSON_COMPACT) : NULL;
		cr_expect(got != NULL && json_equal(got, want), "%s: %s is %s, "
		    "expected %s (answer: %s)", row->field, row->where,
		    gs != NULL ? gs : "absent", row->want, js);
		free(gs);
		json_decref(want);
		json_decref(out);
		free(js);
		pr_solution_free(s);
	}
	pr_problem_free(p);
}

Test(vroom, every_input_field_is_honoured_or_refused, .timeout = 120)
{
	int refused = 0;

	for (int i = 0; i < VR_N; i++) {
		vr_check(&vr_rows[i]);
		refused += vr_rows[i].how == REFUSED;
	}
	cr_log_info("%d VROOM input fields: %d honoured, %d refused", VR_N,
	    VR_N - refused, refused);
}

/* Without the field the row is about, the value is not what the field
 * made it: the effects above are the fields', not the problem's. */
Test(vroom, effects_come_from_the_fields)
{
	struct pr_problem *p = NULL;
	struct pr_error err;
	struct pr_solution *s;
	char *text = tu_sq(P("", "", ""));
	json_t *out;
	char *js;

	cr_assert_eq(pr_problem_from_json(text, strlen(text), &p, &err), 0,
	    "%s", err.msg);
	free(text);
	s = tu_solve(p, 100, 1, 8);
	js = pr_solution_to_json(p, s);
	out = json_loads(js, 0, NULL);
	cr_expect(json_equal(vr_at(out, "routes[0].steps[2].arrival"),
	    json_integer(20)));
	cr_expect(json_equal(vr_at(out, "routes[0].cost"), json_integer(40)));
	cr_expect_eq(json_array_size(vr_at(out, "routes[0].steps")), 4);
	cr_expect_null(vr_at(out, "routes[0].steps[1].description"));
	cr_expect_null(vr_at(out, "routes[0].description"));
	json_decref(out);
	free(js);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* The problem of issue 15: shipments refused by name; without them, the
 * delivery is loaded at the start and the job needing skill 2 is left
 * out with reason skills (the vehicle holds skill 1 only). */
Test(vroom, issue_15_example)
{
	static const char *with = "{'vehicles':[{'id':1,'start':[106.7,21.8],"
	    "'end':[106.7,21.8],'capacity':[10],'skills':[1]}],'jobs':["
	    "{'id':1,'location':[106.71,21.81],'delivery':[3],'skills':[2]},"
	    "{'id':2,'location':[106.72,21.80],'pickup':[2]}],'shipments':["
	    "{'amount':[1],'pickup':{'id':10,'location':[106.73,21.82]},"
	    "'delivery':{'id':11,'location':[106.74,21.83]}}]}";
	struct pr_problem *p = NULL;
	struct pr_error err;
	struct pr_solution *s;
	char *text = tu_sq(with), *cut;

	memset(&err, 0, sizeof(err));
	cr_expect_eq(pr_problem_from_json(text, strlen(text), &p, &err),
	    PR_EINVAL);
	cr_expect_str_eq(err.msg, "shipments[0]: shipments are not supported "
	    "(a pickup and its delivery on one vehicle); give jobs with "
	    "\"pickup\" or \"delivery\"");
	cut = strstr(text, ",\"shipments\"");
	cr_assert_not_null(cut);
	strcpy(cut, "}");
	cr_assert_eq(pr_problem_from_json(text, strlen(text), &p, &err), 0,
	    "%s", err.msg);
	s = tu_solve(p, 100, 1, 8);
	cr_expect_eq(s->n_unassigned, 1);
	cr_expect_str_eq(s->unassigned[0].reason, "skills");
	cr_expect_eq(s->unassigned[0].job, 0);
	pr_solution_free(s);
	pr_problem_free(p);
	free(text);
}
