/* quic_version.h — the QUIC versions whose Initial packets hradba can open.
 *
 * Each version fixes the Initial salt (RFC 9001 §5.2, RFC 9369 §3.3.1, the
 * drafts' own §5.2), the HKDF label prefix ("quic " or "quicv2 ", RFC 9369
 * §3.3.2) and how the long header's two type bits read (RFC 9369 §3.2).
 * Unknown versions are not parsed beyond the version-independent invariants
 * (RFC 8999). Not a negotiation table: nothing here chooses a version.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_VERSION_H
#define HRADBA_PROTO_QUIC_QUIC_VERSION_H

#include <stdbool.h>
#include <stdint.h>

enum {
    QUIC_VERSION_1 = 0x00000001, /* RFC 9000 */
    QUIC_VERSION_2 = 0x6b3343cf, /* RFC 9369 */
    QUIC_VERSION_NEGOTIATION = 0x00000000,
    QUIC_SALT_LEN = 20,
};

/* Long header packet types, named as RFC 9000 §17.2 names them; the wire
 * value depends on the version (quic_version_packet_type). */
enum quic_packet_type {
    QUIC_PACKET_INITIAL,
    QUIC_PACKET_0RTT,
    QUIC_PACKET_HANDSHAKE,
    QUIC_PACKET_RETRY,
    QUIC_PACKET_VERSION_NEGOTIATION, /* version 0 (RFC 9000 §17.2.1) */
    QUIC_PACKET_SHORT,               /* 1-RTT: header form bit clear */
};

struct quic_version_info {
    uint32_t version;
    const uint8_t *salt;      /* QUIC_SALT_LEN bytes */
    const char *label_prefix; /* "quic " or "quicv2 ": prepended to key, iv, hp */
    bool is_v2_types;         /* packet type bits as RFC 9369 §3.2 */
    uint8_t crypto_frame;     /* the CRYPTO frame's type: 0x06, but 0x08 in Google's T05x */
};

/* The version's parameters, or NULL when its Initial packets cannot be
 * opened (unknown, reserved, or version negotiation). */
const struct quic_version_info *quic_version_find(uint32_t version);

/* The type named by a long header's first byte under v. */
enum quic_packet_type quic_version_packet_type(const struct quic_version_info *v, uint8_t first);

#endif
