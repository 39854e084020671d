/* solution_json.c: a solution as JSON, the --solve output format. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"

/*
 * Numbers are rounded to 4 decimals (coordinates to 6) and printed with 15
 * significant digits, which gives back exactly the rounded decimal: no
 * 828.93690000000004. Integral values are written as JSON integers. The
 * same solution always gives the same bytes (jansson keeps insertion
 * order).
 *
 * The shape is postroute's own (docs/problem-format.md) with what a VROOM
 * user reads beside it: code, step types start/job/break/end, ids of
 * their JSON type, per step the load after it, the travel time and
 * distance so far, setup, service and waiting_time, per route cost,
 * setup, deliveries, pickups and priority, and computing_times.
 */

struct json_writer {
	int bad;                 /* a jansson call failed (out of memory) */
};

static json_t *
jw_num(double x, double scale)
{
	if (!isfinite(x))
		return json_null();
	if (fabs(x) < 1e15)
		x = round(x * scale) / scale;
	if (x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* A JSON string; bytes that are not valid UTF-8 (an id cut short inside a
 * detail message, say) become '?' rather than failing the whole output. */
static json_t *
jw_str(const char *s)
{
	json_t *v = json_string(s);
	char *t;

	if (v != NULL)
		return v;
	t = xstrdup(s);
	for (char *c = t; *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	v = json_string(t);
	free(t);
	return v;
}

static void
jw_set(struct json_writer *w, json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v) != 0)
		w->bad = 1;
}

static void
jw_append(struct json_writer *w, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v) != 0)
		w->bad = 1;
}

static json_t *
jw_load(struct json_writer *w, const struct pr_problem *p,
    const int64_t *load)
{
	json_t *a = json_array();

	for (int d = 0; d < p->n_dims; d++)
		jw_append(w, a, json_integer((json_int_t)load[d]));
	return a;
}

/* An id as it came: an integer when the problem gave one. */
static json_t *
jw_id(const char *id, int is_int)
{
	if (is_int) {
		char *end;
		long long x = strtoll(id, &end, 10);

		if (*end == '\0' && end != id)
			return json_integer((json_int_t)x);
	}
	return jw_str(id);
}

/* location_index and, for geographic JSON problems, [lon, lat]. */
static void
jw_location(struct json_writer *w, const struct pr_problem *p, json_t *o,
    int loc)
{
	json_t *c;

	if (loc < 0)
		return;
	jw_set(w, o, "location_index", json_integer(loc));
	if (p->coords == NULL || p->source != PR_SOURCE_JSON ||
	    isnan(p->coords[2 * loc]))
		return;
	c = json_array();
	jw_append(w, c, jw_num(p->coords[2 * loc], 1e6));
	jw_append(w, c, jw_num(p->coords[2 * loc + 1], 1e6));
	jw_set(w, o, "location", c);
}

/* The keys every step has beside its own: what it costs in time, where
 * the route is, what is on board after it. */
static void
jw_step_common(struct json_writer *w, const struct pr_problem *p, json_t *st,
    double setup, double service, double waiting, double travel,
    double distance, const int64_t *load)
{
	jw_set(w, st, "setup", jw_num(setup, 1e4));
	jw_set(w, st, "service", jw_num(service, 1e4));
	jw_set(w, st, "waiting_time", jw_num(waiting, 1e4));
	jw_set(w, st, "duration", jw_num(travel, 1e4));
	jw_set(w, st, "distance", jw_num(distance, 1e4));
	jw_set(w, st, "load", jw_load(w, p, load));
}

static void
jw_description(struct json_writer *w, const struct pr_problem *p, json_t *o,
    int off)
{
	if (off >= 0)
		jw_set(w, o, "description", jw_str(pr_problem_text(p, off)));
}

static json_t *
jw_break(struct json_writer *w, const struct pr_problem *p,
    const struct pr_break_step *bs)
{
	const struct pr_break *br = &p->breaks[bs->brk];
	json_t *st = json_object();

	jw_set(w, st, "type", json_string("break"));
	jw_set(w, st, "id", jw_id(br->id, br->id_int));
	jw_description(w, p, st, br->description);
	jw_set(w, st, "arrival", jw_num(bs->arrival, 1e4));
	jw_set(w, st, "service_start", jw_num(bs->start, 1e4));
	jw_set(w, st, "waiting", jw_num(bs->waiting, 1e4));
	jw_step_common(w, p, st, 0, br->service, bs->waiting, bs->travel,
	    bs->distance, bs->load);
	return st;
}

