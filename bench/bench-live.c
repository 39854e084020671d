/* bench-live.c: the live day: plays the world of bench-field's peak day against a running postrouted (orders sent as they are placed, drivers on the dispatched routes, pickups completed or failed), then reports it beside the offline plan and the baseline. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glpk.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "benchutil.h"
#include "field.h"
#include "postroute/event.h"
#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/plan.h"
#include "postroute/rng.h"
#include "postroute/time.h"
#include "postroute/travel.h"

/*
 * usage: bench-live --redis-socket PATH --http-port N [--region FILE]
 *            [--date YYYY-MM-DD] [--orders N] [--seed S] [--step S]
 *            [--noise X] [--absent X] [--hours H] [--iterations N]
 *            [--threads N] [--csv FILE] [--no-offline] [--wait-s S]
 *            [--district CODE]
 *
 * The world of one day, in steps of --step simulated seconds (60):
 *
 *   - every order event of the day (bench-field's: sim_generate, same
 *     seed) is sent to the events stream (XADD) when its time comes, as
 *     a marketplace would;
 *   - every route a published plan says is dispatched is driven: it
 *     leaves at its planned start (or when the plan that dispatched it
 *     came, or when its vehicle is back from its previous trip), each
 *     leg takes the region's travel time x (1 + U(-noise, +noise)), a
 *     household is absent with probability --absent (pickup.failed,
 *     "nobody_home"), a parcel not ready waits for it, one whose ready
 *     window has closed fails ("window_closed"); pickup.completed or
 *     pickup.failed is sent when the driver is at the stop; a stop whose
 *     order was cancelled is skipped;
 *   - a parcel back at the office rides the first line-haul departure
 *     whose cut-off it makes (field_on_time);
 *   - then a clock.tick of the step's end, and the simulator waits until
 *     the daemon has acknowledged every entry, seen the tick and stored
 *     every plan the tick started (GET /healthz: events_acked,
 *     last_tick, plans_pending), and reads the new plans (XREAD of the
 *     plans stream).
 *
 * --district keeps the orders of one district only (a small day: the
 * integration test). So simulated time runs as fast as the daemon plans, and with
 * [planner] plan_at_ticks and [solver] iterations the same seed gives
 * the same day: digest= at the end hashes every plan read. The report
 * compares the day driven with the offline plan of the same orders (the
 * shared planner, all orders known, --iterations as the daemon) and the
 * baseline (bench/common/field.c); its last line is
 *   live: on_time=... km=... offline_km=... baseline_km=...
 *         offline_on_time=... orders=... never_picked=...
 */

#define LIVE_MAX_STOPS 256

static const char *prog = "bench-live";

static double
live_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
live_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
live_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
live_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		live_die("out of memory");
	return p;
}

