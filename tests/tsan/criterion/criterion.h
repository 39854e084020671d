/* criterion.h (tests/tsan): the part of Criterion's API the unit tests use, for the ThreadSanitizer build only, where Criterion itself cannot start (see runner.c). */
#ifndef POSTROUTE_TSAN_CRITERION_H
#define POSTROUTE_TSAN_CRITERION_H

#include <math.h>
#include <stddef.h>
#include <string.h>

/*
 * Same macros, same meaning: Test(suite, name, .timeout = S) defines a
 * test, which runs in a process of its own; cr_assert* stop it at the
 * first failure, cr_expect* record the failure and go on; cr_skip_test
 * ends it as skipped. The message arguments (a format and its values)
 * are optional, as in Criterion.
 */

struct criterion_test_params {
	size_t size;
	void *params;
	size_t length;
	void (*cleanup)(struct criterion_test_params *);
};

struct tsan_test {
	const char *suite, *name;
	void (*fn)(void);                       /* a plain test */
	void (*pfn)(void *);                    /* a parameterized one */
	struct criterion_test_params (*params)(void);
	/* the options the tests use (designated initializers) */
	double timeout;
	int disabled;
	const char *description;
};

void tsan_register(struct tsan_test *t);
void tsan_check(int ok, int fatal, const char *file, int line,
    const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void tsan_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
    __attribute__((noreturn));
void tsan_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TSAN_TEST(S, N, fnp, pfnp, paramsp, ...)                          \
	static struct tsan_test S##_##N##_tsan = {                         \
		.suite = #S, .name = #N, .fn = fnp, .pfn = pfnp,           \
		.params = paramsp, __VA_ARGS__                             \
	};                                                                 \
	__attribute__((constructor)) static void                           \
	S##_##N##_tsan_reg(void)                                           \
	{                                                                  \
		tsan_register(&S##_##N##_tsan);                            \
	}

#define Test(suite, name, ...)                                            \
	static void suite##_##name##_impl(void);                          \
	TSAN_TEST(suite, name, suite##_##name##_impl, NULL, NULL,         \
	    __VA_ARGS__)                                                  \
	static void suite##_##name##_impl(void)

#define TSAN_CHECK(fatal, cond, expr, ...)                                \
	tsan_check(!!(cond), fatal, __FILE__, __LINE__, expr, "" __VA_ARGS__)

#define cr_assert(c, ...) TSAN_CHECK(1, c, #c, __VA_ARGS__)
#define cr_expect(c, ...) TSAN_CHECK(0, c, #c, __VA_ARGS__)
#define cr_assert_fail(...) TSAN_CHECK(1, 0, "reached", __VA_ARGS__)
#define cr_expect_fail(...) TSAN_CHECK(0, 0, "reached", __VA_ARGS__)
#define cr_assert_null(a, ...) TSAN_CHECK(1, (a) == NULL, #a " == NULL", \
	__VA_ARGS__)
#define cr_expect_null(a, ...) TSAN_CHECK(0, (a) == NULL, #a " == NULL", \
	__VA_ARGS__)
#define cr_assert_not_null(a, ...) TSAN_CHECK(1, (a) != NULL,            \
	#a " != NULL", __VA_ARGS__)
#define TSAN_CMP(fatal, a, op, b, ...)                                    \
	TSAN_CHECK(fatal, (a) op (b), #a " " #op " " #b, __VA_ARGS__)
#define cr_assert_eq(a, b, ...) TSAN_CMP(1, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) TSAN_CMP(1, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) TSAN_CMP(1, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) TSAN_CMP(1, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) TSAN_CMP(1, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) TSAN_CMP(1, a, >=, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...) TSAN_CMP(0, a, ==, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...) TSAN_CMP(0, a, >, b, __VA_ARGS__)
#define cr_assert_float_eq(a, b, eps, ...)                                \
	TSAN_CHECK(1, fabs((double)(a) - (double)(b)) <= (eps),           \
	    "|" #a " - " #b "| <= " #eps, __VA_ARGS__)
#define cr_expect_float_eq(a, b, eps, ...)                                \
	TSAN_CHECK(0, fabs((double)(a) - (double)(b)) <= (eps),           \
	    "|" #a " - " #b "| <= " #eps, __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)                                       \
	TSAN_CHECK(1, strcmp((a), (b)) == 0, #a " == " #b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...)                                      \
	TSAN_CHECK(1, strcmp((a), (b)) != 0, #a " != " #b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...)                                      \
	TSAN_CHECK(0, strcmp((a), (b)) != 0, #a " != " #b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...)                                       \
	TSAN_CHECK(0, strcmp((a), (b)) == 0, #a " == " #b, __VA_ARGS__)

#define cr_skip_test(...) tsan_skip("" __VA_ARGS__)
#define cr_log_info(...) tsan_log(__VA_ARGS__)

#endif
