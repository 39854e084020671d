/* ingest_read.c: ingest's read, one script that takes entries one at a time and measures them in Redis, in batches bounded in count and bytes: an oversized entry comes back as its size, first bytes and SHA-1, and is remembered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "config.h"
#include "ingest_read.h"
#include "util.h"

/*
 * Why a script: Redis has no command that tells an entry's size without
 * returning the entry, and a blocking XREADGROUP COUNT 500 of 10 MB
 * entries outlasted every reply timeout, for ever (issue 14). Inside
 * Redis the script takes one entry at a time (XREADGROUP COUNT 1, which
 * counts the delivery), adds up the bytes of its fields, and returns an
 * entry over max_event_bytes as its size, its first INGEST_DL_PREFIX
 * bytes and redis.sha1hex of it; it stops at [streams] batch entries, at
 * batch_bytes of events or after INGEST_SCAN_BYTES of entries measured.
 * So no reply carries more than about batch_bytes, and no read takes
 * Redis longer than measuring INGEST_SCAN_BYTES plus one entry. Scripts
 * cannot block: ingest polls an idle stream every block_ms.
 */

/*
 * KEYS[1] the events stream; ARGV: group, consumer, cursor (">" for new
 * entries, else the id after which this consumer's pending entries are
 * read), batch, max_event_bytes, batch_bytes, INGEST_SCAN_BYTES,
 * INGEST_DL_PREFIX, then the ids of oversized entries already measured.
 * Returns {more, entry...}; more is 1 when a bound stopped the read, and
 * each entry one of
 *   {id, deliveries, "event", payload}
 *   {id, deliveries, "none"}                  no "event" field
 *   {id, deliveries, "deleted"}               pending but trimmed away
 *   {id, deliveries, "big", bytes, prefix, sha1}
 *   {id, deliveries, "known"}                 a pending entry of those ids:
 *                                             counted, not measured again
 */
static const char INGEST_READ_LUA[] =
    "local s, g, c, cur = KEYS[1], ARGV[1], ARGV[2], ARGV[3]\n"
    "local maxn, maxev = tonumber(ARGV[4]), tonumber(ARGV[5])\n"
    "local budget, scan = tonumber(ARGV[6]), tonumber(ARGV[7])\n"
    "local keep = tonumber(ARGV[8])\n"
    "local known, nknown = {}, 0\n"
    "for i = 9, #ARGV do known[ARGV[i]] = true; nknown = nknown + 1 end\n"
    "local out, n, bytes, seen = {0}, 0, 0, 0\n"
    "while true do\n"
    "  if n >= maxn or bytes >= budget or seen >= scan then\n"
    "    out[1] = 1\n"
    "    break\n"
    "  end\n"
    "  local e, f, id, k = nil, nil, nil, 1\n"
    "  if cur ~= '>' and nknown > 0 then\n"
    "    local p = redis.call('XPENDING', s, g, '(' .. cur, '+', 1, c)\n"
    "    if p[1] and known[p[1][1]] then\n"
    "      id, k = p[1][1], p[1][4] + 1\n"
    "      redis.call('XCLAIM', s, g, c, 0, id, 'RETRYCOUNT', k,\n"
    "        'JUSTID')\n"
    "    end\n"
    "  end\n"
    "  if not id then\n"
    "    local r = redis.call('XREADGROUP', 'GROUP', g, c, 'COUNT', 1,\n"
    "      'STREAMS', s, cur)\n"
    "    if not r then break end\n"
    "    e = r[1][2][1]\n"
    "    if not e then break end\n"
    "    id, f = e[1], e[2]\n"
    "    if cur ~= '>' then\n"
    "      local p = redis.call('XPENDING', s, g, id, id, 1, c)\n"
    "      if p[1] then k = p[1][4] end\n"
    "    end\n"
    "  end\n"
    "  if cur ~= '>' then cur = id end\n"
    "  n = n + 1\n"
    "  if not e then\n"
    "    out[#out + 1] = {id, k, 'known'}\n"
    "    bytes = bytes + keep\n"
    "  elseif not f then\n"
    "    out[#out + 1] = {id, k, 'deleted'}\n"
    "  else\n"
    "    local size, ev = 0, nil\n"
    "    for i = 1, #f - 1, 2 do\n"
    "      size = size + #f[i] + #f[i + 1]\n"
    "      if f[i] == 'event' and not ev then ev = f[i + 1] end\n"
    "    end\n"
    "    seen = seen + size\n"
    "    if (ev and #ev > maxev) or size > maxev + 1024 then\n"
    "      local v = ev or f[2] or ''\n"
    "      out[#out + 1] = {id, k, 'big', #v > maxev and #v or size,\n"
    "        string.sub(v, 1, keep), redis.sha1hex(v)}\n"
    "      bytes = bytes + keep\n"
    "    elseif ev then\n"
    "      out[#out + 1] = {id, k, 'event', ev}\n"
    "      bytes = bytes + #ev\n"
    "    else\n"
    "      out[#out + 1] = {id, k, 'none'}\n"
    "    end\n"
    "  end\n"
    "end\n"
    "return out\n";

