/* plan_out.c: a solved problem of the planner as one plan per office: routes (those under way kept as they were), unassigned and at-risk orders with reasons, orders planned away from their office, stats. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan_unit.h"
#include "postroute/pickup.h"
#include "util.h"

/*
 * A route under way is kept as it was, less its stops that are done,
 * until it is back (its planned end). Every order of a unit is listed
 * exactly once, in the plan of the office
 * whose route carries it, or else unassigned in the plan of the office
 * that plans it, with the solver's reason (not_solved when the solve
 * failed, after_horizon, too_many_orders). At risk: the deadline's risk,
 * else the risk of leaving it out (pr_risk_from_unassigned). An order on
 * a route of another office than its commune's is in that plan's
 * "moved": the clustering's reason, or "group" when a neighbour's trip
 * takes it; and in the plan of the office that plans it, "lent": which
 * office and vehicle take it.
 */

void
pr_office_plan_clear(struct pr_office_plan *p)
{
	if (p == NULL)
		return;
	for (int r = 0; r < p->n_routes; r++)
		free(p->routes[r].stops);
	free(p->routes);
	free(p->unassigned);
	free(p->at_risk);
	free(p->moved);
	free(p->lent);
	memset(p, 0, sizeof(*p));
}

/* What one unit writes into its offices' plans. */
struct plan_out {
	const struct plan_ctx *c;
	const struct plan_unit *u;
	struct pr_office_plan *plans;
	int *where;                  /* per order: the office listing it, -1 */
	char (*veh)[PR_MAX_ID];      /* per order on a route: its vehicle */
	int cap_routes, cap_orders;
};

static struct pr_office_plan *
plan_out_of(const struct plan_out *po, int office)
{
	return &po->plans[po->c->plan_of[office]];
}

static int64_t
plan_out_epoch(const struct plan_ctx *c, double rel)
{
	return c->pp.day_start + (int64_t)llround(rel);
}

/* The routes under way of the unit's offices, as they were, without the
 * stops whose orders are no longer open. */
static void
plan_out_frozen(struct plan_out *po)
{
	const struct pr_plan_input *in = po->c->in;

	for (int k = 0; k < in->n_routes; k++) {
		const struct pr_plan_route *rt = &in->routes[k];
		struct pr_office_plan *pl;
		struct pr_plan_route *nr;

		if (!rt->dispatched || !plan_unit_has(po->u, rt->office))
			continue;
		pl = plan_out_of(po, rt->office);
		nr = &pl->routes[pl->n_routes];
		*nr = *rt;
		nr->n_stops = 0;
		nr->stops = xcalloc((size_t)rt->n_stops + 1,
		    sizeof(*nr->stops));
		for (int s = 0; s < rt->n_stops; s++) {
			int i = plan_find_order(po->c, rt->stops[s].order_id);

			if (i < 0 || po->where[i] >= 0)
				continue;
			po->where[i] = rt->office;
			pr_strlcpy(po->veh[i], rt->vehicle, sizeof(po->veh[i]));
			nr->stops[nr->n_stops++] = rt->stops[s];
		}
		/* With every stop done the driver is on the way back: the
		 * trip stays closed until its planned end (and the margin a
		 * slower driver has), then its vehicle may start another trip
		 * in what is left of the slot. */
		if (nr->n_stops == 0 && (in->now == 0 || (double)rt->end +
		    in->params.departure_margin * (double)(rt->end -
		    rt->start) <= (double)in->now)) {
			free(nr->stops);
			memset(nr, 0, sizeof(*nr));
			continue;
		}
		pl->n_routes++;
	}
}

/* The window of job jb in which t lies (the last one opening before). */
static const struct pr_tw *
plan_out_window(const struct pr_job *jb, double t)
{
	int w = 0;

	for (int k = 1; k < jb->n_tw; k++)
		if (jb->tw[k].start <= t + PR_EPS)
			w = k;
	return &jb->tw[w];
}

