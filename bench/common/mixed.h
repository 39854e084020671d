/* mixed.h: the mixed pickup-and-delivery benchmark set: a Solomon instance turned, with a seed, into problem JSON with deliveries, skills and drivers' breaks (gen-mixed, bench-mixed). */
#ifndef POSTROUTE_BENCH_MIXED_H
#define POSTROUTE_BENCH_MIXED_H

#include <stdint.h>

#include "postroute/postroute.h"

/* What of the Solomon instance changes (shares are of the customers or
 * of the fleet; the defaults are mixed_params_init's). */
struct mixed_params {
	uint64_t seed;
	double delivery_share;   /* the demand is delivered, not picked up */
	double both_share;       /* picked up, and half as much delivered */
	double skill_share;      /* needs skill 1 (a refrigerated box) */
	double skilled_fleet;    /* vehicles holding skill 1 */
	double break_start;      /* lunch window, share of the horizon */
	double break_end;
	double break_service;    /* lunch length, share of the horizon */
};

/* delivery 30 %, both 10 %, skill 20 % of the customers, half the fleet
 * skilled, a lunch of 2 % of the horizon in [35 %, 55 %], seed 1. */
void mixed_params_init(struct mixed_params *mp);

/*
 * The problem JSON (docs/problem-format.md) of Solomon problem s changed
 * as mp says: the same customers, windows, service times and fleet, the
 * same travel (the Euclidean matrix, given as "matrices"), each customer
 * a job with a pickup, a delivery or both, some needing skill 1, every
 * vehicle with a lunch break (the draws depend on the seed and the
 * instance's name). The same s and mp give the same bytes.
 * Returns a new string the caller frees with free(), or NULL when s is
 * not a Solomon problem (one profile with matrices, one depot).
 */
char *mixed_json(const struct pr_problem *s, const struct mixed_params *mp);

#endif
