/* worker.c: postrouted --worker ([cluster] role = worker): a solve worker that plans the jobs of <prefix>jobs and writes their plans to <prefix>results. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <systemd/sd-daemon.h>

#include "postroute/plan_wire.h"
#include "postroute/region.h"
#include "postroute/time.h"

#include "config.h"
#include "deadletter.h"
#include "daemon.h"
#include "jobs.h"
#include "log.h"
#include "rconn.h"
#include "sentinel.h"
#include "util.h"
#include "worker.h"
#include "workers.h"

/*
 * A worker is a consumer of the group "workers" on <prefix>jobs (remote.c
 * writes the jobs). It holds the same region file as the planner (a job
 * names the file's identity; a job for another region is refused, and
 * the planner plans it itself), and runs each job as the daemon's own
 * threads do: a struct plan_job (jobs.c), pr_plan_run, on the same pool
 * of threads (workers.c, [solver] workers of them: as many jobs at
 * once). Two connections, as the daemon's: "read" for XREADGROUP ...
 * BLOCK and XAUTOCLAIM, "command" for the rest.
 *
 *   fetch    XAUTOCLAIM jobs workers <me> job_claim_ms <cursor> COUNT 1:
 *            a job another worker took and left untouched for
 *            job_claim_ms (it died) is this one's now; else
 *            XREADGROUP GROUP workers <me> COUNT 1 BLOCK ... STREAMS jobs >
 *   run      while it plans, every third of job_claim_ms, it touches
 *            the job (XCLAIM ... JUSTID resets its idle time) if it is
 *            still this worker's (XPENDING): a job another worker took
 *            meanwhile is cancelled here
 *   answer   MULTI; XADD results * id <job id> worker <me> result <JSON>;
 *            XACK; XDEL; EXEC: the answer and the end of the job at once.
 *            Should the worker die before, the job stays pending and
 *            another worker claims it; should two answer, the planner
 *            takes the first (remote.c)
 *   refuse   a job entry that does not read (no id, not JSON, too large,
 *            another region, a bad field): logged with the reason,
 *            dead-lettered, answered "refused <why>" when it has an id,
 *            acknowledged and deleted
 *   dead     a claimed job (its worker died) is first looked up with
 *            XPENDING: delivered more than [cluster] job_max_deliveries
 *            times (XAUTOCLAIM counts each claim), every worker before
 *            this one died on it (a job that crashes the solver, a
 *            "poison" job): it is not planned. Logged, dead-lettered
 *            with the job, answered "dead <why>" (the planner keeps the
 *            offices' last plans, remote.c), acknowledged and deleted,
 *            in one MULTI/EXEC. A job read new (XREADGROUP >) is at its
 *            first delivery, under any limit
 *   watchdog with WatchdogSec (WATCHDOG_USEC), WATCHDOG=1 from the loop
 *            at half of it: solves run on the pool's threads, so only a
 *            wedged loop stops it
 *
 * POSTROUTE_TEST_CRASH_ORDER (tests only: see worker_test_crash) kills
 * the worker on a job that holds the order it names.
 */

#define WORKER_GROUP "workers"
#define WORKER_RESULTS_MAXLEN "100000"

struct worker;

struct wjob {
	struct worker *w;
	char entry[48];           /* the stream entry */
	char id[128];             /* the planner's job id */
	struct plan_job *pj;
	struct event *touch;
	int lost;                 /* another worker took it */
	int checking;             /* claimed: its deliveries asked, not
	                           * submitted yet */
	double started;
	struct wjob *next;
};

struct worker {
	struct event_base *base;
	struct config cfg;
	struct pr_region *region;
	char region_id[PR_WIRE_MAX_REGION_ID];
	char consumer[CONFIG_STR];
	char jobs[CONFIG_STR + 16], results[CONFIG_STR + 16];
	struct sentinel *sentinel;
	struct rconn *rd, *cmd;
	struct workers *pool;
	int slots;
	struct wjob *running;
	int n_running;
	int group_ok, creating, fetching, ready, stopping, cancelled;
	double stop_started;
	char cursor[64];          /* XAUTOCLAIM's */
	struct event *retry, *stop_timer, *sigterm, *sigint, *watchdog;
	const char *crash_order;  /* POSTROUTE_TEST_CRASH_ORDER */
	unsigned long done, refused, claimed, lost, dead;
};

