/* dns_rdata.c — RDATA decoding per type (RFC 1035 §3.3, RFC 3596, RFC 2782,
 * RFC 9460). Each decoder must consume its RDATA exactly; anything else is
 * "rdata_malformed" and the answer keeps its rdata as hex. Names inside RDATA
 * may use compression pointers into the whole message (RFC 3597 §4 allows it
 * for the RFC 1035 types; we accept it everywhere, as resolvers do).
 */
#include "proto/dns/dns_rdata.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "proto/dns/dns_name.h"

/* The SvcParamKeys of RFC 9460 §14.3.2 that are decoded. */
enum {
    DNS_SVC_MANDATORY = 0,
    DNS_SVC_ALPN = 1,
    DNS_SVC_NO_DEFAULT_ALPN = 2,
    DNS_SVC_PORT = 3,
    DNS_SVC_IPV4HINT = 4,
    DNS_SVC_ECH = 5,
    DNS_SVC_IPV6HINT = 6,
};

static const char dns_hex_digits[] = "0123456789abcdef";

static void dns_text_u32(struct dns_text *t, uint32_t v)
{
    char num[12];
    int n = snprintf(num, sizeof(num), "%u", (unsigned)v);
    dns_text_put(t, num, (size_t)n);
}

static void dns_text_cstr(struct dns_text *t, const char *s)
{
    dns_text_put(t, s, strlen(s));
}

/* Octets escaped as in names: the same printable-ASCII text everywhere. */
static void dns_text_escaped(struct dns_text *t, struct cursor bytes)
{
    while (cursor_left(&bytes) > 0) { /* bounded by the field's length */
        char esc[4];
        size_t n = dns_name_escape_octet(esc, 0, cursor_u8(&bytes));
        dns_text_put(t, esc, n);
    }
}

static enum dns_rdata_status dns_rdata_finish(struct dns_arena *ar, struct dns_text *t,
                                              struct dns_answer *a)
{
    a->is_rdata_truncated = a->is_rdata_truncated || t->is_cut;
    a->rdata = dns_text_end(ar, t);
    return a->rdata ? DNS_RDATA_STATUS_OK : DNS_RDATA_STATUS_FULL;
}

static enum dns_rdata_status dns_rdata_hex(struct dns_arena *ar, struct cursor rd,
                                           struct dns_answer *a, enum dns_rdata_kind kind)
{
    size_t n = cursor_left(&rd);
    size_t show = n < DNS_RDATA_HEX_MAX ? n : DNS_RDATA_HEX_MAX;
    struct cursor h = cursor_split(&rd, show);
    struct dns_text t = dns_text_begin(ar, 2 * DNS_RDATA_HEX_MAX + 1);
    while (cursor_left(&h) > 0) {
        uint8_t o = cursor_u8(&h);
        dns_text_putc(&t, dns_hex_digits[o >> 4]);
        dns_text_putc(&t, dns_hex_digits[o & 15]);
    }
    a->kind = kind;
    a->is_rdata_truncated = n > show;
    return dns_rdata_finish(ar, &t, a);
}

/* Decodes a name inside rdata into the arena. NULL and *status set on failure. */
static const char *dns_rdata_name(struct dns_arena *ar, const struct cursor *msg, struct cursor *rd,
                                  enum dns_rdata_status *status, const char **event)
{
    char buf[DNS_NAME_TEXT_MAX];
    size_t len;
    enum dns_name_result r = dns_name_decode(msg, rd, buf, &len);
    if (r != DNS_NAME_OK) {
        /* Running off the end of RDATA is an rdata problem, not a name one. */
        *event = r == DNS_NAME_TRUNCATED ? "rdata_malformed" : dns_name_result_event(r);
        *status = DNS_RDATA_STATUS_BAD;
        return NULL;
    }
    const char *s = dns_arena_strdup(ar, buf, len);
    if (!s)
        *status = DNS_RDATA_STATUS_FULL;
    return s;
}

