/* plan.c: one office's plan on a worker thread: the routing problem from its orders at the planning clock, pins, the solve, and the plan as JSON and GeoJSON; and the clustering job. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon.h"
#include "plan.h"

/*
 * pr_office_problem_build() starts windows and trips at the planning
 * clock (pr_plan_params.now: a pickup whose window no trip can make any
 * more is planned for the next departure it can make, and flagged).
 * Every pickup the plan leaves out is listed in "unassigned" with the
 * solver's reason and in "at_risk". Routes the dispatcher has handed to a driver keep their
 * remaining stops pinned in order on the same vehicle; such a trip is
 * under way, so its vehicle and its pinned stops get back the start the
 * clock took from them. Vehicle ids name the date and trip slot
 * (motorbike1.20260820t2), so a pin means the same trip after midnight.
 * Pure: reads only the job.
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

static int
plan_id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of s among the n ids of elements of size sz starting at base
 * (sorted: pointers into them), or -1. */
static int
plan_id_find(const char **ids, int n, const char *s, const void *base,
    size_t sz)
{
	const char **f = bsearch(&s, ids, (size_t)n, sizeof(*ids), plan_id_cmp);

	return f == NULL ? -1 : (int)((size_t)(*f - (const char *)base) / sz);
}

/* For each (vehicle, order) of pins[0..n): the vehicle and the job of p
 * with those ids, -1 where p has none (binary search over sorted ids: a
 * plan of 1,000 pickups maps in n log n). */
static void
plan_locate(const struct pr_problem *p, const struct plan_pin *pins, int n,
    int *veh, int *job)
{
	const char **vids = ecalloc((size_t)p->n_vehicles + 1, sizeof(char *));
	const char **jids = ecalloc((size_t)p->n_jobs + 1, sizeof(char *));

	for (int v = 0; v < p->n_vehicles; v++)
		vids[v] = p->vehicles[v].id;
	for (int i = 0; i < p->n_jobs; i++)
		jids[i] = p->jobs[i].id;
	qsort(vids, (size_t)p->n_vehicles, sizeof(*vids), plan_id_cmp);
	qsort(jids, (size_t)p->n_jobs, sizeof(*jids), plan_id_cmp);
	for (int k = 0; k < n; k++) {
		veh[k] = plan_id_find(vids, p->n_vehicles, pins[k].vehicle,
		    p->vehicles, sizeof(p->vehicles[0]));
		job[k] = plan_id_find(jids, p->n_jobs, pins[k].order, p->jobs,
		    sizeof(p->jobs[0]));
	}
	free(vids);
	free(jids);
}

/* Pins the remaining stops of dispatched routes; returns how many. */
static int
plan_pin(struct plan_job *j, struct pr_problem *p)
{
	int n = 0, *veh = ecalloc((size_t)j->n_pins + 1, sizeof(int)),
	    *job = ecalloc((size_t)j->n_pins + 1, sizeof(int));

	plan_locate(p, j->pins, j->n_pins, veh, job);
	for (int k = 0; k < j->n_pins; k++) {
		if (job[k] < 0 || veh[k] < 0)
			continue;
		p->jobs[job[k]].pinned_vehicle = veh[k];
		p->jobs[job[k]].pinned_rank = j->pins[k].rank;
		n++;
	}
	free(veh);
	free(job);
	return n;
}

static void
plan_unpin(struct pr_problem *p)
{
	for (int i = 0; i < p->n_jobs; i++)
		p->jobs[i].pinned_vehicle = p->jobs[i].pinned_rank = -1;
}

/*
 * Vehicles of one class are interchangeable (same profile, capacity,
 * trip window, start and end: pr_problem_finalize), so which of them
 * drives which route is the plan's choice. Each route gets the vehicle
 * that had most of its orders in the previous plan (greedily, largest
 * overlap first), so that a re-plan which moves little also reads as
 * little changed: vehicle ids are what a dispatcher hands out. Vehicles
 * with pinned stops keep theirs. Counts the orders that stay on their
 * vehicle and those that change.
 */
static void
plan_keep_labels(struct plan_job *j, const struct pr_problem *p,
    struct pr_solution *s)
{
	int nv = p->n_vehicles, nr = s->n_routes, *prevv, *fixed, *used,
	    *owner, *ov, *pv, *pj;

