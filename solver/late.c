/* late.c: the service-level rule: trips that only on-time promises justify, dropped within a budget of late orders. */

/*
 * A small office often drives a trip for one or two parcels because their
 * promise needs the morning line-haul; the trip it drives anyway in the
 * afternoon could take them, a few hours late. pr_plan_late() finds such
 * trips in a solved plan and says what dropping each would save and how
 * many orders it would make late; the caller decides how many to drop (a
 * share of the day's orders, shared between offices) and applies them.
 *
 * The moves are plain cheapest insertions into the trips of the plan, so
 * the result is never longer than the plan it started from, and the
 * windows a move relies on are written back into the problem, so the
 * independent checker sees the plan it is given. Whether a trip works
 * with a job planned late is the route evaluator's (route.c) question,
 * asked with the job's late window in place of its own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "postroute/late.h"

#define LATE_DAY 86400.0

struct late_ctx {
	const struct pr_problem *p;
	const struct pr_office_problem *op;
	int n_off;
	int *voff;               /* vehicle -> group office index g */
	double *rel_end;         /* job * n_off + g: late window end, NAN */
	struct pr_deadline *rel_dl;
	char *is_late;           /* job: planned late by an applied step */
	int *late_g;             /* job: the office it is late at */
	int **seq;               /* vehicle -> its stops */
	int *len;
	int *minpos;             /* vehicle: first free position (pins) */
	char *dropped;
};

void
pr_late_params_init(struct pr_late_params *lp)
{
	memset(lp, 0, sizeof(*lp));
	lp->min_saving_m = 5000;
	lp->max_delay_s = 24 * 3600;
	lp->max_stops = 3;
	lp->max_late = -1;
	lp->max_steps = -1;
}

void
pr_late_plan_free(struct pr_late_plan *lpl)
{
	if (lpl == NULL)
		return;
	free(lpl->steps);
	pr_solution_free(lpl->solution);
	memset(lpl, 0, sizeof(*lpl));
}

/* The window end job j has on a trip of office g, late or not; NAN when
 * it may not be there late. */
static double
late_end(const struct late_ctx *c, int j, int g, int late)
{
	if (late)
		return c->rel_end[(size_t)j * c->n_off + g];
	return c->p->jobs[j].tw[c->p->jobs[j].n_tw - 1].end;
}

/*
 * Vehicle v driving seq[0..n), asked of the route evaluator. A job planned
 * late (cand when cand_late, the others when they already are) has one
 * window of its own, from its window's start to its late end at v's
 * office: the evaluator takes it in place of the job's windows. Returns 1
 * with *dist, or 0 when infeasible.
 */
static int
late_check(const struct late_ctx *c, int v, const int *seq, int n, int cand,
    int cand_late, double *dist)
{
	const struct pr_problem *p = c->p;
	int g = c->voff[v];
	struct route_state st;

	route_begin(&st, p, v);
	for (int i = 0; i < n; i++) {
		const struct pr_job *jb = &p->jobs[seq[i]];
		int late = seq[i] == cand ? cand_late : c->is_late[seq[i]];
		struct pr_tw lw;

		if (late) {
			lw.start = jb->tw[0].start;
			lw.end = late_end(c, seq[i], g, 1);
			if (isnan(lw.end))
				return 0;
		}
		if (route_extend(&st, seq[i], late ? &lw : NULL, 1) != ROUTE_OK)
			return 0;
	}
	if (route_finish(&st) != ROUTE_OK)
		return 0;
	*dist = st.dist;
	return 1;
}

static void
late_insert(struct late_ctx *c, int v, int pos, int j)
{
	memmove(&c->seq[v][pos + 1], &c->seq[v][pos],
	    (size_t)(c->len[v] - pos) * sizeof(int));
	c->seq[v][pos] = j;
	c->len[v]++;
}

static void
late_remove(struct late_ctx *c, int v, int pos)
{
	memmove(&c->seq[v][pos], &c->seq[v][pos + 1],
	    (size_t)(c->len[v] - pos - 1) * sizeof(int));
	c->len[v]--;
}

