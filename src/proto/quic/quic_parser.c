/* quic_parser.c — the QUIC app parser: packets, keys, hellos, one record.
 *
 * Per connection the state holds the keys of both sides (derived once from
 * the client's first DCID, and again from a Retry's SCID, RFC 9001 §5.2)
 * and one CRYPTO stream per side. The ClientHello is read when its stream
 * is whole; the record is written once the ServerHello is read too, or the
 * server has sent QUIC_SERVER_WAIT datagrams without one, or the client
 * has moved to 1-RTT, or the flow ends. The parser then says APP_DONE: an
 * established connection costs nothing more. Anomalies are reported once
 * per cause where a peer could repeat them (decryption failures).
 */
#include "proto/quic/quic_parser.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/quic/quic_crypto.h"
#include "proto/quic/quic_frame.h"
#include "proto/quic/quic_header.h"
#include "proto/quic/quic_initial.h"
#include "proto/quic/quic_record.h"
#include "proto/quic/quic_tp.h"
#include "proto/tls/tls_hello.h"

enum {
    QUIC_CLIENT_MIN_DCID = 8, /* RFC 9000 §7.2: a client's first DCID */
    TLS_CLIENT_HELLO = 1,
    TLS_SERVER_HELLO = 2,
};

struct quic_side {
    struct quic_crypto_stream crypto;
    struct tls_hello hello; /* views into crypto's buffer */
    bool has_hello;
    bool is_failed; /* the stream or its hello broke: nothing more is read */
    bool has_decrypt_anomaly;
    uint32_t decrypt_failures;
};

struct quic_state {
    const struct quic_version_info *info; /* version the keys belong to */
    uint32_t version;
    bool has_version;
    bool has_keys;
    uint8_t key_dcid_len;
    uint8_t key_dcid[QUIC_CID_MAX];
    struct quic_keys keys[2]; /* by flow_dir: the client's, the server's */
    struct quic_side side[2];
    bool has_retry;
    bool has_version_negotiation;
    bool has_client_short; /* the client sent 1-RTT: its handshake is over */
    bool is_reported;
    unsigned server_wait;
    unsigned datagrams;
};

static void quic_anomaly(struct app_out *out, enum flow_dir dir, const char *event)
{
    app_out_anomaly(out, APP_PROTO_QUIC, dir, event);
}

static bool quic_keys_for(const struct quic_version_info *v, const uint8_t *dcid, size_t dcid_len,
                          struct quic_keys k[2])
{
    return quic_initial_keys(v, dcid, dcid_len, false, &k[FLOW_TOSERVER]) == 0 &&
           quic_initial_keys(v, dcid, dcid_len, true, &k[FLOW_TOCLIENT]) == 0;
}

static bool quic_derive(struct quic_state *st, const struct quic_version_info *v,
                        const uint8_t *dcid, size_t dcid_len)
{
    struct quic_keys k[2];
    if (!quic_keys_for(v, dcid, dcid_len, k))
        return false;
    memcpy(st->keys, k, sizeof(k));
    memcpy(st->key_dcid, dcid, dcid_len);
    st->key_dcid_len = (uint8_t)dcid_len;
    st->info = v;
    st->has_keys = true;
    return true;
}

/* The hello of dir's stream, once whole. */
static void quic_side_hello(struct quic_state *st, enum flow_dir dir, struct app_out *out)
{
    struct quic_side *side = &st->side[dir];
    uint8_t type;
    const uint8_t *body;
    size_t body_len;
    int rc = quic_crypto_message(&side->crypto, &type, &body, &body_len);
    if (rc == 0)
        return;
    const char *event = NULL;
    uint8_t want = dir == FLOW_TOSERVER ? TLS_CLIENT_HELLO : TLS_SERVER_HELLO;
    if (rc < 0)
        event = "hello_too_large";
    else if (type != want)
        event = dir == FLOW_TOSERVER ? "client_hello_expected" : "server_hello_expected";
    if (!event) {
        memset(&side->hello, 0, sizeof(side->hello));
        int prc = dir == FLOW_TOSERVER ? tls_client_hello_parse(body, body_len, &side->hello)
                                       : tls_server_hello_parse(body, body_len, &side->hello);
        if (side->hello.anomaly)
            quic_anomaly(out, dir, side->hello.anomaly);
        if (prc == 0) {
            side->has_hello = true;
            return;
        }
    } else {
        quic_anomaly(out, dir, event);
    }
    side->is_failed = true;
    quic_crypto_fini(&side->crypto);
}

