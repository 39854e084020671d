/* test_mixed.c: the mixed benchmark set's generator (bench/common/mixed.c): reproducible problem JSON that the reader takes, with deliveries, skills and breaks, solved feasibly. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "mixed.h"
#include "postroute/postroute.h"
#include "testutil.h"

static const char tm_solomon[] =
    "TINY\n\nVEHICLE\nNUMBER     CAPACITY\n  4         50\n\n"
    "CUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE"
    "   SERVICE   TIME\n"
    "    0      40         50          0          0        400          0\n"
    "    1      45         68         10         0        300         10\n"
    "    2      45         70         20        50        200         10\n"
    "    3      42         66         10         0        300         10\n"
    "    4      42         68          7        30        250         10\n"
    "    5      42         65         15         0        300         10\n"
    "    6      40         69         12         0        350         10\n"
    "    7      20         85         9          0        350         10\n"
    "    8      15         75         11        100       200         10\n";

Test(mixed, reproducible_and_readable)
{
	struct pr_problem *s = NULL, *p = NULL;
	struct pr_error err = { 0, "" };
	struct mixed_params mp;
	struct pr_solution *sol;
	char *a, *b;
	int del = 0, skilled = 0;

	cr_assert_eq(pr_problem_from_solomon(tm_solomon, strlen(tm_solomon),
	    &s, &err), 0, "%s", err.msg);
	mixed_params_init(&mp);
	mp.delivery_share = 0.5;
	mp.skill_share = 0.4;
	a = mixed_json(s, &mp);
	b = mixed_json(s, &mp);
	cr_assert_not_null(a);
	cr_expect_str_eq(a, b, "same instance and seed, same bytes");
	free(b);
	mp.seed = 2;
	b = mixed_json(s, &mp);
	cr_expect_str_neq(a, b, "another seed, another problem");
	free(b);
	cr_assert_eq(pr_problem_from_json(a, strlen(a), &p, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(p->n_jobs, 8);
	cr_assert_eq(p->n_vehicles, 4);
	for (int j = 0; j < p->n_jobs; j++) {
		del += p->jobs[j].delivery[0] > 0;
		skilled += p->jobs[j].skills[0] != 0;
		cr_expect_float_eq(p->jobs[j].tw[0].end, s->jobs[j].tw[0].end,
		    1e-12);
	}
	cr_expect_gt(del, 0);
	cr_expect_gt(skilled, 0);
	cr_expect(p->has_delivery && p->has_skills);
	for (int v = 0; v < p->n_vehicles; v++)
		cr_expect_eq(p->vehicles[v].n_breaks, 1);
	/* the travel is the original's to the last bit */
	for (int k = 0; k < 9 * 9; k++)
		cr_expect_eq(p->profiles[0].durations[k],
		    s->profiles[0].durations[k]);
	sol = tu_solve(p, 300, 1, 0);
	cr_expect_eq(sol->n_unassigned, 0);
	pr_solution_free(sol);
	free(a);
	pr_problem_free(p);
	pr_problem_free(s);
}