struct late_move {
	int v, pos, late;
	double delta;
};

/* The cheapest place for job j on a trip other than the dropped ones:
 * on its window (late as it already is), or made late at a cost of
 * penalty_m more. Returns 0 when it fits nowhere. */
static int
late_best_place(const struct late_ctx *c, int j, double penalty_m,
    struct late_move *best)
{
	const struct pr_problem *p = c->p;
	int loc = p->jobs[j].location, found = 0;
	double best_total = INFINITY;

	for (int v = 0; v < p->n_vehicles; v++) {
		const struct pr_vehicle *ve = &p->vehicles[v];
		int prof = ve->travel;

		if (c->len[v] == 0 || c->dropped[v] || c->minpos[v] > 0)
			continue;   /* none, dropped, or under way (pinned) */
		for (int pos = 0; pos <= c->len[v]; pos++) {
			int a = pos == 0 ? ve->start : p->jobs[c->seq[v][pos -
			    1]].location;
			int b = pos == c->len[v] ? ve->end :
			    p->jobs[c->seq[v][pos]].location;
			double cheap = pr_dist(p, prof, a, loc) +
			    pr_dist(p, prof, loc, b) - pr_dist(p, prof, a, b);

			/* The distance added is cheap exactly; the check
			 * only says whether the trip still works. */
			for (int late = c->is_late[j]; late <= 1; late++) {
				int fresh = late && !c->is_late[j];
				double total = cheap + (fresh ? penalty_m : 0), nd;
				int *seq = c->seq[v];

				if (total >= best_total - PR_EPS)
					continue;
				if (late && isnan(late_end(c, j, c->voff[v], 1)))
					continue;
				/* Try it in place, then take it out again. */
				memmove(&seq[pos + 1], &seq[pos],
				    (size_t)(c->len[v] - pos) * sizeof(int));
				seq[pos] = j;
				if (late_check(c, v, seq, c->len[v] + 1, j, late,
				    &nd)) {
					found = 1;
					best_total = total;
					best->v = v;
					best->pos = pos;
					best->late = fresh;
					best->delta = cheap;
				}
				memmove(&seq[pos], &seq[pos + 1],
				    (size_t)(c->len[v] - pos) * sizeof(int));
			}
		}
	}
	return found;
}

/*
 * Dropping vehicle w's trip: its stops, in order, go to their best places.
 * With commit == 0 the plan is restored afterwards. Returns 1 with the
 * step's figures, 0 when a stop fits nowhere.
 */
static int
late_drop(struct late_ctx *c, int w, double penalty_m, int commit,
    struct pr_late_step *st)
{
	int n = c->len[w], ok = 1, nm = 0;
	struct late_move mv[64];
	int jobs[64];
	double trip;

	if (n > 64 || !late_check(c, w, c->seq[w], n, -1, 0, &trip))
		return 0;
	memcpy(jobs, c->seq[w], (size_t)n * sizeof(int));
	c->dropped[w] = 1;
	st->vehicle = w;
	st->dropped = 1;
	st->n_moved = n;
	st->n_late = 0;
	st->saved_m = trip;
	for (int i = 0; i < n && ok; i++) {
		if (!late_best_place(c, jobs[i], penalty_m, &mv[nm])) {
			ok = 0;
			break;
		}
		late_insert(c, mv[nm].v, mv[nm].pos, jobs[i]);
		if (mv[nm].late) {
			c->is_late[jobs[i]] = 1;
			st->n_late++;
		}
		st->saved_m -= mv[nm].delta;
		nm++;
	}
	if (ok && commit) {
		c->len[w] = 0;
		c->dropped[w] = 0;
		for (int i = 0; i < nm; i++)
			if (c->is_late[jobs[i]])
				c->late_g[jobs[i]] = c->voff[mv[i].v];
		return 1;
	}
	/* Undo, last move first. */
	for (int i = nm - 1; i >= 0; i--) {
		late_remove(c, mv[i].v, mv[i].pos);
		if (mv[i].late)
			c->is_late[jobs[i]] = 0;
	}
	c->dropped[w] = 0;
	return ok;
}

