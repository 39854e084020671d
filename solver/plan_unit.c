/* plan_unit.c: one problem of the planner (a group of offices or one office): its routing problem at the planning clock, the routes under way kept out of it, the solve, the stability try and the vehicle ids. */
#include <stdlib.h>
#include <string.h>

#include "plan_unit.h"
#include "util.h"

/*
 * A unit's problem is built from its open orders at the planning clock
 * (pr_office_problem_build, or pr_group_problem_build for a group: each
 * order's home in the group is the office that plans it). A route handed
 * to a driver is not planned again: its orders are not in the problem
 * and its trip's vehicle gets zero length, so the solver can neither
 * change it nor add to it (plan_out.c copies it into the plan as it
 * was). The rest follows what postrouted did office by office before
 * (plan stability and vehicle ids: docs/daemon.md), now for groups too:
 * a vehicle is found by its office and its own id, whether the previous
 * plan was made for the office alone or in a group.
 */

int
plan_unit_has(const struct plan_unit *u, int office)
{
	for (int g = 0; g < u->n_off; g++)
		if (u->off[g] == office)
			return 1;
	return 0;
}

static int
plan_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
plan_find_order(const struct plan_ctx *c, const char *id)
{
	const char **f = bsearch(&id, c->ids, (size_t)c->in->n_orders,
	    sizeof(*c->ids), plan_str_cmp);

	if (f == NULL)
		return -1;
	return (int)((size_t)(*f - (const char *)c->in->orders) /
	    sizeof(c->in->orders[0]));
}

const char *
plan_local_id(const struct pr_office_problem *op, int v)
{
	const char *id = op->problem->vehicles[v].id, *s;

	if (op->n_offices > 1 && (s = strchr(id, '/')) != NULL)
		return s + 1;
	return id;
}

/* ---- vehicles and jobs by id ------------------------------------------------ */

struct plan_vkey {
	int office;
	const char *local;
	int v;
};

static int
plan_vkey_cmp(const void *a, const void *b)
{
	const struct plan_vkey *x = a, *y = b;

	if (x->office != y->office)
		return x->office < y->office ? -1 : 1;
	return strcmp(x->local, y->local);
}

/* Lookups into one problem: vehicles by (office, own id), jobs by order. */
struct plan_index {
	struct plan_vkey *veh;
	int nv;
	int *job_of;                 /* order index -> job, or -1 */
};

static void
plan_index_init(const struct plan_ctx *c, const struct plan_unit *u,
    struct plan_index *ix)
{
	const struct pr_office_problem *op = u->op;

	ix->nv = op->problem->n_vehicles;
	ix->veh = xcalloc((size_t)ix->nv + 1, sizeof(*ix->veh));
	for (int v = 0; v < ix->nv; v++) {
		ix->veh[v].office = op->vehicle_office[v];
		ix->veh[v].local = plan_local_id(op, v);
		ix->veh[v].v = v;
	}
	qsort(ix->veh, (size_t)ix->nv, sizeof(*ix->veh), plan_vkey_cmp);
	ix->job_of = xmalloc(((size_t)c->in->n_orders + 1) * sizeof(int));
	for (int i = 0; i < c->in->n_orders; i++)
		ix->job_of[i] = -1;
	for (int j = 0; j < op->n_jobs; j++)
		ix->job_of[op->order[j]] = j;
}

static void
plan_index_free(struct plan_index *ix)
{
	free(ix->veh);
	free(ix->job_of);
}

static int
plan_index_vehicle(const struct plan_index *ix, int office, const char *local)
{
	struct plan_vkey k = { office, local, -1 }, *f;

	f = bsearch(&k, ix->veh, (size_t)ix->nv, sizeof(*ix->veh),
	    plan_vkey_cmp);
	return f == NULL ? -1 : f->v;
}

/* The job of a previous route's stop in this problem, or -1. */
static int
plan_index_job(const struct plan_ctx *c, const struct plan_index *ix,
    const char *order_id)
{
	int i = plan_find_order(c, order_id);

	return i < 0 ? -1 : ix->job_of[i];
}

/* ---- the problem ---------------------------------------------------------------- */

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

/*
 * An office problem costs n^2 memory and time (its travel matrices): a
 * flood of orders at one office must not take the daemon down. Beyond
 * params.max_orders, the orders ready first are planned and the others
 * wait in u->left (listed unassigned, "too_many_orders").
 */
static void
plan_unit_select(const struct plan_ctx *c, struct plan_unit *u)
{
	int max = c->in->params.max_orders;
	struct plan_key *k;

	if (max <= 0 || u->n <= max)
		return;
	k = xcalloc((size_t)u->n, sizeof(*k));
	for (int i = 0; i < u->n; i++) {
		k[i].idx = u->idx[i];
		k[i].key = c->in->orders[u->idx[i]].ready_from;
	}
	qsort(k, (size_t)u->n, sizeof(*k), plan_key_cmp);
	u->left = xcalloc((size_t)(u->n - max) + 1, sizeof(int));
	for (int i = max; i < u->n; i++)
		u->left[u->n_left++] = k[i].idx;
	for (int i = 0; i < max; i++)
		u->idx[i] = k[i].idx;
	u->n = max;
	free(k);
	qsort(u->idx, (size_t)u->n, sizeof(int), pr_int_cmp);
	qsort(u->left, (size_t)u->n_left, sizeof(int), pr_int_cmp);
}

