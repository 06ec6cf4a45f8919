/* distinct_sketch.h — small fixed-size sketches for "how many different"
 * and "seen before", over caller-owned byte arrays so they can live inside
 * a saved bhv_table record.
 *
 * - Linear counting (Whang, Vander-Zanden and Taylor, ACM TODS 1990): one
 *   bit per hash; n ≈ -m ln(zero bits / m). Accurate to a few percent up to
 *   about m distinct items; saturates near m ln m.
 * - A two-generation Bloom filter (Bloom 1970, three probes by double
 *   hashing after Kirsch and Mitzenmacher 2006): "seen" means in either
 *   generation; when the current one has taken rotate_at items it becomes
 *   the old one and a fresh one starts, so memory follows recent items
 *   instead of filling up.
 * Hashes are SipHash-2-4 under a fixed key: the sketches are saved with the
 * state, so the hash must not change between runs. Not for adversarial
 * exactness: a chosen collision only makes a count a little low.
 */
#ifndef HRADBA_DETECT_HOST_MODEL_DISTINCT_SKETCH_H
#define HRADBA_DETECT_HOST_MODEL_DISTINCT_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t distinct_sketch_hash(const void *data, size_t len);

/* Linear counting over bits[nbytes]. */
void distinct_sketch_add(uint8_t *bits, size_t nbytes, uint64_t hash);
double distinct_sketch_count(const uint8_t *bits, size_t nbytes);

/* Whether hash was in cur or old (each nbytes), then remembers it in cur,
 * rotating first when *count has reached rotate_at. */
bool distinct_sketch_remember(uint8_t *cur, uint8_t *old, size_t nbytes, uint16_t *count,
                              uint16_t rotate_at, uint64_t hash);

#endif
