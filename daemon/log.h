/* log.h: the daemon's logging to stderr, plain or for the systemd journal (after OpenBSD's log.c). */
#ifndef POSTROUTED_LOG_H
#define POSTROUTED_LOG_H

#include <stdarg.h>

#if defined(__GNUC__)
#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define LOG_NORETURN __attribute__((noreturn))
#else
#define LOG_PRINTF(a, b)
#define LOG_NORETURN
#endif

/*
 * Every message is one line written with one write(2) to stderr, so lines
 * from different threads never mix. When JOURNAL_STREAM is set (stderr is
 * connected to the journal), a line starts with its syslog priority, <3>
 * to <7>, and has no timestamp: the journal adds its own. Otherwise it
 * starts with the local date and time and the level:
 * "2026-08-20 08:15:02.125 warning: ...".
 *
 * Any thread may call these once log_init() has run; before, the defaults
 * (verbosity 0, format chosen from the environment) apply.
 */

/* verbose 0: info and above; 1 or more: debug too. Looks at JOURNAL_STREAM. */
void log_init(int verbose);
void log_setverbose(int verbose);
int log_getverbose(void);

/* Priorities as in syslog(3), for log_vmsg. */
#define LOG_PRI_ERR 3
#define LOG_PRI_WARNING 4
#define LOG_PRI_NOTICE 5
#define LOG_PRI_INFO 6
#define LOG_PRI_DEBUG 7

/* A message at priority pri (LOG_PRI_*), for routing other libraries'
 * messages (libevent, GLPK) through here. */
void log_vmsg(int pri, const char *fmt, va_list ap) LOG_PRINTF(2, 0);
void log_msg(int pri, const char *fmt, ...) LOG_PRINTF(2, 3);

/* A warning followed by ": " and strerror(errno). */
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
/* A warning without errno. */
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Printed only when verbose. */
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);

/*
 * An error that ends a run before the daemon is up (a bad configuration,
 * postrouted -t): one line per line of text, each "postrouted: <line>"
 * like a command-line tool's, or "<3><line>" under the journal.
 */
void log_fail_lines(const char *text);

/*
 * A rate limit for one kind of line that something outside can repeat
 * without end (a flood of bad entries, accept errors at the descriptor
 * limit, slow clients cut off): at most per_s such lines a second are
 * written; the others are counted, and when the second is over one line
 * says how many: "<what>: N more without a log line<note>". journald would
 * otherwise drop lines of every service, and writing them would slow the
 * loop. Loop thread only (its timer runs on base).
 */
struct event_base;
struct log_limit;

/* what and note (NULL: none) are copied. */
struct log_limit *log_limit_new(struct event_base *base, int per_s,
    const char *what, const char *note);
/* Writes the count of the lines not written yet, then frees l. */
void log_limit_free(struct log_limit *l);
/* Writes the line at pri (LOG_PRI_*) unless this second's share is used
 * up; returns 1 when it was written, 0 when it was only counted. */
int log_limited(struct log_limit *l, int pri, const char *fmt, ...)
    LOG_PRINTF(3, 4);
/* Lines not written since l was made. */
unsigned long log_limit_dropped(const struct log_limit *l);

/* For start-up failures and broken invariants only: log "fatal: ..."
 * (fatal appends strerror(errno)) and exit(1). */
void fatal(const char *fmt, ...) LOG_PRINTF(1, 2) LOG_NORETURN;
void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2) LOG_NORETURN;

#endif
