/* flow_table.c — the per-worker flow table: lookup, creation, accounting.
 *
 * Chained hash table over a fixed pool of flows, both sized once from the
 * memory cap; the packet path never allocates. When the pool is empty the
 * least recently active flow is ended early ("forced"). Key building and
 * hashing live in flow_hash.c, the TCP state machine in flow_tcp.c, idle
 * timeouts in flow_timeout.c. Not thread-safe: one table per worker.
 */
#include "flow/flow_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "flow/flow_hash.h"
#include "flow/flow_tcp.h"
#include "flow/flow_timeout.h"

#define FLOW_TABLE_COUNTERS(X)                                                                     \
    X(FLOW_C_CREATED, "flows.created")                                                             \
    X(FLOW_C_ENDED, "flows.ended")                                                                 \
    X(FLOW_C_TIMEOUT, "flows.timeout")                                                             \
    X(FLOW_C_EVICTED, "flows.evicted")                                                             \
    X(FLOW_C_TCP_REUSE, "flows.tcp_reuse")                                                         \
    X(FLOW_C_SHUTDOWN, "flows.shutdown")                                                           \
    X(FLOW_C_ACTIVE, "flows.active")                                                               \
    X(FLOW_C_ACTIVE_MAX, "flows.active_max")                                                       \
    X(FLOW_C_CAPACITY, "flows.capacity")                                                           \
    X(FLOW_C_MEM_USED, "memory.used")                                                              \
    X(FLOW_C_MEM_MAX, "memory.max")                                                                \
    X(FLOW_C_PACKETS, "packets.flow")                                                              \
    X(FLOW_C_NO_FLOW, "packets.no_flow")                                                           \
    X(FLOW_C_TS_BACKWARDS, "packets.ts_backwards")                                                 \
    X(FLOW_C_REWOUND, "flows.clock_rewound")

enum flow_table_counter { FLOW_TABLE_COUNTERS(COUNTER_ENUM) FLOW_C_COUNT };
static const char *const flow_table_counter_names[] = {FLOW_TABLE_COUNTERS(COUNTER_NAME)};

/* Keep the hot struct compact: growing it costs every flow in the pool. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct flow) <= 160,
               "struct flow grew past 160 bytes");

/* flow_id: sequence (worker id in the top 12 of 53 bits) through a bijection
 * of [0, 2^53), so ids are unique, deterministic, and exact in JSON. */
enum { FLOW_ID_BITS = 53, FLOW_ID_SEQ_BITS = 41 };

struct flow_table {
    struct flow **buckets;
    size_t bucket_mask;
    struct flow *pool;
    size_t pool_count;
    size_t buckets_len, pool_len; /* bytes mapped */
    size_t pool_next;             /* pool[pool_next..] never used yet: pages stay untouched */
    struct flow *free;            /* returned flows, linked through hnext */
    struct flow_hash_seed seed;
    struct flow_timeout timeout;
    uint64_t clock_us; /* latest packet or advance time seen */
    uint64_t id_seq;
    uint64_t id_base;
    flow_end_fn on_end;
    void *ctx;
    uint64_t c[FLOW_C_COUNT];
};

void flow_config_default(struct flow_config *cfg)
{
    *cfg = (struct flow_config){
        .memcap = (size_t)128 << 20,
        .tcp_new_timeout_s = 60,
        .tcp_est_timeout_s = 600,
        .tcp_closed_timeout_s = 60,
        .udp_new_timeout_s = 30,
        .udp_est_timeout_s = 300,
        .other_new_timeout_s = 30,
        .other_est_timeout_s = 300,
        .worker_id = 0,
    };
}

static uint64_t flow_table_next_id(struct flow_table *t)
{
    const uint64_t mask = (UINT64_C(1) << FLOW_ID_BITS) - 1;
    uint64_t x = (t->id_base | (++t->id_seq & ((UINT64_C(1) << FLOW_ID_SEQ_BITS) - 1))) & mask;
    /* xorshift and odd multipliers are each invertible modulo 2^53. */
    x ^= x >> 26;
    x = (x * UINT64_C(0x9e3779b97f4a7c15)) & mask;
    x ^= x >> 29;
    x = (x * UINT64_C(0xbf58476d1ce4e5b9)) & mask;
    x ^= x >> 31;
    return x;
}

static size_t flow_table_pow2_ceil(size_t n)
{
    size_t p = 1;
    while (p < n && p <= SIZE_MAX / 2)
        p <<= 1;
    return p;
}

static void flow_table_mem_update(struct flow_table *t)
{
    t->c[FLOW_C_MEM_USED] =
        (t->bucket_mask + 1) * sizeof(struct flow *) + t->c[FLOW_C_ACTIVE] * sizeof(struct flow);
}

