/* flow_test_util.h — hand-built decoded packets and an end-callback recorder
 * for the flow unit tests. Header-only, test-only. */
#ifndef HRADBA_TESTS_FLOW_TEST_UTIL_H
#define HRADBA_TESTS_FLOW_TEST_UTIL_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "decode/packet.h"
#include "flow/flow.h"

enum { TEST_US = 1000000 };

/* An IPv4 or IPv6 packet by address text; the protocol's header flag is set
 * for TCP (6), UDP (17), ICMP (1) and ICMPv6 (58). */
static inline struct packet test_packet(const char *src, uint16_t sport, const char *dst,
                                        uint16_t dport, uint8_t proto, uint64_t ts_us)
{
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.ts_us = ts_us;
    p.wirelen = 100;
    p.caplen = 100;
    p.frame_count = 1;
    p.frame_bytes = 100;
    p.ip_proto = proto;
    if (strchr(src, ':')) {
        p.ip_version = 6;
        inet_pton(AF_INET6, src, p.src_ip);
        inet_pton(AF_INET6, dst, p.dst_ip);
    } else {
        p.ip_version = 4;
        inet_pton(AF_INET, src, p.src_ip);
        inet_pton(AF_INET, dst, p.dst_ip);
    }
    switch (proto) {
    case 6:
        p.flags |= PACKET_HAS_TCP;
        break;
    case 17:
        p.flags |= PACKET_HAS_UDP;
        break;
    case 1:
    case 58:
        p.flags |= PACKET_HAS_ICMP;
        break;
    default:
        break;
    }
    if (proto == 6 || proto == 17) {
        p.src_port = sport;
        p.dst_port = dport;
    }
    return p;
}

static inline struct packet test_tcp(const char *src, uint16_t sport, const char *dst,
                                     uint16_t dport, uint8_t flags, uint64_t ts_us)
{
    struct packet p = test_packet(src, sport, dst, dport, 6, ts_us);
    p.tcp_flags = flags;
    return p;
}

/* Records the flows a table ends (copies: the flow is gone after the call). */
enum { TEST_ENDED_MAX = 64 };
struct test_ended {
    struct flow flows[TEST_ENDED_MAX];
    size_t count; /* all ends, also past TEST_ENDED_MAX */
    size_t by_reason[3];
};

static inline void test_on_end(void *ctx, struct flow *f)
{
    struct test_ended *e = ctx;
    if (e->count < TEST_ENDED_MAX)
        e->flows[e->count] = *f;
    e->count++;
    if (f->end_reason < 3)
        e->by_reason[f->end_reason]++;
}

#endif
