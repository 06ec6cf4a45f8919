/* tls_hello.h — ClientHello and ServerHello decoding, reusable outside TCP.
 *
 * Follows RFC 8446 §4.1.2/§4.1.3 (TLS 1.3) and RFC 5246 §7.4.1 (TLS 1.0–1.2
 * share the layout); extensions per RFC 6066 (SNI), RFC 7301 (ALPN),
 * RFC 8422 (groups, point formats), RFC 8446 §4.2 (supported_versions,
 * signature_algorithms, key_share), RFC 5077 (session_ticket), RFC 8701
 * (GREASE). Input is one handshake message body (after the 4-byte handshake
 * header), so QUIC's CRYPTO frames can feed it as well as the TLS record
 * layer. Lists are borrowed views into that body: a struct tls_hello is
 * valid only while the message bytes are. The fingerprints (JA3, JA3S, JA4)
 * that read these views are declared in proto/tls/tls_ja.h, included here.
 * Not a TLS implementation: nothing is validated beyond its framing.
 */
#ifndef HRADBA_PROTO_TLS_TLS_HELLO_H
#define HRADBA_PROTO_TLS_TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    TLS_HELLO_RANDOM_LEN = 32,
    TLS_HELLO_SESSION_ID_MAX = 32, /* RFC 8446 §4.1.2: opaque legacy_session_id<0..32> */
    /* More extensions than this is noted as "too_many_extensions" (they
     * are still decoded: the block is at most 64 KiB). Browsers send ~20. */
    TLS_HELLO_EXTENSIONS_MAX = 256,
};

/* Extension code points used here (IANA "TLS ExtensionType Values"). */
enum tls_ext {
    TLS_EXT_SERVER_NAME = 0x0000,
    TLS_EXT_SUPPORTED_GROUPS = 0x000a,
    TLS_EXT_EC_POINT_FORMATS = 0x000b,
    TLS_EXT_SIGNATURE_ALGORITHMS = 0x000d,
    TLS_EXT_ALPN = 0x0010,
    TLS_EXT_SESSION_TICKET = 0x0023,
    TLS_EXT_PRE_SHARED_KEY = 0x0029,
    TLS_EXT_SUPPORTED_VERSIONS = 0x002b,
    TLS_EXT_KEY_SHARE = 0x0033,
};

/* A borrowed run of bytes inside the hello; p is NULL when absent. */
struct tls_bytes {
    const uint8_t *p;
    size_t len;
};

struct tls_hello {
    bool is_server;
    bool is_hello_retry;           /* ServerHello carrying the HRR random (RFC 8446 §4.1.3) */
    uint16_t legacy_version;       /* client_version / server_version field */
    uint16_t selected_version;     /* ServerHello supported_versions; 0 when absent */
    uint16_t cipher;               /* ServerHello: the chosen suite */
    uint8_t compression;           /* ServerHello: the chosen method */
    struct tls_bytes session_id;   /* 0..32 bytes */
    struct tls_bytes ciphers;      /* ClientHello: big-endian u16 each, even length */
    struct tls_bytes compressions; /* ClientHello: u8 each */
    struct tls_bytes extensions;   /* the whole block: (type u16, len u16, data)* */
    size_t extension_count;        /* including GREASE */
    bool has_extension_block;      /* TLS <= 1.2 hellos may end before it */
    bool has_sni;                  /* the server_name extension is present (JA4 'd') */
    struct tls_bytes sni;          /* first host_name; p NULL if none */
    bool has_alpn;
    struct tls_bytes alpn;          /* protocol_name_list: (len u8, name)*, validated */
    struct tls_bytes groups;        /* supported_groups: u16 each */
    struct tls_bytes point_formats; /* ec_point_formats: u8 each */
    struct tls_bytes sig_algs;      /* signature_algorithms: u16 each, in order */
    struct tls_bytes versions;      /* ClientHello supported_versions: u16 each */
    bool has_session_ticket;        /* session_ticket extension present */
    bool has_ticket_data;           /* ... and non-empty: a ticket is offered for resumption */
    size_t key_share_count;         /* ClientHello key_share entries */
    bool has_psk; /* pre_shared_key present (in a ServerHello: a PSK was accepted) */
    /* The first problem noticed (static lower_snake_case name), or NULL.
     * Set on failure, and also for oddities that do not stop decoding
     * (empty SNI host name, bytes after the extensions). */
    const char *anomaly;
};

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa, in cipher suites, extensions,
 * groups, versions and signature algorithms. */
static inline bool tls_hello_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Decodes a ClientHello body (msg, len). Returns 0 on success, -EINVAL when
 * the framing is broken (out->anomaly says where; fields decoded before the
 * fault stay filled). out borrows msg. */
int tls_client_hello_parse(const uint8_t *msg, size_t len, struct tls_hello *out);

/* Same for a ServerHello body (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3). */
int tls_server_hello_parse(const uint8_t *msg, size_t len, struct tls_hello *out);

/* The version a ClientHello asks for: the highest non-GREASE entry of
 * supported_versions, else legacy_version (as JA4 and Suricata read it).
 * For a ServerHello: selected_version, else legacy_version. */
uint16_t tls_hello_version(const struct tls_hello *h);

/* Calls fn for each ALPN protocol name in h->alpn, in order, at most max
 * times. Names are borrowed and never empty. Returns the number visited. */
size_t tls_hello_alpn_each(const struct tls_hello *h, size_t max,
                           void (*fn)(void *ctx, const uint8_t *name, size_t len), void *ctx);

#include "proto/tls/tls_ja.h"

#endif
