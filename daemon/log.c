/* log.c: the daemon's logging to stderr, plain or for the systemd journal (after OpenBSD's log.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static atomic_int log_verbose;
static atomic_int log_journal = -1;	/* -1: not decided yet */

static void log_line(int, const char *, int, const char *, va_list)
    LOG_PRINTF(4, 0);

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
	size_t n = 0, start, off;
	int saved = errno, r;

	if (log_is_journal()) {
		log_append(buf, size, &n, "<%d>", pri);
	} else {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		log_append(buf, size, &n, "%02d:%02d:%02d.%03ld ", tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
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
	for (off = 0; off < n;) {
		ssize_t w = write(STDERR_FILENO, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
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
