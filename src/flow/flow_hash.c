/* flow_hash.c — flow keys and the table's seeded symmetric hash.
 *
 * The mixer is a keyed 64x64->128-bit multiply folded to 64 bits (the
 * construction of wyhash-style hashes), three rounds over a 48-byte canonical
 * key. Not a MAC: it resists blind hash flooding, not an attacker who can
 * read the seed or time lookups finely enough to recover it.
 */
#include "flow/flow_hash.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

__extension__ typedef unsigned __int128 flow_u128;

static inline uint64_t flow_hash_mum(uint64_t a, uint64_t b)
{
    flow_u128 r = (flow_u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t flow_hash_load64(const uint8_t *p)
{
    return flow_key_ld64(p);
}

static uint64_t flow_hash_splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void flow_hash_seed_init(struct flow_hash_seed *s)
{
    size_t got = 0;
    while (got < sizeof(s->k)) {
        ssize_t n = getrandom((uint8_t *)s->k + got, sizeof(s->k) - got, GRND_NONBLOCK);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got == sizeof(s->k))
        return;
    /* No kernel entropy (very early boot, seccomp, old kernel): a seed the
     * attacker must still guess beats a constant one. */
    struct timespec ts = {0};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t st = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)s;
    for (size_t i = 0; i < sizeof(s->k) / sizeof(s->k[0]); i++)
        s->k[i] ^= flow_hash_splitmix(&st);
}

void flow_key_from_packet(const struct packet *p, struct flow_key *k)
{
    memset(k, 0, sizeof(*k));
    memcpy(k->addr[0], p->src_ip, sizeof(k->addr[0]));
    memcpy(k->addr[1], p->dst_ip, sizeof(k->addr[1]));
    if (p->flags & (PACKET_HAS_TCP | PACKET_HAS_UDP)) {
        k->port[0] = p->src_port;
        k->port[1] = p->dst_port;
    }
    uint8_t n = p->vlan_count <= PACKET_MAX_VLAN ? p->vlan_count : PACKET_MAX_VLAN;
    for (uint8_t i = 0; i < n; i++)
        k->vlan_id[i] = p->vlan_id[i];
    k->vlan_count = n;
    k->ip_version = p->ip_version;
    k->proto = p->ip_proto;
}

void flow_key_reverse(const struct flow_key *k, struct flow_key *rev)
{
    *rev = *k;
    memcpy(rev->addr[0], k->addr[1], sizeof(rev->addr[0]));
    memcpy(rev->addr[1], k->addr[0], sizeof(rev->addr[1]));
    rev->port[0] = k->port[1];
    rev->port[1] = k->port[0];
}

uint64_t flow_hash_key(const struct flow_hash_seed *s, const struct flow_key *k)
{
    /* Order the endpoints so a key and its reverse hash the same. Any total
     * order does: compare native-endian words, cheaper than memcmp. */
    uint64_t a0 = flow_hash_load64(k->addr[0]), a1 = flow_hash_load64(k->addr[0] + 8);
    uint64_t b0 = flow_hash_load64(k->addr[1]), b1 = flow_hash_load64(k->addr[1] + 8);
    bool first_is_lo = a0 != b0 ? a0 < b0 : a1 != b1 ? a1 < b1 : k->port[0] <= k->port[1];
    unsigned lo = first_is_lo ? 0 : 1;
    unsigned hi = lo ^ 1u;

    uint64_t misc = (uint64_t)k->port[lo] << 48 | (uint64_t)k->port[hi] << 32 |
                    (uint64_t)k->proto << 24 | (uint64_t)k->ip_version << 16 |
                    (uint64_t)k->vlan_count;
    uint64_t vlan =
        (uint64_t)k->vlan_id[0] | (uint64_t)k->vlan_id[1] << 16 | (uint64_t)k->vlan_id[2] << 32;

    uint64_t h = flow_hash_mum(flow_hash_load64(k->addr[lo]) ^ s->k[0],
                               flow_hash_load64(k->addr[lo] + 8) ^ s->k[1]);
    h = flow_hash_mum(h ^ flow_hash_load64(k->addr[hi]) ^ s->k[2],
                      flow_hash_load64(k->addr[hi] + 8) ^ s->k[3]);
    h = flow_hash_mum(h ^ misc ^ s->k[4], vlan ^ s->k[5]);
    return h;
}
