/* postroute-sim.c: writes a seeded, reproducible day of order events as JSON lines, at once or replayed in real time. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "sim.h"
#include "tile.h"
#include "postroute/event.h"
#include "postroute/region.h"
#include "postroute/time.h"

/*
 * usage: postroute-sim [--date YYYY-MM-DD] [--orders N] [--seed S]
 *            [--region FILE] [--update-rate R] [--cancel-rate R] [--out FILE]
 *            [--speed X] [--resp STREAM]
 *            [--provinces N [--write-region FILE]] [--id-prefix P]
 *            [--from HH:MM|peak [--for S]]
 *
 * The events follow docs/events.md, one JSON object per line, sorted by
 * ts; the generator itself is sim_generate() in bench/common/sim.c.
 *
 * --speed X replays them: each event is written (and flushed) when its
 * time comes, X simulated seconds per real second from the first event.
 * Deadlines are absolute (CLOCK_MONOTONIC, from the start of the replay),
 * so time spent writing never accumulates: the replay stays on its clock
 * unless one write blocks for longer than the gap to the next event, and
 * then it says how far behind it is and the speed it holds. --resp STREAM
 * writes each event as the Redis command XADD STREAM * event JSON in the
 * protocol (RESP), for redis-cli --pipe.
 *
 * --provinces N makes a national region of N copies of the region, side
 * by side (tile_region() in bench/common/tile.c: distinct codes and ids,
 * coordinates moved so that no two provinces overlap), and the day is
 * drawn over all of it (order ids VN... unless --id-prefix says
 * otherwise); --write-region FILE writes that region, for the daemon.
 * postroute-sim --provinces 50 --orders 1000000 is issue 17's national
 * peak day: 10,450 offices.
 *
 * --from HH:MM (or peak: the whole hour of the day in which most orders
 * are created) and --for S (default 3600) keep a window of the day: the
 * orders created in it, with their events up to its end; the events of
 * other orders are left out, so that no event refers to an order the
 * consumer has not seen. With --speed the replay starts at the window.
 */

/* Writes one event, as a JSON line or an XADD in RESP. */
static void
sim_write(FILE *out, const char *stream, const char *json)
{
	if (stream == NULL) {
		fputs(json, out);
		fputc('\n', out);
		return;
	}
	fprintf(out, "*5\r\n$4\r\nXADD\r\n$%zu\r\n%s\r\n$1\r\n*\r\n"
	    "$5\r\nevent\r\n$%zu\r\n%s\r\n", strlen(stream), stream,
	    strlen(json), json);
}

/* Writes len bytes of buf and a newline to path; 0, or -1 (errno). */
static int
sim_write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	if (fwrite(buf, 1, len, f) != len || fputc('\n', f) == EOF) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static double
sim_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sleeps until the monotonic time t (seconds). */
static void
sim_sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* The local time of ts as HH:MM (+N d after the first day). */
static void
sim_hhmm(int64_t ts, int offset, int64_t day_start, char *buf, size_t n)
{
	int64_t local = ts + offset, day = (ts - day_start) / 86400;
	int64_t sec = ((local % 86400) + 86400) % 86400;

	if (day > 0)
		snprintf(buf, n, "%02d:%02d (+%lld d)", (int)(sec / 3600),
		    (int)(sec / 60 % 60), (long long)day);
	else
		snprintf(buf, n, "%02d:%02d", (int)(sec / 3600),
		    (int)(sec / 60 % 60));
}

static void
sim_usage(FILE *f)
{
	fprintf(f, "usage: postroute-sim [--date YYYY-MM-DD] [--orders N] "
	    "[--seed S] [--region FILE]\n"
	    "           [--update-rate R] [--cancel-rate R] [--out FILE]\n"
	    "           [--speed X] [--resp STREAM]\n"
	    "           [--provinces N [--write-region FILE]] [--id-prefix P]\n"
	    "  --speed X      replay: write each event at its time, X simulated "
	    "seconds\n"
	    "                 per second (progress and lag on stderr)\n"
	    "  --resp STREAM  write XADD STREAM * event JSON commands for "
	    "redis-cli --pipe\n"
	    "  --provinces N  a national region: N copies of the region on a "
	    "grid\n"
	    "                 (--write-region FILE writes it for the daemon)\n"
	    "  --id-prefix P  order ids start with P (LS; VN with "
	    "--provinces)\n"
	    "  --from HH:MM|peak [--for S]\n"
	    "                 only the orders created in the window (peak: the "
	    "busiest\n"
	    "                 hour; S seconds, 3600 by default), with their "
	    "events in it\n");
}

static double
sim_num(const char *opt, const char *s, double lo, double hi)
{
	return bench_num("postroute-sim", opt, s, lo, hi);
}

