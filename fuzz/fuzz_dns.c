/* fuzz_dns.c — libFuzzer target for the DNS parsers (src/proto/dns/) and
 * the EVE dns formatter (src/output/dns_eve.c).
 *
 * Input: one selector byte, then the payload. The payload is fed to the UDP
 * parser as one datagram in each direction (after probing it), then to the
 * TCP parser as one direction's stream split into 3 chunks (some possibly
 * empty) at offsets chosen by the selector; a gap of 3 or 300 octets is
 * reported between chunks when the selector's top bit is set. Every chunk is copied to an
 * exact-size buffer so ASan sees a read one past its end. Every record is
 * formatted with dns_eve_format and the result checked, so the formatter is
 * fuzzed on whatever the parser produces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/dns/dns_eve.h"
#include "proto/dns/dns_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_dns_emit(void *ctx, enum app_record type, const void *record)
{
    struct json_buf *b = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != APP_PROTO_DNS)
            abort();
        return;
    }
    if (type != APP_RECORD_DNS)
        abort();
    const struct dns_record *r = record;
    json_buf_reset(b);
    json_buf_open_object(b, NULL);
    dns_eve_format(b, r);
    for (size_t i = 0; i < r->question_count; i++)
        dns_eve_format_query(b, r, i);
    json_buf_close_object(b);
    if (!json_buf_ok(b) || b->depth != 0)
        abort();
}

static enum app_result fuzz_dns_feed(const struct app_parser *p, void *st, enum flow_dir dir,
                                     const uint8_t *data, size_t len, struct app_out *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return APP_ERROR;
    if (len)
        memcpy(copy, data, len);
    enum app_result r = p->parse(st, dir, copy, len, out);
    free(copy);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_buf b;
    json_buf_init(&b);
    struct app_out out = {fuzz_dns_emit, &b, 1, FLOW_TOSERVER, 0};

    if (size < 1)
        goto done;
    const uint8_t sel = data[0];
    const uint8_t *p = data + 1;
    const size_t len = size - 1;

    void *st = dns_udp_parser.state_new();
    if (st) {
        dns_udp_parser.probe(FLOW_TOSERVER, p, len);
        fuzz_dns_feed(&dns_udp_parser, st, FLOW_TOSERVER, p, len, &out);
        fuzz_dns_feed(&dns_udp_parser, st, FLOW_TOCLIENT, p, len, &out);
        dns_udp_parser.flow_end(st, &out);
        dns_udp_parser.state_free(st);
    }

    st = dns_tcp_parser.state_new();
    if (st) {
        size_t cut1 = len ? (size_t)(sel & 0x7) * len / 8 : 0;
        size_t cut2 = len ? cut1 + (size_t)((sel >> 3) & 0x7) * (len - cut1) / 8 : 0;
        dns_tcp_parser.probe(FLOW_TOSERVER, p, len);
        enum app_result r = APP_OK;
        const size_t cuts[4] = {0, cut1, cut2, len};
        for (size_t i = 0; i < 3 && r == APP_OK; i++) {
            if (i > 0 && (sel & 0x80) && dns_tcp_parser.gap)
                r = dns_tcp_parser.gap(st, FLOW_TOSERVER, sel & 0x40 ? 3 : 300, &out);
            if (r == APP_OK)
                r = fuzz_dns_feed(&dns_tcp_parser, st, FLOW_TOSERVER, p + cuts[i],
                                  cuts[i + 1] - cuts[i], &out);
        }
        dns_tcp_parser.state_mem(st);
        dns_tcp_parser.flow_end(st, &out);
    }
    dns_tcp_parser.state_free(st);
done:
    json_buf_fini(&b);
    return 0;
}
