/* benchutil.h: small helpers the benchmark programs share (reading files, the shared data, allocation). */
#ifndef POSTROUTE_BENCHUTIL_H
#define POSTROUTE_BENCHUTIL_H

#include <stddef.h>

/* Where the shared benchmark data lives, relative to the repository root
 * (the benchmarks run with the root as their working directory). */
#define BENCH_SHARED_DIR "../shared/bench-data"

/*
 * Reads the whole file at path into a new buffer (the caller frees it
 * with free()), NUL-terminated so that it can be used as a string too;
 * *len (when not NULL) gets the length without the NUL. Returns NULL with
 * errno set when the file cannot be opened or read, or memory runs out.
 */
char *bench_read_file(const char *path, size_t *len);

/*
 * The number s given for option --opt, in [lo, hi]; anything else (not a
 * number, trailing text, out of range) ends the program with status 2 and
 * one line naming prog and the option.
 */
double bench_num(const char *prog, const char *opt, const char *s, double lo,
    double hi);

/* calloc that ends the program with a message when memory runs out. */
void *bench_xcalloc(size_t n, size_t size);

#endif