static json_t *
jw_route(struct json_writer *w, const struct pr_problem *p,
    const struct pr_route *rt)
{
	const struct pr_vehicle *v = &p->vehicles[rt->vehicle];
	json_t *o = json_object(), *steps = json_array(), *st;
	int64_t pickup[PR_MAX_DIMS];
	int nb = 0, prio = 0;

	for (int k = 0; k < rt->n_steps; k++)
		prio += p->jobs[rt->steps[k].job].priority;
	jw_set(w, o, "vehicle", jw_id(v->id, v->id_int));
	jw_description(w, p, o, v->description);
	jw_set(w, o, "profile", jw_str(p->profiles[v->profile].name));
	jw_set(w, o, "distance", jw_num(rt->distance, 1e4));
	jw_set(w, o, "duration", jw_num(rt->end_time - rt->start_time, 1e4));
	jw_set(w, o, "start_time", jw_num(rt->start_time, 1e4));
	jw_set(w, o, "end_time", jw_num(rt->end_time, 1e4));
	jw_set(w, o, "travel_time", jw_num(rt->travel_time, 1e4));
	jw_set(w, o, "service", jw_num(rt->service_time, 1e4));
	jw_set(w, o, "waiting_time", jw_num(rt->waiting_time, 1e4));
	jw_set(w, o, "load", jw_load(w, p, rt->load));
	jw_set(w, o, "cost", jw_num(rt->cost, 1e4));
	jw_set(w, o, "setup", jw_num(rt->setup_time, 1e4));
	jw_set(w, o, "delivery", jw_load(w, p, rt->delivery));
	memcpy(pickup, rt->load, sizeof(pickup));
	jw_set(w, o, "pickup", jw_load(w, p, pickup));
	jw_set(w, o, "priority", json_integer(prio));

	st = json_object();
	jw_set(w, st, "type", json_string("start"));
	jw_location(w, p, st, v->start);
	jw_set(w, st, "departure", jw_num(rt->start_time, 1e4));
	jw_set(w, st, "arrival", jw_num(rt->start_time, 1e4));
	jw_step_common(w, p, st, 0, 0, 0, 0, 0, rt->delivery);
	jw_append(w, steps, st);
	for (int k = 0; k <= rt->n_steps; k++) {
		const struct pr_step *s;
		const struct pr_job *j;

		for (; nb < rt->n_breaks && rt->breaks[nb].after == k; nb++)
			jw_append(w, steps, jw_break(w, p, &rt->breaks[nb]));
		if (k == rt->n_steps)
			break;
		s = &rt->steps[k];
		j = &p->jobs[s->job];
		st = json_object();
		jw_set(w, st, "type", json_string("job"));
		jw_set(w, st, "id", jw_id(j->id, j->id_int));
		jw_description(w, p, st, j->description);
		jw_location(w, p, st, j->location);
		jw_set(w, st, "arrival", jw_num(s->arrival, 1e4));
		jw_set(w, st, "service_start", jw_num(s->service_start, 1e4));
		jw_set(w, st, "waiting", jw_num(s->waiting, 1e4));
		jw_step_common(w, p, st, s->setup, j->service, s->waiting,
		    s->travel, s->distance, s->load);
		jw_append(w, steps, st);
	}
	st = json_object();
	jw_set(w, st, "type", json_string("end"));
	jw_location(w, p, st, v->end);
	jw_set(w, st, "arrival", jw_num(rt->end_time, 1e4));
	jw_step_common(w, p, st, 0, 0, 0, rt->travel_time, rt->distance,
	    rt->n_steps > 0 ? rt->steps[rt->n_steps - 1].load : rt->delivery);
	jw_append(w, steps, st);
	jw_set(w, o, "steps", steps);
	return o;
}

