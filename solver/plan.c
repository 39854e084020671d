/* plan.c: pr_plan_run(), the one planner: offices and their groups, one problem each, solved on threads, the service-level rule within one budget, one plan per office. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "plan_unit.h"
#include "util.h"

/*
 * The steps, for the offices of one call (a group in the daemon, a whole
 * region in bench-field):
 *
 *   1. units: groups of neighbouring offices (pr_plan_groups, or the
 *      caller's), the others alone; each gets the open orders its
 *      offices plan, except those on routes under way (kept as they are);
 *   2. each unit is built, solved and stabilised (plan_unit.c), the
 *      largest first, on params.threads threads;
 *   3. the service-level rule (pr_plan_late) with one budget for all
 *      units: a dry run of each, the budget to the best steps over all
 *      of them (km saved per late order), then each unit's first steps
 *      applied, as bench-field did;
 *   4. vehicle ids kept from the previous plans, and the plans written
 *      out per office (plan_out.c).
 *
 * Nothing else decides a plan: postrouted and bench-field run this code,
 * so what the benchmark measures is what the daemon does.
 */

void
pr_planner_params_init(struct pr_planner_params *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->group_small = 1000;
	pp->group_any_district = 1;
	pp->group_radius_m = 15000;
	pp->group_max_orders = 300;
	pp->group_share_s = 1800;
	pp->stability = 0.02;
	pp->departure_margin = 0.2;
	pp->postpone_m = 0;
	pp->postpone_s = 3 * 3600;
	pp->freeze_s = 0;
	pr_late_params_init(&pp->late);
	pp->late.max_late = 0;
	pp->time_limit = 1.0;
	pp->time_per_pickup = 0.01;
	pp->seed = 1;
	pp->solve_threads = 1;
	pp->threads = 1;
	pp->max_orders = 1000;
}

void
pr_plan_result_free(struct pr_plan_result *r)
{
	if (r == NULL)
		return;
	for (int k = 0; k < r->n_plans; k++)
		pr_office_plan_clear(&r->plans[k]);
	free(r->plans);
	for (int k = 0; r->problems != NULL && k < r->n_problems; k++) {
		pr_office_problem_free(r->problems[k].op);
		pr_solution_free(r->problems[k].sol);
	}
	free(r->problems);
	free(r);
}

static int
plan_id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The input is what the rest relies on: offices, orders, groups. */
static int
plan_check(const struct pr_plan_input *in, struct pr_error *err)
{
	const struct pr_region *r = in->region;

	if (r == NULL)
		return pr_seterr(err, PR_EINVAL, "region: missing");
	if (in->n_offices < 0 || in->n_orders < 0 || in->n_routes < 0 ||
	    (in->n_offices > 0 && in->offices == NULL) ||
	    (in->n_orders > 0 && (in->orders == NULL || in->office == NULL)) ||
	    (in->n_routes > 0 && in->routes == NULL))
		return pr_seterr(err, PR_EINVAL, "input: counts and arrays "
		    "disagree");
	for (int k = 0; k < in->n_offices; k++) {
		if (in->offices[k] < 0 || in->offices[k] >= r->n_offices)
			return pr_seterr(err, PR_EINVAL, "offices[%d]: index "
			    "%d out of range", k, in->offices[k]);
		for (int h = 0; h < k; h++)
			if (in->offices[h] == in->offices[k])
				return pr_seterr(err, PR_EINVAL, "offices[%d]: "
				    "%s twice", k, r->offices[in->offices[k]].id);
	}
	for (int k = 0; in->group != NULL && k < in->n_offices; k++) {
		int n = 0;

		for (int h = 0; h < in->n_offices; h++)
			n += in->group[h] == in->group[k];
		if (n > PR_GROUP_MAX_OFFICES)
			return pr_seterr(err, PR_EINVAL, "group[%d]: %d offices "
			    "in one group, at most %d", k, n,
			    PR_GROUP_MAX_OFFICES);
	}
	for (int k = 0; k < in->n_routes; k++)
		if (in->routes[k].office < 0 ||
		    in->routes[k].office >= r->n_offices ||
		    (in->routes[k].n_stops > 0 &&
		    in->routes[k].stops == NULL))
			return pr_seterr(err, PR_EINVAL, "routes[%d]: bad "
			    "office or stops", k);
	return 0;
}

