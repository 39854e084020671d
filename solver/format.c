/* format.c: which reader a problem file needs: JSON, Solomon or CVRPLIB, told from its content. */
#include <ctype.h>
#include <string.h>

#include "format.h"
#include "util.h"

/* Whether the line [b, e) starts with word followed by blanks and ':'. */
static int
format_is_key(const char *b, const char *e, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(e - b) < n || memcmp(b, word, n) != 0)
		return 0;
	for (b += n; b < e && (*b == ' ' || *b == '\t'); b++)
		;
	return b < e && *b == ':';
}

/* Whether the line [b, e) is word, give or take surrounding blanks. */
static int
format_is_word(const char *b, const char *e, const char *word)
{
	size_t n = strlen(word);

	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	return (size_t)(e - b) == n && memcmp(b, word, n) == 0;
}

int
pr_problem_parse(const char *buf, size_t len, struct pr_problem **out,
    struct pr_error *err)
{
	return pr_problem_parse_limited(buf, len, NULL, out, err);
}

int
pr_problem_parse_limited(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
    struct pr_error *err)
{
	const char *s = buf, *end = buf + len;
	int vehicle = 0, customer = 0;

	*out = NULL;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		/* A byte-order mark is no part of any of the formats. */
		buf += 3;
		len -= 3;
		s = buf;
	}
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end && *s == '{')
		return format_json_read(buf, len, rp, out, err);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (format_is_key(s, e, "NAME") ||
		    format_is_key(s, e, "TYPE") ||
		    format_is_key(s, e, "DIMENSION"))
			return format_cvrplib_read(buf, len, rp, out, err);
		if (format_is_word(s, e, "VEHICLE"))
			vehicle = 1;
		if (format_is_word(s, e, "CUSTOMER"))
			customer = 1;
		if (vehicle && customer)
			return format_solomon_read(buf, len, rp, out, err);
		s = nl ? nl + 1 : end;
	}
	return pr_seterr(err, PR_EINVAL, "unrecognised format (expected "
	    "problem JSON, Solomon VRPTW or CVRPLIB)");
}