static bool dns_rdata_is_done(const struct cursor *rd)
{
    return cursor_ok(rd) && cursor_left(rd) == 0;
}

static enum dns_rdata_status dns_rdata_addr(struct dns_arena *ar, struct cursor *rd,
                                            struct dns_answer *a, size_t n)
{
    if (!cursor_copy(rd, a->u.addr, n) || !dns_rdata_is_done(rd))
        return DNS_RDATA_STATUS_BAD;
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(n == 4 ? AF_INET : AF_INET6, a->u.addr, buf, sizeof(buf));
    a->kind = DNS_RDATA_ADDR;
    a->rdata = dns_arena_strdup(ar, buf, strlen(buf));
    return a->rdata ? DNS_RDATA_STATUS_OK : DNS_RDATA_STATUS_FULL;
}

static enum dns_rdata_status dns_rdata_domain(struct dns_arena *ar, const struct cursor *msg,
                                              struct cursor *rd, struct dns_answer *a,
                                              const char **event)
{
    enum dns_rdata_status st = DNS_RDATA_STATUS_OK;
    if (a->rrtype == DNS_TYPE_MX) {
        a->u.mx.preference = cursor_be16(rd);
        if (!cursor_ok(rd))
            return DNS_RDATA_STATUS_BAD;
    }
    a->rdata = dns_rdata_name(ar, msg, rd, &st, event);
    if (!a->rdata)
        return st;
    if (!dns_rdata_is_done(rd))
        return DNS_RDATA_STATUS_BAD;
    a->kind = a->rrtype == DNS_TYPE_MX ? DNS_RDATA_MX : DNS_RDATA_NAME;
    return DNS_RDATA_STATUS_OK;
}

static enum dns_rdata_status dns_rdata_soa(struct dns_arena *ar, const struct cursor *msg,
                                           struct cursor *rd, struct dns_answer *a,
                                           const char **event)
{
    enum dns_rdata_status st = DNS_RDATA_STATUS_OK;
    struct dns_soa *s = &a->u.soa;
    if (!(s->mname = dns_rdata_name(ar, msg, rd, &st, event)))
        return st;
    if (!(s->rname = dns_rdata_name(ar, msg, rd, &st, event)))
        return st;
    s->serial = cursor_be32(rd);
    s->refresh = cursor_be32(rd);
    s->retry = cursor_be32(rd);
    s->expire = cursor_be32(rd);
    s->minimum = cursor_be32(rd);
    if (!dns_rdata_is_done(rd))
        return DNS_RDATA_STATUS_BAD;
    struct dns_text t = dns_text_begin(ar, DNS_RDATA_TEXT_MAX);
    const uint32_t nums[] = {s->serial, s->refresh, s->retry, s->expire, s->minimum};
    dns_text_cstr(&t, s->mname);
    dns_text_putc(&t, ' ');
    dns_text_cstr(&t, s->rname);
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        dns_text_putc(&t, ' ');
        dns_text_u32(&t, nums[i]);
    }
    a->kind = DNS_RDATA_SOA;
    return dns_rdata_finish(ar, &t, a);
}

static enum dns_rdata_status dns_rdata_srv(struct dns_arena *ar, const struct cursor *msg,
                                           struct cursor *rd, struct dns_answer *a,
                                           const char **event)
{
    enum dns_rdata_status st = DNS_RDATA_STATUS_OK;
    struct dns_srv *s = &a->u.srv;
    s->priority = cursor_be16(rd);
    s->weight = cursor_be16(rd);
    s->port = cursor_be16(rd);
    if (!cursor_ok(rd))
        return DNS_RDATA_STATUS_BAD;
    if (!(s->target = dns_rdata_name(ar, msg, rd, &st, event)))
        return st;
    if (!dns_rdata_is_done(rd))
        return DNS_RDATA_STATUS_BAD;
    struct dns_text t = dns_text_begin(ar, DNS_RDATA_TEXT_MAX);
    dns_text_u32(&t, s->priority);
    dns_text_putc(&t, ' ');
    dns_text_u32(&t, s->weight);
    dns_text_putc(&t, ' ');
    dns_text_u32(&t, s->port);
    dns_text_putc(&t, ' ');
    dns_text_cstr(&t, s->target);
    a->kind = DNS_RDATA_SRV;
    return dns_rdata_finish(ar, &t, a);
}

