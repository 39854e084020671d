/* bench-field.c: the field benchmark: a Lạng Sơn custard-apple peak day, the offline plan of the shared planner vs a naive baseline. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>

#include "benchutil.h"
#include "field.h"
#include "postroute/plan.h"
#include "postroute/postroute.h"

/*
 * usage: bench-field [--region FILE] [--date YYYY-MM-DD] [--orders N]
 *            [--seed S] [--events FILE] [--time-limit S] [--iterations N]
 *            [--threads N] [--glpk-limit S] [--greedy] [--round HH:MM]
 *            [--group-km KM] [--group-orders N] [--group-share-min M]
 *            [--late-budget SHARE] [--late-km KM] [--late-delay-h H]
 *            [--late-stops N] [--verbose]
 *
 * One day of orders (postroute-sim's generator, or --events FILE of JSON
 * lines) is planned twice over the same travel model (bench/common/field.c):
 *
 *   postroute: the plan of libpostroute's one planner (pr_plan_run, the
 *   code postrouted runs) with every order known in advance: the
 *   clustering (GLPK), groups of neighbouring commune offices
 *   (--group-km 15, --group-orders 300; --group-km 0: every office
 *   alone; across district borders unless --group-within-district), one
 *   solve per group or office (--iterations, 16,000 per problem by
 *   default: figures that do not depend on the machine; or --time-limit
 *   S, 0.1 s + 10 ms per pickup up to S), the service-level rule only
 *   with --late-budget > 0 (the
 *   default is 0: promises first); every solution goes through the
 *   independent checker (tests/checker).
 *
 *   baseline: each pickup at its own commune office; one fixed daily
 *   round (--round, 13:00) takes the orders ready by then in order of
 *   arrival, filling each vehicle in turn, nearest-neighbour order;
 *   what is left waits for the next day's round.
 *
 * on_time is measured over the orders that can physically make their
 * promise; docs/domain.md. --verbose prints every office, twice (-v -v)
 * every route too.
 */

static void
field_usage(FILE *f)
{
	fprintf(f, "usage: bench-field [--region FILE] [--date YYYY-MM-DD] "
	    "[--orders N] [--seed S]\n"
	    "           [--events FILE] [--time-limit S] [--iterations N] "
	    "[--threads N]\n"
	    "           [--glpk-limit S]"
	    " [--greedy] [--round HH:MM] [--group-km KM] "
	    "[--group-orders N]\n"
	    "           [--group-share-min M] [--group-within-district] "
	    "[--late-budget SHARE] "
	    "[--late-km KM]\n"
	    "           [--late-delay-h H] [--late-stops N] [--verbose]\n");
}

static double
field_num(const char *opt, const char *s, double lo, double hi)
{
	return bench_num("bench-field", opt, s, lo, hi);
}

static void
field_print(const struct field_day *fd, const struct field_result *pr,
    const struct field_result *bl)
{
	int np = fd->npossible ? fd->npossible : 1, n = fd->n ? fd->n : 1;

	printf("\n%-34s %12s %12s\n", "", "postroute", "baseline");
	printf("%-34s %12d %12d\n", "orders", pr->planned, bl->planned);
	printf("%-34s %11.1f%% %11.1f%%\n", "on time (of those that can)",
	    100.0 * pr->on_time_possible / np, 100.0 * bl->on_time_possible / np);
	printf("%-34s %12d %12d\n", "  on time, count", pr->on_time_possible,
	    bl->on_time_possible);
	printf("%-34s %11.1f%% %11.1f%%\n", "on time (of all)",
	    100.0 * pr->on_time_all / n, 100.0 * bl->on_time_all / n);
	printf("%-34s %12d %12d\n", "at risk (late or not picked up)",
	    pr->at_risk, bl->at_risk);
	for (int k = 1; k < FIELD_NREASONS; k++)
		if (pr->risk[k] > 0 || bl->risk[k] > 0)
			printf("  %-32s %12d %12d\n", field_reason(k),
			    pr->risk[k], bl->risk[k]);
	printf("%-34s %12.0f %12.0f\n", "vehicle-km", pr->km, bl->km);
	printf("%-34s %12d %12d\n", "routes (vehicle trips)", pr->routes,
	    bl->routes);
	for (int lv = 0; lv < 3; lv++) {
		static const char *const ln[3] = { "commune", "district",
		    "main" };
		char lab[64];

		snprintf(lab, sizeof(lab), "  %s offices: pickups", ln[lv]);
		printf("%-34s %12d %12d\n", lab, pr->lv_orders[lv],
		    bl->lv_orders[lv]);
		printf("  %-32s %12d %12d\n", "  trips", pr->lv_routes[lv],
		    bl->lv_routes[lv]);
		printf("  %-32s %12.0f %12.0f\n", "  km", pr->lv_km[lv],
		    bl->lv_km[lv]);
	}
	printf("%-34s %12d %12s\n", "pickups moved to another office",
	    pr->moved, "-");
	printf("%-34s %12.2f %12.2f\n", "planning seconds", pr->seconds,
	    bl->seconds);
	printf("%-34s %11.1f%%\n", "vehicle-km saved",
	    bl->km > 0 ? 100.0 * (bl->km - pr->km) / bl->km : 0.0);
	printf("field: on_time=%.1f%% baseline_on_time=%.1f%% km=%.0f "
	    "baseline_km=%.0f at_risk=%d orders=%d\n",
	    100.0 * pr->on_time_possible / np,
	    100.0 * bl->on_time_possible / np, pr->km, bl->km, pr->at_risk,
	    fd->n);
}

