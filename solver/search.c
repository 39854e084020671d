/* search.c: ruin-and-recreate with simulated annealing around local search. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insert.h"
#include "localsearch.h"
#include "ruin.h"
#include "search.h"
#include "setpart.h"

/*
 * The metaheuristic is Slack Induction by String Removals (SISR,
 * Christiaens & Vanden Berghe, Transportation Science 2020): remove a few
 * strings of consecutive jobs from routes near a random seed job, put the
 * jobs back greedily with blinks, and accept the result with a simulated
 * annealing rule whose temperature falls geometrically over the run
 * (measured in wall time, or in iterations when the run is bounded by
 * iterations, so that such runs are reproducible). Unlike plain SISR, the
 * reinserted jobs are then improved by the local search of localsearch.c
 * (a full pass runs only on the first solution: on new bests it cost half
 * the time on 1000-job instances for no measurable gain on Solomon).
 *
 * Parameters (general, not per instance): 10 jobs removed on average,
 * strings of at most 10, blink rate 0.01, temperature from 2.0 to 0.01
 * times the mean arc length of the first solution.
 *
 * The cost is lexicographic (struct scost): unserved jobs (weighted by
 * priority) first, then, for the vehicles objective, the number of routes,
 * then distance. A candidate worse in a higher tier is never accepted;
 * annealing acts on distance. For the vehicles objective, one ruin in ten
 * removes a whole short route, which is how routes disappear.
 *
 * Vehicles objective, after fleet minimisation: at the smallest fleet most
 * repairs leave a job or two out (about half of all candidates on tight
 * Solomon instances), and the annealing barely moves from the solution
 * the fleet minimisation left. So the repair opens no route (a candidate
 * with more would be rejected anyway), and up to 3 jobs left out each get
 * an ejection chain of at most 5 links: the job goes where it costs least
 * once one job of that route is taken out, and the job taken out is
 * reinserted greedily or continues the chain (Nagata & Bräysy 2009 use
 * such chains to remove routes; here they keep the distance search
 * moving). And the distance phase runs as 3 episodes: the first from the
 * fleet minimisation's best, each later one from the constructed solution
 * brought down to the same fleet again by a new random path (at most half
 * the episode; the best when that fails), since which basin that path
 * ends in decides most of the final distance. The set partitioning over
 * the shared pool combines routes from all episodes.
 */

#define BLINK_RATE 0.01
#define T_START 2.0      /* x average arc length */
#define T_END 0.01
#define FLEET_SHARE 0.5  /* of the budget spent removing routes, at most */
#define FLEET_STALL 0.5  /* of that share without a removal ends it */
#define EJECT_TRIES 2    /* ejection attempts per fleet iteration */
#define EPISODES 3       /* distance phases at the fleet (vehicles) */
#define EPISODE_FLEET 0.5 /* of an episode, at most, to get back there */
#define CHAIN_DEPTH 5    /* ejections per job left out (vehicles) */
#define CHAIN_JOBS 3     /* jobs left out that a repair chain is tried for */
#define POOL_MAX 20000   /* routes kept for set partitioning */
#define SP_CALLS 5       /* set-partitioning calls over a run */
#define SP_SHARE 0.02    /* of the budget, at most, per call */
#define SP_NODES 100     /* node limit per call in iteration-bounded runs */
#define SP_SIMPLEX 2000  /* simplex iterations per call and stage */

struct search {
	const struct sctx *c;
	struct swork w;
	struct ssol cur, cand, best;
	struct ssol first;      /* the constructed solution */
	int *ruined;
	double *key;
	int *tmp;
	int *again;
	double temp0, temp1;
	long *absence;          /* fleet minimisation: times left out */
	struct pool pool;
	struct sroute tr;       /* scratch route for ejections */
	char *chosen, *incumbent;
	int chosen_cap;
};

static void
search_recreate(struct search *se, struct ssol *s, int polish)
{
	struct swork *w = &se->w;
	int n = w->n_removed;

	memcpy(se->again, w->removed, (size_t)n * sizeof(int));
	insert_jobs(s, se->c, w);
	if (!polish)
		return;
	/* a quick local search around the reinserted jobs only */
	for (int m = 0; m < n && !work_should_stop(w); m++) {
		int guard = 0;

		while (guard++ < 50 && ls_improve_job(s, se->c, w,
		    se->again[m]))
			;
	}
}

