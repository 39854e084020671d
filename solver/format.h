/* format.h: the problem readers behind pr_problem_parse_limited, each with an optional memory budget, and the finalize step they share (private). */
#ifndef POSTROUTE_FORMAT_H
#define POSTROUTE_FORMAT_H

#include "util.h"

/*
 * Each reader checks the budget of rp (NULL: none) once it knows the
 * problem's counts, before the matrices are allocated: PR_ETOOBIG with
 * err naming the estimate and the limit (format_check_budget).
 */
int format_json_read(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
    struct pr_error *err);
int format_solomon_read(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
    struct pr_error *err);
int format_cvrplib_read(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
    struct pr_error *err);

/* 0 when a problem of these counts fits rp's budget, else PR_ETOOBIG with
 * err filled. */
int format_check_budget(const struct pr_read_params *rp, int n_locations,
    int n_profiles, int n_jobs, int n_vehicles, struct pr_error *err);

/* pr_problem_finalize with rp's budget checked before the matrices are
 * allocated (problem.c). */
int problem_finalize(struct pr_problem *p, int geo,
    const struct pr_read_params *rp, struct pr_error *err);

#endif
