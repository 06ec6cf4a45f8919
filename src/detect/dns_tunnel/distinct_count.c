/* distinct_count.c — HyperLogLog with 128 4-bit registers (distinct_count.h).
 *
 * The harmonic sum of the registers is kept as it changes, in units of
 * 2^-15 (exact, as no rank exceeds 15), so an estimate costs no walk over
 * the registers: the detector asks after every query.
 */
#include "detect/dns_tunnel/distinct_count.h"

#include <math.h>

#define INDEX_BITS 7 /* log2(DISTINCT_COUNT_REGISTERS) */
#define RANK_MAX 15  /* what 4 bits hold */

static unsigned reg_get(const struct distinct_count *dc, unsigned i)
{
    return (dc->reg[i / 2] >> ((i % 2) * 4)) & 0x0f;
}

static void reg_set(struct distinct_count *dc, unsigned i, unsigned v)
{
    unsigned shift = (i % 2) * 4;
    dc->reg[i / 2] = (uint8_t)((dc->reg[i / 2] & ~(0x0fu << shift)) | (v << shift));
}

bool distinct_count_add(struct distinct_count *dc, uint64_t h)
{
    unsigned i = (unsigned)(h >> (64 - INDEX_BITS));
    uint64_t rest = h << INDEX_BITS; /* the other 57 bits, at the top */
    unsigned rank = 1;
    while (rank < RANK_MAX && !(rest & (1ull << 63))) {
        rest <<= 1;
        rank++;
    }
    unsigned old = reg_get(dc, i);
    if (rank <= old)
        return false;
    reg_set(dc, i, rank);
    dc->filled += (1u << (RANK_MAX - old)) - (1u << (RANK_MAX - rank));
    if (old == 0)
        dc->used++;
    return true;
}

double distinct_count_estimate(const struct distinct_count *dc)
{
    const double m = DISTINCT_COUNT_REGISTERS;
    if (dc->used == 0)
        return 0.0;
    double sum = m - ldexp((double)dc->filled, -RANK_MAX); /* sum of 2^-rank */
    double least = m * ldexp(1.0, -RANK_MAX);              /* every register full */
    if (sum < least)                                       /* only a damaged record */
        sum = least;
    double alpha = 0.7213 / (1.0 + 1.079 / m);
    double e = alpha * m * m / sum;
    unsigned empty = dc->used >= DISTINCT_COUNT_REGISTERS ? 0 : DISTINCT_COUNT_REGISTERS - dc->used;
    if (e <= 2.5 * m && empty > 0)
        e = m * log(m / empty); /* linear counting */
    return e;
}
