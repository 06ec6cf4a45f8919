/* defrag.c — fragment trackers: hash table, age list, memory cap, overlaps.
 *
 * Follows RFC 791 §3.2 and RFC 8200 §4.5, with RFC 815's hole idea: a
 * datagram is complete when its pieces cover [0, end) and the last fragment
 * (MF/M = 0) fixed end. Not a stack: the reassembled bytes are only read.
 *
 * Overlap policy (docs/decode.md). Receivers disagree on overlapping
 * fragments, which is what evasion tools exploit (Novak, "Target-Based
 * Fragmentation Reassembly", 2005, names the First, Last, BSD, BSD-right,
 * Linux, Windows and Solaris policies). We choose:
 *   IPv4: "First" — bytes already held are never replaced; a later fragment
 *         only fills holes. Every overlap is counted (defrag.overlap), so
 *         detection can flag the attempt whatever the target did.
 *   IPv6: RFC 5722 (and RFC 8200 §4.5): an overlap discards the whole
 *         datagram, as every current IPv6 stack does.
 * An exact repeat (same range, same bytes) is a duplicate, not an overlap
 * (RFC 8200 §4.5 allows dropping it). Limits: memory (defrag_memcap, counted
 * per tracker and piece; the oldest datagrams are evicted to make room),
 * defrag_max_datagrams trackers, defrag_timeout_ms from the first fragment,
 * DEFRAG_MAX_FRAGS pieces per datagram, and the 65535-byte datagram limit.
 * Trackers and pieces are the only allocations on the packet path, all under
 * the cap; freed trackers are kept on a short free list for reuse.
 */
#include "decode/defrag.h"

#include <stdlib.h>
#include <string.h>

#include "decode/decode_counters.h"

enum { DEFRAG_FREE_LIST_MAX = 64, DEFRAG_MIN_BUCKETS = 64, DEFRAG_MAX_BUCKETS = 1 << 16 };

struct defrag_piece {
    struct defrag_piece *next; /* by offset; pieces never overlap */
    uint32_t offset;
    uint32_t len;
    uint8_t data[];
};

struct defrag_tracker {
    struct defrag_tracker *hash_next;
    struct defrag_tracker *older; /* age list, by creation time */
    struct defrag_tracker *newer;
    struct defrag_key key;
    uint32_t hash;
    uint64_t created_us;
    struct defrag_piece *pieces;
    struct defrag_piece *tail; /* last piece: fragments mostly come in order */
    uint32_t piece_count;
    uint32_t held_bytes; /* sum of the pieces' lengths */
    uint32_t end;        /* datagram length, once has_last */
    uint32_t frames;
    uint64_t frame_bytes;
    size_t mem;
    bool has_first;
    bool has_last;
    uint8_t next_header;
};

struct defrag {
    struct defrag_tracker **buckets;
    uint32_t bucket_mask;
    uint32_t seed;
    struct defrag_tracker *oldest;
    struct defrag_tracker *newest;
    struct defrag_tracker *free_list;
    uint32_t free_count;
    uint32_t count;
    uint32_t max_trackers;
    size_t mem_used;
    size_t memcap;
    uint64_t timeout_us;
    uint64_t now_us;
    uint64_t *counters;
};

static void defrag_gauges(struct defrag *df)
{
    df->counters[DC_DEFRAG_TRACKERS] = df->count;
    df->counters[DC_DEFRAG_MEMORY_USED] = df->mem_used;
    if (df->mem_used > df->counters[DC_DEFRAG_MEMORY_MAX])
        df->counters[DC_DEFRAG_MEMORY_MAX] = df->mem_used;
}

struct defrag *defrag_new(const struct decode_config *cfg, uint64_t *counters)
{
    struct defrag *df = calloc(1, sizeof(*df));
    if (!df)
        return NULL;
    df->max_trackers = cfg->defrag_max_datagrams ? cfg->defrag_max_datagrams : 1;
    uint32_t buckets = DEFRAG_MIN_BUCKETS;
    while (buckets < df->max_trackers / 2 && buckets < DEFRAG_MAX_BUCKETS)
        buckets <<= 1;
    df->buckets = calloc(buckets, sizeof(*df->buckets));
    if (!df->buckets) {
        free(df);
        return NULL;
    }
    df->bucket_mask = buckets - 1;
    /* Not secret, but not fixed: spreads crafted ids a little (ASLR). */
    df->seed = (uint32_t)((uintptr_t)df >> 4) * 2654435761u;
    df->memcap = cfg->defrag_memcap;
    df->timeout_us = (uint64_t)cfg->defrag_timeout_ms * 1000;
    df->counters = counters;
    return df;
}

