/* tls_ja.h — JA3, JA3S and JA4 fingerprints of decoded hellos.
 *
 * JA3/JA3S follow the Salesforce definition (decimal fields joined by '-',
 * sections by ',', GREASE values of RFC 8701 removed, MD5 of the string).
 * JA4 follows the FoxIO JA4 TLS client specification (the BSD-3-Clause part
 * of JA4+ only; no JA4S, JA4X or the other members). Input is a struct
 * tls_hello from proto/tls/tls_hello.h, so QUIC's ClientHello fingerprints
 * the same way as TCP's. Nothing here reads the wire directly.
 */
#ifndef HRADBA_PROTO_TLS_TLS_JA_H
#define HRADBA_PROTO_TLS_TLS_JA_H

#include <stddef.h>

struct tls_hello;

enum {
    TLS_JA3_HASH_LEN = 32, /* MD5 in lower-case hex, without the NUL */
    /* The JA3 string kept for output. A real ClientHello gives a few hundred
     * bytes; a longer one is truncated in the string but hashed whole. */
    TLS_JA3_STR_MAX = 2048,
    /* "t13d1516h2_8daaf6152771_e5627efa2ab1", without the NUL */
    TLS_JA4_LEN = 36,
};

/* JA3 of a ClientHello: writes the string (NUL-terminated, truncated to
 * str_size - 1 bytes if longer) and the MD5 of the whole untruncated string
 * into hash. str may be NULL when only the hash is wanted (str_size 0).
 * Returns the full string length (>= str_size means it was truncated),
 * -EINVAL when h is not a ClientHello, -ENOMEM when the digest failed. */
int tls_ja3(const struct tls_hello *h, char *str, size_t str_size, char hash[TLS_JA3_HASH_LEN + 1]);

/* JA3S of a ServerHello: "SSLVersion,Cipher,Extensions"; same contract as
 * tls_ja3; -EINVAL when h is not a ServerHello. */
int tls_ja3s(const struct tls_hello *h, char *str, size_t str_size,
             char hash[TLS_JA3_HASH_LEN + 1]);

/* JA4 of a ClientHello. transport is 't' (TLS over TCP), 'q' (QUIC) or 'd'
 * (DTLS). Writes TLS_JA4_LEN characters and a NUL. Returns 0, -EINVAL when
 * h is not a ClientHello or transport is unknown, -ENOMEM when sorting a
 * very long list or hashing failed. */
int tls_ja4(const struct tls_hello *h, char transport, char out[TLS_JA4_LEN + 1]);

#endif