/* The trips of routes under way get zero length: planned no more. */
static void
plan_unit_freeze(const struct plan_ctx *c, const struct plan_unit *u,
    const struct plan_index *ix)
{
	const struct pr_plan_input *in = c->in;

	for (int k = 0; k < in->n_routes; k++) {
		const struct pr_plan_route *rt = &in->routes[k];
		int v;

		if (!rt->dispatched || !plan_unit_has(u, rt->office))
			continue;
		v = plan_index_vehicle(ix, rt->office, rt->vehicle);
		if (v >= 0)
			u->op->problem->vehicles[v].tw.start =
			    u->op->problem->vehicles[v].tw.end;
	}
}

/* Trips that could leave soon cost more (params.postpone_m): what may
 * wait, waits, and the trips still to leave take the orders to come. */
static void
plan_unit_postpone(const struct plan_ctx *c, const struct plan_unit *u)
{
	const struct pr_planner_params *prm = &c->in->params;
	struct pr_problem *p = u->op->problem;
	double now;

	if (c->in->now == 0 || prm->postpone_m <= 0 || prm->postpone_s <= 0)
		return;
	now = (double)(c->in->now - c->pp.day_start);
	for (int v = 0; v < p->n_vehicles; v++) {
		double lead = p->vehicles[v].tw.start - now;

		if (lead < prm->postpone_s)
			p->vehicles[v].fixed_cost += prm->postpone_m *
			    (1 - (lead > 0 ? lead : 0) / prm->postpone_s);
	}
}

static void
plan_unit_params(const struct plan_ctx *c, const struct plan_unit *u,
    struct pr_solve_params *sp)
{
	const struct pr_planner_params *prm = &c->in->params;

	pr_solve_params_init(sp);
	/* A few pickups are solved long before a limit sized for a busy
	 * office: the rest of it would only hold a thread. */
	sp->time_limit = pr_office_time_limit(u->op->n_jobs,
	    prm->time_per_pickup, prm->time_limit);
	sp->iterations = prm->iterations;
	sp->seed = prm->seed + (uint64_t)u->off[0];
	sp->threads = prm->solve_threads > 0 ? prm->solve_threads : 1;
	sp->exact_max_jobs = prm->exact_max_jobs;
	sp->cancel = c->in->cancel;
}

/*
 * Plan stability: the previous routes that no driver has yet are tried
 * again as they were (same vehicle, same order, without the pickups that
 * left), with the new pickups added after them: pinned heads, a quarter
 * of the solve. Routes the clock has made infeasible are left to the
 * search. That plan is kept unless it serves fewer pickups or costs more
 * than (1 + stability) times the fresh one, so what a dispatcher sees
 * changes only where it is worth it.
 */