static void worker_fetch(struct worker *);

static void
worker_retry_later(struct worker *w)
{
	struct timeval tv = { 1, 0 };

	evtimer_add(w->retry, &tv);
}

static void
worker_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	worker_fetch(arg);
}


static void
worker_exec_cb(struct rconn *rc, redisReply *r, void *arg)
{
	char *what = arg;

	(void)rc;
	if (r == NULL)
		log_warnx("worker: %s: not written (connection lost); the "
		    "job stays pending for a worker to claim", what);
	else if (r->type == REDIS_REPLY_ERROR)
		log_warnx("worker: %s: %s", what, r->str);
	else if (r->type == REDIS_REPLY_NIL)
		log_warnx("worker: %s: transaction aborted", what);
	free(what);
}

/*
 * MULTI; [the dead letter dl]; [XADD results ... field value]; XACK;
 * XDEL; EXEC: the answer, the dead letter and the end of the job at once
 * (dl_argc 0: no dead letter; dl_lens NULL: C strings).
 */
static void
worker_answer(struct worker *w, const char *entry, const char *id,
    const char *field, const char *value, size_t vlen, int dl_argc,
    const char **dl_argv, const size_t *dl_lens, const char *what)
{
	const char *multi[1] = { "MULTI" }, *exec[1] = { "EXEC" };
	const char *xadd[11] = { "XADD", w->results, "MAXLEN", "~",
	    WORKER_RESULTS_MAXLEN, "*", "id", id, "worker", w->consumer,
	    field };
	const char *argv[12];
	size_t lens[12];
	const char *ack[4] = { "XACK", w->jobs, WORKER_GROUP, entry };
	const char *del[3] = { "XDEL", w->jobs, entry };

	if (rconn_cmd(w->cmd, NULL, NULL, 0, 1, multi, NULL) != 0) {
		log_warnx("worker: %s: Redis is down; the job stays pending "
		    "for a worker to claim", what);
		return;
	}
	if (dl_argc > 0)
		(void)rconn_cmd(w->cmd, NULL, NULL, 0, dl_argc, dl_argv,
		    dl_lens);
	if (id != NULL) {
		for (int i = 0; i < 11; i++) {
			argv[i] = xadd[i];
			lens[i] = strlen(xadd[i]);
		}
		argv[11] = value;
		lens[11] = vlen;
		(void)rconn_cmd(w->cmd, NULL, NULL, 0, 12, argv, lens);
	}
	(void)rconn_cmd(w->cmd, NULL, NULL, 0, 4, ack, NULL);
	(void)rconn_cmd(w->cmd, NULL, NULL, 0, 3, del, NULL);
	(void)rconn_cmd(w->cmd, worker_exec_cb, estrdup(what), 0, 1, exec,
	    NULL);
}

/* A job entry that does not read: refused by name. */
static void
worker_refuse(struct worker *w, const char *entry, const char *id,
    const char *why)
{
	char what[128];
	struct deadletter_buf b;
	const char *argv[DEADLETTER_HEAD];
	int n;

	w->refused++;
	log_warnx("worker: job entry %s%s%s%s refused: %s", entry,
	    id != NULL ? " (job " : "", id != NULL ? id : "",
	    id != NULL ? ")" : "", why);
	if (id != NULL)
		log_warnx("worker: (job %s: its planner plans it itself)", id);
	n = deadletter_head(&w->cfg, w->region->utc_offset, entry, w->jobs,
	    why, &b, argv);
	snprintf(what, sizeof(what), "refusing job entry %s", entry);
	worker_answer(w, entry, id, "refused", why, strlen(why), n, argv,
	    NULL, what);
}

/*
 * A touch: XPENDING says whether the job is still this worker's; if it
 * is, XCLAIM ... JUSTID (min-idle 0) resets its idle time. Two round
 * trips, not a script (nothing a worker sends needs EVAL): another worker can
 * claim the job in between only if it was already idle for job_claim_ms
 * (this worker was late touching it); both then plan it and the planner
 * takes the first answer. The replies may come after the job ended: the
 * job is looked up by its entry.
 */
