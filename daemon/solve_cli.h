/* solve_cli.h: postrouted --solve, the one-shot command-line solver. */
#ifndef POSTROUTED_SOLVE_CLI_H
#define POSTROUTED_SOLVE_CLI_H

#include <stdio.h>

/*
 * Runs `postrouted --solve FILE [options]` with the whole command line:
 * reads FILE ("-" is standard input), solves it and prints the solution
 * JSON on stdout. Returns the process exit status: 0 solved, 1 the solver
 * or the output failed, 2 bad usage or a bad problem. Main thread only.
 */
int solve_cli_main(int argc, char **argv);

/* The --solve lines of the usage text. */
void solve_cli_usage(FILE *fp);

#endif
