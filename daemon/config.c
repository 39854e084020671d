/* config.c: postrouted's configuration: one table of keys drives parsing, defaults, validation and the man page. */
#define _DEFAULT_SOURCE         /* explicit_bzero */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ini.h>

#include "config.h"

#ifndef POSTROUTE_DATADIR
#define POSTROUTE_DATADIR "/usr/local/share/postroute"
#endif

/* A configuration file is a few kilobytes: more than this is refused
 * unread (and a file that keeps growing while read stops there). */
#define CONFIG_MAX_BYTES (1024 * 1024)

/*
 * Every key postrouted understands is one row of config_table (after
 * redis's static_configs[] and tmux's options-table.c): the parser, the
 * defaults, the range checks, the environment overrides, reload and the
 * postroute.conf(5) man page all read it, so they cannot disagree.
 */

enum config_type {
	CT_STR,     /* min/max: length bounds */
	CT_INT,
	CT_DBL,
	CT_BOOL,
	CT_ENUM
};

struct config_key {
	const char *section;
	const char *name;
	enum config_type type;
	size_t off;
	size_t size;             /* CT_STR: buffer size */
	double min, max;
	const char *def;
	int reload;              /* takes effect on SIGHUP */
	const char *const *enums;
	const char *desc;
	/* CT_STR: NULL or a check of the whole value, returning NULL or
	 * the reason it is refused */
	const char *(*check)(const char *);
};

static const char *const config_clock_names[] = { "wall", "events", NULL };
static const char *const config_role_names[] = { "planner", "worker", NULL };

static int
config_is_ip(const char *v)
{
	struct in_addr a4;
	struct in6_addr a6;

	return inet_pton(AF_INET, v, &a4) == 1 ||
	    inet_pton(AF_INET6, v, &a6) == 1;
}

/* [redis] host: an IP address or a host name (RFC 1123 labels; '_' is
 * let through for container service names). */
static const char *
config_check_host(const char *v)
{
	size_t len = strlen(v), label = 0;

	if (config_is_ip(v))
		return NULL;
	if (len > 253)
		return "is not a host name or an IP address (too long)";
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch == '.') {
			if (label == 0 || v[i - 1] == '-')
				return "is not a host name or an IP address";
			label = 0;
		} else if (isalnum(ch) || ch == '_' ||
		    (ch == '-' && label > 0)) {
			if (++label > 63)
				return "is not a host name or an IP address "
				    "(a label is longer than 63 bytes)";
		} else {
			return "is not a host name or an IP address";
		}
	}
	if (label > 0 && v[len - 1] == '-')
		return "is not a host name or an IP address";
	return NULL;
}

/* [redis] socket: empty, or an absolute path that fits a sockaddr_un. */
static const char *
config_check_socket(const char *v)
{
	if (v[0] == '\0')
		return NULL;
	if (v[0] != '/')
		return "must be an absolute path";
	if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return "is longer than a unix socket path can be (107 bytes)";
	return NULL;
}

/* [http] listen: what evhttp can bind. A numeric address, not a name: a
 * name that resolves to several addresses would bind only the first. */
static const char *
config_check_listen(const char *v)
{
	if (strcmp(v, "localhost") == 0 || config_is_ip(v))
		return NULL;
	return "is not an IPv4 or IPv6 address (nor localhost)";
}

int
config_sentinels(const char *v, struct config_hostport *out, int max,
    char *why, size_t n)
{
	const char *p = v, *e, *colon;
	char item[CONFIG_STR];
	int k = 0;

	while (*p != '\0') {
		size_t len, hl;
		const char *host;
		char *end;
		long port;

		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t");
		e = p + len;
		if (len >= sizeof(item)) {
			snprintf(why, n, "has an entry longer than %zu bytes",
			    sizeof(item) - 1);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p = e;
		if ((colon = strrchr(item, ':')) == NULL || colon == item) {
			snprintf(why, n, "entry \"%s\" is not host:port", item);
			return -1;
		}
		host = item;
		hl = (size_t)(colon - item);
		if (item[0] == '[') {
			if (hl < 3 || item[hl - 1] != ']') {
				snprintf(why, n, "entry \"%s\" is not [v6]:port",
				    item);
				return -1;
			}
			host = item + 1;
			hl -= 2;
		}
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno != 0 ||
		    port < 1 || port > 65535) {
			snprintf(why, n, "entry \"%s\": the port must be 1 to "
			    "65535", item);
			return -1;
		}
		if (k == max) {
			snprintf(why, n, "has more than %d entries", max);
			return -1;
		}
		memcpy(out[k].host, host, hl);
		out[k].host[hl] = '\0';
		if (config_check_host(out[k].host) != NULL) {
			snprintf(why, n, "entry \"%s\": %s is not a host name "
			    "or an IP address", item, out[k].host);
			return -1;
		}
		out[k].port = (int)port;
		k++;
	}
	return k;
}

/* [redis] sentinels: empty, or a list config_sentinels() accepts. */
static const char *
config_check_sentinels(const char *v)
{
	static _Thread_local char why[CONFIG_STR + 96];
	struct config_hostport hp[CONFIG_MAX_SENTINELS];

	if (config_sentinels(v, hp, CONFIG_MAX_SENTINELS, why,
	    sizeof(why)) < 0)
		return why;
	return NULL;
}

#define CF(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define KSTR(s, k, f, lo, def, rl, d) \
	{ s, k, CT_STR, CF(f), lo, 0, def, rl, NULL, d, NULL }
#define KSTRC(s, k, f, lo, def, rl, chk, d) \
	{ s, k, CT_STR, CF(f), lo, 0, def, rl, NULL, d, chk }
#define KINT(s, k, f, lo, hi, def, rl, d) \
	{ s, k, CT_INT, CF(f), lo, hi, def, rl, NULL, d, NULL }
#define KDBL(s, k, f, lo, hi, def, rl, d) \
	{ s, k, CT_DBL, CF(f), lo, hi, def, rl, NULL, d, NULL }
#define KBOOL(s, k, f, def, rl, d) \
	{ s, k, CT_BOOL, CF(f), 0, 1, def, rl, NULL, d, NULL }
#define KENUM(s, k, f, e, def, rl, d) \
	{ s, k, CT_ENUM, CF(f), 0, 0, def, rl, e, d, NULL }