struct wtouch {
	struct worker *w;
	char entry[48];
};

static struct wjob *
worker_running(struct worker *w, const char *entry)
{
	struct wjob *j;

	for (j = w->running; j != NULL; j = j->next)
		if (strcmp(j->entry, entry) == 0)
			break;
	return j;
}

static void
worker_touch_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct wtouch *t = arg;
	struct worker *w = t->w;
	struct wjob *j = worker_running(w, t->entry);
	const char *argv[6] = { "XCLAIM", w->jobs, WORKER_GROUP, w->consumer,
	    "0", t->entry };
	const char *av[7];

	(void)rc;
	if (j == NULL || r == NULL || j->lost) {
		free(t);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("worker: touching job %s: %s", j->id, r->str);
		free(t);
		return;
	}
	/* [[entry, consumer, idle, deliveries]] */
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements >= 2 &&
	    r->element[0]->element[1]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->element[1]->str, w->consumer) == 0) {
		memcpy(av, argv, sizeof(argv));
		av[6] = "JUSTID";
		(void)rconn_cmd(w->cmd, NULL, NULL, 0, 7, av, NULL);
		free(t);
		return;
	}
	j->lost = 1;
	w->lost++;
	log_warnx("worker: job %s (entry %s) was claimed by another worker: "
	    "cancelled here", j->id, j->entry);
	job_cancel(&j->pj->job);
	free(t);
}

/* Every third of job_claim_ms while the job runs. */
static void
worker_touch(evutil_socket_t fd, short what, void *arg)
{
	struct wjob *j = arg;
	struct worker *w = j->w;
	const char *argv[6] = { "XPENDING", w->jobs, WORKER_GROUP, j->entry,
	    j->entry, "1" };
	struct wtouch *t = emalloc(sizeof(*t));

	(void)fd;
	(void)what;
	t->w = w;
	scopy(t->entry, j->entry, sizeof(t->entry));
	if (rconn_cmd(w->cmd, worker_touch_cb, t, 0, 6, argv, NULL) != 0)
		free(t);
}

