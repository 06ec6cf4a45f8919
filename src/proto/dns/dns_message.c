/* dns_message.c — one DNS message into a struct dns_record (RFC 1035 §4.1).
 *
 * Sections are read in order; a failure in the header or the questions
 * drops the message, a failure later keeps what came before (Suricata 8 does
 * the same for broken authorities and additionals). Counts from the header
 * never size anything: each record read consumes at least 5 (question) or 11
 * (resource record) octets, so a count larger than the message runs out of
 * octets and is reported as "record_count_overflow".
 */
#include "proto/dns/dns_message.h"

#include <string.h>

#include "proto/dns/dns_name.h"
#include "proto/dns/dns_rdata.h"

/* mDNS queries ask for many names at once (19 in real captures); unicast
 * DNS asks for one. Above this, a header is more likely noise. */
enum { DNS_PROBE_MAX_QUESTIONS = 64 };

/* One section's destination: NULL store means "check and count only". */
struct dns_section {
    struct dns_answer *store;
    size_t cap;
    size_t *stored;
};

static const char *dns_message_questions(struct dns_message *m, const struct cursor *msg,
                                         struct cursor *c)
{
    struct dns_record *r = &m->rec;
    char name[DNS_NAME_TEXT_MAX];
    for (unsigned i = 0; i < r->qdcount; i++) { /* each turn consumes >= 5 octets */
        if (cursor_left(c) == 0)
            return "record_count_overflow";
        size_t len;
        enum dns_name_result nr = dns_name_decode(msg, c, name, &len);
        if (nr != DNS_NAME_OK)
            return dns_name_result_event(nr);
        uint16_t type = cursor_be16(c);
        uint16_t cls = cursor_be16(c);
        if (!cursor_ok(c))
            return "truncated_message";
        if (r->question_count >= DNS_MAX_QUESTIONS) {
            r->is_capped = true;
            continue;
        }
        struct dns_question *q = &r->questions[r->question_count];
        q->rrname = dns_arena_strdup(&m->arena, name, len);
        q->rrtype = type;
        q->rrclass = cls;
        if (q->rrname)
            r->question_count++;
        else
            r->is_capped = true;
    }
    return NULL;
}

/* Stores one RR's decoded fields and rdata in sec, if there is room. */
static void dns_message_store_rr(struct dns_message *m, const struct cursor *msg,
                                 const struct dns_section *sec, const struct dns_answer *head,
                                 const char *name, size_t name_len, struct cursor rdata,
                                 const char **soft_event)
{
    if (*sec->stored >= sec->cap) {
        m->rec.is_capped = true;
        return;
    }
    const size_t mark = m->arena.used;
    struct dns_answer *a = &sec->store[*sec->stored];
    *a = *head;
    a->rrname = dns_arena_strdup(&m->arena, name, name_len);
    const char *event = NULL;
    enum dns_rdata_status st =
        a->rrname ? dns_rdata_decode(&m->arena, msg, rdata, a, &event) : DNS_RDATA_STATUS_FULL;
    if (st == DNS_RDATA_STATUS_FULL) {
        m->arena.used = mark;
        m->rec.is_capped = true;
        return;
    }
    if (event && !*soft_event)
        *soft_event = event;
    (*sec->stored)++;
}

/* Reads `count` resource records (RFC 1035 §4.1.3). Returns a fatal anomaly
 * or NULL; *soft_event gets the first rdata problem, which is not fatal. */
static const char *dns_message_rrs(struct dns_message *m, const struct cursor *msg,
                                   struct cursor *c, uint16_t count, const struct dns_section *sec,
                                   size_t *parsed, const char **soft_event)
{
    char name[DNS_NAME_TEXT_MAX];
    for (unsigned i = 0; i < count; i++) { /* each turn consumes >= 11 octets */
        if (cursor_left(c) == 0)
            return "record_count_overflow";
        size_t len;
        enum dns_name_result nr = dns_name_decode(msg, c, name, &len);
        if (nr != DNS_NAME_OK)
            return dns_name_result_event(nr);
        struct dns_answer head;
        memset(&head, 0, sizeof(head));
        head.rrtype = cursor_be16(c);
        head.rrclass = cursor_be16(c);
        head.ttl = cursor_be32(c);
        head.rdata_len = cursor_be16(c);
        if (!cursor_ok(c))
            return "truncated_message";
        struct cursor rdata = cursor_split(c, head.rdata_len);
        if (!cursor_ok(&rdata))
            return "rdata_overflow";
        if (sec->store)
            dns_message_store_rr(m, msg, sec, &head, name, len, rdata, soft_event);
        (*parsed)++;
    }
    return NULL;
}

static void dns_message_header(struct dns_record *r, struct cursor *c)
{
    r->id = cursor_be16(c);
    r->flags = cursor_be16(c);
    r->qdcount = cursor_be16(c);
    r->ancount = cursor_be16(c);
    r->nscount = cursor_be16(c);
    r->arcount = cursor_be16(c);
    r->is_response = (r->flags & DNS_FLAG_QR) != 0;
    r->opcode = (uint8_t)((r->flags >> 11) & 0xf);
    r->rcode = (uint8_t)(r->flags & 0xf);
    r->aa = (r->flags & DNS_FLAG_AA) != 0;
    r->tc = (r->flags & DNS_FLAG_TC) != 0;
    r->rd = (r->flags & DNS_FLAG_RD) != 0;
    r->ra = (r->flags & DNS_FLAG_RA) != 0;
    r->z = (r->flags & DNS_FLAG_Z) != 0;
    r->ad = (r->flags & DNS_FLAG_AD) != 0;
    r->cd = (r->flags & DNS_FLAG_CD) != 0;
}

