/* solve.c: pr_solve(), the one entry point: context, threads, the answer. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "search.h"
#include "sctx.h"

void
pr_solve_params_init(struct pr_solve_params *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->time_limit = 5.0;
	sp->iterations = 0;
	sp->seed = 1;
	sp->objective = PR_OBJ_DISTANCE;
	sp->threads = 1;
	sp->exact_max_jobs = 12;
}

/* ---- unassigned reasons ------------------------------------------------- */

/*
 * The reasons, in the order that breaks ties between routes. rank: how
 * far a job alone got with a vehicle class that cannot serve it (lower:
 * closer; the evaluator checks the rules of a job, then of the finish).
 * stage: how far a place in a route got in route_eval_replace's checks;
 * the furthest place of a route says what blocks the job there.
 */
static const struct {
	enum route_status st;
	const char *name;
	int rank, stage;
} solve_reasons[] = {
	{ ROUTE_CAPACITY, "capacity", 3, 3 },
	{ ROUTE_TIME_WINDOW, "time_window", 2, 4 },
	{ ROUTE_SHIFT, "shift", 1, 4 },
	{ ROUTE_MAX_TRAVEL, "max_travel_time", 0, 5 },
	{ ROUTE_SKILLS, "skills", 5, 1 },
	{ ROUTE_MAX_TASKS, "max_tasks", 4, 2 },
	{ ROUTE_BREAK, "break", 1, 4 },
};
#define SOLVE_NREASONS ((int)(sizeof(solve_reasons) / sizeof(solve_reasons[0])))

static int
solve_reason_of(enum route_status st)
{
	for (int r = 0; r < SOLVE_NREASONS; r++)
		if (solve_reasons[r].st == st)
			return r;
	return -1;
}

static int
solve_stage(enum route_status st)
{
	int r = solve_reason_of(st);

	if (st == ROUTE_OK)
		return 100;
	return r < 0 ? 0 : solve_reasons[r].stage;
}

static void
solve_explain(const struct sctx *c, const struct ssol *s, int u,
    struct pr_unassigned *ua)
{
	const struct pr_problem *p = c->p;
	int counts[SOLVE_NREASONS], best = -1, used = 0;

	ua->job = u;
	ua->detail[0] = '\0';
	memset(counts, 0, sizeof(counts));
	if (p->n_vehicles == 0) {
		pr_strlcpy(ua->reason, "no_vehicle", sizeof(ua->reason));
		pr_strlcpy(ua->detail, "the problem has no vehicles",
		    sizeof(ua->detail));
		return;
	}
	if (!c->candidate[u]) {
		/* no vehicle could serve it even alone: say why for the
		 * vehicle class that comes closest */
		char detail[128], first[128] = "";
		const char *why;
		int rank = 99;

		for (int k = 0; k < c->n_classes; k++) {
			why = sctx_alone_reason(c, c->class_rep[k], u, detail,
			    sizeof(detail));
			for (int r = 0; r < SOLVE_NREASONS; r++) {
				if (strcmp(why, solve_reasons[r].name) == 0 &&
				    solve_reasons[r].rank < rank) {
					rank = solve_reasons[r].rank;
					best = r;
					pr_strlcpy(first, detail,
					    sizeof(first));
				}
			}
		}
		if (best < 0)
			best = solve_reason_of(ROUTE_TIME_WINDOW);
		pr_strlcpy(ua->reason, solve_reasons[best].name,
		    sizeof(ua->reason));
		pr_strlcpy(ua->detail, first, sizeof(ua->detail));
		return;
	}
	/* servable alone, but every vehicle is busy: what blocks it in the
	 * routes that exist? */
	for (int v = 0; v < s->n_routes; v++) {
		const struct sroute *r = &s->r[v];
		enum route_status block = ROUTE_PINNED;
		char detail[128];
		int rr;

		if (r->n == 0) {
			if (sctx_alone_reason(c, v, u, detail,
			    sizeof(detail))[0] == '\0')
				used = -1000000; /* a free vehicle exists */
			continue;
		}
		/* only the vehicles that have its skills could take it */
		if (route_skills(p, v, u) != ROUTE_OK)
			continue;
		used++;
		/* the evaluator says which rule each place breaks */
		for (int pos = r->locked; pos <= r->n; pos++) {
			double nd;
			enum route_status rc = route_eval_replace(r, p,
			    pos + 1, pos, &u, 1, &nd);

			if (solve_stage(rc) > solve_stage(block))
				block = rc;
		}
		/* a stretch that cannot be reached in time, the end among
		 * them, counts as time_window */
		if (block == ROUTE_SHIFT)
			block = ROUTE_TIME_WINDOW;
		if ((rr = solve_reason_of(block)) >= 0)
			counts[rr]++;
	}
	for (int r = 0; r < SOLVE_NREASONS; r++)
		if (best < 0 || counts[r] > counts[best])
			best = r;
	if (used < 0) {
		pr_strlcpy(ua->reason, "priority", sizeof(ua->reason));
		pr_strlcpy(ua->detail, "left out by the search (time limit or "
		    "priorities)", sizeof(ua->detail));
		return;
	}
	if (counts[best] == 0) {
		pr_strlcpy(ua->reason, "no_vehicle", sizeof(ua->reason));
		snprintf(ua->detail, sizeof(ua->detail), "all %d vehicles are "
		    "in use", p->n_vehicles);
		return;
	}
	pr_strlcpy(ua->reason, solve_reasons[best].name, sizeof(ua->reason));
	snprintf(ua->detail, sizeof(ua->detail), "all %d vehicles are in use "
	    "and it fits none of their routes (%s blocks %d of %d)",
	    p->n_vehicles, solve_reasons[best].name, counts[best], used);
}

