/* dns_parser.c — DNS over UDP and TCP (RFC 1035 §4.2, RFC 7766) as app
 * parsers: framing, transaction ids, and handing records to app_out.
 *
 * The per-flow state is small (a UDP DNS flow is often one query): the
 * record and its strings are built on the stack for each message, and TCP
 * only buffers a message that spans segments. After a TCP gap the framing
 * survives when the gap falls inside a message of known length (that message
 * is dropped); otherwise the direction is given up quietly — loss is not an
 * anomaly of the peer.
 */
#include "proto/dns/dns_parser.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/dns/dns_message.h"

enum {
    /* Queries remembered for matching responses by id (Suricata's tx model:
     * an unanswered query's slot is reused after this many newer ones). */
    DNS_PENDING_MAX = 16,
    DNS_TCP_BUF_MIN = 512,
    DNS_TCP_MSG_MAX = 65535, /* the 2-octet length's limit */
};

struct dns_pending {
    uint64_t tx_id;
    uint16_t id;
    bool is_used;
};

/* One direction of a TCP connection. */
struct dns_tcp_dir {
    uint8_t *buf; /* a message spanning segments; grown, never past 64 KB */
    size_t cap;
    size_t have;    /* octets of the current message in buf */
    size_t msg_len; /* 0 while the length prefix is read */
    size_t skip;    /* octets left of a message dropped after a gap */
    uint8_t prefix[2];
    uint8_t prefix_have;
    bool is_dead; /* framing lost: bytes are ignored */
};

struct dns_state {
    bool is_tcp;
    uint64_t tx_next;
    unsigned pending_next;
    struct dns_pending pending[DNS_PENDING_MAX];
    struct dns_tcp_dir tcp[2];
};

static uint64_t dns_parser_tx(struct dns_state *st, const struct dns_record *r)
{
    if (!r->is_response) {
        struct dns_pending *p = &st->pending[st->pending_next];
        st->pending_next = (st->pending_next + 1) % DNS_PENDING_MAX;
        *p = (struct dns_pending){st->tx_next, r->id, true};
        return st->tx_next++;
    }
    for (size_t i = 0; i < DNS_PENDING_MAX; i++) {
        struct dns_pending *p = &st->pending[i];
        if (p->is_used && p->id == r->id) {
            p->is_used = false;
            return p->tx_id;
        }
    }
    return st->tx_next++; /* a response without its query */
}

/* Parses one whole message and hands on its anomaly and record. */
static void dns_parser_message(struct dns_state *st, enum flow_dir dir, const uint8_t *data,
                               size_t len, struct app_out *out)
{
    struct dns_message m; /* ~30 KB of scratch; nothing in it outlives this call */
    const char *event;
    enum dns_message_result res = dns_message_parse(&m, data, len, &event);
    if (event)
        app_out_anomaly(out, APP_PROTO_DNS, dir, event);
    if (res == DNS_MESSAGE_INVALID)
        return;
    m.rec.dir = dir;
    m.rec.is_tcp = st->is_tcp;
    m.rec.msg_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    m.rec.tx_id = dns_parser_tx(st, &m.rec);
    app_out_emit(out, APP_RECORD_DNS, &m.rec);
}

static void *dns_state_new(bool is_tcp)
{
    struct dns_state *st = calloc(1, sizeof(*st));
    if (st)
        st->is_tcp = is_tcp;
    return st;
}

static void *dns_udp_state_new(void)
{
    return dns_state_new(false);
}

static void *dns_tcp_state_new(void)
{
    return dns_state_new(true);
}

static void dns_state_free(void *vst)
{
    struct dns_state *st = vst;
    if (!st)
        return;
    free(st->tcp[0].buf);
    free(st->tcp[1].buf);
    free(st);
}

static size_t dns_state_mem(const void *vst)
{
    const struct dns_state *st = vst;
    return sizeof(*st) + st->tcp[0].cap + st->tcp[1].cap;
}

static void dns_flow_end(void *vst, struct app_out *out)
{
    /* Every message was reported when it was seen; a partial TCP message
     * at the end is loss, not an anomaly. */
    (void)vst;
    (void)out;
}

static enum app_probe dns_udp_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    (void)dir;
    return dns_message_probe(data, len, true);
}

static enum app_probe dns_tcp_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    (void)dir;
    struct cursor c = cursor_make(data, len);
    size_t msg_len = cursor_be16(&c);
    if (!cursor_ok(&c))
        return APP_PROBE_MAYBE;
    if (msg_len < DNS_HEADER_LEN)
        return APP_PROBE_NO;
    size_t avail = cursor_left(&c) < msg_len ? cursor_left(&c) : msg_len;
    return dns_message_probe(cursor_ptr(&c), avail, avail == msg_len);
}