static const struct config_key config_table[] = {
	KSTRC("redis", "host", redis_host, 1, "127.0.0.1", 0, config_check_host,
	    "Redis server host name or address (ignored when socket is set)."),
	KINT("redis", "port", redis_port, 1, 65535, "6379", 0,
	    "Redis server TCP port."),
	KSTRC("redis", "socket", redis_socket, 0, "", 0, config_check_socket,
	    "Absolute path of the Redis unix socket; when set, host and "
	    "port are not used. Under the packaged unit, the postroute user "
	    "needs access to it: see postrouted(8), REDIS."),
	KSTR("redis", "user", redis_user, 0, "", 0,
	    "ACL user name for AUTH (Redis 6 and later); empty for the "
	    "default user."),
	KSTR("redis", "password", redis_password, 0, "", 0,
	    "Password for AUTH; empty: no AUTH. Prefer the environment "
	    "variable POSTROUTE_REDIS_PASSWORD to keeping it in the file."),
	KINT("redis", "db", redis_db, 0, 15, "0", 0,
	    "Database number selected after connecting."),
	KINT("redis", "connect_timeout_ms", redis_connect_timeout_ms, 50,
	    60000, "2000", 1,
	    "A connection attempt that takes longer is abandoned."),
	KINT("redis", "command_timeout_ms", redis_command_timeout_ms, 50,
	    600000, "5000", 1,
	    "A reply that takes longer than this (plus block_ms for the "
	    "blocking read) tears the connection down and reconnects."),
	KINT("redis", "backoff_min_ms", redis_backoff_min_ms, 10, 60000,
	    "100", 1, "First delay before reconnecting; doubled after each "
	    "failure."),
	KINT("redis", "backoff_max_ms", redis_backoff_max_ms, 10, 600000,
	    "5000", 1, "Longest delay between reconnection attempts."),
	KSTRC("redis", "sentinels", redis_sentinels, 0, "", 0,
	    config_check_sentinels,
	    "Redis Sentinels as host:port, separated by commas (at most 8); "
	    "when set, the primary is the one they name for master_name "
	    "(SENTINEL get-master-addr-by-name), asked again before every "
	    "connection and when they announce a failover (+switch-master); "
	    "host, port and socket are not used. The server connected to "
	    "must say it is a primary (ROLE)."),
	KSTR("redis", "master_name", redis_master_name, 0, "", 0,
	    "The name the Sentinels monitor the primary under; required "
	    "with sentinels."),
	KSTR("redis", "sentinel_password", redis_sentinel_password, 0, "", 0,
	    "Password for AUTH on the Sentinels (their requirepass); empty: "
	    "no AUTH. Prefer POSTROUTE_REDIS_SENTINEL_PASSWORD."),
	KINT("redis", "ack_replicas", redis_ack_replicas, 0, 16, "0", 1,
	    "A batch of events is acknowledged (XACK) only once WAIT says "
	    "its stored state reached this many replicas; when WAIT times "
	    "out the batch is not acknowledged and WAIT is retried. 0: the "
	    "state and the XACK go in one transaction, without WAIT."),
	KINT("redis", "ack_timeout_ms", redis_ack_timeout_ms, 10, 60000,
	    "1000", 1, "Timeout of each WAIT for ack_replicas."),

	KSTR("streams", "events", streams_events, 1, "postroute:events", 0,
	    "Stream the order events are read from."),
	KSTR("streams", "group", streams_group, 1, "postrouted", 0,
	    "Consumer group; created (with MKSTREAM) when missing."),
	KSTR("streams", "consumer", streams_consumer, 0, "", 0,
	    "Consumer name in the group; empty: host:pid. A fixed name lets "
	    "a restarted daemon re-read its own pending entries at once "
	    "instead of claiming them after claim_idle_ms."),
	KSTR("streams", "deadletter", streams_deadletter, 1,
	    "postroute:deadletter", 0,
	    "Stream bad events are moved to, with the original id, the "
	    "payload and a reason."),
	KSTR("streams", "plans", streams_plans, 1, "postroute:plans", 0,
	    "Stream every published plan is appended to (field plan)."),
	KSTR("streams", "prefix", streams_prefix, 1, "postroute:", 0,
	    "Prefix of the daemon's other keys (orders, office indexes, "
	    "latest plans)."),
	KINT("streams", "batch", streams_batch, 1, 10000, "500", 1,
	    "Entries read at most at a time; one transaction stores and "
	    "acks them."),
	KINT("streams", "batch_bytes", streams_batch_bytes, 4096, 67108864,
	    "1048576", 1, "Event bytes read at most at a time (the read "
	    "stops at batch entries or at this, whichever comes first)."),
	KINT("streams", "block_ms", streams_block_ms, 10, 60000, "100", 1,
	    "An idle consumer looks for new entries this often (a read "
	    "measures entries in Redis before fetching them, so it does not "
	    "block: docs/daemon.md)."),
	KINT("streams", "claim_idle_ms", streams_claim_idle_ms, 100,
	    86400000, "60000", 1,
	    "Entries pending this long at another consumer are claimed "
	    "(XAUTOCLAIM)."),
	KINT("streams", "claim_interval_ms", streams_claim_interval_ms, 100,
	    3600000, "10000", 1, "How often to look for such entries."),
	KINT("streams", "max_deliveries", streams_max_deliveries, 1, 1000,
	    "5", 1, "An entry delivered more often than this without being "
	    "stored is tried alone; dead-lettered only when the daemon died "
	    "in two such tries (docs/daemon.md)."),
	KINT("streams", "max_event_bytes", streams_max_event_bytes, 64, 4096,
	    "4096", 1, "Larger entries are dead-lettered by their size, "
	    "without being fetched (the dead letter keeps the first 256 "
	    "bytes, the size and a SHA-1)."),
	KINT("streams", "plans_maxlen", streams_plans_maxlen, 10, 100000000,
	    "100000", 1, "Approximate MAXLEN of the plans stream."),
	KINT("streams", "deadletter_maxlen", streams_deadletter_maxlen, 10,
	    100000000, "100000", 1,
	    "Approximate MAXLEN of the dead-letter stream."),
	KINT("streams", "stall_s", streams_stall_s, 5, 86400, "60", 1,
	    "Ingest that stores nothing for this long while entries wait is "
	    "stalled: /healthz answers 503 and says why."),

	KBOOL("http", "enabled", http_enabled, "yes", 0,
	    "Serve the HTTP API."),
	KSTRC("http", "listen", http_listen, 1, "127.0.0.1", 0,
	    config_check_listen,
	    "Numeric IPv4 or IPv6 address to listen on (or localhost); "
	    "loopback by default, 0.0.0.0 or :: for every interface. The API "
	    "has no authentication. The systemd unit allows IP traffic with "
	    "localhost only (IPAddressDeny=any, IPAddressAllow=localhost): "
	    "with a non-loopback address, packets of remote clients are "
	    "dropped without an answer until a drop-in allows them, e.g. "
	    "systemctl edit postrouted, then [Service] and "
	    "IPAddressAllow=192.0.2.0/24."),
	KINT("http", "port", http_port, 0, 65535, "8470", 0,
	    "TCP port; 0 picks a free one (logged at start)."),
	KINT("http", "max_body", http_max_body, 1024, 67108864, "8388608", 1,
	    "Largest request body accepted (POST /v1/solve)."),
	KINT("http", "max_connections", http_max_connections, 1, 100000,
	    "256", 0, "Open HTTP connections at most; beyond, new ones wait "
	    "in the kernel's queue until one closes."),
	KINT("http", "request_timeout_s", http_request_timeout_s, 1, 3600,
	    "30", 1, "A client must send a whole request (headers and "
	    "body) within this many seconds of connecting or of its last "
	    "answer, else the connection is closed."),
	KINT("http", "solve_max_mb", http_solve_max_mb, 16, 1048576, "256",
	    1, "Memory one POST /v1/solve may need (its matrices: "
	    "locations^2 x profiles x 16 bytes, and the search's own), "
	    "estimated before anything is allocated; larger problems get "
	    "413. Raise MemoryMax= of the unit with it (docs/daemon.md)."),
	KSTR("http", "token_file", http_token_file, 0, "", 0,
	    "File with the access token (docs/web.md); when set, the page, "
	    "the API and every POST need it. Required off loopback. "
	    "Relative to this file's directory."),
	KSTR("http", "web_root", http_web_root, 0, "", 0,
	    "The page's files; empty: PREFIX/share/postroute/web, or web/ "
	    "of the source tree for a postrouted run from its build "
	    "directory."),
	KSTR("http", "leaflet_dir", http_leaflet_dir, 1,
	    "/usr/share/javascript/leaflet", 0,
	    "Directory of Leaflet (leaflet.js, leaflet.css), Debian's "
	    "libjs-leaflet by default."),
	KSTR("http", "tile_url", http_tile_url, 0,
	    "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", 1,
	    "Base-map tile URL template of the page's maps (Leaflet's "
	    "{s} {z} {x} {y}); empty: no base map, the overlays only."),
	KSTR("http", "tile_attribution", http_tile_attribution, 0,
	    "\xc2\xa9 OpenStreetMap contributors", 1,
	    "Attribution shown with the base map (plain text)."),

	KSTR("planner", "region", planner_region, 1, "regions/langson.json",
	    0, "Region file (offices, fleets, line-haul). A relative path is "
	    "looked up in the directory of this file, then in the data "
	    "directory (/usr/share/postroute in the Debian package, "
	    "PREFIX/share/postroute after make install)."),
	KINT("planner", "batch_orders", planner_batch_orders, 1, 100000,
	    "10", 1, "Re-plan an office after this many new or changed "
	    "orders."),
	KINT("planner", "interval_s", planner_interval_s, 1, 86400, "300",
	    1, "Re-plan an office with changes at least this often."),
	KINT("planner", "perishable_window_s", planner_perishable_window_s,
	    0, 86400, "7200", 1,
	    "Re-plan at once when a perishable order must be picked up "
	    "within this many seconds."),
	KINT("planner", "cutoff_lead_s", planner_cutoff_lead_s, 0, 86400,
	    "1800", 1, "Re-plan an office this long before each line-haul "
	    "cut-off."),
	KINT("planner", "debounce_ms", planner_debounce_ms, 0, 60000, "200",
	    1, "Triggers within this delay are coalesced into one solve."),
	KINT("planner", "horizon_days", planner_horizon_days, 1, 7, "2", 1,
	    "Days of shifts planned (1: today only)."),
	KDBL("planner", "stability", planner_stability, 0, 1, "0.02", 1,
	    "Keep the last plan's routes (new pickups added) unless a new "
	    "plan costs this share less; 0: always the new one."),
	KDBL("planner", "late_budget", planner_late_budget, 0, 0.5, "0",
	    1, "Share of the open orders that can be on time which plans "
	    "may deliver late on purpose, province-wide, when keeping them "
	    "on time costs a trip (see late_min_km); 0 (the default): "
	    "never, every promise that can be kept is planned to be kept."),
	KDBL("planner", "late_min_km", planner_late_min_km, 0, 1000, "5", 1,
	    "An order is planned late on purpose only when that saves at "
	    "least this many km."),
	KDBL("planner", "late_max_delay_h", planner_late_max_delay_h, 0, 240,
	    "24", 1, "An order is planned late on purpose only when it is "
	    "then delivered at most this many hours after its promise."),
	KINT("planner", "late_max_stops", planner_late_max_stops, 1, 64, "3",
	    1, "Trips of at most this many pickups may be dropped for it."),
	KENUM("planner", "clock", planner_clock, config_clock_names, "wall",
	    1, "wall: plan against the system clock; events: against the "
	    "newest event time seen (replays, simulations; clock.tick events "
	    "move it when no order event is due; kept in Redis across "
	    "restarts), and interval_s, cutoff_lead_s and freeze_s count on "
	    "that clock."),
	KBOOL("planner", "plan_at_ticks", planner_plan_at_ticks, "no", 1,
	    "With clock = events: plan only at clock.tick events, each "
	    "evaluating every trigger at its time and starting the solves "
	    "at once (no debounce), so that the stream alone decides what "
	    "each plan sees: a replay with [solver] iterations gives the "
	    "same plans every time (bench-live)."),
	KINT("planner", "freeze_s", planner_freeze_s, 0, 86400, "600", 1,
	    "A route whose planned departure is at most this many seconds "
	    "after the planning clock is dispatched: the driver is loading; "
	    "it is kept as it is and published with dispatched true, and "
	    "only pickup events change it; 0: only a dispatcher (POST "
	    ".../dispatch) or a pickup.completed dispatches a route."),
	KDBL("planner", "departure_margin", planner_departure_margin, 0, 2,
	    "0.2", 1, "A route leaves as late as it can with every leg this "
	    "share longer than planned (a slower driver still makes every "
	    "window and the cut-off); until it leaves (freeze_s before) it "
	    "may still take new orders."),
	KDBL("planner", "postpone_km", planner_postpone_km, 0, 100, "0", 1,
	    "A trip that could leave now costs this many km more in the "
	    "solve, one leaving postpone_h later nothing: a pickup that may "
	    "wait rides a later trip, which may still take the orders to "
	    "come, rather than start one now; 0: off."),
	KDBL("planner", "postpone_h", planner_postpone_h, 0.1, 24, "3", 1,
	    "See postpone_km."),
	KDBL("planner", "group_km", planner_group_km, 0, 100, "15", 1,
	    "Neighbouring commune offices of one district at most this far "
	    "apart are planned together (each keeps its own plan and "
	    "vehicles); 0: every office alone."),
	KBOOL("planner", "group_across_districts",
	    planner_group_across_districts, "yes", 1, "Neighbouring commune "
	    "offices of two districts may be planned together (each "
	    "office's own departures still decide what it may take)."),
	KINT("planner", "group_orders", planner_group_orders, 1, 100000,
	    "300", 1, "A group of offices planned together has at most this "
	    "many open orders."),
	KDBL("planner", "group_share_min", planner_group_share_min, 0, 600,
	    "30", 1, "Another office of the group may take a pickup only "
	    "where its latest pickup is at most this many minutes earlier "
	    "than at the pickup's own office (and still on time)."),
	KINT("planner", "max_clock_skew_s", planner_max_clock_skew_s, 60,
	    INT_MAX, "21600", 1, "An event whose ts is more than this "
	    "ahead of both the wall clock and the newest accepted event is "
	    "dead-lettered (a replay of a later day needs more)."),

	KINT("solver", "workers", solver_workers, 1, 64, "2", 0,
	    "Solver threads; each solves one office at a time."),
	KINT("solver", "nice", solver_nice, 0, 19, "5", 0,
	    "Niceness added to the solver threads: the event loop (ingest, "
	    "HTTP) keeps its share of busy cores."),
	KDBL("solver", "time_limit", solver_time_limit, 0.01, 600, "1", 1,
	    "Seconds per office solve (at most; see time_per_pickup)."),
	KDBL("solver", "time_per_pickup", solver_time_per_pickup, 0, 60,
	    "0.01", 1, "An office solve gets 0.1 s plus this per pickup, "
	    "up to time_limit; 0: always time_limit."),
	KDBL("solver", "max_time_limit", solver_max_time_limit, 0.01, 3600,
	    "30", 1, "Largest time_limit POST /v1/solve may ask for."),
	KINT("solver", "threads", solver_threads, 1, 64, "1", 1,
	    "Threads inside one solve."),
	KINT("solver", "seed", solver_seed, 0, INT_MAX, "1", 1,
	    "Seed of each solve: same orders, same seed, same plan."),
	KINT("solver", "iterations", solver_iterations, 0, 1000000000, "0",
	    1, "Bound each solve by this many iterations instead of by "
	    "time (time_limit is then not used): the same orders give the "
	    "same plan on any machine; 0: by time."),
	KINT("solver", "exact_max_jobs", solver_exact_max_jobs, 0, 64, "0", 1,
	    "Try a proven optimum (GLPK) for offices with at most this "
	    "many pickups; 0: off."),
	KDBL("solver", "stop_grace", solver_stop_grace, 0, 600, "5", 1,
	    "Seconds SIGTERM waits for running solves and Redis writes "
	    "before giving up on them."),

	KBOOL("cluster", "enabled", cluster_enabled, "no", 0,
	    "Run as one of several postrouted against the same Redis: the "
	    "process that holds the lease (<prefix>lease, with a fencing "
	    "token) is the active planner, the others are standbys that "
	    "ingest nothing and take over when the lease expires. Every "
	    "write of the active one is refused once it lost the lease "
	    "(docs/daemon.md, Several daemons)."),
	KINT("cluster", "lease_s", cluster_lease_s, 2, 300, "10", 0,
	    "Lifetime of the lease: renewed every third of it by the "
	    "active daemon; a standby takes over at most this long (plus "
	    "a poll) after the active one stopped renewing."),
	KENUM("cluster", "role", cluster_role, config_role_names, "planner",
	    0, "planner: the daemon (active or standby); worker: a solve "
	    "worker that plans the jobs of <prefix>jobs (consumer group "
	    "workers) and writes their plans to <prefix>results, on this "
	    "machine or another with the same region file "
	    "(postrouted --worker does the same)."),
	KBOOL("cluster", "remote_workers", cluster_remote_workers, "no", 0,
	    "The planner sends each office's (or group's) plan job to the "
	    "solve workers through <prefix>jobs instead of its own threads "
	    "(which still cluster and serve POST /v1/solve); a job too "
	    "large for job_max_bytes, or refused by a worker for another "
	    "region file, is planned on its own threads."),
	KINT("cluster", "job_claim_ms", cluster_job_claim_ms, 200, 3600000,
	    "15000", 0,
	    "A job a worker took and has not touched for this long (the "
	    "worker died) is taken by another worker (XAUTOCLAIM). A "
	    "worker touches its job every third of it while it plans."),
	KINT("cluster", "job_timeout_s", cluster_job_timeout_s, 1, 86400,
	    "120", 1,
	    "The planner sends a job again when no result came within this "
	    "many seconds (no worker running, the jobs stream lost); the "
	    "first result for a job is published, later ones ignored."),
	KINT("cluster", "job_max_deliveries", cluster_job_max_deliveries, 1,
	    100, "3", 1,
	    "A job delivered to workers more than this many times (each "
	    "worker that took it died or stopped before answering: a job "
	    "that crashes the solver) is not planned: the worker that "
	    "finds it dead-letters it and tells the planner, which keeps "
	    "its offices' last plans until their orders change; the "
	    "planner also gives up a job it sent this many times without "
	    "an answer (job_timeout_s each)."),
	KINT("cluster", "job_max_bytes", cluster_job_max_bytes, 65536,
	    536870912, "16777216", 0,
	    "The largest plan job or result (JSON), in bytes: a larger job "
	    "is planned on the planner's own threads; a larger result, or "
	    "job, is refused and dead-lettered."),

	KINT("log", "verbose", log_verbose, 0, 2, "0", 1,
	    "0: info and above; 1: debug too."),
};

