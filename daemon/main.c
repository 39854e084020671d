/* main.c: postrouted's entry point: global options, then the mode (--solve for now; the daemon later). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "postroute/postroute.h"
#include "log.h"
#include "solve_cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp,
	    "usage: postrouted --solve FILE [--time-limit S | --iterations N] "
	    "[--seed N]\n"
	    "                  [--objective distance|vehicles] [--threads N] "
	    "[--verbose]\n"
	    "                  [--exact-max-jobs N]\n"
	    "       postrouted --version | --help\n");
	if (full) {
		fputc('\n', fp);
		solve_cli_usage(fp);
	}
}

/* True when the command line asks for the one-shot solver, which then
 * parses all of it. */
static int
main_is_solve(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--solve") == 0 ||
		    strncmp(argv[i], "--solve=", 8) == 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	log_init(0);
	if (main_is_solve(argc, argv))
		return solve_cli_main(argc, argv);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout, 1);
			return 0;
		case 'V':
			printf("postrouted %s\n", PR_VERSION);
			return 0;
		default:
			fprintf(stderr, "postrouted: unknown option '%s'\n",
			    argv[optind - 1]);
			usage(stderr, 0);
			return 2;
		}
	}
	/* The daemon mode (-c config, -t, -d) comes later. */
	usage(stderr, 1);
	return 2;
}
