/* plan.c: one office's plan on a worker thread: the routing problem from its orders, clamped to the planning clock, pins, the solve, and the plan as JSON and GeoJSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon.h"
#include "plan.h"

/*
 * pr_office_problem_build() knows nothing of "now": it gives each pickup
 * its window from the order alone. Here, on the worker, windows and
 * vehicle shifts are cut to start no earlier than the planning clock
 * (a pickup whose window has closed keeps a zero-width window at "now",
 * so that the solver reports it unassigned with a reason), and routes the
 * dispatcher has handed to a driver keep their remaining stops pinned in
 * order on the same vehicle. Pure: reads only the job.
 */

static json_t *
plan_time(const struct plan_job *j, double rel)
{
	char buf[40];

	pr_time_format(j->day_start + (int64_t)llround(rel),
	    j->region->utc_offset, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
plan_epoch(const struct plan_job *j, int64_t t)
{
	char buf[40];

	if (t < 0 || t == INT64_MAX)
		return json_null();
	pr_time_format(t, j->region->utc_offset, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
plan_real(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

static int
plan_is_dispatched(const struct plan_job *j, const char *vehicle)
{
	for (int i = 0; i < j->n_dispatched; i++)
		if (strcmp(j->dispatched[i], vehicle) == 0)
			return 1;
	return 0;
}

/* Pins the remaining stops of dispatched routes; returns how many. */
static int
plan_pin(struct plan_job *j, struct pr_problem *p)
{
	int n = 0;

	for (int k = 0; k < j->n_pins; k++) {
		int job = -1, veh = -1;

		for (int i = 0; i < p->n_jobs; i++)
			if (strcmp(p->jobs[i].id, j->pins[k].order) == 0)
				job = i;
		for (int v = 0; v < p->n_vehicles; v++)
			if (strcmp(p->vehicles[v].id, j->pins[k].vehicle) == 0)
				veh = v;
		if (job < 0 || veh < 0)
			continue;
		p->jobs[job].pinned_vehicle = veh;
		p->jobs[job].pinned_rank = j->pins[k].rank;
		n++;
	}
	return n;
}

static void
plan_unpin(struct pr_problem *p)
{
	for (int i = 0; i < p->n_jobs; i++)
		p->jobs[i].pinned_vehicle = p->jobs[i].pinned_rank = -1;
}

/* Nothing starts before the clock, except what is pinned (under way). */
static void
plan_clamp(const struct plan_job *j, struct pr_problem *p)
{
	double now = (double)(j->now - j->day_start);

	for (int i = 0; i < p->n_jobs; i++) {
		struct pr_job *jb = &p->jobs[i];

		if (jb->pinned_vehicle >= 0)
			continue;
		for (int w = 0; w < jb->n_tw; w++) {
			if (jb->tw[w].start < now)
				jb->tw[w].start = now;
			if (jb->tw[w].end < jb->tw[w].start)
				jb->tw[w].end = jb->tw[w].start;
		}
	}
	for (int v = 0; v < p->n_vehicles; v++) {
		struct pr_vehicle *vh = &p->vehicles[v];
		int pinned = 0;

		for (int i = 0; i < p->n_jobs; i++)
			if (p->jobs[i].pinned_vehicle == v)
				pinned = 1;
		if (pinned)
			continue;
		if (vh->tw.end <= now)
			vh->tw.start = vh->tw.end;    /* over: unusable */
		else if (vh->tw.start < now)
			vh->tw.start = now;
	}
}

static json_t *
plan_stop(const struct plan_job *j, const struct pr_office_problem *op,
    const struct pr_step *st)
{
	const struct pr_order *o = &j->orders[op->order[st->job]];
	const struct pr_deadline *dl = &op->deadline[st->job];
	json_t *s = json_object();

	json_object_set_new(s, "order_id", json_string(o->id));
	json_object_set_new(s, "arrival", plan_time(j, st->arrival));
	json_object_set_new(s, "service_start",
	    plan_time(j, st->service_start));
	json_object_set_new(s, "latest", plan_epoch(j, dl->latest));
	json_object_set_new(s, "departure", plan_epoch(j, dl->departure));
	json_object_set_new(s, "weight_kg",
	    plan_real((double)o->weight_g / 1000.0, 1e3));
	json_object_set_new(s, "perishable", json_boolean(o->perishable));
	json_object_set_new(s, "location", json_pack("[oo]",
	    plan_real(o->lon, 1e6), plan_real(o->lat, 1e6)));
	if (dl->risk != PR_RISK_NONE)
		json_object_set_new(s, "risk",
		    json_string(pr_risk_name(dl->risk)));
	return s;
}

static json_t *
plan_geo_point(double lon, double lat, json_t *props)
{
	return json_pack("{s:s,s:{s:s,s:[oo]},s:o}", "type", "Feature",
	    "geometry", "type", "Point", "coordinates", plan_real(lon, 1e6),
	    plan_real(lat, 1e6), "properties", props);
}

/* Renders j->json and j->geojson. */
static void
plan_render(struct plan_job *j, const struct pr_office_problem *op,
    const struct pr_solution *s)
{
	const struct pr_office *of = &j->region->offices[j->office];
	const struct pr_problem *p = op->problem;
	json_t *root = json_object(), *routes = json_array(),
	    *un = json_array(), *risk = json_array(), *feats = json_array();
	char *listed;
	int n_risk = 0;

	listed = calloc((size_t)op->n_jobs + 1, 1);
	json_object_set_new(root, "office", json_string(of->id));
	json_object_set_new(root, "office_name", json_string(of->name));
	json_object_set_new(root, "version", json_integer(j->version));
	json_object_set_new(root, "generated_at", plan_epoch(j, wall_s()));
	json_object_set_new(root, "plan_time", plan_epoch(j, j->now));
	json_object_set_new(root, "day_start", plan_epoch(j, j->day_start));
	json_object_set_new(root, "orders", json_integer(j->n_orders));
	json_array_append_new(feats, plan_geo_point(of->lon, of->lat,
	    json_pack("{s:s,s:s,s:s}", "kind", "office", "office", of->id,
	    "name", of->name)));

	for (int r = 0; s != NULL && r < s->n_routes; r++) {
		const struct pr_route *rt = &s->routes[r];
		const struct pr_vehicle *v = &p->vehicles[rt->vehicle];
		json_t *jr = json_object(), *stops = json_array(),
		    *line = json_array();

		if (rt->n_steps == 0) {
			json_decref(jr);
			json_decref(stops);
			json_decref(line);
			continue;
		}
		json_array_append_new(line, json_pack("[oo]",
		    plan_real(of->lon, 1e6), plan_real(of->lat, 1e6)));
		for (int k = 0; k < rt->n_steps; k++) {
			const struct pr_step *st = &rt->steps[k];
			const struct pr_order *o =
			    &j->orders[op->order[st->job]];

			listed[st->job] = 1;
			json_array_append_new(stops, plan_stop(j, op, st));
			json_array_append_new(line, json_pack("[oo]",
			    plan_real(o->lon, 1e6), plan_real(o->lat, 1e6)));
			json_array_append_new(feats, plan_geo_point(o->lon,
			    o->lat, json_pack("{s:s,s:s,s:s,s:i,s:o}", "kind",
			    "stop", "order_id", o->id, "vehicle", v->id,
			    "rank", k + 1, "service_start",
			    plan_time(j, st->service_start))));
		}
		json_array_append_new(line, json_pack("[oo]",
		    plan_real(of->lon, 1e6), plan_real(of->lat, 1e6)));
		json_object_set_new(jr, "vehicle", json_string(v->id));
		json_object_set_new(jr, "profile",
		    json_string(v->profile_name));
		json_object_set_new(jr, "dispatched",
		    json_boolean(plan_is_dispatched(j, v->id)));
		json_object_set_new(jr, "start", plan_time(j, rt->start_time));
		json_object_set_new(jr, "end", plan_time(j, rt->end_time));
		json_object_set_new(jr, "distance_m",
		    plan_real(rt->distance, 1));
		json_object_set_new(jr, "duration_s",
		    plan_real(rt->duration, 1));
		json_object_set_new(jr, "load_kg",
		    plan_real((double)rt->load[0] / 1000.0, 1e3));
		json_object_set_new(jr, "stops", stops);
		json_array_append_new(routes, jr);
		json_array_append_new(feats, json_pack("{s:s,s:{s:s,s:o},"
		    "s:{s:s,s:s,s:i,s:f}}", "type", "Feature", "geometry",
		    "type", "LineString", "coordinates", line, "properties",
		    "kind", "route", "vehicle", v->id, "stops", rt->n_steps,
		    "distance_m", round(rt->distance)));
		j->n_routes++;
	}
	for (int u = 0; s != NULL && u < s->n_unassigned; u++) {
		const struct pr_unassigned *ua = &s->unassigned[u];
		const struct pr_order *o = &j->orders[op->order[ua->job]];
		int rk = op->deadline[ua->job].risk != PR_RISK_NONE ?
		    op->deadline[ua->job].risk :
		    pr_risk_from_unassigned(ua->reason);

		if (listed[ua->job])
			continue;
		listed[ua->job] = 1;
		json_array_append_new(un, json_pack("{s:s,s:s,s:s,s:s}",
		    "order_id", o->id, "reason", ua->reason, "risk",
		    pr_risk_name(rk), "detail", ua->detail));
		j->n_unassigned++;
	}
	/* Without a solution (the solve failed) every pickup is unassigned. */
	for (int i = 0; i < op->n_jobs; i++)
		if (!listed[i]) {
			json_array_append_new(un, json_pack("{s:s,s:s,s:s,s:s}",
			    "order_id", j->orders[op->order[i]].id, "reason",
			    "not_solved", "risk", pr_risk_name(
			    PR_RISK_NO_CAPACITY), "detail", j->err.msg));
			j->n_unassigned++;
		}
	for (int i = 0; i < op->n_skipped; i++) {
		json_array_append_new(un, json_pack("{s:s,s:s,s:s,s:s}",
		    "order_id", j->orders[op->skipped[i]].id, "reason",
		    "after_horizon", "risk", pr_risk_name(PR_RISK_NOT_PLANNED),
		    "detail", "ready after the planning horizon"));
		j->n_unassigned++;
	}
	for (int i = 0; i < op->n_jobs; i++) {
		const struct pr_deadline *dl = &op->deadline[i];

		if (dl->risk == PR_RISK_NONE)
			continue;
		json_array_append_new(risk, json_pack("{s:s,s:s,s:o,s:o}",
		    "order_id", j->orders[op->order[i]].id, "risk",
		    pr_risk_name(dl->risk), "due", plan_epoch(j, dl->due),
		    "latest", plan_epoch(j, dl->latest)));
		n_risk++;
	}
	j->n_at_risk = n_risk;
	json_object_set_new(root, "routes", routes);
	json_object_set_new(root, "unassigned", un);
	json_object_set_new(root, "at_risk", risk);
	json_object_set_new(root, "stats", json_pack("{s:f,s:f,s:f,s:i,s:i}",
	    "solve_ms", round(j->solve_s * 1000), "cost",
	    s != NULL ? round(s->cost) : 0.0, "distance_m",
	    s != NULL ? round(s->distance) : 0.0, "routes", j->n_routes,
	    "unassigned", j->n_unassigned));
	j->json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	json_decref(root);
	root = json_pack("{s:s,s:o,s:{s:s,s:I}}", "type", "FeatureCollection",
	    "features", feats, "properties", "office", of->id, "version",
	    (json_int_t)j->version);
	j->geojson = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	json_decref(root);
	free(listed);
}

void
plan_office(struct plan_job *j)
{
	struct pr_office_problem *op = NULL;
	struct pr_solution *s = NULL;
	struct pr_plan_params pp;
	int *idx, pinned;
	double t0;

	idx = calloc((size_t)j->n_orders + 1, sizeof(int));
	for (int i = 0; i < j->n_orders; i++)
		idx[i] = i;
	pp.day_start = j->day_start;
	pp.horizon_days = j->horizon_days;
	j->rc = pr_office_problem_build(j->region, j->office, j->orders, idx,
	    j->n_orders, &pp, &op, &j->err);
	free(idx);
	if (j->rc != 0)
		return;
	pinned = plan_pin(j, op->problem);
	plan_clamp(j, op->problem);
	/* Re-check after the changes (and recompute vehicle classes). */
	if ((j->rc = pr_problem_finalize(op->problem, 1, &j->err)) != 0 &&
	    pinned) {
		plan_unpin(op->problem);
		j->rc = pr_problem_finalize(op->problem, 1, &j->err);
	}
	t0 = mono_s();
	if (j->rc == 0)
		j->rc = pr_solve(op->problem, &j->sp, &s, &j->err);
	if (j->rc != 0 && j->rc != PR_ECANCELED && pinned) {
		/* The pins could not be kept (a driver left the plan):
		 * plan freely rather than not at all. */
		plan_unpin(op->problem);
		memset(&j->err, 0, sizeof(j->err));
		j->rc = pr_solve(op->problem, &j->sp, &s, &j->err);
	}
	j->solve_s = mono_s() - t0;
	if (j->rc != PR_ECANCELED)
		plan_render(j, op, j->rc == 0 ? s : NULL);
	pr_solution_free(s);
	pr_office_problem_free(op);
}
