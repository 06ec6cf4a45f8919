/* community_id.c — Community ID v1 of a flow.
 *
 * Follows https://github.com/corelight/community-id-spec: SHA-1 over
 * seed(2) . addr . addr . proto(1) . pad(1) [. port(2) . port(2)], endpoints
 * ordered so the smaller (address, port) comes first, base64, "1:" prefix.
 * ICMP and ICMPv6 use type/counter-type (or type/code for one-way messages)
 * as ports, per the spec's Zeek-derived tables. SHA-1 through core/digest.
 */
#include "flow/community_id.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

#include "core/digest.h"

enum {
    CID_PROTO_ICMP = 1,
    CID_PROTO_TCP = 6,
    CID_PROTO_UDP = 17,
    CID_PROTO_ICMPV6 = 58,
    CID_PROTO_SCTP = 132
};

/* Request/response ICMP type pairs (the spec's tables, from Zeek); each
 * type's counterpart stands in for the destination port. */
static const uint8_t community_id_icmp4_pairs[][2] = {
    {8, 0},   /* echo, echo reply */
    {13, 14}, /* timestamp, reply */
    {15, 16}, /* information request, reply */
    {10, 9},  /* router solicitation, advertisement */
    {17, 18}, /* address mask request, reply */
};

static const uint8_t community_id_icmp6_pairs[][2] = {
    {128, 129}, /* echo request, reply */
    {130, 131}, /* multicast listener query, report */
    {133, 134}, /* router solicitation, advertisement */
    {135, 136}, /* neighbour solicitation, advertisement */
    {139, 140}, /* node information query, reply ("who are you") */
    {144, 145}, /* home agent address discovery request, reply */
};

/* The counterpart of type, or -1 for a one-way message (errors, redirects). */
static int community_id_icmp_peer(bool is_v6, uint8_t type)
{
    const uint8_t(*pairs)[2] = is_v6 ? community_id_icmp6_pairs : community_id_icmp4_pairs;
    size_t n = is_v6 ? sizeof(community_id_icmp6_pairs) / sizeof(community_id_icmp6_pairs[0])
                     : sizeof(community_id_icmp4_pairs) / sizeof(community_id_icmp4_pairs[0]);
    for (size_t i = 0; i < n; i++) {
        if (pairs[i][0] == type)
            return pairs[i][1];
        if (pairs[i][1] == type)
            return pairs[i][0];
    }
    return -1;
}

struct community_id_tuple {
    const uint8_t *addr[2];
    uint16_t port[2];
    bool is_one_way;
};

/* ICMP: the message the client sent first gives the ports; a flow seen only
 * from the server side hashes that message with the server as source. */
static void community_id_icmp_tuple(const struct flow *f, struct community_id_tuple *t)
{
    unsigned d = f->has_icmp[FLOW_TOSERVER] || !f->has_icmp[FLOW_TOCLIENT] ? 0 : 1;
    uint8_t type = f->icmp_type[d];
    int peer = community_id_icmp_peer(f->key.proto == CID_PROTO_ICMPV6, type);
    t->addr[0] = f->key.addr[d];
    t->addr[1] = f->key.addr[d ^ 1u];
    t->port[0] = type;
    t->port[1] = peer >= 0 ? (uint16_t)peer : f->icmp_code[d];
    t->is_one_way = peer < 0;
}

int community_id_v1(const struct flow *f, uint16_t seed, char out[COMMUNITY_ID_LEN])
{
    size_t alen;
    if (f->key.ip_version == 4)
        alen = 4;
    else if (f->key.ip_version == 6)
        alen = 16;
    else
        return -EINVAL;

    uint8_t proto = f->key.proto;
    struct community_id_tuple t = {
        .addr = {f->key.addr[0], f->key.addr[1]},
        .port = {f->key.port[0], f->key.port[1]},
    };
    bool has_ports = true;
    if ((proto == CID_PROTO_ICMP && f->key.ip_version == 4) ||
        (proto == CID_PROTO_ICMPV6 && f->key.ip_version == 6))
        community_id_icmp_tuple(f, &t);
    else if (proto != CID_PROTO_TCP && proto != CID_PROTO_UDP && proto != CID_PROTO_SCTP)
        has_ports = false;

    if (!t.is_one_way) {
        int c = memcmp(t.addr[0], t.addr[1], alen);
        if (c > 0 || (c == 0 && t.port[0] > t.port[1])) {
            const uint8_t *a = t.addr[0];
            t.addr[0] = t.addr[1];
            t.addr[1] = a;
            uint16_t p = t.port[0];
            t.port[0] = t.port[1];
            t.port[1] = p;
        }
    }

    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t n = 0;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, t.addr[0], alen);
    n += alen;
    memcpy(buf + n, t.addr[1], alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (has_ports) {
        for (unsigned i = 0; i < 2; i++) {
            buf[n++] = (uint8_t)(t.port[i] >> 8);
            buf[n++] = (uint8_t)t.port[i];
        }
    }

    uint8_t digest[DIGEST_SHA256_LEN]; /* room for any; SHA-1 fills 20 */
    if (digest_oneshot(DIGEST_SHA1, buf, n, digest) != 0)
        return -ENOMEM;
    out[0] = '1';
    out[1] = ':';
    /* 20 bytes -> 28 base64 characters and a NUL: exactly fills out. */
    EVP_EncodeBlock((unsigned char *)out + 2, digest, DIGEST_SHA1_LEN);
    return 0;
}
