/* solve_cli.c: postrouted --solve: read a problem file, solve it once, print the solution JSON. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "postroute/postroute.h"
#include "solve_cli.h"
#include "util.h"

#define SOLVE_DEFAULT_TIME_LIMIT 5.0
#define SOLVE_MAX_TIME_LIMIT 1e7	/* seconds; about four months */

/*
 * Exit statuses: 0 solved (even with unassigned jobs), 1 the solver or
 * the output failed, 2 bad usage, an unreadable file or a bad problem.
 * Every error is one line on stderr. stdout gets the solution, or, once
 * the options are understood, VROOM's error object {"code": 1 or 2,
 * "error": the same line} (code as the exit status: 1 internal, 2 input).
 */
enum {
	SOLVE_EXIT_OK = 0,
	SOLVE_EXIT_FAIL = 1,
	SOLVE_EXIT_USAGE = 2
};

enum {
	OPT_SOLVE = 256,
	OPT_TIME_LIMIT,
	OPT_ITERATIONS,
	OPT_SEED,
	OPT_OBJECTIVE,
	OPT_THREADS,
	OPT_EXACT_MAX_JOBS,
	OPT_HELP
};

static const struct option solve_options[] = {
	{ "solve", required_argument, NULL, OPT_SOLVE },
	{ "time-limit", required_argument, NULL, OPT_TIME_LIMIT },
	{ "iterations", required_argument, NULL, OPT_ITERATIONS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "objective", required_argument, NULL, OPT_OBJECTIVE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "exact-max-jobs", required_argument, NULL, OPT_EXACT_MAX_JOBS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Set by SIGINT/SIGTERM: the solver stops and the best solution so far is
 * printed. The handler is reset, so a second signal kills. (A lock-free
 * atomic: safe in a signal handler, and read by the solver threads.) */
static atomic_int solve_cancel;

struct solve_opts {
	const char *file;
	double time_limit;	/* 0: not given */
	long iterations;	/* 0: not given */
	int have_seed;
	uint64_t seed;
	int objective;		/* -1: default */
	int threads;		/* 0: default */
	int exact_max_jobs;	/* -1: default */
	int verbose;
};

struct solve_progress {
	double t0;
};

void
solve_cli_usage(FILE *fp)
{
	fprintf(fp,
	    "postrouted --solve FILE: solve one problem (JSON, Solomon or "
	    "CVRPLIB; - reads stdin)\n"
	    "and print the solution JSON on stdout.\n"
	    "  --time-limit S       wall-clock seconds (default %g)\n"
	    "  --iterations N       stop after N iterations per thread "
	    "(deterministic output)\n"
	    "  --seed N             random seed\n"
	    "  --objective O        distance | vehicles (fewest routes first)\n"
	    "  --threads N          search threads, 1..64\n"
	    "  --exact-max-jobs N   prove optimality when there are at most N "
	    "jobs (0: off)\n"
	    "  -v, --verbose        progress and timing on stderr (also shown "
	    "when stderr is a terminal)\n"
	    "Exit status: 0 solved, 1 solver or output failure, 2 bad usage "
	    "or bad problem.\n", SOLVE_DEFAULT_TIME_LIMIT);
}

/* The error line msg (about file) on stderr and, for a VROOM client, as
 * {"code": code, "error": ...} on stdout. Returns code. */
static int
solve_fail(int code, const char *file, const char *msg)
{
	json_t *o;
	char *js;

	fprintf(stderr, "postrouted: %s: %s\n", file, msg);
	o = json_pack("{s:i,s:s}", "code", code, "error", msg);
	if (o != NULL && (js = json_dumps(o, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) != NULL) {
		fputs(js, stdout);
		fputc('\n', stdout);
		free(js);
	}
	json_decref(o);
	fflush(stdout);
	return code;
}

static double
solve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
solve_on_signal(int sig)
{
	(void)sig;
	atomic_store(&solve_cancel, 1);
}

static int
solve_bad_value(const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, "postrouted: --%s: '%s' is not %s\n", opt, arg, want);
	return -1;
}

static int
solve_parse_long(const char *opt, const char *arg, long min, long max,
    long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno == ERANGE || v < min ||
	    v > max) {
		char want[96];

		snprintf(want, sizeof(want), "an integer in [%ld, %ld]", min,
		    max);
		return solve_bad_value(opt, arg, want);
	}
	*out = v;
	return 0;
}

static int
solve_parse_seed(const char *arg, uint64_t *out)
{
	const char *p = arg;
	unsigned long long v;
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (*p == '-' || *p == '+' || end == p || *end != '\0' ||
	    errno == ERANGE || v > UINT64_MAX)
		return solve_bad_value("seed", arg,
		    "an integer in [0, 18446744073709551615]");
	*out = (uint64_t)v;
	return 0;
}

static int
solve_parse_seconds(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno == ERANGE || !isfinite(v) ||
	    !(v > 0) || v > SOLVE_MAX_TIME_LIMIT)
		return solve_bad_value("time-limit", arg,
		    "a number of seconds > 0");
	*out = v;
	return 0;
}

