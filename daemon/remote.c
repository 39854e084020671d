/* remote.c: plan jobs run by solve workers elsewhere: the job to <prefix>jobs, its plans back from <prefix>results, the first answer per job taken, a job with none sent again. */
#include <stdint.h>
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
 *
 * A poison job (one that kills every worker that takes it: a crash in
 * the solver) is given up, never planned here (it would crash the
 * planner too): the worker that finds it delivered more than [cluster]
 * job_max_deliveries times dead-letters it and answers
 *
 *   id <job id> worker <consumer> dead <why>
 *
 * and the planner gives a job up itself when it sent it that many times
 * without an answer. Either way the job is counted
 * (postroute_remote_jobs_dead_total), logged once with its offices, and
 * handed back cancelled: the planner publishes nothing and keeps the
 * offices' last plans. The job's orders (their ids, versions and
 * offices: a fingerprint) are remembered per office, and a job with the
 * same orders for the same offices is not sent again (handed back
 * cancelled at once); the first job whose orders differ goes out, so a
 * new or changed order may un-poison it. Its entries left in the jobs
 * stream (sendings before the last) are deleted.
 */


struct rjob {
	struct plan_job *pj;
	char id[100];
	char *json;               /* what was sent (and is sent again) */
	size_t len;
	double sent;              /* mono_s of the last sending; 0: none */
	int sends;
	int canceled;
	int blocked;              /* the same orders as a dead job: not sent */
	uint64_t fp;              /* its orders' fingerprint */
	char (*entries)[48];      /* its entries in <prefix>jobs (XADD's) */
	int n_entries;
	struct rjob *next;
};

/* An XADD out: its reply names the job's entry. Unlinked (r = NULL)
 * when the remote is freed before the reply. */
struct rsent {
	struct remote *r;
	char id[100];
	struct rsent *next, **prevp;
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
	uint64_t *dead_fp;        /* per office: the fingerprint of the
	                           * last dead job it was in (0: none) */
	struct rsent *sent;       /* XADDs awaiting their reply */
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
	free(j->entries);
	free(j);
	if (local) {
		r->d->metrics.remote_local++;
		workers_submit(r->d->workers, &pj->job);
		return;
	}
	pj->job.done(&pj->job, pj->job.arg);
}

/* The entry of a sending: kept with its job, to delete it if the job
 * dies. */
static void
remote_sent_cb(struct rconn *rc, redisReply *rep, void *arg)
{
	struct rsent *s = arg;
	struct remote *r = s->r;
	struct rjob *j, **pp;

	(void)rc;
	if (r != NULL) {
		if (s->next != NULL)
			s->next->prevp = s->prevp;
		*s->prevp = s->next;
		if (rep != NULL && rep->type == REDIS_REPLY_STRING &&
		    rep->len < sizeof(j->entries[0]) &&
		    (j = remote_find(r, s->id, &pp)) != NULL) {
			j->entries = erealloc(j->entries,
			    ((size_t)j->n_entries + 1) * sizeof(j->entries[0]));
			scopy(j->entries[j->n_entries++], rep->str,
			    sizeof(j->entries[0]));
		}
	}
	free(s);
}

static void
remote_send(struct remote *r, struct rjob *j)
{
	struct daemon *d = r->d;
	const char *argv[7] = { "XADD", r->jobs, "*", "id", j->id, "job",
	    j->json };
	size_t lens[7];
	struct rsent *s;

	for (int i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	lens[6] = j->len;
	if (r->last[0] == '\0' || !rconn_up(d->cmd))
		return;   /* the tick sends it */
	s = ecalloc(1, sizeof(*s));
	s->r = r;
	scopy(s->id, j->id, sizeof(s->id));
	if (rconn_cmd(d->cmd, remote_sent_cb, s, 0, 7, argv, lens) != 0) {
		free(s);
		return;
	}
	if ((s->next = r->sent) != NULL)
		r->sent->prevp = &s->next;
	s->prevp = &r->sent;
	r->sent = s;
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

/* FNV-1a over a job's offices and its orders (id, version, office):
 * what says "the same orders" for a dead job. Never 0. */
static uint64_t
remote_fp(const struct pr_plan_input *in)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[64];

#define FP_BYTES(p, n) do {						\
	const unsigned char *b_ = (const unsigned char *)(p);		\
	for (size_t i_ = 0; i_ < (n); i_++) {				\
		h ^= b_[i_];						\
		h *= 0x100000001b3ULL;					\
	}								\
} while (0)
	for (int m = 0; m < in->n_offices; m++) {
		snprintf(buf, sizeof(buf), "o%d;", in->offices[m]);
		FP_BYTES(buf, strlen(buf));
	}
	for (int i = 0; i < in->n_orders; i++) {
		FP_BYTES(in->orders[i].id, strlen(in->orders[i].id) + 1);
		snprintf(buf, sizeof(buf), "%lld@%d;",
		    (long long)in->orders[i].version, in->office[i]);
		FP_BYTES(buf, strlen(buf));
	}
#undef FP_BYTES
	return h != 0 ? h : 1;
}

/* "C05971, C05974" of a job, in a new string. */
static char *
remote_offices(const struct daemon *d, const struct pr_plan_input *in)
{
	size_t size = (size_t)in->n_offices * (PR_MAX_ID + 2) + 1, len = 0;
	char *buf = emalloc(size);

	buf[0] = '\0';
	for (int m = 0; m < in->n_offices; m++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    m > 0 ? ", " : "", d->region->offices[in->offices[m]].id);
	return buf;
}

/*
 * Gives the job of *pp up (a poison job): counted, logged once with its
 * offices and why, its orders remembered for its offices, its entries
 * left in the jobs stream deleted, and handed back cancelled (the
 * planner keeps the offices' last plans). by: the worker that said so,
 * or NULL (the planner's own count of sendings).
 */
