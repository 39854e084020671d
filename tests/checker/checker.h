/* checker.h: the independent feasibility checker, a small library of its own that the unit tests and the benchmarks both run on every solution. */
#ifndef POSTROUTE_TEST_CHECKER_H
#define POSTROUTE_TEST_CHECKER_H

#include <stddef.h>

#include "postroute/postroute.h"

/*
 * Checks s against p from scratch, using only the public data model (no
 * solver function), as docs/problem-format.md defines the rules: every
 * job exactly once over routes and unassigned, each vehicle at most once,
 * capacity in every dimension at every point (the vehicle leaves with the
 * route's deliveries), skills, max_tasks, earliest-start schedules (leave
 * at the reported start_time, not before the shift starts; the drive takes
 * the profile's duration / the speed factor; wait for a window, never
 * arrive after the last window closes; setup unless coming from the same
 * location; every break taken at the place the route reports, in order,
 * as soon as its window allows with the drive going on around it; reach
 * the end by the shift end), the max travel time, pinned jobs, and that
 * the reported times, loads, setups, distances, durations and costs
 * (fixed + per_hour / per_km, a cost matrix, or the distance) agree with
 * the recomputation (1e-6 relative).
 *
 * Returns 0 when s is feasible and consistent, -1 otherwise with why
 * (when not NULL) naming the route, job and constraint. *out_distance
 * (when not NULL) gets the recomputed total distance (of the routes
 * checked so far when it fails).
 */
int chk_solution(const struct pr_problem *p, const struct pr_solution *s,
    double *out_distance, char *why, size_t whylen);

#endif
