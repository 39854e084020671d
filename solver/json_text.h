/* json_text.h: what to say about a JSON text jansson refused, without quoting it: its message without the text it was near, and which field holds a string that is not UTF-8 (private). */
#ifndef POSTROUTE_JSON_TEXT_H
#define POSTROUTE_JSON_TEXT_H

#include <stddef.h>

#include <jansson.h>

/* je's message without jansson's " near '<up to 20 bytes of the text>'",
 * into buf: a message about an event must not quote it (it may hold a
 * household's name or phone, and reasons are logged). Returns buf. */
const char *json_text_error(const json_error_t *je, char *buf, size_t n);

/*
 * The first string of the JSON text s[0..len) that jansson cannot take:
 * bytes that are not UTF-8, a raw control character, a \u escape of a
 * lone surrogate or of NUL. Returns what is wrong with it (a static
 * string), with path filled with the keys of the objects leading to it
 * ("contact.name"; "" at the top, or where a key is not a short
 * identifier), and *at with its offset; NULL when every string is
 * good. Objects nested deeper than 8 levels are not looked into.
 */
const char *json_text_bad_string(const char *s, size_t len, char *path,
    size_t n, size_t *at);

#endif
