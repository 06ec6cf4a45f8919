/* distinct_count.h — a 72-byte estimate of how many distinct items were seen.
 *
 * HyperLogLog (Flajolet, Fusy, Gandouet, Meunier 2007, "HyperLogLog: the
 * analysis of a near-optimal cardinality estimation algorithm") with 128
 * registers of 4 bits, and linear counting below 2.5 × 128 as the paper and
 * Heule et al. 2013 ("HyperLogLog in practice") recommend for small counts.
 * Standard error 1.04/√128 ≈ 9 % above ~320 items; below that linear
 * counting is within a few percent. 4-bit registers saturate near 4 million
 * distinct items, far beyond any threshold here. Plain bytes, zero-filled
 * means empty, so it lives inside bhv_table records and is saved with them.
 * Not exact and not a set: it cannot say whether one item was seen.
 */
#ifndef HRADBA_DETECT_DNS_TUNNEL_DISTINCT_COUNT_H
#define HRADBA_DETECT_DNS_TUNNEL_DISTINCT_COUNT_H

#include <stdbool.h>
#include <stdint.h>

enum { DISTINCT_COUNT_REGISTERS = 128 };

struct distinct_count {
    uint8_t reg[DISTINCT_COUNT_REGISTERS / 2]; /* two 4-bit registers a byte */
    uint32_t filled; /* sum over registers of 2^15 - 2^(15-rank): exact, 0 when empty */
    uint16_t used;   /* registers above zero */
    uint16_t pad;
};

/* Adds the item whose 64-bit hash is h (a keyed hash, so nobody who picks
 * the items can pick the registers). Returns whether a register grew —
 * true for most new items while the count is small. */
bool distinct_count_add(struct distinct_count *dc, uint64_t h);

/* The estimate; 0 for an empty (zero-filled) record. */
double distinct_count_estimate(const struct distinct_count *dc);

#endif
