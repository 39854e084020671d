/* ingest_read.h: ingest's read, one script that takes entries one at a time and measures them in Redis, in batches bounded in count and bytes: an oversized entry comes back as its size, first bytes and SHA-1, and is remembered (for ingest.c only). */
#ifndef POSTROUTED_INGEST_READ_H
#define POSTROUTED_INGEST_READ_H

#include <stddef.h>

#include <hiredis/hiredis.h>

struct config;

/* Bytes of entries one read may measure (oversized ones included). */
#define INGEST_SCAN_BYTES (32 * 1024 * 1024)
/* Time a read may take beyond command_timeout_ms: Redis copies an entry
 * into the script at some 60 MB/s, so that measuring the largest entry a
 * producer can write (512 MB, proto-max-bulk-len) takes about 9 s; a read
 * that timed out would only be sent again. */
#define INGEST_READ_EXTRA_MS 20000
/* Bytes of an oversized entry kept (its dead letter's "event"). */
#define INGEST_DL_PREFIX 256
/* Oversized entries remembered. */
#define INGEST_BIG_SEEN 16

/* One entry of a read. */
struct entry {
	char id[48];
	char *payload;           /* the "event" field; big: its first bytes */
	size_t len;
	int deleted;             /* pending, but trimmed from the stream */
	int big;                 /* over max_event_bytes: payload is a prefix */
	long long size;          /* big: bytes of the event (or entry) */
	char sha1[41];           /* big: of the event */
	long deliveries;         /* Redis's count, this delivery included */
};

/* The entries of one read, in stream order. */
struct batch {
	int n;
	struct entry *e;
	int pos;                 /* the next entry to process (ingest.c) */
};

/*
 * Oversized entries measured lately. A read that must be done again (a
 * connection dropped meanwhile, and its result was thrown away) passes
 * their ids, and the script counts such an entry as delivered without
 * copying it again, which for one of 500 MB takes Redis about as long as
 * the command timeout.
 */
struct read_seen {
	struct {
		char id[48];
		long long size;
		char sha1[41];
		char prefix[INGEST_DL_PREFIX];
		size_t len;
	} e[INGEST_BIG_SEEN];
	int n, next;
};

/* A read's EVAL command; argv points into the struct itself. */
struct read_cmd {
	const char *argv[12 + INGEST_BIG_SEEN];
	int argc;
	char count[16], maxev[16], budget[16], scan[16], keep[16];
};

/* Builds the read of this consumer's pending entries after cursor, or of
 * new entries (cursor ">"), bounded by cfg's [streams] batch, batch_bytes
 * and max_event_bytes; seen (NULL: none) lists the oversized entries
 * already measured. Borrows cfg, consumer, cursor and seen until sent. */
void ingest_read_command(struct read_cmd *c, const struct config *cfg,
    const char *consumer, const char *cursor, const struct read_seen *seen);
/* The entries of a read's reply (copied); *more is 1 when a bound stopped
 * the read. Oversized entries are remembered in seen, remembered ones are
 * filled from it. NULL when the reply is not the script's. */
struct batch *ingest_read_reply(struct read_seen *seen, const redisReply *r,
    int *more);
/* NULL is a no-op. */
void ingest_batch_free(struct batch *b);

/* The i-th element of array reply r when it has the given type, or NULL. */
const redisReply *ingest_reply_at(const redisReply *r, size_t i, int type);

#endif
