/* tcp.c — the TCP header (RFC 9293 §3.1) and the options fingerprints use.
 *
 * Options parsed: MSS (RFC 9293), window scale and timestamps (RFC 7323),
 * SACK-permitted (RFC 2018), TCP Fast Open cookie (RFC 7413, kind 34, and the
 * experimental kind 254 with magic 0xF989 of RFC 6994). The walk stops at the
 * first malformed option (tcp.opt_invalid_len) but keeps the segment: hosts
 * accept segments with options they cannot parse. Checksums are not checked.
 */
#include "decode/decode_internal.h"

enum {
    TCP_MIN_HLEN = 20,
    TCPOPT_EOL = 0,
    TCPOPT_NOP = 1,
    TCPOPT_MSS = 2,
    TCPOPT_WSCALE = 3,
    TCPOPT_SACK_OK = 4,
    TCPOPT_TS = 8,
    TCPOPT_FASTOPEN = 34,
    TCPOPT_EXP = 254,
    TCPOPT_EXP_TFO_MAGIC = 0xf989,
};

/* One option's body (kind and length already read). False if its length is
 * wrong for its kind. */
static bool tcp_option(struct packet *p, uint8_t kind, struct cursor body)
{
    size_t len = cursor_left(&body);
    uint16_t magic;
    switch (kind) {
    case TCPOPT_MSS:
        p->tcp_mss = cursor_be16(&body);
        p->flags |= PACKET_HAS_TCP_MSS;
        return len == 2;
    case TCPOPT_WSCALE:
        p->tcp_wscale = cursor_u8(&body);
        p->flags |= PACKET_HAS_TCP_WSCALE;
        return len == 1;
    case TCPOPT_SACK_OK:
        p->flags |= PACKET_HAS_TCP_SACK_OK;
        return len == 0;
    case TCPOPT_TS:
        p->tcp_tsval = cursor_be32(&body);
        p->tcp_tsecr = cursor_be32(&body);
        p->flags |= PACKET_HAS_TCP_TS;
        return len == 8;
    case TCPOPT_FASTOPEN:
        /* Empty (cookie request) or a 4..16-byte cookie. */
        p->flags |= PACKET_HAS_TCP_FASTOPEN;
        return len == 0 || (len >= 4 && len <= 16);
    case TCPOPT_EXP:
        if (cursor_peek_be16(&body, 0, &magic) && magic == TCPOPT_EXP_TFO_MAGIC)
            p->flags |= PACKET_HAS_TCP_FASTOPEN;
        return true;
    default:
        return true;
    }
}

/* At most 40 bytes, and every step consumes at least one. A known option of
 * the wrong size is not trusted: its flag is withdrawn. */
static void tcp_options(struct decoder *d, struct packet *p, struct cursor o)
{
    while (cursor_left(&o) > 0) {
        uint8_t kind = cursor_u8(&o);
        if (kind == TCPOPT_EOL)
            return;
        if (kind == TCPOPT_NOP)
            continue;
        uint8_t len = cursor_u8(&o);
        if (!cursor_ok(&o) || len < 2 || (size_t)len - 2 > cursor_left(&o)) {
            decode_count(d, DC_TCP_OPT_INVALID_LEN);
            return;
        }
        uint32_t before = p->flags;
        if (!tcp_option(p, kind, cursor_split(&o, (size_t)len - 2))) {
            p->flags = before;
            decode_count(d, DC_TCP_OPT_INVALID_LEN);
        }
    }
}

enum decode_result tcp_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint16_t sport = cursor_be16(&c);
    uint16_t dport = cursor_be16(&c);
    uint32_t seq = cursor_be32(&c);
    uint32_t ack = cursor_be32(&c);
    uint8_t doff = cursor_u8(&c) >> 4;
    uint8_t flags = cursor_u8(&c);
    uint16_t window = cursor_be16(&c);
    cursor_skip(&c, 4); /* checksum, urgent pointer */
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_TCP_TRUNC);
    size_t hlen = (size_t)doff * 4;
    if (hlen < TCP_MIN_HLEN)
        return decode_invalid(d, DC_TCP_HLEN_TOO_SMALL);
    struct cursor opts = cursor_split(&c, hlen - TCP_MIN_HLEN);
    if (!cursor_ok(&opts))
        return decode_invalid(d, DC_TCP_HLEN_TOO_LARGE);

    p->src_port = sport;
    p->dst_port = dport;
    p->tcp_seq = seq;
    p->tcp_ack = ack;
    p->tcp_flags = flags;
    p->tcp_window = window;
    tcp_options(d, p, opts);
    p->flags |= PACKET_HAS_TCP;
    p->payload = cursor_ptr(&c);
    p->payload_len = (uint32_t)cursor_left(&c);
    decode_count(d, DC_TCP);
    return DECODE_OK;
}