int
main(int argc, char **argv)
{
	const char *date = "2026-08-20";
	const char *region = "config/regions/langson.json";
	const char *outpath = NULL, *stream = NULL, *region_out = NULL;
	int provinces = 0;
	double speed = 0, t0 = 0, next_report = 0, lag_max = 0;
	int64_t win_from = -2, win_len = 3600;
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
		{ "speed", required_argument, NULL, 'x' },
		{ "resp", required_argument, NULL, 'R' },
		{ "provinces", required_argument, NULL, 'P' },
		{ "write-region", required_argument, NULL, 'W' },
		{ "id-prefix", required_argument, NULL, 'I' },
		{ "from", required_argument, NULL, 'F' },
		{ "for", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	memset(&sp, 0, sizeof(sp));
	sp.n_orders = 5200;
	sp.seed = 1;
	sp.update_rate = 0.05;
	sp.cancel_rate = 0.03;
	while ((ch = getopt_long(argc, argv, "d:n:s:r:u:c:o:x:R:P:W:I:F:L:h", longopts,
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
		case 'x':
			speed = sim_num("speed", optarg, 0.001, 1e9);
			break;
		case 'R':
			if (*optarg == '\0') {
				fprintf(stderr, "postroute-sim: --resp: the "
				    "stream name is empty\n");
				return 2;
			}
			stream = optarg;
			break;
		case 'P':
			provinces = (int)sim_num("provinces", optarg, 1,
			    TILE_MAX_PROVINCES);
			break;
		case 'W':
			region_out = optarg;
			break;
		case 'I':
			if (*optarg == '\0' || strlen(optarg) > 8) {
				fprintf(stderr, "postroute-sim: --id-prefix: "
				    "1 to 8 characters\n");
				return 2;
			}
			sp.id_prefix = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "peak") == 0) {
				win_from = -1;
			} else {
				int tod;

				if (pr_time_of_day_parse(optarg, &tod) != 0) {
					fprintf(stderr, "postroute-sim: --from: "
					    "\"%s\" is neither HH:MM nor peak\n",
					    optarg);
					return 2;
				}
				win_from = tod;
			}
			break;
		case 'L':
			win_len = (int64_t)sim_num("for", optarg, 1, 7 * 86400);
			break;
		case 'h':
			sim_usage(stdout);
			return 0;
		default:
			sim_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (region_out != NULL && provinces == 0)) {
		sim_usage(stderr);
		return 2;
	}
	if ((buf = bench_read_file(region, &len)) == NULL) {
		fprintf(stderr, "postroute-sim: %s: %s\n", region,
		    strerror(errno));
		return 1;
	}
	if (provinces > 0) {
		char *tiled = tile_region(buf, len, provinces, &err);

		if (tiled == NULL) {
			fprintf(stderr, "postroute-sim: %s: %s\n", region,
			    err.msg);
			return 2;
		}
		free(buf);
		buf = tiled;
		len = strlen(buf);
		if (sp.id_prefix == NULL)
			sp.id_prefix = "VN";
		if (region_out != NULL && sim_write_file(region_out, buf,
		    len) != 0) {
			fprintf(stderr, "postroute-sim: %s: %s\n", region_out,
			    strerror(errno));
			return 1;
		}
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
	if (win_from > -2) {
		char hhmm[32];
		int64_t start = sim_window(ev, &n, sp.day_start, win_from,
		    win_len);

		sim_hhmm(start, r->utc_offset, sp.day_start, hhmm,
		    sizeof(hhmm));
		fprintf(stderr, "postroute-sim: the window from %s, %lld s: "
		    "%d events, %.2f per second\n", hhmm, (long long)win_len,
		    n, n / (double)win_len);
	}
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "postroute-sim: %s: %s\n", outpath,
		    strerror(errno));
		return 1;
	}
	if (speed > 0) {
		t0 = sim_mono();
		next_report = t0 + 10;
	}
	for (int i = 0; i < n; i++) {
		char *s = pr_event_to_json(&ev[i]);
		double due = 0, now;

		if (s == NULL) {
			fprintf(stderr, "postroute-sim: out of memory\n");
			return 1;
		}
		if (speed > 0) {
			due = t0 + (double)(ev[i].ts - ev[0].ts) / speed;
			if (due > sim_mono())
				sim_sleep_until(due);
		}
		sim_write(out, stream, s);
		free(s);
		if (speed <= 0)
			continue;
		if (fflush(out) != 0)
			break;	/* reported below */
		now = sim_mono();
		if (now - due > lag_max)
			lag_max = now - due;
		if (now >= next_report || i == n - 1) {
			char hhmm[32];
			double held = now > t0 ?
			    (double)(ev[i].ts - ev[0].ts) / (now - t0) : speed;

			sim_hhmm(ev[i].ts, r->utc_offset, sp.day_start, hhmm,
			    sizeof(hhmm));
			if (now - due > 1.0)
				fprintf(stderr, "postroute-sim: %d of %d events, "
				    "simulated %s: %.1f s behind; this machine "
				    "holds about %.0fx, not %gx\n", i + 1, n,
				    hhmm, now - due, held, speed);
			else
				fprintf(stderr, "postroute-sim: %d of %d events, "
				    "simulated %s, on time at %gx (writes at "
				    "most %.3f s late since the last line)\n",
				    i + 1, n, hhmm, speed, lag_max);
			lag_max = 0;
			next_report = now + 30;
		}
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
