/* upload_baseline.c — hourly upload median and MAD over a ring (upload_baseline.h). */
#include "detect/exfil/upload_baseline.h"

#include <math.h>
#include <stdlib.h>

#define QUANTUM 1024.0

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Median of n sorted values, in quanta (the mean of the middle two when n is even). */
static double sorted_median(const uint16_t *v, size_t n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

void upload_baseline_add(struct upload_baseline *b, uint64_t bytes)
{
    double q = round(log1p((double)bytes) * QUANTUM); /* at most 44.4 * 1024 < 65536 */
    b->ring[b->next] = (uint16_t)q;
    b->next = (uint16_t)((b->next + 1) % UPLOAD_BASELINE_HOURS);
    if (b->len < UPLOAD_BASELINE_HOURS)
        b->len++;
    if (b->hours_total < UINT32_MAX)
        b->hours_total++;

    /* Twice sorting 168 values once per host-hour is cheaper than keeping
     * an order-statistics structure in the saved record. */
    uint16_t v[UPLOAD_BASELINE_HOURS];
    for (size_t i = 0; i < b->len; i++)
        v[i] = b->ring[i];
    qsort(v, b->len, sizeof(v[0]), cmp_u16);
    double median = sorted_median(v, b->len);
    for (size_t i = 0; i < b->len; i++)
        v[i] = (uint16_t)lround(fabs(v[i] - median));
    qsort(v, b->len, sizeof(v[0]), cmp_u16);
    b->median_ln = (float)(median / QUANTUM);
    b->mad_ln = (float)(sorted_median(v, b->len) / QUANTUM);
}