static void
remote_dead(struct remote *r, struct rjob **pp, const char *by,
    const char *why)
{
	struct daemon *d = r->d;
	struct rjob *j = *pp;
	struct plan_job *pj = j->pj;
	char *offices = remote_offices(d, &pj->in), who[CONFIG_STR + 32];

	d->metrics.remote_dead++;
	if (by != NULL)
		snprintf(who, sizeof(who), "dead-lettered by worker %s", by);
	else
		scopy(who, "dead-lettered here", sizeof(who));
	log_warnx("remote: job %s of offices %s (%d orders) given up, not "
	    "planned, %s: %s; the offices keep their last plans and are "
	    "planned again when their orders change", j->id, offices,
	    pj->in.n_orders, who, why);
	for (int m = 0; m < pj->in.n_offices; m++)
		r->dead_fp[pj->in.offices[m]] = j->fp;
	for (int e = 0; e < j->n_entries; e++) {
		const char *argv[3] = { "XDEL", r->jobs, j->entries[e] };

		(void)rconn_cmd(d->cmd, NULL, NULL, 0, 3, argv, NULL);
	}
	free(offices);
	pj->rc = PR_ECANCELED;
	scopy(pj->err.msg, "not planned: a poison job (job_max_deliveries)",
	    sizeof(pj->err.msg));
	remote_finish(r, pp, 0);
}

/* The planner's own limit: sent job_max_deliveries times, never
 * answered. Dead-lettered here (no worker did). */
static void
remote_give_up(struct remote *r, struct rjob **pp)
{
	struct daemon *d = r->d;
	struct rjob *j = *pp;
	char *offices = remote_offices(d, &j->pj->in);
	char why[400], sends[16];
	const char *argv[DEADLETTER_HEAD + 8];
	size_t lens[DEADLETTER_HEAD + 8];
	struct deadletter_buf b;
	int n;

	snprintf(why, sizeof(why), "job %s (offices %.120s%s; %d orders): "
	    "sent %d times, no answer within [cluster] job_timeout_s (%d s) "
	    "of any, job_max_deliveries is %d: not planned", j->id, offices,
	    strlen(offices) > 120 ? "..." : "", j->pj->in.n_orders, j->sends,
	    d->cfg.cluster_job_timeout_s, d->cfg.cluster_job_max_deliveries);
	snprintf(sends, sizeof(sends), "%d", j->sends);
	n = deadletter_head(&d->cfg, d->region->utc_offset,
	    j->n_entries > 0 ? j->entries[j->n_entries - 1] : j->id, r->jobs,
	    why, &b, argv);
	argv[n++] = "job_id";
	argv[n++] = j->id;
	argv[n++] = "offices";
	argv[n++] = offices;
	argv[n++] = "sends";
	argv[n++] = sends;
	for (int i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	argv[n] = "job";
	lens[n++] = 3;
	argv[n] = j->json;
	lens[n++] = j->len;
	(void)rconn_cmd(d->cmd, NULL, NULL, 0, n, argv, lens);
	free(offices);
	remote_dead(r, pp, NULL, why);
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
	j->fp = remote_fp(&pj->in);
	snprintf(j->id, sizeof(j->id), "%s:%lu", r->nonce, ++r->seq);
	j->next = r->head;
	r->head = j;
	r->n++;
	for (int m = 0; m < pj->in.n_offices; m++)
		if (r->dead_fp[pj->in.offices[m]] != j->fp)
			break;
		else if (m == pj->in.n_offices - 1)
			j->blocked = 1;
	if (j->blocked) {
		/* handed back by the tick: not from inside the planner's
		 * submission */
		log_info("remote: office %s%s: not sent: the same orders as "
		    "a job given up (job_max_deliveries); planned again when "
		    "they change", d->region->offices[pj->in.offices[0]].id,
		    pj->in.n_offices > 1 ? " and its group" : "");
		event_active(r->tick, EV_TIMEOUT, 0);
		return;
	}
	for (int m = 0; m < pj->in.n_offices; m++)
		r->dead_fp[pj->in.offices[m]] = 0;   /* new input */
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
	const redisReply *dead = rconn_reply_field(f, "dead");
	const redisReply *worker = rconn_reply_field(f, "worker");
	const char *wname = worker != NULL ? worker->str : "?";
	struct rjob *j, **pp = NULL;
	struct plan_job *pj;
	struct pr_plan_result *out = NULL;
	struct pr_error err = { 0, "" }, rerr = { 0, "" };
	char why[256];
	int rc = 0;

	if (id == NULL || (res == NULL && refused == NULL && dead == NULL)) {
		r->d->metrics.remote_bad++;
		snprintf(why, sizeof(why), "result entry %s: no id, or "
		    "none of result, refused, dead", entry);
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
	if (dead != NULL) {
		remote_dead(r, pp, wname, dead->str);
		return;
	}
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
		if (j->sent == 0 && !j->blocked)
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

		if (j->canceled || j->blocked) {
			j->pj->rc = PR_ECANCELED;
			remote_finish(r, pp, 0);
			continue;
		}
		if (j->sent > 0 &&
		    now - j->sent >= d->cfg.cluster_job_timeout_s &&
		    j->sends >= d->cfg.cluster_job_max_deliveries) {
			remote_give_up(r, pp);
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
	r->dead_fp = ecalloc((size_t)d->region->n_offices,
	    sizeof(r->dead_fp[0]));
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
		free(j->entries);
		free(j);
	}
	for (struct rsent *s = r->sent; s != NULL; s = s->next)
		s->r = NULL;   /* freed by its callback, which d->cmd calls */
	event_free(r->tick);
	free(r->dead_fp);
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
