/* tls_framing.c — TLS record layer and handshake reassembly (tls_framing.h).
 *
 * RFC 8446 §5.1, RFC 5246 §6.2.1, RFC 6101 §5.2.1 and appendix E. A whole
 * handshake message inside one chunk is handed over in place; one that
 * spans records or segments is copied into a buffer that grows with what
 * arrived (never with what a length field claims) up to
 * TLS_FRAMING_MESSAGE_MAX. Every wire read goes through a cursor.
 */
#include "proto/tls/tls_framing.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

/* Buffers up to this size are kept for the next message. */
enum { TLS_FRAMING_KEEP_MAX = 4096, TLS_FRAMING_GROW_MIN = 1024 };

void tls_framing_init(struct tls_framing *fr, bool allow_sslv2)
{
    memset(fr, 0, sizeof(*fr));
    fr->allow_sslv2 = allow_sslv2;
}

void tls_framing_fini(struct tls_framing *fr)
{
    free(fr->msg);
    fr->msg = NULL;
    fr->msg_cap = 0;
}

bool tls_framing_is_partial(const struct tls_framing *fr)
{
    return fr->hdr_len > 0 || fr->record_left > 0 || fr->hs_hdr_len > 0 || fr->msg_skip > 0;
}

size_t tls_framing_mem(const struct tls_framing *fr)
{
    return fr->msg_cap;
}