/* TXT: <character-string>s (RFC 1035 §3.3.14), concatenated without a
 * separator, as SPF (RFC 7208 §3.3) and DKIM read them. NULL: raw octets. */
static enum dns_rdata_status dns_rdata_strings(struct dns_arena *ar, struct cursor *rd,
                                               struct dns_answer *a)
{
    struct dns_text t = dns_text_begin(ar, DNS_RDATA_TEXT_MAX);
    if (a->rrtype == DNS_TYPE_NULL) {
        dns_text_escaped(&t, cursor_split(rd, cursor_left(rd)));
    } else {
        /* Each string consumes at least its length octet: bounded by RDLENGTH. */
        while (cursor_left(rd) > 0 && cursor_ok(rd))
            dns_text_escaped(&t, cursor_split(rd, cursor_u8(rd)));
    }
    if (!dns_rdata_is_done(rd)) {
        dns_text_end(ar, &t); /* the caller rewinds the arena */
        return DNS_RDATA_STATUS_BAD;
    }
    a->kind = DNS_RDATA_TEXT;
    return dns_rdata_finish(ar, &t, a);
}

/* Base64 (RFC 4648 §4), for the ech parameter's presentation form. */
static void dns_text_base64(struct dns_text *t, struct cursor v)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (cursor_left(&v) > 0) { /* 3 octets per turn: bounded by the value length */
        size_t n = cursor_left(&v) < 3 ? cursor_left(&v) : 3;
        uint32_t w = 0;
        for (size_t i = 0; i < 3; i++)
            w = w << 8 | (i < n ? cursor_u8(&v) : 0);
        for (size_t i = 0; i < 4; i++)
            dns_text_putc(t, i <= n ? b64[(w >> (18 - 6 * i)) & 63] : '=');
    }
}

static void dns_svcb_key_name(struct dns_text *t, uint16_t key)
{
    static const char *const names[] = {"mandatory", "alpn", "no-default-alpn", "port",
                                        "ipv4hint",  "ech",  "ipv6hint"};
    if (key < sizeof(names) / sizeof(names[0])) {
        dns_text_cstr(t, names[key]);
    } else {
        dns_text_cstr(t, "key");
        dns_text_u32(t, key);
    }
}

/* Stores one list value of an SvcParam (pass 1). False on a malformed value
 * or a full arena (then *status says which). */
static bool dns_svcb_collect_value(struct dns_arena *ar, uint16_t key, struct cursor *v,
                                   struct dns_svcb *s, enum dns_rdata_status *status)
{
    char buf[255 * 4 + 1]; /* an escaped alpn-id; larger than INET6_ADDRSTRLEN */
    size_t n = 0;
    uint8_t *count = &s->alpn_count;
    const char **list = s->alpn;
    if (key == DNS_SVC_ALPN) {
        struct cursor id = cursor_split(v, cursor_u8(v));
        if (!cursor_ok(&id) || cursor_left(&id) == 0)
            return false; /* RFC 9460 §7.1.1: alpn-ids are non-empty */
        while (cursor_left(&id) > 0)
            n = dns_name_escape_octet(buf, n, cursor_u8(&id));
    } else {
        uint8_t addr[16];
        bool is_v4 = key == DNS_SVC_IPV4HINT;
        if (!cursor_copy(v, addr, is_v4 ? 4 : 16))
            return false;
        inet_ntop(is_v4 ? AF_INET : AF_INET6, addr, buf, sizeof(buf));
        n = strlen(buf);
        count = is_v4 ? &s->ipv4hint_count : &s->ipv6hint_count;
        list = is_v4 ? s->ipv4hint : s->ipv6hint;
    }
    if (*count >= DNS_MAX_SVC_VALUES)
        return true; /* checked, not kept */
    if (!(list[*count] = dns_arena_strdup(ar, buf, n))) {
        *status = DNS_RDATA_STATUS_FULL;
        return false;
    }
    (*count)++;
    return true;
}

