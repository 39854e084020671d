/* bench-mixed.c: the mixed pickup-and-delivery benchmark: Solomon instances with deliveries, skills and lunch breaks (bench/common/mixed.c), solved and checked, beside the pickups-only originals. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "benchutil.h"
#include "checker.h"
#include "mixed.h"
#include "postroute/postroute.h"

/*
 * usage: bench-mixed [--time-limit S | --iterations N] [--seed N]
 *            [--mix-seed N] [--only A,B,...] [--data DIR] [--out CSV]
 *
 * For each instance (by default two of each Solomon family: C101 C105
 * C201 C205 R101 R105 R201 R205 RC101 RC105 RC201 RC205), the mixed
 * problem JSON (gen-mixed's, --mix-seed) is read by pr_problem_from_json
 * and solved with the time limit, then the original Solomon instance
 * (pickups only) with the same limit; the independent checker checks
 * both answers. No best-known solutions exist for the mixed problems:
 * the figures are its cost, routes and unassigned jobs, and how much more
 * it costs than the original (the price of deliveries loaded at the
 * start, the skilled half of the fleet and the lunch breaks). Writes the
 * CSV (default bench/results/mixed.csv) and SUMMARY-mixed.md beside it.
 */

static const char *const bm_default[] = {
	"C101", "C105", "C201", "C205", "R101", "R105", "R201", "R205",
	"RC101", "RC105", "RC201", "RC205", NULL
};

struct bm_row {
	char name[32];
	int n, deliveries, both, skilled;
	int ok, feasible, routes, unassigned;
	double cost, secs;
	int p_feasible, p_routes, p_unassigned;
	double p_cost;
	char why[256];
};

static double
bm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
bm_die(const char *msg, const char *arg)
{
	fprintf(stderr, "bench-mixed: %s%s%s\n", msg, arg ? ": " : "",
	    arg ? arg : "");
	exit(2);
}

/* Solves p and checks the answer: 1 when feasible, with the figures. */
static int
bm_solve(const struct pr_problem *p, const struct pr_solve_params *sp,
    int *routes, int *unassigned, double *cost, double *secs, char *why,
    size_t wl)
{
	struct pr_solution *s = NULL;
	struct pr_error err = { 0, "" };
	double t0 = bm_now();
	int ok;

	if (pr_solve(p, sp, &s, &err) != 0 || s == NULL) {
		snprintf(why, wl, "solve: %s", err.msg);
		return 0;
	}
	*secs = bm_now() - t0;
	*routes = s->n_routes;
	*unassigned = s->n_unassigned;
	*cost = s->cost;
	ok = chk_solution(p, s, NULL, why, wl) == 0;
	pr_solution_free(s);
	return ok;
}

static void
bm_run(const char *data, const char *name, const struct mixed_params *mp,
    const struct pr_solve_params *sp, struct bm_row *row)
{
	struct pr_problem *plain = NULL, *mix = NULL;
	struct pr_error err = { 0, "" };
	char path[1024], *buf, *js;
	size_t len;

	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->cost = row->p_cost = NAN;
	snprintf(path, sizeof(path), "%s/solomon/instances/%s.txt", data, name);
	if ((buf = bench_read_file(path, &len)) == NULL) {
		snprintf(row->why, sizeof(row->why), "%.200s: %s", path,
		    strerror(errno));
		return;
	}
	if (pr_problem_from_solomon(buf, len, &plain, &err) != 0) {
		snprintf(row->why, sizeof(row->why), "%s", err.msg);
		free(buf);
		return;
	}
	free(buf);
	if ((js = mixed_json(plain, mp)) == NULL ||
	    pr_problem_from_json(js, strlen(js), &mix, &err) != 0) {
		snprintf(row->why, sizeof(row->why), "mixed: %s", err.msg);
		free(js);
		pr_problem_free(plain);
		return;
	}
	free(js);
	row->n = mix->n_jobs;
	for (int j = 0; j < mix->n_jobs; j++) {
		const struct pr_job *jb = &mix->jobs[j];

		row->deliveries += jb->delivery[0] > 0 && jb->pickup[0] == 0;
		row->both += jb->delivery[0] > 0 && jb->pickup[0] > 0;
		row->skilled += jb->skills[0] != 0;
	}
	row->ok = 1;
	row->feasible = bm_solve(mix, sp, &row->routes, &row->unassigned,
	    &row->cost, &row->secs, row->why, sizeof(row->why));
	{
		double secs;
		char why[256];

		row->p_feasible = bm_solve(plain, sp, &row->p_routes,
		    &row->p_unassigned, &row->p_cost, &secs, why,
		    sizeof(why));
		if (!row->p_feasible)
			snprintf(row->why, sizeof(row->why), "original: %.200s",
			    why);
	}
	pr_problem_free(plain);
	pr_problem_free(mix);
}

