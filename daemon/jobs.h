/* jobs.h: the kinds of job the solver threads run: the plans of a group of offices, the clustering of the open orders, a POST /v1/solve problem. */
#ifndef POSTROUTED_JOBS_H
#define POSTROUTED_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "postroute/domain.h"
#include "postroute/plan.h"
#include "postroute/postroute.h"

#include "workers.h"

/*
 * Each kind starts with its struct job (workers.h) and holds inputs the
 * loop copied in and outputs the worker fills: plain data, nothing of the
 * loop's (the region is immutable while the daemon runs). The submitter
 * gives a done callback; it gets the job back on the loop, reads the
 * outputs and frees it with job_free(). The *_of() functions turn the
 * struct job of a done callback back into its kind.
 */

/*
 * The plans of a group of offices (or of one): libpostroute's planner,
 * pr_plan_run. The job owns every array of in (offices, orders, office,
 * home, moved_why, routes and their stops; the region is borrowed): plain
 * data, which a worker on another machine could be sent.
 */
struct plan_job {
	struct job job;
	struct pr_plan_input in;    /* in.cancel is set to &job.cancel */
	/* outputs */
	int rc;
	struct pr_error err;
	struct pr_plan_result *res; /* NULL: not planned, or cancelled */
};

/* Every open order to an office (pr_cluster_assign, GLPK). */
struct cluster_job {
	struct job job;
	const struct pr_region *region;
	int n_orders;
	struct pr_order *orders;    /* copies */
	int64_t day_start;
	double time_limit;
	/* outputs */
	int rc;
	struct pr_error err;
	int *office;                /* per order: its office, or -1 */
	char (*why)[32];            /* per order: why it moved */
	int status;                 /* pr_cluster_result.status */
};

/* A problem in the --solve format (POST /v1/solve). */
struct solve_job {
	struct job job;
	char *body;                 /* the problem; the job owns it */
	size_t body_len;
	struct pr_solve_params sp;  /* sp.cancel is set to job.cancel */
	size_t max_memory;          /* the problem's budget (pr_read_params) */
	/* outputs */
	int rc;                     /* PR_ETOOBIG: over max_memory */
	struct pr_error err;
	char *json;                 /* the solution */
	double solve_s;
};

/* New zeroed jobs of each kind, with their done callback. */
struct plan_job *plan_job_new(void (*done)(struct job *, void *),
    void *arg);
struct cluster_job *cluster_job_new(void (*done)(struct job *, void *),
    void *arg);
struct solve_job *solve_job_new(void (*done)(struct job *, void *),
    void *arg);

/* Every kind above, for the metrics (NULL-terminated); their names are
 * the kind label of postroute_jobs_queued and _running. */
extern const struct job_kind *const jobs_kinds[];

/* The kind of a job handed back to a done callback (it must be one). */
struct plan_job *plan_job_of(struct job *j);
struct cluster_job *cluster_job_of(struct job *j);
struct solve_job *solve_job_of(struct job *j);

#endif