#define CONFIG_NKEYS (sizeof(config_table) / sizeof(config_table[0]))

struct config_errs {
	char *buf;
	size_t size, len;
	int n;
};

static void config_err(struct config_errs *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
config_err(struct config_errs *e, const char *fmt, ...)
{
	va_list ap;
	int r;

	e->n++;
	if (e->buf == NULL || e->len + 1 >= e->size)
		return;
	if (e->len > 0)
		e->buf[e->len++] = '\n';
	va_start(ap, fmt);
	r = vsnprintf(e->buf + e->len, e->size - e->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		e->len += (size_t)r;
	if (e->len >= e->size)
		e->len = e->size - 1;
	e->buf[e->len] = '\0';
}

static const struct config_key *
config_find(const char *section, const char *name)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_table[i].section, section) == 0 &&
		    strcmp(config_table[i].name, name) == 0)
			return &config_table[i];
	return NULL;
}

/* Parses value into the field of k. Returns NULL or a reason. */
static const char *
config_set(struct config *c, const struct config_key *k, const char *value,
    char *whybuf, size_t whysz)
{
	const char *why;
	char *p = (char *)c + k->off, *end;
	size_t len = strlen(value);
	long long ll;
	double d;

	switch (k->type) {
	case CT_STR:
		if (len >= k->size)
			return snprintf(whybuf, whysz, "longer than %zu bytes",
			    k->size - 1), whybuf;
		if (len < (size_t)k->min)
			return "must not be empty";
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)value[i] < 0x20 ||
			    value[i] == 0x7f)
				return "contains a control character";
		if (k->check != NULL && (why = k->check(value)) != NULL)
			return why;
		memcpy(p, value, len + 1);
		return NULL;
	case CT_INT:
		errno = 0;
		ll = strtoll(value, &end, 10);
		if (len == 0 || *end != '\0' || errno != 0)
			return "must be an integer";
		if (ll < (long long)k->min || ll > (long long)k->max)
			return snprintf(whybuf, whysz, "is outside [%.0f, %.0f]",
			    k->min, k->max), whybuf;
		*(int *)(void *)p = (int)ll;
		return NULL;
	case CT_DBL:
		errno = 0;
		d = strtod(value, &end);
		if (len == 0 || *end != '\0' || errno != 0 || !isfinite(d))
			return "must be a number";
		if (d < k->min || d > k->max)
			return snprintf(whybuf, whysz, "is outside [%g, %g]",
			    k->min, k->max), whybuf;
		*(double *)(void *)p = d;
		return NULL;
	case CT_BOOL:
		if (strcasecmp(value, "yes") == 0 ||
		    strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0)
			*(int *)(void *)p = 1;
		else if (strcasecmp(value, "no") == 0 ||
		    strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "off") == 0 || strcmp(value, "0") == 0)
			*(int *)(void *)p = 0;
		else
			return "must be yes or no";
		return NULL;
	case CT_ENUM:
		for (int i = 0; k->enums[i] != NULL; i++)
			if (strcmp(value, k->enums[i]) == 0) {
				*(int *)(void *)p = i;
				return NULL;
			}
		{
			size_t n = (size_t)snprintf(whybuf, whysz,
			    "must be one of");

			for (int i = 0; k->enums[i] != NULL && n < whysz; i++)
				n += (size_t)snprintf(whybuf + n, whysz - n,
				    " %s", k->enums[i]);
		}
		return whybuf;
	}
	return "bad type";
}