static int
search_accept(const struct sctx *c, const struct scost *cand,
    const struct scost *cur, double temp, struct pr_rng *rng)
{
	if (cand->unserved < cur->unserved - 1e-9)
		return 1;
	if (cand->unserved > cur->unserved + 1e-9)
		return 0;
	if (c->objective == PR_OBJ_VEHICLES && cand->routes != cur->routes)
		return cand->routes < cur->routes;
	if (cand->cost < cur->cost - 1e-9)
		return 1;
	return cand->cost < cur->cost - temp * log(1.0 - pr_rng_double(rng));
}

/* A stretch of the run, bounded by iterations (it1 > 0) or by time. */
struct phase {
	long it0, it1;
	double t0, t1;
};

/* Fraction of the phase done, or -1 when it is over. */
static double
search_phase_frac(struct search *se, const struct phase *ph, long it)
{
	struct swork *w = &se->w;

	if (w->stop || pr_canceled(w->cancel))
		return -1;
	if (ph->it1 > 0) {
		if (it >= ph->it1)
			return -1;
		return (double)(it - ph->it0) / (double)(ph->it1 - ph->it0);
	}
	{
		double now = pr_now();

		if (now >= ph->t1)
			return -1;
		return (now - ph->t0) / (ph->t1 - ph->t0);
	}
}

/*
 * Recombination: the best set of pool routes that serves what the best
 * solution serves (setpart.c). Returns 1 when it found a better solution,
 * which then becomes both the best and the current one.
 */
static int
search_setpart(struct search *se, double time_limit, long nodes)
{
	const struct sctx *c = se->c;
	struct pool *pl = &se->pool;
	/* iteration-bounded runs: bounded by work, not time */
	struct sp_params prm = { time_limit, nodes, 0,
	    nodes > 0 ? SP_SIMPLEX : 0 };
	int proven, better = 0;

	if (c->has_pins)
		return 0;
	/* the best solution's routes must be columns: make room if full */
	for (int v = 0; v < se->best.n_routes; v++) {
		const struct sroute *r = &se->best.r[v];

		if (r->n > 0 && pool_add_route(pl, c, r) < 0) {
			pool_clear(pl);
			pool_add_solution(pl, c, &se->best);
			break;
		}
	}
	if (pl->n > se->chosen_cap) {
		se->chosen_cap = pl->n;
		se->chosen = xreallocarray(se->chosen, (size_t)pl->n, 1);
		se->incumbent = xreallocarray(se->incumbent, (size_t)pl->n, 1);
	}
	if (pl->n > 0)	/* incumbent is still NULL with an empty pool */
		memset(se->incumbent, 0, (size_t)pl->n);
	for (int v = 0; v < se->best.n_routes; v++) {
		const struct sroute *r = &se->best.r[v];
		int col;

		if (r->n > 0 && (col = pool_add_route(pl, c, r)) >= 0)
			se->incumbent[col] = 1;
	}
	if (sp_solve(c, pl->col, pl->n, pl->jobs, se->incumbent, &prm,
	    se->chosen, &proven) == 0 &&
	    sp_to_solution(c, pl->col, pl->n, pl->jobs, se->chosen,
	    &se->cand) == 0 &&
	    sol_cost_cmp(c, &se->cand.cost, &se->best.cost) < 0) {
		sol_copy(&se->best, &se->cand, c);
		sol_copy(&se->cur, &se->cand, c);
		better = 1;
	}
	if (pl->n >= pl->max) {
		pool_clear(pl);
		pool_add_solution(pl, c, &se->best);
	}
	sol_copy(&se->cand, &se->cur, c);
	work_count_free(&se->w, &se->cand, c);
	return better;
}

/* Unassigned jobs that some vehicle could serve alone. */
static int
search_servable_out(const struct sctx *c, const struct ssol *s)
{
	int n = 0;

	for (int m = 0; m < s->n_unassigned; m++)
		n += c->candidate[s->unassigned[m]] != 0;
	return n;
}

/*
 * Ejection chain for a tight fleet: u takes the place of one job w of some
 * route (not `keep`), right there or one step before or after it, wherever
 * that costs least; w is then reinserted greedily, or continues the chain
 * when it fits nowhere. Each link is priced in constant time from the
 * cached schedules (route_eval_replace). Returns 1 when every job is back.
 */
