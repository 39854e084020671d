/* workers.c: the fixed pool of solver threads: jobs in through a queue, results back through a queue and a pipe the loop watches. */
#define _GNU_SOURCE             /* gettid */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>
#include <glpk.h>

#include "log.h"
#include "util.h"
#include "workers.h"

/*
 * After memcached's thread.c and redis's bio.c: the loop builds a job, a
 * worker owns it while it runs, and hands it back through the done
 * queue; a byte on a pipe wakes the loop, which calls the job's own
 * completion. This file knows no kind of job: each job says what to run
 * (its kind) and who gets it back (its done callback). Workers block all
 * signals, and free their GLPK environment when they end (GLPK keeps one
 * per thread).
 */

struct workers {
	int n;
	int nice;                /* added to the threads' niceness */
	pthread_t *threads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *qhead, *qtail;        /* waiting */
	struct job **running;             /* per thread, or NULL */
	struct job *dhead, *dtail;        /* done, for the loop */
	int shutdown;
	int pipefd[2];
	struct event *done_ev;
};

struct worker_arg {
	struct workers *w;
	int index;
};

void
job_init(struct job *j, const struct job_kind *kind,
    void (*done)(struct job *, void *), void *arg)
{
	j->kind = kind;
	j->done = done;
	j->arg = arg;
	atomic_init(&j->cancel, 0);
	j->next = NULL;
}

void
job_cancel(struct job *j)
{
	atomic_store(&j->cancel, 1);
}

int
job_canceled(const struct job *j)
{
	return atomic_load(&j->cancel) != 0;
}

void
job_free(struct job *j)
{
	if (j != NULL)
		j->kind->free(j);
}

/* Lowers the calling thread's priority: the solver yields to the loop
 * (and to redis-server on the same machine) when the cores are busy, and
 * still gets every idle cycle. */
static void
worker_nice(int nice)
{
	int cur;

	if (nice <= 0)
		return;
	errno = 0;
	cur = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno == 0 && setpriority(PRIO_PROCESS, (id_t)gettid(),
	    cur + nice > 19 ? 19 : cur + nice) != 0)
		log_warn("workers: setpriority");
}

static void *
worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct workers *w = wa->w;
	int me = wa->index;
	struct job *j;
	char byte = 1;
	double t0;

	free(wa);
	worker_nice(w->nice);
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->qhead == NULL && !w->shutdown)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->qhead == NULL) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		j = w->qhead;
		w->qhead = j->next;
		if (w->qhead == NULL)
			w->qtail = NULL;
		j->next = NULL;
		if (w->shutdown)
			job_cancel(j);
		w->running[me] = j;
		pthread_mutex_unlock(&w->mu);

		t0 = mono_s();
		j->kind->run(j);
		j->run_s = mono_s() - t0;

		pthread_mutex_lock(&w->mu);
		w->running[me] = NULL;
		if (w->dtail != NULL)
			w->dtail->next = j;
		else
			w->dhead = j;
		w->dtail = j;
		pthread_mutex_unlock(&w->mu);
		while (write(w->pipefd[1], &byte, 1) < 0 && errno == EINTR)
			;
	}
	glp_free_env();
	return NULL;
}

/* On the loop: takes the finished jobs and hands each to its owner. */
static void
workers_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct workers *w = arg;
	struct job *j, *next;
	char buf[256];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&w->mu);
	j = w->dhead;
	w->dhead = w->dtail = NULL;
	pthread_mutex_unlock(&w->mu);
	for (; j != NULL; j = next) {
		next = j->next;
		j->next = NULL;
		j->done(j, j->arg);
	}
}

struct workers *
workers_new(struct event_base *base, int n, int nice)
{
	struct workers *w = ecalloc(1, sizeof(*w));
	sigset_t all, old;

	w->n = n;
	w->nice = nice;
	w->threads = ecalloc((size_t)n, sizeof(*w->threads));
	w->running = ecalloc((size_t)n, sizeof(*w->running));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pipe(w->pipefd) != 0)
		fatal("workers: pipe");
	for (int i = 0; i < 2; i++) {
		fcntl(w->pipefd[i], F_SETFL, fcntl(w->pipefd[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(w->pipefd[i], F_SETFD, FD_CLOEXEC);
	}
	w->done_ev = event_new(base, w->pipefd[0], EV_READ | EV_PERSIST,
	    workers_done_cb, w);
	if (w->done_ev == NULL || event_add(w->done_ev, NULL) != 0)
		fatalx("workers: cannot watch the done pipe");
	/* Threads inherit the mask: signals stay with the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < n; i++) {
		struct worker_arg *wa = emalloc(sizeof(*wa));
		int e;

		wa->w = w;
		wa->index = i;
		if ((e = pthread_create(&w->threads[i], NULL, worker_main,
		    wa)) != 0) {
			errno = e;
			fatal("workers: pthread_create");
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return w;
}

void
workers_submit(struct workers *w, struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->qtail != NULL)
		w->qtail->next = j;
	else
		w->qhead = j;
	w->qtail = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* With w->mu held. */
static void
workers_cancel_locked(struct workers *w)
{
	for (struct job *j = w->qhead; j != NULL; j = j->next)
		job_cancel(j);
	for (int i = 0; i < w->n; i++)
		if (w->running[i] != NULL)
			job_cancel(w->running[i]);
}

void
workers_cancel_all(struct workers *w)
{
	pthread_mutex_lock(&w->mu);
	workers_cancel_locked(w);
	pthread_mutex_unlock(&w->mu);
}

int
workers_running(struct workers *w)
{
	int n = 0;

	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < w->n; i++)
		n += w->running[i] != NULL;
	for (struct job *j = w->qhead; j != NULL; j = j->next)
		n++;
	pthread_mutex_unlock(&w->mu);
	return n;
}

void
workers_load(struct workers *w, const struct job_kind *kind, int *queued,
    int *running)
{
	*queued = *running = 0;
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < w->n; i++)
		*running += w->running[i] != NULL &&
		    w->running[i]->kind == kind;
	for (struct job *j = w->qhead; j != NULL; j = j->next)
		*queued += j->kind == kind;
	pthread_mutex_unlock(&w->mu);
}

void
workers_free(struct workers *w)
{
	struct job *j, *next;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->shutdown = 1;
	workers_cancel_locked(w);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	for (j = w->dhead; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	event_free(w->done_ev);
	close(w->pipefd[0]);
	close(w->pipefd[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->threads);
	free(w->running);
	free(w);
}
