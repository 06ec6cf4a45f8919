/* gtp.c — GTP-U version 1 (3GPP TS 29.281 §5), user plane of mobile cores.
 *
 * Only G-PDU messages (type 255) carry user IP packets; echo and error
 * messages stay plain UDP. Header: flags (version 1, PT 1, E, S, PN), type,
 * length, TEID; if any of E/S/PN, sequence number, N-PDU number and the next
 * extension header type; extension headers are length (4-byte units), body,
 * next type, at most GTP_MAX_EXT of them. Not GTP-C, not GTPv0 or GTP' .
 */
#include "decode/decode_internal.h"

enum {
    GTP_VERSION_1 = 0x20,
    GTP_VERSION_MASK = 0xe0,
    GTP_PT = 0x10,
    GTP_OPT_FLAGS = 0x07, /* E, S, PN */
    GTP_E = 0x04,
    GTP_TYPE_GPDU = 255,
    GTP_MAX_EXT = 8,
};

/* Skips the extension-header chain starting with type next. */
static bool gtp_skip_ext(struct cursor *c, uint8_t next)
{
    for (int i = 0; i < GTP_MAX_EXT && next != 0; i++) {
        uint8_t units = cursor_u8(c);
        if (units == 0 || !cursor_skip(c, (size_t)units * 4 - 2))
            return false;
        next = cursor_u8(c);
    }
    return next == 0 && cursor_ok(c);
}

enum decode_result gtp_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint8_t flags = cursor_u8(&c);
    uint8_t type = cursor_u8(&c);
    uint16_t len = cursor_be16(&c);
    cursor_skip(&c, 4); /* TEID */
    if (!cursor_ok(&c)) {
        decode_count(d, DC_GTP_TRUNC);
        return DECODE_OK;
    }
    if ((flags & GTP_VERSION_MASK) != GTP_VERSION_1 || !(flags & GTP_PT) || type != GTP_TYPE_GPDU)
        return DECODE_OK;
    if (decode_trim(d, &c, len) == DECODE_TRIM_SHORT) {
        decode_count(d, DC_GTP_TRUNC);
        return DECODE_OK;
    }
    if (flags & GTP_OPT_FLAGS) {
        cursor_skip(&c, 3); /* sequence number, N-PDU number */
        uint8_t next = cursor_u8(&c);
        if (!cursor_ok(&c) || ((flags & GTP_E) && !gtp_skip_ext(&c, next))) {
            decode_count(d, DC_GTP_TRUNC);
            return DECODE_OK;
        }
    }
    if (cursor_left(&c) == 0 || !tunnel_enter(d, p))
        return DECODE_OK;
    decode_count(d, DC_GTP);
    return ip_decode(d, p, c, DC_GTP_BAD_PAYLOAD);
}