/*
 * When a route leaves: as late as it can while, with every leg `margin`
 * times longer than planned, each stop still starts within its window
 * and the trip is back by the end of its slot. Waiting at the office is
 * time in which the trip may still take new orders (the daemon
 * dispatches a route freeze_s before it leaves); the margin is what a
 * driver slower than the plan has. Fills times[2 k] / times[2 k + 1]
 * with each stop's arrival and service start, and *start, *end, for
 * the nominal legs from that departure; the solver's earliest schedule
 * when there is no slack.
 */
static void
plan_out_schedule(const struct pr_problem *p, const struct pr_route *rt,
    double margin, double *times, double *start, double *end)
{
	const struct pr_vehicle *v = &p->vehicles[rt->vehicle];
	int prof = v->profile, m = rt->n_steps, next = v->end;
	double late = v->tw.end, t;

	for (int k = m - 1; k >= 0; k--) {
		const struct pr_job *jb = &p->jobs[rt->steps[k].job];
		const struct pr_tw *w = plan_out_window(jb,
		    rt->steps[k].service_start);

		late -= pr_dur(p, prof, jb->location, next) * (1 + margin) +
		    jb->service;
		if (late > w->end)
			late = w->end;
		next = jb->location;
	}
	late -= pr_dur(p, prof, v->start, next) * (1 + margin);
	t = late > rt->start_time ? late : rt->start_time;
	*start = t;
	next = v->start;
	for (int k = 0; k < m; k++) {
		const struct pr_job *jb = &p->jobs[rt->steps[k].job];
		const struct pr_tw *w = plan_out_window(jb,
		    rt->steps[k].service_start);
		double arr = t + pr_dur(p, prof, next, jb->location);
		double svc = arr > w->start ? arr : w->start;

		if (svc > w->end + PR_EPS) {
			/* cannot happen with margin >= 0: the solver's own */
			for (int q = 0; q < m; q++) {
				times[2 * q] = rt->steps[q].arrival;
				times[2 * q + 1] = rt->steps[q].service_start;
			}
			*start = rt->start_time;
			*end = rt->end_time;
			return;
		}
		times[2 * k] = arr;
		times[2 * k + 1] = svc;
		t = svc + jb->service;
		next = jb->location;
	}
	*end = t + pr_dur(p, prof, next, v->end);
}

/* The solution's routes (those with stops), each in its office's plan. */
static void
plan_out_routes(struct plan_out *po)
{
	const struct plan_ctx *c = po->c;
	const struct pr_office_problem *op = po->u->op;
	const struct pr_problem *p = op->problem;
	const struct pr_solution *s = po->u->sol;
	double margin = c->in->params.departure_margin;

	for (int r = 0; r < s->n_routes; r++) {
		const struct pr_route *rt = &s->routes[r];
		const struct pr_vehicle *v = &p->vehicles[rt->vehicle];
		int f = op->vehicle_office[rt->vehicle];
		struct pr_office_plan *pl = plan_out_of(po, f);
		struct pr_plan_route *pr;
		double start, end, *times;

		if (rt->n_steps == 0)
			continue;
		pr = &pl->routes[pl->n_routes++];
		memset(pr, 0, sizeof(*pr));
		pr->office = f;
		pr_strlcpy(pr->vehicle, plan_local_id(op, rt->vehicle),
		    sizeof(pr->vehicle));
		pr_strlcpy(pr->profile, v->profile_name, sizeof(pr->profile));
		times = xcalloc(2 * (size_t)rt->n_steps, sizeof(double));
		plan_out_schedule(p, rt, margin, times, &start, &end);
		pr->start = plan_out_epoch(c, start);
		pr->end = plan_out_epoch(c, end);
		/* leaving soon: the driver is loading, it is under way */
		pr->dispatched = c->in->now > 0 && c->in->params.freeze_s > 0 &&
		    (double)(pr->start - c->in->now) <= c->in->params.freeze_s;
		pr->distance_m = rt->distance;
		pr->duration_s = (double)(pr->end - pr->start);
		pr->load_g = rt->load[0];
		pr->stops = xcalloc((size_t)rt->n_steps, sizeof(*pr->stops));
		for (int k = 0; k < rt->n_steps; k++) {
			const struct pr_step *st = &rt->steps[k];
			int i = op->order[st->job];
			const struct pr_order *o = &c->in->orders[i];
			const struct pr_deadline *dl = &op->deadline[st->job];
			struct pr_plan_stop *ps = &pr->stops[pr->n_stops++];

			po->where[i] = f;
			pr_strlcpy(po->veh[i], pr->vehicle, sizeof(po->veh[i]));
			pr_strlcpy(ps->order_id, o->id, sizeof(ps->order_id));
			ps->arrival = plan_out_epoch(c, times[2 * k]);
			ps->service_start = plan_out_epoch(c, times[2 * k + 1]);
			ps->latest = dl->latest;
			ps->departure = dl->departure;
			ps->weight_g = o->weight_g;
			ps->perishable = o->perishable;
			ps->lon = o->lon;
			ps->lat = o->lat;
			ps->risk = dl->risk;
		}
		free(times);
		pl->stats.distance_m += rt->distance;
		pl->stats.cost += rt->distance + v->fixed_cost;
	}
}