void
config_defaults(struct config *c)
{
	char why[128];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < CONFIG_NKEYS; i++)
		if (config_set(c, &config_table[i], config_table[i].def, why,
		    sizeof(why)) != NULL)
			abort();	/* a bad default is a bug in the table */
}

struct config_parse {
	struct config *c;
	struct config_errs *e;
	const char *path;
	FILE *fp;
	int line;
	int password;            /* the file sets [redis] password */
	int bad_header;          /* a "[section" line without its ']' */
	int skipped_line;        /* the first key skipped after one */
	int stopped;             /* too big or unreadable: stop parsing */
	unsigned char seen[CONFIG_NKEYS];
};

/* A "[..." line without its ']' (before an inline comment, a ';' after
 * a blank, as inih reads it): inih reports it as a syntax error and
 * keeps the previous section. -1: not a section header. */
static int
config_bad_header(const char *s)
{
	int was_space = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s != '[')
		return -1;
	for (s++; *s != '\0'; s++) {
		if (*s == ']')
			return 0;
		if (was_space && *s == ';')
			break;
		was_space = isspace((unsigned char)*s);
	}
	return 1;
}

/*
 * fgets for ini_parse_stream, counting lines so that errors name them,
 * and keeping inih from parsing what it would misread: a line longer
 * than its buffer (the rest would become a line of its own), a NUL byte,
 * and more than CONFIG_MAX_BYTES in all.
 */
