/* domain.h: the whole rural domain of libpostroute in one include (regions, time, events, orders, the latest pickup rule, office problems, clustering, the service-level rule, the planner). */
#ifndef POSTROUTE_DOMAIN_H
#define POSTROUTE_DOMAIN_H

/*
 * Each part has its own header; include what you use. This umbrella is
 * kept for callers that use most of it (the daemon). docs/domain.md has
 * the rules, docs/events.md the event format.
 */

#include "postroute/assign.h"
#include "postroute/cluster.h"
#include "postroute/event.h"
#include "postroute/late.h"
#include "postroute/office_problem.h"
#include "postroute/orderbook.h"
#include "postroute/pickup.h"
#include "postroute/plan.h"
#include "postroute/postroute.h"
#include "postroute/region.h"
#include "postroute/rng.h"
#include "postroute/time.h"
#include "postroute/travel.h"

#endif
