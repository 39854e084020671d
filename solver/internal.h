/* internal.h: helpers shared by the files of libpostroute, not public. */
#ifndef POSTROUTE_INTERNAL_H
#define POSTROUTE_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "postroute/postroute.h"

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

/* Small, fast, seedable generator (xoshiro256**), one per search. */
struct pr_rng {
	uint64_t s[4];
};
void pr_rng_seed(struct pr_rng *r, uint64_t seed);
uint64_t pr_rng_next(struct pr_rng *r);
/* Uniform integer in [0, n). */
int pr_rng_int(struct pr_rng *r, int n);
/* Uniform double in [0, 1). */
double pr_rng_double(struct pr_rng *r);

/* Travel lookups. */
static inline double
pr_dur(const struct pr_problem *p, int prof, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return p->profiles[prof].durations[(size_t)a * p->n_locations + b];
}

static inline double
pr_dist(const struct pr_problem *p, int prof, int a, int b)
{
	if (a < 0 || b < 0)
		return 0.0;
	return p->profiles[prof].distances[(size_t)a * p->n_locations + b];
}

/* The earliest service start at or after t within job j's windows, or
 * -1 when t is past the last window. */
double pr_job_start(const struct pr_job *j, double t);

/* domain.c: one event as a jansson object (what pr_event_to_json
 * writes), or NULL when out of memory; and an event from one (the checks
 * of pr_event_parse after the JSON text is read). Shared with
 * order_json.c, which writes and reads events inside order records. */
struct json_t;
struct pr_event;
struct json_t *domain_event_json(const struct pr_event *ev);
int domain_event_from_json(struct json_t *root, struct pr_event *ev,
    struct pr_error *err);

#endif
