/* contact.c: a household's contact inside an order event (name, phone, address): read and checked from a jansson object, written back. */
#include <stddef.h>
#include <string.h>

#include "contact.h"

/*
 * The rules are written out in docs/events.md; keep the two in step.
 * Every key is optional; a key given must be a string that is not blank,
 * fits its length in bytes, and holds no control character (C0, DEL, C1)
 * nor line or paragraph separator (U+2028, U+2029): the text goes into a
 * printed sheet, a CSV and a page, one line each. jansson has already
 * checked that it is UTF-8. A phone is digits with the usual separators.
 * Unknown keys are refused by name (unlike the event's own keys), so
 * that a misspelt "phone" is not silently dropped. No message quotes a
 * value: reasons are logged, contacts never are.
 */

struct contact_field {
	const char *key;
	size_t off, size;
};

static const struct contact_field contact_fields[] = {
	{ "name", offsetof(struct pr_contact, name), PR_CONTACT_NAME_LEN },
	{ "phone", offsetof(struct pr_contact, phone), PR_CONTACT_PHONE_LEN },
	{ "address", offsetof(struct pr_contact, address),
	    PR_CONTACT_ADDRESS_LEN },
};

#define CONTACT_NFIELDS (sizeof(contact_fields) / sizeof(contact_fields[0]))

/* 1 when the key may be quoted in a message: a short identifier. */
static int
contact_key_printable(const char *k)
{
	size_t n = strlen(k);

	return n > 0 && n < 32 && strspn(k, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* 1 when s (UTF-8, as jansson keeps it) holds a control character or a
 * line or paragraph separator. */
static int
contact_has_control(const unsigned char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return 1;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return 1;	/* C1: U+0080 .. U+009F */
		if (s[0] == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9))
			return 1;	/* U+2028, U+2029 */
	}
	return 0;
}

/* A plausible phone number: an optional leading '+', then digits with
 * spaces, dots, dashes or parentheses between them, 8 to 15 digits
 * (E.164 allows 15; a Vietnamese mobile is 10 with its 0, 11 as +84). */
static int
contact_phone_ok(const char *s)
{
	int digits = 0;

	if (*s == '+')
		s++;
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (strchr(" .-()", *s) == NULL)
			return 0;
	}
	return digits >= 8 && digits <= 15;
}

static int
contact_blank(const char *s)
{
	return s[strspn(s, " ")] == '\0';
}

int
contact_from_object(json_t *v, const char *path, struct pr_contact *c,
    struct pr_error *err)
{
	const char *key;
	json_t *val;

	memset(c, 0, sizeof(*c));
	if (!json_is_object(v))
		return pr_seterr(err, PR_EINVAL, "%s: must be an object "
		    "{\"name\", \"phone\", \"address\"}", path);
	json_object_foreach(v, key, val) {
		const struct contact_field *f = NULL;
		const char *s;
		size_t n;

		for (size_t i = 0; i < CONTACT_NFIELDS; i++)
			if (strcmp(key, contact_fields[i].key) == 0)
				f = &contact_fields[i];
		if (f == NULL) {
			if (contact_key_printable(key))
				return pr_seterr(err, PR_EINVAL, "%s.%s: "
				    "unknown key (a contact has name, phone "
				    "and address)", path, key);
			return pr_seterr(err, PR_EINVAL, "%s: an unknown key "
			    "(a contact has name, phone and address)", path);
		}
		if (!json_is_string(val))
			return pr_seterr(err, PR_EINVAL, "%s.%s: must be a "
			    "string", path, f->key);
		s = json_string_value(val);
		n = json_string_length(val);
		if (n >= f->size)
			return pr_seterr(err, PR_EINVAL, "%s.%s: %zu bytes, "
			    "more than %zu", path, f->key, n, f->size - 1);
		if (n != strlen(s) || contact_has_control(
		    (const unsigned char *)s))
			return pr_seterr(err, PR_EINVAL, "%s.%s: must not "
			    "hold control characters or line breaks", path,
			    f->key);
		if (contact_blank(s))
			return pr_seterr(err, PR_EINVAL, "%s.%s: must not be "
			    "empty (leave the key out)", path, f->key);
		if (f->off == offsetof(struct pr_contact, phone) &&
		    !contact_phone_ok(s))
			return pr_seterr(err, PR_EINVAL, "%s.%s: must be a "
			    "phone number: digits, an optional leading +, "
			    "spaces . - ( ) between, 8 to 15 digits", path,
			    f->key);
		memcpy((char *)c + f->off, s, n + 1);
	}
	return 0;
}

json_t *
contact_to_object(const struct pr_contact *c)
{
	json_t *o;

	if (c->name[0] == '\0' && c->phone[0] == '\0' &&
	    c->address[0] == '\0')
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	for (size_t i = 0; i < CONTACT_NFIELDS; i++) {
		const char *s = (const char *)c + contact_fields[i].off;

		if (s[0] != '\0')
			json_object_set_new(o, contact_fields[i].key,
			    json_string(s));
	}
	return o;
}
