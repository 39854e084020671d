/* insert.h: greedy insertion with blinks, the "recreate" half of the search (private). */
#ifndef POSTROUTE_INSERT_H
#define POSTROUTE_INSERT_H

#include "work.h"

/* Inserts the jobs in w->removed (in that order) at their cheapest
 * feasible places; jobs with none stay unassigned. */
void insert_jobs(struct ssol *s, const struct sctx *c, struct swork *w);

#endif