enum dns_message_result dns_message_parse(struct dns_message *m, const uint8_t *data, size_t len,
                                          const char **event)
{
    struct dns_record *r = &m->rec;
    /* The arrays are written before they are read (up to the counts), so
     * only the scalar head is cleared: the record is large. */
    memset(r, 0, offsetof(struct dns_record, questions));
    dns_arena_reset(&m->arena);
    *event = NULL;

    const struct cursor msg = cursor_make(data, len);
    struct cursor c = msg;
    dns_message_header(r, &c);
    if (!cursor_ok(&c)) {
        *event = "truncated_message";
        return DNS_MESSAGE_INVALID;
    }
    if ((*event = dns_message_questions(m, &msg, &c)) != NULL)
        return DNS_MESSAGE_INVALID;

    const char *soft = NULL;
    const struct dns_section answers = {r->answers, DNS_MAX_ANSWERS, &r->answer_count};
    const struct dns_section auths = {r->authorities, DNS_MAX_AUTHORITIES, &r->authority_count};
    const struct dns_section adds = {NULL, 0, NULL};
    size_t an = 0, ns = 0;
    const char *fatal = dns_message_rrs(m, &msg, &c, r->ancount, &answers, &an, &soft);
    if (!fatal)
        fatal = dns_message_rrs(m, &msg, &c, r->nscount, &auths, &ns, &soft);
    if (!fatal)
        fatal = dns_message_rrs(m, &msg, &c, r->arcount, &adds, &r->additional_count, &soft);
    if (fatal) {
        r->is_malformed = true;
        *event = fatal;
        return DNS_MESSAGE_PARTIAL;
    }
    *event = soft;
    return DNS_MESSAGE_OK;
}

/* RR classes a probe accepts (RFC 1035 §3.2.4, RFC 2136 §2.3 for NONE);
 * mDNS (RFC 6762 §5.4) borrows the top bit, so it is masked off. */
static bool dns_message_probe_class(uint16_t cls)
{
    cls &= 0x7fff;
    return cls == DNS_CLASS_IN || cls == DNS_CLASS_CH || cls == DNS_CLASS_HS ||
           cls == DNS_CLASS_NONE || cls == DNS_CLASS_ANY;
}

/* NetBIOS name service (RFC 1002 §4.2) reuses the DNS message format: its
 * questions are NB (0x20) or NBSTAT (0x21) for a name whose first label is
 * the 32-letter "A".."P" encoding of a NetBIOS name. It is not DNS, and
 * neither Suricata nor Wireshark reads it as DNS. */
static bool dns_message_is_netbios(const char *name, size_t name_len, uint16_t qtype)
{
    if (qtype != 0x20 && qtype != 0x21)
        return false;
    if (name_len < 32 || (name_len > 32 && name[32] != '.'))
        return false;
    for (size_t i = 0; i < 32; i++)
        if (name[i] < 'A' || name[i] > 'P')
            return false;
    return true;
}

enum app_probe dns_message_probe(const uint8_t *data, size_t len, bool is_whole)
{
    const enum app_probe short_input = is_whole ? APP_PROBE_NO : APP_PROBE_MAYBE;
    struct {
        uint16_t flags, qd, an, ns, ar;
    } h;
    const struct cursor msg = cursor_make(data, len);
    struct cursor c = msg;
    cursor_skip(&c, 2); /* id: any value */
    h.flags = cursor_be16(&c);
    h.qd = cursor_be16(&c);
    h.an = cursor_be16(&c);
    h.ns = cursor_be16(&c);
    h.ar = cursor_be16(&c);
    if (!cursor_ok(&c))
        return short_input;
    unsigned opcode = (h.flags >> 11) & 0xf;
    /* Opcodes 0-2 and 4-6 are assigned (RFC 6895 §2.2); a query carries no rcode. */
    if (opcode == 3 || opcode > 6)
        return APP_PROBE_NO;
    if (!(h.flags & DNS_FLAG_QR) && (h.flags & 0xf) != 0)
        return APP_PROBE_NO;
    /* mDNS responses (RFC 6762 §6) carry no question: then the first
     * record stands in for it. */
    bool is_answer_only = h.qd == 0 && (h.flags & DNS_FLAG_QR) && h.an + h.ns + h.ar > 0;
    if ((h.qd == 0 && !is_answer_only) || h.qd > DNS_PROBE_MAX_QUESTIONS)
        return APP_PROBE_NO;
    /* The smallest question is 5 octets, the smallest RR 11 (RFC 1035 §4.1). */
    size_t min_len = DNS_HEADER_LEN + 5 * (size_t)h.qd + 11 * ((size_t)h.an + h.ns + h.ar);
    if (is_whole && min_len > len)
        return APP_PROBE_NO;
    char name[DNS_NAME_TEXT_MAX];
    size_t name_len;
    enum dns_name_result nr = dns_name_decode(&msg, &c, name, &name_len);
    if (nr == DNS_NAME_TRUNCATED)
        return short_input;
    if (nr != DNS_NAME_OK)
        return APP_PROBE_NO;
    uint16_t qtype = cursor_be16(&c);
    uint16_t cls = cursor_be16(&c);
    if (is_answer_only) {
        cursor_skip(&c, 4); /* ttl */
        uint16_t rdlength = cursor_be16(&c);
        if (cursor_ok(&c) && is_whole && rdlength > cursor_left(&c))
            return APP_PROBE_NO;
    }
    if (!cursor_ok(&c))
        return short_input;
    if (dns_message_is_netbios(name, name_len, qtype))
        return APP_PROBE_NO;
    return dns_message_probe_class(cls) ? APP_PROBE_YES : APP_PROBE_NO;
}