static uint64_t
live_hash(uint64_t h, const char *s)
{
	if (h == 0)
		h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static uint64_t
live_hash_int(uint64_t h, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return live_hash(h, buf);
}

/* ---- the world ---------------------------------------------------------------- */

struct live_stop {
	char order_id[PR_MAX_ID];
	int64_t service_start;   /* as planned, for the check */
};

/* A dispatched route being driven. */
struct live_drive {
	int office;
	char vehicle[PR_MAX_ID];
	int profile;
	int n;
	struct live_stop stops[LIVE_MAX_STOPS];
	int next;                /* the stop driven to or next */
	int moving;              /* 1: on the leg to stops[next] (or back) */
	double t;                /* at the current position since */
	double leg_at;           /* moving: arrival */
	double leg_m;
	double lon, lat;
	int district;
	int visited;
	double km;
	int done;
	int waiting;             /* for its vehicle, back from another trip */
	int64_t back;
	int n_picked;
	int picked[LIVE_MAX_STOPS];   /* book indices of the parcels aboard */
	uint64_t key;
	int64_t plan_start, plan_end;  /* as published when dispatched */
	int64_t left;            /* left the office (0: not yet) */
};

/* A physical vehicle: its trips cannot overlap. */
struct live_vehicle {
	int office;
	char name[PR_MAX_ID];    /* "motorbike1" */
	double free_at;
};

/* Per order of the simulator's book. */
struct live_order {
	int64_t sent_ms;         /* Redis time of its order.created, or 0 */
	int64_t planned_ms;      /* Redis time of the first plan listing it */
	int64_t planned_sim;     /* the plan's clock */
	int picked;              /* pickup.completed sent */
	int picked_office;
	int drive;               /* 1 + the drive that picked it up */
	int64_t back;            /* at the office */
	int failed;              /* pickup.failed sent */
	int risk;                /* first at-risk reason seen, 0: none */
	int64_t risk_at;         /* the plan clock it was first seen at */
	int attempts;
	int last_where;          /* last plan listing it: 1 route, 2 unassigned */
	int64_t last_at;         /* that plan's clock */
	char last_reason[32];    /* unassigned: why */
};

/* One event to send in a step. */
struct live_out {
	int64_t ts;
	int kind;                /* 0: an order event (ev), 1: a pickup */
	int seq;
	struct pr_event ev;
};

/* The previous plan of an office: its stops on routes not dispatched. */
struct live_prev {
	int n;
	char (*order)[PR_MAX_ID];
	char (*vehicle)[PR_MAX_ID];
	int *pos;
};

struct live {
	struct field_day fd;
	const struct pr_region *r;
	struct pr_orderbook book;
	struct live_order *lo;
	int lo_cap;
	redisContext *rc;
	int http_port;
	char plans_id[64];
	int next_ev;
	long sent;
	long seq;
	struct live_drive *drives;
	int n_drives, cap_drives;
	struct live_vehicle *veh;
	int n_veh, cap_veh;
	struct live_out *out;
	int n_out, cap_out;
	struct live_prev *prev;  /* per office */
	/* parameters */
	uint64_t seed;
	int step;
	double noise, absent;
	double wait_s;
	/* figures */
	long plans, churn_changed, churn_compared;
	long pickups_failed, dispatched_changed, ticks;
	int64_t *lat_ms;
	long n_lat, cap_lat;
	int64_t *lat_sim;
	uint64_t digest;
	double wall_wait;
};

static struct live_order *
live_order_of(struct live *L, int i)
{
	if (i >= L->lo_cap) {
		int cap = L->book.n + 4096;

		L->lo = realloc(L->lo, (size_t)cap * sizeof(*L->lo));
		if (L->lo == NULL)
			live_die("out of memory");
		memset(L->lo + L->lo_cap, 0,
		    (size_t)(cap - L->lo_cap) * sizeof(*L->lo));
		L->lo_cap = cap;
	}
	return &L->lo[i];
}

/* Uniform in [0, 1) for a purpose and its keys: reproducible whatever
 * the order of the draws. */
static double
live_draw(const struct live *L, const char *what, const char *a, int64_t b)
{
	struct pr_rng g;
	uint64_t h = live_hash_int(live_hash(live_hash(0, what), a), b);

	pr_rng_seed(&g, h ^ (L->seed * 0x9e3779b97f4a7c15ULL));
	return pr_rng_double(&g);
}

/* ---- Redis and HTTP ------------------------------------------------------------- */

static void
live_connect(struct live *L, const char *sock)
{
	L->rc = redisConnectUnix(sock);
	if (L->rc == NULL || L->rc->err)
		live_die("redis %s: %s", sock, L->rc ? L->rc->errstr : "?");
}

/* The Redis time of an entry id "ms-seq". */
static int64_t
live_id_ms(const char *id)
{
	return strtoll(id, NULL, 10);
}

/* GET path from the daemon: the body as JSON, or NULL. */
static json_t *
live_http(const struct live *L, const char *path)
{
	struct sockaddr_in sa;
	char req[256], buf[65536];
	size_t len = 0;
	ssize_t k;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char *body;
	json_t *j;

	if (s < 0)
		return NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)L->http_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(s);
		return NULL;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n"
	    "\r\n", path);
	if (write(s, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(s);
		return NULL;
	}
	while (len + 1 < sizeof(buf) &&
	    (k = read(s, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)k;
	close(s);
	buf[len] = '\0';
	if ((body = strstr(buf, "\r\n\r\n")) == NULL)
		return NULL;
	j = json_loads(body + 4, 0, NULL);
	return j;
}

/* Waits until the daemon has acked every entry, seen the tick at T and
 * stored every plan it started. */
static void
live_wait(struct live *L, int64_t T)
{
	double t0 = live_mono();
	struct timespec nap = { 0, 500000 };

	for (;;) {
		json_t *h = live_http(L, "/healthz");

		if (h != NULL) {
			long acked = (long)json_integer_value(json_object_get(h,
			    "events_acked"));
			int64_t tick = json_integer_value(json_object_get(h,
			    "last_tick"));
			long pending = (long)json_integer_value(
			    json_object_get(h, "plans_pending"));

			json_decref(h);
			if (acked >= L->sent && tick >= T && pending == 0)
				break;
		}
		if (live_mono() - t0 > L->wait_s)
			live_die("the daemon did not finish the step at %lld "
			    "within %.0f s", (long long)T, L->wait_s);
		nanosleep(&nap, NULL);
	}
	L->wall_wait += live_mono() - t0;
}

/* ---- sending ------------------------------------------------------------------ */

static void
live_queue(struct live *L, int kind, const struct pr_event *ev)
{
	struct live_out *o;

	if (L->n_out == L->cap_out) {
		L->cap_out = L->cap_out ? 2 * L->cap_out : 1024;
		L->out = realloc(L->out, (size_t)L->cap_out * sizeof(*L->out));
		if (L->out == NULL)
			live_die("out of memory");
	}
	o = &L->out[L->n_out++];
	o->ts = ev->ts;
	o->kind = kind;
	o->seq = L->n_out;
	o->ev = *ev;
}

static int
live_out_cmp(const void *a, const void *b)
{
	const struct live_out *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->seq - y->seq;
}

/* Sends the step's events in time order (pickups get the next version
 * of their order), then the tick at T. */
static void
live_send(struct live *L, int64_t T)
{
	struct pr_error err = { 0, "" };
	struct pr_event tick;
	int n = 0;

	if (L->n_out > 0)        /* L->out is NULL before the first */
		qsort(L->out, (size_t)L->n_out, sizeof(*L->out),
		    live_out_cmp);
	for (int k = 0; k < L->n_out; k++) {
		struct pr_event *ev = &L->out[k].ev;
		char *json;
		int i;

		if (L->out[k].kind == 1) {
			i = pr_orderbook_find(&L->book, ev->order_id);
			ev->version = L->book.orders[i].version + 1;
			snprintf(ev->event_id, sizeof(ev->event_id),
			    "live-%ld", ++L->seq);
			pr_orderbook_apply(&L->book, L->r, ev, &err);
		}
		if ((json = pr_event_to_json(ev)) == NULL)
			live_die("out of memory");
		redisAppendCommand(L->rc, "XADD postroute:events * event %s",
		    json);
		free(json);
		n++;
	}
	memset(&tick, 0, sizeof(tick));
	tick.type = PR_EV_CLOCK_TICK;
	snprintf(tick.event_id, sizeof(tick.event_id), "tick-%lld",
	    (long long)T);
	tick.ts = T;
	tick.ts_offset = L->r->utc_offset;
	{
		char *json = pr_event_to_json(&tick);

		redisAppendCommand(L->rc, "XADD postroute:events * event %s",
		    json);
		free(json);
	}
	for (int k = 0; k <= n; k++) {
		redisReply *rep;

		if (redisGetReply(L->rc, (void **)&rep) != REDIS_OK)
			live_die("redis: %s", L->rc->errstr);
		if (rep->type != REDIS_REPLY_STRING)
			live_die("XADD: %s", rep->type == REDIS_REPLY_ERROR ?
			    rep->str : "unexpected reply");
		if (k < n && L->out[k].kind == 0 &&
		    L->out[k].ev.type == PR_EV_ORDER_CREATED) {
			int i = pr_orderbook_find(&L->book,
			    L->out[k].ev.order_id);

			if (i >= 0 && live_order_of(L, i)->sent_ms == 0)
				L->lo[i].sent_ms = live_id_ms(rep->str);
		}
		freeReplyObject(rep);
	}
	L->sent += n + 1;
	L->n_out = 0;
	L->ticks++;
}

/* The day's order events up to T, applied to the simulator's book. */
static void
live_orders(struct live *L, int64_t T)
{
	struct pr_error err = { 0, "" };

	while (L->next_ev < L->fd.nev && L->fd.ev[L->next_ev].ts <= T) {
		const struct pr_event *ev = &L->fd.ev[L->next_ev++];

		pr_orderbook_apply(&L->book, L->r, ev, &err);
		live_queue(L, 0, ev);
	}
}

/* ---- driving ------------------------------------------------------------------ */

static struct live_vehicle *
live_vehicle(struct live *L, int office, const char *vehicle)
{
	char name[PR_MAX_ID];
	const char *dot = strchr(vehicle, '.');
	size_t l = dot != NULL ? (size_t)(dot - vehicle) : strlen(vehicle);

	if (l >= sizeof(name))
		l = sizeof(name) - 1;
	memcpy(name, vehicle, l);
	name[l] = '\0';
	for (int k = 0; k < L->n_veh; k++)
		if (L->veh[k].office == office &&
		    strcmp(L->veh[k].name, name) == 0)
			return &L->veh[k];
	if (L->n_veh == L->cap_veh) {
		L->cap_veh = L->cap_veh ? 2 * L->cap_veh : 256;
		L->veh = realloc(L->veh, (size_t)L->cap_veh * sizeof(*L->veh));
		if (L->veh == NULL)
			live_die("out of memory");
	}
	memset(&L->veh[L->n_veh], 0, sizeof(L->veh[0]));
	L->veh[L->n_veh].office = office;
	snprintf(L->veh[L->n_veh].name, sizeof(name), "%s", name);
	L->veh[L->n_veh].free_at = -1e18;
	return &L->veh[L->n_veh++];
}

/* One leg from the drive's position to (lon, lat) of district dist. */
static void
live_leg(struct live *L, struct live_drive *d, double lon, double lat,
    int dist, int leg)
{
	double m = pr_travel_m(L->r, d->lon, d->lat, d->district, lon, lat,
	    dist);
	double s = m / (L->r->profiles[d->profile].speed_kmh / 3.6);
	char key[PR_MAX_ID * 2];
	double u;

	snprintf(key, sizeof(key), "%d/%s", d->office, d->vehicle);
	u = live_draw(L, "leg", key, leg);
	if (d->left == 0)
		d->left = (int64_t)d->t;
	d->moving = 1;
	d->leg_m = m;
	d->leg_at = d->t + s * (1 + L->noise * (2 * u - 1));
}

static void
live_pickup(struct live *L, struct live_drive *d, int i, int64_t ts,
    int failed, const char *reason)
{
	struct pr_event ev;
	struct live_order *lo = live_order_of(L, i);

	memset(&ev, 0, sizeof(ev));
	ev.type = failed ? PR_EV_PICKUP_FAILED : PR_EV_PICKUP_COMPLETED;
	snprintf(ev.order_id, sizeof(ev.order_id), "%s", L->book.orders[i].id);
	ev.ts = ts;
	ev.ts_offset = L->r->utc_offset;
	snprintf(ev.office, sizeof(ev.office), "%s",
	    L->r->offices[d->office].id);
	snprintf(ev.vehicle, sizeof(ev.vehicle), "%s", d->vehicle);
	if (failed) {
		snprintf(ev.reason, sizeof(ev.reason), "%s", reason);
		lo->failed++;
		L->pickups_failed++;
	} else {
		lo->picked = 1;
		lo->picked_office = d->office;
		lo->drive = 1 + (int)(d - L->drives);
		d->picked[d->n_picked++] = i;
	}
	live_queue(L, 1, &ev);
}

/* Drives d up to T: legs, stops, pickups, the way back. */
static void
live_drive(struct live *L, struct live_drive *d, int64_t T)
{
	const struct pr_office *of = &L->r->offices[d->office];

	if (d->waiting) {
		struct live_vehicle *v = live_vehicle(L, d->office, d->vehicle);

		if (v->free_at >= 1e17)
			return;  /* still out */
		if (v->free_at > d->t)
			d->t = v->free_at;
		v->free_at = 1e18;
		d->waiting = 0;
	}
	while (!d->done) {
		if (!d->moving) {
			/* next stop: skip those no longer to collect */
			while (d->next < d->n) {
				int i = pr_orderbook_find(&L->book,
				    d->stops[d->next].order_id);

				if (i >= 0 && L->book.orders[i].state ==
				    PR_ORDER_OPEN)
					break;
				d->next++;
			}
			if (d->next < d->n) {
				const struct pr_order *o = &L->book.orders[
				    pr_orderbook_find(&L->book,
				    d->stops[d->next].order_id)];

				live_leg(L, d, o->lon, o->lat,
				    L->r->communes[o->commune].district,
				    d->next);
			} else {
				live_leg(L, d, of->lon, of->lat, of->district,
				    LIVE_MAX_STOPS);
			}
		}
		if (d->leg_at > (double)T)
			return;
		d->km += d->leg_m / 1000;
		d->moving = 0;
		if (d->next >= d->n) {
			/* back at the office */
			d->done = 1;
			d->back = (int64_t)ceil(d->leg_at);
			live_vehicle(L, d->office, d->vehicle)->free_at =
			    d->leg_at;
			for (int k = 0; k < d->n_picked; k++) {
				struct live_order *lo = live_order_of(L,
				    d->picked[k]);

				lo->back = d->back;
			}
			return;
		}
		{
			int i = pr_orderbook_find(&L->book,
			    d->stops[d->next].order_id);
			const struct pr_order *o = &L->book.orders[i];
			double svc = d->leg_at;
			struct live_order *lo = live_order_of(L, i);

			if ((double)o->ready_from > svc)
				svc = (double)o->ready_from;
			d->lon = o->lon;
			d->lat = o->lat;
			d->district = L->r->communes[o->commune].district;
			lo->attempts++;
			if (o->ready_to != INT64_MAX &&
			    svc > (double)o->ready_to)
				live_pickup(L, d, i, (int64_t)ceil(d->leg_at),
				    1, "window_closed");
			else if (live_draw(L, "absent", o->id,
			    lo->attempts) < L->absent)
				live_pickup(L, d, i, (int64_t)ceil(svc), 1,
				    "nobody_home");
			else
				live_pickup(L, d, i, (int64_t)ceil(svc), 0,
				    NULL);
			d->visited++;
			d->t = svc + L->r->service_s;
			d->next++;
		}
	}
}

/* ---- plans read --------------------------------------------------------------- */

static struct live_drive *
live_find_drive(struct live *L, int office, const char *vehicle)
{
	for (int k = L->n_drives - 1; k >= 0; k--)
		if (L->drives[k].office == office &&
		    strcmp(L->drives[k].vehicle, vehicle) == 0)
			return &L->drives[k];
	return NULL;
}

/* A dispatched route seen for the first time: a driver takes it. */
static void
live_start(struct live *L, int office, json_t *jr, int64_t plan_time)
{
	struct live_drive *d;
	struct live_vehicle *v;
	json_t *stops = json_object_get(jr, "stops"), *s;
	const char *vehicle = json_string_value(json_object_get(jr, "vehicle"));
	const char *profile = json_string_value(json_object_get(jr, "profile"));
	const char *start = json_string_value(json_object_get(jr, "start"));
	int64_t st = plan_time;
	int off;
	size_t k;

	if (L->n_drives == L->cap_drives) {
		L->cap_drives = L->cap_drives ? 2 * L->cap_drives : 256;
		L->drives = realloc(L->drives, (size_t)L->cap_drives *
		    sizeof(*L->drives));
		if (L->drives == NULL)
			live_die("out of memory");
	}
	d = &L->drives[L->n_drives++];
	memset(d, 0, sizeof(*d));
	d->office = office;
	snprintf(d->vehicle, sizeof(d->vehicle), "%s", vehicle);
	d->profile = profile != NULL ? pr_region_profile(L->r, profile) : -1;
	if (d->profile < 0)
		live_die("plan of %s: route %s: unknown profile",
		    L->r->offices[office].id, vehicle);
	if (start != NULL && pr_time_parse(start, &st, &off) == 0)
		d->plan_start = st;
	if (json_string_value(json_object_get(jr, "end")) != NULL)
		pr_time_parse(json_string_value(json_object_get(jr, "end")),
		    &d->plan_end, &off);
	if (st < plan_time)
		st = plan_time;
	v = live_vehicle(L, office, vehicle);
	d->t = (double)st;
	if (v->free_at >= 1e17) {
		d->waiting = 1;  /* leaves when its vehicle is back */
	} else {
		if (v->free_at > d->t)
			d->t = v->free_at;
		v->free_at = 1e18;       /* out until back */
	}
	d->lon = L->r->offices[office].lon;
	d->lat = L->r->offices[office].lat;
	d->district = L->r->offices[office].district;
	json_array_foreach(stops, k, s) {
		const char *id = json_string_value(json_object_get(s,
		    "order_id"));
		const char *ss = json_string_value(json_object_get(s,
		    "service_start"));

		if (id == NULL || d->n == LIVE_MAX_STOPS)
			continue;
		snprintf(d->stops[d->n].order_id, PR_MAX_ID, "%s", id);
		if (ss == NULL || pr_time_parse(ss,
		    &d->stops[d->n].service_start, &off) != 0)
			d->stops[d->n].service_start = -1;
		d->n++;
	}
}

/* A dispatched route with a vehicle id already driven is another trip of
 * that vehicle in the same slot when the first one has visited all its
 * stops and the new one has none of them. */
static int
live_new_trip(const struct live *L, const struct live_drive *d, json_t *jr)
{
	json_t *s;
	size_t k;

	(void)L;
	if (d->next < d->n || json_array_size(json_object_get(jr, "stops")) == 0)
		return 0;
	json_array_foreach(json_object_get(jr, "stops"), k, s) {
		const char *id = json_string_value(json_object_get(s,
		    "order_id"));

		for (int q = 0; id != NULL && q < d->n; q++)
			if (strcmp(d->stops[q].order_id, id) == 0)
				return 0;
	}
	return 1;
}

/* A dispatched route published again must be the route driven, less the
 * stops already visited or no longer to collect. */
static void
live_check_drive(struct live *L, struct live_drive *d, json_t *jr)
{
	json_t *stops = json_object_get(jr, "stops"), *s;
	size_t k;
	int at = 0, bad = 0;

	json_array_foreach(stops, k, s) {
		const char *id = json_string_value(json_object_get(s,
		    "order_id"));

		while (at < d->n && (id == NULL ||
		    strcmp(d->stops[at].order_id, id) != 0)) {
			/* skipped over: it must have had a pickup event or
			 * been cancelled */
			int i = pr_orderbook_find(&L->book,
			    d->stops[at].order_id);

			if (at >= d->next && i >= 0 &&
			    L->book.orders[i].state == PR_ORDER_OPEN &&
			    live_order_of(L, i)->failed == 0)
				bad = 1;
			at++;
		}
		if (at == d->n) {
			bad = 1;     /* a stop the driver never had */
			break;
		}
		at++;
	}
	if (bad) {
		L->dispatched_changed++;
		fprintf(stderr, "%s: office %s route %s: a dispatched route "
		    "changed; driven:", prog, L->r->offices[d->office].id,
		    d->vehicle);
		for (int q = 0; q < d->n; q++)
			fprintf(stderr, " %s%s", d->stops[q].order_id,
			    q < d->next ? "(done)" : "");
		fprintf(stderr, "; published:");
		json_array_foreach(stops, k, s)
			fprintf(stderr, " %s", json_string_value(
			    json_object_get(s, "order_id")));
		fprintf(stderr, "\n");
	}
}

static void
live_prev_clear(struct live_prev *pv)
{
	free(pv->order);
	free(pv->vehicle);
	free(pv->pos);
	memset(pv, 0, sizeof(*pv));
}

/* Churn: stops of routes not dispatched in both plans that changed
 * vehicle or position. */
static void
live_churn(struct live *L, int office, json_t *routes)
{
	struct live_prev *pv = &L->prev[office], nw;
	json_t *jr, *s;
	size_t q, k;
	int cap = 0;

	memset(&nw, 0, sizeof(nw));
	json_array_foreach(routes, q, jr)
		if (!json_is_true(json_object_get(jr, "dispatched")))
			cap += (int)json_array_size(json_object_get(jr,
			    "stops"));
	nw.order = live_calloc((size_t)cap + 1, sizeof(*nw.order));
	nw.vehicle = live_calloc((size_t)cap + 1, sizeof(*nw.vehicle));
	nw.pos = live_calloc((size_t)cap + 1, sizeof(int));
	json_array_foreach(routes, q, jr) {
		const char *v = json_string_value(json_object_get(jr,
		    "vehicle"));

		if (json_is_true(json_object_get(jr, "dispatched")))
			continue;
		json_array_foreach(json_object_get(jr, "stops"), k, s) {
			const char *id = json_string_value(json_object_get(s,
			    "order_id"));

			snprintf(nw.order[nw.n], PR_MAX_ID, "%s", id ? id : "");
			snprintf(nw.vehicle[nw.n], PR_MAX_ID, "%s", v ? v : "");
			nw.pos[nw.n++] = (int)k;
		}
	}
	for (int a = 0; a < nw.n; a++)
		for (int b = 0; b < pv->n; b++)
			if (strcmp(nw.order[a], pv->order[b]) == 0) {
				L->churn_compared++;
				L->churn_changed += strcmp(nw.vehicle[a],
				    pv->vehicle[b]) != 0 || nw.pos[a] !=
				    pv->pos[b];
				break;
			}
	live_prev_clear(pv);
	*pv = nw;
}

/* Orders listed in a plan: planned (latency), at risk (seen). */
static void
live_listed(struct live *L, json_t *plan, int64_t ms, int64_t plan_time)
{
	json_t *jr, *s;
	size_t q, k;

	json_array_foreach(json_object_get(plan, "routes"), q, jr)
		json_array_foreach(json_object_get(jr, "stops"), k, s) {
			int i = pr_orderbook_find(&L->book, json_string_value(
			    json_object_get(s, "order_id")));
			struct live_order *lo;

			if (i < 0)
				continue;
			lo = live_order_of(L, i);
			lo->last_where = 1;
			lo->last_at = plan_time;
			if (lo->planned_ms)
				continue;
			lo->planned_ms = ms;
			lo->planned_sim = plan_time;
		}
	json_array_foreach(json_object_get(plan, "unassigned"), q, s) {
		int i = pr_orderbook_find(&L->book, json_string_value(
		    json_object_get(s, "order_id")));
		const char *why = json_string_value(json_object_get(s,
		    "reason"));
		struct live_order *lo;

		if (i < 0)
			continue;
		lo = live_order_of(L, i);
		lo->last_where = 2;
		lo->last_at = plan_time;
		snprintf(lo->last_reason, sizeof(lo->last_reason), "%s",
		    why != NULL ? why : "?");
		if (lo->planned_ms)
			continue;
		lo->planned_ms = ms;
		lo->planned_sim = plan_time;
	}
	json_array_foreach(json_object_get(plan, "at_risk"), q, s) {
		int i = pr_orderbook_find(&L->book, json_string_value(
		    json_object_get(s, "order_id")));
		const char *rk = json_string_value(json_object_get(s, "risk"));
		struct live_order *lo;

		if (i < 0 || rk == NULL || (lo = live_order_of(L, i))->risk)
			continue;
		for (int r = 1; r < PR_RISK_COUNT; r++)
			if (strcmp(rk, pr_risk_name(r)) == 0)
				lo->risk = r;
		lo->risk_at = plan_time;
	}
}

/* The digest of the plans: what they decide, not when they were made;
 * a sum, as jobs of different offices may end in either order. */
static void
live_digest(struct live *L, int office, json_t *plan)
{
	json_t *jr, *s;
	size_t q, k;
	uint64_t h = live_hash_int(0, office);

	h = live_hash_int(h, json_integer_value(json_object_get(plan,
	    "version")));
	json_array_foreach(json_object_get(plan, "routes"), q, jr) {
		h = live_hash(h, json_string_value(json_object_get(jr,
		    "vehicle")));
		h = live_hash_int(h, json_is_true(json_object_get(jr,
		    "dispatched")));
		json_array_foreach(json_object_get(jr, "stops"), k, s)
			h = live_hash(h, json_string_value(json_object_get(s,
			    "order_id")));
	}
	json_array_foreach(json_object_get(plan, "unassigned"), q, s)
		h = live_hash(h, json_string_value(json_object_get(s,
		    "order_id")));
	L->digest += h;
}

static void
live_plan(struct live *L, const char *id, const char *office_id,
    const char *text, size_t len)
{
	json_t *plan = json_loadb(text, len, 0, NULL), *routes, *jr;
	int office = pr_region_office(L->r, office_id);
	int64_t plan_time = 0;
	int off;
	size_t q;

	if (plan == NULL || office < 0)
		live_die("plans stream: entry %s is not a plan", id);
	L->plans++;
	pr_time_parse(json_string_value(json_object_get(plan, "plan_time")),
	    &plan_time, &off);
	routes = json_object_get(plan, "routes");
	live_digest(L, office, plan);
	live_listed(L, plan, live_id_ms(id), plan_time);
	live_churn(L, office, routes);
	json_array_foreach(routes, q, jr) {
		const char *v = json_string_value(json_object_get(jr,
		    "vehicle"));
		struct live_drive *d;

		if (v == NULL || !json_is_true(json_object_get(jr,
		    "dispatched")))
			continue;
		if ((d = live_find_drive(L, office, v)) == NULL ||
		    live_new_trip(L, d, jr))
			live_start(L, office, jr, plan_time);
		else
			live_check_drive(L, d, jr);
	}
	json_decref(plan);
}

/* The plans published since the last read. */
static void
live_read_plans(struct live *L)
{
	for (;;) {
		redisReply *rep = redisCommand(L->rc, "XREAD COUNT 500 STREAMS "
		    "postroute:plans %s", L->plans_id);
		redisReply *entries;

		if (rep == NULL)
			live_die("redis: %s", L->rc->errstr);
		if (rep->type == REDIS_REPLY_NIL) {
			freeReplyObject(rep);
			return;
		}
		if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1)
			live_die("XREAD: unexpected reply");
		entries = rep->element[0]->element[1];
		for (size_t e = 0; e < entries->elements; e++) {
			redisReply *en = entries->element[e], *f = en->element[1];
			const char *office = NULL, *text = NULL;
			size_t tlen = 0;

			for (size_t k = 0; k + 1 < f->elements; k += 2) {
				if (strcmp(f->element[k]->str, "office") == 0)
					office = f->element[k + 1]->str;
				else if (strcmp(f->element[k]->str, "plan") == 0) {
					text = f->element[k + 1]->str;
					tlen = f->element[k + 1]->len;
				}
			}
			if (office == NULL || text == NULL)
				live_die("plans stream: entry %s without office "
				    "or plan", en->element[0]->str);
			live_plan(L, en->element[0]->str, office, text, tlen);
			snprintf(L->plans_id, sizeof(L->plans_id), "%s",
			    en->element[0]->str);
		}
		freeReplyObject(rep);
	}
}

/* ---- the report --------------------------------------------------------------- */

struct live_result {
	int orders, possible, on_time_possible, on_time_all;
	int possible_present, on_time_present; /* never absent at a visit */
	int picked, late, late_unwarned, never_picked, never_warned;
	int still_out;           /* picked, on a route not back at the end */
	int failed_orders, replanned;
	int picked_cancelled;    /* picked before the buyer cancelled */
	int not_sent;            /* placed after the simulated hours */
	double km;
	int routes, routes_idle;
	double lat_p50, lat_p99, sim_p50, sim_p99;
	int risk[PR_RISK_COUNT];
};

static int
live_i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double
live_pct(int64_t *v, long n, double p)
{
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), live_i64_cmp);
	return (double)v[(long)floor(p * (double)(n - 1) + 0.5)];
}