/* Takes j out of the running jobs. */
static void
worker_unlink(struct worker *w, struct wjob *j)
{
	struct wjob **pp;

	for (pp = &w->running; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	w->n_running--;
	if (j->touch != NULL)
		event_free(j->touch);
	j->touch = NULL;
}

/* A job not submitted (still checking): freed, not answered (it stays
 * pending, or was answered meanwhile); the next one fetched. */
static void
worker_drop(struct worker *w, struct wjob *j)
{
	worker_unlink(w, j);
	job_free(&j->pj->job);
	free(j);
	worker_fetch(w);
}

static void
worker_job_done(struct job *job, void *arg)
{
	struct wjob *j = arg;
	struct worker *w = j->w;
	struct plan_job *pj = plan_job_of(job);
	char *json, what[200];
	size_t len;

	worker_unlink(w, j);
	if (j->lost || (w->stopping && job_canceled(job))) {
		log_info("worker: job %s (entry %s) %s: not answered", j->id,
		    j->entry, j->lost ? "taken by another worker" :
		    "cancelled by the stop");
		goto out;
	}
	json = pr_plan_result_to_json(pj->rc, &pj->err, pj->res);
	if (json == NULL)
		fatalx("worker: out of memory");
	len = strlen(json);
	if (len > (size_t)w->cfg.cluster_job_max_bytes) {
		struct pr_error e = { PR_EINVAL, "" };

		snprintf(e.msg, sizeof(e.msg), "the plans are %zu bytes, more "
		    "than [cluster] job_max_bytes (%d)", len,
		    w->cfg.cluster_job_max_bytes);
		log_warnx("worker: job %s: %s", j->id, e.msg);
		free(json);
		json = pr_plan_result_to_json(PR_EINVAL, &e, NULL);
		len = strlen(json);
	}
	w->done++;
	log_info("worker: job %s (entry %s, office %s, %d orders) planned "
	    "in %.2f s%s", j->id, j->entry,
	    w->region->offices[pj->in.offices[0]].id, pj->in.n_orders,
	    mono_s() - j->started, pj->rc != 0 ? " (failed)" : "");
	snprintf(what, sizeof(what), "answering job %s", j->id);
	worker_answer(w, j->entry, j->id, "result", json, len, 0, NULL, NULL,
	    what);
	free(json);
out:
	job_free(job);
	free(j);
	worker_fetch(w);
}

/*
 * Tests only: POSTROUTE_TEST_CRASH_ORDER=<order id> in the environment
 * makes the worker kill itself with SIGKILL (as the kernel's OOM killer
 * would) when it is about to plan a job that holds that order: the
 * integration tests' poison job (tests/integration/cluster-poison.sh);
 * no real input is known to crash the solver. It cannot be on by
 * accident under systemd: the name is not a configuration key, so
 * `postrouted -t` (the units' ExecStartPre) refuses it, and the worker
 * says so at start.
 */
static void
worker_test_crash(const struct worker *w, const struct wjob *j)
{
	const struct pr_plan_input *in = &j->pj->in;

	if (w->crash_order == NULL)
		return;
	for (int i = 0; i < in->n_orders; i++)
		if (strcmp(in->orders[i].id, w->crash_order) == 0) {
			log_warnx("worker: job %s holds order %s: killed by "
			    "POSTROUTE_TEST_CRASH_ORDER (a test hook)", j->id,
			    w->crash_order);
			raise(SIGKILL);
		}
}

/* j to the threads; touched every third of job_claim_ms from now on. */
static void
worker_submit(struct worker *w, struct wjob *j)
{
	struct timeval tv;
	int ms = w->cfg.cluster_job_claim_ms / 3;

	j->checking = 0;
	worker_test_crash(w, j);
	j->touch = event_new(w->base, -1, EV_PERSIST, worker_touch, j);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(j->touch, &tv);
	log_debug("worker: job %s (entry %s): %d offices, %d orders", j->id,
	    j->entry, j->pj->in.n_offices, j->pj->in.n_orders);
	workers_submit(w->pool, &j->pj->job);
}

/* "C05971, C05974" (at most size - 1 bytes: cut with "..."). */
static void
worker_offices(const struct worker *w, const struct pr_plan_input *in,
    char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int m = 0; m < in->n_offices; m++) {
		const char *id = w->region->offices[in->offices[m]].id;
		size_t need = strlen(id) + (m > 0 ? 2 : 0);

		if (len + need + 4 >= size) {
			snprintf(buf + len, size - len, "...");
			return;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    m > 0 ? ", " : "", id);
	}
}

/*
 * A poison job: delivered more than job_max_deliveries times. Not
 * planned: logged, dead-lettered with the job (its JSON as received, for
 * whoever looks into the crash), answered "dead <why>", acknowledged and
 * deleted in one MULTI/EXEC.
 */
