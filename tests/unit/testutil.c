/* testutil.c: small helpers for the unit tests and benchmarks (files, shared data). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "postroute/postroute.h"
#include "checker.h"
#include "testutil.h"

char *
tu_read_file(const char *path, size_t *len)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

int
tu_shared_available(void)
{
	struct stat st;

	return stat(TU_SHARED_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

struct pr_solution *
tu_solve(const struct pr_problem *p, long iterations, uint64_t seed,
    int exact_max_jobs)
{
	struct pr_solve_params sp;
	struct pr_solution *s = NULL;
	struct pr_error err;
	char why[256];
	int rc;

	pr_solve_params_init(&sp);
	sp.iterations = iterations;
	sp.time_limit = 0;
	sp.seed = seed;
	sp.exact_max_jobs = exact_max_jobs;
	memset(&err, 0, sizeof(err));
	rc = pr_solve(p, &sp, &s, &err);
	cr_assert_eq(rc, 0, "%s: pr_solve failed (%d): %s", p->name, rc,
	    err.msg);
	cr_assert_not_null(s);
	cr_assert_eq(chk_solution(p, s, NULL, why, sizeof(why)), 0,
	    "%s (seed %llu): the checker rejects the answer: %s", p->name,
	    (unsigned long long)seed, why);
	return s;
}