static enum app_result dns_udp_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                     struct app_out *out)
{
    /* Datagrams are independent: a broken one costs its anomaly, not the flow. */
    dns_parser_message(vst, dir, data, len, out);
    return APP_OK;
}

static enum app_result dns_tcp_result(const struct dns_state *st)
{
    return st->tcp[0].is_dead && st->tcp[1].is_dead ? APP_DONE : APP_OK;
}

/* Makes room for a message of msg_len octets; the buffer only grows, by
 * doubling, so a flow reallocates at most 8 times. */
static bool dns_tcp_reserve(struct dns_tcp_dir *d, size_t msg_len)
{
    if (d->cap >= msg_len)
        return true;
    size_t cap = d->cap ? d->cap : DNS_TCP_BUF_MIN;
    while (cap < msg_len) /* at most 8 doublings from 512 to 64 KB */
        cap *= 2;
    uint8_t *buf = realloc(d->buf, cap);
    if (!buf)
        return false;
    d->buf = buf;
    d->cap = cap;
    return true;
}

/* Reads the 2-octet length; false when the stream cannot be DNS. */
static bool dns_tcp_prefix(struct dns_state *st, struct dns_tcp_dir *d, enum flow_dir dir,
                           struct cursor *c, struct app_out *out)
{
    (void)st;
    d->prefix[d->prefix_have++] = cursor_u8(c);
    if (d->prefix_have < 2)
        return true;
    struct cursor pc = cursor_make(d->prefix, 2);
    d->msg_len = cursor_be16(&pc);
    d->prefix_have = 0;
    d->have = 0;
    if (d->msg_len < DNS_HEADER_LEN) { /* no message is shorter than its header */
        app_out_anomaly(out, APP_PROTO_DNS, dir, "tcp_length_invalid");
        d->is_dead = true;
        return false;
    }
    return true;
}

static enum app_result dns_tcp_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                     struct app_out *out)
{
    struct dns_state *st = vst;
    struct dns_tcp_dir *d = &st->tcp[dir == FLOW_TOCLIENT];
    struct cursor c = cursor_make(data, len);
    while (!d->is_dead && cursor_left(&c) > 0) { /* each turn consumes >= 1 octet */
        size_t left = cursor_left(&c);
        if (d->skip > 0) {
            size_t n = d->skip < left ? d->skip : left;
            cursor_skip(&c, n);
            d->skip -= n;
        } else if (d->msg_len == 0) {
            if (!dns_tcp_prefix(st, d, dir, &c, out))
                return APP_ERROR;
        } else if (d->have == 0 && left >= d->msg_len) {
            /* The whole message is in this segment: parse it in place. */
            const uint8_t *msg = cursor_bytes(&c, d->msg_len);
            dns_parser_message(st, dir, msg, d->msg_len, out);
            d->msg_len = 0;
        } else {
            if (!dns_tcp_reserve(d, d->msg_len)) {
                d->is_dead = true; /* out of memory: give up this direction */
                break;
            }
            size_t need = d->msg_len - d->have;
            size_t n = need < left ? need : left;
            memcpy(d->buf + d->have, cursor_bytes(&c, n), n);
            d->have += n;
            if (d->have == d->msg_len) {
                dns_parser_message(st, dir, d->buf, d->msg_len, out);
                d->msg_len = 0;
                d->have = 0;
            }
        }
    }
    return dns_tcp_result(st);
}

static enum app_result dns_tcp_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)out;
    struct dns_state *st = vst;
    struct dns_tcp_dir *d = &st->tcp[dir == FLOW_TOCLIENT];
    if (d->is_dead || len == 0)
        return dns_tcp_result(st);
    if (d->skip > 0 && len <= d->skip) {
        d->skip -= (size_t)len;
    } else if (d->skip == 0 && d->msg_len > 0 && len <= d->msg_len - d->have) {
        /* The hole is inside a message whose end we know: drop the message
         * and pick up the framing after it. */
        d->skip = d->msg_len - d->have - (size_t)len;
        d->msg_len = 0;
        d->have = 0;
    } else {
        d->is_dead = true;
    }
    return dns_tcp_result(st);
}

const struct app_parser dns_udp_parser = {
    .proto = APP_PROTO_DNS,
    .name = "dns",
    .is_datagram = true,
    .probe = dns_udp_probe,
    .state_new = dns_udp_state_new,
    .state_free = dns_state_free,
    .parse = dns_udp_parse,
    .gap = NULL,
    .flow_end = dns_flow_end,
    .state_mem = dns_state_mem,
};

const struct app_parser dns_tcp_parser = {
    .proto = APP_PROTO_DNS,
    .name = "dns",
    .is_datagram = false,
    .probe = dns_tcp_probe,
    .state_new = dns_tcp_state_new,
    .state_free = dns_state_free,
    .parse = dns_tcp_parse,
    .gap = dns_tcp_gap,
    .flow_end = dns_flow_end,
    .state_mem = dns_state_mem,
};
