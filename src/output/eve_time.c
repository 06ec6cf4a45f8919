/* eve_time.c — EVE timestamps: "YYYY-MM-DDTHH:MM:SS.uuuuuu+0000", UTC.
 *
 * Civil date from a day count by the era/day-of-era arithmetic of the
 * proleptic Gregorian calendar (no gmtime_r, no locale, no TZ lookups), so
 * it is cheap enough to call per event. Years past 9999 would not fit the
 * fixed width and are clamped to 9999-12-31T23:59:59.999999.
 */
#include "output/eve_time.h"

#include <string.h>

enum {
    EVE_TIME_US_PER_S = 1000000,
    EVE_TIME_S_PER_DAY = 86400,
    EVE_TIME_DAYS_PER_ERA = 146097, /* 400 Gregorian years */
    EVE_TIME_ERA_SHIFT = 719468,    /* days from 0000-03-01 to 1970-01-01 */
};

/* 9999-12-31T23:59:59.999999 */
static const uint64_t eve_time_max_us = UINT64_C(253402300799999999);

static char *eve_time_put(char *p, uint32_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

size_t eve_time_format(uint64_t ts_us, char out[EVE_TIME_LEN])
{
    if (ts_us > eve_time_max_us)
        ts_us = eve_time_max_us;
    uint64_t secs = ts_us / EVE_TIME_US_PER_S;
    uint32_t usec = (uint32_t)(ts_us % EVE_TIME_US_PER_S);
    uint64_t days = secs / EVE_TIME_S_PER_DAY;
    uint32_t sod = (uint32_t)(secs % EVE_TIME_S_PER_DAY);

    /* Years counted from March 1st put the leap day last in the year. */
    uint64_t z = days + EVE_TIME_ERA_SHIFT;
    uint64_t era = z / EVE_TIME_DAYS_PER_ERA;
    uint32_t doe = (uint32_t)(z - era * EVE_TIME_DAYS_PER_ERA);           /* [0, 146096] */
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    uint32_t mp = (5 * doy + 2) / 153;                                    /* March = 0 */
    uint32_t day = doy - (153 * mp + 2) / 5 + 1;
    uint32_t month = mp < 10 ? mp + 3 : mp - 9;
    uint32_t year = (uint32_t)(era * 400 + yoe) + (month <= 2);

    char *p = out;
    p = eve_time_put(p, year, 4);
    *p++ = '-';
    p = eve_time_put(p, month, 2);
    *p++ = '-';
    p = eve_time_put(p, day, 2);
    *p++ = 'T';
    p = eve_time_put(p, sod / 3600, 2);
    *p++ = ':';
    p = eve_time_put(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = eve_time_put(p, sod % 60, 2);
    *p++ = '.';
    p = eve_time_put(p, usec, 6);
    memcpy(p, "+0000", 6); /* with the NUL */
    return (size_t)(p + 5 - out);
}
