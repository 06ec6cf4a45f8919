/* ip.c — an IP packet of either version, told apart by its first nibble.
 *
 * For carriers that do not say which version follows: raw-IP link types
 * (LINKTYPE_RAW 101, DLT_RAW 12/14), ERSPAN type III frame type 2, VXLAN-GPE.
 */
#include "decode/decode_internal.h"

enum decode_result ip_decode(struct decoder *d, struct packet *p, struct cursor c,
                             enum decode_counter bad_version)
{
    uint8_t first;
    if (!cursor_peek_u8(&c, 0, &first))
        return decode_invalid(d, bad_version);
    switch (first >> 4) {
    case 4:
        return ipv4_decode(d, p, c);
    case 6:
        return ipv6_decode(d, p, c);
    default:
        return decode_invalid(d, bad_version);
    }
}