char *
pr_solution_to_json(const struct pr_problem *p, const struct pr_solution *s)
{
	struct json_writer w = { 0 };
	json_t *root, *sum, *routes, *un, *times;
	double service = 0, waiting = 0, travel = 0, setup = 0;
	int64_t delivery[PR_MAX_DIMS] = { 0 }, pickup[PR_MAX_DIMS] = { 0 };
	int prio = 0;
	char *text;

	/* A solution of another problem would index out of bounds. */
	for (int r = 0; r < s->n_routes; r++) {
		const struct pr_route *rt = &s->routes[r];

		if (rt->vehicle < 0 || rt->vehicle >= p->n_vehicles)
			return NULL;
		for (int k = 0; k < rt->n_steps; k++) {
			if (rt->steps[k].job < 0 ||
			    rt->steps[k].job >= p->n_jobs)
				return NULL;
			prio += p->jobs[rt->steps[k].job].priority;
		}
		for (int b = 0; b < rt->n_breaks; b++)
			if (rt->breaks[b].brk < 0 ||
			    rt->breaks[b].brk >= p->n_breaks)
				return NULL;
		service += rt->service_time;
		waiting += rt->waiting_time;
		travel += rt->travel_time;
		setup += rt->setup_time;
		for (int d = 0; d < p->n_dims; d++) {
			delivery[d] += rt->delivery[d];
			pickup[d] += rt->load[d];
		}
	}
	for (int u = 0; u < s->n_unassigned; u++)
		if (s->unassigned[u].job < 0 ||
		    s->unassigned[u].job >= p->n_jobs)
			return NULL;

	root = json_object();
	/* VROOM's status: 0, no error (errors have no solution to write) */
	jw_set(&w, root, "code", json_integer(0));
	sum = json_object();
	jw_set(&w, sum, "cost", jw_num(s->cost, 1e4));
	jw_set(&w, sum, "distance", jw_num(s->distance, 1e4));
	jw_set(&w, sum, "duration", jw_num(s->duration, 1e4));
	jw_set(&w, sum, "routes", json_integer(s->n_routes));
	jw_set(&w, sum, "unassigned", json_integer(s->n_unassigned));
	jw_set(&w, sum, "computing_time_ms",
	    jw_num(s->computing_ms < 0 ? 0 : s->computing_ms, 1e4));
	jw_set(&w, sum, "service", jw_num(service, 1e4));
	jw_set(&w, sum, "waiting_time", jw_num(waiting, 1e4));
	jw_set(&w, sum, "travel_time", jw_num(travel, 1e4));
	jw_set(&w, sum, "proven_optimal", json_boolean(s->proven_optimal));
	jw_set(&w, sum, "iterations", json_integer(s->iterations));
	if (s->seed <= (uint64_t)INT64_MAX)
		jw_set(&w, sum, "seed", json_integer((json_int_t)s->seed));
	else {
		char buf[24];

		/* jansson integers are signed 64-bit. */
		snprintf(buf, sizeof(buf), "%" PRIu64, s->seed);
		jw_set(&w, sum, "seed", json_string(buf));
	}
	jw_set(&w, sum, "threads", json_integer(s->threads));
	jw_set(&w, sum, "setup", jw_num(setup, 1e4));
	jw_set(&w, sum, "delivery", jw_load(&w, p, delivery));
	jw_set(&w, sum, "pickup", jw_load(&w, p, pickup));
	jw_set(&w, sum, "priority", json_integer(prio));
	times = json_object();
	jw_set(&w, times, "loading",
	    jw_num(s->loading_ms < 0 ? 0 : s->loading_ms, 1e4));
	jw_set(&w, times, "solving",
	    jw_num(s->computing_ms < 0 ? 0 : s->computing_ms, 1e4));
	jw_set(&w, sum, "computing_times", times);
	jw_set(&w, root, "summary", sum);

	routes = json_array();
	for (int r = 0; r < s->n_routes; r++)
		jw_append(&w, routes, jw_route(&w, p, &s->routes[r]));
	jw_set(&w, root, "routes", routes);

	un = json_array();
	for (int u = 0; u < s->n_unassigned; u++) {
		const struct pr_unassigned *ua = &s->unassigned[u];
		const struct pr_job *j = &p->jobs[ua->job];
		json_t *o = json_object();

		jw_set(&w, o, "id", jw_id(j->id, j->id_int));
		jw_location(&w, p, o, j->location);
		jw_set(&w, o, "reason", jw_str(ua->reason));
		jw_set(&w, o, "detail", jw_str(ua->detail));
		jw_set(&w, o, "type", json_string("job"));
		jw_description(&w, p, o, j->description);
		jw_append(&w, un, o);
	}
	jw_set(&w, root, "unassigned", un);

	text = w.bad ? NULL : json_dumps(root, JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(root);
	return text;
}
