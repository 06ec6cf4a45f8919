/* fuzz_dns.c — libFuzzer target for the DNS parsers (src/proto/dns/) and
 * the EVE dns formatter (src/output/dns_eve.c).
 *
 * Input (a shape of its own): one selector byte, then the payload. The
 * payload is fed to the UDP parser as one datagram in each direction (after
 * probing it), then to the TCP parser as one direction's stream split into
 * 3 chunks (some possibly empty) at offsets chosen by the selector; a gap
 * of 3 or 300 octets is reported between chunks when the selector's top
 * bit is set. Every chunk is fed from an exact-size copy (fuzz_app.h).
 * Every record is formatted with dns_eve_format and the result checked, so
 * the formatter is fuzzed on whatever the parser produces.
 */
#include "fuzz_app.h"
#include "proto/dns/dns_eve.h"
#include "proto/dns/dns_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_dns_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    (void)type;
    const struct dns_record *r = record;
    dns_eve_format(&f->b, r);
    for (size_t i = 0; i < r->question_count; i++)
        dns_eve_format_query(&f->b, r, i);
}

static void fuzz_dns_udp(const uint8_t *p, size_t len)
{
    struct fuzz_app f = {
        .parser = &dns_udp_parser, .type = APP_RECORD_DNS, .format = fuzz_dns_format};
    void *st = fuzz_app_begin(&f);
    if (st) {
        dns_udp_parser.probe(FLOW_TOSERVER, p, len);
        fuzz_app_feed(&f, st, FLOW_TOSERVER, p, len);
        fuzz_app_feed(&f, st, FLOW_TOCLIENT, p, len);
        dns_udp_parser.flow_end(st, &f.out);
    }
    fuzz_app_end(&f, st);
}

static void fuzz_dns_tcp(uint8_t sel, const uint8_t *p, size_t len)
{
    struct fuzz_app f = {
        .parser = &dns_tcp_parser, .type = APP_RECORD_DNS, .format = fuzz_dns_format};
    void *st = fuzz_app_begin(&f);
    if (st) {
        size_t cut1 = len ? (size_t)(sel & 0x7) * len / 8 : 0;
        size_t cut2 = len ? cut1 + (size_t)((sel >> 3) & 0x7) * (len - cut1) / 8 : 0;
        dns_tcp_parser.probe(FLOW_TOSERVER, p, len);
        enum app_result r = APP_OK;
        const size_t cuts[4] = {0, cut1, cut2, len};
        for (size_t i = 0; i < 3 && r == APP_OK; i++) {
            if (i > 0 && (sel & 0x80))
                r = fuzz_app_gap(&f, st, FLOW_TOSERVER, sel & 0x40 ? 3 : 300);
            if (r == APP_OK)
                r = fuzz_app_feed(&f, st, FLOW_TOSERVER, p + cuts[i], cuts[i + 1] - cuts[i]);
        }
        dns_tcp_parser.flow_end(st, &f.out);
    }
    fuzz_app_end(&f, st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fuzz_dns_udp(data + 1, size - 1);
    fuzz_dns_tcp(data[0], data + 1, size - 1);
    return 0;
}
