/* deadletter.c: the head of a dead letter, the one shape every stream's refused entries take (ingest, the solve workers' jobs and results). */
#include <stdio.h>

#include "postroute/domain.h"

#include "config.h"
#include "deadletter.h"
#include "util.h"

int
deadletter_head(const struct config *cfg, int utc_offset, const char *entry,
    const char *stream, const char *reason, struct deadletter_buf *b,
    const char **argv)
{
	int n = 0;

	snprintf(b->maxlen, sizeof(b->maxlen), "%d",
	    cfg->streams_deadletter_maxlen);
	pr_time_format(wall_s(), utc_offset, b->at, sizeof(b->at));
	argv[n++] = "XADD";
	argv[n++] = cfg->streams_deadletter;
	argv[n++] = "MAXLEN";
	argv[n++] = "~";
	argv[n++] = b->maxlen;
	argv[n++] = "*";
	argv[n++] = "id";
	argv[n++] = entry;
	argv[n++] = "stream";
	argv[n++] = stream;
	argv[n++] = "reason";
	argv[n++] = reason;
	argv[n++] = "at";
	argv[n++] = b->at;
	return n;
}