/* The lookups every unit shares; 0, or PR_EINVAL for an order whose
 * office is not planned here. */
static int
plan_ctx_init(const struct pr_plan_input *in, struct plan_ctx *c,
    struct pr_error *err)
{
	const struct pr_region *r = in->region;

	memset(c, 0, sizeof(*c));
	c->in = in;
	c->pp.day_start = in->day_start;
	c->pp.horizon_days = in->horizon_days;
	c->pp.now = in->now;
	c->plan_of = xmalloc(((size_t)r->n_offices + 1) * sizeof(int));
	for (int f = 0; f < r->n_offices; f++)
		c->plan_of[f] = -1;
	for (int k = 0; k < in->n_offices; k++)
		c->plan_of[in->offices[k]] = k;
	for (int i = 0; i < in->n_orders; i++)
		if (in->office[i] < 0 || in->office[i] >= r->n_offices ||
		    c->plan_of[in->office[i]] < 0)
			return pr_seterr(err, PR_EINVAL, "office[%d]: order %s "
			    "belongs to no office planned", i,
			    in->orders[i].id);
	c->ids = xcalloc((size_t)in->n_orders + 1, sizeof(*c->ids));
	for (int i = 0; i < in->n_orders; i++)
		c->ids[i] = in->orders[i].id;
	qsort(c->ids, (size_t)in->n_orders, sizeof(*c->ids), plan_id_cmp);
	for (int i = 1; i < in->n_orders; i++)
		if (strcmp(c->ids[i - 1], c->ids[i]) == 0)
			return pr_seterr(err, PR_EINVAL, "orders: %s twice",
			    c->ids[i]);
	/* The orders on routes under way are not planned again. */
	c->frozen = xcalloc((size_t)in->n_orders + 1, 1);
	for (int k = 0; k < in->n_routes; k++) {
		const struct pr_plan_route *rt = &in->routes[k];

		if (!rt->dispatched || c->plan_of[rt->office] < 0)
			continue;
		for (int s = 0; s < rt->n_stops; s++) {
			int i = plan_find_order(c, rt->stops[s].order_id);

			if (i >= 0)
				c->frozen[i] = 1;
		}
	}
	return 0;
}

static void
plan_ctx_free(struct plan_ctx *c)
{
	free(c->ids);
	free(c->frozen);
	free(c->plan_of);
}

/* The units: groups (the caller's, or pr_plan_groups) and single
 * offices, each with its orders. Returns how many. */
static int
plan_units(const struct plan_ctx *c, struct plan_unit *units)
{
	const struct pr_plan_input *in = c->in;
	const struct pr_region *r = in->region;
	int nf = r->n_offices, nu = 0, *grp, *unit_of, *cnt;

	grp = xmalloc(((size_t)nf + 1) * sizeof(int));
	unit_of = xmalloc(((size_t)nf + 1) * sizeof(int));
	cnt = xcalloc((size_t)nf + 1, sizeof(int));
	for (int i = 0; i < in->n_orders; i++)
		cnt[in->office[i]]++;
	if (in->group == NULL) {
		pr_plan_groups(r, cnt, &in->params, grp);
	} else {
		/* the first office (by index) of each caller's group */
		for (int k = 0; k < in->n_offices; k++) {
			int first = in->offices[k];

			for (int h = 0; h < in->n_offices; h++)
				if (in->group[h] == in->group[k] &&
				    in->offices[h] < first)
					first = in->offices[h];
			grp[in->offices[k]] = first;
		}
	}
	for (int f = 0; f < nf; f++)
		unit_of[f] = -1;
	/* offices in region order: a unit's off[] is sorted, off[0] first */
	for (int f = 0; f < nf; f++) {
		struct plan_unit *u;
		int g;

		if (c->plan_of[f] < 0)
			continue;
		g = grp[f];
		if (c->plan_of[g] < 0)
			g = f;   /* grouped with an office not planned here */
		if (unit_of[g] < 0)
			unit_of[g] = nu++;
		u = &units[unit_of[g]];
		u->off[u->n_off++] = f;   /* at most 7: plan_check, pr_plan_groups */
		unit_of[f] = unit_of[g];
	}
	for (int i = 0; i < in->n_orders; i++) {
		struct plan_unit *u = &units[unit_of[in->office[i]]];

		if (c->frozen[i])
			continue;
		if (u->idx == NULL)
			u->idx = xcalloc((size_t)in->n_orders + 1,
			    sizeof(int));
		u->idx[u->n++] = i;
	}
	free(grp);
	free(unit_of);
	free(cnt);
	return nu;
}

