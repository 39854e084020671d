/* fuzz.h: the one entry point every harness in tests/fuzz/ defines (libFuzzer's), shared by the libFuzzer build and the plain replay driver. */
#ifndef POSTROUTE_FUZZ_H
#define POSTROUTE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each fuzz_NAME.c defines this. Built with clang -fsanitize=fuzzer it is
 * a libFuzzer target (`make fuzz`); built with the project's compiler and
 * linked with replay.c it runs the committed seeds and regression inputs
 * in `make check` (and under ASan/UBSan in `make check-sanitize`). It
 * returns 0 and calls abort() when a property of the code under test does
 * not hold, so that both builds report it.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