/* Pass 1 over the SvcParams (RFC 9460 §2.2): checks the wire form and fills
 * the struct. Keys must strictly increase (§2.2), so the loop also ends by
 * key; it is bounded anyway by RDLENGTH (each parameter takes >= 4 octets). */
static enum dns_rdata_status dns_svcb_collect(struct dns_arena *ar, struct cursor params,
                                              struct dns_svcb *s)
{
    enum dns_rdata_status st = DNS_RDATA_STATUS_BAD;
    int last_key = -1;
    while (cursor_left(&params) > 0) {
        uint16_t key = cursor_be16(&params);
        struct cursor v = cursor_split(&params, cursor_be16(&params));
        if (!cursor_ok(&v) || (int)key <= last_key)
            return DNS_RDATA_STATUS_BAD;
        last_key = key;
        size_t len = cursor_left(&v);
        switch (key) {
        case DNS_SVC_MANDATORY:
            if (len == 0 || len % 2 != 0)
                return DNS_RDATA_STATUS_BAD;
            break;
        case DNS_SVC_NO_DEFAULT_ALPN:
            if (len != 0)
                return DNS_RDATA_STATUS_BAD;
            break;
        case DNS_SVC_PORT:
            s->port = cursor_be16(&v);
            s->has_port = true;
            if (!dns_rdata_is_done(&v))
                return DNS_RDATA_STATUS_BAD;
            break;
        case DNS_SVC_ALPN:
        case DNS_SVC_IPV4HINT:
        case DNS_SVC_IPV6HINT:
            if (len == 0)
                return DNS_RDATA_STATUS_BAD;
            while (cursor_left(&v) > 0) /* each value consumes >= 1 octet */
                if (!dns_svcb_collect_value(ar, key, &v, s, &st))
                    return st;
            break;
        default:
            break;
        }
    }
    return DNS_RDATA_STATUS_OK;
}

/* Writes one SvcParam's value in presentation form (pass 2, already checked). */
static void dns_svcb_text_value(struct dns_text *t, uint16_t key, struct cursor v)
{
    for (bool first = true; cursor_left(&v) > 0; first = false) {
        if (key == DNS_SVC_ECH || key > DNS_SVC_IPV6HINT) {
            if (key == DNS_SVC_ECH)
                dns_text_base64(t, v);
            else
                dns_text_escaped(t, v);
            return;
        }
        if (!first)
            dns_text_putc(t, ',');
        if (key == DNS_SVC_MANDATORY) {
            dns_svcb_key_name(t, cursor_be16(&v));
        } else if (key == DNS_SVC_PORT) {
            dns_text_u32(t, cursor_be16(&v));
        } else if (key == DNS_SVC_ALPN) {
            struct cursor id = cursor_split(&v, cursor_u8(&v));
            while (cursor_left(&id) > 0) { /* RFC 9460 §A.1: escape the list's comma */
                uint8_t o = cursor_u8(&id);
                if (o == ',' || o == '\\')
                    dns_text_putc(t, '\\');
                char esc[4];
                dns_text_put(t, esc, dns_name_escape_octet(esc, 0, o));
            }
        } else {
            uint8_t addr[16];
            char buf[INET6_ADDRSTRLEN];
            bool is_v4 = key == DNS_SVC_IPV4HINT;
            cursor_copy(&v, addr, is_v4 ? 4 : 16);
            inet_ntop(is_v4 ? AF_INET : AF_INET6, addr, buf, sizeof(buf));
            dns_text_cstr(t, buf);
        }
    }
}

