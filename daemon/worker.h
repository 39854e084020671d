/* worker.h: postrouted --worker ([cluster] role = worker): a solve worker that plans the jobs of <prefix>jobs and writes their plans to <prefix>results. */
#ifndef POSTROUTED_WORKER_H
#define POSTROUTED_WORKER_H

/* Runs a solve worker with the configuration at path until SIGTERM or
 * SIGINT; returns the exit code (0, or 1 when it cannot start). */
int worker_main(const char *path, int verbose);

#endif
