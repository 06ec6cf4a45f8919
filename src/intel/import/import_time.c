/* import_time.c — STIX 2.1 (RFC 3339, section 3.2) and MISP timestamps to
 * microseconds since the epoch, and back to the STIX form. Proleptic
 * Gregorian calendar; no time zone database (only numeric offsets).
 */
#include "intel/import/import_time.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define US_PER_S 1000000LL

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* n digits at s into *out; false when they are not all digits. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (400-year eras). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct civil {
    int y, mo, d, h, mi, s;
    int64_t frac_us;
};

/* "YYYY-MM-DD?HH:MM:SS" with sep at index 10; returns the length read (19)
 * or 0. Ranges and the calendar are checked; second 60 (a leap second) is
 * accepted and counts as the next second. */
static size_t parse_civil(const char *s, const char *seps, struct civil *c)
{
    if (!digits(s, 4, &c->y) || s[4] != '-' || !digits(s + 5, 2, &c->mo) || s[7] != '-' ||
        !digits(s + 8, 2, &c->d) || !s[10] || !strchr(seps, s[10]) || !digits(s + 11, 2, &c->h) ||
        s[13] != ':' || !digits(s + 14, 2, &c->mi) || s[16] != ':' || !digits(s + 17, 2, &c->s))
        return 0;
    if (c->mo < 1 || c->mo > 12 || c->d < 1 || c->d > days_in_month(c->y, c->mo) || c->h > 23 ||
        c->mi > 59 || c->s > 60)
        return 0;
    return 19;
}

/* ".ddd…" at s: digits past the sixth are truncated. Returns the length. */
static size_t parse_fraction(const char *s, int64_t *us)
{
    *us = 0;
    if (s[0] != '.' || !is_digit(s[1]))
        return 0;
    size_t i = 1;
    int64_t scale = 100000;
    for (; is_digit(s[i]); i++) {
        *us += (s[i] - '0') * scale;
        scale /= 10;
    }
    return i;
}

static int64_t civil_to_us(const struct civil *c)
{
    int64_t days = days_from_civil(c->y, c->mo, c->d);
    int64_t secs = days * 86400 + c->h * 3600 + c->mi * 60 + c->s;
    return secs * US_PER_S + c->frac_us;
}

int import_time_parse_stix(const char *s, int64_t *out_us)
{
    struct civil c;
    if (!s || strlen(s) < 20 || parse_civil(s, "T", &c) == 0)
        return -EINVAL;
    size_t i = 19;
    size_t n = parse_fraction(s + i, &c.frac_us);
    if (s[i] == '.' && n == 0)
        return -EINVAL;
    i += n;
    if (s[i] != 'Z' || s[i + 1] != '\0')
        return -EINVAL;
    *out_us = civil_to_us(&c);
    return 0;
}

int import_time_parse_iso(const char *s, int64_t *out_us)
{
    struct civil c;
    if (!s || strlen(s) < 19 || parse_civil(s, "T ", &c) == 0)
        return -EINVAL;
    size_t i = 19;
    size_t n = parse_fraction(s + i, &c.frac_us);
    if (s[i] == '.' && n == 0)
        return -EINVAL;
    i += n;
    int64_t offset_s = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int oh, om;
        size_t at = i + 1;
        if (!digits(s + at, 2, &oh))
            return -EINVAL;
        at += 2 + (s[at + 2] == ':');
        if (!digits(s + at, 2, &om) || oh > 23 || om > 59)
            return -EINVAL;
        offset_s = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
        i = at + 2;
    }
    if (s[i] != '\0')
        return -EINVAL;
    *out_us = civil_to_us(&c) - offset_s * US_PER_S;
    return 0;
}

int import_time_parse_epoch(const char *s, int64_t *out_us)
{
    if (!s || !is_digit(s[0]))
        return -EINVAL;
    int64_t v = 0;
    size_t i = 0;
    for (; is_digit(s[i]); i++) {
        if (i >= 12) /* past year 33000: not a timestamp */
            return -EINVAL;
        v = v * 10 + (s[i] - '0');
    }
    if (s[i] != '\0')
        return -EINVAL;
    *out_us = v * US_PER_S;
    return 0;
}

void import_time_format(int64_t t_us, char out[IMPORT_TIME_TEXT_MAX])
{
    int64_t secs = t_us / US_PER_S, us = t_us % US_PER_S;
    if (us < 0) {
        us += US_PER_S;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    /* The inverse of days_from_civil. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    int h = (int)(rem / 3600), mi = (int)(rem / 60 % 60), s = (int)(rem % 60);
    if (us % 1000 == 0)
        snprintf(out, IMPORT_TIME_TEXT_MAX, "%04lld-%02lld-%02lldT%02d:%02d:%02d.%03lldZ",
                 (long long)y, (long long)m, (long long)d, h, mi, s, (long long)(us / 1000));
    else
        snprintf(out, IMPORT_TIME_TEXT_MAX, "%04lld-%02lld-%02lldT%02d:%02d:%02d.%06lldZ",
                 (long long)y, (long long)m, (long long)d, h, mi, s, (long long)us);
}
