/* main.c: postrouted's entry point: global options, then the mode (--solve, -t, or the daemon: start-up, the event loop, signals (reload, drain), systemd notifications and the watchdog). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "postroute/postroute.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "ingest.h"
#include "lease.h"
#include "log.h"
#include "planner.h"
#include "publish.h"
#include "rconn.h"
#include "remote.h"
#include "solve_cli.h"
#include "sentinel.h"
#include "store.h"
#include "txn.h"
#include "util.h"
#include "worker.h"
#include "workers.h"

#ifndef POSTROUTE_CONFIG
#define POSTROUTE_CONFIG "/etc/postroute/postroute.conf"
#endif

/*
 * Start-up: configuration, region, event base, the parts, both Redis
 * connections. READY=1 goes to systemd once Redis is connected, the
 * consumer group exists and the order state is loaded (ingest calls
 * daemon_ready), as redis's redisCommunicateSystemd does. This file is
 * the top of the house: it wires the parts together (ingest reports to
 * the planner through the hooks given here, rconn to ingest through
 * main_conn_state) and nothing calls into it.
 *
 * SIGHUP reloads: the file is parsed into a new struct and validated as a
 * whole; only then are the reloadable keys copied over (RELOADING=1 and
 * READY=1 around it). On any error the running configuration stays.
 *
 * SIGTERM and SIGINT drain: no more reads, running solves may finish for
 * [solver] stop_grace seconds (then they are cancelled), transactions in
 * flight get their replies, the lease (if any) is given up, and the loop
 * ends. Nothing is half-written: every write is one MULTI/EXEC, and
 * unacknowledged entries stay pending.
 *
 * With [cluster] enabled the process starts as a standby and ingests
 * nothing until the lease is its own (lease.c calls main_active). When
 * Redis refuses one of its writes (main_deposed) it stops at once: no
 * more reads, its solves cancelled, and it exits with EX_TEMPFAIL (75),
 * so that systemd (Restart=on-failure) starts it again, as a standby
 * with a clean slate, rather than carrying on with memory that another
 * planner's writes have made stale.
 */

#define MAIN_EXIT_DEPOSED 75	/* EX_TEMPFAIL */

struct daemon_sys {
	struct event *sigterm, *sigint, *sighup;
	struct event *watchdog;
	struct event *stop_timer;
	double stop_started;
	int stop_cancelled;
	int releasing;
	int exit_code;
};

static struct daemon_sys sys;

/* Loads the region of cfg; NULL with the reason in err. */
static int
main_check_config(const char *path, int quiet)
{
	struct config *c = ecalloc(1, sizeof(*c));
	struct pr_region *r;
	char errs[8192];
	int rc = 1;

	if (config_load(c, path, errs, sizeof(errs)) != 0) {
		log_fail_lines(errs);
		goto out;
	}
	if ((r = daemon_load_region(c, NULL, errs, sizeof(errs))) == NULL) {
		log_fail_lines(errs);
		goto out;
	}
	/* A mistyped override would be ignored: an error here. */
	if (config_env_unknown(errs, sizeof(errs)) > 0) {
		log_fail_lines(errs);
		pr_region_free(r);
		goto out;
	}
	if (!quiet) {
		char rp[CONFIG_PATH * 2];

		(void)config_region_path(c, rp, sizeof(rp));
		fprintf(stderr, "%s: configuration ok (region %s from %s: %d "
		    "offices, %d communes)\n", path, r->name, rp,
		    r->n_offices, r->n_communes);
	}
	pr_region_free(r);
	rc = 0;
out:
	free(c);
	return rc;
}

/* ---- signals -------------------------------------------------------------------- */

static void
main_reload(struct daemon *d)
{
	struct config *nc = ecalloc(1, sizeof(*nc));
	struct pr_region *r;
	char errs[8192], keys[1024];

	sd_notify(0, "RELOADING=1");
	log_info("reloading %s", d->cfg.path);
	if (config_load(nc, d->cfg.path, errs, sizeof(errs)) != 0 ||
	    (r = daemon_load_region(nc, NULL, errs, sizeof(errs))) == NULL) {
		char *line = errs, *nl;

		for (; line != NULL && *line; line = nl) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl++ = '\0';
			log_warnx("reload: %s", line);
		}
		log_warnx("reload failed: keeping the running configuration");
		d->metrics.reloads_failed++;
		sd_notify(0, "READY=1\nSTATUS=reload failed, running "
		    "configuration kept");
		free(nc);
		return;
	}
	pr_region_free(r);	/* checked only: the region needs a restart */
	config_restart_keys(&d->cfg, nc, keys, sizeof(keys));
	if (keys[0] != '\0')
		log_warnx("reload: changes to %s take effect after a restart",
		    keys);
	config_apply_reloadable(&d->cfg, nc);
	log_setverbose(d->cfg.log_verbose);
	ingest_reconfigure(d);
	planner_reconfigure(d);
	d->metrics.reloads_ok++;
	log_info("reloaded %s", d->cfg.path);
	sd_notify(0, "READY=1\nSTATUS=configuration reloaded");
	free(nc);
}