static void
plan_out_unassigned(struct plan_out *po, int i, const char *reason, int risk,
    const char *detail)
{
	const struct pr_plan_input *in = po->c->in;
	int f = in->office[i];
	struct pr_office_plan *pl = plan_out_of(po, f);
	struct pr_plan_unassigned *ua = &pl->unassigned[pl->n_unassigned++];

	po->where[i] = f;
	pr_strlcpy(ua->order_id, in->orders[i].id, sizeof(ua->order_id));
	pr_strlcpy(ua->reason, reason, sizeof(ua->reason));
	ua->risk = risk;
	pr_strlcpy(ua->detail, detail, sizeof(ua->detail));
}

static void
plan_out_risk(struct plan_out *po, int i, int risk, int64_t due,
    int64_t latest)
{
	struct pr_office_plan *pl;
	struct pr_plan_at_risk *a;

	if (risk == PR_RISK_NONE || po->where[i] < 0)
		return;
	pl = plan_out_of(po, po->where[i]);
	a = &pl->at_risk[pl->n_at_risk++];
	pr_strlcpy(a->order_id, po->c->in->orders[i].id, sizeof(a->order_id));
	a->risk = risk;
	a->due = due;
	a->latest = latest;
}

/* Every order the unit leaves out, with why; and the risks. */
static void
plan_out_left(struct plan_out *po, int *left)
{
	const struct plan_unit *u = po->u;
	const struct pr_office_problem *op = u->op;
	const struct pr_solution *s = u->sol;
	const struct pr_plan_input *in = po->c->in;

	for (int q = 0; s != NULL && q < s->n_unassigned; q++) {
		const struct pr_unassigned *ua = &s->unassigned[q];
		int i = op->order[ua->job];
		int rk = op->deadline[ua->job].risk != PR_RISK_NONE ?
		    op->deadline[ua->job].risk :
		    pr_risk_from_unassigned(ua->reason);

		if (po->where[i] >= 0)
			continue;
		left[ua->job] = rk;
		plan_out_unassigned(po, i, ua->reason, rk, ua->detail);
	}
	/* Without a solution (the solve failed) every pickup is unassigned. */
	for (int j = 0; op != NULL && j < op->n_jobs; j++)
		if (po->where[op->order[j]] < 0) {
			left[j] = PR_RISK_NO_CAPACITY;
			plan_out_unassigned(po, op->order[j], "not_solved",
			    PR_RISK_NO_CAPACITY, u->why);
		}
	for (int k = 0; op != NULL && k < op->n_skipped; k++)
		plan_out_unassigned(po, op->skipped[k], "after_horizon",
		    PR_RISK_NOT_PLANNED, "ready after the planning horizon");
	/* The problem could not be built: all of them. */
	for (int k = 0; op == NULL && k < u->n; k++)
		plan_out_unassigned(po, u->idx[k], "not_solved",
		    PR_RISK_NO_CAPACITY, u->why);
	for (int k = 0; k < u->n_left; k++)
		plan_out_unassigned(po, u->left[k], "too_many_orders",
		    PR_RISK_NOT_PLANNED, "more open orders at the office than "
		    "one plan takes: planned later");
	/* at risk */
	for (int j = 0; op != NULL && j < op->n_jobs; j++) {
		const struct pr_deadline *dl = &op->deadline[j];

		plan_out_risk(po, op->order[j], dl->risk != PR_RISK_NONE ?
		    dl->risk : left[j], dl->due, dl->latest);
	}
	for (int k = 0; op != NULL && k < op->n_skipped; k++) {
		const struct pr_order *o = &in->orders[op->skipped[k]];

		plan_out_risk(po, op->skipped[k], PR_RISK_NOT_PLANNED,
		    o->placed + (int64_t)o->promise_h * 3600, -1);
	}
	for (int k = 0; op == NULL && k < u->n; k++) {
		const struct pr_order *o = &in->orders[u->idx[k]];

		plan_out_risk(po, u->idx[k], PR_RISK_NO_CAPACITY,
		    o->placed + (int64_t)o->promise_h * 3600, -1);
	}
	for (int k = 0; k < u->n_left; k++) {
		const struct pr_order *o = &in->orders[u->left[k]];

		plan_out_risk(po, u->left[k], PR_RISK_NOT_PLANNED,
		    o->placed + (int64_t)o->promise_h * 3600, -1);
	}
}