	j->n_kept = j->n_moved = 0;
	if (j->n_prev == 0 || nr == 0)
		return;
	prevv = ecalloc((size_t)p->n_jobs + 1, sizeof(int));
	fixed = ecalloc((size_t)nv + 1, sizeof(int));
	used = ecalloc((size_t)nv + 1, sizeof(int));
	owner = ecalloc((size_t)nr + 1, sizeof(int));
	ov = ecalloc((size_t)nr * (size_t)nv + 1, sizeof(int));
	pv = ecalloc((size_t)j->n_prev + 1, sizeof(int));
	pj = ecalloc((size_t)j->n_prev + 1, sizeof(int));
	for (int i = 0; i < p->n_jobs; i++) {
		prevv[i] = -1;
		if (p->jobs[i].pinned_vehicle >= 0)
			fixed[p->jobs[i].pinned_vehicle] = 1;
	}
	plan_locate(p, j->prev, j->n_prev, pv, pj);
	for (int k = 0; k < j->n_prev; k++)
		if (pj[k] >= 0 && pv[k] >= 0)
			prevv[pj[k]] = pv[k];
	for (int r = 0; r < nr; r++) {
		const struct pr_route *rt = &s->routes[r];

		owner[r] = -1;
		if (fixed[rt->vehicle]) {
			owner[r] = rt->vehicle;
			used[rt->vehicle] = 1;
			continue;
		}
		for (int k = 0; k < rt->n_steps; k++) {
			int v = prevv[rt->steps[k].job];

			if (v >= 0 && !fixed[v] &&
			    p->vehicles[v].vclass == p->vehicles[rt->vehicle].vclass)
				ov[(size_t)r * (size_t)nv + (size_t)v]++;
		}
	}
	/* largest overlap first (a few dozen routes: quadratic is fine) */
	for (;;) {
		int br = -1, bv = -1, best = 0;

		for (int r = 0; r < nr; r++)
			for (int v = 0; owner[r] < 0 && v < nv; v++)
				if (!used[v] && ov[(size_t)r * (size_t)nv +
				    (size_t)v] > best) {
					best = ov[(size_t)r * (size_t)nv +
					    (size_t)v];
					br = r;
					bv = v;
				}
		if (br < 0)
			break;
		owner[br] = bv;
		used[bv] = 1;
	}
	/* the others: their own vehicle when free, else a free one of the
	 * class that had no route before */
	for (int r = 0; r < nr; r++) {
		int v = s->routes[r].vehicle;

		if (owner[r] >= 0)
			continue;
		if (used[v]) {
			for (int w = 0; w < nv; w++)
				if (!used[w] && !fixed[w] &&
				    p->vehicles[w].vclass == p->vehicles[v].vclass) {
					v = w;
					break;
				}
		}
		owner[r] = v;
		used[v] = 1;
	}
	for (int r = 0; r < nr; r++) {
		s->routes[r].vehicle = owner[r];
		for (int k = 0; k < s->routes[r].n_steps; k++) {
			int v = prevv[s->routes[r].steps[k].job];

			if (v >= 0 && v == owner[r])
				j->n_kept++;
			else if (v >= 0)
				j->n_moved++;
		}
	}
	free(prevv);
	free(fixed);
	free(used);
	free(owner);
	free(ov);
	free(pv);
	free(pj);
}

/*
 * Plan stability ([planner] stability): the routes of the last plan that
 * no driver has yet are tried again as they were (same vehicle, same
 * order, without the pickups that left), with the new pickups added after
 * them: pinned heads, a quarter of the time limit. Routes the clock has
 * made infeasible are left to the search. That plan is kept unless it
 * serves fewer pickups or costs more than (1 + stability) times the fresh
 * one, so what a dispatcher sees changes only where it is worth it.
 */
