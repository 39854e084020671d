/* format_solomon.c: the Solomon VRPTW text format, read from memory. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "util.h"

/*
 * The format (as in Solomon 1987 and every copy since):
 *
 *   C101
 *   VEHICLE
 *   NUMBER     CAPACITY
 *     25         200
 *   CUSTOMER
 *   CUST NO.  XCOORD.  YCOORD.  DEMAND  READY TIME  DUE DATE  SERVICE TIME
 *       0      40       50        0        0         1236        0
 *       1      45       68       10      912          967       90
 *
 * Customer 0 is the depot; its window closes every route. Distances are
 * double Euclidean and travel time equals distance.
 */

static int
solomon_is_word(const char *b, const char *e, const char *word)
{
	size_t n = strlen(word);

	while (b < e && isspace((unsigned char)*b))
		b++;
	return (size_t)(e - b) >= n && strncmp(b, word, n) == 0;
}

int
pr_problem_from_solomon(const char *buf, size_t len,
    struct pr_problem **out, struct pr_error *err)
{
	return format_solomon_read(buf, len, NULL, out, err);
}

int
format_solomon_read(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
    struct pr_error *err)
{
	struct pr_text r = { buf, buf + len, 0 };
	struct pr_problem *p;
	const char *b, *e;
	double v[8];
	int n, nveh, depot_seen = 0, rc;
	int64_t cap;
	struct pr_tw depot_tw = { 0, 0 };

	*out = NULL;
	if (!pr_text_next_line(&r, &b, &e))
		return pr_seterr(err, PR_EINVAL, "empty file");
	p = pr_problem_new(1);
	p->source = PR_SOURCE_SOLOMON;
	{
		char name[PR_MAX_ID];
		size_t l = (size_t)(e - b);

		while (l > 0 && isspace((unsigned char)b[l - 1]))
			l--;
		while (l > 0 && isspace((unsigned char)*b)) {
			b++;
			l--;
		}
		if (l >= sizeof(name))
			l = sizeof(name) - 1;
		memcpy(name, b, l);
		name[l] = '\0';
		pr_strlcpy(p->name, name, sizeof(p->name));
	}
	if (!pr_text_next_line(&r, &b, &e) || !solomon_is_word(b, e, "VEHICLE")) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: expected VEHICLE",
		    r.line);
		goto fail;
	}
	if (!pr_text_next_line(&r, &b, &e) || !solomon_is_word(b, e, "NUMBER")) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: expected the "
		    "NUMBER CAPACITY header", r.line);
		goto fail;
	}
	if (!pr_text_next_line(&r, &b, &e) ||
	    pr_text_numbers(b, e, v, 8) != 2) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: expected two numbers "
		    "(vehicle count and capacity)", r.line);
		goto fail;
	}
	if (v[0] < 1 || v[0] > 10000 || v[0] != floor(v[0])) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: vehicle NUMBER must "
		    "be an integer in [1, 10000]", r.line);
		goto fail;
	}
	if (v[1] < 0 || v[1] > 1e15 || v[1] != floor(v[1])) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: CAPACITY must be a "
		    "non-negative integer", r.line);
		goto fail;
	}
	nveh = (int)v[0];
	cap = (int64_t)v[1];
	if (!pr_text_next_line(&r, &b, &e) ||
	    !solomon_is_word(b, e, "CUSTOMER")) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: expected CUSTOMER",
		    r.line);
		goto fail;
	}
	if (!pr_text_next_line(&r, &b, &e) || !solomon_is_word(b, e, "CUST")) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: expected the column "
		    "header (CUST NO. ...)", r.line);
		goto fail;
	}
	while (pr_text_next_line(&r, &b, &e)) {
		struct pr_job j;

		n = pr_text_numbers(b, e, v, 8);
		if (n != 7) {
			rc = pr_seterr(err, PR_EINVAL, "line %d: expected 7 "
			    "numbers (no, x, y, demand, ready, due, service)",
			    r.line);
			goto fail;
		}
		if (v[3] < 0) {
			rc = pr_seterr(err, PR_EINVAL, "line %d: negative "
			    "demand", r.line);
			goto fail;
		}
		if (v[3] != floor(v[3]) || v[3] > 1e15) {
			rc = pr_seterr(err, PR_EINVAL, "line %d: demand must be "
			    "an integer", r.line);
			goto fail;
		}
		if (v[5] < v[4]) {
			rc = pr_seterr(err, PR_EINVAL, "line %d: due date %g is "
			    "before ready time %g", r.line, v[5], v[4]);
			goto fail;
		}
		if (v[6] < 0) {
			rc = pr_seterr(err, PR_EINVAL, "line %d: negative "
			    "service time", r.line);
			goto fail;
		}
		if (!depot_seen) {
			if (v[0] != 0) {
				rc = pr_seterr(err, PR_EINVAL, "line %d: the "
				    "first customer must be the depot, 0",
				    r.line);
				goto fail;
			}
			depot_seen = 1;
			pr_problem_add_location(p, v[1], v[2]);
			depot_tw.start = v[4];
			depot_tw.end = v[5];
			continue;
		}
		if (v[0] != floor(v[0]) || v[0] < 1 || v[0] > 1e9) {
			rc = pr_seterr(err, PR_EINVAL, "line %d: bad customer "
			    "number", r.line);
			goto fail;
		}
		pr_job_init(&j);
		snprintf(j.id, sizeof(j.id), "%.0f", v[0]);
		for (int k = 0; k < p->n_jobs; k++) {
			if (strcmp(p->jobs[k].id, j.id) == 0) {
				rc = pr_seterr(err, PR_EINVAL, "line %d: "
				    "customer %s appears twice", r.line, j.id);
				goto fail;
			}
		}
		j.location = pr_problem_add_location(p, v[1], v[2]);
		j.pickup[0] = (int64_t)v[3];
		j.tw[0].start = v[4];
		j.tw[0].end = v[5];
		j.service = v[6];
		pr_problem_add_job(p, &j);
	}
	if (!depot_seen) {
		rc = pr_seterr(err, PR_EINVAL, "line %d: no customers (the "
		    "depot row is missing)", r.line);
		goto fail;
	}
	pr_problem_add_profile(p, "default", 1.0, 1.0);
	for (int i = 0; i < nveh; i++) {
		struct pr_vehicle veh;

		pr_vehicle_init(&veh);
		snprintf(veh.id, sizeof(veh.id), "%d", i + 1);
		pr_strlcpy(veh.profile_name, "default",
		    sizeof(veh.profile_name));
		veh.start = veh.end = 0;
		veh.capacity[0] = cap;
		veh.tw = depot_tw;
		pr_problem_add_vehicle(p, &veh);
	}
	rc = problem_finalize(p, 0, rp, err);
	if (rc != 0)
		goto fail;
	*out = p;
	return 0;
fail:
	pr_problem_free(p);
	return rc;
}