/* The stops of the routes under way that were at risk when planned. */
static void
plan_out_frozen_risks(struct plan_out *po)
{
	const struct pr_plan_input *in = po->c->in;

	for (int g = 0; g < po->u->n_off; g++) {
		struct pr_office_plan *pl = plan_out_of(po, po->u->off[g]);

		for (int r = 0; r < pl->n_routes; r++) {
			const struct pr_plan_route *rt = &pl->routes[r];

			if (!rt->dispatched)
				continue;
			for (int s = 0; s < rt->n_stops; s++) {
				int i = plan_find_order(po->c,
				    rt->stops[s].order_id);
				const struct pr_order *o = &in->orders[i];

				plan_out_risk(po, i, rt->stops[s].risk,
				    o->placed + (int64_t)o->promise_h * 3600,
				    rt->stops[s].latest);
			}
		}
	}
}

/* Orders listed in a plan whose commune's office is another one. */
static void
plan_out_moved(struct plan_out *po)
{
	const struct pr_plan_input *in = po->c->in;

	for (int i = 0; i < in->n_orders; i++) {
		int f = po->where[i], home, planner;
		struct pr_office_plan *pl;
		struct pr_plan_moved *m;

		if (f < 0)
			continue;
		home = in->home != NULL ? in->home[i] : in->office[i];
		planner = in->office[i];
		if (planner != f) {
			struct pr_office_plan *own = plan_out_of(po, planner);
			struct pr_plan_lent *l = &own->lent[own->n_lent++];

			pr_strlcpy(l->order_id, in->orders[i].id,
			    sizeof(l->order_id));
			l->to = f;
			pr_strlcpy(l->vehicle, po->veh[i], sizeof(l->vehicle));
		}
		if (home == f)
			continue;
		pl = plan_out_of(po, f);
		m = &pl->moved[pl->n_moved++];
		pr_strlcpy(m->order_id, in->orders[i].id, sizeof(m->order_id));
		m->from = home;
		if (planner != f)
			pr_strlcpy(m->reason, "group", sizeof(m->reason));
		else if (in->moved_why != NULL && in->moved_why[i][0] != '\0')
			pr_strlcpy(m->reason, in->moved_why[i],
			    sizeof(m->reason));
		else
			pr_strlcpy(m->reason, "clustering", sizeof(m->reason));
	}
}