/* Why an order that could make its promise did not: one line each on
 * standard error, for whoever tunes the planner. */
static void
live_late_note(const struct live *L, const struct pr_order *o,
    const struct live_order *lo)
{
	struct pr_deadline dl;
	int home = L->r->communes[o->commune].office;
	char placed[40], ready[40], back[40], latest[40], planned[40];
	char route[160] = "";

	pr_latest_pickup(L->r, home, o, pr_pickup_back_s(L->r, home, o), &dl);
	pr_time_format(o->placed, L->r->utc_offset, placed, sizeof(placed));
	pr_time_format(o->ready_from, L->r->utc_offset, ready, sizeof(ready));
	pr_time_format(lo->back, L->r->utc_offset, back, sizeof(back));
	pr_time_format(dl.latest, L->r->utc_offset, latest, sizeof(latest));
	pr_time_format(lo->planned_sim, L->r->utc_offset, planned,
	    sizeof(planned));
	if (lo->drive > 0) {
		/* the trip that brought it: as planned and as driven */
		const struct live_drive *d = &L->drives[lo->drive - 1];
		char ps[40], pe[40], lf[40];

		pr_time_format(d->plan_start, L->r->utc_offset, ps, sizeof(ps));
		pr_time_format(d->plan_end, L->r->utc_offset, pe, sizeof(pe));
		pr_time_format(d->left, L->r->utc_offset, lf, sizeof(lf));
		snprintf(route, sizeof(route), " on %s (planned %.8s-%.8s, "
		    "left %.8s, %d stops)", d->vehicle, ps + 11, pe + 11,
		    lf + 11, d->n);
	}
	fprintf(stderr, "%s: late: %s %dh %s at %s (home %s): placed %s "
	    "ready %s first planned %s latest pickup at home %s back %s%s%s%s\n",
	    prog, o->id, o->promise_h, L->r->destinations[o->destination].id,
	    L->r->offices[lo->picked_office].id, L->r->offices[home].id,
	    placed + 11, ready + 11, planned + 11, latest + 11, back + 11,
	    route, lo->failed ? " (failed before)" : "",
	    lo->risk ? " (reported at risk)" : "");
}

