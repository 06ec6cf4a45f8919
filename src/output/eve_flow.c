/* eve_flow.c — the EVE "flow" event and the header all EVE events share.
 *
 * Field names and nesting are Suricata's (docs.suricata.io, "Eve JSON
 * Format", event type flow), so existing EVE consumers read hradba's output
 * unchanged. Timestamps are UTC; IPv6 addresses are in RFC 5952 form. Not
 * the writer of app-layer events: those add their own objects after the
 * common header.
 */
#include "output/eve_flow.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "flow/app_proto.h"
#include "flow/community_id.h"
#include "output/eve_time.h"

void eve_flow_opts_default(struct eve_flow_opts *o)
{
    *o = (struct eve_flow_opts){.has_community_id = true, .community_id_seed = 0};
}

static void eve_flow_time(struct json_buf *b, const char *key, uint64_t ts_us)
{
    char ts[EVE_TIME_LEN];
    size_t n = eve_time_format(ts_us, ts);
    json_buf_string_n(b, key, ts, n);
}

/* Dotted quad without printf: one of the hottest lines of output. */
static size_t eve_flow_ipv4(const uint8_t a[4], char *out)
{
    char *p = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p++ = '.';
    }
    return (size_t)(p - out - 1);
}

static void eve_flow_addr(struct json_buf *b, const char *key, const struct flow *f, unsigned i)
{
    char text[INET6_ADDRSTRLEN];
    size_t n;
    if (f->key.ip_version == 6) {
        if (!inet_ntop(AF_INET6, f->key.addr[i], text, sizeof(text)))
            text[0] = '\0';
        n = strlen(text);
    } else {
        n = eve_flow_ipv4(f->key.addr[i], text);
    }
    json_buf_string_n(b, key, text, n);
}

/* Suricata's proto field: the IANA keyword for the protocols it tracks by
 * name, the decimal number for every other. */
void eve_flow_proto(struct json_buf *b, uint8_t proto)
{
    switch (proto) {
    case 6:
        json_buf_string(b, "proto", "TCP");
        return;
    case 17:
        json_buf_string(b, "proto", "UDP");
        return;
    case 1:
        json_buf_string(b, "proto", "ICMP");
        return;
    case 58:
        json_buf_string(b, "proto", "IPv6-ICMP");
        return;
    default:
        break;
    }
    char num[4];
    snprintf(num, sizeof(num), "%u", proto);
    json_buf_string(b, "proto", num);
}

static bool eve_flow_has_ports(const struct flow *f)
{
    return f->key.proto == 6 || f->key.proto == 17;
}

static bool eve_flow_is_icmp(const struct flow *f)
{
    return f->key.proto == 1 || f->key.proto == 58;
}

void eve_flow_header(struct json_buf *b, const struct flow *f, uint64_t ts_us,
                     const char *event_type, const struct eve_flow_opts *o)
{
    eve_flow_header_dir(b, f, ts_us, event_type, o, FLOW_TOSERVER);
}

void eve_flow_header_dir(struct json_buf *b, const struct flow *f, uint64_t ts_us,
                         const char *event_type, const struct eve_flow_opts *o, enum flow_dir dir)
{
    /* src is the sender of the packet the event is about: the server for a
     * reply (a DNS answer), as Suricata writes it. */
    unsigned src = dir == FLOW_TOCLIENT ? FLOW_TOCLIENT : FLOW_TOSERVER;
    unsigned dst = 1 - src;
    struct eve_flow_opts defaults;
    if (!o) {
        eve_flow_opts_default(&defaults);
        o = &defaults;
    }
    eve_flow_time(b, "timestamp", ts_us);
    json_buf_u64(b, "flow_id", f->flow_id);
    if (event_type)
        json_buf_string(b, "event_type", event_type);
    if (f->key.vlan_count) {
        json_buf_open_array(b, "vlan");
        for (unsigned i = 0; i < f->key.vlan_count && i < PACKET_MAX_VLAN; i++)
            json_buf_u64(b, NULL, f->key.vlan_id[i]);
        json_buf_close_array(b);
    }
    eve_flow_addr(b, "src_ip", f, src);
    if (eve_flow_has_ports(f))
        json_buf_u64(b, "src_port", f->key.port[src]);
    eve_flow_addr(b, "dest_ip", f, dst);
    if (eve_flow_has_ports(f))
        json_buf_u64(b, "dest_port", f->key.port[dst]);
    eve_flow_proto(b, f->key.proto);
    if (eve_flow_is_icmp(f)) {
        if (f->has_icmp[FLOW_TOSERVER]) {
            json_buf_u64(b, "icmp_type", f->icmp_type[FLOW_TOSERVER]);
            json_buf_u64(b, "icmp_code", f->icmp_code[FLOW_TOSERVER]);
        }
        if (f->has_icmp[FLOW_TOCLIENT]) {
            json_buf_u64(b, "response_icmp_type", f->icmp_type[FLOW_TOCLIENT]);
            json_buf_u64(b, "response_icmp_code", f->icmp_code[FLOW_TOCLIENT]);
        }
    }
    char cid[COMMUNITY_ID_LEN];
    if (o->has_community_id && community_id_v1(f, o->community_id_seed, cid) == 0)
        json_buf_string(b, "community_id", cid);
}