static void
plan_out_stats(struct plan_out *po, const int *kept, const int *moved)
{
	const struct plan_unit *u = po->u;
	const struct pr_office_problem *op = u->op;
	const struct pr_plan_input *in = po->c->in;

	for (int g = 0; g < u->n_off; g++) {
		struct pr_office_plan *pl = plan_out_of(po, u->off[g]);

		pl->stats.solve_s = u->seconds;
		pl->stats.iterations = u->iterations;
		pl->stats.kept_routes = u->kept_routes;
		pl->stats.orders_kept = kept[u->off[g]];
		pl->stats.orders_moved = moved[u->off[g]];
	}
	/* its orders: those it plans, wherever they ride */
	for (int i = 0; i < in->n_orders; i++)
		if (po->where[i] >= 0)
			plan_out_of(po, in->office[i])->n_orders++;
	for (int j = 0; op != NULL && j < op->n_jobs; j++) {
		int i = op->order[j], rk = op->deadline[j].risk;
		struct pr_office_plan *pl;

		if (po->where[i] < 0)
			continue;
		pl = plan_out_of(po, po->where[i]);
		pl->stats.ontime += rk == PR_RISK_NONE ||
		    rk == PR_RISK_PLANNED_LATE;
		pl->stats.planned_late += rk == PR_RISK_PLANNED_LATE;
	}
}

void
plan_unit_output(const struct plan_ctx *c, const struct plan_unit *u,
    struct pr_office_plan *plans, const int *kept, const int *moved)
{
	const struct pr_plan_input *in = c->in;
	struct plan_out po;
	int nroutes = u->sol != NULL ? u->sol->n_routes : 0, norders;
	int *left;

	memset(&po, 0, sizeof(po));
	po.c = c;
	po.u = u;
	po.plans = plans;
	po.where = xmalloc(((size_t)in->n_orders + 1) * sizeof(int));
	po.veh = xcalloc((size_t)in->n_orders + 1, sizeof(*po.veh));
	for (int i = 0; i < in->n_orders; i++)
		po.where[i] = -1;
	for (int k = 0; k < in->n_routes; k++)
		if (in->routes[k].dispatched &&
		    plan_unit_has(u, in->routes[k].office))
			nroutes++;
	norders = u->n + u->n_left;
	for (int i = 0; i < in->n_orders; i++)
		norders += c->frozen[i];
	for (int g = 0; g < u->n_off; g++) {
		struct pr_office_plan *pl = plan_out_of(&po, u->off[g]);

		pl->office = u->off[g];
		pl->plan_time = in->now;
		pl->day_start = c->pp.day_start;
		pl->n_group = u->n_off;
		memcpy(pl->group, u->off, sizeof(pl->group));
		pl->routes = xcalloc((size_t)nroutes + 1, sizeof(*pl->routes));
		pl->unassigned = xcalloc((size_t)norders + 1,
		    sizeof(*pl->unassigned));
		pl->at_risk = xcalloc((size_t)norders + 1,
		    sizeof(*pl->at_risk));
		pl->moved = xcalloc((size_t)norders + 1, sizeof(*pl->moved));
		pl->lent = xcalloc((size_t)norders + 1, sizeof(*pl->lent));
	}
	left = xcalloc((size_t)(u->op != NULL ? u->op->n_jobs : 0) + 1,
	    sizeof(int));
	plan_out_frozen(&po);
	if (u->sol != NULL)
		plan_out_routes(&po);
	plan_out_left(&po, left);
	plan_out_frozen_risks(&po);
	plan_out_moved(&po);
	plan_out_stats(&po, kept, moved);
	free(left);
	free(po.where);
	free(po.veh);
}
