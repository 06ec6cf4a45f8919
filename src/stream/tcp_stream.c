/* tcp_stream.c — TCP reassembly: each direction's bytes in sequence order.
 *
 * Follows the sequence space of RFC 9293 §3.4 (comparisons modulo 2^32, SYN
 * and FIN each occupy one number). In-order payload goes to the sink straight
 * from the packet; out-of-order payload is copied into pool chunks
 * (tcp_seg_pool.c), held sorted and disjoint, first copy wins. Not a TCP
 * state machine (flow_tcp.c is) and not a validator of checksums or windows.
 * The policies are described in docs/stream.md.
 */
#include "stream/tcp_stream.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "stream/tcp_seg_pool.h"

#define TCP_STREAM_COUNTERS(X)                                                                     \
    X(TS_C_SEGMENTS, "segments")                                                                   \
    X(TS_C_IN_ORDER, "segments.in_order")                                                          \
    X(TS_C_OUT_OF_ORDER, "segments.out_of_order")                                                  \
    X(TS_C_RETRANS, "retransmissions")                                                             \
    X(TS_C_OVERLAPS, "overlaps")                                                                   \
    X(TS_C_OVERLAPS_DIFF, "overlaps.different")                                                    \
    X(TS_C_GAPS, "gaps")                                                                           \
    X(TS_C_GAP_BYTES, "gap_bytes")                                                                 \
    X(TS_C_DEPTH, "depth_reached")                                                                 \
    X(TS_C_MEMCAP, "memcap_reached")                                                               \
    X(TS_C_AFTER_FIN, "after_fin")                                                                 \
    X(TS_C_AFTER_RST, "after_rst")                                                                 \
    X(TS_C_RST_IGNORED, "rst_ignored")                                                             \
    X(TS_C_OUT_OF_WINDOW, "out_of_window")                                                         \
    X(TS_C_MIDSTREAM, "midstream")                                                                 \
    X(TS_C_SYNACK_IGNORED, "synack_ignored")                                                       \
    X(TS_C_MEM_USED, "memory.used")                                                                \
    X(TS_C_MEM_MAX, "memory.max")                                                                  \
    X(TS_C_MEM_RESERVED, "memory.reserved")

enum tcp_stream_counter { TCP_STREAM_COUNTERS(COUNTER_ENUM) TS_C_COUNT };
static const char *const tcp_stream_counter_names[] = {TCP_STREAM_COUNTERS(COUNTER_NAME)};

/* tcp_stream_dir.flags */
enum {
    TS_HAS_BASE = 1u << 0,   /* next_seq is set (SYN or first data) */
    TS_HAS_FIN = 1u << 1,    /* fin_seq is set */
    TS_IS_STOPPED = 1u << 2, /* tcp_stream_stop: the parser wants nothing more */
    TS_IS_RESET = 1u << 3,   /* a RST ended the connection */
    TS_IS_MIDSTREAM = 1u << 4,
};

/* Garbage bound: an ACK, FIN, RST or segment further than this ahead of the
 * next byte is ignored. 1 GiB is far beyond any real window (RFC 7323 caps
 * a scaled window at 2^30) and well inside the 2^31 comparison horizon. */
#define TS_WINDOW_MAX (UINT32_C(1) << 30)

_Static_assert(sizeof(void *) != 8 || sizeof(struct tcp_stream_dir) <= 24,
               "struct tcp_stream_dir grew past 24 bytes");

struct tcp_stream_pool {
    struct tcp_seg_pool sp;
    uint32_t depth_held;
    uint32_t seg_cap; /* chunks per direction: bounds list walks and memory per flow */
    uint64_t c[TS_C_COUNT];
};

/* What one segment's bytes turned out to be, for the overlap counters. */
struct ts_seen {
    bool has_old;      /* some bytes were already delivered or held */
    bool has_new;      /* some bytes were not */
    bool is_different; /* held bytes differed from this copy (evasion signal) */
};

