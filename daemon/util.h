/* util.h: small helpers of the daemon: allocation that aborts on failure, clocks, a growable string, reading a file. */
#ifndef POSTROUTED_UTIL_H
#define POSTROUTED_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* Out of memory is fatal (tmux xmalloc.c; e* because libpostroute has x*). */
void *emalloc(size_t n);
void *ecalloc(size_t n, size_t size);
void *erealloc(void *p, size_t n);
char *estrdup(const char *s);

/* strlcpy: copies at most n - 1 bytes and terminates. */
void scopy(char *dst, const char *src, size_t n);

/* Milliseconds of CLOCK_MONOTONIC, and seconds as a double. */
int64_t mono_ms(void);
double mono_s(void);
/* Seconds since the epoch, CLOCK_REALTIME. */
int64_t wall_s(void);
int64_t wall_ms(void);    /* CLOCK_REALTIME in milliseconds */

/* A growable NUL-terminated string. */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_addf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Files of up to a gigabyte: a problem, a region. */
#define READ_FILE_MAX ((size_t)1 << 30)
/* Reads all of path ("-": standard input), at most max bytes, into a new
 * NUL-terminated buffer; *lenp gets the length. NULL with errno set on
 * failure (EFBIG: larger than max; ENOMEM: no memory for it). */
char *read_file(const char *path, size_t max, size_t *lenp);

#endif
