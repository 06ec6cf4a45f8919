/* dns_eve.c — EVE "dns" objects in Suricata 7's version 2 format.
 *
 * Requests: {"type":"query","id","rrname","rrtype","tx_id","opcode"}.
 * Responses: {"version":2,"type":"answer","id","flags","qr","aa","tc","rd",
 * "ra","z","opcode","rrname","rrtype","rcode","answers","authorities"}, the
 * booleans only when true, answers in Suricata's "detailed" form. Where
 * Suricata 7 writes nothing (HTTPS/SVCB, undecoded types) hradba adds
 * documented fields of its own ("svcb", "rdata_hex", "rdata_len").
 */
#include "proto/dns/dns_eve.h"

#include <stdio.h>

static void dns_eve_rrtype(struct json_buf *b, const char *key, uint16_t rrtype)
{
    char num[8];
    json_buf_string(b, key, dns_rrtype_name(rrtype, num));
}

/* Suricata prints AAAA rdata uncompressed: eight groups of four hex digits. */
static void dns_eve_aaaa(struct json_buf *b, const uint8_t addr[16])
{
    char text[40];
    size_t n = 0;
    for (size_t i = 0; i < 16; i += 2)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%02x%02x", i ? ":" : "", addr[i],
                              addr[i + 1]);
    json_buf_string(b, "rdata", text);
}

static void dns_eve_list(struct json_buf *b, const char *key, const char *const *items,
                         uint8_t count)
{
    if (count == 0)
        return;
    json_buf_open_array(b, key);
    for (uint8_t i = 0; i < count; i++)
        json_buf_string(b, NULL, items[i]);
    json_buf_close_array(b);
}

static void dns_eve_svcb(struct json_buf *b, const struct dns_svcb *s)
{
    json_buf_open_object(b, "svcb");
    json_buf_u64(b, "priority", s->priority);
    json_buf_string(b, "target", s->target);
    dns_eve_list(b, "alpn", s->alpn, s->alpn_count);
    if (s->has_port)
        json_buf_u64(b, "port", s->port);
    dns_eve_list(b, "ipv4hint", s->ipv4hint, s->ipv4hint_count);
    dns_eve_list(b, "ipv6hint", s->ipv6hint, s->ipv6hint_count);
    json_buf_close_object(b);
}

static void dns_eve_rdata(struct json_buf *b, const struct dns_answer *a)
{
    switch (a->kind) {
    case DNS_RDATA_ADDR:
        if (a->rrtype == DNS_TYPE_AAAA)
            dns_eve_aaaa(b, a->u.addr);
        else
            json_buf_string(b, "rdata", a->rdata);
        break;
    case DNS_RDATA_NAME:
    case DNS_RDATA_TEXT:
    case DNS_RDATA_MX: /* Suricata 7 writes the exchange only */
        json_buf_string(b, "rdata", a->rdata);
        break;
    case DNS_RDATA_SOA:
        json_buf_open_object(b, "soa");
        json_buf_string(b, "mname", a->u.soa.mname);
        json_buf_string(b, "rname", a->u.soa.rname);
        json_buf_u64(b, "serial", a->u.soa.serial);
        json_buf_u64(b, "refresh", a->u.soa.refresh);
        json_buf_u64(b, "retry", a->u.soa.retry);
        json_buf_u64(b, "expire", a->u.soa.expire);
        json_buf_u64(b, "minimum", a->u.soa.minimum);
        json_buf_close_object(b);
        break;
    case DNS_RDATA_SRV:
        json_buf_open_object(b, "srv");
        json_buf_u64(b, "priority", a->u.srv.priority);
        json_buf_u64(b, "weight", a->u.srv.weight);
        json_buf_u64(b, "port", a->u.srv.port);
        json_buf_string(b, "name", a->u.srv.target);
        json_buf_close_object(b);
        break;
    case DNS_RDATA_SVCB:
        json_buf_string(b, "rdata", a->rdata);
        dns_eve_svcb(b, &a->u.svcb);
        break;
    case DNS_RDATA_HEX:
    case DNS_RDATA_BAD:
        json_buf_u64(b, "rdata_len", a->rdata_len);
        json_buf_string(b, "rdata_hex", a->rdata);
        break;
    }
    if (a->is_rdata_truncated)
        json_buf_bool(b, "rdata_truncated", true);
}

static void dns_eve_rrs(struct json_buf *b, const char *key, const struct dns_answer *rrs,
                        size_t count)
{
    if (count == 0)
        return;
    json_buf_open_array(b, key);
    for (size_t i = 0; i < count; i++) {
        const struct dns_answer *a = &rrs[i];
        json_buf_open_object(b, NULL);
        json_buf_string(b, "rrname", a->rrname);
        dns_eve_rrtype(b, "rrtype", a->rrtype);
        json_buf_u64(b, "ttl", a->ttl);
        dns_eve_rdata(b, a);
        json_buf_close_object(b);
    }
    json_buf_close_array(b);
}

static void dns_eve_answer(struct json_buf *b, const struct dns_record *r)
{
    char hex[8];
    char rcode[8];
    snprintf(hex, sizeof(hex), "%x", (unsigned)r->flags);
    json_buf_u64(b, "version", 2);
    json_buf_string(b, "type", "answer");
    json_buf_u64(b, "id", r->id);
    json_buf_string(b, "flags", hex);
    json_buf_bool(b, "qr", true);
    const struct {
        const char *key;
        bool is_set;
    } bits[] = {{"aa", r->aa}, {"tc", r->tc}, {"rd", r->rd}, {"ra", r->ra}, {"z", r->z}};
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        if (bits[i].is_set)
            json_buf_bool(b, bits[i].key, true);
    json_buf_u64(b, "opcode", r->opcode);
    if (r->question_count > 0) {
        json_buf_string(b, "rrname", r->questions[0].rrname);
        dns_eve_rrtype(b, "rrtype", r->questions[0].rrtype);
    }
    json_buf_string(b, "rcode", dns_rcode_name(r->rcode, rcode));
    dns_eve_rrs(b, "answers", r->answers, r->answer_count);
    dns_eve_rrs(b, "authorities", r->authorities, r->authority_count);
}

static void dns_eve_query(struct json_buf *b, const struct dns_record *r,
                          const struct dns_question *q)
{
    json_buf_string(b, "type", "query");
    json_buf_u64(b, "id", r->id);
    if (q) {
        json_buf_string(b, "rrname", q->rrname);
        dns_eve_rrtype(b, "rrtype", q->rrtype);
    }
    json_buf_u64(b, "tx_id", r->tx_id);
    json_buf_u64(b, "opcode", r->opcode);
}

void dns_eve_format(struct json_buf *b, const struct dns_record *r)
{
    json_buf_open_object(b, "dns");
    if (r->is_response)
        dns_eve_answer(b, r);
    else
        dns_eve_query(b, r, r->question_count > 0 ? &r->questions[0] : NULL);
    json_buf_close_object(b);
}

void dns_eve_format_query(struct json_buf *b, const struct dns_record *r, size_t index)
{
    json_buf_open_object(b, "dns");
    dns_eve_query(b, r, index < r->question_count ? &r->questions[index] : NULL);
    json_buf_close_object(b);
}
