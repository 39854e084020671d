/* time.c: ISO 8601 instants, local dates and midnights, times of day. */
#include <ctype.h>
#include <stdio.h>

#include "util.h"
#include "postroute/region.h"
#include "postroute/time.h"

static int64_t
time_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
time_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
time_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* Reads exactly n digits. */
static int
time_digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

static int
time_date(const char **sp, int *y, int *m, int *d)
{
	const char *s = *sp;

	if (time_digits(&s, 4, y) || *s++ != '-' || time_digits(&s, 2, m) ||
	    *s++ != '-' || time_digits(&s, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > time_days_in_month(*y, *m))
		return -1;
	*sp = s;
	return 0;
}

int
pr_time_parse(const char *s, int64_t *epoch, int *utc_offset)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;

	if (s == NULL || time_date(&s, &y, &mo, &d))
		return PR_EINVAL;
	if ((*s != 'T' && *s != ' ') || (s++, time_digits(&s, 2, &h)) ||
	    *s++ != ':' || time_digits(&s, 2, &mi))
		return PR_EINVAL;
	if (*s == ':') {
		s++;
		if (time_digits(&s, 2, &sec))
			return PR_EINVAL;
		if (*s == '.' || *s == ',') {
			s++;
			if (!isdigit((unsigned char)*s))
				return PR_EINVAL;
			while (isdigit((unsigned char)*s))
				s++;   /* fractions dropped: seconds suffice */
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return PR_EINVAL;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (time_digits(&s, 2, &oh))
			return PR_EINVAL;
		if (*s == ':')
			s++;
		if (time_digits(&s, 2, &om))
			return PR_EINVAL;
		if (oh > 14 || om > 59)
			return PR_EINVAL;
	} else {
		return PR_EINVAL;  /* an offset is required */
	}
	if (*s != '\0')
		return PR_EINVAL;
	if (sec == 60)
		sec = 59;   /* a leap second counts as its predecessor */
	{
		int off = sign * (oh * 3600 + om * 60);

		*epoch = time_days_from_civil(y, mo, d) * PR_DAY_S + h * 3600 +
		    mi * 60 + sec - off;
		if (utc_offset != NULL)
			*utc_offset = off;
	}
	return 0;
}

void
pr_time_format(int64_t epoch, int utc_offset, char *buf, size_t n)
{
	int64_t l = epoch + utc_offset;
	int64_t days = time_floor_div(l, PR_DAY_S), sod = l - days * PR_DAY_S;
	int y, m, d, off = utc_offset < 0 ? -utc_offset : utc_offset;

	time_civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
	    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
	    utc_offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
}

int
pr_date_parse(const char *s, int utc_offset, int64_t *day_start)
{
	int y, m, d;

	if (s == NULL || time_date(&s, &y, &m, &d) || *s != '\0')
		return PR_EINVAL;
	*day_start = time_days_from_civil(y, m, d) * PR_DAY_S - utc_offset;
	return 0;
}

int64_t
pr_day_start(const struct pr_region *r, int64_t t)
{
	int64_t l = t + r->utc_offset;

	return time_floor_div(l, PR_DAY_S) * PR_DAY_S - r->utc_offset;
}

void
pr_local_date(int64_t t, int utc_offset, int *y, int *m, int *d)
{
	time_civil_from_days(time_floor_div(t + utc_offset, PR_DAY_S), y,
	    m, d);
}

int
pr_time_of_day_parse(const char *s, int *out)
{
	int h, m, sec = 0;

	if (time_digits(&s, 2, &h) || *s++ != ':' || time_digits(&s, 2, &m))
		return PR_EINVAL;
	if (*s == ':') {
		s++;
		if (time_digits(&s, 2, &sec))
			return PR_EINVAL;
	}
	if (*s != '\0' || m > 59 || sec > 59 || h > 24 ||
	    (h == 24 && (m || sec)))
		return PR_EINVAL;
	*out = h * 3600 + m * 60 + sec;
	return 0;
}
