/* json_text.c: what to say about a JSON text jansson refused, without quoting it: its message without the text it was near, and which field holds a string that is not UTF-8. */
#include <string.h>

#include "json_text.h"

/*
 * jansson's messages end in " near '...'", up to 20 bytes of the text it
 * was reading: in an order event that may be a household's phone. And a
 * string that is not UTF-8 gets "unable to decode byte 0xc3", which does
 * not say which field. The scan below walks the text as jansson would,
 * keeping the key of each object level, so that the reason names the
 * field ("event.contact.name: not valid UTF-8") as every other reason
 * does, without quoting it.
 */

const char *
json_text_error(const json_error_t *je, char *buf, size_t n)
{
	const char *near = strstr(je->text, " near '");
	size_t len = near != NULL ? (size_t)(near - je->text) :
	    strlen(je->text);

	if (n == 0)
		return buf;
	if (len >= n)
		len = n - 1;
	memcpy(buf, je->text, len);
	buf[len] = '\0';
	return buf;
}

#define JT_DEPTH 8

struct jt_level {
	int object;              /* else an array */
	int want_key;            /* the next string is a key */
	char key[32];            /* the current key, "" when not printable */
};

static int
jt_hex(const char *s, size_t len, size_t i, unsigned *out)
{
	unsigned v = 0;

	if (i + 4 > len)
		return -1;
	for (int k = 0; k < 4; k++) {
		char c = s[i + (size_t)k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the UTF-8 sequence at s[i..len) (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when invalid. */
static size_t
jt_utf8(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (i + n > len || s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (s[i + k] < 0x80 || s[i + k] > 0xbf)
			return 0;
	return n;
}

/* The string starting at the quote s[*i]: *i moves to its closing quote
 * (or len). Returns what is wrong with it, or NULL. */
static const char *
jt_string(const char *s, size_t len, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t j = *i + 1, n;
	unsigned cp, lo;

	while (j < len && s[j] != '"') {
		if (u[j] < 0x20)
			return "holds a raw control character";
		if (s[j] == '\\') {
			if (j + 1 < len && s[j + 1] == 'u') {
				if (jt_hex(s, len, j + 2, &cp) != 0)
					return "has a bad \\u escape";
				j += 6;
				if (cp == 0)
					return "holds \\u0000";
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return "is not valid UTF-8 (a lone "
					    "surrogate)";
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (j + 1 >= len || s[j] != '\\' ||
					    s[j + 1] != 'u' ||
					    jt_hex(s, len, j + 2, &lo) != 0 ||
					    lo < 0xdc00 || lo > 0xdfff)
						return "is not valid UTF-8 (a "
						    "lone surrogate)";
					j += 6;
				}
				continue;
			}
			j += 2;
			continue;
		}
		if ((n = jt_utf8(u, len, j)) == 0)
			return "is not valid UTF-8";
		j += n;
	}
	*i = j;
	return NULL;
}

static void
jt_path(const struct jt_level *lv, int depth, char *path, size_t n)
{
	size_t off = 0;

	path[0] = '\0';
	for (int d = 1; d <= depth; d++) {
		size_t k;

		if (!lv[d].object)
			continue;
		if (lv[d].key[0] == '\0')
			break;
		k = strlen(lv[d].key);
		if (off + k + 2 > n)
			break;
		if (off > 0)
			path[off++] = '.';
		memcpy(path + off, lv[d].key, k + 1);
		off += k;
	}
}

static void
jt_set_key(struct jt_level *l, const char *s, size_t len)
{
	size_t n = len < sizeof(l->key) ? len : 0;

	for (size_t k = 0; k < n; k++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[k]) == NULL ||
		    s[k] == '\0')
			n = 0;
	memcpy(l->key, s, n);
	l->key[n] = '\0';
}

const char *
json_text_bad_string(const char *s, size_t len, char *path, size_t n,
    size_t *at)
{
	struct jt_level lv[JT_DEPTH + 1];
	int depth = 0;

	memset(lv, 0, sizeof(lv));
	for (size_t i = 0; i < len; i++) {
		const char *why;
		size_t start;
		int is_key;

		switch (s[i]) {
		case '{':
		case '[':
			if (depth == JT_DEPTH)
				return NULL;
			depth++;
			lv[depth].object = s[i] == '{';
			lv[depth].want_key = lv[depth].object;
			lv[depth].key[0] = '\0';
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			lv[depth].want_key = lv[depth].object;
			break;
		case '"':
			start = i;
			is_key = lv[depth].object && lv[depth].want_key;
			why = jt_string(s, len, &i);
			if (is_key) {
				lv[depth].want_key = 0;
				jt_set_key(&lv[depth], s + start + 1,
				    i - start - 1);
			}
			if (why != NULL) {
				if (is_key)
					lv[depth].key[0] = '\0';
				jt_path(lv, depth, path, n);
				*at = start;
				return why;
			}
			break;
		default:
			break;
		}
	}
	return NULL;
}
