/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Times and durations in the JSON form of documents (design §3): RFC 3339
 * date-times, "now", offsets from now ("+30d", "-2h", "+15m", "+90s") and
 * durations ("90d", "24h"). All arithmetic is checked: a value that would
 * leave the int64 range is KANSA_EFORMAT, never a wrapped time.
 *
 * This file never reads the clock: "now" is always the caller's argument, so
 * the same JSON and the same now give the same document.
 */
#include <stdio.h>
#include <string.h>

#include "policy/doc.h"

static int bad_time(const char *text, const char *why)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
	    "not a time: \"%.64s\" (%s)", text, why);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153u * (m > 2 ? m - 3 : m + 9) + 2u) / 5u + d - 1u;
	doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
	doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
	mp = (5u * doy + 2u) / 153u;
	*d = doy - (153u * mp + 2u) / 5u + 1u;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Exactly @p n decimal digits at s. */
static bool digits(unsigned *out, const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10u + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

static bool is_leap(unsigned y)
{
	return (y % 4u == 0 && y % 100u != 0) || y % 400u == 0;
}

/* RFC 3339 §5.6 date-time, whole seconds, "Z" or a numeric offset. */
static int parse_rfc3339(int64_t *out, const char *s)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned Y, M, D, h, mi, sec, oh = 0, om = 0;
	int64_t t;
	const char *z;

	if (strlen(s) < 20 || !digits(&Y, s, 4) || s[4] != '-' || !digits(&M, s + 5, 2) ||
	    s[7] != '-' || !digits(&D, s + 8, 2) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(&h, s + 11, 2) || s[13] != ':' || !digits(&mi, s + 14, 2) || s[16] != ':' ||
	    !digits(&sec, s + 17, 2))
		return bad_time(s, "expected RFC 3339, e.g. 2026-05-01T09:00:00Z, or now, +30d, -2h");
	z = s + 19;
	if (*z == '.')
		return bad_time(s, "fractional seconds are not supported");
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] + (M == 2 && is_leap(Y)) || h > 23 ||
	    mi > 59 || sec > 59)
		return bad_time(s, "no such date or time of day (leap seconds are not supported)");
	if ((z[0] == 'Z' || z[0] == 'z') && z[1] == '\0') {
		/* UTC */
	} else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && digits(&oh, z + 1, 2) &&
	    z[3] == ':' && digits(&om, z + 4, 2) && oh <= 23 && om <= 59) {
		/* numeric offset */
	} else {
		return bad_time(s, "expected Z or an offset like +09:00 after the seconds");
	}
	t = days_from_civil((int64_t)Y, M, D) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + (int64_t)sec;
	/* local time = UTC + offset, so UTC = local - offset */
	if (z[0] == '+')
		t -= (int64_t)oh * 3600 + (int64_t)om * 60;
	else if (z[0] == '-')
		t += (int64_t)oh * 3600 + (int64_t)om * 60;
	*out = t;
	return 0;
}

/* "N<unit>" with N decimal (no sign, no leading zero unless "0"): seconds. */
static int parse_amount(int64_t *out, const char *s, const char *whole)
{
	int64_t n = 0, mul;
	size_t len = strlen(s), i;

	if (len < 2)
		return bad_time(whole, "expected a number and a unit s, m, h or d");
	switch (s[len - 1]) {
	case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default:
		return bad_time(whole, "unit must be s, m, h or d");
	}
	if (s[0] == '0' && len > 2)
		return bad_time(whole, "leading zero");
	for (i = 0; i + 1 < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return bad_time(whole, "expected a number and a unit s, m, h or d");
		if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, s[i] - '0', &n))
			return bad_time(whole, "out of range");
	}
	/* bound offsets to about 10000 years: no time arithmetic can overflow */
	if (__builtin_mul_overflow(n, mul, &n) || n > (int64_t)10000 * 366 * 86400)
		return bad_time(whole, "out of range");
	*out = n;
	return 0;
}

int kansa_time__parse(int64_t *out, const char *text, int64_t now)
{
	int64_t d;
	int error;

	*out = 0;
	if (text == NULL || text[0] == '\0')
		return bad_time("", "empty");
	if (strcmp(text, "now") == 0) {
		*out = now;
		return 0;
	}
	if (text[0] == '+' || text[0] == '-') {
		if ((error = parse_amount(&d, text + 1, text)) < 0)
			return error;
		if (text[0] == '-')
			d = -d;
		if (__builtin_add_overflow(now, d, out))
			return bad_time(text, "out of range");
		return 0;
	}
	return parse_rfc3339(out, text);
}

int kansa_duration__parse(int64_t *out, const char *text)
{
	int error;

	*out = 0;
	if (text == NULL || text[0] == '\0')
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT, "not a duration: \"\"");
	if ((error = parse_amount(out, text, text)) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "not a duration: \"%.64s\" (expected a number and a unit s, m, h or d, e.g. 90d)", text);
	if (*out <= 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "not a duration: \"%.64s\" (must be positive)", text);
	return 0;
}

void kansa_time__format(char out[32], int64_t t)
{
	int64_t days, y, rem;
	unsigned m, d;

	/* floor division, so that times before 1970 format too */
	days = t / 86400;
	rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		/* outside RFC 3339's four-digit years: say so rather than misprint */
		snprintf(out, 32, "%s", y < 0 ? "before-0000" : "after-9999");
		return;
	}
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u, m % 100u, d % 100u,
	    (unsigned)(rem / 3600) % 100u, (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

void kansa_duration__format(char out[32], int64_t s)
{
	const char *sign = s < 0 ? "-" : "";
	uint64_t v = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
	unsigned long long d = v / 86400, h = v / 3600 % 24, m = v / 60 % 60, sec = v % 60;

	if (d > 0)
		snprintf(out, 32, "%s%llud %lluh", sign, d, h);
	else if (h > 0)
		snprintf(out, 32, "%s%lluh %llum", sign, h, m);
	else if (m > 0)
		snprintf(out, 32, "%s%llum %llus", sign, m, sec);
	else
		snprintf(out, 32, "%s%llus", sign, sec);
}

void kansa_duration__text(char out[32], int64_t s)
{
	if (s % 86400 == 0)
		snprintf(out, 32, "%lldd", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(out, 32, "%lldh", (long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(out, 32, "%lldm", (long long)(s / 60));
	else
		snprintf(out, 32, "%llds", (long long)s);
}