/* ---- solving on threads ------------------------------------------------------- */

struct plan_pool {
	pthread_mutex_t mu;
	const struct plan_ctx *c;
	struct plan_unit *units;
	int *order;                  /* units, largest first */
	int next, n;
};

static void *
plan_worker(void *arg)
{
	struct plan_pool *pool = arg;

	for (;;) {
		int k;

		pthread_mutex_lock(&pool->mu);
		k = pool->next < pool->n ? pool->order[pool->next++] : -1;
		pthread_mutex_unlock(&pool->mu);
		if (k < 0)
			break;
		plan_unit_solve(pool->c, &pool->units[k]);
	}
	return NULL;
}

static void
plan_solve_all(const struct plan_ctx *c, struct plan_unit *units, int nu)
{
	struct plan_pool pool;
	pthread_t th[64];
	int nt = c->in->params.threads, started = 0;

	memset(&pool, 0, sizeof(pool));
	pool.c = c;
	pool.units = units;
	pool.n = nu;
	pool.order = xcalloc((size_t)nu + 1, sizeof(int));
	for (int k = 0; k < nu; k++)
		pool.order[k] = k;
	/* the largest first, so that a long solve does not start last
	 * (sorted here, before any thread exists: qsort has no context) */
	{
		int *o = pool.order;

		for (int i = 1; i < nu; i++)
			for (int k = i; k > 0 && (units[o[k]].n > units[o[k - 1]].n ||
			    (units[o[k]].n == units[o[k - 1]].n &&
			    o[k] < o[k - 1])); k--) {
				int t = o[k];

				o[k] = o[k - 1];
				o[k - 1] = t;
			}
	}
	if (nt < 1)
		nt = 1;
	if (nt > 64)
		nt = 64;
	if (nt > nu)
		nt = nu;
	pthread_mutex_init(&pool.mu, NULL);
	for (int t = 1; t < nt; t++)
		if (pthread_create(&th[t], NULL, plan_worker, &pool) == 0)
			started = t;
		else
			break;
	plan_worker(&pool);   /* this thread is one of them */
	for (int t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&pool.mu);
	free(pool.order);
}

/* ---- the service-level rule over all units ------------------------------------ */

static void
plan_late(const struct plan_ctx *c, struct plan_unit *units, int nu,
    struct pr_plan_result *res)
{
	const struct pr_plan_input *in = c->in;
	struct pr_late_params lp = in->params.late;
	int left = lp.max_late;

