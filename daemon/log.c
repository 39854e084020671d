/* log.c: the daemon's logging to stderr, plain or for the systemd journal (after OpenBSD's log.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static atomic_int log_verbose;
static atomic_int log_journal = -1;	/* -1: not decided yet */

static void log_line(int, const char *, int, const char *, va_list)
    LOG_PRINTF(4, 0);
static void log_msg_plain(const char *, ...) LOG_PRINTF(1, 2);

void
log_init(int verbose)
{
	atomic_store(&log_verbose, verbose);
	atomic_store(&log_journal, getenv("JOURNAL_STREAM") != NULL);
}

void
log_setverbose(int verbose)
{
	atomic_store(&log_verbose, verbose);
}

int
log_getverbose(void)
{
	return atomic_load(&log_verbose);
}

static int
log_is_journal(void)
{
	int j = atomic_load(&log_journal);

	if (j < 0) {
		j = getenv("JOURNAL_STREAM") != NULL;
		atomic_store(&log_journal, j);
	}
	return j;
}

/* The level word of a plain (not journal) line. */
static const char *
log_level_name(int pri)
{
	switch (pri) {
	case LOG_PRI_ERR:
		return "error";
	case LOG_PRI_WARNING:
		return "warning";
	case LOG_PRI_NOTICE:
		return "notice";
	case LOG_PRI_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* Appends to buf[*n..size) like snprintf, keeping *n <= size - 1. */
static void
log_append(char *buf, size_t size, size_t *n, const char *fmt, ...)
    LOG_PRINTF(4, 5);

static void
log_append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= size - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	*n += (size_t)r;
	if (*n > size - 1)
		*n = size - 1;
}

/* One write(2) of a whole line, so that lines of threads never mix. */
static void
log_write(const char *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(STDERR_FILENO, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

/*
 * Formats one line (prefix, what, errnum's text when errnum != 0) and
 * writes it with one write(2). Control characters become spaces so that
 * a message is always exactly one journal record.
 */
static void
log_line(int pri, const char *what, int errnum, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	size_t size = sizeof(buf) - 1;	/* room for the newline */
	size_t n = 0, start;
	int saved = errno, r;

	if (log_is_journal()) {
		log_append(buf, size, &n, "<%d>", pri);
	} else {
		struct timespec ts;
		struct tm tm;
		char date[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		if (strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			date[0] = '\0';
		log_append(buf, size, &n, "%s.%03ld %s: ", date,
		    ts.tv_nsec / 1000000, log_level_name(pri));
	}
	start = n;
	if (what != NULL)
		log_append(buf, size, &n, "%s", what);
	if (n < size - 1) {
		r = vsnprintf(buf + n, size - n, fmt, ap);
		if (r > 0)
			n = (size_t)r >= size - n ? size - 1 : n + (size_t)r;
	}
	if (errnum != 0) {
		char ebuf[128];

		if (strerror_r(errnum, ebuf, sizeof(ebuf)) != 0)
			snprintf(ebuf, sizeof(ebuf), "error %d", errnum);
		log_append(buf, size, &n, ": %s", ebuf);
	}
	if (n == size - 1)
		memcpy(buf + n - 3, "...", 3);
	for (size_t i = start; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	buf[n++] = '\n';
	log_write(buf, n);
	errno = saved;
}

/* A line without date, level or priority; for log_fail_lines. */
static void
log_msg_plain(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	size_t n = 0;
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, sizeof(buf) - 1, fmt, ap) > 0)
		n = strlen(buf);
	va_end(ap);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	buf[n++] = '\n';
	log_write(buf, n);
	errno = saved;
}

void
log_vmsg(int pri, const char *fmt, va_list ap)
{
	if (pri >= LOG_PRI_DEBUG && atomic_load(&log_verbose) < 1)
		return;
	if (pri < LOG_PRI_ERR)
		pri = LOG_PRI_ERR;
	if (pri > LOG_PRI_DEBUG)
		pri = LOG_PRI_DEBUG;
	log_line(pri, NULL, 0, fmt, ap);
}

void
log_msg(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(pri, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_PRI_WARNING, NULL, errnum, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_PRI_WARNING, NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_PRI_INFO, NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (atomic_load(&log_verbose) < 1)
		return;
	va_start(ap, fmt);
	log_line(LOG_PRI_DEBUG, NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_fail_lines(const char *text)
{
	const char *line = text, *nl;

	for (; line != NULL && *line != '\0'; line = nl) {
		int len;

		nl = strchr(line, '\n');
		len = nl != NULL ? (int)(nl - line) : (int)strlen(line);
		if (nl != NULL)
			nl++;
		if (log_is_journal())
			log_msg(LOG_PRI_ERR, "%.*s", len, line);
		else
			log_msg_plain("postrouted: %.*s", len, line);
	}
}

void
fatal(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_PRI_ERR, "fatal: ", errnum, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_PRI_ERR, "fatal: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* ---- rate-limited lines ------------------------------------------------------ */

struct log_limit {
	struct event *ev;        /* writes the count at the window's end */
	char what[96];
	char note[128];
	int per_s;
	double window;           /* monotonic start of the current second */
	int written;             /* lines written in it */
	long quiet;              /* and counted only */
	unsigned long dropped;   /* all lines not written, for tests/metrics */
};

static double
log_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
log_limit_flush(struct log_limit *l)
{
	if (l->quiet > 0)
		log_msg(LOG_PRI_INFO, "%s: %ld more without a log line%s",
		    l->what, l->quiet, l->note);
	l->window = log_mono();
	l->written = 0;
	l->quiet = 0;
}

static void
log_limit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	log_limit_flush(arg);
}

struct log_limit *
log_limit_new(struct event_base *base, int per_s, const char *what,
    const char *note)
{
	struct log_limit *l = calloc(1, sizeof(*l));

	if (l == NULL || (l->ev = evtimer_new(base, log_limit_cb, l)) == NULL)
		fatalx("log: out of memory");
	snprintf(l->what, sizeof(l->what), "%s", what);
	snprintf(l->note, sizeof(l->note), "%s", note != NULL ? note : "");
	l->per_s = per_s;
	l->window = log_mono();
	return l;
}

void
log_limit_free(struct log_limit *l)
{
	if (l == NULL)
		return;
	evtimer_del(l->ev);
	log_limit_flush(l);
	event_free(l->ev);
	free(l);
}

int
log_limited(struct log_limit *l, int pri, const char *fmt, ...)
{
	struct timeval tv = { 1, 0 };
	va_list ap;

	if (log_mono() - l->window >= 1.0 && !evtimer_pending(l->ev, NULL))
		log_limit_flush(l);
	if (l->written < l->per_s) {
		l->written++;
		va_start(ap, fmt);
		log_vmsg(pri, fmt, ap);
		va_end(ap);
		return 1;
	}
	/* the first line not written: say how many at the second's end */
	if (l->quiet++ == 0)
		evtimer_add(l->ev, &tv);
	l->dropped++;
	return 0;
}

unsigned long
log_limit_dropped(const struct log_limit *l)
{
	return l->dropped;
}
