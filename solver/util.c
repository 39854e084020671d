/* util.c: allocation, errors, text lines and the clock for the files of libpostroute. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	p = realloc(p, n * size != 0 ? n * size : 1);
	if (p == NULL)
		abort();
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);

	memcpy(d, s, n);
	return d;
}

int
pr_vseterr(struct pr_error *err, int code, const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int
pr_seterr(struct pr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pr_vseterr(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void
pr_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int
pr_int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

double
pr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
pr_text_next_line(struct pr_text *t, const char **b, const char **e)
{
	while (t->p < t->end) {
		const char *s = t->p, *nl = memchr(s, '\n', (size_t)(t->end - s));
		const char *q = nl ? nl : t->end;

		t->p = nl ? nl + 1 : t->end;
		t->line++;
		while (s < q && isspace((unsigned char)*s))
			s++;
		while (q > s && isspace((unsigned char)q[-1]))
			q--;
		if (s < q) {
			*b = s;
			*e = q;
			return 1;
		}
	}
	return 0;
}

int
pr_text_numbers(const char *b, const char *e, double *out, int max)
{
	char buf[512];
	size_t len = (size_t)(e - b);
	char *s, *tok, *save = NULL;
	int n = 0;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, b, len);
	buf[len] = '\0';
	for (s = buf; (tok = strtok_r(s, " \t\r\v\f", &save)) != NULL;
	    s = NULL) {
		char *endp;
		double v;

		errno = 0;
		v = strtod(tok, &endp);
		if (*endp != '\0' || errno == ERANGE || !isfinite(v) || n == max)
			return -1;
		out[n++] = v;
	}
	return n;
}