static int
search_chain(struct search *se, struct ssol *s, int u, int depth)
{
	const struct sctx *c = se->c;
	struct swork *w = &se->w;
	int keep = -1;

	for (int d = 0; d < depth; d++) {
		int bv = -1, bi = 0, bj = 0, bk = 0, bseq[2] = { 0, 0 }, wj;
		double bdelta = 0;

		for (int v = 0; v < s->n_routes && !work_should_stop(w); v++) {
			const struct sroute *r = &s->r[v];

			for (int q = r->locked + 1; q <= r->n; q++) {
				/* u at q; u before q - 1; u after q + 1 */
				int seqs[3][2] = { { u, 0 }, { u, 0 }, { 0, u } };
				int is[3] = { q, q - 1, q }, js[3] = { q, q, q + 1 };
				int ks[3] = { 1, 2, 2 };

				if (r->nodes[q - 1] == keep)
					continue;
				if (q > 1)
					seqs[1][1] = r->nodes[q - 2];
				if (q < r->n)
					seqs[2][0] = r->nodes[q];
				for (int t = 0; t < 3; t++) {
					double nd;

					if ((t == 1 && q - 1 <= r->locked) ||
					    (t == 2 && q >= r->n))
						continue;
					w->evals++;
					if (route_eval_replace(r, c->p, is[t],
					    js[t], seqs[t], ks[t], &nd) != 0)
						continue;
					if (bv < 0 || nd - r->cost < bdelta) {
						bv = v;
						bi = is[t];
						bj = js[t];
						bk = ks[t];
						bseq[0] = seqs[t][0];
						bseq[1] = seqs[t][1];
						bdelta = nd - r->cost;
					}
				}
			}
		}
		if (bv < 0)
			return 0;
		/* the job at bi..bj that is neither u nor kept in bseq */
		wj = -1;
		for (int q = bi; q <= bj; q++) {
			int x = s->r[bv].nodes[q - 1];

			if (x != bseq[0] && x != (bk > 1 ? bseq[1] : -1))
				wj = x;
		}
		sol_replace(s, c, bv, bi, bj, bseq, bk);
		sol_remove_unassigned(s, u);
		w->n_removed = 0;
		w->removed[w->n_removed++] = wj;
		insert_jobs(s, c, w);
		if (s->route_of[wj] >= 0) {
			sol_eval(s, c);
			return 1;
		}
		/* insert_jobs left wj unassigned: go on with it */
		keep = u;
		u = wj;
	}
	sol_eval(s, c);
	return 0;
}

/* Simulated annealing over ruin-and-recreate. */
static void
search_anneal(struct search *se, const struct phase *ph, long *it,
    void (*improved)(void *, const struct ssol *), void *ud)
{
	const struct sctx *c = se->c;
	struct swork *w = &se->w;
	double frac;

	int sp_done = 0, tight = 0;

	sol_copy(&se->cand, &se->cur, c);
	work_count_free(w, &se->cand, c);
	while ((frac = search_phase_frac(se, ph, *it)) >= 0) {
		double temp = se->temp0 * pow(se->temp1 / se->temp0, frac);

		if (frac * SP_CALLS >= sp_done + 1) {
			sp_done++;
			if (ph->it1 > 0 ? search_setpart(se, 0, SP_NODES) :
			    search_setpart(se, SP_SHARE * (ph->t1 - ph->t0), 0))
				if (improved != NULL)
					improved(ud, &se->best);
		}
		(*it)++;
		/* vehicles objective with every servable job served: a
		 * candidate with more routes would be rejected, so the repair
		 * opens none, and an ejection chain fits what is left */
		tight = c->objective == PR_OBJ_VEHICLES &&
		    search_servable_out(c, &se->cur) == 0;
		if (tight)
			w->max_routes = se->cur.cost.routes;
		ruin_strings(c, w, &se->cand, se->ruined);
		ruin_sort_removed(se->c, &se->w, se->key, se->tmp);
		search_recreate(se, &se->cand, 1);
		sol_eval(&se->cand, c);
		if (tight) {
			int out = search_servable_out(c, &se->cand);

			for (int m = 0; out > 0 && out <= CHAIN_JOBS &&
			    m < se->cand.n_unassigned; m++) {
				int u = se->cand.unassigned[m];

				if (!c->candidate[u])
					continue;
				if (!search_chain(se, &se->cand, u, CHAIN_DEPTH))
					break;
				out--;
				m = -1;	/* the list changed: start over */
			}
		}
		w->max_routes = -1;
		if (search_accept(c, &se->cand.cost, &se->cur.cost, temp,
		    &w->rng)) {
			if (sol_cost_cmp(c, &se->cand.cost,
			    &se->best.cost) < 0) {
				sol_copy(&se->best, &se->cand, c);
				if (improved != NULL)
					improved(ud, &se->best);
			}
			sol_copy(&se->cur, &se->cand, c);
			pool_add_solution(&se->pool, c, &se->cur);
		} else
			sol_copy(&se->cand, &se->cur, c);
		work_count_free(w, &se->cand, c);
	}
}