/* ---- the answer --------------------------------------------------------- */

/*
 * A route's schedule, from the evaluator, leaving as late as costs no
 * time (with breaks: where route_plan puts them). On board: what is still
 * to deliver and what was picked up. A break's waiting and service count
 * in the route's waiting and service, so that its duration is travel +
 * setup + service + waiting.
 */
static void
solve_export_route(const struct pr_problem *p, const struct sroute *r,
    struct pr_route *ro)
{
	const struct pr_vehicle *veh = &p->vehicles[r->vehicle];
	int dims = p->n_dims, nb = veh->n_breaks, *plan = NULL, done = 0;
	int64_t onboard[PR_MAX_DIMS];
	double ptravel = 0, pdist = 0;
	struct route_state st;

	route_begin(&st, p, r->vehicle);
	if (nb > 0) {
		plan = xcalloc((size_t)r->n + 1, sizeof(int));
		st.t[0] = route_plan(r, p, plan);
		st.plan = plan;
		ro->breaks = xcalloc((size_t)nb, sizeof(*ro->breaks));
	} else
		st.time = r->es[0] + route_departure_slack(r, p);
	for (int q = 0; q < r->n; q++)
		for (int d = 0; d < dims; d++)
			ro->delivery[d] += p->jobs[r->nodes[q]].delivery[d];
	memcpy(onboard, ro->delivery, sizeof(onboard));
	ro->vehicle = r->vehicle;
	ro->n_steps = r->n;
	ro->steps = xcalloc((size_t)r->n, sizeof(*ro->steps));
	ro->start_time = st.t[0];
	for (int q = 0; q <= r->n; q++) {
		int before = done;

		if (q < r->n)
			(void)route_extend(&st, r->nodes[q], NULL, 0);
		else
			(void)route_finish(&st);
		for (int b = before; plan != NULL && b < before + plan[q];
		    b++) {
			struct pr_break_step *bs = &ro->breaks[ro->n_breaks++];
			const struct pr_break *br = &p->breaks[veh->breaks + b];

			bs->brk = veh->breaks + b;
			bs->after = q;
			bs->arrival = st.b_arr[b];
			bs->start = st.b_start[b];
			bs->waiting = bs->start - bs->arrival;
			bs->travel = ptravel + st.b_drive[b] *
			    (st.travel - ptravel);
			bs->distance = pdist + st.b_drive[b] * (st.dist - pdist);
			memcpy(bs->load, onboard, sizeof(bs->load));
			ro->waiting_time += bs->waiting;
			ro->service_time += br->service;
		}
		done += plan != NULL ? plan[q] : 0;
		ptravel = st.travel;
		pdist = st.dist;
		if (q == r->n)
			break;
		{
			struct pr_step *step = &ro->steps[q];

			step->job = r->nodes[q];
			step->arrival = st.arrival;
			step->service_start = st.start;
			step->waiting = st.start - st.arrival;
			step->setup = st.setup;
			step->travel = st.travel;
			step->distance = st.dist;
			for (int d = 0; d < dims; d++)
				onboard[d] = ro->delivery[d] - st.ld.d[d] +
				    st.ld.p[d];
			memcpy(step->load, onboard, sizeof(step->load));
			ro->setup_time += st.setup;
			ro->service_time += p->jobs[r->nodes[q]].service;
			ro->waiting_time += step->waiting;
		}
	}
	ro->travel_time = st.travel;
	ro->distance = st.dist;
	ro->cost = st.cost + veh->fixed_cost;
	ro->end_time = st.arrival;
	ro->duration = ro->end_time - ro->start_time;
	for (int d = 0; d < dims; d++)
		ro->load[d] = st.ld.p[d];
	free(plan);
}