static char *
config_reader(char *str, int num, void *stream)
{
	struct config_parse *cp = stream;
	long before, after;
	size_t len;
	int ch;

	if (cp->stopped)
		return NULL;
	before = ftell(cp->fp);
	if (fgets(str, num, cp->fp) == NULL) {
		if (ferror(cp->fp)) {
			config_err(cp->e, "%s:%d: %s", cp->path, cp->line + 1,
			    strerror(errno));
			cp->stopped = 1;
		}
		return NULL;
	}
	cp->line++;
	len = strlen(str);
	after = ftell(cp->fp);
	if (after > CONFIG_MAX_BYTES) {
		config_err(cp->e, "%s: larger than %d bytes", cp->path,
		    CONFIG_MAX_BYTES);
		cp->stopped = 1;
		return NULL;
	}
	if (before >= 0 && after >= 0 && (size_t)(after - before) != len) {
		config_err(cp->e, "%s:%d: contains a NUL byte", cp->path,
		    cp->line);
		cp->stopped = 1;
		return NULL;
	}
	if (len > 0 && str[len - 1] != '\n' && (ch = fgetc(cp->fp)) != EOF &&
	    ch != '\n') {
		const char *t = str + strspn(str, " \t");

		/* A long comment is a comment; a long key = value would
		 * be cut, and the rest parsed as a line of its own. */
		if (*t != ';' && *t != '#')
			config_err(cp->e, "%s:%d: line longer than %d bytes",
			    cp->path, cp->line, num - 2);
		while (ch != EOF && ch != '\n')
			ch = fgetc(cp->fp);
		if (*t != ';' && *t != '#')
			str[0] = '\0';	/* none of it is parsed */
		return str;
	}
	switch (config_bad_header(str)) {
	case 0:
		cp->bad_header = 0;
		break;
	case 1:
		cp->bad_header = 1;
		break;
	}
	return str;
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse *cp = user;
	const struct config_key *k = config_find(section, name);
	const char *why;
	char buf[160];

	/* After a broken section header, inih still hands over the keys
	 * under the section before it: they are not set, and not reported
	 * as unknown either (the syntax error is the one problem). */
	if (cp->bad_header) {
		if (cp->skipped_line == 0)
			cp->skipped_line = cp->line;
		return 1;
	}
	if (k == NULL) {
		int known = 0;

		for (size_t i = 0; i < CONFIG_NKEYS; i++)
			if (strcmp(config_table[i].section, section) == 0)
				known = 1;
		if (section[0] == '\0')
			config_err(cp->e, "%s:%d: %s: key before any "
			    "[section]", cp->path, cp->line, name);
		else if (!known)
			config_err(cp->e, "%s:%d: [%s] unknown section", cp->path,
			    cp->line, section);
		else
			config_err(cp->e, "%s:%d: [%s] %s: unknown key",
			    cp->path, cp->line, section, name);
		return 1;	/* reported: keep going for more errors */
	}
	if (cp->seen[k - config_table])
		config_err(cp->e, "%s:%d: [%s] %s: set twice", cp->path,
		    cp->line, section, name);
	cp->seen[k - config_table] = 1;
	if (strcmp(section, "redis") == 0 && (strcmp(name, "password") == 0 ||
	    strcmp(name, "sentinel_password") == 0) && value[0] != '\0')
		cp->password = 1;
	if ((why = config_set(cp->c, k, value, buf, sizeof(buf))) != NULL)
		config_err(cp->e, "%s:%d: [%s] %s: \"%s\" %s", cp->path,
		    cp->line, section, name, value, why);
	return 1;
}