static long
search_absence(const struct search *se, const struct ssol *s)
{
	long sum = 0;

	for (int m = 0; m < s->n_unassigned; m++)
		sum += se->absence[s->unassigned[m]];
	return sum;
}

/* Drops the route with the fewest jobs among a few drawn at random; its
 * jobs become unassigned. */
static int
search_drop_route(struct search *se, struct ssol *s)
{
	const struct sctx *c = se->c;
	struct swork *w = &se->w;
	int bestv = -1;

	for (int t = 0; t < 4; t++) {
		int u = pr_rng_int(&w->rng, c->n_jobs), v = s->route_of[u];

		if (v >= 0 && s->r[v].locked == 0 &&
		    (bestv < 0 || s->r[v].n < s->r[bestv].n))
			bestv = v;
	}
	if (bestv < 0)
		return -1;
	for (int q = 0; q < s->r[bestv].n; q++)
		sol_add_unassigned(s, s->r[bestv].nodes[q]);
	sol_replace(s, c, bestv, 1, s->r[bestv].n, NULL, 0);
	sol_eval(s, c);
	return 0;
}

/*
 * Ejection (after Nagata & Bräysy 2009, with one ejected job): put the
 * unassigned job u into a route in place of a job that has been absent less
 * often, at the cheapest position the shorter route allows. Hard jobs thus
 * take the places of easy ones, which the next repair can fit elsewhere.
 * Returns 1 when u went in.
 */
static int
search_eject(struct search *se, struct ssol *s, int u)
{
	const struct sctx *c = se->c;
	struct sroute *tr = &se->tr;
	int bv = -1, bq = 0, bp = 0;
	long bkey = se->absence[u];
	double bdelta = 0;

	for (int v = 0; v < s->n_routes; v++) {
		const struct sroute *r = &s->r[v];

		if (r->n == 0)
			continue;
		for (int q = r->locked + 1; q <= r->n; q++) {
			int wj = r->nodes[q - 1];
			long key = se->absence[wj];

			if (key > bkey || (key == bkey && bv >= 0) ||
			    work_should_stop(&se->w))
				continue;
			route_copy(tr, r, c->p);
			memmove(&tr->nodes[q - 1], &tr->nodes[q],
			    (size_t)(r->n - q) * sizeof(int));
			tr->n--;
			route_update(tr, c->p);
			for (int p = tr->locked; p <= tr->n; p++) {
				double nd;

				if (route_eval_replace(tr, c->p, p + 1, p, &u,
				    1, &nd) != 0)
					continue;
				if (bv < 0 || key < bkey || nd - r->cost <
				    bdelta) {
					bv = v;
					bq = q;
					bp = p;
					bkey = key;
					bdelta = nd - r->cost;
				}
			}
		}
	}
	if (bv < 0)
		return 0;
	{
		int wj = s->r[bv].nodes[bq - 1];

		sol_replace(s, c, bv, bq, bq, NULL, 0);
		sol_replace(s, c, bv, bp + 1, bp, &u, 1);
		sol_remove_unassigned(s, u);
		sol_add_unassigned(s, wj);
		sol_eval(s, c);
	}
	return 1;
}

/*
 * Fleet minimisation (SISR, section 5): take a route away, then run
 * ruin-and-recreate without opening routes, accepting a candidate that
 * leaves fewer jobs out or jobs that were left out less often (each job
 * counts how many iterations it spent unassigned: its absence). Hard jobs
 * thus get priority over time. When every job is back in, the solution has
 * one route fewer: it becomes the best and the next route goes.
 */