/*
 * Moving one stop j (at position pos of vehicle v's trip) to its best
 * place on another trip: a household that a trip makes a long detour for
 * is collected, late, by a trip that passes nearby. The trip it leaves
 * must still work without it (the travel model need not satisfy the
 * triangle inequality). With commit == 0 the plan is restored. Returns 1
 * with the step's figures, 0 when the move is impossible.
 */
static int
late_relocate(struct late_ctx *c, int v, int pos, double penalty_m,
    int commit, struct pr_late_step *st)
{
	int j = c->seq[v][pos], was_late = c->is_late[j];
	struct late_move mv;
	double before, after;

	if (!late_check(c, v, c->seq[v], c->len[v], -1, 0, &before))
		return 0;
	late_remove(c, v, pos);
	if (!late_check(c, v, c->seq[v], c->len[v], -1, 0, &after) ||
	    before - after < penalty_m) {
		late_insert(c, v, pos, j);
		return 0;
	}
	c->dropped[v] = 1;
	if (!late_best_place(c, j, penalty_m, &mv)) {
		c->dropped[v] = 0;
		late_insert(c, v, pos, j);
		return 0;
	}
	c->dropped[v] = 0;
	st->vehicle = v;
	st->n_moved = 1;
	st->n_late = mv.late;
	st->saved_m = before - after - mv.delta;
	st->dropped = 0;
	if (commit) {
		late_insert(c, mv.v, mv.pos, j);
		if (mv.late) {
			c->is_late[j] = 1;
			c->late_g[j] = c->voff[mv.v];
		} else if (was_late) {
			c->late_g[j] = c->voff[mv.v];
		}
		return 1;
	}
	late_insert(c, v, pos, j);
	return 1;
}

double
pr_late_step_score(const struct pr_late_step *st)
{
	return st->n_late == 0 ? 1e15 + st->saved_m :
	    st->saved_m / st->n_late;
}

/* The step's rank, or -1 when it may not be taken: over what is left of
 * the budget, saving too little per late order, or (nobody late) not
 * shorter at all. */
static double
late_score(const struct pr_late_step *st, const struct pr_late_params *lp,
    int left)
{
	if (st->n_late > left || (st->n_late == 0 ? st->saved_m <= 1.0 :
	    st->saved_m < lp->min_saving_m * st->n_late))
		return -1;
	return pr_late_step_score(st);
}

static void
late_ctx_free(struct late_ctx *c)
{
	if (c->seq != NULL)
		for (int v = 0; v < c->p->n_vehicles; v++)
			free(c->seq[v]);
	free(c->seq);
	free(c->len);
	free(c->minpos);
	free(c->dropped);
	free(c->voff);
	free(c->rel_end);
	free(c->rel_dl);
	free(c->is_late);
	free(c->late_g);
}

/* Late windows of every job at every office of the problem. */
static void
late_windows(struct late_ctx *c, const struct pr_region *r,
    const struct pr_order *orders, const struct pr_plan_params *pp,
    const struct pr_late_params *lp)
{
	const struct pr_problem *p = c->p;
	const struct pr_office_problem *op = c->op;
	int horizon = pp->horizon_days < 1 ? 1 : pp->horizon_days;

	for (int j = 0; j < p->n_jobs; j++) {
		const struct pr_job *jb = &p->jobs[j];
		const struct pr_order *o = &orders[op->order[j]];

		for (int g = 0; g < c->n_off; g++) {
			struct pr_deadline st, lt;
			size_t k = (size_t)j * c->n_off + g;
			double end;

			c->rel_end[k] = NAN;
			if (jb->n_tw != 1 || jb->pinned_vehicle >= 0 ||
			    op->deadline[j].risk != PR_RISK_NONE)
				continue;
			if (c->n_off > 1 && jb->pickup[1 + g] != 0)
				continue;   /* not allowed on g's trips */
			if (pr_late_deadline(r, op->offices[g], o, pp->now,
			    &st, &lt) != 0 ||
			    (double)(lt.delivered - lt.due) > lp->max_delay_s)
				continue;
			end = (double)(lt.latest - pp->day_start);
			if (end > horizon * LATE_DAY)
				end = horizon * LATE_DAY;
			if (end <= jb->tw[0].end + PR_EPS)
				continue;
			c->rel_end[k] = end;
			c->rel_dl[k] = lt;
		}
	}
}

