/* quic_tp.c — transport parameter lookup (RFC 9000 §18, RFC 9001 §8.2).
 *
 * Walks the hello's extension block for the parameters extension, then its
 * (id, length, value) triples; every step moves a cursor forward.
 */
#include "proto/quic/quic_tp.h"

#include "core/cursor.h"
#include "proto/quic/quic_header.h"

static bool quic_tp_search(struct cursor params, uint64_t id, const uint8_t **value, size_t *len)
{
    while (cursor_ok(&params) && cursor_left(&params) > 0) {
        uint64_t pid = quic_varint(&params);
        uint64_t plen = quic_varint(&params);
        if (!cursor_ok(&params) || plen > cursor_left(&params))
            return false;
        const uint8_t *v = cursor_bytes(&params, (size_t)plen);
        if (pid == id) {
            *value = v;
            *len = (size_t)plen;
            return true;
        }
    }
    return false;
}

bool quic_tp_find(const struct tls_hello *h, uint64_t id, const uint8_t **value, size_t *len)
{
    struct cursor c = cursor_make(h->extensions.p, h->extensions.len);
    while (cursor_left(&c) >= 4) {
        uint16_t type = cursor_be16(&c);
        struct cursor ext = cursor_split(&c, cursor_be16(&c));
        if (!cursor_ok(&ext))
            return false;
        if (type == QUIC_TLS_EXT_TRANSPORT_PARAMETERS ||
            type == QUIC_TLS_EXT_TRANSPORT_PARAMETERS_DRAFT)
            return quic_tp_search(ext, id, value, len);
    }
    return false;
}
