/* bench-cluster.c: the clustering (pr_cluster_assign, the daemon's) of a day's open orders, timed: a table and a CSV row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postroute/cluster.h"
#include "postroute/event.h"
#include "postroute/orderbook.h"
#include "postroute/region.h"
#include "postroute/time.h"

#include "common/benchutil.h"

/*
 * usage: bench-cluster --region FILE --events FILE [--date YYYY-MM-DD]
 *            [--time-limit S] [--greedy] [--csv FILE]
 *
 * The events (JSON lines, as postroute-sim --out writes them; the
 * national day: postroute-sim --provinces 50 --orders 1000000
 * --write-region FILE --out FILE) go into an order book as the daemon's
 * ingest puts them there; then the open orders are assigned to offices
 * by pr_cluster_assign with the day start of --date (default: the date
 * of the last event), what the planner's clustering job runs. Prints the
 * time of the assignment (wall and CPU of this thread), the orders moved
 * and the MILP's size.
 */

static const char *prog = "bench-cluster";

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s --region FILE --events FILE "
	    "[--date YYYY-MM-DD] [--time-limit S] [--greedy] [--csv FILE]\n",
	    prog);
	exit(2);
}

/* The events of path into ob; the last event's time in *last. */
static void
load_events(const char *path, const struct pr_region *r,
    struct pr_orderbook *ob, int64_t *last, int *n_events)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;

	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(1);
	}
	*n_events = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct pr_event ev;
		struct pr_error err;

		lineno++;
		memset(&err, 0, sizeof(err));
		if (pr_event_parse(line, (size_t)len, &ev, &err) != 0 ||
		    pr_orderbook_apply(ob, r, &ev, &err) < 0) {
			fprintf(stderr, "%s: %s:%ld: %s\n", prog, path, lineno,
			    err.msg);
			exit(1);
		}
		if (ev.ts > *last)
			*last = ev.ts;
		(*n_events)++;
	}
	free(line);
	fclose(f);
}

int
main(int argc, char **argv)
{
	const char *region_path = NULL, *events_path = NULL, *date = NULL;
	const char *csv = NULL;
	struct pr_cluster_params cp = { 0, 10.0, 0 };
	struct pr_cluster_result *cr;
	struct pr_region *r;
	struct pr_orderbook ob;
	struct pr_error err;
	char *buf;
	size_t len;
	int64_t last = 0, day_start;
	int n_events, open = 0, rc;
	double t0, c0, wall, cpu_s;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--region") == 0 && i + 1 < argc)
			region_path = argv[++i];
		else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
			events_path = argv[++i];
		else if (strcmp(argv[i], "--date") == 0 && i + 1 < argc)
			date = argv[++i];
		else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
			csv = argv[++i];
		else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
			cp.time_limit = bench_num(prog, "--time-limit",
			    argv[++i], 0.001, 3600);
		else if (strcmp(argv[i], "--greedy") == 0)
			cp.greedy = 1;
		else
			usage();
	}
	if (region_path == NULL || events_path == NULL)
		usage();
	if ((buf = bench_read_file(region_path, &len)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, region_path,
		    strerror(errno));
		return 1;
	}
	memset(&err, 0, sizeof(err));
	if (pr_region_from_json(buf, len, &r, &err) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, region_path, err.msg);
		return 1;
	}
	free(buf);
	pr_orderbook_init(&ob);
	t0 = mono();
	load_events(events_path, r, &ob, &last, &n_events);
	fprintf(stderr, "%s: %d events, %d orders read in %.1f s\n", prog,
	    n_events, ob.n, mono() - t0);
	if (date != NULL) {
		if (pr_date_parse(date, r->utc_offset, &day_start) != 0) {
			fprintf(stderr, "%s: --date: not a date: \"%s\"\n",
			    prog, date);
			return 2;
		}
	} else {
		day_start = pr_day_start(r, last);
	}
	for (int i = 0; i < ob.n; i++)
		open += ob.orders[i].state == PR_ORDER_OPEN;
	t0 = mono();
	c0 = cpu();
	rc = pr_cluster_assign(r, ob.orders, ob.n, day_start, &cp, &cr, &err);
	wall = mono() - t0;
	cpu_s = cpu() - c0;
	if (rc != 0) {
		fprintf(stderr, "%s: pr_cluster_assign: %s\n", prog, err.msg);
		return 1;
	}
	printf("%-28s %12s\n", "clustering", "");
	printf("%-28s %12d\n", "offices", r->n_offices);
	printf("%-28s %12d\n", "orders (open)", open);
	printf("%-28s %12.2f\n", "wall time (s)", wall);
	printf("%-28s %12.2f\n", "CPU time (s)", cpu_s);
	printf("%-28s %12d\n", "moved", cr->n_moved);
	printf("%-28s %12d\n", "overflow (stayed home)", cr->n_overflow);
	printf("%-28s %12d\n", "MILP columns", cr->n_vars);
	printf("%-28s %12d\n", "status", cr->status);
	printf("%-28s %12.0f\n", "objective", cr->objective);
	if (csv != NULL) {
		FILE *f = fopen(csv, "a");

		if (f == NULL) {
			fprintf(stderr, "%s: %s: %s\n", prog, csv,
			    strerror(errno));
			return 1;
		}
		char day[16];
		time_t now = time(NULL);

		strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&now));
		fseek(f, 0, SEEK_END);
		if (ftell(f) == 0)
			fprintf(f, "date,offices,open,time_limit_s,wall_s,cpu_s,"
			    "moved,overflow,vars,status,objective\n");
		fprintf(f, "%s,%d,%d,%.1f,%.3f,%.3f,%d,%d,%d,%d,%.0f\n", day,
		    r->n_offices, open, cp.time_limit, wall, cpu_s, cr->n_moved,
		    cr->n_overflow, cr->n_vars, cr->status, cr->objective);
		fclose(f);
	}
	printf("cluster: offices=%d open=%d wall_s=%.2f cpu_s=%.2f moved=%d "
	    "overflow=%d vars=%d status=%d\n", r->n_offices, open, wall,
	    cpu_s, cr->n_moved, cr->n_overflow, cr->n_vars, cr->status);
	pr_cluster_result_free(cr);
	pr_orderbook_clear(&ob);
	pr_region_free(r);
	return 0;
}
