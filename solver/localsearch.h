/* localsearch.h: first-improvement local search over granular neighbourhoods (private). */
#ifndef POSTROUTE_LOCALSEARCH_H
#define POSTROUTE_LOCALSEARCH_H

#include "work.h"

/* Improves s by relocate, swap, 2-opt*, 2-opt and or-opt over granular
 * neighbourhoods until no move improves or the deadline passes. */
void ls_run(struct ssol *s, const struct sctx *c, struct swork *w);
/* Tries the moves around job u; returns 1 when one was applied. */
int ls_improve_job(struct ssol *s, const struct sctx *c, struct swork *w,
    int u);

#endif
