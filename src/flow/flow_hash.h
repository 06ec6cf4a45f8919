/* flow_hash.h — flow keys from packets, and the table's seeded hash over them.
 *
 * Internal to src/flow/. The hash is symmetric (a key and its reverse hash
 * alike) so both directions of a flow land in one bucket, and keyed by a
 * random per-table seed so an attacker who cannot see the seed cannot aim
 * many flows at one bucket. It is fast, not cryptographic.
 */
#ifndef HRADBA_FLOW_FLOW_HASH_H
#define HRADBA_FLOW_FLOW_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/packet.h"
#include "flow/flow.h"

struct flow_hash_seed {
    uint64_t k[6];
};

/* Fills s from getrandom(2); falls back to clock and address entropy when
 * the kernel has none to give (never fails). */
void flow_hash_seed_init(struct flow_hash_seed *s);

/* The key of p with its sender as client (unused VLAN slots zeroed). Ports
 * are kept only for TCP and UDP packets whose header was decoded; every
 * other protocol keys on addresses alone. */
void flow_key_from_packet(const struct packet *p, struct flow_key *k);

/* rev = k with client and server swapped. */
void flow_key_reverse(const struct flow_key *k, struct flow_key *rev);

/* Word-wise compares: these run for every hash-chain entry a packet meets,
 * and a libc memcmp call per entry was a quarter of the lookup time. They
 * read fields, never padding, so keys copied by assignment compare too. */
static inline uint64_t flow_key_ld64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint32_t flow_key_ld32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* vlan_id[3], vlan_count and ip_version are 8 consecutive bytes. */
_Static_assert(offsetof(struct flow_key, ip_version) + 1 - offsetof(struct flow_key, vlan_id) == 8,
               "flow_key layout: vlan ids, vlan count and ip version must be contiguous");

static inline uint64_t flow_key_tail_diff(const struct flow_key *a, const struct flow_key *b)
{
    return (flow_key_ld64(a->vlan_id) ^ flow_key_ld64(b->vlan_id)) |
           (uint64_t)(a->proto ^ b->proto);
}

/* Whether a and b are the same key, client and server in the same roles. */
static inline bool flow_key_eq(const struct flow_key *a, const struct flow_key *b)
{
    uint64_t d = (flow_key_ld64(a->addr[0]) ^ flow_key_ld64(b->addr[0])) |
                 (flow_key_ld64(a->addr[0] + 8) ^ flow_key_ld64(b->addr[0] + 8)) |
                 (flow_key_ld64(a->addr[1]) ^ flow_key_ld64(b->addr[1])) |
                 (flow_key_ld64(a->addr[1] + 8) ^ flow_key_ld64(b->addr[1] + 8)) |
                 (uint64_t)(flow_key_ld32(a->port) ^ flow_key_ld32(b->port));
    return (d | flow_key_tail_diff(a, b)) == 0;
}

/* Whether b is a with client and server swapped. */
static inline bool flow_key_eq_reversed(const struct flow_key *a, const struct flow_key *b)
{
    uint64_t d = (flow_key_ld64(a->addr[0]) ^ flow_key_ld64(b->addr[1])) |
                 (flow_key_ld64(a->addr[0] + 8) ^ flow_key_ld64(b->addr[1] + 8)) |
                 (flow_key_ld64(a->addr[1]) ^ flow_key_ld64(b->addr[0])) |
                 (flow_key_ld64(a->addr[1] + 8) ^ flow_key_ld64(b->addr[0] + 8)) |
                 (uint64_t)(a->port[0] ^ b->port[1]) | (uint64_t)(a->port[1] ^ b->port[0]);
    return (d | flow_key_tail_diff(a, b)) == 0;
}

/* Same value for k and its reverse. */
uint64_t flow_hash_key(const struct flow_hash_seed *s, const struct flow_key *k);

#endif
