/* plan.c: one office's plan on a worker thread: the routing problem from its orders at the planning clock, pins, the solve, and the plan as structs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "util.h"

/*
 * pr_office_problem_build() starts windows and trips at the planning
 * clock (pr_plan_params.now: a pickup whose window no trip can make any
 * more is planned for the next departure it can make, and flagged).
 * Every pickup the plan leaves out is listed in "unassigned" with the
 * solver's reason and in "at_risk". Routes the dispatcher has handed to a
 * driver keep their remaining stops pinned in order on the same vehicle;
 * such a trip is under way, so its vehicle and its pinned stops get back
 * the start the clock took from them. Vehicle ids name the date and trip
 * slot (motorbike1.20260820t2), so a pin means the same trip after
 * midnight. Pure: reads only the input; the plan is written out (JSON,
 * GeoJSON) by plan_json.c, on the loop, once.
 */

void
plan_input_free(struct plan_input *in)
{
	if (in == NULL)
		return;
	free(in->orders);
	free(in->home);
	free(in->moved_why);
	free(in->pins);
	free(in->dispatched);
	free(in->prev);
}

void
plan_trim(struct plan *p)
{
	free(p->unassigned);
	free(p->at_risk);
	free(p->moved);
	p->unassigned = NULL;
	p->at_risk = NULL;
	p->moved = NULL;
	p->n_unassigned = p->n_at_risk = p->n_moved = 0;
}

void
plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	for (int r = 0; r < p->n_routes; r++)
		free(p->routes[r].stops);
	free(p->routes);
	plan_trim(p);
	free(p);
}