static int
search_fleet_min(struct search *se, const struct phase *ph, long *it,
    int stop_at, void (*improved)(void *, const struct ssol *), void *ud)
{
	const struct sctx *c = se->c;
	struct swork *w = &se->w;
	long cur_abs;
	int target;
	double frac, last_success = 0.0;

	if (se->cur.n_unassigned > 0)
		return 0;
	if (se->cur.cost.routes <= (stop_at > 0 ? stop_at : 1))
		return 1;
	se->w.fleet_phase = 1;
	if (search_drop_route(se, &se->cur) != 0)
		return 0;
	target = se->cur.cost.routes;
	cur_abs = search_absence(se, &se->cur);
	sol_copy(&se->cand, &se->cur, c);
	while ((frac = search_phase_frac(se, ph, *it)) >= 0) {
		long cand_abs;

		/* stalled for half the phase: the rest goes to distance */
		if (stop_at == 0 && frac - last_success > FLEET_STALL)
			break;

		(*it)++;
		ruin_strings(c, w, &se->cand, se->ruined);
		ruin_sort_removed(se->c, &se->w, se->key, se->tmp);
		/* routes emptied by the ruin may come back, no more */
		work_count_free(w, &se->cand, c);
		w->max_routes = target;
		search_recreate(se, &se->cand, 1);
		w->max_routes = -1;
		sol_eval(&se->cand, c);
		for (int m = 0; m < se->cand.n_unassigned && m < EJECT_TRIES;
		    m++)
			search_eject(se, &se->cand, se->cand.unassigned[
			    pr_rng_int(&w->rng, se->cand.n_unassigned)]);
		cand_abs = search_absence(se, &se->cand);
		cur_abs = search_absence(se, &se->cur);
		for (int m = 0; m < se->cand.n_unassigned; m++)
			se->absence[se->cand.unassigned[m]]++;
		if (se->cand.n_unassigned < se->cur.n_unassigned ||
		    cand_abs < cur_abs) {
			sol_copy(&se->cur, &se->cand, c);
			cur_abs = search_absence(se, &se->cur);
		} else
			sol_copy(&se->cand, &se->cur, c);
		if (se->cur.n_unassigned == 0) {
			if (sol_cost_cmp(c, &se->cur.cost,
			    &se->best.cost) < 0) {
				sol_copy(&se->best, &se->cur, c);
				if (improved != NULL)
					improved(ud, &se->best);
			}
			last_success = frac;
			if (stop_at > 0 && se->cur.cost.routes <= stop_at)
				return 1;
			if (se->cur.cost.routes <= 1 ||
			    search_drop_route(se, &se->cur) != 0)
				break;
			target = se->cur.cost.routes;
			cur_abs = search_absence(se, &se->cur);
			sol_copy(&se->cand, &se->cur, c);
		}
	}
	return 0;
}

/* Construction: pinned heads, then every free job greedily in one of the
 * ruin orders, then a full local search pass. */
static void
search_construct(struct search *se, struct ssol *s)
{
	const struct sctx *c = se->c;
	struct swork *w = &se->w;

	for (int v = 0; v < s->n_routes; v++)
		if (s->r[v].n > 0)
			sol_replace(s, c, v, 1, s->r[v].n, NULL, 0);
	s->n_unassigned = 0;
	for (int j = 0; j < c->n_jobs; j++)
		s->route_of[j] = -1;
	sol_place_pinned(s, c);
	sol_eval(s, c);
	work_count_free(w, s, c);
	w->n_removed = 0;
	for (int j = 0; j < c->n_jobs; j++)
		if (s->route_of[j] < 0)
			w->removed[w->n_removed++] = j;
	ruin_sort_removed(se->c, &se->w, se->key, se->tmp);
	search_recreate(se, s, 0);
	sol_eval(s, c);
	ls_run(s, c, w);
	sol_eval(s, c);
}

