/* jobs.c: the kinds of job the solver threads run: the plans of a group of offices, the clustering of the open orders, a POST /v1/solve problem. */
#include <stdlib.h>
#include <string.h>

#include "jobs.h"
#include "util.h"

/* ---- the plans of a group of offices ------------------------------------------- */

static void
plan_job_run(struct job *j)
{
	struct plan_job *pj = plan_job_of(j);

	pj->in.cancel = &j->cancel;
	pj->rc = pr_plan_run(&pj->in, &pj->res, &pj->err);
}

static void
plan_job_free(struct job *j)
{
	struct plan_job *pj = plan_job_of(j);
	struct pr_plan_route *routes = (struct pr_plan_route *)pj->in.routes;

	free((void *)pj->in.offices);
	free((void *)pj->in.group);
	free((void *)pj->in.orders);
	free((void *)pj->in.office);
	free((void *)pj->in.home);
	free((void *)pj->in.moved_why);
	for (int r = 0; r < pj->in.n_routes; r++)
		free(routes[r].stops);
	free(routes);
	pr_plan_result_free(pj->res);
	free(pj);
}

static const struct job_kind plan_kind = {
	"plan", plan_job_run, plan_job_free
};

struct plan_job *
plan_job_new(void (*done)(struct job *, void *), void *arg)
{
	struct plan_job *pj = ecalloc(1, sizeof(*pj));

	job_init(&pj->job, &plan_kind, done, arg);
	return pj;
}

struct plan_job *
plan_job_of(struct job *j)
{
	if (j->kind != &plan_kind)
		fatalx("jobs: a %s job is not a plan", j->kind->name);
	return (struct plan_job *)(void *)j;
}

/* ---- the clustering ------------------------------------------------------------- */

/* The MILP has a column per order and nearby office: past this many
 * orders it would hold hundreds of MB; nearest-feasible instead. */
#define JOBS_CLUSTER_MILP_MAX 20000

static void
cluster_job_run(struct job *j)
{
	struct cluster_job *cj = cluster_job_of(j);
	struct pr_cluster_params cp;
	struct pr_cluster_result *cr = NULL;

	memset(&cp, 0, sizeof(cp));
	cp.time_limit = cj->time_limit;
	cp.greedy = cj->n_orders > JOBS_CLUSTER_MILP_MAX;
	cj->rc = pr_cluster_assign(cj->region, cj->orders, cj->n_orders,
	    cj->day_start, &cp, &cr, &cj->err);
	if (cj->rc != 0)
		return;
	cj->office = ecalloc((size_t)cj->n_orders + 1, sizeof(int));
	cj->why = ecalloc((size_t)cj->n_orders + 1, sizeof(*cj->why));
	for (int i = 0; i < cj->n_orders; i++) {
		cj->office[i] = cr->office[i];
		memcpy(cj->why[i], cr->reason[i], sizeof(cj->why[i]));
	}
	cj->status = cr->status;
	pr_cluster_result_free(cr);
}

static void
cluster_job_free(struct job *j)
{
	struct cluster_job *cj = cluster_job_of(j);

	free(cj->orders);
	free(cj->office);
	free(cj->why);
	free(cj);
}

static const struct job_kind cluster_kind = {
	"clustering", cluster_job_run, cluster_job_free
};

struct cluster_job *
cluster_job_new(void (*done)(struct job *, void *), void *arg)
{
	struct cluster_job *cj = ecalloc(1, sizeof(*cj));

	job_init(&cj->job, &cluster_kind, done, arg);
	return cj;
}

struct cluster_job *
cluster_job_of(struct job *j)
{
	if (j->kind != &cluster_kind)
		fatalx("jobs: a %s job is not a clustering", j->kind->name);
	return (struct cluster_job *)(void *)j;
}

/* ---- a problem from POST /v1/solve ------------------------------------------- */

static void
solve_job_run(struct job *j)
{
	struct solve_job *sj = solve_job_of(j);
	struct pr_problem *p = NULL;
	struct pr_solution *s = NULL;
	struct pr_read_params rp;

	/* The budget is checked from the counts, before the matrices are
	 * allocated; their allocation and the search's fail this request
	 * (PR_ENOMEM), never the daemon. */
	rp.max_memory = sj->max_memory;
	rp.threads = sj->sp.threads;
	sj->sp.cancel = &j->cancel;
	sj->rc = pr_problem_parse_limited(sj->body, sj->body_len, &rp, &p,
	    &sj->err);
	if (sj->rc == 0) {
		double t0 = mono_s();

		sj->rc = pr_solve(p, &sj->sp, &s, &sj->err);
		sj->solve_s = mono_s() - t0;
	}
	if (sj->rc == 0)
		sj->json = pr_solution_to_json(p, s);
	pr_solution_free(s);
	pr_problem_free(p);
}

static void
solve_job_free(struct job *j)
{
	struct solve_job *sj = solve_job_of(j);

	free(sj->body);
	free(sj->json);
	free(sj);
}

static const struct job_kind solve_kind = {
	"solve", solve_job_run, solve_job_free
};

struct solve_job *
solve_job_new(void (*done)(struct job *, void *), void *arg)
{
	struct solve_job *sj = ecalloc(1, sizeof(*sj));

	job_init(&sj->job, &solve_kind, done, arg);
	return sj;
}

struct solve_job *
solve_job_of(struct job *j)
{
	if (j->kind != &solve_kind)
		fatalx("jobs: a %s job is not a solve", j->kind->name);
	return (struct solve_job *)(void *)j;
}

const struct job_kind *const jobs_kinds[] = {
	&plan_kind, &cluster_kind, &solve_kind, NULL
};
