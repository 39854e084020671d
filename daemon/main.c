/* main.c: postrouted's entry point: global options, then the mode (--solve, -t, or the daemon). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "postroute/postroute.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "solve_cli.h"

#ifndef POSTROUTE_CONFIG
#define POSTROUTE_CONFIG "/etc/postroute/postroute.conf"
#endif

static void
usage(FILE *fp, int full)
{
	fprintf(fp,
	    "usage: postrouted [-v] [-c FILE]      run the daemon (default "
	    "config " POSTROUTE_CONFIG ")\n"
	    "       postrouted -t [-c FILE]        check a configuration and "
	    "its region\n"
	    "       postrouted --config-man | --config-sample\n"
	    "       postrouted --solve FILE [--time-limit S | --iterations N] "
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
		{ "config", required_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "config-man", no_argument, NULL, 'M' },
		{ "config-sample", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = getenv("POSTROUTE_CONFIG");
	int c, test = 0, verbose = 0;

	log_init(0);
	if (main_is_solve(argc, argv))
		return solve_cli_main(argc, argv);

	opterr = 0;
	if (config == NULL || *config == '\0')
		config = POSTROUTE_CONFIG;
	while ((c = getopt_long(argc, argv, ":hVc:tv", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout, 1);
			return 0;
		case 'V':
			printf("postrouted %s\n", PR_VERSION);
			return 0;
		case 'c':
			config = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'M':
			config_print_man(stdout);
			return 0;
		case 'S':
			config_print_sample(stdout);
			return 0;
		case ':':
			fprintf(stderr, "postrouted: option '%s' needs an "
			    "argument\n", argv[optind - 1]);
			usage(stderr, 0);
			return 2;
		default:
			fprintf(stderr, "postrouted: unknown option '%s'\n",
			    argv[optind - 1]);
			usage(stderr, 0);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "postrouted: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr, 0);
		return 2;
	}
	if (test)
		return daemon_check_config(config, 0);
	return daemon_main(config, verbose);
}