/*
 * The best step that may be taken now (left orders may still be made
 * late): a whole trip dropped, or a single stop whose detour alone is
 * worth a late order moved; taken, with *out its figures. Returns 0 when
 * no step may be taken.
 */
static int
late_next_step(struct late_ctx *c, const struct pr_late_params *lp,
    int left, struct pr_late_step *out)
{
	int nv = c->p->n_vehicles, best_pos = 0;
	struct pr_late_step best = { 0, 0, 0, 0, 0 }, st;
	double best_score = -1;

	for (int w = 0; w < nv; w++) {
		double score;

		if (c->len[w] == 0 || c->len[w] > lp->max_stops ||
		    c->minpos[w] > 0)
			continue;
		if (!late_drop(c, w, lp->min_saving_m, 0, &st))
			continue;
		if ((score = late_score(&st, lp, left)) > best_score) {
			best_score = score;
			best = st;
		}
	}
	/* Single stops whose detour alone is worth a late order. */
	for (int v = 0; v < nv; v++) {
		if (c->minpos[v] > 0)
			continue;   /* under way: left as it is */
		for (int pos = 0; pos < c->len[v]; pos++) {
			double score;

			if (c->is_late[c->seq[v][pos]] ||
			    isnan(c->rel_end[(size_t)c->seq[v][pos] *
			    c->n_off + c->voff[v]]) ||
			    !late_relocate(c, v, pos, lp->min_saving_m, 0,
			    &st))
				continue;
			if ((score = late_score(&st, lp, left)) > best_score) {
				best_score = score;
				best = st;
				best_pos = pos;
			}
		}
	}
	if (best_score < 0)
		return 0;
	if (best.dropped)
		late_drop(c, best.vehicle, lp->min_saving_m, 1, out);
	else
		late_relocate(c, best.vehicle, best_pos, lp->min_saving_m, 1,
		    out);
	return 1;
}

/*
 * The plan after the steps taken: the late jobs' windows end later in the
 * problem and their deadlines are the late ones, and the trips become
 * out->solution. Returns 0, or PR_EINTERNAL (the problem left as it was)
 * when the solver's rules disagree with the steps: a bug.
 */
static int
late_apply(struct late_ctx *c, struct pr_office_problem *op,
    struct pr_late_plan *out, struct pr_error *err)
{
	struct pr_problem *p = op->problem;
	int nv = p->n_vehicles, nj = p->n_jobs, nr = 0, rc = 0;
	int *vs = xcalloc((size_t)nv + 1, sizeof(int));
	const int **js = xcalloc((size_t)nv + 1, sizeof(int *));
	int *ls = xcalloc((size_t)nv + 1, sizeof(int));
	double *saved_end = xcalloc((size_t)nj + 1, sizeof(double));
	struct pr_deadline *saved_dl = xcalloc((size_t)nj + 1,
	    sizeof(*saved_dl));

	for (int j = 0; j < nj; j++) {
		size_t k = (size_t)j * c->n_off + c->late_g[j];

		saved_end[j] = p->jobs[j].tw[0].end;
		saved_dl[j] = op->deadline[j];
		if (!c->is_late[j])
			continue;
		p->jobs[j].tw[0].end = c->rel_end[k];
		op->deadline[j] = c->rel_dl[k];
	}
	for (int v = 0; v < nv; v++)
		if (c->len[v] > 0) {
			vs[nr] = v;
			js[nr] = c->seq[v];
			ls[nr++] = c->len[v];
		}
	if (pr_solution_from_routes(p, nr, vs, js, ls, &out->solution,
	    err) != 0) {
		for (int j = 0; j < nj; j++) {
			p->jobs[j].tw[0].end = saved_end[j];
			op->deadline[j] = saved_dl[j];
		}
		rc = PR_EINTERNAL;
		if (err != NULL)
			err->code = PR_EINTERNAL;
	}
	free(vs);
	free(js);
	free(ls);
	free(saved_end);
	free(saved_dl);
	return rc;
}

