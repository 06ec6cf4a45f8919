/* mysql_parser.c — the MySQL connection phase as an app_parser (see
 * mysql_parser.h).
 *
 * A packet is a 3-octet little-endian payload length, a sequence number and
 * the payload. The server opens with HandshakeV10 (protocol 10, a NUL-ended
 * version, connection id, 8 octets of scramble, a 0 filler, the low 16
 * capability bits, then optionally charset, status and the high 16 bits).
 * The client answers with sequence 1: an SSLRequest (capabilities with
 * CLIENT_SSL, max packet size, charset, 23 octets of filler: 32 octets; 5
 * octets without CLIENT_PROTOCOL_41), after which it starts TLS at once,
 * or a HandshakeResponse, after which nothing here is of interest. Each
 * packet is read as it streams in: its header and first payload octets are
 * gathered in a fixed buffer, the rest passed over.
 */
#include "proto/mysql/mysql_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

enum {
    MYSQL_HEADER_LEN = 4,
    MYSQL_KEEP = 128,          /* payload octets kept: a greeting up to its capabilities */
    MYSQL_VERSION_MAX = 80,    /* server version string, for the probe */
    MYSQL_GREETING_MIN = 18,   /* protocol, 1-octet version and NUL, id, scramble, filler, caps */
    MYSQL_GREETING_MAX = 1024, /* a greeting is about 100 octets */
    MYSQL_PROTOCOL_10 = 0x0a,
    MYSQL_ERR = 0xff, /* ERR_Packet: the server refuses the connection */
    MYSQL_SSL_REQUEST_LEN = 32,
    MYSQL_SSL_REQUEST_LEN_320 = 5, /* without CLIENT_PROTOCOL_41 */
};

/* Capability flags (MySQL's CLIENT_*). */
enum {
    MYSQL_CLIENT_PROTOCOL_41 = 0x0200,
    MYSQL_CLIENT_SSL = 0x0800,
};

enum mysql_phase {
    MYSQL_PHASE_GREETING = 0, /* reading the server's first packet */
    MYSQL_PHASE_RESPONSE,     /* reading the client's first packet */
};

enum mysql_anomaly {
    MYSQL_ANOMALY_GREETING_INVALID,
    MYSQL_ANOMALY_CLIENT_FIRST,
    MYSQL_ANOMALY_SEQUENCE_INVALID,
    MYSQL_ANOMALY_RESPONSE_INVALID,
    MYSQL_ANOMALY_SSL_REQUEST_INVALID,
    MYSQL_ANOMALY_SSL_NOT_OFFERED,
    MYSQL_ANOMALY_COUNT
};

static const char *const mysql_anomaly_names[MYSQL_ANOMALY_COUNT] = {
    [MYSQL_ANOMALY_GREETING_INVALID] = "greeting_invalid",
    [MYSQL_ANOMALY_CLIENT_FIRST] = "client_first",
    [MYSQL_ANOMALY_SEQUENCE_INVALID] = "sequence_invalid",
    [MYSQL_ANOMALY_RESPONSE_INVALID] = "response_invalid",
    [MYSQL_ANOMALY_SSL_REQUEST_INVALID] = "ssl_request_invalid",
    [MYSQL_ANOMALY_SSL_NOT_OFFERED] = "ssl_not_offered",
};

struct mysql_state {
    uint8_t phase;                              /* enum mysql_phase */
    uint8_t buf[MYSQL_HEADER_LEN + MYSQL_KEEP]; /* the current packet's header and first octets */
    uint16_t have;                              /* octets in buf */
    uint16_t want;                              /* payload octets to keep (after the header) */
    uint32_t skip;                              /* payload octets still to pass over */
    uint16_t server_caps;                       /* the greeting's low 16 capability bits */
    uint32_t anomaly_seen;                      /* bit per enum mysql_anomaly already emitted */
};

static void mysql_parser_anomaly(struct mysql_state *st, struct app_out *out, enum flow_dir dir,
                                 enum mysql_anomaly a)
{
    if (st->anomaly_seen & (1u << a))
        return;
    st->anomaly_seen |= 1u << a;
    app_out_anomaly(out, APP_PROTO_MYSQL, dir, mysql_anomaly_names[a]);
}

/* The payload length in a packet header. */
static uint32_t mysql_parser_len(struct cursor *c)
{
    uint32_t lo = cursor_le16(c);
    return lo | (uint32_t)cursor_u8(c) << 16;
}

/* Takes octets of the current packet from c: the header and up to
 * MYSQL_KEEP payload octets into buf, the rest passed over. True when the
 * packet has ended. */