static enum dns_rdata_status dns_rdata_svcb(struct dns_arena *ar, const struct cursor *msg,
                                            struct cursor *rd, struct dns_answer *a,
                                            const char **event)
{
    enum dns_rdata_status st = DNS_RDATA_STATUS_OK;
    struct dns_svcb *s = &a->u.svcb;
    s->priority = cursor_be16(rd);
    if (!cursor_ok(rd))
        return DNS_RDATA_STATUS_BAD;
    if (!(s->target = dns_rdata_name(ar, msg, rd, &st, event)))
        return st;
    struct cursor params = cursor_split(rd, cursor_left(rd));
    if ((st = dns_svcb_collect(ar, params, s)) != DNS_RDATA_STATUS_OK)
        return st;
    struct dns_text t = dns_text_begin(ar, DNS_RDATA_TEXT_MAX);
    dns_text_u32(&t, s->priority);
    dns_text_putc(&t, ' ');
    dns_text_cstr(&t, s->target[0] ? s->target : "."); /* the root prints as "." */
    while (cursor_left(&params) > 0) { /* checked by pass 1: each step consumes >= 4 */
        uint16_t key = cursor_be16(&params);
        struct cursor v = cursor_split(&params, cursor_be16(&params));
        dns_text_putc(&t, ' ');
        dns_svcb_key_name(&t, key);
        if (cursor_left(&v) > 0) {
            dns_text_putc(&t, '=');
            dns_svcb_text_value(&t, key, v);
        }
    }
    a->kind = DNS_RDATA_SVCB;
    return dns_rdata_finish(ar, &t, a);
}

enum dns_rdata_status dns_rdata_decode(struct dns_arena *ar, const struct cursor *msg,
                                       struct cursor rd, struct dns_answer *a, const char **event)
{
    const struct cursor whole = rd;
    const size_t mark = ar->used;
    enum dns_rdata_status st;
    *event = NULL;
    a->is_rdata_truncated = false;
    /* RFC 2136 §2.4.2-§2.5.4: prerequisites and deletions in UPDATE carry no
     * RDATA, with class NONE or ANY. */
    if (cursor_left(&rd) == 0 && (a->rrclass == DNS_CLASS_NONE || a->rrclass == DNS_CLASS_ANY))
        return dns_rdata_hex(ar, whole, a, DNS_RDATA_HEX);
    switch (a->rrtype) {
    case DNS_TYPE_A:
        st = dns_rdata_addr(ar, &rd, a, 4);
        break;
    case DNS_TYPE_AAAA:
        st = dns_rdata_addr(ar, &rd, a, 16);
        break;
    case DNS_TYPE_CNAME:
    case DNS_TYPE_NS:
    case DNS_TYPE_PTR:
    case DNS_TYPE_MX:
        st = dns_rdata_domain(ar, msg, &rd, a, event);
        break;
    case DNS_TYPE_SOA:
        st = dns_rdata_soa(ar, msg, &rd, a, event);
        break;
    case DNS_TYPE_TXT:
    case DNS_TYPE_NULL:
        st = dns_rdata_strings(ar, &rd, a);
        break;
    case DNS_TYPE_SRV:
        st = dns_rdata_srv(ar, msg, &rd, a, event);
        break;
    case DNS_TYPE_SVCB:
    case DNS_TYPE_HTTPS:
        st = dns_rdata_svcb(ar, msg, &rd, a, event);
        break;
    default:
        return dns_rdata_hex(ar, whole, a, DNS_RDATA_HEX);
    }
    if (st != DNS_RDATA_STATUS_BAD)
        return st;
    /* Forget the half-decoded strings; show the octets instead. */
    ar->used = mark;
    memset(&a->u, 0, sizeof(a->u));
    if (!*event)
        *event = "rdata_malformed";
    return dns_rdata_hex(ar, whole, a, DNS_RDATA_BAD) == DNS_RDATA_STATUS_FULL
               ? DNS_RDATA_STATUS_FULL
               : DNS_RDATA_STATUS_BAD;
}