static void
plan_sticky(struct plan_job *j, struct pr_problem *p, struct pr_solution **s)
{
	struct pr_solve_params sp = j->sp;
	struct pr_solution *st = NULL, *chk;
	int nv = p->n_vehicles, nj = p->n_jobs, *len, *veh, **seq, *busy, n = 0,
	    *pv, *pj;

	if (j->n_prev == 0 || j->stability <= 0 || *s == NULL)
		return;
	len = ecalloc((size_t)nv + 1, sizeof(int));
	veh = ecalloc((size_t)nv + 1, sizeof(int));
	busy = ecalloc((size_t)nv + 1, sizeof(int));
	seq = ecalloc((size_t)nv + 1, sizeof(int *));
	pv = ecalloc((size_t)j->n_prev + 1, sizeof(int));
	pj = ecalloc((size_t)j->n_prev + 1, sizeof(int));
	for (int i = 0; i < nj; i++)
		if (p->jobs[i].pinned_vehicle >= 0)
			busy[p->jobs[i].pinned_vehicle] = 1;
	plan_locate(p, j->prev, j->n_prev, pv, pj);
	for (int k = 0; k < j->n_prev; k++) {
		int i = pj[k], v = pv[k];

		if (i < 0 || v < 0 || busy[v] || p->jobs[i].pinned_vehicle >= 0)
			continue;
		if (seq[v] == NULL)
			seq[v] = ecalloc((size_t)nj + 1, sizeof(int));
		seq[v][len[v]++] = i;
	}
	/* each route as it was must still be feasible at this clock */
	for (int v = 0; v < nv; v++) {
		const int *one = seq[v];

		if (len[v] == 0 || pr_solution_from_routes(p, 1, &v, &one,
		    &len[v], &chk, NULL) != 0) {
			len[v] = 0;
			continue;
		}
		pr_solution_free(chk);
		for (int r = 0; r < len[v]; r++) {
			p->jobs[seq[v][r]].pinned_vehicle = v;
			p->jobs[seq[v][r]].pinned_rank = r;
		}
		veh[n++] = v;
	}
	if (n > 0) {
		sp.time_limit = j->sp.time_limit / 4;
		sp.iterations = j->sp.iterations / 4;
		if (pr_solve(p, &sp, &st, NULL) == 0 &&
		    st->n_unassigned <= (*s)->n_unassigned &&
		    st->cost <= (*s)->cost * (1 + j->stability)) {
			pr_solution_free(*s);
			*s = st;
			st = NULL;
			j->kept_routes = 1;
		}
		pr_solution_free(st);
		for (int k = 0; k < n; k++)
			for (int r = 0; r < len[veh[k]]; r++)
				p->jobs[seq[veh[k]][r]].pinned_vehicle =
				    p->jobs[seq[veh[k]][r]].pinned_rank = -1;
	}
	for (int v = 0; v < nv; v++)
		free(seq[v]);
	free(seq);
	free(len);
	free(veh);
	free(busy);
	free(pv);
	free(pj);
}

/* A pinned trip is under way: the clock does not cut it or its stops. */
/*
 * The service-level rule ([planner] late_*): trips that only on-time
 * promises justify are dropped and those orders planned late, up to the
 * allowance the planner gave this office (j->late.max_late). Also counts
 * the pickups that can be on time and those planned late, for the budget.
 */
static void
plan_late(struct plan_job *j, struct pr_office_problem *op,
    const struct pr_plan_params *pp, struct pr_solution **s)
{
	struct pr_late_plan lpl;

	if (j->late.max_late > 0 && pr_plan_late(j->region, j->orders, op, *s,
	    pp, &j->late, 1, &lpl, NULL) == 0) {
		if (lpl.n_steps > 0) {
			pr_solution_free(*s);
			*s = lpl.solution;
			lpl.solution = NULL;
		}
		pr_late_plan_free(&lpl);
	}
	j->n_ontime = j->n_late = 0;
	for (int i = 0; i < op->n_jobs; i++) {
		j->n_ontime += op->deadline[i].risk == PR_RISK_NONE ||
		    op->deadline[i].risk == PR_RISK_PLANNED_LATE;
		j->n_late += op->deadline[i].risk == PR_RISK_PLANNED_LATE;
	}
}

