/* util.h: allocation, errors, text lines, clock and travel lookups shared by the files of libpostroute (private). */
#ifndef POSTROUTE_UTIL_H
#define POSTROUTE_UTIL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "postroute/postroute.h"
#include "postroute/rng.h"

#define PR_EPS 1e-7

#if defined(__GNUC__)
#define PR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PR_PRINTF(a, b)
#endif

/* Allocation that aborts when memory runs out (the library never prints;
 * a process that cannot allocate a few bytes has no good way on). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/* Fills err (if not NULL) and returns code. */
int pr_seterr(struct pr_error *err, int code, const char *fmt, ...)
    PR_PRINTF(3, 4);
/* The same with a va_list. */
int pr_vseterr(struct pr_error *err, int code, const char *fmt, va_list ap)
    PR_PRINTF(3, 0);

/* Copies src into a fixed buffer of size n, truncating. */
void pr_strlcpy(char *dst, const char *src, size_t n);

/* Line-oriented text in memory (the Solomon and CVRPLIB readers). */
struct pr_text {
	const char *p, *end;
	int line;               /* number of the line last returned */
};
/* The next non-blank line as [*b, *e), trimmed; 0 at the end. */
int pr_text_next_line(struct pr_text *t, const char **b, const char **e);
/* Up to max finite numbers from [b, e): the count, or -1 when a token is
 * not one or there are more than max. */
int pr_text_numbers(const char *b, const char *e, double *out, int max);

/* qsort comparator of ints, ascending. */
int pr_int_cmp(const void *a, const void *b);

/* Monotonic seconds. */
double pr_now(void);

/* 1 once another thread has set the optional cancel flag of a solve
 * (pr_solve_params.cancel): a relaxed load, as the flag orders nothing. */
static inline int
pr_canceled(const atomic_int *cancel)
{
	return cancel != NULL &&
	    atomic_load_explicit(cancel, memory_order_relaxed) != 0;
}

/* Travel lookups: duration, distance and cost of an arc for travel t
 * (a vehicle's travel; t < n_profiles is the profile t itself). A
 * location -1 (an open start or end) is everywhere at once. */
static inline double
pr_dur(const struct pr_problem *p, int t, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return p->travel[t].durations[(size_t)a * p->n_locations + b];
}

static inline double
pr_dist(const struct pr_problem *p, int t, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return p->travel[t].distances[(size_t)a * p->n_locations + b];
}

static inline double
pr_cost(const struct pr_problem *p, int t, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return p->travel[t].costs[(size_t)a * p->n_locations + b];
}

/* The distance of profile prof (the neighbours and the ruin's order,
 * which do not depend on a vehicle). */
static inline double
pr_pdist(const struct pr_problem *p, int prof, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return p->profiles[prof].distances[(size_t)a * p->n_locations + b];
}

#endif
