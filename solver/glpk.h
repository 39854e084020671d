/* glpk.h: the one guard around GLPK (error hook and setjmp, silenced terminal, time limits, the thread's environment) that every GLPK user of libpostroute goes through (private). */
#ifndef POSTROUTE_GLPK_H
#define POSTROUTE_GLPK_H

#include <glpk.h>     /* GLPK's own: this file is only ever "glpk.h" */
#include <setjmp.h>

/*
 * GLPK aborts the process on internal errors and prints to stdout; it
 * keeps an environment per thread (Debian's build), which a thread must
 * free before it ends. So every use of GLPK (cluster.c, setpart.c and,
 * through it, the exact mode) looks like this (GLPK's
 * examples/threads/multiseed.c):
 *
 *	struct glpk_guard g;
 *
 *	glpk_guard_arm(&g);
 *	if (setjmp(g.jb) != 0) {
 *		... GLPK failed: the thread's GLPK environment is gone, and
 *		... every GLPK object with it; free your own memory
 *		... (pointers set after setjmp must be volatile or live in
 *		... memory), report PR_EGLPK or fall back
 *	}
 *	... glp_* calls, tm_lim from glpk_ms_left() ...
 *	glpk_guard_end(&g);
 *
 * setjmp stays in the caller: a jump back into a function that has
 * returned is undefined. Between arm and end the thread must not start a
 * second guard. Callers must not hold GLPK objects across guards: end
 * frees the thread's environment.
 */
struct glpk_guard {
	jmp_buf jb;
};

/* Installs the error hook (frees the thread's GLPK environment, then
 * longjmps to g->jb with 1) and a terminal hook that drops GLPK's
 * output. */
void glpk_guard_arm(struct glpk_guard *g);
/* Removes the hooks and frees the thread's GLPK environment (every GLPK
 * object goes with it). Also after a longjmp. */
void glpk_guard_end(struct glpk_guard *g);

/* Milliseconds from now (pr_now) to deadline for GLPK's tm_lim: 0 when
 * it has passed (less than 1 ms left), INT32_MAX for no deadline (<= 0),
 * at most 10^9. */
int glpk_ms_left(double deadline);

#endif