int
pr_plan_late(const struct pr_region *r, const struct pr_order *orders,
    struct pr_office_problem *op, const struct pr_solution *sol,
    const struct pr_plan_params *pp, const struct pr_late_params *lp,
    int apply, struct pr_late_plan *out, struct pr_error *err)
{
	struct pr_problem *p = op->problem;
	struct late_ctx c;
	int nv = p->n_vehicles, nj = p->n_jobs, cap_steps = 0, rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(lp->min_saving_m >= 0) || !(lp->max_delay_s >= 0))
		return pr_seterr(err, PR_EINVAL, "late params: min_saving_m "
		    "and max_delay_s must be >= 0");
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.op = op;
	c.n_off = op->n_offices;
	c.voff = xcalloc((size_t)nv + 1, sizeof(int));
	c.seq = xcalloc((size_t)nv + 1, sizeof(int *));
	c.len = xcalloc((size_t)nv + 1, sizeof(int));
	c.minpos = xcalloc((size_t)nv + 1, sizeof(int));
	c.dropped = xcalloc((size_t)nv + 1, 1);
	c.rel_end = xcalloc((size_t)nj * c.n_off + 1, sizeof(double));
	c.rel_dl = xcalloc((size_t)nj * c.n_off + 1, sizeof(*c.rel_dl));
	c.is_late = xcalloc((size_t)nj + 1, 1);
	c.late_g = xcalloc((size_t)nj + 1, sizeof(int));
	for (int v = 0; v < nv; v++)
		for (int g = 0; g < c.n_off; g++)
			if (op->offices[g] == op->vehicle_office[v])
				c.voff[v] = g;
	/* Every trip can take all the jobs (no trip grows past that). */
	for (int v = 0; v < nv; v++)
		c.seq[v] = xcalloc((size_t)nj + 1, sizeof(int));
	for (int q = 0; q < sol->n_routes; q++) {
		const struct pr_route *rt = &sol->routes[q];
		int v = rt->vehicle;

		if (v < 0 || v >= nv || c.len[v] > 0) {
			rc = pr_seterr(err, PR_EINVAL, "solution: route %d: "
			    "vehicle %d out of range or used twice", q, v);
			goto out;
		}
		for (int s = 0; s < rt->n_steps; s++) {
			int j = rt->steps[s].job;

			if (j < 0 || j >= nj || c.len[v] >= nj) {
				rc = pr_seterr(err, PR_EINVAL, "solution: "
				    "route %d: job %d out of range", q, j);
				goto out;
			}
			c.seq[v][c.len[v]++] = j;
			if (p->jobs[j].pinned_vehicle >= 0)
				c.minpos[v] = s + 1;
		}
	}
	late_windows(&c, r, orders, pp, lp);

	for (;;) {
		struct pr_late_step st;
		int left = lp->max_late < 0 ? nj : lp->max_late - out->n_late;

		if (lp->max_steps >= 0 && out->n_steps >= lp->max_steps)
			break;
		if (!late_next_step(&c, lp, left, &st))
			break;
		if (out->n_steps == cap_steps) {
			cap_steps = cap_steps ? 2 * cap_steps : 8;
			out->steps = xreallocarray(out->steps,
			    (size_t)cap_steps, sizeof(*out->steps));
		}
		out->steps[out->n_steps++] = st;
		out->n_late += st.n_late;
		out->saved_m += st.saved_m;
	}

	if (apply)
		rc = late_apply(&c, op, out, err);
out:
	late_ctx_free(&c);
	if (rc != 0)
		pr_late_plan_free(out);
	return rc;
}
