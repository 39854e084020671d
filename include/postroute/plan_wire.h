/* plan_wire.h: a plan job (struct pr_plan_input) and its answer (struct pr_plan_result) as JSON and back, checked like any input: how postrouted sends a job to a solve worker on another machine. */
#ifndef POSTROUTE_PLAN_WIRE_H
#define POSTROUTE_PLAN_WIRE_H

/*
 * A job is pr_plan_input without its region (the worker has the same
 * region file: region_id, the file's identity, says which) and without
 * cancel or keep_problems; an answer is pr_plan_result without problems,
 * plus the planner's return code and message. Numbers are written so
 * that they read back to the same bits (doubles at 17 digits): a job
 * planned on a worker gives the plans it gives on the planner's own
 * threads. Readers refuse anything they do not understand and name the
 * field ("job.orders[3].commune", "result.plans[0].routes[1].office"):
 * an index outside the region, a string too long for its field, a
 * count past the limits, a duplicated key, a wrong version.
 *
 * Pure, any thread; the strings are new (free()).
 */

#include <stddef.h>

#include "postroute/plan.h"
#include "postroute/postroute.h"
#include "postroute/region.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_WIRE_VERSION 1
#define PR_WIRE_MAX_REGION_ID 64     /* bytes of a region_id, with NUL */

/*
 * An identity of a region file's bytes (FNV-1a, 64 bits, in hex, and
 * the length): into id (PR_WIRE_MAX_REGION_ID bytes). Two processes
 * with the same id hold the same region.
 */
PR_API void pr_wire_region_id(const void *bytes, size_t len, char *id);

/* The job in (in->region is not written): a new string, or NULL when
 * out of memory. */
PR_API char *pr_plan_input_to_json(const struct pr_plan_input *in,
    const char *region_id);

/*
 * Reads a job (len bytes of buf) for region r, whose identity is
 * region_id: a job for another region is refused (PR_EINVAL, err names
 * job.region). Returns 0 with *out new (pr_plan_input_free), region set
 * to r, cancel NULL, keep_problems 0; or PR_EINVAL.
 */
PR_API int pr_plan_input_from_json(const struct pr_region *r,
    const char *region_id, const char *buf, size_t len,
    struct pr_plan_input **out, struct pr_error *err);
/* Frees in, its arrays and its routes' stops (not the region); NULL is
 * a no-op. Only for an input from pr_plan_input_from_json. */
PR_API void pr_plan_input_free(struct pr_plan_input *in);

/*
 * The answer of pr_plan_run: rc its return code, err its message (when
 * rc != 0), res its result (may be NULL when rc != 0). A new string, or
 * NULL when out of memory.
 */
PR_API char *pr_plan_result_to_json(int rc, const struct pr_error *err,
    const struct pr_plan_result *res);

/*
 * Reads the answer to the job in (len bytes of buf): its plans must be
 * the job's offices in the job's order, every office, route and order
 * count within the region and the job. Returns 0 with *rc and *rerr the
 * planner's (its code and message) and *out its result (NULL when *rc
 * != 0; else pr_plan_result_free); or PR_EINVAL, err naming the field.
 */
PR_API int pr_plan_result_from_json(const struct pr_plan_input *in,
    const char *buf, size_t len, int *rc, struct pr_error *rerr,
    struct pr_plan_result **out, struct pr_error *err);

#ifdef __cplusplus
}
#endif

#endif