static void
config_envname(const struct config_key *k, char *buf, size_t n)
{
	size_t j;

	j = (size_t)snprintf(buf, n, "POSTROUTE_%s_%s", k->section, k->name);
	for (size_t i = 0; i < j && i < n; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
}

/* Checks that involve more than one key. */
static void
config_check(const struct config *c, struct config_errs *e)
{
	if (c->redis_backoff_min_ms > c->redis_backoff_max_ms)
		config_err(e, "%s: [redis] backoff_min_ms (%d) is larger than "
		    "backoff_max_ms (%d)", c->path, c->redis_backoff_min_ms,
		    c->redis_backoff_max_ms);
	if (c->solver_time_limit > c->solver_max_time_limit)
		config_err(e, "%s: [solver] time_limit (%g) is larger than "
		    "max_time_limit (%g)", c->path, c->solver_time_limit,
		    c->solver_max_time_limit);
	if (strcmp(c->streams_events, c->streams_deadletter) == 0 ||
	    strcmp(c->streams_events, c->streams_plans) == 0 ||
	    strcmp(c->streams_plans, c->streams_deadletter) == 0)
		config_err(e, "%s: [streams] events, deadletter and plans must "
		    "be three different streams", c->path);
	if (c->redis_sentinels[0] != '\0' && c->redis_master_name[0] == '\0')
		config_err(e, "%s: [redis] sentinels is set without "
		    "master_name", c->path);
	if (c->redis_sentinels[0] != '\0' && c->redis_socket[0] != '\0')
		config_err(e, "%s: [redis] sentinels and socket are both set: "
		    "the Sentinels name the primary's host and port", c->path);
	if (c->redis_user[0] != '\0' && c->redis_password[0] == '\0')
		config_err(e, "%s: [redis] user is set without a password",
		    c->path);
	/* The API and the page carry order data and dispatch routes: off
	 * loopback, nobody may use them without the token. */
	if (c->http_enabled && !config_is_loopback(c->http_listen) &&
	    c->http_token_file[0] == '\0')
		config_err(e, "%s: [http] listen %s is not a loopback address: "
		    "set [http] token_file (docs/web.md)", c->path,
		    c->http_listen);
	if (c->http_enabled && c->http_token_file[0] != '\0') {
		char tok[CONFIG_TOKEN_MAX + 1], why[CONFIG_PATH + 160];

		if (config_read_token(c, tok, sizeof(tok), why,
		    sizeof(why)) != 0)
			config_err(e, "%s: %s", c->path, why);
		explicit_bzero(tok, sizeof(tok));
	}
}

/* The name of group gid, or its number. */
static void
config_group_name(gid_t gid, char *buf, size_t n)
{
	struct group gr, *res = NULL;
	char tmp[1024];

	if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		snprintf(buf, n, "%s", res->gr_name);
	else
		snprintf(buf, n, "%lu", (unsigned long)gid);
}

/*
 * A password in a file that other users can read is not a secret. The
 * file may be readable by its owner, and by its group only when that is
 * the daemon's own group (root:postroute 0640 under the packaged unit,
 * whose service user is alone in it).
 */
static void
config_check_secret(const char *path, const struct stat *st,
    struct config_errs *e)
{
	char fg[64], mine[64];

	if (st->st_mode & S_IROTH) {
		config_err(e, "%s: holds [redis] password but is readable by "
		    "every user (mode %04o): chmod o-r it, or set "
		    "POSTROUTE_REDIS_PASSWORD instead", path,
		    (unsigned)(st->st_mode & 07777));
		return;
	}
	if ((st->st_mode & S_IRGRP) && st->st_gid != getegid()) {
		config_group_name(st->st_gid, fg, sizeof(fg));
		config_group_name(getegid(), mine, sizeof(mine));
		config_err(e, "%s: holds [redis] password but is readable by "
		    "group %s (mode %04o), which is not postrouted's own group "
		    "(%s): chmod g-r it or give it to the service's group, or "
		    "set POSTROUTE_REDIS_PASSWORD instead%s", path, fg,
		    (unsigned)(st->st_mode & 07777), mine, geteuid() == 0 ?
		    " (to check a file as the service will read it, run "
		    "postrouted -t as its user: runuser -u postroute -- "
		    "postrouted -t)" : "");
	}
}

int
config_load(struct config *c, const char *path, char *errs, size_t errsz)
{
	struct config_errs e = { errs, errsz, 0, 0 };
	struct config_parse cp;
	struct stat st;
	char env[128], why[160];
	const char *v, *bad;
	int rc, fd;

	if (errs != NULL && errsz > 0)
		errs[0] = '\0';
	config_defaults(c);
	if (strlen(path) >= sizeof(c->path)) {
		config_err(&e, "%s: path too long", path);
		return -1;
	}
	memcpy(c->path, path, strlen(path) + 1);

	memset(&cp, 0, sizeof(cp));
	cp.c = c;
	cp.e = &e;
	cp.path = path;
	/* Only a regular file of a sane size is read: a directory, a
	 * device (/dev/zero never ends) or a FIFO (whose open would wait
	 * for a writer: hence O_NONBLOCK) is refused unread. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		config_err(&e, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		config_err(&e, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		config_err(&e, "%s: %s", path, S_ISDIR(st.st_mode) ?
		    "is a directory" : "is not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		config_err(&e, "%s: larger than %d bytes", path,
		    CONFIG_MAX_BYTES);
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, 0) != 0 || (cp.fp = fdopen(fd, "r")) == NULL) {
		config_err(&e, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	rc = ini_parse_stream(config_reader, &cp, config_handler, &cp);
	if (cp.password)
		config_check_secret(path, &st, &e);
	fclose(cp.fp);
	if (rc > 0)
		config_err(&e, "%s:%d: syntax error (expected [section] or "
		    "key = value)", path, rc);
	else if (rc < 0)
		config_err(&e, "%s: cannot be parsed (%d)", path, rc);
	else if (cp.skipped_line > 0)
		config_err(&e, "%s:%d: key after a broken [section] line",
		    path, cp.skipped_line);

	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		config_envname(&config_table[i], env, sizeof(env));
		if ((v = getenv(env)) == NULL)
			continue;
		if ((bad = config_set(c, &config_table[i], v, why,
		    sizeof(why))) != NULL)
			config_err(&e, "environment %s: [%s] %s: \"%s\" %s",
			    env, config_table[i].section, config_table[i].name,
			    v, bad);
	}
	config_check(c, &e);
	return e.n ? -1 : 0;
}

/* Edit distance of a and b (both short), for "did you mean". */
static size_t
config_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[128], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]))
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