static bool mysql_parser_packet(struct mysql_state *st, struct cursor *c)
{
    if (st->have < MYSQL_HEADER_LEN) {
        size_t n = MYSQL_HEADER_LEN - st->have;
        n = n < cursor_left(c) ? n : cursor_left(c);
        cursor_copy(c, st->buf + st->have, n);
        st->have = (uint16_t)(st->have + n);
        if (st->have < MYSQL_HEADER_LEN)
            return false;
        struct cursor h = cursor_make(st->buf, MYSQL_HEADER_LEN);
        uint32_t len = mysql_parser_len(&h);
        st->want = (uint16_t)(len < MYSQL_KEEP ? len : MYSQL_KEEP);
        st->skip = len - st->want;
    }
    size_t n = (size_t)MYSQL_HEADER_LEN + st->want - st->have;
    n = n < cursor_left(c) ? n : cursor_left(c);
    cursor_copy(c, st->buf + st->have, n);
    st->have = (uint16_t)(st->have + n);
    if (st->have < MYSQL_HEADER_LEN + st->want)
        return false;
    n = st->skip < cursor_left(c) ? st->skip : cursor_left(c);
    cursor_skip(c, n);
    st->skip -= (uint32_t)n;
    return st->skip == 0;
}

/* The kept payload of the packet that just ended; its full length in *len. */
static struct cursor mysql_parser_payload(const struct mysql_state *st, uint32_t *len, uint8_t *seq)
{
    struct cursor h = cursor_make(st->buf, MYSQL_HEADER_LEN);
    *len = mysql_parser_len(&h);
    *seq = cursor_u8(&h);
    return cursor_make(st->buf + MYSQL_HEADER_LEN, st->want);
}

static void mysql_parser_next_packet(struct mysql_state *st)
{
    st->have = 0;
    st->want = 0;
    st->skip = 0;
}

/* HandshakeV10: only CLIENT_SSL matters here, in the low 16 capability
 * bits (the high 16 follow charset and status). */
static enum app_result mysql_parser_greeting(struct mysql_state *st, struct app_out *out)
{
    uint32_t len;
    uint8_t seq;
    struct cursor c = mysql_parser_payload(st, &len, &seq);
    uint8_t proto = cursor_u8(&c);
    if (proto == MYSQL_ERR && cursor_ok(&c))
        return APP_DONE; /* refused ("Host ... is not allowed"): no session follows */
    const uint8_t *nul = memchr(cursor_ptr(&c), 0, cursor_left(&c));
    if (proto != MYSQL_PROTOCOL_10 || !nul) {
        mysql_parser_anomaly(st, out, FLOW_TOCLIENT, MYSQL_ANOMALY_GREETING_INVALID);
        return APP_DONE;
    }
    cursor_skip(&c, (size_t)(nul - cursor_ptr(&c)) + 1); /* the version */
    cursor_skip(&c, 4 + 8 + 1);                          /* id, scramble, filler */
    uint16_t caps = cursor_le16(&c);
    if (!cursor_ok(&c)) {
        mysql_parser_anomaly(st, out, FLOW_TOCLIENT, MYSQL_ANOMALY_GREETING_INVALID);
        return APP_DONE;
    }
    st->server_caps = caps;
    st->phase = MYSQL_PHASE_RESPONSE;
    return APP_OK;
}

/* The client's first packet: an SSL request hands the rest to TLS. */
static enum app_result mysql_parser_response(struct mysql_state *st, size_t rest,
                                             struct app_out *out)
{
    uint32_t len;
    uint8_t seq;
    struct cursor c = mysql_parser_payload(st, &len, &seq);
    if (seq != 1)
        mysql_parser_anomaly(st, out, FLOW_TOSERVER, MYSQL_ANOMALY_SEQUENCE_INVALID);
    uint32_t caps = cursor_le16(&c);
    if (!cursor_ok(&c)) {
        mysql_parser_anomaly(st, out, FLOW_TOSERVER, MYSQL_ANOMALY_RESPONSE_INVALID);
        return APP_DONE;
    }
    if (!(caps & MYSQL_CLIENT_SSL))
        return APP_DONE; /* a plain login: the rest is queries */
    uint32_t want =
        (caps & MYSQL_CLIENT_PROTOCOL_41) ? MYSQL_SSL_REQUEST_LEN : MYSQL_SSL_REQUEST_LEN_320;
    if (len != want) {
        /* CLIENT_SSL on a full HandshakeResponse: not the protocol. */
        mysql_parser_anomaly(st, out, FLOW_TOSERVER, MYSQL_ANOMALY_SSL_REQUEST_INVALID);
        return APP_DONE;
    }
    if (!(st->server_caps & MYSQL_CLIENT_SSL))
        mysql_parser_anomaly(st, out, FLOW_TOSERVER, MYSQL_ANOMALY_SSL_NOT_OFFERED);
    /* TLS starts at the next octet. APP_SWITCH_TLS starts the TLS parser
     * with the next call; when the ClientHello shares this call (one
     * segment, or segments reassembled together), APP_REDETECT is the
     * hand-over that keeps the octets from handover_at on, and detection
     * finds TLS in them. */
    return rest > 0 ? APP_REDETECT : APP_SWITCH_TLS;
}