static void
worker_dead(struct worker *w, struct wjob *j, long long deliveries)
{
	const struct pr_plan_input *in = &j->pj->in;
	size_t olen = (size_t)in->n_offices * (PR_MAX_ID + 2) + 1;
	char *offices = emalloc(olen), *json, *why;
	char shown[200], ndel[24], what[200];
	const char *argv[DEADLETTER_HEAD + 8];
	size_t lens[DEADLETTER_HEAD + 8];
	struct deadletter_buf b;
	int n;

	w->dead++;
	worker_offices(w, in, offices, olen);
	worker_offices(w, in, shown, sizeof(shown));
	why = emalloc(512);
	snprintf(why, 512, "job %s (offices %s; %d orders): delivered %lld "
	    "times, more than [cluster] job_max_deliveries (%d): each worker "
	    "that took it stopped before answering (a crash?); not planned",
	    j->id, shown, in->n_orders, deliveries,
	    w->cfg.cluster_job_max_deliveries);
	log_warnx("worker: %s; dead-lettered", why);
	if ((json = pr_plan_input_to_json(in, w->region_id)) == NULL)
		fatalx("worker: out of memory");
	snprintf(ndel, sizeof(ndel), "%lld", deliveries);
	n = deadletter_head(&w->cfg, w->region->utc_offset, j->entry, w->jobs,
	    why, &b, argv);
	argv[n++] = "job_id";
	argv[n++] = j->id;
	argv[n++] = "offices";
	argv[n++] = offices;
	argv[n++] = "deliveries";
	argv[n++] = ndel;
	argv[n++] = "job";
	argv[n++] = json;
	for (int i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	snprintf(what, sizeof(what), "dead-lettering job %s", j->id);
	worker_answer(w, j->entry, j->id, "dead", why, strlen(why), n, argv,
	    lens, what);
	free(json);
	free(why);
	free(offices);
	worker_drop(w, j);
}

/* XPENDING <jobs> workers <entry> <entry> 1 of a claimed job:
 * [[entry, consumer, idle, deliveries]]. */
static void
worker_deliveries_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct wtouch *t = arg;
	struct worker *w = t->w;
	struct wjob *j = worker_running(w, t->entry);
	const redisReply *p;

	(void)rc;
	free(t);
	if (j == NULL || !j->checking)
		return;
	if (w->stopping) {
		log_info("worker: job %s (entry %s): not started, stopping: it "
		    "stays pending for another worker", j->id, j->entry);
		worker_drop(w, j);
		return;
	}
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		log_warnx("worker: job %s (entry %s): its deliveries are not "
		    "known (%s): planned", j->id, j->entry, r == NULL ?
		    "connection lost" : r->type == REDIS_REPLY_ERROR ? r->str :
		    "unexpected reply");
		worker_submit(w, j);
		return;
	}
	if (r->elements == 0) {
		log_info("worker: job %s (entry %s) was answered meanwhile: not "
		    "planned again", j->id, j->entry);
		worker_drop(w, j);
		return;
	}
	p = r->element[0];
	if (p->type != REDIS_REPLY_ARRAY || p->elements < 4 ||
	    p->element[1]->type != REDIS_REPLY_STRING ||
	    p->element[3]->type != REDIS_REPLY_INTEGER) {
		log_warnx("worker: job %s (entry %s): XPENDING: unexpected "
		    "reply: planned", j->id, j->entry);
		worker_submit(w, j);
		return;
	}
	if (strcmp(p->element[1]->str, w->consumer) != 0) {
		w->lost++;
		log_warnx("worker: job %s (entry %s) was claimed by %s "
		    "meanwhile: left to it", j->id, j->entry,
		    p->element[1]->str);
		worker_drop(w, j);
		return;
	}
	if (p->element[3]->integer > w->cfg.cluster_job_max_deliveries) {
		worker_dead(w, j, p->element[3]->integer);
		return;
	}
	log_debug("worker: job %s (entry %s): delivery %lld of at most %d",
	    j->id, j->entry, p->element[3]->integer,
	    w->cfg.cluster_job_max_deliveries);
	worker_submit(w, j);
}

/* A job entry of the stream (fields NULL: deleted meanwhile); claimed:
 * taken from a worker that left it (XAUTOCLAIM). */