/* The frames of one opened Initial of dir. */
static void quic_payload(struct quic_state *st, enum flow_dir dir, const uint8_t *plain,
                         size_t plain_len, struct app_out *out)
{
    struct quic_side *side = &st->side[dir];
    const char *event = NULL;
    int rc = quic_frame_parse(st->info, plain, plain_len, &side->crypto, NULL, &event);
    if (rc != 0 && event)
        quic_anomaly(out, dir, event);
    quic_side_hello(st, dir, out);
}

static void quic_initial(struct quic_state *st, enum flow_dir dir, const uint8_t *pkt,
                         const struct quic_header *h, struct app_out *out)
{
    struct quic_side *side = &st->side[dir];
    if (side->has_hello || side->is_failed)
        return;
    struct quic_keys keys[2];
    if (dir == FLOW_TOSERVER) {
        /* The first client Initial fixes the keys; a new version (after a
         * Version Negotiation) starts over, CRYPTO stream included. */
        if (st->has_keys && st->info != h->info)
            quic_crypto_fini(&side->crypto);
        if ((!st->has_keys || st->info != h->info) &&
            !quic_derive(st, h->info, h->dcid, h->dcid_len))
            return;
        memcpy(keys, st->keys, sizeof(keys));
    } else if (!st->has_keys) {
        return; /* the client's Initial was not seen: no keys */
    } else if (st->info != h->info) {
        /* Compatible version negotiation (RFC 9368 §2.3): the server
         * answers in its version, keyed from the same client DCID. */
        if (!quic_keys_for(h->info, st->key_dcid, st->key_dcid_len, keys))
            return;
    } else {
        memcpy(keys, st->keys, sizeof(keys));
    }
    if (h->packet_len > QUIC_PLAIN_MAX) {
        quic_anomaly(out, dir, "packet_too_large");
        return;
    }
    uint8_t plain[QUIC_PLAIN_MAX];
    size_t plain_len;
    uint64_t pn;
    const char *event = NULL;
    int rc = quic_initial_open(&keys[dir], pkt, h, plain, sizeof(plain), &plain_len, &pn, &event);
    if (rc != 0 && dir == FLOW_TOSERVER && h->dcid_len >= QUIC_CLIENT_MIN_DCID &&
        (h->dcid_len != st->key_dcid_len || memcmp(h->dcid, st->key_dcid, h->dcid_len) != 0)) {
        /* The capture may have missed the first Initial (or a Retry): try
         * this packet's own DCID, and keep its keys if they open it. */
        const char *event2 = NULL;
        if (quic_keys_for(h->info, h->dcid, h->dcid_len, keys) &&
            quic_initial_open(&keys[dir], pkt, h, plain, sizeof(plain), &plain_len, &pn, &event2) ==
                0) {
            quic_derive(st, h->info, h->dcid, h->dcid_len);
            rc = 0;
        }
    }
    if (rc != 0) {
        side->decrypt_failures++;
        if (event && !side->has_decrypt_anomaly) {
            side->has_decrypt_anomaly = true;
            quic_anomaly(out, dir, event);
        }
        return;
    }
    quic_payload(st, dir, plain, plain_len, out);
}

/* RFC 9000 §17.2.5.2: the client takes the first Retry only, and derives
 * new Initial keys from the server's chosen connection ID; its CRYPTO
 * stream starts again at offset 0. */
static void quic_retry(struct quic_state *st, const struct quic_header *h)
{
    if (st->has_retry)
        return;
    st->has_retry = true;
    if (!quic_derive(st, h->info, h->scid, h->scid_len))
        return;
    if (!st->side[FLOW_TOSERVER].has_hello) {
        quic_crypto_fini(&st->side[FLOW_TOSERVER].crypto);
        st->side[FLOW_TOSERVER].is_failed = false;
    }
}