static void
bm_print(FILE *f, const struct bm_row *w, int md)
{
	double up = 100.0 * (w->cost - w->p_cost) / w->p_cost;

	if (!w->ok) {
		fprintf(f, md ? "| %s | error: %s |\n" : "%-6s  %s\n", w->name,
		    w->why);
		return;
	}
	fprintf(f, md ? "| %s | %d | %d / %d / %d | %s | %d | %d | %.2f | "
	    "%.2f | %d | %.2f | %+.2f |\n" :
	    "%-6s %4d  %3d/%3d/%3d  %-4s %6d %5d %10.2f %6.2f  %6d %10.2f "
	    "%+7.2f\n", w->name, w->n, w->deliveries, w->both, w->skilled,
	    w->feasible && w->p_feasible ? "yes" : "NO", w->routes,
	    w->unassigned, w->cost, w->secs, w->p_routes, w->p_cost, up);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "time-limit", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "seed", required_argument, NULL, 's' },
		{ "mix-seed", required_argument, NULL, 'm' },
		{ "only", required_argument, NULL, 'n' },
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = BENCH_SHARED_DIR, *out = "bench/results/mixed.csv";
	const char *names[64];
	char *only = NULL, summary[1100], *slash;
	struct mixed_params mp;
	struct pr_solve_params sp;
	struct bm_row rows[64];
	int n = 0, ch, bad = 0, complete = 0;
	double up = 0, secs = 0;
	FILE *f;

	mixed_params_init(&mp);
	pr_solve_params_init(&sp);
	sp.time_limit = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			sp.time_limit = strtod(optarg, NULL);
			if (!(sp.time_limit > 0))
				bm_die("--time-limit must be > 0", optarg);
			break;
		case 'i':
			sp.iterations = strtol(optarg, NULL, 10);
			sp.time_limit = 0;
			if (sp.iterations < 1)
				bm_die("--iterations must be >= 1", optarg);
			break;
		case 's':
			sp.seed = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			mp.seed = strtoull(optarg, NULL, 10);
			break;
		case 'n':
			only = optarg;
			break;
		case 'd':
			data = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			bm_die("usage: bench-mixed [--time-limit S | "
			    "--iterations N] [--seed N] [--mix-seed N] "
			    "[--only A,B] [--data DIR] [--out CSV]", NULL);
		}
	}
	if (only != NULL) {
		for (char *t = strtok(only, ","); t != NULL && n < 64;
		    t = strtok(NULL, ","))
			names[n++] = t;
	} else
		for (; bm_default[n] != NULL; n++)
			names[n] = bm_default[n];

	printf("bench-mixed: %d Solomon instances made mixed (seed %llu), "
	    "%s %g per problem\n", n, (unsigned long long)mp.seed,
	    sp.iterations > 0 ? "iterations" : "time limit (s)",
	    sp.iterations > 0 ? (double)sp.iterations : sp.time_limit);
	printf("%-6s %4s  %11s  %-4s %6s %5s %10s %6s  %6s %10s %7s\n",
	    "inst", "jobs", "del/both/sk", "feas", "routes", "unas", "cost",
	    "secs", "orig_r", "orig_cost", "+cost%");
	for (int i = 0; i < n; i++) {
		bm_run(data, names[i], &mp, &sp, &rows[i]);
		bm_print(stdout, &rows[i], 0);
		fflush(stdout);
		if (!rows[i].ok || !rows[i].feasible || !rows[i].p_feasible) {
			bad++;
			fprintf(stderr, "bench-mixed: %s: %s\n", rows[i].name,
			    rows[i].why);
			continue;
		}
		complete += rows[i].unassigned == 0;
		up += 100.0 * (rows[i].cost - rows[i].p_cost) / rows[i].p_cost;
		secs += rows[i].secs;
	}
	printf("\n%d of %d feasible (checker), %d with every job served; mean "
	    "cost %+.2f %% over the pickups-only originals, %.2f s each\n",
	    n - bad, n, complete, n > bad ? up / (n - bad) : NAN,
	    n > bad ? secs / (n - bad) : NAN);

	if ((f = fopen(out, "w")) == NULL)
		bm_die(strerror(errno), out);
	fprintf(f, "instance,jobs,deliveries,both,skilled,feasible,routes,"
	    "unassigned,cost,seconds,orig_routes,orig_cost,cost_up_pct\n");
	for (int i = 0; i < n; i++) {
		const struct bm_row *w = &rows[i];

		fprintf(f, "%s,%d,%d,%d,%d,%s,%d,%d,%.4f,%.3f,%d,%.4f,%.3f\n",
		    w->name, w->n, w->deliveries, w->both, w->skilled,
		    w->ok && w->feasible && w->p_feasible ? "yes" : "no",
		    w->routes, w->unassigned, w->cost, w->secs, w->p_routes,
		    w->p_cost, 100.0 * (w->cost - w->p_cost) / w->p_cost);
	}
	if (fclose(f) != 0)
		bm_die(strerror(errno), out);
	snprintf(summary, sizeof(summary), "%s", out);
	if ((slash = strrchr(summary, '/')) != NULL)
		slash[1] = '\0';
	else
		summary[0] = '\0';
	strncat(summary, "SUMMARY-mixed.md", sizeof(summary) -
	    strlen(summary) - 1);
	if ((f = fopen(summary, "w")) == NULL)
		bm_die(strerror(errno), summary);
	fprintf(f, "<!-- bench-mixed: generated, do not edit -->\n"
	    "### mixed (postroute %s)\n\n"
	    "Solomon instances made mixed by `bench/gen-mixed` (seed %llu: "
	    "30 %% of the customers deliver, 10 %% pick up and deliver, "
	    "20 %% need skill 1 that half the fleet holds, every vehicle "
	    "takes a lunch of 2 %% of the horizon in [35 %%, 55 %%] of "
	    "it), %s %g per problem, one thread, seed %llu; every answer "
	    "checked by tests/checker. \"original\" is the pickups-only "
	    "Solomon instance with the same limit.\n\n"
	    "| instance | jobs | deliveries / both / skilled | feasible | "
	    "routes | unassigned | cost | s | original routes | original "
	    "cost | cost %% over original |\n"
	    "|---|---|---|---|---|---|---|---|---|---|---|\n", PR_VERSION,
	    (unsigned long long)mp.seed, sp.iterations > 0 ? "iterations" :
	    "time limit (s)", sp.iterations > 0 ? (double)sp.iterations :
	    sp.time_limit, (unsigned long long)sp.seed);
	for (int i = 0; i < n; i++)
		bm_print(f, &rows[i], 1);
	fprintf(f, "\n%d of %d feasible, %d with every job served; mean cost "
	    "%+.2f %% over the originals.\n", n - bad, n, complete,
	    n > bad ? up / (n - bad) : NAN);
	if (fclose(f) != 0)
		bm_die(strerror(errno), summary);
	printf("wrote %s and %s\n", out, summary);
	return bad > 0 ? 1 : 0;
}
