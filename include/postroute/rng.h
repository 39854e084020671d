/* rng.h: the small, fast, seedable random generator of libpostroute (xoshiro256**), public so that tools draw reproducible numbers with it. */
#ifndef POSTROUTE_RNG_H
#define POSTROUTE_RNG_H

/*
 * Each search thread of the solver draws from its own generator, seeded
 * from the solve's seed: same seed, same numbers, on any machine. The
 * scenario generator of the benchmarks (bench/common/sim.c) uses it too.
 * A generator is a plain value owned by its user; one thread at a time.
 */

#include <stdint.h>

#include "postroute/postroute.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pr_rng {
	uint64_t s[4];
};

/* Seeds r from seed (splitmix64 expands it to the four words). */
PR_API void pr_rng_seed(struct pr_rng *r, uint64_t seed);
/* The next 64 random bits. */
PR_API uint64_t pr_rng_next(struct pr_rng *r);
/* Uniform integer in [0, n); 0 when n <= 1. */
PR_API int pr_rng_int(struct pr_rng *r, int n);
/* Uniform double in [0, 1). */
PR_API double pr_rng_double(struct pr_rng *r);

#ifdef __cplusplus
}
#endif

#endif
