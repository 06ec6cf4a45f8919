/* dns_record.h — one DNS message as handed to app_out (APP_RECORD_DNS).
 *
 * One record per message, query or response (RFC 1035 §4.1), with the
 * questions, answers and authorities decoded and the additionals only
 * counted. Strings live in the parser's per-flow arena and, like the record,
 * are valid only during the emit call. Not a resolver's view: nothing is
 * validated against the question (a CNAME chain is reported as sent).
 */
#ifndef HRADBA_PROTO_DNS_RECORD_H
#define HRADBA_PROTO_DNS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/flow.h"

/* Caps on what one record holds. Sections longer than this are still parsed
 * (for well-formedness and the counts) but not stored; is_capped says so. */
enum {
    DNS_MAX_QUESTIONS = 4, /* real queries carry one (RFC 9619) */
    DNS_MAX_ANSWERS = 32,
    DNS_MAX_AUTHORITIES = 8,
    DNS_MAX_SVC_VALUES = 8,    /* alpn ids, ipv4hint and ipv6hint addresses kept */
    DNS_RDATA_TEXT_MAX = 2048, /* one rdata's text, escapes and NUL included */
    DNS_RDATA_HEX_MAX = 64,    /* octets of an undecoded rdata shown in hex */
};

/* Header flag bits (RFC 1035 §4.1.1, RFC 2535 §6.1 for AD and CD). */
enum {
    DNS_FLAG_QR = 0x8000,
    DNS_FLAG_AA = 0x0400,
    DNS_FLAG_TC = 0x0200,
    DNS_FLAG_RD = 0x0100,
    DNS_FLAG_RA = 0x0080,
    DNS_FLAG_Z = 0x0040,
    DNS_FLAG_AD = 0x0020,
    DNS_FLAG_CD = 0x0010,
};

/* RR types with decoded rdata (IANA "Resource Record (RR) TYPEs"). */
enum {
    DNS_TYPE_A = 1,
    DNS_TYPE_NS = 2,
    DNS_TYPE_CNAME = 5,
    DNS_TYPE_SOA = 6,
    DNS_TYPE_NULL = 10,
    DNS_TYPE_PTR = 12,
    DNS_TYPE_MX = 15,
    DNS_TYPE_TXT = 16,
    DNS_TYPE_AAAA = 28,
    DNS_TYPE_SRV = 33,
    DNS_TYPE_OPT = 41,
    DNS_TYPE_SVCB = 64,
    DNS_TYPE_HTTPS = 65,
};

/* Classes with a meaning of their own (RFC 2136 §2.4 uses them in UPDATE). */
enum {
    DNS_CLASS_IN = 1,
    DNS_CLASS_CH = 3,
    DNS_CLASS_HS = 4,
    DNS_CLASS_NONE = 254,
    DNS_CLASS_ANY = 255,
};

struct dns_question {
    const char *rrname; /* escaped text, see dns_name.h */
    uint16_t rrtype;
    uint16_t rrclass;
};

/* How an answer's rdata was decoded, i.e. which union member is valid. */
enum dns_rdata_kind {
    DNS_RDATA_HEX = 0, /* not decoded: rdata is hex of the first DNS_RDATA_HEX_MAX octets */
    DNS_RDATA_ADDR,    /* A, AAAA: u.addr */
    DNS_RDATA_NAME,    /* CNAME, NS, PTR: rdata is the name */
    DNS_RDATA_TEXT,    /* TXT, NULL: rdata is the escaped character-strings, concatenated */
    DNS_RDATA_MX,      /* rdata is the exchange; u.mx */
    DNS_RDATA_SOA,     /* u.soa */
    DNS_RDATA_SRV,     /* u.srv */
    DNS_RDATA_SVCB,    /* SVCB, HTTPS: u.svcb */
    DNS_RDATA_BAD,     /* rdata did not match its type: rdata is hex as for HEX */
};

struct dns_soa {
    const char *mname;
    const char *rname;
    uint32_t serial, refresh, retry, expire, minimum;
};

struct dns_srv { /* RFC 2782 */
    uint16_t priority, weight, port;
    const char *target;
};

struct dns_svcb {      /* RFC 9460 §2.2; lists keep their first DNS_MAX_SVC_VALUES */
    uint16_t priority; /* 0: AliasMode */
    const char *target;
    bool has_port;
    uint16_t port;
    uint8_t alpn_count, ipv4hint_count, ipv6hint_count;
    const char *alpn[DNS_MAX_SVC_VALUES];     /* escaped like names */
    const char *ipv4hint[DNS_MAX_SVC_VALUES]; /* dotted quad */
    const char *ipv6hint[DNS_MAX_SVC_VALUES]; /* RFC 5952 text */
};

struct dns_answer {
    const char *rrname;
    uint16_t rrtype;
    uint16_t rrclass;
    uint32_t ttl;
    uint16_t rdata_len; /* RDLENGTH as on the wire */
    enum dns_rdata_kind kind;
    /* Presentation text, never NULL: the address (RFC 5952 for AAAA), the
     * name, the strings, "pref exchange"-less exchange for MX (as Suricata),
     * "mname rname serial refresh retry expire minimum" for SOA, "priority
     * weight port target" for SRV, RFC 9460 presentation for SVCB/HTTPS
     * (known keys only), hex otherwise. */
    const char *rdata;
    bool is_rdata_truncated; /* rdata text was cut at DNS_RDATA_TEXT_MAX / HEX_MAX */
    union {
        uint8_t addr[16]; /* 4 octets for A */
        struct {
            uint16_t preference;
        } mx;
        struct dns_soa soa;
        struct dns_srv srv;
        struct dns_svcb svcb;
    } u;
};

struct dns_record {
    enum flow_dir dir;
    bool is_tcp;
    uint32_t msg_len; /* bytes of the whole message (TCP: without its length prefix) */
    uint64_t tx_id;   /* a response carries its query's tx_id (matched on id) */
    uint16_t id;
    uint16_t flags;   /* the whole 16-bit flags word */
    uint8_t opcode;   /* 4 bits */
    uint8_t rcode;    /* 4 bits; the EDNS extended rcode is not merged */
    bool is_response; /* qr */
    bool aa, tc, rd, ra, z, ad, cd;
    /* Section counts as the header states them (RFC 1035 §4.1.1). */
    uint16_t qdcount, ancount, nscount, arcount;
    size_t question_count;   /* stored in questions[] */
    size_t answer_count;     /* stored in answers[] */
    size_t authority_count;  /* stored in authorities[] */
    size_t additional_count; /* parsed (not stored) */
    bool is_capped;          /* a cap dropped records or strings */
    /* A section after the questions was malformed: what precedes it is
     * valid, the rest is missing. The anomaly was emitted just before. */
    bool is_malformed;
    struct dns_question questions[DNS_MAX_QUESTIONS];
    struct dns_answer answers[DNS_MAX_ANSWERS];
    struct dns_answer authorities[DNS_MAX_AUTHORITIES];
};

/* IANA mnemonics ("A", "HTTPS", "NSAPPTR" as Suricata spells type 23);
 * unknown values print as decimal into buf, which must hold 8 bytes. */
const char *dns_rrtype_name(uint16_t rrtype, char buf[8]);
/* "NOERROR", "NXDOMAIN", ... (RFC 6895 §2.3); others decimal into buf[8]. */
const char *dns_rcode_name(uint8_t rcode, char buf[8]);

#endif
