/* glpk.c: the one guard around GLPK: error hook and longjmp, silence, time limits, the thread's environment. */
#include <stdint.h>

#include "glpk.h"
#include "util.h"

static void
glpk_error_hook(void *info)
{
	struct glpk_guard *g = info;

	/* GLPK's state is undefined now: drop all of it (GLPK requires
	 * glp_free_env after an error), then back to the caller's setjmp */
	glp_free_env();
	longjmp(g->jb, 1);
}

static int
glpk_term_hook(void *info, const char *s)
{
	(void)info;
	(void)s;
	return 1;    /* nothing reaches the terminal */
}

void
glpk_guard_arm(struct glpk_guard *g)
{
	glp_term_hook(glpk_term_hook, NULL);
	glp_error_hook(glpk_error_hook, g);
}

void
glpk_guard_end(struct glpk_guard *g)
{
	(void)g;
	/* the hooks live in the environment and go with it; no GLPK state
	 * outlives the call in the caller's thread */
	glp_free_env();
}

int
glpk_ms_left(double deadline)
{
	double left;

	if (deadline <= 0)
		return INT32_MAX;
	left = (deadline - pr_now()) * 1000.0;
	if (left < 1)
		return 0;
	return left > 1e9 ? 1000000000 : (int)left;
}