static struct pr_solution *
solve_export(const struct sctx *c, const struct ssol *s)
{
	const struct pr_problem *p = c->p;
	struct pr_solution *out = xcalloc(1, sizeof(*out));
	int k = 0;

	for (int v = 0; v < s->n_routes; v++)
		out->n_routes += s->r[v].n > 0;
	out->routes = xcalloc((size_t)out->n_routes + 1, sizeof(*out->routes));
	for (int v = 0; v < s->n_routes; v++) {
		struct pr_route *ro;

		if (s->r[v].n == 0)
			continue;
		ro = &out->routes[k++];
		solve_export_route(p, &s->r[v], ro);
		out->distance += ro->distance;
		out->duration += ro->duration;
		out->cost += ro->cost;
	}
	out->n_unassigned = s->n_unassigned;
	out->unassigned = xcalloc((size_t)s->n_unassigned + 1,
	    sizeof(*out->unassigned));
	/* report unassigned jobs in job order, for stable output */
	{
		int m = 0;

		for (int j = 0; j < p->n_jobs; j++) {
			if (s->route_of[j] >= 0)
				continue;
			solve_explain(c, s, j, &out->unassigned[m++]);
		}
		out->n_unassigned = m;
	}
	return out;
}

void
pr_solution_free(struct pr_solution *s)
{
	if (s == NULL)
		return;
	for (int r = 0; r < s->n_routes; r++) {
		free(s->routes[r].steps);
		free(s->routes[r].breaks);
	}
	free(s->routes);
	free(s->unassigned);
	free(s);
}

/* ---- threads ------------------------------------------------------------ */

struct solve_shared {
	const struct sctx *c;
	const struct pr_solve_params *sp;
	double t0;
	pthread_mutex_t lock;
	struct scost best;
	int have_best;
};

struct solve_thread {
	struct solve_shared *sh;
	int index;
	struct sresult res;
};

static void
solve_improved(void *ud, const struct ssol *s)
{
	struct solve_shared *sh = ud;
	const struct pr_solve_params *sp = sh->sp;

	if (sp->progress == NULL)
		return;
	pthread_mutex_lock(&sh->lock);
	if (!sh->have_best || sol_cost_cmp(sh->c, &s->cost, &sh->best) < 0) {
		sh->best = s->cost;
		sh->have_best = 1;
		sp->progress(sp->progress_ud, pr_now() - sh->t0, s->cost.cost,
		    s->cost.routes, s->n_unassigned);
	}
	pthread_mutex_unlock(&sh->lock);
}

static void *
solve_thread_main(void *arg)
{
	struct solve_thread *th = arg;

	search_run(th->sh->c, th->sh->sp, th->index, th->sh->t0, &th->res,
	    solve_improved, th->sh);
	return NULL;
}