static void defrag_free_pieces(struct defrag_tracker *t)
{
    struct defrag_piece *n = t->pieces;
    while (n) {
        struct defrag_piece *next = n->next;
        free(n);
        n = next;
    }
    t->pieces = NULL;
    t->tail = NULL;
    t->held_bytes = 0;
}

void defrag_free(struct defrag *df)
{
    if (!df)
        return;
    struct defrag_tracker *t = df->oldest;
    while (t) {
        struct defrag_tracker *next = t->newer;
        defrag_free_pieces(t);
        free(t);
        t = next;
    }
    t = df->free_list;
    while (t) {
        struct defrag_tracker *next = t->hash_next;
        free(t);
        t = next;
    }
    free(df->buckets);
    free(df);
}

/* FNV-1a over the key's bytes (our own zeroed struct, not wire data). */
static uint32_t defrag_hash(const struct defrag *df, const struct defrag_key *key)
{
    const uint8_t *b = (const uint8_t *)key;
    uint32_t h = 2166136261u ^ df->seed;
    for (size_t i = 0; i < sizeof(*key); i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

/* Unlinks t, frees its pieces, recycles it; why is the counter to bump
 * (DECODE_COUNTER_COUNT for a completed datagram). */
static void defrag_drop(struct defrag *df, struct defrag_tracker *t, int why)
{
    struct defrag_tracker **link = &df->buckets[t->hash & df->bucket_mask];
    while (*link != t)
        link = &(*link)->hash_next;
    *link = t->hash_next;
    if (t->older)
        t->older->newer = t->newer;
    else
        df->oldest = t->newer;
    if (t->newer)
        t->newer->older = t->older;
    else
        df->newest = t->older;
    defrag_free_pieces(t);
    df->mem_used -= t->mem;
    df->count--;
    if (why != DECODE_COUNTER_COUNT)
        df->counters[why]++;
    if (df->free_count < DEFRAG_FREE_LIST_MAX) {
        t->hash_next = df->free_list;
        df->free_list = t;
        df->free_count++;
    } else {
        free(t);
    }
    defrag_gauges(df);
}

/* Makes room for need more bytes by evicting the oldest datagrams other than
 * keep. False if the cap cannot be met (memcap smaller than one datagram). */
static bool defrag_room(struct defrag *df, size_t need, const struct defrag_tracker *keep)
{
    if (df->mem_used + need <= df->memcap)
        return true;
    df->counters[DC_DEFRAG_MEMCAP_FULL]++;
    struct defrag_tracker *v = df->oldest;
    while (v && df->mem_used + need > df->memcap) {
        struct defrag_tracker *next = v->newer;
        if (v != keep)
            defrag_drop(df, v, DC_DEFRAG_EVICTED);
        v = next;
    }
    return df->mem_used + need <= df->memcap;
}

static struct defrag_tracker *defrag_find(struct defrag *df, const struct defrag_key *key,
                                          uint32_t hash)
{
    struct defrag_tracker *t = df->buckets[hash & df->bucket_mask];
    while (t && (t->hash != hash || memcmp(&t->key, key, sizeof(*key)) != 0))
        t = t->hash_next;
    return t;
}

static struct defrag_tracker *defrag_create(struct defrag *df, const struct defrag_key *key,
                                            uint32_t hash)
{
    if (df->count >= df->max_trackers && df->oldest)
        defrag_drop(df, df->oldest, DC_DEFRAG_TRACKERS_FULL);
    if (!defrag_room(df, sizeof(struct defrag_tracker), NULL))
        return NULL;
    struct defrag_tracker *t = df->free_list;
    if (t) {
        df->free_list = t->hash_next;
        df->free_count--;
    } else if (!(t = malloc(sizeof(*t)))) {
        df->counters[DC_DEFRAG_MEMCAP_FULL]++;
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    memcpy(&t->key, key, sizeof(*key)); /* memcpy keeps the zeroed padding */
    t->hash = hash;
    t->created_us = df->now_us;
    t->mem = sizeof(*t);
    t->hash_next = df->buckets[hash & df->bucket_mask];
    df->buckets[hash & df->bucket_mask] = t;
    t->older = df->newest;
    if (df->newest)
        df->newest->newer = t;
    else
        df->oldest = t;
    df->newest = t;
    df->count++;
    df->mem_used += t->mem;
    defrag_gauges(df);
    return t;
}

/* Walks [f->offset, end) over the sorted pieces. Held bytes win ("First"):
 * only holes are filled. With do_insert false it only measures the holes
 * (*holes, returned bytes); with true it stores them, false on malloc
 * failure (the tracker stays consistent, just missing bytes). */
static bool defrag_fill(struct defrag *df, struct defrag_tracker *t, const struct defrag_frag *f,
                        bool do_insert, uint32_t *holes, size_t *hole_bytes)
{
    uint32_t cur = f->offset;
    uint32_t end = f->offset + f->len;
    struct defrag_piece **link = &t->pieces;
    if (t->tail && cur >= t->tail->offset + t->tail->len)
        link = &t->tail->next; /* in order: nothing to walk */
    while (cur < end) {
        struct defrag_piece *n = *link;
        if (n && n->offset + n->len <= cur) {
            link = &n->next;
            continue;
        }
        uint32_t stop = n && n->offset < end ? n->offset : end;
        if (stop <= cur) { /* cur is inside n: held bytes win */
            cur = n->offset + n->len;
            link = &n->next;
            continue;
        }
        (*holes)++;
        *hole_bytes += stop - cur;
        if (do_insert) {
            struct defrag_piece *piece = malloc(sizeof(*piece) + (stop - cur));
            if (!piece)
                return false;
            piece->offset = cur;
            piece->len = stop - cur;
            memcpy(piece->data, f->data + (cur - f->offset), piece->len);
            piece->next = n;
            *link = piece;
            link = &piece->next;
            if (!n)
                t->tail = piece;
            t->piece_count++;
            t->held_bytes += piece->len;
            t->mem += sizeof(*piece) + piece->len;
            df->mem_used += sizeof(*piece) + piece->len;
        }
        cur = stop;
    }
    return true;
}

/* How f meets what t holds: 0 nothing in common, 1 an exact duplicate,
 * 2 an overlap. *is_bad_end: f contradicts the datagram's end. */
static int defrag_overlap(const struct defrag_tracker *t, const struct defrag_frag *f,
                          bool *is_bad_end)
{
    uint32_t end = f->offset + f->len;
    uint32_t held_end = t->tail ? t->tail->offset + t->tail->len : 0;
    int kind = 0;
    /* In order (past everything held), there is nothing to compare. */
    for (const struct defrag_piece *n = f->offset >= held_end ? NULL : t->pieces; n; n = n->next) {
        uint32_t n_end = n->offset + n->len;
        if (n->offset >= end || n_end <= f->offset)
            continue;
        if (kind == 0 && n->offset == f->offset && n->len == f->len &&
            memcmp(n->data, f->data, f->len) == 0)
            kind = 1;
        else
            kind = 2;
    }
    /* The last fragment fixes the end once; nothing may lie beyond it. */
    if (f->has_more)
        *is_bad_end = t->has_last && end > t->end;
    else
        *is_bad_end = (t->has_last && end != t->end) || held_end > end;
    return kind;
}

static bool defrag_is_complete(const struct defrag_tracker *t)
{
    /* Pieces are disjoint and, once the end is known, all lie before it
     * (defrag_overlap refuses anything beyond): full when they add up. */
    return t->has_first && t->has_last && t->held_bytes == t->end;
}

static void defrag_emit(struct defrag *df, struct defrag_tracker *t, struct defrag_out *out)
{
    for (const struct defrag_piece *n = t->pieces; n; n = n->next)
        memcpy(out->buf + n->offset, n->data, n->len);
    out->len = t->end;
    out->next_header = t->next_header;
    out->frames = t->frames;
    out->frame_bytes = t->frame_bytes;
    df->counters[DC_DEFRAG_REASSEMBLED]++;
    defrag_drop(df, t, DECODE_COUNTER_COUNT);
}

/* Checks a fragment on its own: non-empty, inside the datagram limit, and a
 * multiple of 8 bytes unless last (RFC 791 §3.2, RFC 8200 §4.5). */
static bool defrag_frag_ok(struct defrag *df, const struct defrag_frag *f)
{
    int why = -1;
    if (f->len == 0)
        why = DC_DEFRAG_EMPTY;
    else if (f->offset + (uint64_t)f->len > f->max_end)
        why = DC_DEFRAG_OVERSIZE;
    else if (f->has_more && f->len % 8 != 0)
        why = DC_DEFRAG_BAD_FRAG_LEN;
    if (why < 0)
        return true;
    df->counters[why]++;
    return false;
}

/* Stores f into t under the policy; false when t was dropped or f refused. */
static bool defrag_store(struct defrag *df, struct defrag_tracker *t, const struct defrag_frag *f)
{
    bool is_bad_end = false;
    int kind = defrag_overlap(t, f, &is_bad_end);
    if (is_bad_end) {
        df->counters[DC_DEFRAG_BAD_END]++;
        return false;
    }
    if (kind == 1) {
        df->counters[DC_DEFRAG_DUPLICATE]++;
    } else if (kind == 2) {
        df->counters[DC_DEFRAG_OVERLAP]++;
        if (t->key.ip_version == 6) {
            defrag_drop(df, t, DECODE_COUNTER_COUNT);
            return false;
        }
    }
    uint32_t holes = 0;
    size_t hole_bytes = 0;
    defrag_fill(df, t, f, false, &holes, &hole_bytes);
    if (t->piece_count + holes > DEFRAG_MAX_FRAGS) {
        defrag_drop(df, t, DC_DEFRAG_TOO_MANY_FRAGS);
        return false;
    }
    if (!defrag_room(df, holes * sizeof(struct defrag_piece) + hole_bytes, t)) {
        defrag_drop(df, t, DECODE_COUNTER_COUNT); /* counted by defrag_room */
        return false;
    }
    if (!defrag_fill(df, t, f, true, &holes, &hole_bytes)) {
        defrag_drop(df, t, DC_DEFRAG_MEMCAP_FULL); /* malloc failed: as good as full */
        return false;
    }
    if (!f->has_more) {
        t->has_last = true;
        t->end = f->offset + f->len;
    }
    if (f->offset == 0 && !t->has_first) {
        t->has_first = true;
        t->next_header = f->next_header;
    }
    t->frames += f->frames;
    t->frame_bytes += f->frame_bytes;
    defrag_gauges(df);
    return true;
}

enum defrag_result defrag_add(struct defrag *df, const struct defrag_key *key,
                              const struct defrag_frag *f, struct defrag_out *out)
{
    if (f->ts_us > df->now_us)
        df->now_us = f->ts_us;
    if (!defrag_frag_ok(df, f))
        return DEFRAG_DROPPED;
    uint32_t hash = defrag_hash(df, key);
    struct defrag_tracker *t = defrag_find(df, key, hash);
    if (t && df->now_us - t->created_us >= df->timeout_us) {
        defrag_drop(df, t, DC_DEFRAG_TIMEOUT);
        t = NULL;
    }
    if (!t && !(t = defrag_create(df, key, hash)))
        return DEFRAG_DROPPED;
    if (!defrag_store(df, t, f))
        return DEFRAG_DROPPED;
    if (!defrag_is_complete(t))
        return DEFRAG_HELD;
    defrag_emit(df, t, out);
    return DEFRAG_DONE;
}

void defrag_expire(struct defrag *df, uint64_t now_us)
{
    if (now_us > df->now_us)
        df->now_us = now_us;
    while (df->oldest && df->now_us - df->oldest->created_us >= df->timeout_us)
        defrag_drop(df, df->oldest, DC_DEFRAG_TIMEOUT);
}