static void
main_released(struct daemon *d)
{
	event_base_loopbreak(d->base);
}

static void
main_stop_tick(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	double waited = mono_s() - sys.stop_started;
	int busy = planner_busy(d) + workers_running(d->workers) +
	    remote_running(d->remote);
	int writes = ingest_inflight(d) + rconn_outstanding(d->cmd);

	(void)fd;
	(void)what;
	if (sys.releasing)
		return;
	if (busy == 0 && writes == 0) {
		/* the last write: a standby may take over at once */
		sys.releasing = 1;
		lease_release(d, main_released);
		return;
	}
	if (waited > d->cfg.solver_stop_grace && !sys.stop_cancelled) {
		log_info("stopping: cancelling %d solves", busy);
		workers_cancel_all(d->workers);
		remote_cancel_all(d->remote);
		sys.stop_cancelled = 1;
	}
	if (waited > d->cfg.solver_stop_grace + 5) {
		log_warnx("stopping: giving up on %d solves and %d writes",
		    busy, writes);
		event_base_loopbreak(d->base);
	}
}

static void
main_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct timeval tv = { 0, 20 * 1000 };

	(void)what;
	if (sig == SIGHUP) {
		if (!d->stopping)
			main_reload(d);
		return;
	}
	if (d->stopping)
		return;
	log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	d->stopping = 1;
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	ingest_stop(d);
	sys.stop_started = mono_s();
	sys.stop_timer = event_new(d->base, -1, EV_PERSIST, main_stop_tick,
	    d);
	event_add(sys.stop_timer, &tv);
}

static void
main_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/* libevent's messages, rate-limited once the loop exists (libevent is
 * only called from the loop's thread). */
static struct log_limit *main_event_limit;

static void
main_event_log(int severity, const char *msg)
{
	int pri = severity >= EVENT_LOG_ERR ? LOG_PRI_ERR :
	    severity == EVENT_LOG_WARN ? LOG_PRI_WARNING :
	    severity == EVENT_LOG_MSG ? LOG_PRI_INFO : LOG_PRI_DEBUG;

	if (main_event_limit != NULL && pri < LOG_PRI_DEBUG)
		log_limited(main_event_limit, pri, "libevent: %s", msg);
	else
		log_msg(pri, "libevent: %s", msg);
}

static void
main_conn_state(struct rconn *rc, int up, void *arg)
{
	ingest_conn_state(arg, rc, up);
	lease_conn_state(arg, rc, up);
	publish_conn_state(arg, rc, up);
}

/* The lease is this process's (or there is none): consume. */
static void
main_active(struct daemon *d)
{
	publish_unfollow(d);
	ingest_start(d, d->token > 0);
}

/* Another process holds the lease: serve its plans, read-only. */
static void
main_standby(struct daemon *d)
{
	publish_follow(d);
}

/* Redis refused a write: another process is the active planner. */
static void
main_deposed(struct daemon *d, const char *why)
{
	log_warnx("lease: deposed (token %lld): %s; stepping down: no more "
	    "reads or writes, solves cancelled, exiting with status %d for "
	    "systemd to restart this process as a standby",
	    (long long)d->token, why, MAIN_EXIT_DEPOSED);
	sd_notify(0, "STOPPING=1\nSTATUS=deposed: another process holds "
	    "the lease");
	d->stopping = 1;
	sys.exit_code = MAIN_EXIT_DEPOSED;
	ingest_stop(d);
	workers_cancel_all(d->workers);
	remote_cancel_all(d->remote);
	event_base_loopbreak(d->base);
}