static void *flow_table_map(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void flow_table_unmap(void *p, size_t len)
{
    if (p)
        munmap(p, len);
}

struct flow_table *flow_table_new(const struct flow_config *cfg, flow_end_fn on_end, void *ctx)
{
    /* Size: as many flows as fit with at least one bucket per flow (load
     * factor <= 1 keeps chains short without storing hashes in flows). */
    size_t per_flow = sizeof(struct flow) + sizeof(struct flow *);
    size_t n = cfg->memcap / per_flow;
    size_t nbuckets = flow_table_pow2_ceil(n ? n : 1);
    size_t bucket_bytes = nbuckets * sizeof(struct flow *);
    n = cfg->memcap > bucket_bytes ? (cfg->memcap - bucket_bytes) / sizeof(struct flow) : 0;
    if (n == 0 || cfg->worker_id >= (1u << (FLOW_ID_BITS - FLOW_ID_SEQ_BITS))) {
        errno = EINVAL;
        return NULL;
    }

    struct flow_table *t = calloc(1, sizeof(*t));
    if (!t)
        goto fail;
    /* Anonymous mappings are zero pages until first written: resident
     * memory grows with the flows actually used, not with the cap, whatever
     * the allocator's settings. */
    t->buckets_len = nbuckets * sizeof(*t->buckets);
    t->pool_len = n * sizeof(*t->pool);
    t->buckets = flow_table_map(t->buckets_len);
    t->pool = flow_table_map(t->pool_len);
    if (!t->buckets || !t->pool)
        goto fail;
    t->bucket_mask = nbuckets - 1;
    t->pool_count = n;
    t->on_end = on_end;
    t->ctx = ctx;
    t->id_base = (uint64_t)cfg->worker_id << FLOW_ID_SEQ_BITS;
    flow_hash_seed_init(&t->seed);
    flow_timeout_init(&t->timeout, cfg);
    t->c[FLOW_C_CAPACITY] = n;
    t->c[FLOW_C_MEM_MAX] = cfg->memcap;
    flow_table_mem_update(t);
    return t;

fail:
    if (t) {
        flow_table_unmap(t->buckets, t->buckets_len);
        flow_table_unmap(t->pool, t->pool_len);
        free(t);
    }
    errno = ENOMEM;
    return NULL;
}

static void flow_table_unhash(struct flow_table *t, struct flow *f)
{
    size_t b = flow_hash_key(&t->seed, &f->key) & t->bucket_mask;
    for (struct flow **pp = &t->buckets[b]; *pp; pp = &(*pp)->hnext) {
        if (*pp == f) {
            *pp = f->hnext;
            break;
        }
    }
    f->hnext = NULL;
}

/* Ends f: unlinks it, reports it, returns its memory to the pool. */
static void flow_table_end(struct flow_table *t, struct flow *f, enum flow_end_reason why)
{
    f->end_reason = (uint8_t)why;
    flow_timeout_remove(&t->timeout, f);
    flow_table_unhash(t, f);
    if (t->on_end)
        t->on_end(t->ctx, f);
    f->hnext = t->free;
    t->free = f;
    t->c[FLOW_C_ENDED]++;
    t->c[FLOW_C_ACTIVE]--;
    flow_table_mem_update(t);
}

static struct flow *flow_table_alloc(struct flow_table *t)
{
    if (!t->free && t->pool_next < t->pool_count) {
        struct flow *f = &t->pool[t->pool_next++];
        f->hnext = NULL;
        t->free = f;
    }
    if (!t->free) {
        /* Every live flow is on a timeout list, so a full pool has a victim. */
        struct flow *victim = flow_timeout_oldest(&t->timeout);
        if (!victim)
            return NULL;
        t->c[FLOW_C_EVICTED]++;
        flow_table_end(t, victim, FLOW_END_FORCED);
    }
    struct flow *f = t->free;
    t->free = f->hnext;
    memset(f, 0, sizeof(*f));
    f->list_id = FLOW_CLASS_NONE;
    return f;
}

static struct flow *flow_table_create(struct flow_table *t, const struct packet *p,
                                      const struct flow_key *k, uint64_t hash, enum flow_dir *dir)
{
    struct flow *f = flow_table_alloc(t);
    if (!f)
        return NULL;
    bool from_server = p->ip_proto == 6 && flow_tcp_first_from_server(p);
    if (from_server)
        flow_key_reverse(k, &f->key);
    else
        f->key = *k;
    *dir = from_server ? FLOW_TOCLIENT : FLOW_TOSERVER;
    f->flow_id = flow_table_next_id(t);
    f->start_us = p->ts_us;
    f->last_us = p->ts_us;
    f->state = FLOW_STATE_NEW;
    size_t b = hash & t->bucket_mask;
    f->hnext = t->buckets[b];
    t->buckets[b] = f;
    t->c[FLOW_C_CREATED]++;
    if (++t->c[FLOW_C_ACTIVE] > t->c[FLOW_C_ACTIVE_MAX])
        t->c[FLOW_C_ACTIVE_MAX] = t->c[FLOW_C_ACTIVE];
    flow_table_mem_update(t);
    return f;
}

static struct flow *flow_table_find(const struct flow_table *t, uint64_t hash,
                                    const struct flow_key *k, enum flow_dir *dir)
{
    for (struct flow *f = t->buckets[hash & t->bucket_mask]; f; f = f->hnext) {
        if (flow_key_eq(&f->key, k)) {
            *dir = FLOW_TOSERVER;
            return f;
        }
        if (flow_key_eq_reversed(&f->key, k)) {
            *dir = FLOW_TOCLIENT;
            return f;
        }
    }
    return NULL;
}

/* Ends a found flow the packet cannot belong to: idle past its timeout
 * (flow_table_advance was not called in time) or a reused TCP port pair. */
static bool flow_table_ended_by(struct flow_table *t, struct flow *f, const struct packet *p)
{
    if (flow_timeout_is_expired(&t->timeout, f, p->ts_us)) {
        t->c[FLOW_C_TIMEOUT]++;
        flow_table_end(t, f, FLOW_END_TIMEOUT);
        return true;
    }
    if (f->key.proto == 6 && flow_tcp_is_reuse(f, p)) {
        t->c[FLOW_C_TCP_REUSE]++;
        flow_table_end(t, f, FLOW_END_FORCED);
        return true;
    }
    return false;
}

static void flow_table_account(struct flow_table *t, struct flow *f, enum flow_dir d,
                               const struct packet *p, bool is_new)
{
    /* A reassembled datagram counts every frame that carried it. */
    uint64_t prev_last_us = f->last_us;
    bool has_frames = p->frame_count != 0;
    f->pkts[d] += has_frames ? p->frame_count : 1;
    f->bytes[d] += has_frames ? p->frame_bytes : p->wirelen;
    if (p->ts_us > f->last_us)
        f->last_us = p->ts_us; /* never backwards: end >= start, ages >= 0 */

    if ((p->flags & PACKET_HAS_ICMP) && !f->has_icmp[d]) {
        f->has_icmp[d] = true;
        f->icmp_type[d] = p->icmp_type;
        f->icmp_code[d] = p->icmp_code;
    }
    if (f->key.proto == 6) {
        if (is_new)
            flow_tcp_begin(f, d, p);
        else
            flow_tcp_update(f, d, p);
    } else if (f->pkts[FLOW_TOCLIENT] && f->state == FLOW_STATE_NEW) {
        f->state = FLOW_STATE_ESTABLISHED;
    }
    flow_timeout_touch(&t->timeout, f, prev_last_us);
    t->c[FLOW_C_PACKETS]++;
}

struct flow *flow_table_packet(struct flow_table *t, const struct packet *p, enum flow_dir *dir)
{
    if (p->ip_version != 4 && p->ip_version != 6) {
        t->c[FLOW_C_NO_FLOW]++;
        return NULL;
    }
    if (p->ts_us >= t->clock_us)
        t->clock_us = p->ts_us;
    else
        t->c[FLOW_C_TS_BACKWARDS]++;

    struct flow_key k;
    flow_key_from_packet(p, &k);
    uint64_t hash = flow_hash_key(&t->seed, &k);
    enum flow_dir d = FLOW_TOSERVER;
    struct flow *f = flow_table_find(t, hash, &k, &d);
    if (f && flow_table_ended_by(t, f, p))
        f = NULL;
    bool is_new = !f;
    if (is_new) {
        f = flow_table_create(t, p, &k, hash, &d);
        if (!f) {
            t->c[FLOW_C_NO_FLOW]++;
            return NULL;
        }
    }
    flow_table_account(t, f, d, p, is_new);
    if (dir)
        *dir = d;
    return f;
}

void flow_table_advance(struct flow_table *t, uint64_t now_us)
{
    /* Time only moves forward here: an earlier now (merged captures) must
     * not resurrect nor expire anything. */
    if (now_us > t->clock_us)
        t->clock_us = now_us;
    struct flow *f;
    while ((f = flow_timeout_next_due(&t->timeout, t->clock_us))) {
        t->c[FLOW_C_TIMEOUT]++;
        flow_table_end(t, f, FLOW_END_TIMEOUT);
    }
}

void flow_table_rewind(struct flow_table *t, uint64_t now_us)
{
    struct flow *f;
    while ((f = flow_timeout_oldest(&t->timeout))) {
        t->c[FLOW_C_TIMEOUT]++;
        t->c[FLOW_C_REWOUND]++;
        flow_table_end(t, f, FLOW_END_TIMEOUT);
    }
    t->clock_us = now_us;
}

void flow_table_flush(struct flow_table *t)
{
    /* Oldest activity first, so shutdown output order depends on the
     * input alone, not on the random hash seed. */
    struct flow *f;
    while ((f = flow_timeout_oldest(&t->timeout))) {
        t->c[FLOW_C_SHUTDOWN]++;
        flow_table_end(t, f, FLOW_END_SHUTDOWN);
    }
}

void flow_table_free(struct flow_table *t)
{
    if (!t)
        return;
    flow_table_flush(t);
    flow_table_unmap(t->buckets, t->buckets_len);
    flow_table_unmap(t->pool, t->pool_len);
    free(t);
}

struct counter_view flow_table_counters(const struct flow_table *t)
{
    return (struct counter_view){
        .section = "flow",
        .names = flow_table_counter_names,
        .values = t->c,
        .count = FLOW_C_COUNT,
    };
}
