/* fuzz_solomon.c: fuzz target for pr_problem_from_solomon (Solomon VRPTW text files). */
#include "postroute/postroute.h"
#include "fuzz.h"
#include "fuzz_problem.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_problem_reader(pr_problem_from_solomon, data, size);
}