/* Runs the daemon with the configuration at path; returns the exit code. */
static int
main_daemon(const char *path, int verbose)
{
	static const struct ingest_hooks hooks = {
		planner_order_changed, planner_state_loaded, planner_clock_tick
	};
	static const struct lease_hooks lhooks = {
		main_active, main_standby, main_deposed
	};
	struct daemon *d = ecalloc(1, sizeof(*d));
	char errs[8192], host[128];
	uint64_t wd_usec = 0;
	int rc = 0;

	metrics_init(&d->metrics);
	if (config_load(&d->cfg, path, errs, sizeof(errs)) != 0) {
		log_fail_lines(errs);
		free(d);
		return 1;
	}
	if (d->cfg.cluster_role == CONFIG_ROLE_WORKER) {
		free(d);   /* [cluster] role = worker: as --worker */
		return worker_main(path, verbose);
	}
	log_init(verbose > d->cfg.log_verbose ? verbose : d->cfg.log_verbose);
	if ((d->region = daemon_load_region(&d->cfg, d->region_id,
	    errs, sizeof(errs))) == NULL) {
		log_fail_lines(errs);
		free(d);
		return 1;
	}
	if (config_env_unknown(errs, sizeof(errs)) > 0) {
		for (char *line = errs, *nl; line != NULL && *line; line = nl) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl++ = '\0';
			log_warnx("%s (ignored)", line);
		}
	}
	if (d->cfg.streams_consumer[0] != '\0') {
		scopy(d->consumer, d->cfg.streams_consumer,
		    sizeof(d->consumer));
	} else {
		if (gethostname(host, sizeof(host)) != 0)
			scopy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		snprintf(d->consumer, sizeof(d->consumer), "%s:%ld", host,
		    (long)getpid());
	}
	signal(SIGPIPE, SIG_IGN);
	event_set_log_callback(main_event_log);
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	main_event_limit = log_limit_new(d->base, 20, "libevent: messages",
	    NULL);
	log_info("postrouted %s starting: region %s (%d offices), %d "
	    "workers, consumer %s", PR_VERSION, d->region->name,
	    d->region->n_offices, d->cfg.solver_workers, d->consumer);

	d->store = store_new();
	publish_new(d);
	planner_new(d);
	ingest_new(d, &hooks);
	d->workers = workers_new(d->base, d->cfg.solver_workers,
	    d->cfg.solver_nice);
	if (d->cfg.http_enabled)
		d->http = http_new(d);
	if (d->cfg.redis_sentinels[0] != '\0') {
		d->sentinel = sentinel_new(d->base, &d->cfg);
		d->rd = sentinel_connect(d->sentinel, "read", main_conn_state,
		    d);
		d->cmd = sentinel_connect(d->sentinel, "command",
		    main_conn_state, d);
	} else {
		d->rd = rconn_new(d->base, "read", &d->cfg, main_conn_state,
		    d);
		d->cmd = rconn_new(d->base, "command", &d->cfg,
		    main_conn_state, d);
	}
	d->fence = txn_fence_new(d->cmd, lease_refused, d);
	if (d->cfg.cluster_remote_workers)
		d->remote = remote_new(d);
	lease_new(d, &lhooks);

	sys.sigterm = evsignal_new(d->base, SIGTERM, main_signal_cb, d);
	sys.sigint = evsignal_new(d->base, SIGINT, main_signal_cb, d);
	sys.sighup = evsignal_new(d->base, SIGHUP, main_signal_cb, d);
	event_add(sys.sigterm, NULL);
	event_add(sys.sigint, NULL);
	event_add(sys.sighup, NULL);
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv;

		wd_usec /= 2;
		tv.tv_sec = (time_t)(wd_usec / 1000000);
		tv.tv_usec = (suseconds_t)(wd_usec % 1000000);
		sys.watchdog = event_new(d->base, -1, EV_PERSIST,
		    main_watchdog_cb, d);
		event_add(sys.watchdog, &tv);
		log_debug("watchdog every %llu us",
		    (unsigned long long)wd_usec);
	}
	daemon_status(d, "connecting to Redis");

	if (event_base_dispatch(d->base) < 0)
		rc = 1;
	if (sys.exit_code != 0)
		rc = sys.exit_code;

	log_info("stopped: %llu events acked, %llu dead-lettered, %llu "
	    "plans published", (unsigned long long)d->metrics.events_acked,
	    (unsigned long long)d->metrics.events_deadlettered,
	    (unsigned long long)d->metrics.plans_published);
	if (d->role == ROLE_DEPOSED)
		log_info("refused by Redis since the lease was lost: %llu "
		    "batches, %llu plans",
		    (unsigned long long)d->metrics.batches_refused,
		    (unsigned long long)d->metrics.plans_refused);
	http_free(d->http);
	remote_free(d->remote);
	workers_free(d->workers);
	rconn_free(d->cmd);
	rconn_free(d->rd);
	txn_fence_free(d->fence);
	sentinel_free(d->sentinel);
	lease_free(d->lease);
	ingest_free(d->ingest);
	planner_free(d->planner);
	publish_free(d->publish);
	store_free(d->store);
	if (sys.watchdog != NULL)
		event_free(sys.watchdog);
	if (sys.stop_timer != NULL)
		event_free(sys.stop_timer);
	event_free(sys.sigterm);
	event_free(sys.sigint);
	event_free(sys.sighup);
	log_limit_free(main_event_limit);
	main_event_limit = NULL;
	event_base_free(d->base);
	pr_region_free(d->region);
	metrics_free(&d->metrics);
	free(d);
	return rc;
}

static void
usage(FILE *fp, int full)
{
	fprintf(fp,
	    "usage: postrouted [-v] [-c FILE]      run the daemon (default "
	    "config " POSTROUTE_CONFIG ")\n"
	    "       postrouted -t [-c FILE]        check a configuration and "
	    "its region\n"
	    "       postrouted --worker [-v] [-c FILE]  a solve worker "
	    "([cluster] role = worker)\n"
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
		{ "worker", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = getenv("POSTROUTE_CONFIG");
	int c, test = 0, verbose = 0, worker = 0;

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
		case 'W':
			worker = 1;
			break;
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
		return main_check_config(config, 0);
	if (worker)
		return worker_main(config, verbose);
	return main_daemon(config, verbose);
}