/* Reads the packet at c and advances past it. False when nothing more of
 * the datagram can be read. */
static bool quic_packet(struct quic_state *st, enum flow_dir dir, struct cursor *c,
                        struct app_out *out)
{
    const uint8_t *pkt = cursor_ptr(c);
    struct quic_header h;
    const char *event;
    int rc = quic_header_parse(pkt, cursor_left(c), &h, &event);
    if (rc == -EINVAL) {
        quic_anomaly(out, dir, event);
        return false;
    }
    if (!h.is_long) {
        /* 1-RTT: opaque. A clear fixed bit (RFC 9000 §17.3.1) is rather
         * padding after the last packet (§14.1 lets clients pad datagrams
         * with zeros), not a packet. */
        if (dir == FLOW_TOSERVER && (h.first & 0x40) && st->side[FLOW_TOSERVER].has_hello)
            st->has_client_short = true;
        return false;
    }
    if (h.type != QUIC_PACKET_VERSION_NEGOTIATION && !st->has_version) {
        st->version = h.version;
        st->has_version = true;
    }
    if (rc == -ENOTSUP)
        return false;
    cursor_skip(c, h.packet_len);
    switch (h.type) {
    case QUIC_PACKET_VERSION_NEGOTIATION:
        st->has_version_negotiation |= dir == FLOW_TOCLIENT;
        return false;
    case QUIC_PACKET_RETRY:
        if (dir == FLOW_TOCLIENT)
            quic_retry(st, &h);
        return false;
    case QUIC_PACKET_INITIAL:
        if (dir == FLOW_TOSERVER && st->version != h.version && !st->side[dir].has_hello)
            st->version = h.version; /* the client moved on after Version Negotiation */
        quic_initial(st, dir, pkt, &h, out);
        return true;
    default:
        return true; /* Handshake and 0-RTT: keys from TLS, unknown here */
    }
}

static void quic_ja(struct quic_record *r)
{
    if (r->client_hello) {
        char ja3[TLS_JA3_STR_MAX];
        r->has_ja3 = tls_ja3(r->client_hello, ja3, sizeof(ja3), r->ja3_hash) >= 0;
        if (r->has_ja3) {
            size_t n = strnlen(ja3, sizeof(r->ja3_string) - 1);
            memcpy(r->ja3_string, ja3, n);
            r->ja3_string[n] = '\0';
        }
        r->has_ja4 = tls_ja4(r->client_hello, 'q', r->ja4) == 0;
        const uint8_t *ua;
        size_t ua_len;
        if (quic_tp_find(r->client_hello, QUIC_TP_GOOGLE_USER_AGENT, &ua, &ua_len) && ua_len) {
            r->ua = ua;
            r->ua_len = ua_len < QUIC_UA_MAX ? ua_len : QUIC_UA_MAX;
        }
    }
    if (r->server_hello) {
        char ja3s[TLS_JA3_STR_MAX];
        r->has_ja3s = tls_ja3s(r->server_hello, ja3s, sizeof(ja3s), r->ja3s_hash) >= 0;
        if (r->has_ja3s) {
            size_t n = strnlen(ja3s, sizeof(r->ja3s_string) - 1);
            memcpy(r->ja3s_string, ja3s, n);
            r->ja3s_string[n] = '\0';
        }
    }
}

static void quic_report(struct quic_state *st, struct app_out *out)
{
    if (st->is_reported)
        return;
    st->is_reported = true;
    struct quic_record r;
    memset(&r, 0, sizeof(r));
    r.version = st->version;
    r.has_version = st->has_version;
    r.client_hello = st->side[FLOW_TOSERVER].has_hello ? &st->side[FLOW_TOSERVER].hello : NULL;
    r.server_hello = st->side[FLOW_TOCLIENT].has_hello ? &st->side[FLOW_TOCLIENT].hello : NULL;
    r.has_retry = st->has_retry;
    r.has_version_negotiation = st->has_version_negotiation;
    quic_ja(&r);
    if (r.has_version || r.client_hello)
        app_out_emit(out, APP_RECORD_QUIC, &r);
    quic_crypto_fini(&st->side[FLOW_TOSERVER].crypto);
    quic_crypto_fini(&st->side[FLOW_TOCLIENT].crypto);
    st->side[FLOW_TOSERVER].has_hello = false;
    st->side[FLOW_TOCLIENT].has_hello = false;
}

