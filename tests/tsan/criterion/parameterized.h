/* parameterized.h (tests/tsan): Criterion's parameterized tests, for the ThreadSanitizer build only (see runner.c). */
#ifndef POSTROUTE_TSAN_PARAMETERIZED_H
#define POSTROUTE_TSAN_PARAMETERIZED_H

#include "criterion/criterion.h"

/* ParameterizedTestParameters(suite, name) returns the parameters (an
 * array made with cr_make_param_array); ParameterizedTest(type *p,
 * suite, name, options) runs once per parameter, each in its own
 * process. */
#define cr_make_param_array(Type, Array, Len)                             \
	((struct criterion_test_params){ sizeof(Type), (void *)(Array),   \
	    (size_t)(Len), NULL })

#define ParameterizedTestParameters(suite, name)                          \
	static struct criterion_test_params suite##_##name##_params(void)

#define ParameterizedTest(Param, suite, name, ...)                        \
	static struct criterion_test_params suite##_##name##_params(void);\
	static void suite##_##name##_pimpl(Param);                        \
	static void                                                       \
	suite##_##name##_pcall(void *p)                                   \
	{                                                                 \
		suite##_##name##_pimpl(p);                                \
	}                                                                 \
	TSAN_TEST(suite, name, NULL, suite##_##name##_pcall,              \
	    suite##_##name##_params, __VA_ARGS__)                         \
	static void suite##_##name##_pimpl(Param)

#endif
