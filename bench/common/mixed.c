/* mixed.c: the mixed pickup-and-delivery benchmark set: a Solomon instance turned, with a seed, into problem JSON with deliveries, skills and drivers' breaks. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixed.h"
#include "postroute/rng.h"

/*
 * A post office's round carries parcels both ways: households send
 * produce (pickups) and receive orders (deliveries) on the same round; a
 * refrigerated box serves some of them; drivers take lunch. Nothing like
 * that is published with best-known solutions, so the set is made from
 * Solomon's instances, whose geography, windows and fleets are well
 * known, by a seeded change of each customer's demand into a pickup, a
 * delivery or both, some skills and a break per vehicle. The JSON goes
 * through the same reader as any user's problem.
 */

void
mixed_params_init(struct mixed_params *mp)
{
	memset(mp, 0, sizeof(*mp));
	mp->seed = 1;
	mp->delivery_share = 0.30;
	mp->both_share = 0.10;
	mp->skill_share = 0.20;
	mp->skilled_fleet = 0.5;
	mp->break_start = 0.35;
	mp->break_end = 0.55;
	mp->break_service = 0.02;
}

/* A growing string. */
struct mixed_buf {
	char *s;
	size_t len, cap;
};

static void
mixed_add(struct mixed_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
mixed_add(struct mixed_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + (size_t)n + 64;
		if ((b->s = realloc(b->s, b->cap)) == NULL) {
			fputs("mixed: out of memory\n", stderr);
			exit(1);
		}
	}
	b->len += (size_t)n;
}

char *
mixed_json(const struct pr_problem *s, const struct mixed_params *mp)
{
	struct mixed_buf b = { NULL, 0, 0 };
	struct pr_rng rng;
	const struct pr_vehicle *v0;
	double horizon, bs, be, bsv;
	int n = s->n_locations, nv = s->n_vehicles, skilled;

	if (s->n_profiles != 1 || s->profiles[0].durations == NULL ||
	    nv < 1 || s->vehicles[0].start < 0)
		return NULL;
	v0 = &s->vehicles[0];
	horizon = v0->tw.end;
	/* the instance's name mixes into the seed, so that instances of one
	 * seed differ */
	{
		uint64_t h = 0xcbf29ce484222325ULL;

		for (const char *c = s->name; *c != '\0'; c++)
			h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
		pr_rng_seed(&rng, mp->seed ^ h);
	}
	skilled = (int)ceil(mp->skilled_fleet * nv);
	mixed_add(&b, "{\"name\":\"MIX-%s-s%llu\",\"comment\":\"bench/"
	    "gen-mixed: deliveries %g, both %g, skill %g, skilled fleet %g, "
	    "lunch %g of the horizon in [%g, %g]\",\n", s->name,
	    (unsigned long long)mp->seed, mp->delivery_share,
	    mp->both_share, mp->skill_share, mp->skilled_fleet,
	    mp->break_service, mp->break_start, mp->break_end);
	mixed_add(&b, "\"vehicles\":[\n");
	/* the lunch in tenths of the horizon's unit, for people to read */
	bs = round(10 * mp->break_start * horizon) / 10;
	be = round(10 * mp->break_end * horizon) / 10;
	bsv = round(10 * mp->break_service * horizon) / 10;
	for (int i = 0; i < nv; i++) {
		const struct pr_vehicle *v = &s->vehicles[i];

		mixed_add(&b, "{\"id\":%d,\"start_index\":%d,\"end_index\":%d,"
		    "\"capacity\":[%lld],\"time_window\":[%.17g,%.17g],%s"
		    "\"breaks\":[{\"id\":1,\"description\":\"lunch\","
		    "\"time_windows\":[[%.10g,%.10g]],\"service\":%.10g}]}%s\n",
		    i + 1, v->start, v->end, (long long)v->capacity[0],
		    v->tw.start, v->tw.end, i < skilled ?
		    "\"skills\":[1]," : "", bs, be, bsv, i + 1 < nv ? "," : "");
	}
	mixed_add(&b, "],\n\"jobs\":[\n");
	for (int j = 0; j < s->n_jobs; j++) {
		const struct pr_job *jb = &s->jobs[j];
		double r = pr_rng_double(&rng), k = pr_rng_double(&rng);
		long long q = (long long)jb->pickup[0];

		mixed_add(&b, "{\"id\":%s,\"location_index\":%d,"
		    "\"service\":%.17g,\"time_windows\":[[%.17g,%.17g]],",
		    jb->id, jb->location, jb->service, jb->tw[0].start,
		    jb->tw[0].end);
		if (r < mp->delivery_share)
			mixed_add(&b, "\"delivery\":[%lld]", q);
		else if (r < mp->delivery_share + mp->both_share)
			mixed_add(&b, "\"pickup\":[%lld],\"delivery\":[%lld]",
			    q, (q + 1) / 2);
		else
			mixed_add(&b, "\"pickup\":[%lld]", q);
		if (k < mp->skill_share)
			mixed_add(&b, ",\"skills\":[1]");
		mixed_add(&b, "}%s\n", j + 1 < s->n_jobs ? "," : "");
	}
	mixed_add(&b, "],\n\"matrices\":{\"car\":{\"durations\":[\n");
	for (int a = 0; a < n; a++) {
		mixed_add(&b, "[");
		for (int c = 0; c < n; c++)
			mixed_add(&b, "%.17g%s", s->profiles[0].durations[
			    (size_t)a * n + c], c + 1 < n ? "," : "");
		mixed_add(&b, "]%s\n", a + 1 < n ? "," : "");
	}
	mixed_add(&b, "]}}}\n");
	return b.s;
}
