/* postroute-sim.c: writes a seeded, reproducible day of order events as JSON lines. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "sim.h"
#include "postroute/event.h"
#include "postroute/region.h"
#include "postroute/time.h"

/*
 * usage: postroute-sim [--date YYYY-MM-DD] [--orders N] [--seed S]
 *            [--region FILE] [--update-rate R] [--cancel-rate R] [--out FILE]
 *
 * The events follow docs/events.md, one JSON object per line, sorted by
 * ts; the generator itself is sim_generate() in libpostroute.
 */

static void
sim_usage(FILE *f)
{
	fprintf(f, "usage: postroute-sim [--date YYYY-MM-DD] [--orders N] "
	    "[--seed S] [--region FILE]\n"
	    "           [--update-rate R] [--cancel-rate R] [--out FILE]\n");
}

static double
sim_num(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v >= lo && v <= hi)) {
		fprintf(stderr, "postroute-sim: --%s: \"%s\" must be a number "
		    "in [%g, %g]\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	const char *date = "2026-08-20";
	const char *region = "config/regions/langson.json";
	const char *outpath = NULL;
	struct sim_params sp;
	struct pr_region *r;
	struct pr_error err = { 0, "" };
	struct pr_event *ev;
	char *buf;
	size_t len;
	int n, ch;
	FILE *out = stdout;
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "orders", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "region", required_argument, NULL, 'r' },
		{ "update-rate", required_argument, NULL, 'u' },
		{ "cancel-rate", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	memset(&sp, 0, sizeof(sp));
	sp.n_orders = 5200;
	sp.seed = 1;
	sp.update_rate = 0.05;
	sp.cancel_rate = 0.03;
	while ((ch = getopt_long(argc, argv, "d:n:s:r:u:c:o:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			date = optarg;
			break;
		case 'n':
			sp.n_orders = (int)sim_num("orders", optarg, 0, 1e7);
			break;
		case 's':
			sp.seed = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			region = optarg;
			break;
		case 'u':
			sp.update_rate = sim_num("update-rate", optarg, 0, 1);
			break;
		case 'c':
			sp.cancel_rate = sim_num("cancel-rate", optarg, 0, 1);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			sim_usage(stdout);
			return 0;
		default:
			sim_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		sim_usage(stderr);
		return 2;
	}
	if ((buf = bench_read_file(region, &len)) == NULL) {
		fprintf(stderr, "postroute-sim: %s: %s\n", region,
		    strerror(errno));
		return 1;
	}
	if (pr_region_from_json(buf, len, &r, &err) != 0) {
		fprintf(stderr, "postroute-sim: %s: %s\n", region, err.msg);
		return 2;
	}
	free(buf);
	if (pr_date_parse(date, r->utc_offset, &sp.day_start) != 0) {
		fprintf(stderr, "postroute-sim: --date: \"%s\" is not "
		    "YYYY-MM-DD\n", date);
		return 2;
	}
	if (sim_generate(r, &sp, &ev, &n, &err) != 0) {
		fprintf(stderr, "postroute-sim: %s\n", err.msg);
		return 2;
	}
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "postroute-sim: %s: %s\n", outpath,
		    strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char *s = pr_event_to_json(&ev[i]);

		if (s == NULL) {
			fprintf(stderr, "postroute-sim: out of memory\n");
			return 1;
		}
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
	if (fflush(out) != 0 || ferror(out) ||
	    (out != stdout && fclose(out) != 0)) {
		fprintf(stderr, "postroute-sim: write error: %s\n",
		    strerror(errno));
		return 1;
	}
	free(ev);
	pr_region_free(r);
	return 0;
}