/* a < b in sequence space (RFC 9293 §3.4): b lies in the 2^31 after a. */
static inline bool ts_seq_lt(uint32_t a, uint32_t b)
{
    return ((a - b) & UINT32_C(0x80000000)) != 0;
}

static void ts_mem_sync(struct tcp_stream_pool *pool)
{
    pool->c[TS_C_MEM_USED] = (uint64_t)pool->sp.chunks_used * TCP_SEG_CHUNK_SIZE;
    pool->c[TS_C_MEM_MAX] = (uint64_t)pool->sp.chunks_used_max * TCP_SEG_CHUNK_SIZE;
    pool->c[TS_C_MEM_RESERVED] = (uint64_t)pool->sp.chunks_reserved * TCP_SEG_CHUNK_SIZE;
}

static struct tcp_seg *ts_get(struct tcp_stream_pool *pool)
{
    struct tcp_seg *seg = tcp_seg_pool_get(&pool->sp);
    ts_mem_sync(pool);
    return seg;
}

static void ts_put(struct tcp_stream_pool *pool, struct tcp_seg *seg)
{
    tcp_seg_pool_put(&pool->sp, seg);
    ts_mem_sync(pool);
}

static void ts_emit(const struct tcp_stream_sink *sink, unsigned dir, const uint8_t *data,
                    size_t len)
{
    if (len && sink && sink->data)
        sink->data(sink->ctx, (enum flow_dir)dir, data, len);
}

static void ts_gap(struct tcp_stream_pool *pool, const struct tcp_stream_sink *sink, unsigned dir,
                   uint32_t len)
{
    if (len == 0)
        return;
    pool->c[TS_C_GAPS]++;
    pool->c[TS_C_GAP_BYTES] += len;
    if (sink && sink->gap)
        sink->gap(sink->ctx, (enum flow_dir)dir, len);
}

static void ts_free_held(struct tcp_stream_pool *pool, struct tcp_stream_dir *d)
{
    for (unsigned n = d->nsegs; n > 0 && d->segs; n--)
        ts_put(pool, tcp_seg_unlink_first(d));
}

/* Delivers held segments that start at next_seq. A sink may call
 * tcp_stream_stop from its callback, so each segment is unlinked before it is
 * handed out; returns false once the direction is stopped. */
static bool ts_drain(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                     const struct tcp_stream_sink *sink)
{
    for (unsigned n = d->nsegs; n > 0 && !(d->flags & TS_IS_STOPPED); n--) {
        struct tcp_seg *first = tcp_seg_first(d);
        if (!first || first->seq != d->next_seq)
            break;
        tcp_seg_unlink_first(d);
        d->next_seq = tcp_seg_end(first);
        ts_emit(sink, dir, first->data, first->len);
        ts_put(pool, first);
    }
    return !(d->flags & TS_IS_STOPPED);
}

/* Gives up on the bytes before the first held segment: reports them as a
 * gap and delivers onward. The list must not be empty. */
static bool ts_skip_hole(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                         const struct tcp_stream_sink *sink)
{
    struct tcp_seg *first = tcp_seg_first(d);
    ts_gap(pool, sink, dir, first->seq - d->next_seq);
    d->next_seq = first->seq;
    return ts_drain(pool, d, dir, sink);
}

/* In order: the cursor's first byte is next_seq. Packet bytes go out without
 * a copy up to each held segment; where the packet overlaps one, the held
 * copy is delivered (first wins) and the packet's is only compared. Each
 * turn delivers the rest of the packet or consumes one held segment. */
