/* quic_record.h — one QUIC connection's handshake as handed to app_out
 * (APP_RECORD_QUIC).
 *
 * One record per connection: the version of its long headers, the client's
 * ClientHello (read from the Initial packets' CRYPTO frames) with its JA3
 * and JA4 ('q'), and the server's ServerHello when its Initial was seen.
 * The hellos are borrowed views (proto/tls/tls_hello.h) into the parser's
 * buffers and, like the whole record, valid only during the emit call.
 * Not the connection's later life: 1-RTT packets stay opaque.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_RECORD_H
#define HRADBA_PROTO_QUIC_QUIC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/tls/tls_hello.h"

enum {
    QUIC_JA3_STR_MAX = 1024, /* JA3 string kept (the hash covers the whole string) */
    QUIC_UA_MAX = 256,       /* bytes of the google_user_agent transport parameter kept */
};

struct quic_record {
    uint32_t version; /* of the first long header seen; 0 for none */
    bool has_version;
    const struct tls_hello *client_hello; /* NULL when no whole ClientHello was read */
    const struct tls_hello *server_hello; /* NULL when no ServerHello was read */
    bool has_ja3;
    char ja3_hash[TLS_JA3_HASH_LEN + 1];
    char ja3_string[QUIC_JA3_STR_MAX];
    bool has_ja3s;
    char ja3s_hash[TLS_JA3_HASH_LEN + 1];
    char ja3s_string[QUIC_JA3_STR_MAX];
    bool has_ja4;
    char ja4[TLS_JA4_LEN + 1];
    size_t ua_len; /* 0: absent */
    const uint8_t *ua;
    bool has_retry;               /* the server sent a Retry */
    bool has_version_negotiation; /* the server sent a Version Negotiation */
};

#endif
