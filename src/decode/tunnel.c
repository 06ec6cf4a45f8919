/* tunnel.c — the depth limit shared by every tunnel, and inner Ethernet.
 *
 * Each peeled tunnel (GRE, ERSPAN, VXLAN, IP-in-IP, MPLS pseudowire, PPTP)
 * counts one level against max_tunnel_depth; beyond it the packet is left as
 * the outer packet decoded so far (tunnel.too_deep), which bounds recursion
 * on crafted nests. An inner Ethernet frame restarts the VLAN list: flows are
 * keyed on the innermost frame, not on the transport that mirrored it.
 */
#include "decode/decode_internal.h"

bool tunnel_enter(struct decoder *d, struct packet *p)
{
    if (p->tunnel_depth >= d->cfg.max_tunnel_depth) {
        decode_count(d, DC_TUNNEL_TOO_DEEP);
        return false;
    }
    p->tunnel_depth++;
    p->flags |= PACKET_IS_TUNNELLED;
    return true;
}

enum decode_result tunnel_ethernet_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    p->vlan_count = 0;
    memset(p->vlan_id, 0, sizeof(p->vlan_id));
    decode_reset_l3(p);
    return ethernet_decode(d, p, c);
}