static void
worker_start(struct worker *w, const char *entry, const redisReply *fields,
    int claimed)
{
	const redisReply *id, *job;
	struct pr_plan_input *in = NULL;
	struct pr_error err = { 0, "" };
	struct wjob *j;
	char why[256];

	if (fields == NULL || fields->type != REDIS_REPLY_ARRAY) {
		worker_refuse(w, entry, NULL, "the entry has no fields "
		    "(deleted)");
		return;
	}
	id = rconn_reply_field(fields, "id");
	job = rconn_reply_field(fields, "job");
	if (id == NULL || job == NULL) {
		worker_refuse(w, entry, id != NULL ? id->str : NULL,
		    "an entry of the jobs stream needs the fields id and job");
		return;
	}
	if (id->len == 0 || id->len >= sizeof(j->id)) {
		worker_refuse(w, entry, NULL, "id: empty or too long");
		return;
	}
	if (job->len > (size_t)w->cfg.cluster_job_max_bytes) {
		snprintf(why, sizeof(why), "job: %zu bytes, more than "
		    "[cluster] job_max_bytes (%d)", job->len,
		    w->cfg.cluster_job_max_bytes);
		worker_refuse(w, entry, id->str, why);
		return;
	}
	if (pr_plan_input_from_json(w->region, w->region_id, job->str,
	    job->len, &in, &err) != 0) {
		worker_refuse(w, entry, id->str, err.msg);
		return;
	}
	j = ecalloc(1, sizeof(*j));
	j->w = w;
	scopy(j->entry, entry, sizeof(j->entry));
	scopy(j->id, id->str, sizeof(j->id));
	j->started = mono_s();
	j->pj = plan_job_new(worker_job_done, j);
	j->pj->in = *in;          /* the arrays are the job's now */
	free(in);
	j->next = w->running;
	w->running = j;
	w->n_running++;
	if (claimed) {
		const char *argv[6] = { "XPENDING", w->jobs, WORKER_GROUP,
		    j->entry, j->entry, "1" };
		struct wtouch *t = emalloc(sizeof(*t));

		t->w = w;
		scopy(t->entry, j->entry, sizeof(t->entry));
		j->checking = 1;
		if (rconn_cmd(w->cmd, worker_deliveries_cb, t, 0, 6, argv,
		    NULL) == 0)
			return;
		free(t);
		log_warnx("worker: job %s (entry %s): its deliveries are not "
		    "known (Redis is down): planned", j->id, j->entry);
	}
	worker_submit(w, j);
}

/* The entries of an XREADGROUP reply's stream, or XAUTOCLAIM's. */
static void
worker_entries(struct worker *w, const redisReply *entries, int claimed)
{
	for (size_t i = 0; i < entries->elements; i++) {
		const redisReply *e = entries->element[i];

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		if (claimed) {
			w->claimed++;
			log_info("worker: claimed job entry %s: its worker "
			    "left it untouched for %d ms", e->element[0]->str,
			    w->cfg.cluster_job_claim_ms);
		}
		worker_start(w, e->element[0]->str, e->elements > 1 ?
		    e->element[1] : NULL, claimed);
	}
}

static void worker_group(struct worker *);

static int
worker_nogroup(struct worker *w, const redisReply *r)
{
	if (strncmp(r->str, "NOGROUP", 7) != 0)
		return 0;
	w->group_ok = 0;   /* the stream was deleted, or a new primary */
	worker_group(w);
	return 1;
}

static void
worker_read_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct worker *w = arg;

	(void)rc;
	w->fetching = 0;
	if (r == NULL)
		return;   /* fetched again when the connection is up */
	if (r->type == REDIS_REPLY_ERROR) {
		if (!worker_nogroup(w, r)) {
			log_warnx("worker: XREADGROUP %s: %s", w->jobs, r->str);
			worker_retry_later(w);
		}
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2 &&
	    r->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
		worker_entries(w, r->element[0]->element[1], 0);
	worker_fetch(w);
}

static void
worker_claim_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct worker *w = arg;
	char block[16];
	const char *argv[10] = { "XREADGROUP", "GROUP", WORKER_GROUP,
	    w->consumer, "COUNT", "1", "BLOCK", block, "STREAMS", w->jobs };
	const char *av[11];

	(void)rc;
	w->fetching = 0;
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		if (!worker_nogroup(w, r)) {
			log_warnx("worker: XAUTOCLAIM %s: %s", w->jobs, r->str);
			worker_retry_later(w);
		}
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
	    r->element[0]->type == REDIS_REPLY_STRING) {
		scopy(w->cursor, r->element[0]->str, sizeof(w->cursor));
		if (r->element[1]->type == REDIS_REPLY_ARRAY &&
		    r->element[1]->elements > 0) {
			worker_entries(w, r->element[1], 1);
			worker_fetch(w);
			return;
		}
	}
	if (w->stopping || w->n_running >= w->slots)
		return;
	/* nothing to claim: a new job, waiting at most block_ms */
	snprintf(block, sizeof(block), "%d", w->cfg.streams_block_ms);
	memcpy(av, argv, sizeof(argv));
	av[10] = ">";
	if (rconn_cmd(w->rd, worker_read_cb, w, w->cfg.streams_block_ms, 11,
	    av, NULL) == 0)
		w->fetching = 1;
}

