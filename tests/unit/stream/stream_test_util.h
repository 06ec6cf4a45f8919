/* stream_test_util.h — a recording sink and hand-made TCP segments for the
 * reassembly tests. Header-only, test-only. The recorder lays each
 * direction's output at its stream offset: delivered bytes, and gap bytes
 * marked as such, so a test compares against the original byte for byte. */
#ifndef HRADBA_TESTS_STREAM_TEST_UTIL_H
#define HRADBA_TESTS_STREAM_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/tcp_stream.h"

struct rec_dir {
    uint8_t *buf;    /* delivered bytes at their offsets */
    uint8_t *is_gap; /* 1 where a gap was reported */
    size_t len, cap;
    unsigned data_calls, gap_calls;
    uint64_t gap_bytes;
    const uint8_t *last_ptr; /* last data pointer handed out */
};

struct rec {
    struct rec_dir d[2];
    /* Optional: stop a direction from inside the callback after this many
     * delivered bytes (tests that tcp_stream_stop is safe re-entrantly). */
    struct tcp_stream_pool *pool;
    struct tcp_stream *s;
    size_t stop_after[2];
    int is_bad; /* a callback got impossible arguments */
};

static inline void rec_grow(struct rec_dir *r, size_t need)
{
    if (need <= r->cap)
        return;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < need)
        cap *= 2;
    r->buf = realloc(r->buf, cap);
    r->is_gap = realloc(r->is_gap, cap);
    if (!r->buf || !r->is_gap)
        abort();
    r->cap = cap;
}

static inline void rec_data(void *ctx, enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct rec *rc = ctx;
    if ((unsigned)dir > 1 || len == 0 || !data) {
        rc->is_bad = 1;
        return;
    }
    struct rec_dir *r = &rc->d[dir];
    rec_grow(r, r->len + len);
    memcpy(r->buf + r->len, data, len);
    memset(r->is_gap + r->len, 0, len);
    r->len += len;
    r->data_calls++;
    r->last_ptr = data;
    if (rc->stop_after[dir] && r->len >= rc->stop_after[dir])
        tcp_stream_stop(rc->pool, rc->s, dir);
}

static inline void rec_gap(void *ctx, enum flow_dir dir, uint64_t len)
{
    struct rec *rc = ctx;
    if ((unsigned)dir > 1 || len == 0 || len > (1u << 30)) {
        rc->is_bad = 1;
        return;
    }
    struct rec_dir *r = &rc->d[dir];
    rec_grow(r, r->len + len);
    memset(r->buf + r->len, 0, len);
    memset(r->is_gap + r->len, 1, len);
    r->len += len;
    r->gap_calls++;
    r->gap_bytes += len;
}

static inline void rec_free(struct rec *rc)
{
    for (int i = 0; i < 2; i++) {
        free(rc->d[i].buf);
        free(rc->d[i].is_gap);
    }
    memset(rc, 0, sizeof(*rc));
}

static inline struct packet test_seg(uint32_t seq, uint8_t flags, uint32_t ack, const void *data,
                                     uint32_t len)
{
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.flags = PACKET_HAS_TCP;
    p.ip_proto = 6;
    p.tcp_seq = seq;
    p.tcp_ack = ack;
    p.tcp_flags = flags;
    p.payload = data;
    p.payload_len = len;
    return p;
}

#endif
