/* txn.h: a Redis transaction (MULTI ... EXEC) built in memory and sent as a whole on one connection, optionally behind a fence (the lease of the active daemon): the one way every writer of the daemon writes. */
#ifndef POSTROUTED_TXN_H
#define POSTROUTED_TXN_H

#include <stddef.h>

struct rconn;
struct txn_fence;

/*
 * Writers queue their commands into a struct txn, then send it: MULTI, the
 * commands and EXEC go out back to back, so that Redis applies all of them
 * or none (ingest: the batch's records and its XACK; publish: the plans
 * stream and the office's latest plan). Loop thread only.
 */
struct txn {
	int n, cap;
	struct txn_cmd {
		int argc;
		char **argv;
		size_t *lens;
	} *cmds;
};

/* How a transaction ended. */
enum txn_result {
	TXN_FAILED = 0,   /* the connection dropped, EXEC failed, or a
	                   * command in it returned an error */
	TXN_OK = 1,       /* EXEC and every command in it succeeded */
	TXN_FENCED = 2    /* refused by its fence: this process no longer
	                   * holds the lease; nothing of it was applied */
};

/* Called once the transaction has ended. */
typedef void (*txn_done_fn)(enum txn_result res, void *arg);

/* txn_send_fenced: the fence is closed (a standby, or a deposed daemon):
 * nothing was sent. */
#define TXN_ECLOSED (-2)

void txn_init(struct txn *t);
/* Frees the queued commands; t may be reused after txn_init. */
void txn_free(struct txn *t);
/* Appends a command; the strings are copied (lens NULL: C strings). */
void txn_add(struct txn *t, int argc, const char **argv, const size_t *lens);
/*
 * Sends MULTI, the commands and EXEC on rc and empties t. Returns 0 (done
 * is called later, once), or -1 when rc is down or the transaction could
 * not be sent whole (done is not called; a half-sent transaction drops
 * the connection, so that it never reaches Redis as a whole one). Only
 * for a connection without a fence (a fenced connection's WATCH would be
 * spent by this EXEC).
 */
int txn_send(struct rconn *rc, struct txn *t, txn_done_fn done, void *arg);

/*
 * A fence guards every transaction of one connection with the lease of
 * the active daemon (lease.c): the transaction is applied only while
 * <key> holds <value> (the lease's "token instance"), checked by Redis
 * itself, atomically with the writes:
 *
 *   WATCH key; GET key  -> (reply) equal to value?
 *       yes: MULTI; the commands; EXEC   (EXEC is refused, nil, when key
 *            changed or expired since the WATCH)
 *       no:  UNWATCH; refused
 *
 * The GET comes after the WATCH, so a change between the check and the
 * EXEC, by anyone, expiry included, aborts the EXEC (Redis >= 6.0.9
 * counts an expired watched key as changed). Transactions of a fence go
 * one at a time: a WATCH lasts until the connection's next EXEC, so the
 * next transaction's WATCH is sent only after this one's EXEC (one round
 * trip per transaction). Every MULTI/EXEC of the connection must go
 * through its fence for that reason.
 *
 * States: open (no lease: txn_send_fenced is txn_send), armed (key and
 * value set: the check above), closed (a standby, or deposed: everything
 * is refused here, TXN_ECLOSED). A refusal by Redis closes the fence,
 * fails what was queued behind it with TXN_FENCED and calls refused(arg)
 * once. Loop thread only.
 */
struct txn_fence *txn_fence_new(struct rconn *rc,
    void (*refused)(void *arg), void *arg);
/* Queued transactions get TXN_FAILED. */
void txn_fence_free(struct txn_fence *f);
void txn_fence_open(struct txn_fence *f);
void txn_fence_arm(struct txn_fence *f, const char *key, const char *value);
/* Queued transactions that were not sent get TXN_FENCED. */
void txn_fence_close(struct txn_fence *f);
/* 1 while armed. */
int txn_fence_armed(const struct txn_fence *f);
/* Transactions refused by Redis (the check failed or EXEC was aborted). */
unsigned long txn_fence_refused(const struct txn_fence *f);
/* Transactions queued or in flight. */
int txn_fence_pending(const struct txn_fence *f);
/*
 * Sends t through f (open: at once; armed: after the ones queued before
 * it) and empties t. Returns 0 (done is called later, once), -1 when the
 * connection is down, or TXN_ECLOSED when the fence is closed (done is
 * not called).
 */
int txn_send_fenced(struct txn_fence *f, struct txn *t, txn_done_fn done,
    void *arg);
/* The same, ahead of the transactions queued (the lease's renewal, which
 * must not wait behind a burst of plans until the lease expires). */
int txn_send_fenced_first(struct txn_fence *f, struct txn *t,
    txn_done_fn done, void *arg);

#endif