static bool quic_is_finished(const struct quic_state *st)
{
    const struct quic_side *cs = &st->side[FLOW_TOSERVER], *ss = &st->side[FLOW_TOCLIENT];
    if (!cs->has_hello && !cs->is_failed)
        return false;
    return ss->has_hello || ss->is_failed || st->server_wait >= QUIC_SERVER_WAIT ||
           st->has_client_short;
}

/* After each datagram: write the record and stop once there is no more
 * to learn. */
static enum app_result quic_after(struct quic_state *st, enum flow_dir dir, struct app_out *out)
{
    const struct quic_side *cs = &st->side[FLOW_TOSERVER];
    if (dir == FLOW_TOCLIENT && (cs->has_hello || cs->is_failed))
        st->server_wait++;
    if (quic_is_finished(st) || st->datagrams >= QUIC_DATAGRAMS_MAX) {
        quic_report(st, out);
        return APP_DONE;
    }
    return APP_OK;
}

static enum app_result quic_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    struct quic_state *st = vst;
    if (st->is_reported)
        return APP_DONE;
    st->datagrams++;
    struct cursor c = cursor_make(data, len);
    for (unsigned n = 0; n < QUIC_COALESCED_MAX && cursor_left(&c) > 0; n++)
        if (!quic_packet(st, dir, &c, out))
            break;
    return quic_after(st, dir, out);
}

enum app_result quic_parser_plaintext(void *vst, enum flow_dir dir, uint32_t version,
                                      const uint8_t *payload, size_t len, struct app_out *out)
{
    struct quic_state *st = vst;
    if (st->is_reported)
        return APP_DONE;
    st->datagrams++;
    if (!st->has_version) {
        st->version = version;
        st->has_version = true;
    }
    struct quic_side *side = &st->side[dir];
    if (!side->has_hello && !side->is_failed)
        quic_payload(st, dir, payload, len, out);
    return quic_after(st, dir, out);
}

static enum app_probe quic_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct quic_header h;
    const char *event;
    if (quic_header_parse(data, len, &h, &event) != 0 || !h.is_long ||
        h.type != QUIC_PACKET_INITIAL)
        return APP_PROBE_NO;
    if (dir == FLOW_TOSERVER && h.dcid_len < QUIC_CLIENT_MIN_DCID)
        return APP_PROBE_NO;
    return APP_PROBE_YES;
}

static void *quic_state_new(void)
{
    struct quic_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    quic_crypto_init(&st->side[FLOW_TOSERVER].crypto);
    quic_crypto_init(&st->side[FLOW_TOCLIENT].crypto);
    return st;
}

static void quic_state_free(void *vst)
{
    struct quic_state *st = vst;
    if (!st)
        return;
    quic_crypto_fini(&st->side[FLOW_TOSERVER].crypto);
    quic_crypto_fini(&st->side[FLOW_TOCLIENT].crypto);
    free(st);
}

static size_t quic_state_mem(const void *vst)
{
    const struct quic_state *st = vst;
    return sizeof(*st) + quic_crypto_mem(&st->side[FLOW_TOSERVER].crypto) +
           quic_crypto_mem(&st->side[FLOW_TOCLIENT].crypto);
}

static void quic_flow_end(void *vst, struct app_out *out)
{
    quic_report(vst, out);
}

const struct app_parser quic_parser = {
    .proto = APP_PROTO_QUIC,
    .name = "quic",
    .is_datagram = true,
    .probe = quic_probe,
    .state_new = quic_state_new,
    .state_free = quic_state_free,
    .parse = quic_parse,
    .gap = NULL,
    .flow_end = quic_flow_end,
    .state_mem = quic_state_mem,
};