/* Takes a job when a thread is free: a claimed one first, else a new
 * one (the claim is asked again after every block_ms without a job). */
static void
worker_fetch(struct worker *w)
{
	char idle[16];
	const char *argv[8] = { "XAUTOCLAIM", w->jobs, WORKER_GROUP,
	    w->consumer, idle, w->cursor, "COUNT", "1" };

	if (w->stopping || w->fetching || !w->group_ok ||
	    w->n_running >= w->slots || !rconn_up(w->rd))
		return;
	snprintf(idle, sizeof(idle), "%d", w->cfg.cluster_job_claim_ms);
	if (rconn_cmd(w->rd, worker_claim_cb, w, 0, 8, argv, NULL) == 0)
		w->fetching = 1;
}

static void
worker_group_cb(struct rconn *rc, redisReply *r, void *arg)
{
	struct worker *w = arg;

	(void)rc;
	w->creating = 0;
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "BUSYGROUP", 9) != 0) {
		log_warnx("worker: XGROUP CREATE %s %s: %s", w->jobs,
		    WORKER_GROUP, r->str);
		return;
	}
	w->group_ok = 1;
	if (!w->ready) {
		w->ready = 1;
		log_info("ready: solve worker %s, jobs from %s (group %s), "
		    "results to %s, %d at once", w->consumer, w->jobs,
		    WORKER_GROUP, w->results, w->slots);
		sd_notify(0, "READY=1\nSTATUS=solving plan jobs");
	}
	worker_fetch(w);
}

/* The group, from the stream's first entry: jobs sent before any worker
 * ran are planned too. */
static void
worker_group(struct worker *w)
{
	const char *argv[6] = { "XGROUP", "CREATE", w->jobs, WORKER_GROUP, "0",
	    "MKSTREAM" };

	if (w->creating || !rconn_up(w->rd))
		return;
	if (rconn_cmd(w->rd, worker_group_cb, w, 0, 6, argv, NULL) == 0)
		w->creating = 1;
}

static void
worker_conn_state(struct rconn *rc, int up, void *arg)
{
	struct worker *w = arg;

	if (rc == w->rd) {
		w->fetching = 0;
		w->creating = 0;
		w->group_ok = 0;
		if (up)
			worker_group(w);
	}
}

static void
worker_stop_tick(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	double waited = mono_s() - w->stop_started;

	(void)fd;
	(void)what;
	if (w->n_running == 0 && rconn_outstanding(w->cmd) == 0) {
		event_base_loopbreak(w->base);
		return;
	}
	if (waited > w->cfg.solver_stop_grace && !w->cancelled) {
		log_info("stopping: cancelling %d jobs (they stay pending for "
		    "another worker)", w->n_running);
		workers_cancel_all(w->pool);
		w->cancelled = 1;
	}
	if (waited > w->cfg.solver_stop_grace + 5)
		event_base_loopbreak(w->base);
}

static void
worker_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval tv = { 0, 50 * 1000 };

	(void)what;
	if (w->stopping)
		return;
	log_info("%s: stopping: %d jobs running", sig == SIGTERM ?
	    "SIGTERM" : "SIGINT", w->n_running);
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	w->stopping = 1;
	w->stop_started = mono_s();
	w->stop_timer = event_new(w->base, -1, EV_PERSIST, worker_stop_tick,
	    w);
	event_add(w->stop_timer, &tv);
}

/* Half of WatchdogSec, from the loop (main.c does the same). */
static void
worker_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

