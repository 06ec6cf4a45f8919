/* vlan.c — IEEE 802.1Q customer tags and 802.1ad (and 0x9100) service tags.
 *
 * A tag is TCI (PCP 3 bits, DEI 1, VID 12) then the next EtherType; QinQ is
 * simply tags in a row. Ids are recorded outermost first, at most
 * PACKET_MAX_VLAN of them: a deeper stack is refused (vlan.too_many), which
 * also bounds the recursion through ethernet_type_decode().
 */
#include "decode/decode_internal.h"

enum decode_result vlan_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint16_t tci = cursor_be16(&c);
    uint16_t type = cursor_be16(&c);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_VLAN_TRUNC);
    if (p->vlan_count >= PACKET_MAX_VLAN)
        return decode_invalid(d, DC_VLAN_TOO_MANY);
    p->vlan_id[p->vlan_count++] = tci & 0x0fff;
    decode_count(d, DC_VLAN);
    return ethernet_type_decode(d, p, type, c);
}