static void ts_deliver(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                       struct cursor *c, const struct tcp_stream_sink *sink, struct ts_seen *seen)
{
    for (unsigned n = d->nsegs + 1u; n > 0; n--) {
        struct tcp_seg *first = tcp_seg_first(d);
        size_t len = cursor_left(c);
        if (first && first->seq - d->next_seq < len)
            len = first->seq - d->next_seq;
        if (len) {
            const uint8_t *b = cursor_bytes(c, len);
            d->next_seq += (uint32_t)len;
            seen->has_new = true;
            ts_emit(sink, dir, b, len);
            if (d->flags & TS_IS_STOPPED)
                return;
        }
        if (!first || first->seq != d->next_seq)
            return;
        size_t ov = cursor_left(c) < first->len ? cursor_left(c) : first->len;
        if (ov) {
            const uint8_t *b = cursor_bytes(c, ov);
            seen->has_old = true;
            if (b && memcmp(b, first->data, ov) != 0)
                seen->is_different = true;
        }
        tcp_seg_unlink_first(d);
        d->next_seq = tcp_seg_end(first);
        ts_emit(sink, dir, first->data, first->len);
        ts_put(pool, first);
        if (d->flags & TS_IS_STOPPED)
            return;
    }
}

/* The held segment that [seq, ...) may overlap first, or NULL; *prev is the
 * last one ending at or before seq (NULL when none). Appending after the
 * tail, the usual case after a loss, takes no walk. */
static struct tcp_seg *ts_find(const struct tcp_stream_dir *d, uint32_t seq, struct tcp_seg **prev)
{
    *prev = NULL;
    if (!d->segs)
        return NULL;
    if (!ts_seq_lt(seq, tcp_seg_end(d->segs))) {
        *prev = d->segs;
        return NULL;
    }
    struct tcp_seg *cur = tcp_seg_first(d);
    for (unsigned n = d->nsegs; cur && n > 0; n--) {
        if (ts_seq_lt(seq, tcp_seg_end(cur)))
            break;
        *prev = cur;
        cur = tcp_seg_next(d, cur);
    }
    return cur;
}

struct ts_need {
    uint32_t bytes; /* bytes not held yet */
    uint32_t holes; /* runs of them */
};

/* Read-only pass over [seq, seq + len): compares bytes already held and
 * counts what holding the rest would take. */
static struct ts_need ts_measure(const struct tcp_stream_dir *d, uint32_t seq, struct cursor c,
                                 struct ts_seen *seen)
{
    struct ts_need need = {0, 0};
    struct tcp_seg *prev;
    struct tcp_seg *cur = ts_find(d, seq, &prev);
    uint32_t pos = seq, end = seq + (uint32_t)cursor_left(&c);
    for (unsigned n = 2u * d->nsegs + 2u; n > 0 && ts_seq_lt(pos, end); n--) {
        if (cur && !ts_seq_lt(pos, cur->seq)) {
            uint32_t stop = ts_seq_lt(end, tcp_seg_end(cur)) ? end : tcp_seg_end(cur);
            const uint8_t *b = cursor_bytes(&c, stop - pos);
            seen->has_old = true;
            if (b && memcmp(b, cur->data + (pos - cur->seq), stop - pos) != 0)
                seen->is_different = true;
            pos = stop;
            cur = tcp_seg_next(d, cur);
            continue;
        }
        uint32_t stop = cur && ts_seq_lt(cur->seq, end) ? cur->seq : end;
        cursor_skip(&c, stop - pos);
        need.bytes += stop - pos;
        need.holes++;
        seen->has_new = true;
        pos = stop;
    }
    return need;
}

/* Copies len bytes at pos into chunks linked after prev, topping up prev
 * first when they continue it. Returns the last chunk written, or NULL when
 * the pool ran dry (what was linked stays: the list is still sorted). */