static void
plan_unit_sticky(const struct plan_ctx *c, struct plan_unit *u,
    const struct plan_index *ix, const struct pr_solve_params *sp0)
{
	const struct pr_plan_input *in = c->in;
	struct pr_problem *p = u->op->problem;
	struct pr_solve_params sp = *sp0;
	struct pr_solution *st = NULL, *chk;
	int nv = p->n_vehicles, nj = p->n_jobs, *len, **seq, *veh, n = 0;
	char *used;

	if (in->params.stability <= 0 || u->sol == NULL || in->n_routes == 0)
		return;
	len = xcalloc((size_t)nv + 1, sizeof(int));
	veh = xcalloc((size_t)nv + 1, sizeof(int));
	seq = xcalloc((size_t)nv + 1, sizeof(int *));
	used = xcalloc((size_t)nj + 1, 1);
	for (int k = 0; k < in->n_routes; k++) {
		const struct pr_plan_route *rt = &in->routes[k];
		int v;

		if (rt->dispatched || !plan_unit_has(u, rt->office) ||
		    (v = plan_index_vehicle(ix, rt->office, rt->vehicle)) < 0 ||
		    seq[v] != NULL)
			continue;
		seq[v] = xcalloc((size_t)rt->n_stops + 1, sizeof(int));
		for (int s = 0; s < rt->n_stops; s++) {
			int j = plan_index_job(c, ix, rt->stops[s].order_id);

			if (j >= 0 && !used[j]) {
				used[j] = 1;
				seq[v][len[v]++] = j;
			}
		}
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
		sp.time_limit = sp0->time_limit / 4;
		if (sp0->iterations > 0)
			sp.iterations = sp0->iterations / 4 > 0 ?
			    sp0->iterations / 4 : 1;
		if (pr_solve(p, &sp, &st, NULL) == 0 &&
		    st->n_unassigned <= u->sol->n_unassigned &&
		    st->cost <= u->sol->cost * (1 + in->params.stability)) {
			u->iterations += st->iterations;
			pr_solution_free(u->sol);
			u->sol = st;
			st = NULL;
			u->kept_routes = 1;
		} else if (st != NULL) {
			u->iterations += st->iterations;
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
	free(used);
}

void
plan_unit_solve(const struct plan_ctx *c, struct plan_unit *u)
{
	const struct pr_plan_input *in = c->in;
	struct pr_error err = { 0, "" };
	struct pr_solve_params sp;
	struct plan_index ix;
	int *home;
	double t0 = pr_now();

	plan_unit_select(c, u);
	home = xcalloc((size_t)u->n + 1, sizeof(int));
	for (int i = 0; i < u->n; i++)
		home[i] = in->office[u->idx[i]];
	if (u->n_off > 1)
		u->rc = pr_group_problem_build(in->region, u->off, u->n_off,
		    in->orders, u->idx, home, u->n, in->params.group_share_s,
		    &c->pp, &u->op, &err);
	else
		u->rc = pr_office_problem_build(in->region, u->off[0],
		    in->orders, u->idx, u->n, &c->pp, &u->op, &err);
	free(home);
	if (u->rc != 0)
		goto out;
	plan_index_init(c, u, &ix);
	plan_unit_freeze(c, u, &ix);
	plan_unit_postpone(c, u);
	/* vehicle classes again, after the trips under way were closed */
	if ((u->rc = pr_problem_finalize(u->op->problem, 1, &err)) == 0) {
		plan_unit_params(c, u, &sp);
		u->rc = pr_solve(u->op->problem, &sp, &u->sol, &err);
	}
	if (u->rc == 0) {
		u->iterations = u->sol->iterations;
		plan_unit_sticky(c, u, &ix, &sp);
	}
	plan_index_free(&ix);
out:
	if (u->rc != 0)
		pr_strlcpy(u->why, err.msg, sizeof(u->why));
	u->seconds = pr_now() - t0;
}

/*
 * Vehicles of one class are interchangeable (same office, profile,
 * capacity, trip window: pr_problem_finalize), so which of them drives
 * which route is the plan's choice. Each route gets the vehicle that had
 * most of its orders in the previous plans (greedily, largest overlap
 * first), so that a re-plan which moves little also reads as little
 * changed: vehicle ids are what a dispatcher hands out. Vehicles with
 * pinned stops keep theirs.
 */
void
plan_unit_labels(const struct plan_ctx *c, struct plan_unit *u, int *kept,
    int *moved)
{
	const struct pr_plan_input *in = c->in;
	const struct pr_problem *p;
	struct pr_solution *s = u->sol;
	struct plan_index ix;
	int nv, nr, *prevv, *fixed, *used, *owner, *ov;

	if (s == NULL || u->op == NULL || in->n_routes == 0 ||
	    s->n_routes == 0)
		return;
	p = u->op->problem;
	nv = p->n_vehicles;
	nr = s->n_routes;
	plan_index_init(c, u, &ix);
	prevv = xcalloc((size_t)p->n_jobs + 1, sizeof(int));
	fixed = xcalloc((size_t)nv + 1, sizeof(int));
	used = xcalloc((size_t)nv + 1, sizeof(int));
	owner = xcalloc((size_t)nr + 1, sizeof(int));
	ov = xcalloc((size_t)nr * (size_t)nv + 1, sizeof(int));
	for (int i = 0; i < p->n_jobs; i++) {
		prevv[i] = -1;
		if (p->jobs[i].pinned_vehicle >= 0)
			fixed[p->jobs[i].pinned_vehicle] = 1;
	}
	for (int k = 0; k < in->n_routes; k++) {
		const struct pr_plan_route *rt = &in->routes[k];
		int v, j;

		if (rt->dispatched || !plan_unit_has(u, rt->office) ||
		    (v = plan_index_vehicle(&ix, rt->office, rt->vehicle)) < 0)
			continue;
		for (int q = 0; q < rt->n_stops; q++)
			if ((j = plan_index_job(c, &ix,
			    rt->stops[q].order_id)) >= 0)
				prevv[j] = v;
	}
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
		int f = u->op->vehicle_office[owner[r]];

		s->routes[r].vehicle = owner[r];
		/* per office: its last plan's orders routed by it again */
		for (int k = 0; k < s->routes[r].n_steps; k++) {
			int v = prevv[s->routes[r].steps[k].job];

			if (v >= 0 && v == owner[r])
				kept[f]++;
			else if (v >= 0 && u->op->vehicle_office[v] == f)
				moved[f]++;
		}
	}
	free(prevv);
	free(fixed);
	free(used);
	free(owner);
	free(ov);
	plan_index_free(&ix);
}

void
plan_unit_free(struct plan_unit *u)
{
	free(u->idx);
	free(u->left);
	pr_solution_free(u->sol);
	pr_office_problem_free(u->op);
	pr_late_plan_free(&u->dry);
	memset(u, 0, sizeof(*u));
}