static void
plan_reopen_pinned(const struct pr_office_problem *op, struct pr_problem *p)
{
	for (int i = 0; i < p->n_jobs; i++) {
		struct pr_job *jb = &p->jobs[i];
		struct pr_vehicle *vh;
		double ws = (double)(op->deadline[i].earliest - op->day_start);

		if (jb->pinned_vehicle < 0)
			continue;
		if (ws < jb->tw[0].start)
			jb->tw[0].start = ws;
		vh = &p->vehicles[jb->pinned_vehicle];
		if (op->trip_start[jb->pinned_vehicle] < vh->tw.start)
			vh->tw.start = op->trip_start[jb->pinned_vehicle];
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

/* Orders planned here that clustering took from their own office. */
static json_t *
plan_moved(const struct plan_job *j)
{
	json_t *a = json_array();

	for (int i = 0; j->home != NULL && i < j->n_orders; i++) {
		if (j->home[i] < 0 || j->home[i] == j->office)
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}",
		    "order_id", j->orders[i].id, "from",
		    j->region->offices[j->home[i]].id, "reason",
		    j->moved_why != NULL && j->moved_why[i][0] != '\0' ?
		    j->moved_why[i] : "clustering"));
	}
	return a;
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
	int n_risk = 0, *left;

	listed = ecalloc((size_t)op->n_jobs + 1, 1);
	/* per job: the risk of leaving it out, 0 when routed */
	left = ecalloc((size_t)op->n_jobs + 1, sizeof(int));
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
		left[ua->job] = rk;
		json_array_append_new(un, json_pack("{s:s,s:s,s:s,s:s}",
		    "order_id", o->id, "reason", ua->reason, "risk",
		    pr_risk_name(rk), "detail", ua->detail));
		j->n_unassigned++;
	}
	/* Without a solution (the solve failed) every pickup is unassigned. */
	for (int i = 0; i < op->n_jobs; i++)
		if (!listed[i]) {
			left[i] = PR_RISK_NO_CAPACITY;
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
	/* Orders left out of the problem (more than PLAN_MAX_ORDERS). */
	if (op->n_jobs + op->n_skipped < j->n_orders) {
		char *in = ecalloc((size_t)j->n_orders + 1, 1);

		for (int i = 0; i < op->n_jobs; i++)
			in[op->order[i]] = 1;
		for (int i = 0; i < op->n_skipped; i++)
			in[op->skipped[i]] = 1;
		for (int i = 0; i < j->n_orders; i++)
			if (!in[i]) {
				json_array_append_new(un, json_pack(
				    "{s:s,s:s,s:s,s:s}", "order_id",
				    j->orders[i].id, "reason", "too_many_orders",
				    "risk", pr_risk_name(PR_RISK_NOT_PLANNED),
				    "detail", "more open orders at the office "
				    "than one plan takes: planned later"));
				j->n_unassigned++;
			}
		free(in);
	}
	/* At risk: the deadline's risk, else the reason a pickup that the
	 * plan leaves out will not be collected in time. */
	for (int i = 0; i < op->n_jobs; i++) {
		const struct pr_deadline *dl = &op->deadline[i];
		int rk = dl->risk != PR_RISK_NONE ? dl->risk : left[i];

		if (rk == PR_RISK_NONE)
			continue;
		json_array_append_new(risk, json_pack("{s:s,s:s,s:o,s:o}",
		    "order_id", j->orders[op->order[i]].id, "risk",
		    pr_risk_name(rk), "due", plan_epoch(j, dl->due),
		    "latest", plan_epoch(j, dl->latest)));
		n_risk++;
	}
	j->n_at_risk = n_risk;
	json_object_set_new(root, "routes", routes);
	json_object_set_new(root, "unassigned", un);
	json_object_set_new(root, "at_risk", risk);
	json_object_set_new(root, "moved", plan_moved(j));
	json_object_set_new(root, "stats", json_pack(
	    "{s:f,s:f,s:f,s:i,s:i,s:i,s:i}",
	    "solve_ms", round(j->solve_s * 1000), "cost",
	    s != NULL ? round(s->cost) : 0.0, "distance_m",
	    s != NULL ? round(s->distance) : 0.0, "routes", j->n_routes,
	    "unassigned", j->n_unassigned, "orders_kept", j->n_kept,
	    "orders_moved", j->n_moved));
	json_object_set_new(json_object_get(root, "stats"), "planned_late",
	    json_integer(j->n_late));
	json_object_set_new(json_object_get(root, "stats"), "kept_routes",
	    json_boolean(j->kept_routes));
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
	free(left);
}

/*
 * An office problem costs n^2 memory and time (its travel matrices): a
 * flood of orders at one office must not take the daemon down (50,000
 * orders would need tens of GB). Beyond PLAN_MAX_ORDERS open orders, the
 * pinned stops and then the orders ready first are planned; plan_render
 * lists the others unassigned ("too_many_orders") until a later plan has
 * room for them.
 */
