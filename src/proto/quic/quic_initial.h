/* quic_initial.h — Initial packet protection: keys, header protection and
 * AEAD_AES_128_GCM, for reading (never writing) Initial packets.
 *
 * RFC 9001 §5.2 (Initial secrets from the client's first Destination
 * Connection ID), §5.1 and RFC 8446 §7.1 (HKDF-Expand-Label), §5.3 (AEAD,
 * nonce = iv XOR packet number), §5.4.1–5.4.3 (header protection with an
 * AES-128-ECB mask over a 16-byte sample); RFC 9369 §3.3 for v2's salt and
 * labels. libcrypto does the primitives; nothing else in proto/quic touches
 * it. Not for Handshake or 1-RTT packets: their keys come from the TLS
 * exchange, which an observer cannot compute.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_INITIAL_H
#define HRADBA_PROTO_QUIC_QUIC_INITIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/quic/quic_header.h"
#include "proto/quic/quic_version.h"

enum {
    QUIC_SECRET_LEN = 32, /* SHA-256 */
    QUIC_KEY_LEN = 16,    /* AES-128 */
    QUIC_IV_LEN = 12,
    QUIC_HP_LEN = 16,
    QUIC_TAG_LEN = 16,
    QUIC_SAMPLE_LEN = 16,
    QUIC_PN_MAX_LEN = 4,
};

/* One side's Initial packet protection keys. */
struct quic_keys {
    uint8_t key[QUIC_KEY_LEN];
    uint8_t iv[QUIC_IV_LEN];
    uint8_t hp[QUIC_HP_LEN];
};

/* HKDF-Extract(salt, ikm) with SHA-256 into prk. Returns 0 or -EIO. */
int quic_initial_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                         uint8_t prk[QUIC_SECRET_LEN]);

/* HKDF-Expand-Label(secret, label, "", out_len) of RFC 8446 §7.1 ("tls13 "
 * is prepended to label here). out_len <= QUIC_SECRET_LEN and label at most
 * 64 bytes. Returns 0, -EINVAL on a bad length, -EIO if libcrypto failed. */
int quic_initial_expand_label(const uint8_t secret[QUIC_SECRET_LEN], const char *label,
                              uint8_t *out, size_t out_len);

/* The Initial keys of the client (is_server false: "client in") or of the
 * server ("server in"), derived from the client's Destination Connection
 * ID under version v. Returns 0, -EINVAL for a CID over 20 bytes, -EIO. */
int quic_initial_keys(const struct quic_version_info *v, const uint8_t *dcid, size_t dcid_len,
                      bool is_server, struct quic_keys *out);

/* Removes header protection from the long-header packet pkt (h from
 * quic_header_parse over the same bytes; h->packet_len bytes are read, none
 * written) and decrypts its payload into out (out_cap bytes; the plaintext
 * is at most h->packet_len bytes). On success returns 0 and sets *out_len
 * and *pn (the truncated packet number: Initial numbers start at 0 and
 * stay below the smallest window, so it is the full number in practice).
 * Returns -EINVAL with *anomaly "packet_too_short" (no room for the sample)
 * or "decryption_failed" (wrong keys or altered bytes: the tag did not
 * verify; out then holds nothing usable), -ENOSPC when out_cap is too
 * small, -EIO if libcrypto failed. */
int quic_initial_open(const struct quic_keys *k, const uint8_t *pkt, const struct quic_header *h,
                      uint8_t *out, size_t out_cap, size_t *out_len, uint64_t *pn,
                      const char **anomaly);

#endif