static struct tcp_seg *ts_fill(struct tcp_stream_pool *pool, struct tcp_stream_dir *d,
                               struct tcp_seg *prev, uint32_t pos, struct cursor *c, uint32_t len)
{
    if (prev && tcp_seg_end(prev) == pos && prev->len < TCP_SEG_DATA_MAX) {
        uint32_t room = (uint32_t)TCP_SEG_DATA_MAX - prev->len;
        uint32_t n = room < len ? room : len;
        const uint8_t *b = cursor_bytes(c, n);
        if (!b)
            return NULL;
        memcpy(prev->data + prev->len, b, n);
        prev->len = (uint16_t)(prev->len + n);
        d->held += n;
        pos += n;
        len -= n;
    }
    for (uint32_t n = len / TCP_SEG_DATA_MAX + 1u; len > 0 && n > 0; n--) {
        uint32_t take = len < TCP_SEG_DATA_MAX ? len : TCP_SEG_DATA_MAX;
        const uint8_t *b = cursor_bytes(c, take);
        struct tcp_seg *seg = b ? ts_get(pool) : NULL;
        if (!seg)
            return NULL;
        seg->seq = pos;
        seg->len = (uint16_t)take;
        memcpy(seg->data, b, take);
        tcp_seg_link_after(d, prev, seg);
        prev = seg;
        pos += take;
        len -= take;
    }
    return prev;
}

/* Holds the bytes of [seq, ...) that no held segment has (first wins).
 * Returns -1 when the pool ran dry midway. */
static int ts_insert(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, uint32_t seq,
                     struct cursor c)
{
    struct tcp_seg *prev;
    struct tcp_seg *cur = ts_find(d, seq, &prev);
    uint32_t pos = seq, end = seq + (uint32_t)cursor_left(&c);
    for (unsigned n = 2u * d->nsegs + 2u; n > 0 && ts_seq_lt(pos, end); n--) {
        if (cur && !ts_seq_lt(pos, cur->seq)) {
            uint32_t stop = ts_seq_lt(end, tcp_seg_end(cur)) ? end : tcp_seg_end(cur);
            cursor_skip(&c, stop - pos);
            pos = stop;
            prev = cur;
            cur = tcp_seg_next(d, cur);
            continue;
        }
        uint32_t stop = cur && ts_seq_lt(cur->seq, end) ? cur->seq : end;
        prev = ts_fill(pool, d, prev, pos, &c, stop - pos);
        if (!prev)
            return -1;
        pos = stop;
    }
    return 0;
}

/* After a forced skip the segment may have become old, partly delivered, or
 * in order: trims what was delivered. Returns true when nothing is left. */
static bool ts_catch_up(struct tcp_stream_dir *d, uint32_t *seq, struct cursor *c)
{
    uint32_t end = *seq + (uint32_t)cursor_left(c);
    if (!ts_seq_lt(d->next_seq, end))
        return true;
    if (ts_seq_lt(*seq, d->next_seq)) {
        cursor_skip(c, d->next_seq - *seq);
        *seq = d->next_seq;
    }
    return false;
}

/* Out of order: hold the new bytes. When the direction's depth or the
 * worker's memcap would be exceeded, the oldest hole is declared a gap and
 * delivery moves on, until the bytes fit or become in order; each turn
 * consumes at least one held segment, or the hole before the packet. */
static void ts_hold(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                    uint32_t seq, struct cursor *c, const struct tcp_stream_sink *sink,
                    struct ts_seen *seen)
{
    struct ts_need need = ts_measure(d, seq, *c, seen);
    bool is_counted = false;
    for (unsigned n = d->nsegs + 2u; n > 0 && need.bytes > 0; n--) {
        size_t chunks = need.bytes / TCP_SEG_DATA_MAX + need.holes;
        bool is_deep =
            (uint64_t)d->held + need.bytes > pool->depth_held || d->nsegs + chunks > pool->seg_cap;
        bool is_full = chunks > tcp_seg_pool_avail(&pool->sp);
        if (!is_deep && !is_full) {
            if (ts_insert(pool, d, seq, *c) != 0)
                pool->c[TS_C_MEMCAP]++; /* a slab malloc failed: the rest is lost */
            return;
        }
        if (!is_counted)
            pool->c[is_deep ? TS_C_DEPTH : TS_C_MEMCAP]++;
        is_counted = true;
        if (d->segs) {
            if (!ts_skip_hole(pool, d, dir, sink))
                return;
        } else {
            ts_gap(pool, sink, dir, seq - d->next_seq);
            d->next_seq = seq;
            if (d->flags & TS_IS_STOPPED)
                return;
        }
        if (ts_catch_up(d, &seq, c))
            return;
        if (seq == d->next_seq) {
            ts_deliver(pool, d, dir, c, sink, seen);
            return;
        }
        struct ts_seen again = {false, false, false};
        need = ts_measure(d, seq, *c, &again);
    }
}

