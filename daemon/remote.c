/* remote.c: plan jobs run by solve workers elsewhere: the job to <prefix>jobs, its plans back from <prefix>results, the first answer per job taken, a job with none sent again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "postroute/plan_wire.h"
#include "postroute/time.h"

#include "daemon.h"
#include "deadletter.h"
#include "jobs.h"
#include "log.h"
#include "remote.h"
#include "rconn.h"
#include "sentinel.h"
#include "util.h"
#include "workers.h"

/*
 * A remote job is another way to run a plan job (jobs.h): the planner
 * builds the same struct plan_job, and gets it back through the same
 * done callback with rc, err and res filled, as from its own threads;
 * the worker runs the same job kind (worker.c). In between, the job's
 * input goes out as JSON (plan_wire.h) in an entry of <prefix>jobs
 *
 *   XADD <prefix>jobs * id <job id> job <JSON>
 *
 * read by the consumer group "workers" of the solve workers, and comes
 * back as an entry of <prefix>results
 *
 *   id <job id> worker <consumer> result <JSON>     (or refused <why>)
 *
 * which a connection of this file's own follows (XREAD BLOCK from the
 * last entry it saw: the stream's newest when it first connected). A job
 * id is this process's (pid, start time) and a counter: unique, so an
 * answer to a job of another planner, or one already answered, matches
 * nothing and is ignored (counted, stale). The first answer that reads
 * well is the job's: it is taken out of the table and handed back; the
 * office's plan is then published once, as for a local job. A bad
 * answer (not JSON, another job's offices, an index outside the region,
 * too large) is logged, dead-lettered with its reason, and otherwise
 * ignored: the job waits for another answer. A job with no answer
 * within [cluster] job_timeout_s (no worker runs, its worker died and
 * no other took it, the stream was lost in a failover) is sent again;
 * nothing is lost, and a late answer to the first sending is as good as
 * one to the second. A worker that dies mid-job leaves the job pending
 * in the group, where another worker claims it (worker.c).
 */


struct rjob {
	struct plan_job *pj;
	char id[100];
	char *json;               /* what was sent (and is sent again) */
	size_t len;
	double sent;              /* mono_s of the last sending; 0: none */
	int sends;
	int canceled;
	struct rjob *next;
};

struct remote {
	struct daemon *d;
	struct rconn *rc;         /* XREAD BLOCK on <prefix>results only */
	struct rjob *head;
	int n;
	char nonce[72];
	unsigned long seq;
	char last[64];            /* the last results entry seen; "": not
	                           * known yet (nothing is sent until it is) */
	int reading;              /* an XREVRANGE or XREAD out */
	char jobs[CONFIG_STR + 16], results[CONFIG_STR + 16];
	struct event *tick;
};

static void remote_read(struct remote *);


static void
remote_deadletter(struct remote *r, const char *entry, const char *reason)
{
	struct daemon *d = r->d;
	struct deadletter_buf b;
	const char *argv[DEADLETTER_HEAD];
	int n;

	/* a result may be megabytes: its reason only */
	n = deadletter_head(&d->cfg, d->region->utc_offset, entry, r->results,
	    reason, &b, argv);
	(void)rconn_cmd(d->cmd, NULL, NULL, 0, n, argv, NULL);
}

static struct rjob *
remote_find(struct remote *r, const char *id, struct rjob ***prevp)
{
	struct rjob **pp;

	for (pp = &r->head; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->id, id) == 0) {
			*prevp = pp;
			return *pp;
		}
	return NULL;
}

/* Takes j out of the table (its link at *pp) and frees it, handing its
 * job back: to its done callback, or to the local threads. */
static void
remote_finish(struct remote *r, struct rjob **pp, int local)
{
	struct rjob *j = *pp;
	struct plan_job *pj = j->pj;

	*pp = j->next;
	r->n--;
	free(j->json);
	free(j);
	if (local) {
		r->d->metrics.remote_local++;
		workers_submit(r->d->workers, &pj->job);
		return;
	}
	pj->job.done(&pj->job, pj->job.arg);
}