#define PLAN_MAX_ORDERS 1000

struct plan_key {
	int64_t key;
	int idx;
};

static int
plan_key_cmp(const void *a, const void *b)
{
	const struct plan_key *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int
plan_int_cmp(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) -
	    (*(const int *)a < *(const int *)b);
}

/* Keeps the first PLAN_MAX_ORDERS of idx[0..n_orders) in urgency order,
 * then in their original order; returns how many. */
static int
plan_select(const struct plan_job *j, int *idx)
{
	struct plan_key *k;

	if (j->n_orders <= PLAN_MAX_ORDERS)
		return j->n_orders;
	k = ecalloc((size_t)j->n_orders, sizeof(*k));
	for (int i = 0; i < j->n_orders; i++) {
		k[i].idx = idx[i];
		k[i].key = j->orders[idx[i]].ready_from;
		for (int p = 0; p < j->n_pins; p++)
			if (strcmp(j->pins[p].order, j->orders[idx[i]].id) == 0)
				k[i].key = INT64_MIN;
	}
	qsort(k, (size_t)j->n_orders, sizeof(*k), plan_key_cmp);
	for (int i = 0; i < PLAN_MAX_ORDERS; i++)
		idx[i] = k[i].idx;
	free(k);
	qsort(idx, PLAN_MAX_ORDERS, sizeof(*idx), plan_int_cmp);
	return PLAN_MAX_ORDERS;
}

#define PLAN_CLUSTER_MILP_MAX 20000

/* JOB_CLUSTER: every open order to an office (pr_cluster_assign). */
static void
plan_cluster(struct plan_job *j)
{
	struct pr_cluster_params cp;
	struct pr_cluster_result *cr = NULL;
	double t0 = mono_s();

	memset(&cp, 0, sizeof(cp));
	cp.time_limit = j->sp.time_limit;
	/* the MILP has a column per order and nearby office: past this many
	 * orders it would hold hundreds of MB; nearest-feasible instead */
	cp.greedy = j->n_orders > PLAN_CLUSTER_MILP_MAX;
	j->rc = pr_cluster_assign(j->region, j->orders, j->n_orders,
	    j->day_start, &cp, &cr, &j->err);
	j->solve_s = mono_s() - t0;
	if (j->rc != 0)
		return;
	j->cluster_office = ecalloc((size_t)j->n_orders + 1, sizeof(int));
	j->cluster_why = ecalloc((size_t)j->n_orders + 1,
	    sizeof(*j->cluster_why));
	for (int i = 0; i < j->n_orders; i++) {
		j->cluster_office[i] = cr->office[i];
		memcpy(j->cluster_why[i], cr->reason[i],
		    sizeof(j->cluster_why[i]));
	}
	j->cluster_status = cr->status;
	pr_cluster_result_free(cr);
}

void
plan_office(struct plan_job *j)
{
	struct pr_office_problem *op = NULL;
	struct pr_solution *s = NULL;
	struct pr_plan_params pp;
	int *idx, pinned, n;
	double t0;

	if (j->kind == JOB_CLUSTER) {
		plan_cluster(j);
		return;
	}
	idx = ecalloc((size_t)j->n_orders + 1, sizeof(int));
	for (int i = 0; i < j->n_orders; i++)
		idx[i] = i;
	n = plan_select(j, idx);
	memset(&pp, 0, sizeof(pp));
	pp.day_start = j->day_start;
	pp.horizon_days = j->horizon_days;
	pp.now = j->now;
	j->rc = pr_office_problem_build(j->region, j->office, j->orders, idx,
	    n, &pp, &op, &j->err);
	free(idx);
	if (j->rc != 0)
		return;
	pinned = plan_pin(j, op->problem);
	plan_reopen_pinned(op, op->problem);
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
	if (j->rc == 0) {
		plan_sticky(j, op->problem, &s);
		plan_late(j, op, &pp, &s);
		plan_keep_labels(j, op->problem, s);
	}
	j->solve_s = mono_s() - t0;
	if (j->rc != PR_ECANCELED)
		plan_render(j, op, j->rc == 0 ? s : NULL);
	pr_solution_free(s);
	pr_office_problem_free(op);
}
