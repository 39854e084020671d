/* test_setpart.c: GLPK set partitioning on hand-made pools, the exact mode, determinism, the GLPK guard. */
#include <criterion/criterion.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/postroute.h"
#include "glpk.h"
#include "setpart.h"
#include "checker.h"

/* n jobs on a line at x = 1..n, one depot at 0, k vehicles of capacity
 * cap, Euclidean distances. */
static struct pr_problem *
line_problem(int n, int k, int64_t cap)
{
	struct pr_problem *p = pr_problem_new(1);
	struct pr_error err;

	pr_problem_add_location(p, 0, 0);
	for (int j = 0; j < n; j++) {
		struct pr_job jb;

		pr_job_init(&jb);
		snprintf(jb.id, sizeof(jb.id), "%d", j + 1);
		jb.location = pr_problem_add_location(p, j + 1, 0);
		jb.pickup[0] = 1;
		pr_problem_add_job(p, &jb);
	}
	for (int v = 0; v < k; v++) {
		struct pr_vehicle veh;

		pr_vehicle_init(&veh);
		snprintf(veh.id, sizeof(veh.id), "v%d", v);
		veh.start = veh.end = 0;
		veh.capacity[0] = cap;
		pr_problem_add_vehicle(p, &veh);
	}
	cr_assert_eq(pr_problem_finalize(p, 0, &err), 0, "%s", err.msg);
	return p;
}

struct handpool {
	struct sp_col cols[16];
	int jobs[64];
	int ncols, njobs;
};

static void
hp_add(struct handpool *hp, const int *jobs, int n, double cost)
{
	hp->cols[hp->ncols] = (struct sp_col){ 0, n, hp->njobs, cost, 0 };
	memcpy(&hp->jobs[hp->njobs], jobs, (size_t)n * sizeof(int));
	hp->njobs += n;
	hp->ncols++;
}

/* Solves the hand-made pool on a 4-job line with k vehicles. */
static void
hp_solve(struct handpool *hp, int k, enum pr_objective obj,
    const char *inc, char *chosen)
{
	struct pr_problem *p = line_problem(4, k, 10);
	struct pr_solve_params sp;
	struct sctx c;
	struct sp_params prm = { 10.0, 0, 0, 0 };
	int proven;

	pr_solve_params_init(&sp);
	sp.objective = obj;
	sctx_build(&c, p, &sp);
	cr_assert_eq(sp_solve(&c, hp->cols, hp->ncols, hp->jobs, inc, &prm,
	    chosen, &proven), 0);
	cr_expect(proven, "a %d-column model must be solved to optimality",
	    hp->ncols);
	sctx_free(&c);
	pr_problem_free(p);
}

/*
 * Four jobs; columns {0,1}=10, {2,3}=10, {0,1,2,3}=25, {0}=4, {1}=4,
 * {1,2}=3, {0,3}=6. With two vehicles the optimum is {1,2}+{0,3} = 9;
 * with the incumbent {0,1}+{2,3} = 20 given as the start.
 */
Test(setpart, handmade_pool_optimum)
{
	struct handpool hp = { .ncols = 0 };
	char inc[16] = { 0 }, chosen[16];

	hp_add(&hp, (int[]){ 0, 1 }, 2, 10);
	hp_add(&hp, (int[]){ 2, 3 }, 2, 10);
	hp_add(&hp, (int[]){ 0, 1, 2, 3 }, 4, 25);
	hp_add(&hp, (int[]){ 0 }, 1, 4);
	hp_add(&hp, (int[]){ 1 }, 1, 4);
	hp_add(&hp, (int[]){ 1, 2 }, 2, 3);
	hp_add(&hp, (int[]){ 0, 3 }, 2, 6);
	inc[0] = inc[1] = 1;
	hp_solve(&hp, 2, PR_OBJ_DISTANCE, inc, chosen);
	for (int r = 0; r < hp.ncols; r++)
		cr_expect_eq(chosen[r], r == 5 || r == 6, "column %d %s", r,
		    chosen[r] ? "chosen" : "not chosen");
}

/* One vehicle only: the class row must force the single 4-job route. */
Test(setpart, class_limit_respected)
{
	struct handpool hp = { .ncols = 0 };
	char inc[16] = { 0 }, chosen[16];

	hp_add(&hp, (int[]){ 1, 2 }, 2, 3);
	hp_add(&hp, (int[]){ 0, 3 }, 2, 6);
	hp_add(&hp, (int[]){ 0, 1, 2, 3 }, 4, 25);
	inc[2] = 1;
	hp_solve(&hp, 1, PR_OBJ_DISTANCE, inc, chosen);
	cr_expect(chosen[2] && !chosen[0] && !chosen[1]);
}