int
main(int argc, char **argv)
{
	const char *region = "config/regions/langson.json";
	const char *date = "2026-08-20";
	const char *events = NULL, *round_s = "13:00";
	int n_orders = 5200, ch, round_tod, verbose = 0, hh, mm;
	uint64_t seed = 1;
	struct field_day fd;
	struct field_result pr, bl;
	struct field_offline_params fp;
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "date", required_argument, NULL, 'd' },
		{ "orders", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'I' },
		{ "threads", required_argument, NULL, 'j' },
		{ "glpk-limit", required_argument, NULL, 'g' },
		{ "greedy", no_argument, NULL, 'G' },
		{ "round", required_argument, NULL, 'R' },
		{ "group-km", required_argument, NULL, 'K' },
		{ "group-orders", required_argument, NULL, 'N' },
		{ "group-share-min", required_argument, NULL, 'S' },
		{ "group-within-district", no_argument, NULL, 'A' },
		{ "late-budget", required_argument, NULL, 'L' },
		{ "late-km", required_argument, NULL, 'k' },
		{ "late-delay-h", required_argument, NULL, 'D' },
		{ "late-stops", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	field_offline_params_init(&fp);
	while ((ch = getopt_long(argc, argv,
	    "r:d:n:s:e:t:I:j:g:GR:K:N:S:AL:k:D:T:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			region = optarg;
			break;
		case 'd':
			date = optarg;
			break;
		case 'n':
			n_orders = (int)field_num("orders", optarg, 0, 1e6);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'e':
			events = optarg;
			break;
		case 't':
			fp.pp.time_limit = field_num("time-limit", optarg,
			    0.01, 600);
			fp.pp.iterations = 0;   /* by time */
			break;
		case 'I':
			fp.pp.iterations = (long)field_num("iterations", optarg,
			    1, 1e9);
			break;
		case 'j':
			fp.pp.threads = (int)field_num("threads", optarg, 1,
			    64);
			break;
		case 'g':
			fp.glpk_limit = field_num("glpk-limit", optarg, 0.01,
			    3600);
			break;
		case 'G':
			fp.greedy = 1;
			break;
		case 'R':
			round_s = optarg;
			break;
		case 'K':
			fp.pp.group_radius_m = 1000 * field_num("group-km",
			    optarg, 0, 100);
			if (fp.pp.group_radius_m <= 0)
				fp.pp.group_small = 0;
			break;
		case 'N':
			fp.pp.group_max_orders = (int)field_num("group-orders",
			    optarg, 1, 1e6);
			break;
		case 'S':
			fp.pp.group_share_s = 60 * field_num("group-share-min",
			    optarg, 0, 600);
			break;
		case 'A':
			fp.pp.group_any_district = 0;
			break;
		case 'L':
			fp.late_budget = field_num("late-budget", optarg, 0, 1);
			break;
		case 'k':
			fp.pp.late.min_saving_m = 1000 * field_num("late-km",
			    optarg, 0, 1000);
			break;
		case 'D':
			fp.pp.late.max_delay_s = 3600 * field_num(
			    "late-delay-h", optarg, 0, 240);
			break;
		case 'T':
			fp.pp.late.max_stops = (int)field_num("late-stops",
			    optarg, 1, 64);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			field_usage(stdout);
			return 0;
		default:
			field_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bench-field: unexpected argument \"%s\"\n",
		    argv[optind]);
		field_usage(stderr);
		return 2;
	}
	if (sscanf(round_s, "%d:%d", &hh, &mm) != 2 || hh < 0 || hh > 23 ||
	    mm < 0 || mm > 59) {
		fprintf(stderr, "bench-field: --round: \"%s\" is not HH:MM\n",
		    round_s);
		return 2;
	}
	round_tod = hh * 3600 + mm * 60;

	field_day_load(&fd, "bench-field", region, date, n_orders, seed,
	    events);
	/* Stability and vehicle ids have no previous plan offline. */
	fp.pp.seed = seed;
	printf("field benchmark: region %s, %s, %d events, %d open orders, "
	    "seed %llu\n", fd.r->name, date, fd.nev, fd.n,
	    (unsigned long long)seed);
	printf("orders that can make their promise at all: %d (",
	    fd.npossible);
	for (int k = 1; k < PR_RISK_COUNT; k++)
		if (fd.impossible_risk[k] > 0)
			printf(" %s %d", pr_risk_name(k), fd.impossible_risk[k]);
	printf(" )\n");

	memset(&pr, 0, sizeof(pr));
	memset(&bl, 0, sizeof(bl));
	field_offline(&fd, &fp, verbose, &pr);
	field_baseline(&fd, round_tod, verbose, &bl);
	field_print(&fd, &pr, &bl);
	field_day_free(&fd);
	glp_free_env();
	return 0;
}
