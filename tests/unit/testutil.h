/* testutil.h: small helpers for the unit tests (shared data, solving with the checker). */
#ifndef POSTROUTE_TEST_TESTUTIL_H
#define POSTROUTE_TEST_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Files are read with bench_read_file and the shared data is found at
 * BENCH_SHARED_DIR (bench/common/benchutil.h): the tests link bench/common
 * (the benchmarks never link the tests' helpers) and run, as the
 * benchmarks do, with the repository root as their working directory. */
#include "benchutil.h"

/* Inline JSON in the tests is written with single quotes: a copy of s
 * with each turned into a double quote (no test needs a real
 * apostrophe). Free the result. */
char *tu_sq(const char *s);

/* 1 when BENCH_SHARED_DIR exists (a directory), 0 otherwise. */
int tu_shared_available(void);

struct pr_problem;
struct pr_region;
struct pr_solution;
struct pr_solve_params;

/* The region of the JSON json[0..len); asserts that it is read (free with
 * pr_region_free). */
struct pr_region *tu_region(const char *json, size_t len);

/* The committed Lạng Sơn region, config/regions/langson.json; asserts
 * that it is there and read (free with pr_region_free). */
struct pr_region *tu_langson(void);

/* Solves p with sp, asserts that it succeeds and that the independent
 * checker accepts the answer, and returns it (free with
 * pr_solution_free). */
struct pr_solution *tu_solve_with(const struct pr_problem *p,
    const struct pr_solve_params *sp);

/* Expects the independent checker to reject s for p (what: what is
 * broken, for the message) with a reason that mentions word. A checker
 * that accepted everything would let every test pass. */
void tu_rejected(const struct pr_problem *p,
    const struct pr_solution *s, const char *what, const char *word);

/* tu_solve_with with a fixed seed and iterations (deterministic);
 * exact_max_jobs as in pr_solve_params. */
struct pr_solution *tu_solve(const struct pr_problem *p, long iterations,
    uint64_t seed, int exact_max_jobs);

/*
 * The tests' own random numbers (splitmix64), apart from the solver's
 * pr_rng, so that a change in the solver's generator cannot change the
 * instances a test makes. Seed by setting x.
 */
struct tu_rng {
	uint64_t x;
};

/* Uniform integer in [0, n), n > 0. */
int tu_int(struct tu_rng *r, int n);

#endif
