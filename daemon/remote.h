/* remote.h: plan jobs run by solve workers elsewhere: the job to <prefix>jobs, its plans back from <prefix>results, the first answer per job taken, a job with none sent again. */
#ifndef POSTROUTED_REMOTE_H
#define POSTROUTED_REMOTE_H

struct daemon;
struct plan_job;
struct remote;

/*
 * With [cluster] remote_workers: a connection of its own reads
 * <prefix>results (XREAD BLOCK); jobs go out on the command connection.
 * Loop thread only, like everything here.
 */
struct remote *remote_new(struct daemon *d);
/* Frees r and the jobs still out (their done is never called, as
 * workers_free). NULL is a no-op. */
void remote_free(struct remote *r);

/*
 * Runs pj on a solve worker: takes ownership of it until its done is
 * called on the loop, as workers_submit; pj->rc, err and res are the
 * worker's. A job too large for [cluster] job_max_bytes, or refused by a
 * worker (another region file), runs on the local threads instead.
 */
void remote_submit(struct daemon *d, struct plan_job *pj);
/* Cancels every job out: each is handed back, cancelled, soon after. */
void remote_cancel_all(struct remote *r);
/* Jobs sent and not answered. */
int remote_running(const struct remote *r);

#endif
