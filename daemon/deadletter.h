/* deadletter.h: the head of a dead letter, the one shape every stream's refused entries take (ingest, the solve workers' jobs and results). */
#ifndef POSTROUTED_DEADLETTER_H
#define POSTROUTED_DEADLETTER_H

#include <stdint.h>

struct config;

/* Room for the head's numbers, kept alive until the command is sent. */
struct deadletter_buf {
	char maxlen[16];
	char at[40];
};

#define DEADLETTER_HEAD 14	/* argv entries deadletter_head() fills */

/*
 * Fills argv[0 .. DEADLETTER_HEAD-1] with
 *   XADD <deadletter stream> MAXLEN ~ <maxlen> * id <entry> stream <stream>
 *        reason <reason> at <now, ISO with utc_offset>
 * (strings of cfg, b and the arguments, by pointer). The caller appends
 * its own fields and sends it. Returns DEADLETTER_HEAD.
 */
int deadletter_head(const struct config *cfg, int utc_offset,
    const char *entry, const char *stream, const char *reason,
    struct deadletter_buf *b, const char **argv);

#endif