int
config_env_unknown(char *buf, size_t n)
{
	extern char **environ;
	struct config_errs e = { buf, n, 0, 0 };
	char env[128], best[128];

	if (buf != NULL && n > 0)
		buf[0] = '\0';
	for (char **ep = environ; ep != NULL && *ep != NULL; ep++) {
		const char *eq = strchr(*ep, '=');
		size_t len = eq != NULL ? (size_t)(eq - *ep) : strlen(*ep);
		size_t d, bestd = (size_t)-1;
		int known = 0;

		if (strncmp(*ep, "POSTROUTE_", 10) != 0 || len >= sizeof(env))
			continue;
		memcpy(env, *ep, len);
		env[len] = '\0';
		if (strcmp(env, "POSTROUTE_CONFIG") == 0)
			continue;
		best[0] = '\0';
		for (size_t i = 0; i < CONFIG_NKEYS && !known; i++) {
			char name[128];

			config_envname(&config_table[i], name, sizeof(name));
			if (strcmp(name, env) == 0)
				known = 1;
			else if ((d = config_distance(env, name)) < bestd) {
				bestd = d;
				memcpy(best, name, strlen(name) + 1);
			}
		}
		if (known)
			continue;
		if (bestd <= 3)
			config_err(&e, "environment %s: not a configuration "
			    "key (did you mean %s?)", env, best);
		else
			config_err(&e, "environment %s: not a configuration "
			    "key (POSTROUTE_<SECTION>_<KEY>, see "
			    "postroute.conf(5))", env);
	}
	return e.n;
}

const char *
config_datadir(void)
{
	return POSTROUTE_DATADIR;
}

void
config_resolve(const struct config *c, const char *p, char *buf, size_t n)
{
	const char *slash = strrchr(c->path, '/');

	if (p[0] == '/' || slash == NULL)
		snprintf(buf, n, "%s", p);
	else
		snprintf(buf, n, "%.*s/%s", (int)(slash - c->path), c->path, p);
}

/* The region file: beside the configuration, else in the data directory.
 * Returns -1 when neither exists (buf names the first). */
int
config_region_path(const struct config *c, char *buf, size_t n)
{
	char other[CONFIG_PATH * 2];

	config_resolve(c, c->planner_region, buf, n);
	if (c->planner_region[0] == '/' ||
	    access(buf, F_OK) == 0 || errno != ENOENT)
		return 0;
	snprintf(other, sizeof(other), "%s/%s", POSTROUTE_DATADIR,
	    c->planner_region);
	if (access(other, F_OK) != 0)
		return -1;
	snprintf(buf, n, "%s", other);
	return 0;
}

int
config_is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(addr, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

int
config_read_token(const struct config *c, char *buf, size_t n, char *err,
    size_t errn)
{
	char path[CONFIG_PATH * 2];
	struct stat st;
	size_t len;
	FILE *fp;
	int fd;

	buf[0] = '\0';
	config_resolve(c, c->http_token_file, path, sizeof(path));
	/* O_NONBLOCK: a FIFO named by mistake must not hang -t */
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC |
	    O_NONBLOCK)) < 0 ||
	    (fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errn, "[http] token_file: %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errn, "[http] token_file: %s: not a regular file",
		    path);
		fclose(fp);
		return -1;
	}
	if (st.st_mode & S_IROTH) {
		snprintf(err, errn, "[http] token_file: %s is readable by every "
		    "user (mode %04o): chmod o-r it", path,
		    (unsigned)(st.st_mode & 07777));
		fclose(fp);
		return -1;
	}
	if (fgets(buf, (int)n, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= 0x20 ||
		    (unsigned char)buf[i] >= 0x7f || buf[i] == ';' ||
		    buf[i] == ',' || buf[i] == '"' || buf[i] == '\\') {
			snprintf(err, errn, "[http] token_file: %s: the token "
			    "must be printable ASCII without spaces, quotes, "
			    "commas, semicolons or backslashes", path);
			explicit_bzero(buf, n);
			return -1;
		}
	if (len < CONFIG_TOKEN_MIN || len >= CONFIG_TOKEN_MAX ||
	    len + 1 >= n) {
		snprintf(err, errn, "[http] token_file: %s: the token must have "
		    "%d to %d characters (it has %zu)", path, CONFIG_TOKEN_MIN,
		    CONFIG_TOKEN_MAX - 1, len);
		explicit_bzero(buf, n);
		return -1;
	}
	return 0;
}

static int
config_same(const struct config_key *k, const struct config *a,
    const struct config *b)
{
	const char *pa = (const char *)a + k->off, *pb = (const char *)b + k->off;

	if (k->type == CT_STR)
		return strcmp(pa, pb) == 0;
	return memcmp(pa, pb, k->size) == 0;
}