int
worker_main(const char *path, int verbose)
{
	struct worker *w = ecalloc(1, sizeof(*w));
	char errs[8192], host[128];
	struct daemon kd;         /* for daemon_key only */
	uint64_t wd_usec = 0;
	int rc = 0;

	if (config_load(&w->cfg, path, errs, sizeof(errs)) != 0) {
		log_fail_lines(errs);
		free(w);
		return 1;
	}
	log_init(verbose > w->cfg.log_verbose ? verbose : w->cfg.log_verbose);
	if ((w->region = daemon_load_region(&w->cfg, w->region_id, errs,
	    sizeof(errs))) == NULL) {
		log_fail_lines(errs);
		free(w);
		return 1;
	}
	if (w->cfg.streams_consumer[0] != '\0') {
		scopy(w->consumer, w->cfg.streams_consumer,
		    sizeof(w->consumer));
	} else {
		if (gethostname(host, sizeof(host)) != 0)
			scopy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		snprintf(w->consumer, sizeof(w->consumer), "%s:%ld", host,
		    (long)getpid());
	}
	memset(&kd, 0, sizeof(kd));
	kd.cfg = w->cfg;
	daemon_key(&kd, w->jobs, sizeof(w->jobs), "jobs");
	daemon_key(&kd, w->results, sizeof(w->results), "results");
	scopy(w->cursor, "0-0", sizeof(w->cursor));
	w->slots = w->cfg.solver_workers;
	signal(SIGPIPE, SIG_IGN);
	if ((w->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	log_info("postrouted %s starting as a solve worker: region %s (%d "
	    "offices, %s), %d threads, consumer %s", PR_VERSION,
	    w->region->name, w->region->n_offices, w->region_id, w->slots,
	    w->consumer);
	w->pool = workers_new(w->base, w->slots, w->cfg.solver_nice);
	w->retry = evtimer_new(w->base, worker_retry_cb, w);
	if (w->cfg.redis_sentinels[0] != '\0') {
		w->sentinel = sentinel_new(w->base, &w->cfg);
		w->rd = sentinel_connect(w->sentinel, "read",
		    worker_conn_state, w);
		w->cmd = sentinel_connect(w->sentinel, "command",
		    worker_conn_state, w);
	} else {
		w->rd = rconn_new(w->base, "read", &w->cfg, worker_conn_state,
		    w);
		w->cmd = rconn_new(w->base, "command", &w->cfg,
		    worker_conn_state, w);
	}
	w->sigterm = evsignal_new(w->base, SIGTERM, worker_signal_cb, w);
	w->sigint = evsignal_new(w->base, SIGINT, worker_signal_cb, w);
	event_add(w->sigterm, NULL);
	event_add(w->sigint, NULL);
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv;

		wd_usec /= 2;
		tv.tv_sec = (time_t)(wd_usec / 1000000);
		tv.tv_usec = (suseconds_t)(wd_usec % 1000000);
		w->watchdog = event_new(w->base, -1, EV_PERSIST,
		    worker_watchdog_cb, w);
		event_add(w->watchdog, &tv);
		log_debug("watchdog every %llu us",
		    (unsigned long long)wd_usec);
	}
	if ((w->crash_order = getenv("POSTROUTE_TEST_CRASH_ORDER")) != NULL &&
	    w->crash_order[0] == '\0')
		w->crash_order = NULL;
	if (w->crash_order != NULL)
		log_warnx("POSTROUTE_TEST_CRASH_ORDER=%s: a TEST HOOK is on: "
		    "this worker kills itself on any job with that order "
		    "(never set it outside the tests)", w->crash_order);
	sd_notify(0, "STATUS=connecting to Redis");

	if (event_base_dispatch(w->base) < 0)
		rc = 1;
	log_info("stopped: %lu jobs planned, %lu refused, %lu claimed from "
	    "other workers, %lu lost to others, %lu dead-lettered after "
	    "job_max_deliveries", w->done, w->refused, w->claimed, w->lost,
	    w->dead);
	workers_free(w->pool);   /* jobs not handed back: freed, no done */
	for (struct wjob *j = w->running, *next; j != NULL; j = next) {
		next = j->next;
		if (j->touch != NULL)
			event_free(j->touch);
		if (j->checking)   /* never submitted: the pool had none */
			job_free(&j->pj->job);
		free(j);
	}
	w->running = NULL;   /* the replies rconn_free hands NULL look */
	rconn_free(w->cmd);
	rconn_free(w->rd);
	sentinel_free(w->sentinel);
	if (w->stop_timer != NULL)
		event_free(w->stop_timer);
	if (w->watchdog != NULL)
		event_free(w->watchdog);
	event_free(w->retry);
	event_free(w->sigterm);
	event_free(w->sigint);
	event_base_free(w->base);
	pr_region_free(w->region);
	free(w);
	return rc;
}