/* The vehicles objective: fewer routes beats a shorter distance. */
Test(setpart, vehicles_objective_first)
{
	struct handpool hp = { .ncols = 0 };
	char inc[16] = { 0 }, chosen[16];

	hp_add(&hp, (int[]){ 1, 2 }, 2, 3);
	hp_add(&hp, (int[]){ 0, 3 }, 2, 6);
	hp_add(&hp, (int[]){ 0, 1, 2, 3 }, 4, 25);
	inc[0] = inc[1] = 1;
	hp_solve(&hp, 2, PR_OBJ_VEHICLES, inc, chosen);
	cr_expect(chosen[2] && !chosen[0] && !chosen[1]);
}

/* Jobs on a line, capacity 3: the optimum is known in closed form:
 * groups of 3 from the far end, each route costs 2 x its farthest job. */
Test(setpart, exact_mode_proves_line_optimum)
{
	struct pr_problem *p = line_problem(10, 10, 3);
	struct pr_solve_params sp;
	struct pr_solution *s;
	struct pr_error err;
	char why[256];
	double dist, opt = 2.0 * (10 + 7 + 4 + 1);

	pr_solve_params_init(&sp);
	sp.iterations = 50;
	sp.exact_max_jobs = 12;
	cr_assert_eq(pr_solve(p, &sp, &s, &err), 0, "%s", err.msg);
	cr_assert_eq(chk_solution(p, s, &dist, why, sizeof(why)), 0, "%s",
	    why);
	cr_expect(s->proven_optimal);
	cr_expect(fabs(s->cost - opt) < 1e-9, "cost %g, optimum %g", s->cost,
	    opt);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* Too many jobs for the exact mode: it must not claim optimality. */
Test(setpart, no_claim_above_exact_limit)
{
	struct pr_problem *p = line_problem(14, 14, 3);
	struct pr_solve_params sp;
	struct pr_solution *s;
	struct pr_error err;

	pr_solve_params_init(&sp);
	sp.iterations = 50;
	sp.exact_max_jobs = 12;
	cr_assert_eq(pr_solve(p, &sp, &s, &err), 0, "%s", err.msg);
	cr_expect(!s->proven_optimal);
	pr_solution_free(s);
	pr_problem_free(p);
}

/* Periodic set partitioning runs in iteration-bounded solves with a node
 * limit, not a clock: two runs must agree byte for byte. */
Test(setpart, deterministic_with_recombination, .timeout = 120)
{
	struct pr_problem *p = line_problem(40, 40, 4);
	struct pr_solve_params sp;
	struct pr_solution *a, *b;
	struct pr_error err;
	char *ja, *jb;

	pr_solve_params_init(&sp);
	sp.iterations = 3000;
	sp.seed = 11;
	cr_assert_eq(pr_solve(p, &sp, &a, &err), 0);
	cr_assert_eq(pr_solve(p, &sp, &b, &err), 0);
	a->computing_ms = b->computing_ms = -1;
	ja = pr_solution_to_json(p, a);
	jb = pr_solution_to_json(p, b);
	cr_expect_str_eq(ja, jb);
	free(ja);
	free(jb);
	pr_solution_free(a);
	pr_solution_free(b);
	pr_problem_free(p);
}

/* The GLPK guard (glpk.c): an error inside GLPK (here a negative number
 * of columns, which GLPK treats as a fatal error) comes back to the
 * caller's setjmp instead of aborting, silently; GLPK works again after
 * it, and set partitioning still solves. */
Test(glpk, guard_catches_an_error_and_glpk_works_after)
{
	struct handpool hp = { .ncols = 0 };
	struct glpk_guard g;
	volatile int caught = 0;
	char chosen[4];
	glp_prob *lp;

	glpk_guard_arm(&g);
	if (setjmp(g.jb) == 0) {
		lp = glp_create_prob();
		glp_add_cols(lp, -1);
		cr_assert_fail("GLPK accepted -1 columns");
	} else {
		caught = 1;
	}
	glpk_guard_end(&g);
	cr_assert(caught, "the error hook did not jump back");
	cr_expect_eq(glpk_ms_left(0), INT32_MAX);
	cr_expect_eq(glpk_ms_left(1.0), 0, "a deadline in the past");
	hp_add(&hp, (int[]){ 0, 1 }, 2, 4.0);
	hp_add(&hp, (int[]){ 2, 3 }, 2, 8.0);
	hp_add(&hp, (int[]){ 0, 1, 2, 3 }, 4, 9.0);
	hp_solve(&hp, 2, PR_OBJ_DISTANCE, (const char[]){ 1, 1, 0 }, chosen);
	cr_expect(!chosen[0] && !chosen[1] && chosen[2]);
}
