/* fuzz_stream.c — libFuzzer target for TCP reassembly (src/stream/).
 *
 * The input is a script over two flows sharing one pool. Byte 0 picks the
 * caps (depth_held, memcap) so that both are hit often; then 8-byte records:
 *   [0] bit0 direction, bit1 flow, bit2 corrupt payload, bit3 far (+2^31),
 *       bits4-7 op: 0-11 segment, 12 stop, 13 flush, 14 release+init, 15 ack
 *   [1] TCP flags   [2-3] stream offset   [4-5] length % 4100   [6-7] ack offset
 * Payload bytes come from a fixed pattern at their stream offset (inverted
 * when corrupt), so every delivered byte must be the pattern byte or its
 * inverse at the offset the sink believes it is at: a byte delivered twice,
 * out of order, or miscounted shifts the offsets and breaks the check.
 * Memory must stay under the cap and return to zero on release.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "stream/tcp_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FS_MAX_LEN = 4100, FS_CHUNK = 2048 };

static const uint32_t fs_isn[2] = {0xfffff000u, 0x7ffffff0u}; /* one wraps 2^32 */

struct fs_flow {
    struct tcp_stream s;
    uint32_t pos[2]; /* stream offset (from ISN+1) of the next byte out */
    int has_base[2];
    int is_syn_base[2]; /* the base came from a SYN, not from midstream data */
};

static uint8_t fs_pat(unsigned dir, uint32_t off)
{
    return (uint8_t)(((off * 2654435761u) >> 13) ^ (dir ? 0x5a : 0));
}

static void fs_data(void *ctx, enum flow_dir dir, const uint8_t *p, size_t len)
{
    struct fs_flow *f = ctx;
    unsigned d = (unsigned)dir;
    if (d > 1 || !p || len == 0 || len > (1u << 30) || !f->has_base[d])
        abort();
    for (size_t i = 0; i < len; i++) {
        uint8_t want = fs_pat(d, f->pos[d] + (uint32_t)i);
        uint8_t inverse = (uint8_t)(want ^ 0xffu);
        if (p[i] != want && p[i] != inverse)
            abort();
    }
    f->pos[d] += (uint32_t)len;
}

static void fs_gap(void *ctx, enum flow_dir dir, uint64_t len)
{
    struct fs_flow *f = ctx;
    unsigned d = (unsigned)dir;
    if (d > 1 || len == 0 || len > (1u << 30) || !f->has_base[d])
        abort();
    f->pos[d] += (uint32_t)len;
}

static uint64_t fs_counter(const struct tcp_stream_pool *pool, const char *name)
{
    struct counter_view v = tcp_stream_counters(pool);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    abort();
}

static void fs_reset(struct fs_flow *f)
{
    memset(f, 0, sizeof(*f));
    tcp_stream_init(&f->s);
}

/* One segment; mirrors where the stream takes its base (SYN, else the first
 * payload) so the sink knows the offset of the first byte delivered. */
static void fs_segment(struct tcp_stream_pool *pool, struct fs_flow *f, unsigned dir, unsigned ctl,
                       uint8_t flags, uint32_t off, uint32_t len, uint32_t ackoff)
{
    static uint8_t buf[FS_MAX_LEN];
    if (flags & 0x02) /* SYN: seq is the ISN, data starts at offset 0 */
        off = 0;
    else if (ctl & 0x08)
        off += 0x80000000u;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t b = fs_pat(dir, off + i);
        buf[i] = (ctl & 0x04) ? (uint8_t)(b ^ 0xffu) : b;
    }
    /* A SYN-ACK must acknowledge the other side's ISN or the data after it
     * (at most 64 KiB back from what was delivered): else it is passed over. */
    unsigned o = dir ^ 1u;
    if ((flags & 0x12) == 0x12 && f->has_base[o] && f->is_syn_base[o] &&
        (uint32_t)(f->pos[o] - ackoff) > 0xffffu)
        return;
    if (!(flags & 0x04) && !f->has_base[dir] && ((flags & 0x02) || len > 0)) {
        f->has_base[dir] = 1;
        f->is_syn_base[dir] = (flags & 0x02) != 0;
        f->pos[dir] = off;
    }
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.flags = PACKET_HAS_TCP;
    p.tcp_flags = flags;
    p.tcp_seq = (flags & 0x02) ? fs_isn[dir] : fs_isn[dir] + 1 + off;
    p.tcp_ack = fs_isn[dir ^ 1] + 1 + ackoff;
    p.payload = len ? buf : NULL;
    p.payload_len = len;
    struct tcp_stream_sink sink = {fs_data, fs_gap, f};
    tcp_stream_segment(pool, &f->s, (enum flow_dir)dir, &p, &sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c = cursor_make(data, size);
    uint8_t caps = cursor_u8(&c);
    struct tcp_stream_config cfg;
    tcp_stream_config_default(&cfg);
    cfg.depth_held = (uint32_t)(caps & 0x0f) * 1024u + 1u;
    cfg.memcap = (size_t)((caps >> 4) + 1u) * FS_CHUNK;
    struct tcp_stream_pool *pool = tcp_stream_pool_new(&cfg);
    if (!pool)
        return 0;
    struct fs_flow flows[2];
    fs_reset(&flows[0]);
    fs_reset(&flows[1]);
    while (cursor_left(&c) >= 8) {
        unsigned ctl = cursor_u8(&c);
        uint8_t flags = cursor_u8(&c);
        uint32_t off = cursor_be16(&c);
        uint32_t len = cursor_be16(&c) % FS_MAX_LEN;
        uint32_t ackoff = cursor_be16(&c);
        unsigned dir = ctl & 1u, op = ctl >> 4;
        struct fs_flow *f = &flows[(ctl >> 1) & 1u];
        struct tcp_stream_sink sink = {fs_data, fs_gap, f};
        if (op < 12) {
            fs_segment(pool, f, dir, ctl, flags, off, len, ackoff);
        } else if (op == 12) {
            tcp_stream_stop(pool, &f->s, (enum flow_dir)dir);
        } else if (op == 13) {
            tcp_stream_flush(pool, &f->s, &sink);
        } else if (op == 14) {
            tcp_stream_release(pool, &f->s);
            fs_reset(f);
        } else {
            fs_segment(pool, f, dir, ctl, 0x10, off, 0, ackoff + ((ctl & 0x08) ? 0x40000000u : 0));
        }
        if (fs_counter(pool, "memory.used") > cfg.memcap)
            abort();
    }
    tcp_stream_flush(pool, &flows[0].s, &(struct tcp_stream_sink){fs_data, fs_gap, &flows[0]});
    tcp_stream_release(pool, &flows[0].s);
    tcp_stream_release(pool, &flows[1].s);
    if (fs_counter(pool, "memory.used") != 0 || fs_counter(pool, "memory.max") > cfg.memcap)
        abort();
    tcp_stream_pool_free(pool);
    return 0;
}
