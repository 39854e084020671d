/* workers.h: the fixed pool of solver threads and the job it runs: each job carries what a worker runs and the completion the loop runs. */
#ifndef POSTROUTED_WORKERS_H
#define POSTROUTED_WORKERS_H

#include <stdatomic.h>

struct event_base;
struct job;
struct workers;

/*
 * A kind of job, after redis's bio.c (one queue, one completion per job
 * type): what a worker thread runs and how the job is freed. The kinds
 * the daemon has are in jobs.h.
 */
struct job_kind {
	const char *name;               /* for logs */
	/* On a worker thread: reads the job's inputs, fills its outputs.
	 * Touches nothing but the job and immutable data (the region). */
	void (*run)(struct job *j);
	/* Frees the job: inputs, outputs and the job itself. */
	void (*free)(struct job *j);
};

/*
 * The head of every job (its first member). A job is moved, not shared:
 * the loop builds it and submits it, a worker owns it while it runs, and
 * the loop gets it back in done, which then owns it and frees it with
 * job_free(). The only field both threads touch is cancel (atomic).
 * Whatever only the loop may touch (an HTTP request, the planner's
 * bookkeeping) stays in the submitter's own structures, reached through
 * arg: a worker never reads it.
 */
struct job {
	const struct job_kind *kind;
	/* Called once, on the loop thread, when the job has run (or was
	 * cancelled); owns j from then on. */
	void (*done)(struct job *j, void *arg);
	void *arg;
	atomic_int cancel;              /* job_cancel(); the solver reads it */
	double run_s;                   /* seconds it ran on its thread (set
	                                 * before done; 0 if it never ran) */
	struct job *next;               /* workers.c's queues */
};

/* Fills the head of a new job; the rest of it is the kind's. */
void job_init(struct job *j, const struct job_kind *kind,
    void (*done)(struct job *, void *), void *arg);
/* Asks the job to stop early (any thread, any time before done). */
void job_cancel(struct job *j);
/* 1 once job_cancel() was called. */
int job_canceled(const struct job *j);
/* Frees j through its kind; NULL is a no-op. */
void job_free(struct job *j);

/* Starts n threads at niceness +nice (Linux keeps one per thread); done
 * callbacks run on base's loop. Loop thread, like everything here. */
struct workers *workers_new(struct event_base *base, int n, int nice);
/* Cancels queued and running jobs, joins the threads and frees the jobs
 * that had not been handed back (their done is never called). */
void workers_free(struct workers *w);
/* Queues j; takes ownership of it until its done is called. */
void workers_submit(struct workers *w, struct job *j);
/* Cancels every job queued or running. */
void workers_cancel_all(struct workers *w);
/* Jobs queued or running. */
int workers_running(struct workers *w);
/* Jobs of kind waiting for a thread, and on a thread. */
void workers_load(struct workers *w, const struct job_kind *kind,
    int *queued, int *running);

#endif
