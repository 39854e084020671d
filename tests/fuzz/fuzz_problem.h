/* fuzz_problem.h: the property check shared by the problem reader targets (JSON, Solomon, CVRPLIB). */
#ifndef POSTROUTE_FUZZ_PROBLEM_H
#define POSTROUTE_FUZZ_PROBLEM_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "postroute/postroute.h"

typedef int (*fuzz_reader_fn)(const char *, size_t, struct pr_problem **,
    struct pr_error *);

/*
 * A reader either fails with PR_EINVAL (or PR_ENOMEM), *out NULL and a
 * message, or returns a finalized problem whose matrices cover every
 * location with finite, non-negative entries and whose jobs and vehicles
 * point at existing locations: what the solver assumes without checking.
 */
static int
fuzz_problem_reader(fuzz_reader_fn reader, const uint8_t *data, size_t size)
{
	struct pr_problem *p = (struct pr_problem *)1;
	struct pr_error err;
	size_t nn;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = reader((const char *)data, size, &p, &err);
	if (rc != 0) {
		if (p != NULL || err.msg[0] == '\0' ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	if (p == NULL || p->n_locations < 0 || p->n_profiles < 0 ||
	    (p->n_vehicles > 0 && p->n_profiles < 1))
		abort();
	nn = (size_t)p->n_locations * (size_t)p->n_locations;
	for (int k = 0; k < p->n_profiles; k++)
		for (size_t i = 0; i < nn; i++)
			if (!isfinite(p->profiles[k].durations[i]) ||
			    !isfinite(p->profiles[k].distances[i]) ||
			    p->profiles[k].durations[i] < 0 ||
			    p->profiles[k].distances[i] < 0)
				abort();
	for (int j = 0; j < p->n_jobs; j++)
		if (p->jobs[j].location < 0 ||
		    p->jobs[j].location >= p->n_locations)
			abort();
	for (int v = 0; v < p->n_vehicles; v++)
		if (p->vehicles[v].profile < 0 ||
		    p->vehicles[v].profile >= p->n_profiles ||
		    p->vehicles[v].travel < 0 ||
		    p->vehicles[v].travel >= p->n_travel ||
		    p->vehicles[v].start >= p->n_locations ||
		    p->vehicles[v].end >= p->n_locations ||
		    p->vehicles[v].n_breaks < 0 ||
		    p->vehicles[v].n_breaks > PR_MAX_BREAKS ||
		    (p->vehicles[v].n_breaks > 0 &&
		    p->vehicles[v].breaks + p->vehicles[v].n_breaks >
		    p->n_breaks))
			abort();
	pr_problem_free(p);
	return 0;
}

#endif