/* Parses the command line into o; returns 0, 1 for --help (done), or -1
 * after printing one line. */
static int
solve_parse_args(int argc, char **argv, struct solve_opts *o)
{
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->objective = -1;
	o->exact_max_jobs = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":v", solve_options, NULL)) != -1) {
		switch (c) {
		case OPT_SOLVE:
			if (o->file != NULL) {
				fprintf(stderr, "postrouted: --solve given "
				    "twice\n");
				return -1;
			}
			o->file = optarg;
			break;
		case OPT_TIME_LIMIT:
			if (solve_parse_seconds(optarg, &o->time_limit) != 0)
				return -1;
			break;
		case OPT_ITERATIONS:
			if (solve_parse_long("iterations", optarg, 1, LONG_MAX,
			    &o->iterations) != 0)
				return -1;
			break;
		case OPT_SEED:
			if (solve_parse_seed(optarg, &o->seed) != 0)
				return -1;
			o->have_seed = 1;
			break;
		case OPT_OBJECTIVE:
			if (strcmp(optarg, "distance") == 0)
				o->objective = PR_OBJ_DISTANCE;
			else if (strcmp(optarg, "vehicles") == 0)
				o->objective = PR_OBJ_VEHICLES;
			else {
				solve_bad_value("objective", optarg,
				    "distance or vehicles");
				return -1;
			}
			break;
		case OPT_THREADS:
			if (solve_parse_long("threads", optarg, 1, 64, &v) != 0)
				return -1;
			o->threads = (int)v;
			break;
		case OPT_EXACT_MAX_JOBS:
			if (solve_parse_long("exact-max-jobs", optarg, 0, 1000,
			    &v) != 0)
				return -1;
			o->exact_max_jobs = (int)v;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_HELP:
			solve_cli_usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, "postrouted: %s needs a value\n",
			    argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "postrouted: unknown option '%s' (see "
			    "--help)\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "postrouted: unexpected argument '%s'\n",
		    argv[optind]);
		return -1;
	}
	if (o->file == NULL) {
		fprintf(stderr, "postrouted: --solve needs a FILE\n");
		return -1;
	}
	if (o->time_limit > 0 && o->iterations > 0) {
		fprintf(stderr, "postrouted: --time-limit and --iterations "
		    "cannot be used together\n");
		return -1;
	}
	return 0;
}

/* Solver progress, serialised by the solver; one line, one write. */
static void
solve_on_progress(void *ud, double elapsed, double cost, int routes,
    int unassigned)
{
	char line[160];
	int n;

	(void)ud;
	n = snprintf(line, sizeof(line),
	    "[%7.3fs] cost %.1f  routes %d  unassigned %d\n", elapsed, cost,
	    routes, unassigned);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)!write(STDERR_FILENO, line, (size_t)n);
}