void
config_restart_keys(const struct config *old, const struct config *nw,
    char *buf, size_t n)
{
	size_t len = 0;

	if (n > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_table[i];

		if (k->reload || config_same(k, old, nw) || len + 1 >= n)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s.%s",
		    len ? ", " : "", k->section, k->name);
		if (len >= n)
			len = n - 1;
	}
}

void
config_apply_reloadable(struct config *c, const struct config *nw)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_table[i];

		if (k->reload)
			memcpy((char *)c + k->off, (const char *)nw + k->off,
			    k->size);
	}
}

/* roff-escapes s (backslashes and leading dots). */
static void
config_roff(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

static void
config_range(FILE *fp, const struct config_key *k)
{
	switch (k->type) {
	case CT_STR:
		fputs("string", fp);
		break;
	case CT_INT:
		fprintf(fp, "integer, %.0f to %.0f", k->min, k->max);
		break;
	case CT_DBL:
		fprintf(fp, "number, %g to %g", k->min, k->max);
		break;
	case CT_BOOL:
		fputs("yes or no", fp);
		break;
	case CT_ENUM:
		for (int i = 0; k->enums[i] != NULL; i++)
			fprintf(fp, "%s%s", i ? " | " : "", k->enums[i]);
		break;
	}
}

void
config_print_man(FILE *fp)
{
	const char *sec = "";

	fputs(".\\\" Generated by `postrouted --config-man` from the table in "
	    "daemon/config.c; do not edit.\n"
	    ".TH POSTROUTE.CONF 5 \"\" \"postroute\" \"File Formats\"\n"
	    ".SH NAME\npostroute.conf \\- configuration of postrouted\n"
	    ".SH SYNOPSIS\n.B /etc/postroute/postroute.conf\n"
	    ".SH DESCRIPTION\n"
	    "An INI file read by\n.BR postrouted (8)\n"
	    "at start and on SIGHUP. Lines are\n.IB key \" = \" value\n"
	    "under a\n.RI [ section ]\nheading; comments start with ; or #.\n"
	    "Unknown sections and keys, values of the wrong type or out of "
	    "range are errors that name the file, the line and the key.\n"
	    ".PP\n"
	    "Every key can be overridden from the environment as\n"
	    ".BI POSTROUTE_ SECTION _ KEY\n"
	    "(upper case), for instance\n.B POSTROUTE_SOLVER_TIME_LIMIT=2\n"
	    "in a drop-in made with\n.BR \"systemctl edit postrouted\" .\n"
	    "Any other variable whose name starts with\n.B POSTROUTE_\n"
	    "(but\n.BR POSTROUTE_CONFIG )\n"
	    "is a mistyped key: a warning at start, an error for\n"
	    ".BR \"postrouted \\-t\" .\n"
	    ".PP\n"
	    ".B postrouted \\-t \\-c\n.I file\nchecks a file and its region "
	    "file and exits 0 when both are valid, 1 otherwise.\n"
	    "The file must be a regular file of at most 1 MiB, lines of at "
	    "most 198 bytes.\n"
	    "On SIGHUP the file is read again into a new configuration; when "
	    "any of it is invalid the running configuration is kept. Keys "
	    "marked\n.I restart\nkeep their old value until the daemon is "
	    "restarted (a warning names them).\n"
	    ".PP\n"
	    "A file that sets\n.B password\nmust be readable by no other "
	    "user than its owner and the members of postrouted's own "
	    "group (its effective group; postroute under the packaged "
	    "unit): mode 0600, or 0640 with that group "
	    "(chown root:postroute, chmod 0640). postrouted refuses any "
	    "other file that holds a password; run\n"
	    ".B postrouted \\-t\n"
	    "as the service user\n"
	    "(\\fBrunuser \\-u postroute \\-\\- postrouted \\-t\\fP)\n"
	    "to check it as the daemon will. "
	    "Better still, give the password in\n"
	    ".BR POSTROUTE_REDIS_PASSWORD .\n", fp);
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_table[i];

		if (strcmp(sec, k->section) != 0) {
			sec = k->section;
			fprintf(fp, ".SH [%s]\n", sec);
		}
		fprintf(fp, ".TP\n.B %s\n", k->name);
		fputs("(", fp);
		config_range(fp, k);
		fputs("; default ", fp);
		if (k->def[0] == '\0')
			fputs("empty", fp);
		else {
			fputs("\\(lq", fp);
			config_roff(fp, k->def);
			fputs("\\(rq", fp);
		}
		fprintf(fp, "; %s)\n", k->reload ? "reloadable" : "restart");
		config_roff(fp, k->desc);
		fputc('\n', fp);
	}
	fputs(".SH FILES\n.TP\n.I /etc/postroute/postroute.conf\n"
	    "the configuration (a conffile of the Debian package)\n"
	    ".TP\n.I /usr/share/postroute/regions/langson.json\nthe default "
	    "region (Lang Son), data of the package, not configuration; "
	    "a file of the same relative path beside the configuration "
	    "takes precedence\n"
	    ".SH SEE ALSO\n.BR postrouted (8),\n"
	    ".BR systemd.service (5),\n.BR systemd.resource\\-control (5),\n"
	    ".BR redis\\-server (1)\n", fp);
}

/* The description of k as "# " lines of at most 76 columns. */
static void
config_comment(FILE *fp, const struct config_key *k)
{
	char text[1024], *p, *sp;
	size_t n;
	FILE *mem;

	/* the description and its range, as one string */
	if ((mem = fmemopen(text, sizeof(text), "w")) == NULL)
		return;
	fprintf(mem, "%s (", k->desc);
	config_range(mem, k);
	fprintf(mem, "%s)", k->reload ? "" : "; restart to change");
	fclose(mem);
	text[sizeof(text) - 1] = '\0';
	for (p = text; *p != '\0'; p += n) {
		n = strlen(p);
		if (n > 74) {
			for (sp = p + 74; sp > p && *sp != ' '; sp--)
				;
			n = sp > p ? (size_t)(sp - p) : 74;
		}
		fprintf(fp, "# %.*s\n", (int)n, p);
		while (p[n] == ' ')
			n++;
	}
}

void
config_print_sample(FILE *fp)
{
	const char *sec = "";

	fputs("# postroute.conf: postrouted's configuration "
	    "(postroute.conf(5)).\n", fp);
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_table[i];

		if (strcmp(sec, k->section) != 0) {
			sec = k->section;
			fprintf(fp, "\n[%s]\n", sec);
		}
		config_comment(fp, k);
		fprintf(fp, "#%s = %s\n", k->name, k->def);
	}
}
