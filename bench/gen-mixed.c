/* gen-mixed.c: writes the mixed pickup-and-delivery problems (problem JSON with deliveries, skills and breaks) made from Solomon instances with a seed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "mixed.h"
#include "postroute/postroute.h"

/*
 * usage: gen-mixed [--seed N] [--out DIR] SOLOMON_FILE...
 *
 * Each file becomes MIX-NAME-sSEED.json in DIR, or goes to stdout when
 * there is one file and no --out. The change is bench/common/mixed.c's
 * (mixed_json); the same file and seed always give the same bytes, which
 * `postrouted --solve` reads like any problem.
 */

static void
gen_usage(FILE *f)
{
	fprintf(f, "usage: gen-mixed [--seed N] [--out DIR] "
	    "SOLOMON_FILE...\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mixed_params mp;
	const char *outdir = NULL;
	int ch, bad = 0;

	mixed_params_init(&mp);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 's':
			errno = 0;
			mp.seed = strtoull(optarg, &end, 10);
			if (*optarg == '-' || end == optarg || *end != '\0' ||
			    errno != 0) {
				fprintf(stderr, "gen-mixed: --seed: \"%s\" is "
				    "not an unsigned integer\n", optarg);
				return 2;
			}
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'h':
			gen_usage(stdout);
			return 0;
		default:
			gen_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || (outdir == NULL && argc - optind > 1)) {
		gen_usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct pr_problem *p = NULL;
		struct pr_error err = { 0, "" };
		char path[1024], *buf, *js;
		size_t len;
		FILE *f = stdout;

		if ((buf = bench_read_file(argv[i], &len)) == NULL) {
			fprintf(stderr, "gen-mixed: %s: %s\n", argv[i],
			    strerror(errno));
			bad = 1;
			continue;
		}
		if (pr_problem_from_solomon(buf, len, &p, &err) != 0 ||
		    (js = mixed_json(p, &mp)) == NULL) {
			fprintf(stderr, "gen-mixed: %s: %s\n", argv[i],
			    err.msg[0] ? err.msg : "not a Solomon problem");
			free(buf);
			pr_problem_free(p);
			bad = 1;
			continue;
		}
		free(buf);
		if (outdir != NULL) {
			snprintf(path, sizeof(path), "%s/MIX-%s-s%llu.json",
			    outdir, p->name, (unsigned long long)mp.seed);
			if ((f = fopen(path, "w")) == NULL) {
				fprintf(stderr, "gen-mixed: %s: %s\n", path,
				    strerror(errno));
				return 1;
			}
		}
		fputs(js, f);
		if ((f != stdout && fclose(f) != 0) || ferror(stdout)) {
			fprintf(stderr, "gen-mixed: write failed\n");
			return 1;
		}
		free(js);
		pr_problem_free(p);
	}
	return bad;
}
