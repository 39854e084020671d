/* plan.h: one office's plan, computed on a worker thread. */
#ifndef POSTROUTED_PLAN_H
#define POSTROUTED_PLAN_H

#include "daemon.h"

/* Builds the office's problem from j->orders, clamps it to j->now, pins
 * j->pins, solves it with j->sp and renders j->json and j->geojson (also
 * when the solve failed: then every pickup is unassigned). Sets j->rc.
 * Any thread; reads only j and the immutable region. */
void plan_office(struct plan_job *j);

#endif