/* Payload of one segment, its first byte at seq. */
static void ts_data(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                    uint32_t seq, struct cursor c, const struct tcp_stream_sink *sink)
{
    if (cursor_left(&c) > TS_WINDOW_MAX) {
        pool->c[TS_C_OUT_OF_WINDOW]++;
        return;
    }
    uint32_t end = seq + (uint32_t)cursor_left(&c);
    if ((d->flags & TS_HAS_FIN) && ts_seq_lt(d->fin_seq, end)) {
        /* Nothing follows a FIN (RFC 9293 §3.10.7.4): a peer would drop it. */
        pool->c[TS_C_AFTER_FIN]++;
        if (!ts_seq_lt(seq, d->fin_seq))
            return;
        c = cursor_make(cursor_ptr(&c), d->fin_seq - seq);
    }
    struct ts_seen seen = {false, false, false};
    if (ts_seq_lt(seq, d->next_seq)) {
        if (ts_catch_up(d, &seq, &c)) {
            pool->c[TS_C_RETRANS]++;
            return;
        }
        seen.has_old = true;
    }
    if (seq - d->next_seq > TS_WINDOW_MAX) {
        pool->c[TS_C_OUT_OF_WINDOW]++;
        return;
    }
    if (seq == d->next_seq) {
        pool->c[TS_C_IN_ORDER]++;
        ts_deliver(pool, d, dir, &c, sink, &seen);
    } else {
        pool->c[TS_C_OUT_OF_ORDER]++;
        ts_hold(pool, d, dir, seq, &c, sink, &seen);
    }
    if (!seen.has_new)
        pool->c[TS_C_RETRANS]++;
    else if (seen.has_old)
        pool->c[TS_C_OVERLAPS]++;
    if (seen.is_different)
        pool->c[TS_C_OVERLAPS_DIFF]++;
}

/* Frees held bytes at or beyond fin, which can never be delivered. */
static void ts_trim(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, uint32_t fin)
{
    if (!d->segs || !ts_seq_lt(fin, tcp_seg_end(d->segs)))
        return;
    pool->c[TS_C_AFTER_FIN]++;
    /* Open the ring and relink the part before fin. */
    struct tcp_seg *seg = tcp_seg_first(d);
    unsigned count = d->nsegs;
    d->segs->next = NULL;
    d->segs = NULL;
    d->nsegs = 0;
    d->held = 0;
    for (; seg && count > 0; count--) {
        struct tcp_seg *next = seg->next;
        if (ts_seq_lt(seg->seq, fin)) {
            if (ts_seq_lt(fin, tcp_seg_end(seg)))
                seg->len = (uint16_t)(fin - seg->seq);
            tcp_seg_link_after(d, d->segs, seg);
        } else {
            ts_put(pool, seg);
        }
        seg = next;
    }
}

/* The first FIN not behind delivered data fixes the end (first wins, like
 * the bytes); a FIN behind next_seq is stale or forged and ignored. */
static void ts_fin(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, uint32_t fin)
{
    if ((d->flags & (TS_HAS_BASE | TS_HAS_FIN)) != TS_HAS_BASE)
        return;
    if (fin - d->next_seq > TS_WINDOW_MAX)
        return;
    d->fin_seq = fin;
    d->flags |= TS_HAS_FIN;
    ts_trim(pool, d, fin);
}

/* The peer acknowledged up to ack (RFC 9293 §3.4: everything before it
 * arrived). Bytes of d below it that we neither delivered nor hold were
 * lost by the capture, not by the network: report them and move on. */
