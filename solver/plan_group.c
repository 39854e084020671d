/* plan_group.c: which neighbouring commune offices the planner plans together (single linkage over near pairs of one district). */
#include <stdlib.h>

#include "postroute/plan.h"
#include "util.h"

/*
 * Small commune offices of one district trade trips: a motorbike that is
 * out anyway in the next commune takes a parcel whose own office would
 * make a trip for it (docs/domain.md, "Neighbouring offices planned
 * together"). Pairs of offices with pickups, each with fewer than
 * group_small, at most group_radius_m apart, are merged nearest first
 * while a group stays within PR_GROUP_MAX_OFFICES offices and
 * group_max_orders pickups. Deterministic: ties keep the pairs' order.
 */

struct plan_pair {
	double d;
	int a, b;
};

static int
plan_pair_cmp(const void *x, const void *y)
{
	const struct plan_pair *p = x, *q = y;

	if (p->d != q->d)
		return p->d < q->d ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

void
pr_plan_groups(const struct pr_region *r, const int *cnt,
    const struct pr_planner_params *gp, int *grp)
{
	int no = r->n_offices, np = 0, *size, *load;
	struct plan_pair *pairs;

	for (int f = 0; f < no; f++)
		grp[f] = f;
	if (gp->group_small <= 0 || gp->group_radius_m <= 0)
		return;
	size = xcalloc((size_t)no + 1, sizeof(int));
	load = xcalloc((size_t)no + 1, sizeof(int));
	pairs = xcalloc((size_t)no * (size_t)no / 2 + 1, sizeof(*pairs));
	for (int f = 0; f < no; f++) {
		size[f] = 1;
		load[f] = cnt[f];
	}
	for (int a = 0; a < no; a++) {
		const struct pr_office *x = &r->offices[a];

		if (x->level != PR_OFFICE_COMMUNE || cnt[a] == 0 ||
		    cnt[a] >= gp->group_small)
			continue;
		for (int b = a + 1; b < no; b++) {
			const struct pr_office *y = &r->offices[b];
			double d;

			if (y->level != PR_OFFICE_COMMUNE ||
			    (x->district != y->district &&
			    !gp->group_any_district) || cnt[b] == 0 ||
			    cnt[b] >= gp->group_small)
				continue;
			d = pr_haversine_m(x->lon, x->lat, y->lon, y->lat);
			if (d > gp->group_radius_m)
				continue;
			pairs[np].d = d;
			pairs[np].a = a;
			pairs[np].b = b;
			np++;
		}
	}
	qsort(pairs, (size_t)np, sizeof(*pairs), plan_pair_cmp);
	for (int i = 0; i < np; i++) {
		int ga = grp[pairs[i].a], gb = grp[pairs[i].b], lo, hi;

		if (ga == gb || size[ga] + size[gb] > PR_GROUP_MAX_OFFICES ||
		    load[ga] + load[gb] > gp->group_max_orders)
			continue;
		lo = ga < gb ? ga : gb;
		hi = ga < gb ? gb : ga;
		for (int f = 0; f < no; f++)
			if (grp[f] == hi)
				grp[f] = lo;
		size[lo] += size[hi];
		load[lo] += load[hi];
	}
	free(pairs);
	free(size);
	free(load);
}
