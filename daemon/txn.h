/* txn.h: a Redis transaction (MULTI ... EXEC) built in memory and sent as a whole on one connection: the one way every writer of the daemon writes. */
#ifndef POSTROUTED_TXN_H
#define POSTROUTED_TXN_H

#include <stddef.h>

struct rconn;

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

/* Called once EXEC has answered: ok is 1 when EXEC and every command in it
 * succeeded, 0 otherwise (the connection dropped, EXEC failed, or one
 * command returned an error). */
typedef void (*txn_done_fn)(int ok, void *arg);

void txn_init(struct txn *t);
/* Frees the queued commands; t may be reused after txn_init. */
void txn_free(struct txn *t);
/* Appends a command; the strings are copied (lens NULL: C strings). */
void txn_add(struct txn *t, int argc, const char **argv, const size_t *lens);
/*
 * Sends MULTI, the commands and EXEC on rc and empties t. Returns 0 (done
 * is called later, once), or -1 when rc is down or the transaction could
 * not be sent whole (done is not called; a half-sent transaction drops
 * the connection, so that it never reaches Redis as a whole one).
 */
int txn_send(struct rconn *rc, struct txn *t, txn_done_fn done, void *arg);

#endif