static enum app_result mysql_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                   struct app_out *out)
{
    struct mysql_state *st = vst;
    struct cursor c = cursor_make(data, len);
    enum flow_dir reader = st->phase == MYSQL_PHASE_GREETING ? FLOW_TOCLIENT : FLOW_TOSERVER;
    if (dir != reader) {
        if (dir == FLOW_TOSERVER) { /* the client spoke before the greeting was whole */
            mysql_parser_anomaly(st, out, dir, MYSQL_ANOMALY_CLIENT_FIRST);
            return APP_DONE;
        }
        return APP_OK; /* the server has nothing to say until the client answers */
    }
    if (!mysql_parser_packet(st, &c))
        return APP_OK; /* every octet was taken: the packet goes on in the next call */
    enum app_result r = st->phase == MYSQL_PHASE_GREETING
                            ? mysql_parser_greeting(st, out)
                            : mysql_parser_response(st, cursor_left(&c), out);
    mysql_parser_next_packet(st);
    /* Only the response's end matters to the app layer (a hand-over point);
     * octets after the greeting, before the client answered, are not read. */
    out->handover_at = len - cursor_left(&c);
    return r;
}

/* Lost octets leave the packet framing unknown before the handshake ended. */
static enum app_result mysql_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)vst;
    (void)dir;
    (void)len;
    (void)out;
    return APP_DONE;
}

static void *mysql_state_new(void)
{
    return calloc(1, sizeof(struct mysql_state));
}

static void mysql_state_free(void *vst)
{
    free(vst);
}

static size_t mysql_state_mem(const void *vst)
{
    (void)vst;
    return sizeof(struct mysql_state);
}

/* Server only (the client never speaks first): a HandshakeV10 with sequence
 * 0, a sane length, a printable version ended by NUL and the 0 filler after
 * id and scramble. */
static enum app_probe mysql_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    if (dir != FLOW_TOCLIENT)
        return APP_PROBE_NO;
    struct cursor c = cursor_make(data, len);
    uint8_t ch = 0;
    uint8_t lo = 0;
    /* The length's third octet must be 0, so two octets tell it already
     * (a server sending "00 00" is no MySQL server). */
    if (!cursor_peek_u8(&c, 0, &lo) || !cursor_peek_u8(&c, 1, &ch))
        return APP_PROBE_MAYBE;
    uint32_t plen = lo | (uint32_t)ch << 8;
    if (plen < MYSQL_GREETING_MIN || plen > MYSQL_GREETING_MAX)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 2, &ch))
        return APP_PROBE_MAYBE;
    if (ch != 0)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 3, &ch))
        return APP_PROBE_MAYBE;
    if (ch != 0)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 4, &ch))
        return APP_PROBE_MAYBE;
    if (ch != MYSQL_PROTOCOL_10)
        return APP_PROBE_NO;
    size_t ver = 0;
    for (;;) { /* at most MYSQL_VERSION_MAX + 1 turns */
        if (!cursor_peek_u8(&c, 5 + ver, &ch))
            return APP_PROBE_MAYBE;
        if (ch == 0)
            break;
        if (ch < 0x20 || ch > 0x7e || ++ver > MYSQL_VERSION_MAX)
            return APP_PROBE_NO;
    }
    if (ver == 0 || plen < ver + MYSQL_GREETING_MIN - 1)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 5 + ver + 1 + 4 + 8, &ch))
        return APP_PROBE_MAYBE;
    return ch == 0 ? APP_PROBE_YES : APP_PROBE_NO;
}

const struct app_parser mysql_parser = {
    .proto = APP_PROTO_MYSQL,
    .name = "mysql",
    .is_datagram = false,
    .probe = mysql_probe,
    .state_new = mysql_state_new,
    .state_free = mysql_state_free,
    .parse = mysql_parse,
    .gap = mysql_gap,
    .flow_end = NULL, /* nothing is pending: the parser writes no record */
    .state_mem = mysql_state_mem,
};
