/* quic_version.c — Initial salts and label sets per QUIC version.
 *
 * v1: RFC 9001 §5.2; v2: RFC 9369 §3.3; the IETF drafts 21–32 and the
 * pre-standard deployments that borrowed their salts (Facebook's mvfst
 * 0xfaceb001/0xfaceb002, Google's T050/T051 with IETF framing) from their
 * published constants. The salts are public protocol constants, not keys.
 */
#include "proto/quic/quic_version.h"

#include <stddef.h>

static const uint8_t quic_salt_v1[QUIC_SALT_LEN] = {
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};
static const uint8_t quic_salt_v2[QUIC_SALT_LEN] = {
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};
static const uint8_t quic_salt_draft29[QUIC_SALT_LEN] = {
    0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
    0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99,
};
static const uint8_t quic_salt_draft23[QUIC_SALT_LEN] = {
    0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
    0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02,
};
static const uint8_t quic_salt_draft21[QUIC_SALT_LEN] = {
    0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
    0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a,
};
static const uint8_t quic_salt_t050[QUIC_SALT_LEN] = {
    0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
    0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10,
};
static const uint8_t quic_salt_t051[QUIC_SALT_LEN] = {
    0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
    0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d,
};

static const struct quic_version_info quic_versions[] = {
    {QUIC_VERSION_1, quic_salt_v1, "quic ", false, 0x06},
    {QUIC_VERSION_2, quic_salt_v2, "quicv2 ", true, 0x06},
    {0xff00001d, quic_salt_draft29, "quic ", false, 0x06}, /* draft-29 .. -32 */
    {0xff00001e, quic_salt_draft29, "quic ", false, 0x06},
    {0xff00001f, quic_salt_draft29, "quic ", false, 0x06},
    {0xff000020, quic_salt_draft29, "quic ", false, 0x06},
    {0xff000017, quic_salt_draft23, "quic ", false, 0x06}, /* draft-23 .. -28 */
    {0xff000018, quic_salt_draft23, "quic ", false, 0x06},
    {0xff000019, quic_salt_draft23, "quic ", false, 0x06},
    {0xff00001a, quic_salt_draft23, "quic ", false, 0x06},
    {0xff00001b, quic_salt_draft23, "quic ", false, 0x06},
    {0xff00001c, quic_salt_draft23, "quic ", false, 0x06},
    {0xff000015, quic_salt_draft21, "quic ", false, 0x06}, /* draft-21, -22 */
    {0xff000016, quic_salt_draft21, "quic ", false, 0x06},
    {0xfaceb001, quic_salt_draft21, "quic ", false, 0x06}, /* mvfst, draft-22 based */
    {0xfaceb002, quic_salt_draft23, "quic ", false, 0x06}, /* mvfst, draft-27 based */
    {0x54303530, quic_salt_t050, "quic ", false, 0x08},    /* "T050" */
    {0x54303531, quic_salt_t051, "quic ", false, 0x08},    /* "T051" */
};

const struct quic_version_info *quic_version_find(uint32_t version)
{
    for (size_t i = 0; i < sizeof(quic_versions) / sizeof(quic_versions[0]); i++)
        if (quic_versions[i].version == version)
            return &quic_versions[i];
    return NULL;
}

enum quic_packet_type quic_version_packet_type(const struct quic_version_info *v, uint8_t first)
{
    static const enum quic_packet_type v1_types[4] = {QUIC_PACKET_INITIAL, QUIC_PACKET_0RTT,
                                                      QUIC_PACKET_HANDSHAKE, QUIC_PACKET_RETRY};
    static const enum quic_packet_type v2_types[4] = {QUIC_PACKET_RETRY, QUIC_PACKET_INITIAL,
                                                      QUIC_PACKET_0RTT, QUIC_PACKET_HANDSHAKE};
    unsigned bits = (first >> 4) & 0x3;
    return v && v->is_v2_types ? v2_types[bits] : v1_types[bits];
}
