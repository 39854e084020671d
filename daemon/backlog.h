/* backlog.h: the consumer group's backlog as Redis sees it (entries not yet delivered, entries not yet acknowledged) and the dead-letter stream's length, asked every few seconds on the command connection for the metrics. */
#ifndef POSTROUTED_BACKLOG_H
#define POSTROUTED_BACKLOG_H

struct daemon;

struct backlog_stats {
	long long lag;          /* entries not yet delivered; -1: Redis cannot tell */
	long long pending;      /* delivered, not yet acknowledged */
	long long deadletter;   /* entries in the dead-letter stream */
};

/* Starts asking (a timer on d's loop). Loop thread only, like everything
 * here. */
struct backlog *backlog_new(struct daemon *d);
/* Stops; replies still awaited find it gone (it is freed with the last
 * of them, when the connection answers or is torn down). */
void backlog_free(struct backlog *b);
/* The last answer, when it is recent (a few intervals old at most):
 * returns 1 and fills st; else 0 (Redis down, or no answer yet). */
int backlog_get(const struct backlog *b, struct backlog_stats *st);

#endif