void
search_run(const struct sctx *c, const struct pr_solve_params *sp,
    int thread, double t0, struct sresult *res,
    void (*improved)(void *, const struct ssol *), void *ud)
{
	struct search se;
	struct swork *w = &se.w;
	int nj = c->n_jobs;
	long it = 0, max_it = sp->iterations > 0 ? sp->iterations : 0;
	double limit = max_it > 0 ? 0.0 : sp->time_limit;
	double avgarc;
	uint64_t seed = sp->seed * 0x9e3779b97f4a7c15ULL + (uint64_t)thread *
	    0xd1b54a32d192ed03ULL + 1;

	memset(&se, 0, sizeof(se));
	se.c = c;
	work_init(w, c, seed);
	w->max_routes = -1;
	w->cancel = sp->cancel;
	/* keep 3 % of the budget for building the answer */
	if (limit > 0)
		w->deadline = t0 + limit * 0.97;
	se.ruined = xcalloc((size_t)c->p->n_vehicles + 1, sizeof(int));
	se.key = xcalloc((size_t)nj + 1, sizeof(double));
	se.tmp = xmalloc(((size_t)nj + 1) * sizeof(int));
	se.again = xmalloc(((size_t)nj + 1) * sizeof(int));
	se.absence = xcalloc((size_t)nj + 1, sizeof(long));
	pool_init(&se.pool, POOL_MAX);
	route_init(&se.tr, c->p, 0);
	sol_init(&se.cur, c);
	sol_init(&se.cand, c);
	sol_init(&se.best, c);
	sol_init(&se.first, c);

	w->blink = 0.0;
	search_construct(&se, &se.cur);
	sol_copy(&se.best, &se.cur, c);
	sol_copy(&se.first, &se.cur, c);
	if (improved != NULL)
		improved(ud, &se.best);

	avgarc = se.cur.cost.cost / (double)(nj + se.cur.cost.routes + 1);
	if (!(avgarc > 0))
		avgarc = 1.0;
	se.temp0 = T_START * avgarc;
	se.temp1 = T_END * avgarc;
	w->blink = BLINK_RATE;
	if (nj > 0 && c->objective == PR_OBJ_VEHICLES) {
		struct phase ph = { 0, max_it / 2, t0, 0 };

		ph.t1 = limit > 0 ? t0 + (w->deadline - t0) * FLEET_SHARE : 0;
		if (max_it == 0 && limit <= 0)
			ph.it1 = 500;
		if (se.best.n_unassigned == 0 && se.best.cost.routes > 1) {
			sol_copy(&se.cur, &se.best, c);
			search_fleet_min(&se, &ph, &it, 0, improved, ud);
		}
		w->fleet_phase = 0;
		w->max_routes = -1;
		sol_copy(&se.cur, &se.best, c);
	}
	if (nj > 0) {
		struct phase all = { it, max_it, pr_now(), w->deadline };
		int neps = c->objective == PR_OBJ_VEHICLES ? EPISODES : 1;

		if (max_it == 0 && limit <= 0)
			all.it1 = it + 1000;
		for (int e = 0; e < neps && !w->stop; e++) {
			struct phase ph = all;

			/* episode e of neps: [e/neps, (e+1)/neps] of the rest */
			ph.it0 = all.it0 + (all.it1 - all.it0) * e / neps;
			ph.it1 = all.it1 > 0 ? all.it0 + (all.it1 - all.it0) *
			    (e + 1) / neps : 0;
			ph.t0 = all.t0 + (all.t1 - all.t0) * e / neps;
			ph.t1 = all.t0 + (all.t1 - all.t0) * (e + 1) / neps;
			if (e > 0) {
				/* the constructed solution brought down to
				 * the best's fleet again (another random path,
				 * another basin), in at most a share of the
				 * episode; the best is the fallback */
				struct phase fm = ph;

				fm.it1 = ph.it1 > 0 ? ph.it0 + (long)((ph.it1 -
				    ph.it0) * EPISODE_FLEET) : 0;
				fm.t1 = ph.t0 + (ph.t1 - ph.t0) * EPISODE_FLEET;
				sol_copy(&se.cur, &se.first, c);
				if (!search_fleet_min(&se, &fm, &it,
				    se.best.cost.routes, improved, ud) ||
				    se.cur.n_unassigned > se.best.n_unassigned)
					sol_copy(&se.cur, &se.best, c);
				w->fleet_phase = 0;
				w->max_routes = -1;
				ph.it0 = it;
				ph.t0 = pr_now();
			}
			search_anneal(&se, &ph, &it, improved, ud);
		}
	}
	res->best = se.best;
	res->iterations = it;
	sol_free(&se.cur);
	sol_free(&se.cand);
	sol_free(&se.first);
	free(se.ruined);
	free(se.key);
	free(se.tmp);
	free(se.again);
	free(se.absence);
	free(se.chosen);
	free(se.incumbent);
	pool_free(&se.pool);
	route_free(&se.tr);
	work_free(w);
}
