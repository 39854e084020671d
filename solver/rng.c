/* rng.c: xoshiro256** (Blackman & Vigna), seeded through splitmix64: the generator of every search thread. */
#include "postroute/rng.h"

static uint64_t
rng_splitmix64(uint64_t *x)
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
		r->s[i] = rng_splitmix64(&x);
}

static inline uint64_t
rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
pr_rng_next(struct pr_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
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