static void
remote_send(struct remote *r, struct rjob *j)
{
	struct daemon *d = r->d;
	const char *argv[7] = { "XADD", r->jobs, "*", "id", j->id, "job",
	    j->json };
	size_t lens[7];

	for (int i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	lens[6] = j->len;
	if (r->last[0] == '\0' || !rconn_up(d->cmd) ||
	    rconn_cmd(d->cmd, NULL, NULL, 0, 7, argv, lens) != 0)
		return;   /* the tick sends it */
	if (j->sends++ > 0) {
		r->d->metrics.remote_resent++;
		log_warnx("remote: job %s (office %s): no result after %d s: "
		    "sent again", j->id,
		    d->region->offices[j->pj->in.offices[0]].id,
		    d->cfg.cluster_job_timeout_s);
	} else {
		r->d->metrics.remote_sent++;
	}
	j->sent = mono_s();
}

void
remote_submit(struct daemon *d, struct plan_job *pj)
{
	struct remote *r = d->remote;
	struct rjob *j;
	char *json = pr_plan_input_to_json(&pj->in, d->region_id);
	size_t len;

	if (json == NULL)
		fatalx("remote: out of memory");
	len = strlen(json);
	if (len > (size_t)d->cfg.cluster_job_max_bytes) {
		log_warnx("remote: the job of office %s is %zu bytes, more "
		    "than [cluster] job_max_bytes (%d): planned here",
		    d->region->offices[pj->in.offices[0]].id, len,
		    d->cfg.cluster_job_max_bytes);
		free(json);
		r->d->metrics.remote_local++;
		workers_submit(d->workers, &pj->job);
		return;
	}
	j = ecalloc(1, sizeof(*j));
	j->pj = pj;
	j->json = json;
	j->len = len;
	snprintf(j->id, sizeof(j->id), "%s:%lu", r->nonce, ++r->seq);
	j->next = r->head;
	r->head = j;
	r->n++;
	remote_send(r, j);
}

/* One entry of <prefix>results. */
static void
remote_result(struct remote *r, const char *entry, const redisReply *f)
{
	struct daemon *d = r->d;
	const redisReply *id = rconn_reply_field(f, "id");
	const redisReply *res = rconn_reply_field(f, "result");
	const redisReply *refused = rconn_reply_field(f, "refused");
	const redisReply *worker = rconn_reply_field(f, "worker");
	const char *wname = worker != NULL ? worker->str : "?";
	struct rjob *j, **pp = NULL;
	struct plan_job *pj;
	struct pr_plan_result *out = NULL;
	struct pr_error err = { 0, "" }, rerr = { 0, "" };
	char why[256];
	int rc = 0;

	if (id == NULL || (res == NULL && refused == NULL)) {
		r->d->metrics.remote_bad++;
		snprintf(why, sizeof(why), "result entry %s: no id, or "
		    "neither result nor refused", entry);
		log_warnx("remote: %s: refused", why);
		remote_deadletter(r, entry, why);
		return;
	}
	if ((j = remote_find(r, id->str, &pp)) == NULL) {
		r->d->metrics.remote_stale++;   /* answered already, or another planner's */
		log_debug("remote: result %s for job %s from %s: stale "
		    "(answered already, or not this planner's)", entry,
		    id->str, wname);
		return;
	}
	pj = j->pj;
	if (refused != NULL) {
		log_warnx("remote: worker %s refused job %s (office %s): %s; "
		    "planned here", wname, j->id,
		    d->region->offices[pj->in.offices[0]].id, refused->str);
		remote_finish(r, pp, 1);
		return;
	}
	if (res->len > (size_t)d->cfg.cluster_job_max_bytes) {
		r->d->metrics.remote_bad++;
		snprintf(why, sizeof(why), "result %s for job %s from %s: %zu "
		    "bytes, more than [cluster] job_max_bytes (%d)", entry,
		    j->id, wname, res->len, d->cfg.cluster_job_max_bytes);
		log_warnx("remote: %s: refused", why);
		remote_deadletter(r, entry, why);
		return;
	}
	if (pr_plan_result_from_json(&pj->in, res->str, res->len, &rc, &rerr,
	    &out, &err) != 0) {
		r->d->metrics.remote_bad++;
		snprintf(why, sizeof(why), "result %s for job %s from %s: %s",
		    entry, j->id, wname, err.msg);
		log_warnx("remote: %s: refused", why);
		remote_deadletter(r, entry, why);
		return;
	}
	r->d->metrics.remote_answered++;
	log_debug("remote: job %s (office %s) planned by %s", j->id,
	    d->region->offices[pj->in.offices[0]].id, wname);
	pj->rc = rc;
	pj->err = rerr;
	pj->res = out;
	remote_finish(r, pp, 0);
}

static void
remote_read_cb(struct rconn *rc, redisReply *rep, void *arg)
{
	struct remote *r = arg;
	const redisReply *entries;

	(void)rc;
	r->reading = 0;
	if (rep == NULL)
		return;   /* the connection went: read again when it is up */
	if (rep->type == REDIS_REPLY_ERROR) {
		log_warnx("remote: reading %s: %s", r->results, rep->str);
		return;   /* the tick reads again */
	}
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
	    rep->element[0]->type == REDIS_REPLY_ARRAY &&
	    rep->element[0]->elements == 2 &&
	    (entries = rep->element[0]->element[1])->type ==
	    REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < entries->elements; i++) {
			const redisReply *e = entries->element[i];

			if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
			    e->element[0]->type != REDIS_REPLY_STRING)
				continue;
			scopy(r->last, e->element[0]->str, sizeof(r->last));
			if (e->element[1]->type == REDIS_REPLY_ARRAY)
				remote_result(r, e->element[0]->str,
				    e->element[1]);
		}
	}
	remote_read(r);
}