/* Runs nth searches (nth - 1 on threads of their own); returns the index
 * of the best result, ties to the lowest. */
static int
solve_threads(struct solve_shared *sh, struct solve_thread *th, int nth)
{
	pthread_t *tid = xcalloc((size_t)nth, sizeof(*tid));
	char *started = xcalloc((size_t)nth, 1);
	int best = 0;

	for (int i = 0; i < nth; i++) {
		th[i].sh = sh;
		th[i].index = i;
	}
	for (int i = 1; i < nth; i++)
		started[i] = pthread_create(&tid[i], NULL, solve_thread_main,
		    &th[i]) == 0;
	solve_thread_main(&th[0]);
	for (int i = 1; i < nth; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else	/* could not start a thread: run it here */
			solve_thread_main(&th[i]);
	}
	for (int i = 1; i < nth; i++)
		if (sol_cost_cmp(sh->c, &th[i].res.best.cost,
		    &th[best].res.best.cost) < 0)
			best = i;
	free(tid);
	free(started);
	return best;
}

int
pr_solve(const struct pr_problem *p, const struct pr_solve_params *spin,
    struct pr_solution **out, struct pr_error *err)
{
	struct pr_solve_params sp = *spin;
	struct sctx c;
	struct solve_shared sh;
	struct solve_thread *th;
	int best = 0, nth, exact, proven = 0;
	double t0 = pr_now(), heur_limit, limit = spin->time_limit;

	*out = NULL;
	if (sp.threads < 1 || sp.threads > 64)
		return pr_seterr(err, PR_EINVAL, "threads must be in [1, 64]");
	if (sp.iterations <= 0 && !(sp.time_limit > 0))
		sp.time_limit = 5.0;
	for (int j = 0; j < p->n_jobs; j++) {
		const struct pr_job *jb = &p->jobs[j];

		if (jb->pinned_vehicle >= 0 && (jb->pinned_rank < 0 ||
		    jb->pinned_rank >= p->n_jobs))
			return pr_seterr(err, PR_EINVAL, "job \"%s\": pinned "
			    "rank out of range", jb->id);
	}
	/* The search's own memory, asked for once before it starts: in a
	 * process out of address space (RLIMIT_AS, overcommit off) the
	 * solve fails with PR_ENOMEM instead of an abort somewhere in the
	 * search's xmalloc calls. */
	{
		size_t need = pr_problem_memory(0, 0, p->n_jobs,
		    p->n_vehicles, sp.threads);
		void *probe = malloc(need);

		if (probe == NULL)
			return pr_seterr(err, PR_ENOMEM, "out of memory: the "
			    "search needs about %zu MiB", need >> 20);
		free(probe);
	}
	sctx_build(&c, p, &sp);
	for (int v = 0; v < p->n_vehicles; v++) {
		for (int r = 0; r < c.pinned_count[v]; r++) {
			if (c.pinned[v][r] < 0) {
				sctx_free(&c);
				return pr_seterr(err, PR_EINVAL, "vehicle "
				    "\"%s\": pinned ranks must be 0..%d "
				    "without gaps", p->vehicles[v].id,
				    c.pinned_count[v] - 1);
			}
		}
	}
	/* small problems: a short heuristic run gives the incumbent, the
	 * exact mode (exact.c) the rest of the time; only if it cannot prove
	 * the optimum does the heuristic get the time that is left */
	exact = sp.exact_max_jobs > 0 && p->n_jobs <= sp.exact_max_jobs &&
	    p->n_jobs <= 16 && p->n_jobs > 0 && !c.has_pins;
	if (exact && sp.iterations <= 0) {
		heur_limit = sp.time_limit * 0.1;
		sp.time_limit = heur_limit < 0.1 ? heur_limit : 0.1;
	}
	nth = sp.threads;
	memset(&sh, 0, sizeof(sh));
	sh.c = &c;
	sh.sp = &sp;
	sh.t0 = t0;
	pthread_mutex_init(&sh.lock, NULL);
	th = xcalloc((size_t)nth, sizeof(*th));
	best = solve_threads(&sh, th, nth);
	if (exact) {
		struct ssol ex;
		double deadline = spin->iterations > 0 ? 0 :
		    t0 + limit * 0.97;

		sol_init(&ex, &c);
		if (exact_solve(&c, deadline, sp.cancel, &th[best].res.best,
		    &ex) == 0 && sol_cost_cmp(&c, &ex.cost,
		    &th[best].res.best.cost) <= 0) {
			sol_free(&th[best].res.best);
			th[best].res.best = ex;
			proven = 1;
		} else
			sol_free(&ex);
	}
	if (exact && !proven && spin->iterations <= 0 &&
	    t0 + limit * 0.97 - pr_now() > 0.05) {
		/* no proof: search again with the rest, keep the better */
		struct solve_thread *th2 = xcalloc((size_t)nth, sizeof(*th2));
		int best2;

		sh.t0 = pr_now();
		sp.time_limit = t0 + limit - sh.t0;
		best2 = solve_threads(&sh, th2, nth);
		if (sol_cost_cmp(&c, &th2[best2].res.best.cost,
		    &th[best].res.best.cost) < 0) {
			struct ssol t = th[best].res.best;

			th[best].res.best = th2[best2].res.best;
			th2[best2].res.best = t;
		}
		for (int i = 0; i < nth; i++) {
			th[best].res.iterations += th2[i].res.iterations;
			sol_free(&th2[i].res.best);
		}
		free(th2);
	}
	*out = solve_export(&c, &th[best].res.best);
	(*out)->proven_optimal = proven;
	for (int i = 0; i < nth; i++) {
		(*out)->iterations += th[i].res.iterations;
		sol_free(&th[i].res.best);
	}
	(*out)->computing_ms = (pr_now() - t0) * 1000.0;
	(*out)->seed = sp.seed;
	(*out)->threads = nth;
	pthread_mutex_destroy(&sh.lock);
	free(th);
	sctx_free(&c);
	return 0;
}