static void
solve_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = solve_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
solve_cli_main(int argc, char **argv)
{
	struct solve_opts o;
	struct pr_solve_params sp;
	struct pr_problem *p = NULL;
	struct pr_solution *s = NULL;
	struct pr_error err;
	char *buf, *js;
	size_t len;
	double t0, t1, loading;
	int rc, show;

	switch (solve_parse_args(argc, argv, &o)) {
	case 0:
		break;
	case 1:
		return SOLVE_EXIT_OK;
	default:
		return SOLVE_EXIT_USAGE;
	}

	t0 = solve_now();
	if ((buf = read_file(o.file, READ_FILE_MAX, &len)) == NULL)
		return solve_fail(SOLVE_EXIT_USAGE, o.file, strerror(errno));
	memset(&err, 0, sizeof(err));
	rc = pr_problem_parse(buf, len, &p, &err);
	free(buf);
	if (rc != 0)	/* out of memory is not the input's fault */
		return solve_fail(rc == PR_ENOMEM ? SOLVE_EXIT_FAIL :
		    SOLVE_EXIT_USAGE, o.file, err.msg[0] ? err.msg :
		    "cannot parse the problem");
	loading = solve_now() - t0;

	pr_solve_params_init(&sp);
	if (o.iterations > 0) {
		sp.iterations = o.iterations;
		sp.time_limit = 0;
	} else {
		sp.iterations = 0;
		sp.time_limit = o.time_limit > 0 ? o.time_limit :
		    SOLVE_DEFAULT_TIME_LIMIT;
	}
	if (o.have_seed)
		sp.seed = o.seed;
	if (o.objective >= 0)
		sp.objective = (enum pr_objective)o.objective;
	if (o.threads > 0)
		sp.threads = o.threads;
	if (o.exact_max_jobs >= 0)
		sp.exact_max_jobs = o.exact_max_jobs;
	sp.cancel = &solve_cancel;
	show = o.verbose > 0 || isatty(STDERR_FILENO);
	if (show) {
		sp.progress = solve_on_progress;
		sp.progress_ud = NULL;
	}
	if (o.verbose > 0) {
		char stop[64];

		if (sp.iterations > 0)
			snprintf(stop, sizeof(stop), "%ld iterations",
			    sp.iterations);
		else
			snprintf(stop, sizeof(stop), "time limit %g s",
			    sp.time_limit);
		fprintf(stderr, "postrouted: %s: %d jobs, %d vehicles, %d "
		    "locations; %s, seed %llu, %d thread%s\n", o.file,
		    p->n_jobs, p->n_vehicles, p->n_locations, stop,
		    (unsigned long long)sp.seed, sp.threads,
		    sp.threads == 1 ? "" : "s");
	}

	solve_catch_signals();
	memset(&err, 0, sizeof(err));
	t0 = mono_s();
	rc = pr_solve(p, &sp, &s, &err);
	t1 = mono_s();
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (rc != 0 || s == NULL) {
		pr_problem_free(p);
		pr_solution_free(s);
		return solve_fail(rc == PR_EINVAL ? SOLVE_EXIT_USAGE :
		    SOLVE_EXIT_FAIL, o.file, err.msg[0] ? err.msg :
		    "the solver failed");
	}
	if (o.verbose > 0)
		fprintf(stderr, "postrouted: %s: cost %.3f, %d routes, %d "
		    "unassigned, %ld iterations, %.3f s%s\n", o.file, s->cost,
		    s->n_routes, s->n_unassigned, s->iterations, t1 - t0,
		    atomic_load(&solve_cancel) ? " (interrupted)" : "");
	s->loading_ms = loading * 1000.0;
	/* Iteration-bounded runs must print the same bytes every time. */
	if (o.iterations > 0)
		s->computing_ms = s->loading_ms = -1;

	js = pr_solution_to_json(p, s);
	pr_solution_free(s);
	pr_problem_free(p);
	if (js == NULL) {
		fprintf(stderr, "postrouted: out of memory\n");
		return SOLVE_EXIT_FAIL;
	}
	fputs(js, stdout);
	fputc('\n', stdout);
	free(js);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "postrouted: stdout: %s\n", strerror(errno));
		return SOLVE_EXIT_FAIL;
	}
	return SOLVE_EXIT_OK;
}