static void
live_judge(struct live *L, struct live_result *res)
{
	const struct field_day *fd = &L->fd;
	int64_t *lat = live_calloc((size_t)fd->n + 1, sizeof(int64_t));
	int64_t *sim = live_calloc((size_t)fd->n + 1, sizeof(int64_t));
	long nl = 0;

	memset(res, 0, sizeof(*res));
	res->orders = fd->n;
	res->possible = fd->npossible;
	for (int k = 0; k < fd->n; k++) {
		const struct pr_order *o = &fd->orders[k];
		int i = pr_orderbook_find(&L->book, o->id);
		struct live_order *lo = i >= 0 ? live_order_of(L, i) : NULL;

		if (lo == NULL) {
			/* placed after the end of the simulated hours */
			res->not_sent++;
			continue;
		}
		if (lo->sent_ms > 0 && lo->planned_ms > 0) {
			lat[nl] = lo->planned_ms - lo->sent_ms;
			sim[nl++] = lo->planned_sim - o->placed;
		}
		if (lo->failed) {
			res->failed_orders++;
			res->replanned += lo->picked;
		}
		if (lo->risk)
			res->risk[lo->risk]++;
		if (!lo->picked) {
			char at[40];

			pr_time_format(lo->last_at, L->r->utc_offset, at,
			    sizeof(at));
			fprintf(stderr, "%s: never picked up: %s at %s, last "
			    "listed %s at %s%s%s\n", prog, o->id,
			    L->r->offices[L->r->communes[o->commune].office].id,
			    lo->last_where == 1 ? "in a route" :
			    lo->last_where == 2 ? "unassigned" : "nowhere", at,
			    lo->last_where == 2 ? ": " : "", lo->last_where == 2 ?
			    lo->last_reason : "");
			if (fd->possible[k] && lo->failed == 0)
				res->possible_present++;
			res->never_picked++;
			res->never_warned += lo->risk == 0;
			continue;
		}
		res->picked++;
		if (lo->back == 0) {
			res->still_out++;
			res->late++;
			continue;
		}
		if (fd->possible[k] && lo->failed == 0)
			res->possible_present++;
		if (field_on_time(L->r, lo->picked_office, o, lo->back, NULL)) {
			res->on_time_all++;
			res->on_time_possible += fd->possible[k];
			res->on_time_present += fd->possible[k] &&
			    lo->failed == 0;
		} else {
			res->late++;
			res->late_unwarned += lo->risk == 0;
			if (fd->possible[k])
				live_late_note(L, o, lo);
		}
	}
	for (int i = 0; i < L->book.n; i++)
		if (L->book.orders[i].state == PR_ORDER_COMPLETED &&
		    field_day_find(fd, L->book.orders[i].id) < 0)
			res->picked_cancelled++;
	for (int k = 0; k < L->n_drives; k++) {
		res->km += L->drives[k].km;
		if (L->drives[k].visited > 0)
			res->routes++;
		else
			res->routes_idle++;
	}
	res->lat_p50 = live_pct(lat, nl, 0.50);
	res->lat_p99 = live_pct(lat, nl, 0.99);
	res->sim_p50 = live_pct(sim, nl, 0.50);
	res->sim_p99 = live_pct(sim, nl, 0.99);
	free(lat);
	free(sim);
}