/* The newest entry of the results stream: where reading starts. */
static void
remote_last_cb(struct rconn *rc, redisReply *rep, void *arg)
{
	struct remote *r = arg;

	(void)rc;
	r->reading = 0;
	if (rep == NULL)
		return;
	if (rep->type == REDIS_REPLY_ERROR) {
		log_warnx("remote: XREVRANGE %s: %s", r->results, rep->str);
		return;
	}
	scopy(r->last, "0-0", sizeof(r->last));
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
	    rep->element[0]->type == REDIS_REPLY_ARRAY &&
	    rep->element[0]->elements > 0 &&
	    rep->element[0]->element[0]->type == REDIS_REPLY_STRING)
		scopy(r->last, rep->element[0]->element[0]->str,
		    sizeof(r->last));
	log_info("remote: plan jobs to %s, results from %s (after %s)",
	    r->jobs, r->results, r->last);
	for (struct rjob *j = r->head; j != NULL; j = j->next)
		if (j->sent == 0)
			remote_send(r, j);
	remote_read(r);
}

static void
remote_read(struct remote *r)
{
	struct daemon *d = r->d;
	char block[16];

	/* on while stopping too: the jobs out are answered and published
	 * within [solver] stop_grace, as local ones */
	if (r->reading || !rconn_up(r->rc))
		return;
	if (r->last[0] == '\0') {
		const char *argv[5] = { "XREVRANGE", r->results, "+", "-",
		    "COUNT" };
		const char *argv6[6] = { argv[0], argv[1], argv[2], argv[3],
		    argv[4], "1" };

		if (rconn_cmd(r->rc, remote_last_cb, r, 0, 6, argv6,
		    NULL) == 0)
			r->reading = 1;
		return;
	}
	{
		const char *argv[8] = { "XREAD", "COUNT", "64", "BLOCK", block,
		    "STREAMS", r->results, r->last };

		snprintf(block, sizeof(block), "%d", d->cfg.streams_block_ms);
		if (rconn_cmd(r->rc, remote_read_cb, r,
		    d->cfg.streams_block_ms, 8, argv, NULL) == 0)
			r->reading = 1;
	}
}

static void
remote_conn_state(struct rconn *rc, int up, void *arg)
{
	struct remote *r = arg;

	(void)rc;
	r->reading = 0;
	if (up)
		remote_read(r);
}

/* Every second (and at once after remote_cancel_all): jobs cancelled
 * go back, jobs not sent or unanswered too long are sent (again). */
static void
remote_tick(evutil_socket_t fd, short what, void *arg)
{
	struct remote *r = arg;
	struct daemon *d = r->d;
	double now = mono_s();
	struct rjob **pp = &r->head;

	(void)fd;
	(void)what;
	while (*pp != NULL) {
		struct rjob *j = *pp;

		if (j->canceled) {
			j->pj->rc = PR_ECANCELED;
			remote_finish(r, pp, 0);
			continue;
		}
		if (j->sent == 0 ||
		    now - j->sent >= d->cfg.cluster_job_timeout_s)
			remote_send(r, j);
		pp = &j->next;
	}
	remote_read(r);
}

struct remote *
remote_new(struct daemon *d)
{
	struct remote *r = ecalloc(1, sizeof(*r));
	struct timeval tv = { 1, 0 };

	r->d = d;
	daemon_key(d, r->jobs, sizeof(r->jobs), "jobs");
	daemon_key(d, r->results, sizeof(r->results), "results");
	snprintf(r->nonce, sizeof(r->nonce), "%.48s:%lld", d->consumer,
	    (long long)wall_s());
	if (d->sentinel != NULL)
		r->rc = sentinel_connect(d->sentinel, "results",
		    remote_conn_state, r);
	else
		r->rc = rconn_new(d->base, "results", &d->cfg,
		    remote_conn_state, r);
	r->tick = event_new(d->base, -1, EV_PERSIST, remote_tick, r);
	event_add(r->tick, &tv);
	return r;
}

void
remote_free(struct remote *r)
{
	struct rjob *j, *next;

	if (r == NULL)
		return;
	rconn_free(r->rc);
	for (j = r->head; j != NULL; j = next) {
		next = j->next;
		job_free(&j->pj->job);
		free(j->json);
		free(j);
	}
	event_free(r->tick);
	free(r);
}

void
remote_cancel_all(struct remote *r)
{
	if (r == NULL)
		return;
	for (struct rjob *j = r->head; j != NULL; j = j->next) {
		j->canceled = 1;
		job_cancel(&j->pj->job);
	}
	if (r->head != NULL)
		event_active(r->tick, EV_TIMEOUT, 0);
}

int
remote_running(const struct remote *r)
{
	return r != NULL ? r->n : 0;
}
