/* dns_test_util.h — helpers for the DNS unit tests: an app_out that keeps
 * every record (as its EVE "dns" JSON) and anomaly, a message builder for
 * hand-made (hostile) messages, and JSON path lookups. */
#ifndef HRADBA_TESTS_DNS_TEST_UTIL_H
#define HRADBA_TESTS_DNS_TEST_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/dns/dns_record.h"

enum { CAP_MAX = 64 };

struct dns_capture {
    struct app_out out;
    size_t record_count;
    size_t anomaly_count;
    const char *anomalies[CAP_MAX]; /* static strings */
    enum flow_dir anomaly_dir[CAP_MAX];
    json_t *records[CAP_MAX]; /* {"dns": {...}} as dns_eve_format wrote it */
    /* Scalars copied from the live record (its strings die after emit). */
    struct dns_record_summary {
        bool is_response, is_malformed, is_capped, is_tcp;
        uint64_t tx_id;
        size_t question_count, answer_count, authority_count, additional_count;
        uint16_t ancount;
        enum dns_rdata_kind kinds[DNS_MAX_ANSWERS];
    } sum[CAP_MAX];
    /* Optional check run on the live record during emit. */
    void (*on_record)(const struct dns_record *r, void *arg);
    void *arg;
};

void cap_init(struct dns_capture *c);
void cap_fini(struct dns_capture *c);
/* The JSON value at "dns.answers[0].rrname"-style path in record i, or NULL. */
json_t *cap_get(const struct dns_capture *c, size_t i, const char *path);
const char *cap_str(const struct dns_capture *c, size_t i, const char *path);
long long cap_int(const struct dns_capture *c, size_t i, const char *path);
/* The number of anomalies named `event`. */
size_t cap_count(const struct dns_capture *c, const char *event);

/* One UDP datagram through dns_udp_parser with a fresh state. */
void run_udp(struct dns_capture *c, enum flow_dir dir, const uint8_t *msg, size_t len);

/* A message builder (big enough for a 64 KB TCP message). */
struct mb {
    uint8_t b[70000];
    size_t len;
};
void mb_init(struct mb *m);
void mb_u8(struct mb *m, unsigned v);
void mb_u16(struct mb *m, unsigned v);
void mb_u32(struct mb *m, uint32_t v);
void mb_bytes(struct mb *m, const void *p, size_t n);
/* "www.example.com" as labels plus the root octet ("" is the root). */
void mb_name(struct mb *m, const char *dotted);
void mb_header(struct mb *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
               unsigned ar);
/* A question for name/type, class IN. */
void mb_question(struct mb *m, const char *name, unsigned type);
/* An RR header (name, type, class IN, ttl, rdlength) before its rdata. */
void mb_rr(struct mb *m, const char *name, unsigned type, uint32_t ttl, unsigned rdlength);
/* Overwrites a 16-bit value at offset off (e.g. an rdlength filled in late). */
void mb_put16_at(struct mb *m, size_t off, unsigned v);

#endif
