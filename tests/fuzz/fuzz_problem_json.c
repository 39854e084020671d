/* fuzz_problem_json.c: fuzz target for pr_problem_from_json (POST /v1/solve bodies, postrouted --solve files). */
#include <string.h>

#include "postroute/postroute.h"
#include "fuzz.h"
#include "fuzz_problem.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_problem_reader(pr_problem_from_json, data, size);
}
