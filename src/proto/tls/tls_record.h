/* tls_record.h — one TLS handshake as handed to app_out (APP_RECORD_TLS).
 *
 * What the hellos and the server's first certificate say, decoded and
 * capped: SNI, ALPNs, the negotiated version, JA3/JA3S/JA4, session
 * resumption, and the leaf certificate's fields (TLS <= 1.2 only; TLS 1.3
 * encrypts the Certificate message). Strings are NUL-terminated copies; the
 * record, like every record, is valid only during the emit call. Not a
 * validation result: nothing here says whether the certificate is trusted.
 */
#ifndef HRADBA_PROTO_TLS_TLS_RECORD_H
#define HRADBA_PROTO_TLS_TLS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/tls/tls_ja.h"

/* Caps on what one record holds; longer values are truncated (the JA3
 * hashes are still computed over the whole string). */
enum {
    TLS_SNI_MAX = 256,        /* bytes of host name kept (RFC 6066 allows 2^16-1) */
    TLS_ALPN_COUNT_MAX = 8,   /* protocols kept per side */
    TLS_ALPN_NAME_MAX = 64,   /* bytes of one protocol name kept, NUL included */
    TLS_DN_MAX = 512,         /* a subject or issuer in one line, NUL included */
    TLS_SERIAL_MAX = 3 * 32,  /* 32 serial octets as "XX:" (RFC 5280 allows 20) */
    TLS_FINGERPRINT_LEN = 59, /* SHA-1 as colon-separated hex, without NUL */
    TLS_TIME_LEN = 19,        /* "2019-01-01T00:00:00", without NUL */
    TLS_SAN_COUNT_MAX = 32,   /* dNSName entries kept */
    TLS_SAN_TEXT_MAX = 2048,  /* their bytes together, NULs included */
    TLS_JA3S_STR_MAX = 512,
};

/* The leaf certificate (the first of the server's chain). */
struct tls_cert_info {
    char subject[TLS_DN_MAX]; /* "C=US, O=Example, CN=www.example.com" */
    char issuerdn[TLS_DN_MAX];
    char serial[TLS_SERIAL_MAX];               /* "00:A1:..." upper-case DER content octets */
    char fingerprint[TLS_FINGERPRINT_LEN + 1]; /* "ab:cd:..." SHA-1 of the DER */
    char notbefore[TLS_TIME_LEN + 1];          /* UTC, "YYYY-MM-DDTHH:MM:SS" */
    char notafter[TLS_TIME_LEN + 1];
    bool has_times;
    size_t san_count;
    const char *san[TLS_SAN_COUNT_MAX];  /* into san_text, NUL-terminated */
    uint16_t san_len[TLS_SAN_COUNT_MAX]; /* bytes, as a name may hold a NUL */
    char san_text[TLS_SAN_TEXT_MAX];
    size_t chain_count; /* certificates in the message, leaf included */
};

struct tls_record {
    bool has_client_hello;
    bool has_server_hello;
    bool is_sslv2_hello;     /* the client spoke an SSLv2-compatible ClientHello */
    uint16_t client_version; /* tls_hello_version of the ClientHello */
    uint16_t version;        /* negotiated: the ServerHello's, 0 when unseen */

    size_t sni_len; /* 0: no SNI */
    char sni[TLS_SNI_MAX];

    /* ALPN protocol names (RFC 7301), NUL-terminated, with their lengths
     * (a name may hold a NUL); each cut to TLS_ALPN_NAME_MAX - 1 bytes. */
    size_t client_alpn_count;
    char client_alpns[TLS_ALPN_COUNT_MAX][TLS_ALPN_NAME_MAX];
    uint8_t client_alpn_len[TLS_ALPN_COUNT_MAX];
    size_t server_alpn_count;
    char server_alpns[TLS_ALPN_COUNT_MAX][TLS_ALPN_NAME_MAX];
    uint8_t server_alpn_len[TLS_ALPN_COUNT_MAX];

    bool has_ja3;
    char ja3_hash[TLS_JA3_HASH_LEN + 1];
    char ja3_string[TLS_JA3_STR_MAX];
    bool has_ja3s;
    char ja3s_hash[TLS_JA3_HASH_LEN + 1];
    char ja3s_string[TLS_JA3S_STR_MAX];
    bool has_ja4;
    char ja4[TLS_JA4_LEN + 1];

    /* Resumption: the server echoed the client's session id, or accepted a
     * ticket (abbreviated handshake) or a TLS 1.3 pre-shared key. */
    bool is_session_resumed;

    bool has_cert;
    struct tls_cert_info cert;
};

#endif
