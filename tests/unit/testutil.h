/* testutil.h: small helpers for the unit tests and benchmarks (files, shared data). */
#ifndef POSTROUTE_TEST_TESTUTIL_H
#define POSTROUTE_TEST_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Where the shared benchmark data lives, relative to the repository root
 * (the tests run with the root as their working directory). */
#define TU_SHARED_DIR "../shared/bench-data"

/*
 * Reads the whole file at path into a new buffer (free with free()),
 * NUL-terminated so that it can be used as a string too; *len (when not
 * NULL) gets the length without the NUL. Returns NULL when the file does
 * not exist or cannot be read.
 */
char *tu_read_file(const char *path, size_t *len);

/* 1 when TU_SHARED_DIR exists (a directory), 0 otherwise. */
int tu_shared_available(void);

struct pr_problem;
struct pr_solution;

/* Solves p with a fixed seed and iterations (deterministic), asserts that
 * it succeeds and that the independent checker accepts the answer, and
 * returns it (free with pr_solution_free). exact_max_jobs as in
 * pr_solve_params. */
struct pr_solution *tu_solve(const struct pr_problem *p, long iterations,
    uint64_t seed, int exact_max_jobs);

#endif
