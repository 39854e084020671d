/* ruin.h: the ruin of SISR: strings of consecutive jobs removed near a seed job, and the order they go back in (private). */
#ifndef POSTROUTE_RUIN_H
#define POSTROUTE_RUIN_H

#include "work.h"

/* Removes a few strings of jobs from the routes of s near a random seed
 * job into w->removed, after the unassigned jobs some vehicle could serve
 * (they are retried every time); for the vehicles objective, one time in
 * ten a whole short route too. ruined (per vehicle) is scratch. */
void ruin_strings(const struct sctx *c, struct swork *w, struct ssol *s,
    int *ruined);
/* Orders w->removed as SISR does: random, largest demand, farthest,
 * closest first, or by closing time; priorities first. key (per job) and
 * tmp (per job) are scratch. */
void ruin_sort_removed(const struct sctx *c, struct swork *w, double *key,
    int *tmp);

#endif