static int
plan_is_dispatched(const struct plan_input *in, const char *vehicle)
{
	for (int i = 0; i < in->n_dispatched; i++)
		if (strcmp(in->dispatched[i], vehicle) == 0)
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
plan_pin(const struct plan_input *in, struct pr_problem *p)
{
	int n = 0, *veh = ecalloc((size_t)in->n_pins + 1, sizeof(int)),
	    *job = ecalloc((size_t)in->n_pins + 1, sizeof(int));

	plan_locate(p, in->pins, in->n_pins, veh, job);
	for (int k = 0; k < in->n_pins; k++) {
		if (job[k] < 0 || veh[k] < 0)
			continue;
		p->jobs[job[k]].pinned_vehicle = veh[k];
		p->jobs[job[k]].pinned_rank = in->pins[k].rank;
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
 * vehicle and those that change (st).
 */
static void
plan_keep_labels(const struct plan_input *in, const struct pr_problem *p,
    struct pr_solution *s, struct plan_stats *st)
{
	int nv = p->n_vehicles, nr = s->n_routes, *prevv, *fixed, *used,
	    *owner, *ov, *pv, *pj;

	st->orders_kept = st->orders_moved = 0;
	if (in->n_prev == 0 || nr == 0)
		return;
	prevv = ecalloc((size_t)p->n_jobs + 1, sizeof(int));
	fixed = ecalloc((size_t)nv + 1, sizeof(int));
	used = ecalloc((size_t)nv + 1, sizeof(int));
	owner = ecalloc((size_t)nr + 1, sizeof(int));
	ov = ecalloc((size_t)nr * (size_t)nv + 1, sizeof(int));
	pv = ecalloc((size_t)in->n_prev + 1, sizeof(int));
	pj = ecalloc((size_t)in->n_prev + 1, sizeof(int));
	for (int i = 0; i < p->n_jobs; i++) {
		prevv[i] = -1;
		if (p->jobs[i].pinned_vehicle >= 0)
			fixed[p->jobs[i].pinned_vehicle] = 1;
	}
	plan_locate(p, in->prev, in->n_prev, pv, pj);
	for (int k = 0; k < in->n_prev; k++)
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
				st->orders_kept++;
			else if (v >= 0)
				st->orders_moved++;
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
plan_sticky(const struct plan_input *in, struct pr_problem *p,
    struct pr_solution **s, struct plan_stats *stats)
{
	struct pr_solve_params sp = in->sp;
	struct pr_solution *st = NULL, *chk;
	int nv = p->n_vehicles, nj = p->n_jobs, *len, *veh, **seq, *busy, n = 0,
	    *pv, *pj;

	if (in->n_prev == 0 || in->stability <= 0 || *s == NULL)
		return;
	len = ecalloc((size_t)nv + 1, sizeof(int));
	veh = ecalloc((size_t)nv + 1, sizeof(int));
	busy = ecalloc((size_t)nv + 1, sizeof(int));
	seq = ecalloc((size_t)nv + 1, sizeof(int *));
	pv = ecalloc((size_t)in->n_prev + 1, sizeof(int));
	pj = ecalloc((size_t)in->n_prev + 1, sizeof(int));
	for (int i = 0; i < nj; i++)
		if (p->jobs[i].pinned_vehicle >= 0)
			busy[p->jobs[i].pinned_vehicle] = 1;
	plan_locate(p, in->prev, in->n_prev, pv, pj);
	for (int k = 0; k < in->n_prev; k++) {
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
		sp.time_limit = in->sp.time_limit / 4;
		sp.iterations = in->sp.iterations / 4;
		if (pr_solve(p, &sp, &st, NULL) == 0 &&
		    st->n_unassigned <= (*s)->n_unassigned &&
		    st->cost <= (*s)->cost * (1 + in->stability)) {
			pr_solution_free(*s);
			*s = st;
			st = NULL;
			stats->kept_routes = 1;
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

/*
 * The service-level rule ([planner] late_*): trips that only on-time
 * promises justify are dropped and those orders planned late, up to the
 * allowance the planner gave this office (in->late.max_late). Also counts
 * the pickups that can be on time and those planned late, for the budget.
 */
static void
plan_late(const struct plan_input *in, struct pr_office_problem *op,
    const struct pr_plan_params *pp, struct pr_solution **s,
    struct plan_stats *st)
{
	struct pr_late_plan lpl;

	if (in->late.max_late > 0 && pr_plan_late(in->region, in->orders, op,
	    *s, pp, &in->late, 1, &lpl, NULL) == 0) {
		if (lpl.n_steps > 0) {
			pr_solution_free(*s);
			*s = lpl.solution;
			lpl.solution = NULL;
		}
		pr_late_plan_free(&lpl);
	}
	st->ontime = st->planned_late = 0;
	for (int i = 0; i < op->n_jobs; i++) {
		st->ontime += op->deadline[i].risk == PR_RISK_NONE ||
		    op->deadline[i].risk == PR_RISK_PLANNED_LATE;
		st->planned_late +=
		    op->deadline[i].risk == PR_RISK_PLANNED_LATE;
	}
}

/* A pinned trip is under way: the clock does not cut it or its stops. */
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

/*
 * An office problem costs n^2 memory and time (its travel matrices): a
 * flood of orders at one office must not take the daemon down (50,000
 * orders would need tens of GB). Beyond PLAN_MAX_ORDERS open orders, the
 * pinned stops and then the orders ready first are planned; plan_build
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
plan_select(const struct plan_input *in, int *idx)
{
	struct plan_key *k;

	if (in->n_orders <= PLAN_MAX_ORDERS)
		return in->n_orders;
	k = ecalloc((size_t)in->n_orders, sizeof(*k));
	for (int i = 0; i < in->n_orders; i++) {
		k[i].idx = idx[i];
		k[i].key = in->orders[idx[i]].ready_from;
		for (int p = 0; p < in->n_pins; p++)
			if (strcmp(in->pins[p].order,
			    in->orders[idx[i]].id) == 0)
				k[i].key = INT64_MIN;
	}
	qsort(k, (size_t)in->n_orders, sizeof(*k), plan_key_cmp);
	for (int i = 0; i < PLAN_MAX_ORDERS; i++)
		idx[i] = k[i].idx;
	free(k);
	qsort(idx, PLAN_MAX_ORDERS, sizeof(*idx), plan_int_cmp);
	return PLAN_MAX_ORDERS;
}

/* Epoch seconds of a time relative to the day the problem starts. */
static int64_t
plan_epoch(const struct plan_input *in, double rel)
{
	return in->day_start + (int64_t)llround(rel);
}

static void
plan_add_unassigned(struct plan *pl, const char *id, const char *reason,
    enum pr_risk risk, const char *detail)
{
	struct plan_unassigned *u = &pl->unassigned[pl->n_unassigned++];

	scopy(u->order_id, id, sizeof(u->order_id));
	scopy(u->reason, reason, sizeof(u->reason));
	u->risk = risk;
	scopy(u->detail, detail, sizeof(u->detail));
}

/* The solution's routes (those with stops); marks their jobs in listed. */
static void
plan_routes(const struct plan_input *in, const struct pr_office_problem *op,
    const struct pr_solution *s, struct plan *pl, char *listed)
{
	const struct pr_problem *p = op->problem;

	pl->routes = ecalloc((size_t)s->n_routes + 1, sizeof(*pl->routes));
	for (int r = 0; r < s->n_routes; r++) {
		const struct pr_route *rt = &s->routes[r];
		const struct pr_vehicle *v = &p->vehicles[rt->vehicle];
		struct plan_route *pr;

		if (rt->n_steps == 0)
			continue;
		pr = &pl->routes[pl->n_routes++];
		scopy(pr->vehicle, v->id, sizeof(pr->vehicle));
		scopy(pr->profile, v->profile_name, sizeof(pr->profile));
		pr->dispatched = plan_is_dispatched(in, v->id);
		pr->start = plan_epoch(in, rt->start_time);
		pr->end = plan_epoch(in, rt->end_time);
		pr->distance_m = rt->distance;
		pr->duration_s = rt->duration;
		pr->load_g = rt->load[0];
		pr->stops = ecalloc((size_t)rt->n_steps, sizeof(*pr->stops));
		for (int k = 0; k < rt->n_steps; k++) {
			const struct pr_step *st = &rt->steps[k];
			const struct pr_order *o =
			    &in->orders[op->order[st->job]];
			const struct pr_deadline *dl = &op->deadline[st->job];
			struct plan_stop *ps = &pr->stops[pr->n_stops++];

			listed[st->job] = 1;
			scopy(ps->order_id, o->id, sizeof(ps->order_id));
			ps->arrival = plan_epoch(in, st->arrival);
			ps->service_start = plan_epoch(in, st->service_start);
			ps->latest = dl->latest;
			ps->departure = dl->departure;
			ps->weight_g = o->weight_g;
			ps->perishable = o->perishable;
			ps->lon = o->lon;
			ps->lat = o->lat;
			ps->risk = dl->risk;
		}
	}
}

/* Every open order the plan leaves out, with why: the solver's reason,
 * not solved, after the horizon, or beyond PLAN_MAX_ORDERS. left[job]
 * gets the risk of leaving it out. */
static void
plan_left_out(const struct plan_input *in,
    const struct pr_office_problem *op, const struct pr_solution *s,
    const struct pr_error *err, struct plan *pl, char *listed, int *left)
{
	for (int u = 0; s != NULL && u < s->n_unassigned; u++) {
		const struct pr_unassigned *ua = &s->unassigned[u];
		int rk = op->deadline[ua->job].risk != PR_RISK_NONE ?
		    (int)op->deadline[ua->job].risk :
		    (int)pr_risk_from_unassigned(ua->reason);

		if (listed[ua->job])
			continue;
		listed[ua->job] = 1;
		left[ua->job] = rk;
		plan_add_unassigned(pl, in->orders[op->order[ua->job]].id,
		    ua->reason, (enum pr_risk)rk, ua->detail);
	}
	/* Without a solution (the solve failed) every pickup is unassigned. */
	for (int i = 0; i < op->n_jobs; i++)
		if (!listed[i]) {
			left[i] = PR_RISK_NO_CAPACITY;
			plan_add_unassigned(pl, in->orders[op->order[i]].id,
			    "not_solved", PR_RISK_NO_CAPACITY, err->msg);
		}
	for (int i = 0; i < op->n_skipped; i++)
		plan_add_unassigned(pl, in->orders[op->skipped[i]].id,
		    "after_horizon", PR_RISK_NOT_PLANNED,
		    "ready after the planning horizon");
	/* Orders left out of the problem (more than PLAN_MAX_ORDERS). */
	if (op->n_jobs + op->n_skipped < in->n_orders) {
		char *inp = ecalloc((size_t)in->n_orders + 1, 1);

		for (int i = 0; i < op->n_jobs; i++)
			inp[op->order[i]] = 1;
		for (int i = 0; i < op->n_skipped; i++)
			inp[op->skipped[i]] = 1;
		for (int i = 0; i < in->n_orders; i++)
			if (!inp[i])
				plan_add_unassigned(pl, in->orders[i].id,
				    "too_many_orders", PR_RISK_NOT_PLANNED,
				    "more open orders at the office than one "
				    "plan takes: planned later");
		free(inp);
	}
}

/* At risk: the deadline's risk, else the reason a pickup that the plan
 * leaves out will not be collected in time. */
static void
plan_risks(const struct plan_input *in, const struct pr_office_problem *op,
    const int *left, struct plan *pl)
{
	pl->at_risk = ecalloc((size_t)op->n_jobs + 1, sizeof(*pl->at_risk));
	for (int i = 0; i < op->n_jobs; i++) {
		const struct pr_deadline *dl = &op->deadline[i];
		int rk = dl->risk != PR_RISK_NONE ? (int)dl->risk : left[i];
		struct plan_at_risk *a;

		if (rk == PR_RISK_NONE)
			continue;
		a = &pl->at_risk[pl->n_at_risk++];
		scopy(a->order_id, in->orders[op->order[i]].id,
		    sizeof(a->order_id));
		a->risk = (enum pr_risk)rk;
		a->due = dl->due;
		a->latest = dl->latest;
	}
}

/* Orders planned here that clustering took from their own office. */
static void
plan_moved(const struct plan_input *in, struct plan *pl)
{
	pl->moved = ecalloc((size_t)in->n_orders + 1, sizeof(*pl->moved));
	for (int i = 0; in->home != NULL && i < in->n_orders; i++) {
		struct plan_moved *m;

		if (in->home[i] < 0 || in->home[i] == in->office)
			continue;
		m = &pl->moved[pl->n_moved++];
		scopy(m->order_id, in->orders[i].id, sizeof(m->order_id));
		m->from = in->home[i];
		scopy(m->reason, in->moved_why != NULL &&
		    in->moved_why[i][0] != '\0' ? in->moved_why[i] :
		    "clustering", sizeof(m->reason));
	}
}

/* The plan of a solve (s NULL: it failed, err says why). */
static struct plan *
plan_build(const struct plan_input *in, const struct pr_office_problem *op,
    const struct pr_solution *s, const struct pr_error *err,
    const struct plan_stats *st)
{
	struct plan *pl = ecalloc(1, sizeof(*pl));
	/* per job: listed already; the risk of leaving it out (0: routed) */
	char *listed = ecalloc((size_t)op->n_jobs + 1, 1);
	int *left = ecalloc((size_t)op->n_jobs + 1, sizeof(int));

	pl->office = in->office;
	pl->version = in->version;
	pl->plan_time = in->now;
	pl->day_start = in->day_start;
	pl->n_orders = in->n_orders;
	pl->stats = *st;
	if (s != NULL) {
		plan_routes(in, op, s, pl, listed);
		pl->stats.cost = s->cost;
		pl->stats.distance_m = s->distance;
	}
	/* each open order is listed at most once */
	pl->unassigned = ecalloc((size_t)in->n_orders + 1,
	    sizeof(*pl->unassigned));
	plan_left_out(in, op, s, err, pl, listed, left);
	plan_risks(in, op, left, pl);
	plan_moved(in, pl);
	pl->generated_at = wall_s();
	free(listed);
	free(left);
	return pl;
}

int
plan_office(const struct plan_input *in, struct plan **out,
    struct pr_error *errp)
{
	struct pr_office_problem *op = NULL;
	struct pr_solution *s = NULL;
	struct pr_plan_params pp;
	struct plan_stats st;
	struct pr_error err;
	int *idx, pinned, n, rc;
	double t0;

	*out = NULL;
	memset(&err, 0, sizeof(err));
	memset(&st, 0, sizeof(st));
	idx = ecalloc((size_t)in->n_orders + 1, sizeof(int));
	for (int i = 0; i < in->n_orders; i++)
		idx[i] = i;
	n = plan_select(in, idx);
	memset(&pp, 0, sizeof(pp));
	pp.day_start = in->day_start;
	pp.horizon_days = in->horizon_days;
	pp.now = in->now;
	rc = pr_office_problem_build(in->region, in->office, in->orders, idx,
	    n, &pp, &op, &err);
	free(idx);
	if (rc != 0)
		goto out;
	pinned = plan_pin(in, op->problem);
	plan_reopen_pinned(op, op->problem);
	/* Re-check after the changes (and recompute vehicle classes). */
	if ((rc = pr_problem_finalize(op->problem, 1, &err)) != 0 && pinned) {
		plan_unpin(op->problem);
		rc = pr_problem_finalize(op->problem, 1, &err);
	}
	t0 = mono_s();
	if (rc == 0)
		rc = pr_solve(op->problem, &in->sp, &s, &err);
	if (rc != 0 && rc != PR_ECANCELED && pinned) {
		/* The pins could not be kept (a driver left the plan):
		 * plan freely rather than not at all. */
		plan_unpin(op->problem);
		memset(&err, 0, sizeof(err));
		rc = pr_solve(op->problem, &in->sp, &s, &err);
	}
	if (rc == 0) {
		plan_sticky(in, op->problem, &s, &st);
		plan_late(in, op, &pp, &s, &st);
		plan_keep_labels(in, op->problem, s, &st);
	}
	st.solve_s = mono_s() - t0;
	if (rc != PR_ECANCELED)
		*out = plan_build(in, op, rc == 0 ? s : NULL, &err, &st);
	pr_solution_free(s);
	pr_office_problem_free(op);
out:
	if (errp != NULL)
		*errp = err;
	return rc;
}