static void ts_ack(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                   uint32_t ack, const struct tcp_stream_sink *sink)
{
    if ((d->flags & (TS_HAS_BASE | TS_IS_STOPPED | TS_IS_RESET)) != TS_HAS_BASE)
        return;
    uint32_t target = ack;
    if ((d->flags & TS_HAS_FIN) && ts_seq_lt(d->fin_seq, target))
        target = d->fin_seq; /* the FIN's own sequence number carries no byte */
    uint32_t ahead = target - d->next_seq;
    if (ahead == 0 || ahead > TS_WINDOW_MAX)
        return;
    for (unsigned n = d->nsegs + 1u; n > 0 && ts_seq_lt(d->next_seq, target); n--) {
        struct tcp_seg *first = tcp_seg_first(d);
        uint32_t stop = first && ts_seq_lt(first->seq, target) ? first->seq : target;
        ts_gap(pool, sink, dir, stop - d->next_seq);
        d->next_seq = stop;
        if (!ts_drain(pool, d, dir, sink))
            return;
    }
}

/* Delivers everything held with gaps between, then the gap up to a FIN. */
static void ts_flush_dir(struct tcp_stream_pool *pool, struct tcp_stream_dir *d, unsigned dir,
                         const struct tcp_stream_sink *sink)
{
    if (d->flags & TS_IS_STOPPED)
        return;
    for (unsigned n = d->nsegs; n > 0 && d->segs; n--)
        if (!ts_skip_hole(pool, d, dir, sink))
            return;
    if ((d->flags & TS_HAS_FIN) && ts_seq_lt(d->next_seq, d->fin_seq)) {
        uint32_t len = d->fin_seq - d->next_seq;
        d->next_seq = d->fin_seq;
        ts_gap(pool, sink, dir, len);
    }
}

/* A RST not behind the sender's delivered data ends both directions: what
 * is held is flushed (capture loss is the usual reason for a hole, and the
 * parsers should see what we saw), then nothing more is accepted. */
static void ts_rst(struct tcp_stream_pool *pool, struct tcp_stream *s, unsigned dir, uint32_t seq,
                   const struct tcp_stream_sink *sink)
{
    const struct tcp_stream_dir *d = &s->dir[dir];
    if ((d->flags & TS_HAS_BASE) && seq - d->next_seq > TS_WINDOW_MAX) {
        pool->c[TS_C_RST_IGNORED]++;
        return;
    }
    for (unsigned i = 0; i < 2; i++) {
        ts_flush_dir(pool, &s->dir[i], i, sink);
        ts_free_held(pool, &s->dir[i]); /* only when the sink stopped it midway */
        s->dir[i].flags |= TS_IS_RESET;
    }
}

/* A SYN-ACK answers the SYN we saw only if it acknowledges the ISN, or the
 * Fast Open data after it (RFC 7413): at most next_seq, at most 64 KiB
 * before it. Another one (a stale connection's, a spoofed one, a mirror
 * mixing two paths) would set the server's sequence space and acknowledge
 * bytes the client never sent: it is passed over. */
static bool ts_synack_fits(const struct tcp_stream_dir *client, uint32_t ack)
{
    if ((client->flags & (TS_HAS_BASE | TS_IS_MIDSTREAM)) != TS_HAS_BASE)
        return true;
    return (uint32_t)(client->next_seq - ack) <= 0xffffu;
}