void eve_flow_common(struct json_buf *b, const struct flow *f, uint64_t ts_us)
{
    eve_flow_header(b, f, ts_us, NULL, NULL);
}

static void eve_flow_hex_flags(struct json_buf *b, const char *key, uint8_t flags)
{
    static const char hex[] = "0123456789abcdef";
    char text[2] = {hex[flags >> 4], hex[flags & 0xf]};
    json_buf_string_n(b, key, text, sizeof(text));
}

static void eve_flow_tcp(struct json_buf *b, const struct flow *f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } bits[] = {
        {TCP_SYN, "syn"}, {TCP_FIN, "fin"}, {TCP_RST, "rst"}, {TCP_PSH, "psh"},
        {TCP_ACK, "ack"}, {TCP_URG, "urg"}, {TCP_ECE, "ecn"}, {TCP_CWR, "cwr"},
    };
    uint8_t all = f->tcp_flags[FLOW_TOSERVER] | f->tcp_flags[FLOW_TOCLIENT];
    json_buf_open_object(b, "tcp");
    eve_flow_hex_flags(b, "tcp_flags", all);
    eve_flow_hex_flags(b, "tcp_flags_ts", f->tcp_flags[FLOW_TOSERVER]);
    eve_flow_hex_flags(b, "tcp_flags_tc", f->tcp_flags[FLOW_TOCLIENT]);
    /* Suricata lists only the flags that were seen. */
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        if (all & bits[i].bit)
            json_buf_bool(b, bits[i].name, true);
    if (f->tcp_state != FLOW_TCP_NONE)
        json_buf_string(b, "state", flow_tcp_state_name(f->tcp_state));
    json_buf_close_object(b);
}

void eve_flow_format_opts(struct json_buf *b, const struct flow *f, const struct eve_flow_opts *o)
{
    json_buf_open_object(b, NULL);
    eve_flow_header(b, f, f->start_us, "flow", o);
    const char *app = app_proto_name(f->app_proto);
    if (app)
        json_buf_string(b, "app_proto", app);

    json_buf_open_object(b, "flow");
    json_buf_u64(b, "pkts_toserver", f->pkts[FLOW_TOSERVER]);
    json_buf_u64(b, "pkts_toclient", f->pkts[FLOW_TOCLIENT]);
    json_buf_u64(b, "bytes_toserver", f->bytes[FLOW_TOSERVER]);
    json_buf_u64(b, "bytes_toclient", f->bytes[FLOW_TOCLIENT]);
    eve_flow_time(b, "start", f->start_us);
    eve_flow_time(b, "end", f->last_us);
    /* Whole seconds between the truncated start and end seconds, as
     * Suricata computes it (so 0.9 s across a second boundary is 1). */
    uint64_t start_s = f->start_us / 1000000, end_s = f->last_us / 1000000;
    json_buf_u64(b, "age", end_s > start_s ? end_s - start_s : 0);
    json_buf_string(b, "state", flow_state_name(f->state));
    json_buf_string(b, "reason", flow_end_reason_name(f->end_reason));
    json_buf_bool(b, "alerted", f->is_alerted);
    json_buf_close_object(b);

    if (f->key.proto == 6)
        eve_flow_tcp(b, f);
    json_buf_close_object(b);
    json_buf_newline(b);
}

void eve_flow_format(struct json_buf *b, const struct flow *f)
{
    eve_flow_format_opts(b, f, NULL);
}
