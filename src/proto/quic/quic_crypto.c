/* quic_crypto.c — CRYPTO stream reassembly (RFC 9000 §19.6).
 *
 * A bitmap marks the bytes present, so arrival order, overlaps and
 * retransmissions cost nothing special: every frame costs O(its length),
 * and advancing the contiguous prefix is amortised O(cap) over the stream.
 * 10,000 one-byte frames are 10,000 cheap calls, not a list to walk.
 */
#include "proto/quic/quic_crypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

void quic_crypto_init(struct quic_crypto_stream *s)
{
    memset(s, 0, sizeof(*s));
}

void quic_crypto_fini(struct quic_crypto_stream *s)
{
    free(s->buf);
    quic_crypto_init(s);
}

size_t quic_crypto_mem(const struct quic_crypto_stream *s)
{
    return s->buf ? s->cap + s->cap / 8 : 0;
}

static uint8_t *quic_crypto_bits(const struct quic_crypto_stream *s)
{
    return s->buf + s->cap;
}

/* Grows to hold `need` bytes: at most 3 doublings from 2 KiB to 16 KiB. */
static int quic_crypto_reserve(struct quic_crypto_stream *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : QUIC_CRYPTO_MIN_ALLOC;
    while (cap < need)
        cap *= 2;
    if (cap > QUIC_CRYPTO_MAX)
        cap = QUIC_CRYPTO_MAX;
    uint8_t *buf = calloc(1, cap + cap / 8);
    if (!buf)
        return -ENOMEM;
    if (s->buf) {
        memcpy(buf, s->buf, s->cap);
        memcpy(buf + cap, quic_crypto_bits(s), s->cap / 8);
        free(s->buf);
    }
    s->buf = buf;
    s->cap = cap;
    return 0;
}

static bool quic_crypto_has(const struct quic_crypto_stream *s, size_t i)
{
    return (quic_crypto_bits(s)[i / 8] >> (i % 8)) & 1;
}

int quic_crypto_add(struct quic_crypto_stream *s, uint64_t offset, const uint8_t *data, size_t len)
{
    if (offset > QUIC_CRYPTO_MAX || len > QUIC_CRYPTO_MAX - offset)
        return -E2BIG;
    s->frame_count++;
    if (len == 0)
        return 0;
    size_t off = (size_t)offset;
    int rc = quic_crypto_reserve(s, off + len);
    if (rc != 0)
        return rc;
    memcpy(s->buf + off, data, len);
    uint8_t *bits = quic_crypto_bits(s);
    size_t i = off, end = off + len;
    for (; i < end && i % 8 != 0; i++)
        bits[i / 8] |= (uint8_t)(1u << (i % 8));
    if (end - i >= 8) { /* whole bytes of the bitmap at once */
        memset(bits + i / 8, 0xff, (end - i) / 8);
        i += (end - i) / 8 * 8;
    }
    for (; i < end; i++)
        bits[i / 8] |= (uint8_t)(1u << (i % 8));
    while (s->contiguous < s->cap && quic_crypto_has(s, s->contiguous))
        s->contiguous++;
    return 0;
}

int quic_crypto_message(const struct quic_crypto_stream *s, uint8_t *type, const uint8_t **body,
                        size_t *body_len)
{
    struct cursor c = cursor_make(s->buf, s->contiguous);
    *type = cursor_u8(&c);
    size_t len = cursor_be24(&c);
    if (!cursor_ok(&c))
        return 0;
    if (len > QUIC_CRYPTO_MAX - QUIC_HANDSHAKE_HEADER_LEN)
        return -E2BIG;
    const uint8_t *b = cursor_bytes(&c, len);
    if (!b)
        return 0;
    *body = b;
    *body_len = len;
    return 1;
}