void tcp_stream_segment(struct tcp_stream_pool *pool, struct tcp_stream *s, enum flow_dir dir,
                        const struct packet *p, const struct tcp_stream_sink *sink)
{
    unsigned di = (unsigned)dir & 1u;
    struct tcp_stream_dir *d = &s->dir[di];
    pool->c[TS_C_SEGMENTS]++;
    if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
        !ts_synack_fits(&s->dir[di ^ 1u], p->tcp_ack)) {
        pool->c[TS_C_SYNACK_IGNORED]++;
        return;
    }
    if (p->tcp_flags & TCP_ACK)
        ts_ack(pool, &s->dir[di ^ 1u], di ^ 1u, p->tcp_ack, sink);
    if (d->flags & TS_IS_STOPPED)
        return;
    if (d->flags & TS_IS_RESET) {
        if (p->payload_len)
            pool->c[TS_C_AFTER_RST]++;
        return;
    }
    if (p->tcp_flags & TCP_RST) {
        /* Data on a RST is diagnostic text, not stream bytes (RFC 9293 §3.5.3). */
        ts_rst(pool, s, di, p->tcp_seq, sink);
        return;
    }
    uint32_t seq = p->tcp_seq;
    if (p->tcp_flags & TCP_SYN) {
        /* The SYN occupies the ISN; Fast Open data (RFC 7413) follows it. */
        seq++;
        if (!(d->flags & TS_HAS_BASE)) {
            d->next_seq = seq;
            d->flags |= TS_HAS_BASE;
        }
    }
    if (p->payload_len && !(d->flags & TS_HAS_BASE)) {
        d->next_seq = seq; /* midstream pickup */
        d->flags |= TS_HAS_BASE | TS_IS_MIDSTREAM;
        pool->c[TS_C_MIDSTREAM]++;
    }
    if (p->tcp_flags & TCP_FIN)
        ts_fin(pool, d, seq + p->payload_len);
    if (p->payload_len)
        ts_data(pool, d, di, seq, cursor_make(p->payload, p->payload_len), sink);
}

void tcp_stream_flush(struct tcp_stream_pool *pool, struct tcp_stream *s,
                      const struct tcp_stream_sink *sink)
{
    for (unsigned i = 0; i < 2; i++) {
        ts_flush_dir(pool, &s->dir[i], i, sink);
        ts_free_held(pool, &s->dir[i]);
    }
}

void tcp_stream_stop(struct tcp_stream_pool *pool, struct tcp_stream *s, enum flow_dir dir)
{
    struct tcp_stream_dir *d = &s->dir[(unsigned)dir & 1u];
    ts_free_held(pool, d);
    d->flags |= TS_IS_STOPPED;
}

void tcp_stream_release(struct tcp_stream_pool *pool, struct tcp_stream *s)
{
    ts_free_held(pool, &s->dir[0]);
    ts_free_held(pool, &s->dir[1]);
}

void tcp_stream_init(struct tcp_stream *s)
{
    memset(s, 0, sizeof(*s));
}

void tcp_stream_config_default(struct tcp_stream_config *cfg)
{
    *cfg = (struct tcp_stream_config){
        .memcap = (size_t)64 << 20,
        .depth_held = UINT32_C(1) << 20,
    };
}

struct tcp_stream_pool *tcp_stream_pool_new(const struct tcp_stream_config *cfg)
{
    struct tcp_stream_config def;
    if (!cfg) {
        tcp_stream_config_default(&def);
        cfg = &def;
    }
    struct tcp_stream_pool *pool = calloc(1, sizeof(*pool));
    if (!pool)
        return NULL;
    tcp_seg_pool_init(&pool->sp, cfg->memcap);
    pool->depth_held = cfg->depth_held;
    /* Twice the chunks the depth needs when full: room for holes between
     * held runs, while a flood of 1-byte segments cannot make one direction
     * pin more than about 2 x depth_held of chunk memory. */
    uint64_t cap = 2u * ((uint64_t)cfg->depth_held / TCP_SEG_DATA_MAX) + 16u;
    pool->seg_cap = cap < UINT16_MAX ? (uint32_t)cap : UINT16_MAX;
    return pool;
}

void tcp_stream_pool_free(struct tcp_stream_pool *pool)
{
    if (!pool)
        return;
    tcp_seg_pool_fini(&pool->sp);
    free(pool);
}

struct counter_view tcp_stream_counters(const struct tcp_stream_pool *pool)
{
    return (struct counter_view){
        .section = "stream",
        .names = tcp_stream_counter_names,
        .values = pool->c,
        .count = TS_C_COUNT,
    };
}