static size_t tls_min(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Room for `want` body bytes: doubles, at least GROW_MIN, at most msg_need. */
static int tls_framing_reserve(struct tls_framing *fr, size_t want)
{
    if (want <= fr->msg_cap)
        return 0;
    size_t cap = fr->msg_cap * 2;
    if (cap < TLS_FRAMING_GROW_MIN)
        cap = TLS_FRAMING_GROW_MIN;
    if (cap < want)
        cap = want;
    if (cap > fr->msg_need)
        cap = fr->msg_need;
    uint8_t *p = realloc(fr->msg, cap);
    if (!p)
        return -1;
    fr->msg = p;
    fr->msg_cap = cap;
    return 0;
}

/* The message is complete: hand it over and get ready for the next one. */
static int tls_framing_deliver(struct tls_framing *fr, unsigned type, const uint8_t *body,
                               size_t len, const struct tls_framing_sink *sink)
{
    static const uint8_t empty[1];
    int rc = sink->message(sink->ctx, type, body ? body : empty, len);
    fr->hs_hdr_len = 0;
    fr->msg_len = 0;
    fr->msg_need = 0;
    if (fr->msg_cap > TLS_FRAMING_KEEP_MAX)
        tls_framing_fini(fr);
    return rc;
}

/* Handshake bytes (the body of a handshake record, in pieces). */
static int tls_framing_handshake(struct tls_framing *fr, struct cursor *c,
                                 const struct tls_framing_sink *sink)
{
    while (cursor_left(c) > 0) {
        if (fr->msg_skip > 0) {
            size_t n = tls_min(fr->msg_skip, cursor_left(c));
            cursor_skip(c, n);
            fr->msg_skip -= n;
            continue;
        }
        if (fr->hs_hdr_len < 4) {
            if (fr->hs_hdr_len == 0 && cursor_left(c) >= 4) {
                /* Fast path: the whole message is here; no copy. */
                uint8_t type = 0;
                (void)cursor_peek_u8(c, 0, &type);
                struct cursor h = *c;
                (void)cursor_u8(&h);
                uint32_t n = cursor_be24(&h);
                if (n <= TLS_FRAMING_MESSAGE_MAX && n <= cursor_left(&h)) {
                    cursor_skip(c, 4);
                    const uint8_t *body = cursor_bytes(c, n);
                    fr->hs_hdr_len = 4;
                    int rc = tls_framing_deliver(fr, type, body, n, sink);
                    if (rc != 0)
                        return rc;
                    continue;
                }
            }
            size_t n = tls_min(4u - fr->hs_hdr_len, cursor_left(c));
            cursor_copy(c, fr->hs_hdr + fr->hs_hdr_len, n);
            fr->hs_hdr_len = (uint8_t)(fr->hs_hdr_len + n);
            if (fr->hs_hdr_len < 4)
                return 0;
            struct cursor h = cursor_make(fr->hs_hdr, 4);
            fr->hs_type = cursor_u8(&h);
            fr->msg_need = cursor_be24(&h);
            fr->msg_len = 0;
            if (fr->msg_need > TLS_FRAMING_MESSAGE_MAX) {
                sink->anomaly(sink->ctx, "handshake_too_long");
                fr->msg_skip = fr->msg_need;
                fr->hs_hdr_len = 0;
                fr->msg_need = 0;
                continue;
            }
            if (fr->msg_need == 0) {
                int rc = tls_framing_deliver(fr, fr->hs_type, NULL, 0, sink);
                if (rc != 0)
                    return rc;
            }
            continue;
        }
        size_t n = tls_min(fr->msg_need - fr->msg_len, cursor_left(c));
        if (tls_framing_reserve(fr, fr->msg_len + n) != 0) {
            sink->anomaly(sink->ctx, "out_of_memory");
            return -1;
        }
        cursor_copy(c, fr->msg + fr->msg_len, n);
        fr->msg_len += n;
        if (fr->msg_len == fr->msg_need) {
            int rc = tls_framing_deliver(fr, fr->hs_type, fr->msg, fr->msg_len, sink);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* RFC 6101 appendix E / RFC 5246 appendix E.2: a two-byte SSLv2 record
 * header (high bit set, 15-bit length) whose body starts with
 * msg_type 1 (CLIENT-HELLO). The body is reassembled like a handshake
 * message and delivered as TLS_HS_SSLV2_CLIENT_HELLO. */
static int tls_framing_sslv2(struct tls_framing *fr, struct cursor *c,
                             const struct tls_framing_sink *sink)
{
    uint8_t b0 = 0, b1 = 0, b2 = 0;
    if (!cursor_peek_u8(c, 0, &b0) || !(b0 & 0x80))
        return 0;
    if (!cursor_peek_u8(c, 1, &b1) || !cursor_peek_u8(c, 2, &b2))
        return 0; /* too short to tell: read as TLS, which will fail */
    size_t len = (size_t)(b0 & 0x7f) << 8 | b1;
    if (b2 != TLS_HS_CLIENT_HELLO || len < 9) {
        sink->anomaly(sink->ctx, "invalid_sslv2_header");
        return -1;
    }
    cursor_skip(c, 2);
    fr->record_count++;
    fr->content_type = TLS_CONTENT_HANDSHAKE;
    fr->record_left = len;
    fr->hs_hdr_len = 4;
    fr->hs_type = TLS_HS_SSLV2_CLIENT_HELLO;
    fr->msg_need = len;
    fr->msg_len = 0;
    return 0;
}

/* A complete record header in fr->hdr. */
static int tls_framing_header(struct tls_framing *fr, const struct tls_framing_sink *sink)
{
    struct cursor h = cursor_make(fr->hdr, sizeof(fr->hdr));
    uint8_t type = cursor_u8(&h);
    uint16_t version = cursor_be16(&h);
    uint16_t len = cursor_be16(&h);
    fr->hdr_len = 0;
    if (type < TLS_CONTENT_CHANGE_CIPHER_SPEC || type > TLS_CONTENT_HEARTBEAT) {
        sink->anomaly(sink->ctx, "invalid_record_type");
        return -1;
    }
    if ((version >> 8) != 3 || (version & 0xff) > 4) {
        sink->anomaly(sink->ctx, "invalid_record_version");
        return -1;
    }
    if (len > TLS_FRAMING_RECORD_MAX) {
        sink->anomaly(sink->ctx, "record_too_long");
        return -1;
    }
    if (++fr->record_count > TLS_FRAMING_RECORDS_MAX) {
        sink->anomaly(sink->ctx, "too_many_records");
        return -1;
    }
    fr->content_type = type;
    fr->record_version = version;
    fr->record_left = len;
    if (type == TLS_CONTENT_HANDSHAKE)
        return 0;
    /* RFC 8446 §5.1: handshake messages are not interleaved with other
     * record types. */
    if (fr->hs_hdr_len > 0 || fr->msg_skip > 0) {
        sink->anomaly(sink->ctx, "handshake_interleaved");
        return -1;
    }
    return sink->record(sink->ctx, type, version, len);
}

int tls_framing_feed(struct tls_framing *fr, const uint8_t *data, size_t len,
                     const struct tls_framing_sink *sink)
{
    struct cursor c = cursor_make(data, len);
    if (!fr->is_started && len > 0) {
        fr->is_started = true;
        if (fr->allow_sslv2 && tls_framing_sslv2(fr, &c, sink) != 0)
            return -1;
    }
    while (cursor_left(&c) > 0) {
        if (fr->record_left == 0) {
            size_t n = tls_min(sizeof(fr->hdr) - fr->hdr_len, cursor_left(&c));
            cursor_copy(&c, fr->hdr + fr->hdr_len, n);
            fr->hdr_len = (uint8_t)(fr->hdr_len + n);
            if (fr->hdr_len < sizeof(fr->hdr))
                return 0;
            int rc = tls_framing_header(fr, sink);
            if (rc != 0)
                return rc;
            continue;
        }
        struct cursor body = cursor_split(&c, tls_min(fr->record_left, cursor_left(&c)));
        fr->record_left -= cursor_left(&body);
        if (fr->content_type != TLS_CONTENT_HANDSHAKE)
            continue;
        int rc = tls_framing_handshake(fr, &body, sink);
        if (rc != 0)
            return rc;
    }
    return 0;
}
