/* testutil.h: small helpers for the unit tests and benchmarks (files, shared data). */
#ifndef POSTROUTE_TEST_TESTUTIL_H
#define POSTROUTE_TEST_TESTUTIL_H

#include <stddef.h>

/* Where the shared benchmark data lives, relative to the repository root
 * (the tests run with the root as their working directory). */
#define TU_SHARED_DIR "../shared/bench-data"

/*
 * Reads the whole file at path into a new buffer (free with free()),
 * NUL-terminated so that it can be used as a string too; *len (when not
 * NULL) gets the length without the NUL. Returns NULL when the file does
 * not exist or cannot be read.
 */
char *tu_read_file(const char *path, size_t *len);

/* 1 when TU_SHARED_DIR exists (a directory), 0 otherwise. */
int tu_shared_available(void);

#endif