int
pr_solution_from_routes(const struct pr_problem *p, int n_routes,
    const int *vehicles, const int *const *jobs, const int *lens,
    struct pr_solution **out, struct pr_error *err)
{
	struct pr_solve_params sp;
	struct sctx c;
	struct ssol s;
	int rc = 0;

	*out = NULL;
	pr_solve_params_init(&sp);
	sctx_build(&c, p, &sp);
	sol_init(&s, &c);
	for (int r = 0; r < n_routes && rc == 0; r++) {
		int v = vehicles[r];
		double nd;

		if (v < 0 || v >= p->n_vehicles || s.r[v].n > 0) {
			rc = pr_seterr(err, PR_EINVAL, "route %d: vehicle "
			    "index %d is out of range or used twice", r, v);
			break;
		}
		for (int q = 0; q < lens[r]; q++) {
			int j = jobs[r][q];

			if (j < 0 || j >= p->n_jobs || s.route_of[j] >= 0) {
				rc = pr_seterr(err, PR_EINVAL, "route %d: "
				    "job index %d is out of range or appears "
				    "twice", r, j);
				break;
			}
			s.route_of[j] = v;
		}
		if (rc != 0)
			break;
		if (route_eval_replace(&s.r[v], c.p, 1, 0, jobs[r], lens[r],
		    &nd) != 0) {
			rc = pr_seterr(err, PR_EINVAL, "route %d (vehicle "
			    "\"%s\") is infeasible", r, p->vehicles[v].id);
			break;
		}
		sol_replace(&s, &c, v, 1, 0, jobs[r], lens[r]);
	}
	if (rc == 0) {
		for (int j = 0; j < p->n_jobs; j++)
			if (s.route_of[j] < 0)
				sol_add_unassigned(&s, j);
		sol_eval(&s, &c);
		*out = solve_export(&c, &s);
		(*out)->computing_ms = 0;
	}
	sol_free(&s);
	sctx_free(&c);
	return rc;
}