/* One row of the table and of the CSV. */
static void
live_row(FILE *csv, const char *name, int prec, double a, double b,
    double c)
{
	char x[32], y[32], z[32];

	snprintf(x, sizeof(x), "%.*f", prec, a);
	snprintf(y, sizeof(y), "%.*f", prec, b);
	snprintf(z, sizeof(z), "%.*f", prec, c);
	printf("%-44s %12s %12s %12s\n", name, isnan(a) ? "-" : x,
	    isnan(b) ? "-" : y, isnan(c) ? "-" : z);
	if (csv != NULL) {
		fprintf(csv, "\"%s\",", name);
		fprintf(csv, "%s,%s,%s\n", isnan(a) ? "" : x,
		    isnan(b) ? "" : y, isnan(c) ? "" : z);
	}
}

static void
live_report(struct live *L, const struct live_result *lv,
    const struct field_result *of, const struct field_result *bl,
    int offline, const char *csv_path)
{
	FILE *csv = NULL;
	double np = L->fd.npossible ? L->fd.npossible : 1;
	double n = L->fd.n ? L->fd.n : 1;
	double X = NAN;

	if (csv_path != NULL && (csv = fopen(csv_path, "w")) == NULL)
		live_die("%s: %s", csv_path, strerror(errno));
	if (csv != NULL)
		fprintf(csv, "metric,live,offline,baseline\n");
	printf("\n%-44s %12s %12s %12s\n", "", "live", "offline", "baseline");
	live_row(csv, "orders", 0, lv->orders, offline ? of->planned : X,
	    offline ? bl->planned : X);
	live_row(csv, "can make their promise", 0, lv->possible,
	    offline ? L->fd.npossible : X, offline ? L->fd.npossible : X);
	live_row(csv, "on time (of those that can) %", 1,
	    100.0 * lv->on_time_possible / np,
	    offline ? 100.0 * of->on_time_possible / np : X,
	    offline ? 100.0 * bl->on_time_possible / np : X);
	live_row(csv, "  on time (count)", 0, lv->on_time_possible,
	    offline ? of->on_time_possible : X,
	    offline ? bl->on_time_possible : X);
	live_row(csv, "on time (of those that can; no failed pickup) %", 1,
	    100.0 * lv->on_time_present / (lv->possible_present ?
	    lv->possible_present : 1), X, X);
	live_row(csv, "on time (of all) %", 1, 100.0 * lv->on_time_all / n,
	    offline ? 100.0 * of->on_time_all / n : X,
	    offline ? 100.0 * bl->on_time_all / n : X);
	live_row(csv, "vehicle-km", 0, lv->km, offline ? of->km : X,
	    offline ? bl->km : X);
	live_row(csv, "routes driven", 0, lv->routes,
	    offline ? of->routes : X, offline ? bl->routes : X);
	live_row(csv, "  dispatched with every stop gone before", 0,
	    lv->routes_idle, X, X);
	live_row(csv, "picked up", 0, lv->picked,
	    offline ? of->planned - (of->risk[PR_RISK_NO_CAPACITY] +
	    of->risk[PR_RISK_UNREACHABLE] + of->risk[PR_RISK_NOT_PLANNED] +
	    of->risk[PR_RISK_READY_WINDOW] +
	    of->risk[PR_RISK_OUTSIDE_SERVICE_AREA] +
	    of->risk[PR_RISK_TOO_HEAVY]) : X,
	    offline ? bl->planned - bl->risk[FIELD_NOT_COLLECTED] : X);
	live_row(csv, "picked up late", 0, lv->late, X, X);
	live_row(csv, "  late and never reported at risk", 0,
	    lv->late_unwarned, X, X);
	live_row(csv, "never picked up", 0, lv->never_picked, X,
	    offline ? bl->risk[FIELD_NOT_COLLECTED] : X);
	live_row(csv, "  never picked up and never reported at risk", 0,
	    lv->never_warned, X, X);
	live_row(csv, "on a route not back at the end", 0, lv->still_out,
	    X, X);
	live_row(csv, "pickups failed (absent or window closed)", 0,
	    (double)L->pickups_failed, X, X);
	live_row(csv, "  orders failed at least once", 0,
	    lv->failed_orders, X, X);
	live_row(csv, "  of which re-planned and picked up", 0,
	    lv->replanned, X, X);
	live_row(csv, "picked up then cancelled by the buyer", 0,
	    lv->picked_cancelled, X, X);
	if (lv->not_sent > 0)
		live_row(csv, "placed after the hours simulated", 0,
		    lv->not_sent, X, X);
	live_row(csv, "plans published", 0, (double)L->plans, X, X);
	live_row(csv, "order to first plan: wall p50 (ms)", 0,
	    lv->lat_p50, X, X);
	live_row(csv, "order to first plan: wall p99 (ms)", 0,
	    lv->lat_p99, X, X);
	live_row(csv, "order to first plan: simulated p50 (min)", 1,
	    lv->sim_p50 / 60, X, X);
	live_row(csv, "order to first plan: simulated p99 (min)", 1,
	    lv->sim_p99 / 60, X, X);
	live_row(csv, "plan churn (% of stops compared)", 1,
	    L->churn_compared ? 100.0 * L->churn_changed /
	    L->churn_compared : 0, X, X);
	live_row(csv, "  stops compared", 0, (double)L->churn_compared,
	    X, X);
	live_row(csv, "dispatched routes changed (not by pickups)", 0,
	    (double)L->dispatched_changed, X, X);
	for (int k = 1; k < PR_RISK_COUNT; k++)
		if (lv->risk[k] > 0) {
			char lab[64];

			snprintf(lab, sizeof(lab), "reported at risk: %s",
			    pr_risk_name(k));
			live_row(csv, lab, 0, lv->risk[k],
			    offline ? of->risk[k] : X, X);
		}
	live_row(csv, "wall seconds waiting for the daemon", 0,
	    L->wall_wait, offline ? of->seconds : X, X);
	if (csv != NULL)
		fclose(csv);
	printf("digest=%016llx ticks=%ld events=%ld\n",
	    (unsigned long long)L->digest, L->ticks, L->sent);
	printf("live: on_time=%.1f%% km=%.0f offline_km=%.0f baseline_km=%.0f "
	    "offline_on_time=%.1f%% orders=%d never_picked=%d\n",
	    100.0 * lv->on_time_possible / np, lv->km,
	    offline ? of->km : 0.0, offline ? bl->km : 0.0,
	    offline ? 100.0 * of->on_time_possible / np : 0.0, lv->orders,
	    lv->never_picked);
}

