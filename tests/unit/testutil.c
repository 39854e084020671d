/* testutil.c: small helpers for the unit tests (shared data, solving with the checker). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "postroute/postroute.h"
#include "postroute/region.h"
#include "checker.h"
#include "testutil.h"

char *
tu_sq(const char *s)
{
	char *t = strdup(s);

	cr_assert_not_null(t);
	for (char *c = t; *c != '\0'; c++)
		if (*c == '\'')
			*c = '"';
	return t;
}

int
tu_shared_available(void)
{
	struct stat st;

	return stat(BENCH_SHARED_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

struct pr_region *
tu_region(const char *json, size_t len)
{
	struct pr_region *r = NULL;
	struct pr_error err = { 0, "" };

	cr_assert_eq(pr_region_from_json(json, len, &r, &err), 0, "region: %s",
	    err.msg);
	return r;
}

struct pr_region *
tu_langson(void)
{
	size_t len;
	char *buf = bench_read_file("config/regions/langson.json", &len);
	struct pr_region *r;

	cr_assert_not_null(buf, "config/regions/langson.json is missing "
	    "(tests run from the repository root)");
	r = tu_region(buf, len);
	free(buf);
	return r;
}

struct pr_solution *
tu_solve_with(const struct pr_problem *p, const struct pr_solve_params *sp)
{
	struct pr_solution *s = NULL;
	struct pr_error err;
	char why[256];
	int rc;

	memset(&err, 0, sizeof(err));
	rc = pr_solve(p, sp, &s, &err);
	cr_assert_eq(rc, 0, "%s: pr_solve failed (%d): %s", p->name, rc,
	    err.msg);
	cr_assert_not_null(s, "%s: pr_solve returned no solution", p->name);
	cr_assert_eq(chk_solution(p, s, NULL, why, sizeof(why)), 0,
	    "%s (seed %llu): the checker rejects the answer: %s", p->name,
	    (unsigned long long)sp->seed, why);
	return s;
}

struct pr_solution *
tu_solve(const struct pr_problem *p, long iterations, uint64_t seed,
    int exact_max_jobs)
{
	struct pr_solve_params sp;

	pr_solve_params_init(&sp);
	sp.iterations = iterations;
	sp.time_limit = 0;
	sp.seed = seed;
	sp.exact_max_jobs = exact_max_jobs;
	return tu_solve_with(p, &sp);
}

void
tu_rejected(const struct pr_problem *p, const struct pr_solution *s,
    const char *what, const char *word)
{
	char why[256];

	cr_expect_eq(chk_solution(p, s, NULL, why, sizeof(why)), -1,
	    "the checker accepted a solution with %s", what);
	cr_expect(strstr(why, word) != NULL, "%s: the reason \"%s\" does not "
	    "mention \"%s\"", what, why, word);
}

int
tu_int(struct tu_rng *r, int n)
{
	uint64_t z = (r->x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (int)(z % (uint64_t)n);
}
