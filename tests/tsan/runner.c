/* runner.c: runs the unit tests in the ThreadSanitizer build, where Criterion cannot start: each test (each parameter) in a process of its own, a few at a time, with a summary as Criterion prints it. */
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criterion/criterion.h"

/*
 * Criterion's sandbox (BoxFort) maps an arena shared with its test
 * processes at a random address between 32 and 96 TiB, and gives up when
 * three tries find the place taken; under ThreadSanitizer all of that
 * range is TSan's shadow memory, so every run aborts with "Could not
 * initialize inheritable arena" (Snaipe/Criterion#274). So `make
 * check-tsan` compiles the unit tests against tests/tsan/criterion/ and
 * links this runner instead of libcriterion. It forks every test from a
 * single-threaded parent (TSan supports that), so a test's solver
 * threads are checked, and an abort or a race report (TSan exits with
 * 66) fails the test, not the run.
 *
 *   test-unit [-jN] [--filter SUITE/NAME-GLOB] ...
 */

#define TSAN_EXIT_SKIP 77

static struct tsan_test **tests;
static int n_tests, cap_tests;
static int child_failed;         /* in a test process: an expectation */

void
tsan_register(struct tsan_test *t)
{
	if (n_tests == cap_tests) {
		cap_tests = cap_tests ? cap_tests * 2 : 64;
		tests = realloc(tests, (size_t)cap_tests * sizeof(*tests));
		if (tests == NULL)
			abort();
	}
	tests[n_tests++] = t;
}

static void
tsan_vsay(const char *what, const char *file, int line, const char *fmt,
    va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (file != NULL)
		fprintf(stderr, "[%s] %s:%d: %s\n", what, file, line, msg);
	else
		fprintf(stderr, "[%s] %s\n", what, msg);
}

void
tsan_check(int ok, int fatal, const char *file, int line, const char *expr,
    const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	fprintf(stderr, "[FAIL] %s:%d: %s\n", file, line, expr);
	if (fmt[0] != '\0') {
		va_start(ap, fmt);
		tsan_vsay("----", file, line, fmt, ap);
		va_end(ap);
	}
	child_failed = 1;
	if (fatal) {
		fflush(NULL);
		exit(1);
	}
}

void
tsan_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tsan_vsay("SKIP", NULL, 0, fmt, ap);
	va_end(ap);
	fflush(NULL);
	exit(TSAN_EXIT_SKIP);
}

void
tsan_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tsan_vsay("----", NULL, 0, fmt, ap);
	va_end(ap);
}

static int
tsan_cmp(const void *a, const void *b)
{
	const struct tsan_test *x = *(struct tsan_test *const *)a;
	const struct tsan_test *y = *(struct tsan_test *const *)b;
	int c = strcmp(x->suite, y->suite);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/* One run: a test, or one parameter of a parameterized test. */
struct run {
	struct tsan_test *t;
	void *param;                /* NULL: a plain test */
	size_t index;
	pid_t pid;
};

static void
run_child(const struct run *r)
{
	if (r->t->timeout > 0)
		alarm((unsigned)r->t->timeout + 1);
	if (r->param != NULL)
		r->t->pfn(r->param);
	else
		r->t->fn();
	fflush(NULL);
	exit(child_failed ? 1 : 0);
}

/* Counts the result of a run that ended with status st. */
static void
run_result(const struct run *r, int st, int *pass, int *fail, int *crash,
    int *skip)
{
	char name[256];

	if (r->param != NULL)
		snprintf(name, sizeof(name), "%s::%s (param %zu)", r->t->suite,
		    r->t->name, r->index);
	else
		snprintf(name, sizeof(name), "%s::%s", r->t->suite,
		    r->t->name);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		(*pass)++;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == TSAN_EXIT_SKIP) {
		(*skip)++;
		fprintf(stderr, "[SKIP] %s\n", name);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 1) {
		(*fail)++;
		fprintf(stderr, "[FAIL] %s\n", name);
	} else {
		(*crash)++;
		if (WIFSIGNALED(st))
			fprintf(stderr, "[CRASH] %s: signal %d%s\n", name,
			    WTERMSIG(st), WTERMSIG(st) == SIGALRM ?
			    " (timed out)" : "");
		else
			fprintf(stderr, "[CRASH] %s: exit status %d (66: a "
			    "ThreadSanitizer report)\n", name,
			    WEXITSTATUS(st));
	}
}

static int
matches(const struct tsan_test *t, char **filters, int n)
{
	char name[256];

	if (n == 0)
		return 1;
	snprintf(name, sizeof(name), "%s/%s", t->suite, t->name);
	for (int i = 0; i < n; i++)
		if (fnmatch(filters[i], name, 0) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct run *runs = NULL, *running;
	char **filters = calloc((size_t)argc + 1, sizeof(char *));
	int n_runs = 0, cap = 0, jobs = 2, n_filters = 0, next = 0, live = 0;
	int pass = 0, fail = 0, crash = 0, skip = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "-j", 2) == 0 && argv[i][2] != '\0')
			jobs = atoi(argv[i] + 2);
		else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
			filters[n_filters++] = argv[++i];
		else {
			fprintf(stderr, "usage: %s [-jN] [--filter GLOB]...\n",
			    argv[0]);
			return 2;
		}
	}
	if (jobs < 1)
		jobs = 1;
	qsort(tests, (size_t)n_tests, sizeof(*tests), tsan_cmp);
	for (int i = 0; i < n_tests; i++) {
		struct tsan_test *t = tests[i];
		struct criterion_test_params ps = { 0, NULL, 1, NULL };

		if (t->disabled || !matches(t, filters, n_filters))
			continue;
		if (t->params != NULL)
			ps = t->params();
		for (size_t k = 0; k < ps.length; k++) {
			if (n_runs == cap) {
				cap = cap ? cap * 2 : 256;
				runs = realloc(runs, (size_t)cap * sizeof(*runs));
				if (runs == NULL)
					abort();
			}
			runs[n_runs].t = t;
			runs[n_runs].param = t->params != NULL ?
			    (char *)ps.params + k * ps.size : NULL;
			runs[n_runs].index = k;
			runs[n_runs].pid = -1;
			n_runs++;
		}
	}
	fflush(NULL);
	running = calloc((size_t)jobs, sizeof(*running));
	while (next < n_runs || live > 0) {
		int st, slot;
		pid_t pid;

		while (live < jobs && next < n_runs) {
			for (slot = 0; running[slot].t != NULL; slot++)
				;
			running[slot] = runs[next++];
			if ((pid = fork()) == -1) {
				perror("fork");
				return 2;
			}
			if (pid == 0)
				run_child(&running[slot]);
			running[slot].pid = pid;
			live++;
		}
		if ((pid = waitpid(-1, &st, 0)) == -1) {
			if (errno == EINTR)
				continue;
			perror("waitpid");
			return 2;
		}
		for (slot = 0; slot < jobs; slot++)
			if (running[slot].t != NULL && running[slot].pid == pid)
				break;
		if (slot == jobs)
			continue;
		run_result(&running[slot], st, &pass, &fail, &crash, &skip);
		running[slot].t = NULL;
		live--;
	}
	fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | "
	    "Failing: %d | Crashing: %d | Skipped: %d (ThreadSanitizer "
	    "runner)\n", pass + fail + crash, pass, fail, crash, skip);
	free(runs);
	free(running);
	free(filters);
	free(tests);
	return fail + crash > 0;
}