/* ---- main --------------------------------------------------------------------- */

static void
live_usage(FILE *f)
{
	fprintf(f, "usage: bench-live --redis-socket PATH --http-port N "
	    "[--region FILE] [--date YYYY-MM-DD]\n"
	    "           [--orders N] [--seed S] [--step S] [--noise X] "
	    "[--absent X] [--hours H]\n"
	    "           [--iterations N] [--threads N] [--csv FILE] "
	    "[--no-offline] [--wait-s S]\n");
}

static double
live_num(const char *opt, const char *s, double lo, double hi)
{
	return bench_num(prog, opt, s, lo, hi);
}

int
main(int argc, char **argv)
{
	const char *region = "config/regions/langson.json";
	const char *date = "2026-08-20", *sock = NULL, *csv = NULL;
	const char *district = NULL;
	int n_orders = 5200, ch, offline = 1;
	double hours = 48;
	long iterations = 2000;
	int threads = 2;
	struct live L;
	struct live_result lv;
	struct field_result of, bl;
	int64_t T, end, hour = 0;
	double t0;
	static const struct option longopts[] = {
		{ "redis-socket", required_argument, NULL, 'S' },
		{ "http-port", required_argument, NULL, 'P' },
		{ "region", required_argument, NULL, 'r' },
		{ "date", required_argument, NULL, 'd' },
		{ "orders", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "step", required_argument, NULL, 't' },
		{ "noise", required_argument, NULL, 'N' },
		{ "absent", required_argument, NULL, 'a' },
		{ "hours", required_argument, NULL, 'H' },
		{ "iterations", required_argument, NULL, 'I' },
		{ "threads", required_argument, NULL, 'j' },
		{ "csv", required_argument, NULL, 'c' },
		{ "no-offline", no_argument, NULL, 'O' },
		{ "wait-s", required_argument, NULL, 'w' },
		{ "district", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	memset(&L, 0, sizeof(L));
	L.seed = 1;
	L.step = 60;
	L.noise = 0.15;
	L.absent = 0.03;
	L.wait_s = 600;
	while ((ch = getopt_long(argc, argv, "S:P:r:d:n:s:t:N:a:H:I:j:c:Ow:D:h",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'P':
			L.http_port = (int)live_num("http-port", optarg, 1,
			    65535);
			break;
		case 'r':
			region = optarg;
			break;
		case 'd':
			date = optarg;
			break;
		case 'n':
			n_orders = (int)live_num("orders", optarg, 1, 1e6);
			break;
		case 's':
			L.seed = strtoull(optarg, NULL, 10);
			break;
		case 't':
			L.step = (int)live_num("step", optarg, 1, 3600);
			break;
		case 'N':
			L.noise = live_num("noise", optarg, 0, 0.9);
			break;
		case 'a':
			L.absent = live_num("absent", optarg, 0, 1);
			break;
		case 'H':
			hours = live_num("hours", optarg, 1, 24 * 7);
			break;
		case 'I':
			iterations = (long)live_num("iterations", optarg, 0,
			    1e9);
			break;
		case 'j':
			threads = (int)live_num("threads", optarg, 1, 64);
			break;
		case 'c':
			csv = optarg;
			break;
		case 'O':
			offline = 0;
			break;
		case 'w':
			L.wait_s = live_num("wait-s", optarg, 1, 86400);
			break;
		case 'D':
			district = optarg;
			break;
		case 'h':
			live_usage(stdout);
			return 0;
		default:
			live_usage(stderr);
			return 2;
		}
	}
	if (sock == NULL || L.http_port == 0 || optind < argc) {
		live_usage(stderr);
		return 2;
	}
	field_day_load(&L.fd, prog, region, date, n_orders, L.seed, NULL);
	L.r = L.fd.r;
	if (district != NULL) {
		int k = pr_region_district(L.r, district);

		if (k < 0) {
			fprintf(stderr, "%s: --district: no district \"%s\" in "
			    "the region\n", prog, district);
			return 2;
		}
		field_day_keep_district(&L.fd, k);
	}
	pr_orderbook_init(&L.book);
	L.prev = live_calloc((size_t)L.r->n_offices, sizeof(*L.prev));
	snprintf(L.plans_id, sizeof(L.plans_id), "0-0");
	live_connect(&L, sock);
	printf("live day: region %s, %s, %d events, %d open orders, seed "
	    "%llu, step %d s, noise %.0f %%, absent %.0f %%\n", L.r->name,
	    date, L.fd.nev, L.fd.n, (unsigned long long)L.seed, L.step,
	    100 * L.noise, 100 * L.absent);
	fflush(stdout);

	t0 = live_mono();
	T = L.fd.day_start;
	end = L.fd.day_start + (int64_t)(hours * 3600);
	for (; T <= end; T += L.step) {
		live_orders(&L, T);
		for (int k = 0; k < L.n_drives; k++)
			if (!L.drives[k].done)
				live_drive(&L, &L.drives[k], T);
		live_send(&L, T);
		live_wait(&L, T);
		live_read_plans(&L);
		if ((T - L.fd.day_start) / 3600 != hour) {
			char buf[40];
			int active = 0;

			hour = (T - L.fd.day_start) / 3600;
			for (int k = 0; k < L.n_drives; k++)
				active += !L.drives[k].done;
			pr_time_format(T, L.r->utc_offset, buf, sizeof(buf));
			fprintf(stderr, "%s: %s: %ld events, %ld plans, %d "
			    "routes driven, %d on the road, %.0f s\n", prog,
			    buf, L.sent, L.plans, L.n_drives, active,
			    live_mono() - t0);
		}
	}
	{
		int shown = 0;

		for (int k = 0; k < L.n_drives && shown < 10; k++) {
			const struct live_drive *d = &L.drives[k];
			char b1[40];

			if (d->done)
				continue;
			pr_time_format((int64_t)d->t, L.r->utc_offset, b1,
			    sizeof(b1));
			fprintf(stderr, "%s: route %s %s not back at the end: "
			    "%s, at stop %d of %d, %s\n", prog,
			    L.r->offices[d->office].id, d->vehicle, b1, d->next,
			    d->n, d->waiting ? "waiting for its vehicle" :
			    d->moving ? "moving" : "at a stop");
			shown++;
		}
	}
	live_judge(&L, &lv);
	memset(&of, 0, sizeof(of));
	memset(&bl, 0, sizeof(bl));
	if (offline) {
		struct field_offline_params fp;
		struct field_result same;

		/* bench-field's postroute column: its defaults */
		field_offline_params_init(&fp);
		fp.pp.threads = threads;
		fp.pp.seed = 1;
		printf("offline plan of the same orders (all known), "
		    "bench-field's defaults (%ld iterations per problem):\n",
		    fp.pp.iterations);
		field_offline(&L.fd, &fp, 0, &of);
		field_baseline(&L.fd, 13 * 3600, 0, &bl);
		/* and with the daemon's solve effort: what not knowing the
		 * future costs, apart from the effort */
		if (iterations > 0 && iterations != fp.pp.iterations) {
			memset(&same, 0, sizeof(same));
			fp.pp.iterations = iterations;
			printf("offline plan with the daemon's %ld iterations per "
			    "problem:\n", iterations);
			field_offline(&L.fd, &fp, 0, &same);
			printf("offline (daemon's iterations): km=%.0f on_time="
			    "%.1f%% routes=%d\n", same.km, 100.0 *
			    same.on_time_possible / (L.fd.npossible ?
			    L.fd.npossible : 1), same.routes);
		}
	}
	printf("live day: %.0f s wall, %ld ticks\n", live_mono() - t0,
	    L.ticks);
	live_report(&L, &lv, &of, &bl, offline, csv);
	for (int f = 0; f < L.r->n_offices; f++)
		live_prev_clear(&L.prev[f]);
	free(L.prev);
	free(L.drives);
	free(L.veh);
	free(L.out);
	free(L.lo);
	pr_orderbook_clear(&L.book);
	redisFree(L.rc);
	field_day_free(&L.fd);
	glp_free_env();
	return 0;
}
