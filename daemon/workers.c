/* workers.c: the fixed pool of solver threads: jobs in through a queue, results back through a queue and a pipe the loop watches. */
#define _GNU_SOURCE             /* gettid */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glpk.h>

#include "daemon.h"
#include "log.h"
#include "plan.h"

/*
 * After memcached's thread.c and redis's bio.c: the loop builds a job
 * (copies of the office's orders), a worker owns it while solving, and
 * hands it back through the done queue; a byte on a pipe wakes the loop,
 * which publishes the plan and frees the job. Workers block all signals,
 * and free their GLPK environment when they end (GLPK keeps one per
 * thread).
 */

struct workers {
	struct daemon *d;
	int n;
	int nice;                /* added to the threads' niceness */
	pthread_t *threads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct plan_job *qhead, *qtail;   /* waiting */
	struct plan_job **running;        /* per thread, or NULL */
	struct plan_job *dhead, *dtail;   /* done, for the loop */
	int shutdown;
	int pipefd[2];
	struct event *done_ev;
};

struct worker_arg {
	struct workers *w;
	int index;
};

void
plan_job_free(struct plan_job *j)
{
	if (j == NULL)
		return;
	free(j->orders);
	free(j->pins);
	free(j->prev);
	for (int i = 0; i < j->n_dispatched; i++)
		free(j->dispatched[i]);
	free(j->dispatched);
	free(j->home);
	free(j->moved_why);
	free(j->cluster_office);
	free(j->cluster_why);
	free(j->body);
	free(j->json);
	free(j->geojson);
	free(j);
}

static void
plan_job_solve_json(struct plan_job *j)
{
	struct pr_problem *p = NULL;
	struct pr_solution *s = NULL;

	j->rc = pr_problem_parse(j->body, j->body_len, &p, &j->err);
	if (j->rc == 0) {
		double t0 = mono_s();

		j->rc = pr_solve(p, &j->sp, &s, &j->err);
		j->solve_s = mono_s() - t0;
	}
	if (j->rc == 0) {
		j->json = pr_solution_to_json(p, s);
		j->n_routes = s->n_routes;
		j->n_unassigned = s->n_unassigned;
	}
	pr_solution_free(s);
	pr_problem_free(p);
}

void
plan_job_run(struct plan_job *j)
{
	memset(&j->err, 0, sizeof(j->err));
	j->sp.cancel = &j->cancel;
	if (j->kind == JOB_SOLVE)
		plan_job_solve_json(j);
	else
		plan_office(j);
	j->finished = mono_s();
}

static void *
worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct workers *w = wa->w;
	int me = wa->index;
	struct plan_job *j;
	char byte = 1;

	free(wa);
	/* Linux keeps a niceness per thread: the solver yields to the loop
	 * (and to redis-server on the same machine) when the cores are
	 * busy, and still gets every idle cycle. */
	if (w->nice > 0) {
		int cur;

		errno = 0;
		cur = getpriority(PRIO_PROCESS, (id_t)gettid());
		if (errno == 0 && setpriority(PRIO_PROCESS, (id_t)gettid(),
		    cur + w->nice > 19 ? 19 : cur + w->nice) != 0)
			log_warn("workers: setpriority");
	}
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
			atomic_store(&j->cancel, 1);
		w->running[me] = j;
		pthread_mutex_unlock(&w->mu);

		plan_job_run(j);

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
	struct plan_job *j, *next;
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
		if (j->kind == JOB_SOLVE)
			http_solve_done(w->d, j);
		else
			planner_job_done(w->d, j);
	}
}

struct workers *
workers_new(struct daemon *d, int n)
{
	struct workers *w = ecalloc(1, sizeof(*w));
	sigset_t all, old;

	w->d = d;
	w->n = n;
	w->nice = d->cfg.solver_nice;
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
	w->done_ev = event_new(d->base, w->pipefd[0], EV_READ | EV_PERSIST,
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
workers_submit(struct workers *w, struct plan_job *j)
{
	j->submitted = mono_s();
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

void
workers_cancel_all(struct workers *w)
{
	pthread_mutex_lock(&w->mu);
	for (struct plan_job *j = w->qhead; j != NULL; j = j->next)
		atomic_store(&j->cancel, 1);
	for (int i = 0; i < w->n; i++)
		if (w->running[i] != NULL)
			atomic_store(&w->running[i]->cancel, 1);
	pthread_mutex_unlock(&w->mu);
}

int
workers_running(const struct workers *w)
{
	int n = 0;

	pthread_mutex_lock((pthread_mutex_t *)&w->mu);
	for (int i = 0; i < w->n; i++)
		n += w->running[i] != NULL;
	for (struct plan_job *j = w->qhead; j != NULL; j = j->next)
		n++;
	pthread_mutex_unlock((pthread_mutex_t *)&w->mu);
	return n;
}

void
workers_free(struct workers *w)
{
	struct plan_job *j, *next;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->shutdown = 1;
	for (j = w->qhead; j != NULL; j = j->next)
		atomic_store(&j->cancel, 1);
	for (int i = 0; i < w->n; i++)
		if (w->running[i] != NULL)
			atomic_store(&w->running[i]->cancel, 1);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	for (j = w->dhead; j != NULL; j = next) {
		next = j->next;
		plan_job_free(j);
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