	if (left <= 0)
		return;
	for (int k = 0; k < nu; k++)
		if (units[k].sol != NULL && pr_plan_late(in->region,
		    in->orders, units[k].op, units[k].sol, &c->pp, &lp, 0,
		    &units[k].dry, NULL) != 0)
			memset(&units[k].dry, 0, sizeof(units[k].dry));
	/* the budget to the best steps over all units, each unit's steps
	 * in its own order */
	for (;;) {
		int bk = -1;
		double bscore = -1;

		for (int k = 0; k < nu; k++) {
			const struct pr_late_step *st;
			double score;

			if (units[k].late_take >= units[k].dry.n_steps)
				continue;
			st = &units[k].dry.steps[units[k].late_take];
			if (st->n_late > left)
				continue;
			if ((score = pr_late_step_score(st)) > bscore) {
				bscore = score;
				bk = k;
			}
		}
		if (bk < 0)
			break;
		left -= units[bk].dry.steps[units[bk].late_take].n_late;
		units[bk].late_take++;
	}
	for (int k = 0; k < nu; k++) {
		struct pr_late_params one = lp;
		struct pr_late_plan lpl;
		struct plan_unit *u = &units[k];

		if (u->late_take == 0)
			continue;
		one.max_steps = u->late_take;
		if (pr_plan_late(in->region, in->orders, u->op, u->sol, &c->pp,
		    &one, 1, &lpl, NULL) != 0)
			continue;
		for (int q = 0; q < lpl.n_steps; q++) {
			res->late_trips += lpl.steps[q].dropped;
			res->late_stops += !lpl.steps[q].dropped;
		}
		res->late_orders += lpl.n_late;
		res->late_saved_m += lpl.saved_m;
		if (lpl.solution != NULL) {
			pr_solution_free(u->sol);
			u->sol = lpl.solution;
			lpl.solution = NULL;
		}
		pr_late_plan_free(&lpl);
	}
}

int
pr_plan_run(const struct pr_plan_input *in, struct pr_plan_result **out,
    struct pr_error *err)
{
	struct plan_ctx c;
	struct plan_unit *units;
	struct pr_plan_result *res;
	int nu, rc, *kept, *moved, nf;

	*out = NULL;
	if ((rc = plan_check(in, err)) != 0)
		return rc;
	if ((rc = plan_ctx_init(in, &c, err)) != 0) {
		plan_ctx_free(&c);
		return rc;
	}
	nf = in->region->n_offices;
	units = xcalloc((size_t)in->n_offices + 1, sizeof(*units));
	nu = plan_units(&c, units);
	plan_solve_all(&c, units, nu);
	if (pr_canceled(in->cancel)) {
		for (int k = 0; k < nu; k++)
			plan_unit_free(&units[k]);
		free(units);
		plan_ctx_free(&c);
		return pr_seterr(err, PR_ECANCELED, "canceled");
	}
	res = xcalloc(1, sizeof(*res));
	res->n_plans = in->n_offices;
	res->plans = xcalloc((size_t)in->n_offices + 1, sizeof(*res->plans));
	res->n_problems = nu;
	plan_late(&c, units, nu, res);
	kept = xcalloc((size_t)nf + 1, sizeof(int));
	moved = xcalloc((size_t)nf + 1, sizeof(int));
	for (int k = 0; k < nu; k++) {
		struct plan_unit *u = &units[k];

		if (u->n_off > 1) {
			res->n_groups++;
			res->n_grouped += u->n_off;
		}
		if (u->rc != 0 && res->n_failed++ == 0)
			pr_strlcpy(res->failed, u->why, sizeof(res->failed));
		plan_unit_labels(&c, u, kept, moved);
		plan_unit_output(&c, u, res->plans, kept, moved);
	}
	if (in->keep_problems) {
		res->problems = xcalloc((size_t)nu + 1,
		    sizeof(*res->problems));
		for (int k = 0; k < nu; k++) {
			struct pr_plan_problem *pb = &res->problems[k];

			pb->op = units[k].op;
			pb->sol = units[k].sol;
			pb->rc = units[k].rc;
			pb->seconds = units[k].seconds;
			pr_strlcpy(pb->why, units[k].why, sizeof(pb->why));
			units[k].op = NULL;
			units[k].sol = NULL;
		}
	}
	for (int k = 0; k < nu; k++)
		plan_unit_free(&units[k]);
	free(units);
	free(kept);
	free(moved);
	plan_ctx_free(&c);
	*out = res;
	return 0;
}
