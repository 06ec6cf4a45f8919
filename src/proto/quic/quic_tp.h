/* quic_tp.h — QUIC transport parameters inside a ClientHello.
 *
 * RFC 9001 §8.2 carries them in the TLS extension quic_transport_parameters
 * (0x39; drafts used 0xffa5), RFC 9000 §18 lays them out as (id varint,
 * length varint, value)*. Only lookups by id; nothing is validated beyond
 * the framing. Not the transport's view of them: values are opaque bytes.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_TP_H
#define HRADBA_PROTO_QUIC_QUIC_TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/tls/tls_hello.h"

enum {
    QUIC_TLS_EXT_TRANSPORT_PARAMETERS = 0x0039,
    QUIC_TLS_EXT_TRANSPORT_PARAMETERS_DRAFT = 0xffa5,
    QUIC_TP_GOOGLE_USER_AGENT = 0x3129, /* Chromium's user agent id */
};

/* Finds transport parameter id in the hello's extension block. Returns
 * true and a borrowed view of its value, or false when absent or when the
 * framing up to it is broken. */
bool quic_tp_find(const struct tls_hello *h, uint64_t id, const uint8_t **value, size_t *len);

#endif
