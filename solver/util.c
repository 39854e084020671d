/* util.c: allocation, errors, clock and random numbers for libpostroute. */
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
pr_seterr(struct pr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
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

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
pr_rng_seed(struct pr_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
pr_rng_next(struct pr_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

int
pr_rng_int(struct pr_rng *r, int n)
{
	if (n <= 1)
		return 0;
	return (int)((pr_rng_next(r) >> 33) % (uint64_t)n);
}

double
pr_rng_double(struct pr_rng *r)
{
	return (double)(pr_rng_next(r) >> 11) * 0x1.0p-53;
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
