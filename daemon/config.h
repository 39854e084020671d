/* config.h: postrouted's configuration: one table of keys drives parsing, defaults, validation and the man page. */
#ifndef POSTROUTED_CONFIG_H
#define POSTROUTED_CONFIG_H

#include <stdio.h>

#define CONFIG_STR 256
#define CONFIG_PATH 1024

enum config_clock {
	CONFIG_CLOCK_WALL = 0,   /* plan against the system clock */
	CONFIG_CLOCK_EVENTS = 1  /* plan against the newest event time (replays) */
};

struct config {
	char path[CONFIG_PATH];          /* the file it came from */

	/* [redis] */
	char redis_host[CONFIG_STR];
	int redis_port;
	char redis_socket[CONFIG_PATH];
	char redis_user[CONFIG_STR];
	char redis_password[CONFIG_STR];
	int redis_db;
	int redis_connect_timeout_ms;
	int redis_command_timeout_ms;
	int redis_backoff_min_ms;
	int redis_backoff_max_ms;
	char redis_sentinels[CONFIG_STR];   /* host:port,... (config_sentinels) */
	char redis_master_name[CONFIG_STR];
	char redis_sentinel_password[CONFIG_STR];
	int redis_ack_replicas;
	int redis_ack_timeout_ms;

	/* [streams] */
	char streams_events[CONFIG_STR];
	char streams_group[CONFIG_STR];
	char streams_consumer[CONFIG_STR];
	char streams_deadletter[CONFIG_STR];
	char streams_plans[CONFIG_STR];
	char streams_prefix[CONFIG_STR];
	int streams_batch;
	int streams_batch_bytes;
	int streams_block_ms;
	int streams_claim_idle_ms;
	int streams_claim_interval_ms;
	int streams_max_deliveries;
	int streams_max_event_bytes;
	int streams_plans_maxlen;
	int streams_deadletter_maxlen;
	int streams_stall_s;

	/* [http] */
	int http_enabled;
	char http_listen[CONFIG_STR];
	int http_port;
	int http_max_body;
	int http_max_connections;
	int http_request_timeout_s;
	int http_solve_max_mb;
	char http_token_file[CONFIG_PATH];
	char http_web_root[CONFIG_PATH];
	char http_leaflet_dir[CONFIG_PATH];
	char http_tile_url[CONFIG_STR];
	char http_tile_attribution[CONFIG_STR];

	/* [planner] */
	char planner_region[CONFIG_PATH];
	int planner_batch_orders;
	int planner_interval_s;
	int planner_perishable_window_s;
	int planner_cutoff_lead_s;
	int planner_debounce_ms;
	int planner_horizon_days;
	int planner_clock;               /* enum config_clock */
	int planner_max_clock_skew_s;
	double planner_stability;
	double planner_late_budget;
	double planner_late_min_km;
	double planner_late_max_delay_h;
	int planner_late_max_stops;
	int planner_freeze_s;
	double planner_departure_margin;
	double planner_postpone_km;
	double planner_postpone_h;
	int planner_plan_at_ticks;
	double planner_group_km;
	int planner_group_across_districts;
	int planner_group_orders;
	double planner_group_share_min;

	/* [solver] */
	int solver_workers;
	int solver_nice;
	double solver_time_limit;
	double solver_time_per_pickup;
	double solver_max_time_limit;
	int solver_threads;
	int solver_seed;
	int solver_iterations;
	int solver_exact_max_jobs;
	double solver_stop_grace;

	/* [cluster] */
	int cluster_enabled;
	int cluster_lease_s;
	int cluster_role;               /* enum config_role */
	int cluster_remote_workers;
	int cluster_job_claim_ms;
	int cluster_job_timeout_s;
	int cluster_job_max_bytes;
	int cluster_job_max_deliveries;

	/* [log] */
	int log_verbose;
};

/* [cluster] role: what the process does. */
enum config_role {
	CONFIG_ROLE_PLANNER = 0,   /* ingests, plans, publishes (or stands by) */
	CONFIG_ROLE_WORKER         /* solves plan jobs from <prefix>jobs */
};

/* One Sentinel of [redis] sentinels. */
struct config_hostport {
	char host[CONFIG_STR];
	int port;
};

#define CONFIG_MAX_SENTINELS 8

/* Splits a [redis] sentinels value ("host:port", "[v6]:port", separated
 * by commas or blanks) into out (at most max). Returns how many, or -1
 * with the reason in why (n bytes). */
int config_sentinels(const char *v, struct config_hostport *out, int max,
    char *why, size_t n);

/* Fills c with the defaults of the table. */
void config_defaults(struct config *c);

/*
 * Reads path into c: defaults, then the file, then POSTROUTE_<SECTION>_<KEY>
 * environment overrides, then the checks that span keys. Each problem is
 * appended to errs (one line each, naming file, line and key) as a string
 * of at most errsz bytes. Returns 0, or -1 when anything was wrong.
 * Loop thread, or before the loop starts.
 */
int config_load(struct config *c, const char *path, char *errs, size_t errsz);

/*
 * The region file's path into buf. An absolute planner.region is taken
 * as it is; a relative one is looked up in the directory of the
 * configuration file, then in config_datadir() (the packaged region
 * data). Returns 0, or -1 when a relative region is in neither place
 * (buf then holds the first).
 */
int config_region_path(const struct config *c, char *buf, size_t n);

/* Where postroute's data (regions/) was installed: PREFIX/share/postroute
 * of the build, /usr/share/postroute for the Debian package. */
const char *config_datadir(void);

/*
 * Lists the POSTROUTE_* environment variables that are neither a key
 * (POSTROUTE_<SECTION>_<KEY>) nor POSTROUTE_CONFIG into buf, one line
 * each, with the nearest key when there is one. Returns their number.
 */
int config_env_unknown(char *buf, size_t n);

/* A path of the configuration (region, token_file, web_root) resolved
 * against the directory of the configuration file when relative. */
void config_resolve(const struct config *c, const char *p, char *buf,
    size_t n);

/* True for 127.0.0.0/8, ::1 and localhost. */
int config_is_loopback(const char *addr);

/* Smallest length of the access token ([http] token_file). */
#define CONFIG_TOKEN_MIN 16
#define CONFIG_TOKEN_MAX 256

/*
 * Reads the access token of [http] token_file into buf (n bytes, at least
 * CONFIG_TOKEN_MAX + 1): one line of CONFIG_TOKEN_MIN to CONFIG_TOKEN_MAX
 * printable ASCII characters without spaces, trailing newline dropped,
 * from a file that not every user may read. Returns 0, or -1 with the
 * reason (naming the file) in err.
 */
int config_read_token(const struct config *c, char *buf, size_t n,
    char *err, size_t errn);

/* Lists the keys whose new value differs from the old one but cannot
 * change without a restart, into buf ("" when none). */
void config_restart_keys(const struct config *old, const struct config *nw,
    char *buf, size_t n);

/* Copies the reloadable keys of nw into c. */
void config_apply_reloadable(struct config *c, const struct config *nw);

/* The postroute.conf(5) man page, generated from the table. */
void config_print_man(FILE *fp);
/* A configuration file with every key at its default, commented. */
void config_print_sample(FILE *fp);

#endif