void
ingest_read_command(struct read_cmd *c, const struct config *cfg,
    const char *consumer, const char *cursor, const struct read_seen *seen)
{
	snprintf(c->count, sizeof(c->count), "%d", cfg->streams_batch);
	snprintf(c->maxev, sizeof(c->maxev), "%d",
	    cfg->streams_max_event_bytes);
	snprintf(c->budget, sizeof(c->budget), "%d", cfg->streams_batch_bytes);
	snprintf(c->scan, sizeof(c->scan), "%d", INGEST_SCAN_BYTES);
	snprintf(c->keep, sizeof(c->keep), "%d", INGEST_DL_PREFIX);
	c->argc = 0;
	c->argv[c->argc++] = "EVAL";
	c->argv[c->argc++] = INGEST_READ_LUA;
	c->argv[c->argc++] = "1";
	c->argv[c->argc++] = cfg->streams_events;
	c->argv[c->argc++] = cfg->streams_group;
	c->argv[c->argc++] = consumer;
	c->argv[c->argc++] = cursor;
	c->argv[c->argc++] = c->count;
	c->argv[c->argc++] = c->maxev;
	c->argv[c->argc++] = c->budget;
	c->argv[c->argc++] = c->scan;
	c->argv[c->argc++] = c->keep;
	for (int i = 0; seen != NULL && i < seen->n; i++)
		c->argv[c->argc++] = seen->e[i].id;
}

const redisReply *
ingest_reply_at(const redisReply *r, size_t i, int type)
{
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || i >= r->elements ||
	    r->element[i]->type != type)
		return NULL;
	return r->element[i];
}

static char *
read_copy(const redisReply *s, size_t *len)
{
	char *p = emalloc(s->len + 1);

	memcpy(p, s->str, s->len);
	p[s->len] = '\0';
	*len = s->len;
	return p;
}

/* Remembers an oversized entry's measure. */
static void
read_remember(struct read_seen *seen, const struct entry *e)
{
	int k;

	for (int i = 0; i < seen->n; i++)
		if (strcmp(seen->e[i].id, e->id) == 0)
			return;
	k = seen->next;
	seen->next = (seen->next + 1) % INGEST_BIG_SEEN;
	if (seen->n < INGEST_BIG_SEEN)
		seen->n++;
	scopy(seen->e[k].id, e->id, sizeof(seen->e[k].id));
	seen->e[k].size = e->size;
	scopy(seen->e[k].sha1, e->sha1, sizeof(seen->e[k].sha1));
	seen->e[k].len = e->len < sizeof(seen->e[k].prefix) ? e->len :
	    sizeof(seen->e[k].prefix);
	memcpy(seen->e[k].prefix, e->payload, seen->e[k].len);
}

/* Fills e (its id and deliveries set) from a remembered measure; -1
 * when it is not remembered. */
static int
read_remembered(const struct read_seen *seen, struct entry *e)
{
	for (int i = 0; i < seen->n; i++)
		if (strcmp(seen->e[i].id, e->id) == 0) {
			e->big = 1;
			e->size = seen->e[i].size;
			scopy(e->sha1, seen->e[i].sha1, sizeof(e->sha1));
			e->len = seen->e[i].len;
			e->payload = emalloc(e->len + 1);
			memcpy(e->payload, seen->e[i].prefix, e->len);
			e->payload[e->len] = '\0';
			return 0;
		}
	return -1;
}

struct batch *
ingest_read_reply(struct read_seen *seen, const redisReply *r, int *more)
{
	const redisReply *flag, *it, *id, *k, *kind, *v;
	struct batch *b;

	if ((flag = ingest_reply_at(r, 0, REDIS_REPLY_INTEGER)) == NULL)
		return NULL;
	*more = flag->integer != 0;
	b = ecalloc(1, sizeof(*b));
	b->e = ecalloc(r->elements, sizeof(*b->e));
	for (size_t i = 1; i < r->elements; i++) {
		struct entry *e;

		it = r->element[i];
		if ((id = ingest_reply_at(it, 0, REDIS_REPLY_STRING)) == NULL ||
		    (k = ingest_reply_at(it, 1, REDIS_REPLY_INTEGER)) == NULL ||
		    (kind = ingest_reply_at(it, 2, REDIS_REPLY_STRING)) == NULL) {
			ingest_batch_free(b);
			return NULL;
		}
		e = &b->e[b->n++];
		scopy(e->id, id->str, sizeof(e->id));
		e->deliveries = (long)k->integer;
		if (strcmp(kind->str, "deleted") == 0) {
			e->deleted = 1;
		} else if (strcmp(kind->str, "event") == 0 &&
		    (v = ingest_reply_at(it, 3, REDIS_REPLY_STRING)) != NULL) {
			e->payload = read_copy(v, &e->len);
		} else if (strcmp(kind->str, "big") == 0 &&
		    (k = ingest_reply_at(it, 3, REDIS_REPLY_INTEGER)) != NULL &&
		    (v = ingest_reply_at(it, 4, REDIS_REPLY_STRING)) != NULL &&
		    (id = ingest_reply_at(it, 5, REDIS_REPLY_STRING)) != NULL) {
			e->big = 1;
			e->size = k->integer;
			e->payload = read_copy(v, &e->len);
			scopy(e->sha1, id->str, sizeof(e->sha1));
			read_remember(seen, e);
		} else if (strcmp(kind->str, "known") == 0 &&
		    read_remembered(seen, e) != 0) {
			/* forgotten meanwhile: it stays pending, measured
			 * again by the next read */
			b->n--;
		}
		/* "none": no event field (payload NULL) */
	}
	return b;
}

void
ingest_batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < b->n; i++)
		free(b->e[i].payload);
	free(b->e);
	free(b);
}
