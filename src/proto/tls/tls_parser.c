/* tls_parser.c — the TLS app_parser: handshake state per flow, one record.
 *
 * RFC 8446 §2 and §4, RFC 5246 §7.3 (the message flow), RFC 5077 §3.1 and
 * RFC 5246 §7.3 (abbreviated handshake: resumption), RFC 8446 §4.1.4 (a
 * HelloRetryRequest brings a second ClientHello), RFC 8446 appendix D.4
 * (middlebox-compatibility ChangeCipherSpec). Records and handshake
 * messages come from tls_framing; hellos from tls_hello; the certificate
 * from tls_cert. Not a state machine that enforces the protocol: messages
 * out of order are read for what they say.
 */
#include "proto/tls/tls_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/tls/tls_cert.h"
#include "proto/tls/tls_framing.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_record.h"

struct tls_state {
    /* Indexed by role: FLOW_TOSERVER is the side that sends ClientHello.
     * A capture that starts mid-handshake may have the flow's sides the
     * other way round (is_reversed). */
    struct tls_framing fr[2];
    bool is_dir_done[2]; /* that side turned encrypted, or broke */
    bool is_role_known;
    bool is_reversed;
    bool is_emitted;
    bool has_hrr;                 /* the server asked for a second ClientHello */
    bool has_second_client_hello; /* ... and it came */
    bool has_certificate_msg;
    bool has_server_hello_done;
    uint8_t client_sid[TLS_HELLO_SESSION_ID_MAX];
    size_t client_sid_len;
    /* during a parse/gap/flow_end call */
    struct app_out *out;
    enum flow_dir dir;  /* the flow direction of the bytes, for anomalies */
    enum flow_dir role; /* the role of their sender */
    struct tls_record rec;
};

static void tls_anomaly(struct tls_state *s, const char *event)
{
    app_out_anomaly(s->out, APP_PROTO_TLS, s->dir, event);
}

static void tls_sink_anomaly(void *ctx, const char *event)
{
    tls_anomaly(ctx, event);
}

/* Hands the record over once, if there is anything to say. */
static void tls_emit(struct tls_state *s)
{
    if (s->is_emitted)
        return;
    s->is_emitted = true;
    if (s->rec.has_client_hello || s->rec.has_server_hello)
        app_out_emit(s->out, APP_RECORD_TLS, &s->rec);
}

/* TLS 1.3 and its drafts (0x7f00 + n; Facebook's 0xfb17, 0xfb1a): the
 * handshake after the ServerHello is encrypted. */
static bool tls_is_13(uint16_t v)
{
    return v == 0x0304 || (v >> 8) == 0x7f || v == 0xfb17 || v == 0xfb1a;
}

struct tls_alpn_copy {
    char (*names)[TLS_ALPN_NAME_MAX];
    uint8_t *lens;
    size_t *count;
};

static void tls_alpn_copy_one(void *ctx, const uint8_t *name, size_t len)
{
    struct tls_alpn_copy *c = ctx;
    size_t n = len < TLS_ALPN_NAME_MAX - 1 ? len : TLS_ALPN_NAME_MAX - 1;
    struct cursor src = cursor_make(name, len);
    cursor_copy(&src, c->names[*c->count], n);
    c->names[*c->count][n] = '\0';
    c->lens[*c->count] = (uint8_t)n;
    (*c->count)++;
}

static void tls_client_hello(struct tls_state *s, const uint8_t *body, size_t len)
{
    struct tls_hello h;
    int rc = tls_client_hello_parse(body, len, &h);
    if (h.anomaly)
        tls_anomaly(s, h.anomaly);
    if (rc != 0)
        return;
    struct tls_record *r = &s->rec;
    if (r->has_client_hello) {
        /* After a HelloRetryRequest: the fingerprints stay the first
         * hello's, as a sensor that saw only that one would report. */
        s->has_second_client_hello = true;
        return;
    }
    r->has_client_hello = true;
    r->client_version = tls_hello_version(&h);
    if (h.sni.p) {
        struct cursor c = cursor_make(h.sni.p, h.sni.len);
        r->sni_len = h.sni.len < TLS_SNI_MAX - 1 ? h.sni.len : TLS_SNI_MAX - 1;
        cursor_copy(&c, r->sni, r->sni_len);
        r->sni[r->sni_len] = '\0';
    }
    struct tls_alpn_copy ac = {r->client_alpns, r->client_alpn_len, &r->client_alpn_count};
    tls_hello_alpn_each(&h, TLS_ALPN_COUNT_MAX, tls_alpn_copy_one, &ac);
    r->has_ja3 = tls_ja3(&h, r->ja3_string, sizeof(r->ja3_string), r->ja3_hash) >= 0;
    r->has_ja4 = tls_ja4(&h, 't', r->ja4) == 0;
    struct cursor sid = cursor_make(h.session_id.p, h.session_id.len);
    s->client_sid_len = h.session_id.len;
    cursor_copy(&sid, s->client_sid, s->client_sid_len);
}

/* RFC 5246 appendix E.2: msg_type, version, cipher_spec_length,
 * session_id_length, challenge_length, then the three lists. Only the
 * version is kept; no fingerprint is defined for this form. */
static void tls_sslv2_hello(struct tls_state *s, const uint8_t *body, size_t len)
{
    tls_anomaly(s, "sslv2_client_hello");
    struct cursor c = cursor_make(body, len);
    (void)cursor_u8(&c);
    uint16_t version = cursor_be16(&c);
    size_t specs = cursor_be16(&c);
    size_t sid = cursor_be16(&c);
    size_t challenge = cursor_be16(&c);
    if (!cursor_skip(&c, specs) || !cursor_skip(&c, sid) || !cursor_skip(&c, challenge) ||
        specs % 3 != 0) {
        tls_anomaly(s, "invalid_sslv2_hello");
        return;
    }
    if (s->rec.has_client_hello)
        return;
    s->rec.has_client_hello = true;
    s->rec.is_sslv2_hello = true;
    s->rec.client_version = version;
}

/* Returns 1 when the server's part of the handshake is over for us. */
static int tls_server_hello(struct tls_state *s, const uint8_t *body, size_t len)
{
    struct tls_hello h;
    int rc = tls_server_hello_parse(body, len, &h);
    if (h.anomaly)
        tls_anomaly(s, h.anomaly);
    if (rc != 0)
        return 0;
    struct tls_record *r = &s->rec;
    if (h.is_hello_retry) {
        s->has_hrr = true;
        return 0;
    }
    if (r->has_server_hello)
        return 0;
    r->has_server_hello = true;
    r->version = tls_hello_version(&h);
    r->has_ja3s = tls_ja3s(&h, r->ja3s_string, sizeof(r->ja3s_string), r->ja3s_hash) >= 0;
    struct tls_alpn_copy ac = {r->server_alpns, r->server_alpn_len, &r->server_alpn_count};
    tls_hello_alpn_each(&h, TLS_ALPN_COUNT_MAX, tls_alpn_copy_one, &ac);
    if (tls_is_13(r->version)) {
        /* TLS 1.3 echoes every session id (appendix D.4): only an
         * accepted pre-shared key means resumption. */
        r->is_session_resumed = h.has_psk;
        return 1; /* the rest of the server's flight is encrypted */
    }
    if (h.session_id.len > 0 && h.session_id.len == s->client_sid_len &&
        memcmp(h.session_id.p, s->client_sid, s->client_sid_len) == 0)
        r->is_session_resumed = true;
    return 0;
}

static void tls_certificate(struct tls_state *s, const uint8_t *body, size_t len)
{
    if (s->has_certificate_msg)
        return;
    s->has_certificate_msg = true;
    const char *anomaly = NULL;
    int rc = tls_cert_parse(body, len, &s->rec.cert, &anomaly);
    if (anomaly)
        tls_anomaly(s, anomaly);
    s->rec.has_cert = rc == 0;
}

static int tls_sink_message(void *ctx, unsigned type, const uint8_t *body, size_t len)
{
    struct tls_state *s = ctx;
    if (s->role == FLOW_TOSERVER) {
        switch (type) {
        case TLS_HS_CLIENT_HELLO:
            tls_client_hello(s, body, len);
            return 0;
        case TLS_HS_SSLV2_CLIENT_HELLO:
            tls_sslv2_hello(s, body, len);
            return 0;
        case TLS_HS_SERVER_HELLO:
        case TLS_HS_SERVER_HELLO_DONE:
            tls_anomaly(s, "handshake_wrong_direction");
            return 0;
        default:
            return 0;
        }
    }
    switch (type) {
    case TLS_HS_SERVER_HELLO:
        return tls_server_hello(s, body, len);
    case TLS_HS_CERTIFICATE:
        tls_certificate(s, body, len);
        return 0;
    case TLS_HS_SERVER_HELLO_DONE:
        s->has_server_hello_done = true;
        return 1;
    case TLS_HS_CLIENT_HELLO:
        tls_anomaly(s, "handshake_wrong_direction");
        return 0;
    default:
        return 0;
    }
}

static int tls_sink_record(void *ctx, uint8_t type, uint16_t version, size_t len)
{
    struct tls_state *s = ctx;
    (void)version;
    (void)len;
    switch (type) {
    case TLS_CONTENT_CHANGE_CIPHER_SPEC:
        if (s->role == FLOW_TOSERVER)
            /* A TLS 1.3 client may send it before its second ClientHello. */
            return s->has_hrr && !s->has_second_client_hello ? 0 : 1;
        /* A server's CCS with no Certificate nor ServerHelloDone before it
         * ends an abbreviated handshake: the session was resumed. */
        if (s->rec.has_server_hello && !s->has_certificate_msg && !s->has_server_hello_done)
            s->rec.is_session_resumed = true;
        return 1;
    case TLS_CONTENT_APPLICATION_DATA:
        return 1;
    case TLS_CONTENT_HEARTBEAT:
        tls_anomaly(s, "heartbeat_message");
        return 0;
    default: /* alerts: skipped, the flow's end tells the rest */
        return 0;
    }
}

static void *tls_state_new(void)
{
    struct tls_state *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    tls_framing_init(&s->fr[FLOW_TOSERVER], true);
    tls_framing_init(&s->fr[FLOW_TOCLIENT], false);
    return s;
}

static void tls_state_free(void *st)
{
    struct tls_state *s = st;
    if (!s)
        return;
    tls_framing_fini(&s->fr[FLOW_TOSERVER]);
    tls_framing_fini(&s->fr[FLOW_TOCLIENT]);
    free(s);
}

/* After a call: the record is due once the server's side is over (it
 * speaks last in every handshake form we read), or both sides are. A side
 * that broke (a fatal anomaly) is only done: the other may still say
 * something, as a Skype client's fake SSLv2 hello followed by noise shows. */
static enum app_result tls_after(struct tls_state *s)
{
    if (s->is_dir_done[FLOW_TOCLIENT])
        tls_emit(s);
    return s->is_emitted ? APP_DONE : APP_OK;
}

/* Which side is the client: the one whose first record is a ClientHello
 * (or SSLv2 CLIENT-HELLO); a first ServerHello marks the server. Decided
 * on the first bytes seen, and kept. */
static void tls_guess_role(struct tls_state *s, enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct cursor c = cursor_make(data, len);
    uint8_t b0 = 0, b5 = 0;
    s->is_role_known = true;
    if (!cursor_peek_u8(&c, 0, &b0) || b0 != TLS_CONTENT_HANDSHAKE || !cursor_peek_u8(&c, 5, &b5))
        return;
    if (b5 == TLS_HS_SERVER_HELLO)
        s->is_reversed = dir == FLOW_TOSERVER;
    else if (b5 == TLS_HS_CLIENT_HELLO)
        s->is_reversed = dir == FLOW_TOCLIENT;
}

static void tls_enter(struct tls_state *s, enum flow_dir dir, struct app_out *out)
{
    s->out = out;
    s->dir = dir;
    s->role = s->is_reversed ? (dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER) : dir;
}

static enum app_result tls_parse(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                 struct app_out *out)
{
    struct tls_state *s = st;
    if (!s->is_role_known)
        tls_guess_role(s, dir, data, len);
    tls_enter(s, dir, out);
    if (s->is_emitted)
        return APP_DONE;
    if (s->is_dir_done[s->role])
        return APP_OK;
    struct tls_framing_sink sink = {tls_sink_message, tls_sink_record, tls_sink_anomaly, s};
    int rc = tls_framing_feed(&s->fr[s->role], data, len, &sink);
    if (rc != 0)
        s->is_dir_done[s->role] = true;
    return tls_after(s);
}

/* Bytes of dir are lost: its framing cannot be trusted again. */
static enum app_result tls_gap(void *st, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    struct tls_state *s = st;
    (void)len;
    tls_enter(s, dir, out);
    if (s->is_emitted)
        return APP_DONE;
    s->is_dir_done[s->role] = true;
    return tls_after(s);
}

static void tls_flow_end(void *st, struct app_out *out)
{
    struct tls_state *s = st;
    s->out = out;
    for (int d = 0; d < 2; d++) {
        tls_enter(s, (enum flow_dir)d, out);
        if (!s->is_emitted && !s->is_dir_done[s->role] && tls_framing_is_partial(&s->fr[s->role]))
            tls_anomaly(s, "handshake_truncated");
    }
    tls_emit(s);
}

static size_t tls_state_mem(const void *st)
{
    const struct tls_state *s = st;
    return sizeof(*s) + tls_framing_mem(&s->fr[0]) + tls_framing_mem(&s->fr[1]);
}

/* A handshake record starting a ClientHello or ServerHello; or, from a
 * client, an SSLv2-compatible CLIENT-HELLO. */
static enum app_probe tls_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct cursor c = cursor_make(data, len);
    uint8_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, b5 = 0;
    if (!cursor_peek_u8(&c, 0, &b0))
        return APP_PROBE_MAYBE;
    if (dir == FLOW_TOSERVER && (b0 & 0x80)) {
        if (!cursor_peek_u8(&c, 2, &b2) || !cursor_peek_u8(&c, 3, &b3))
            return APP_PROBE_MAYBE;
        /* msg_type CLIENT-HELLO, version 2.0 or 3.x */
        return b2 == 1 && (b3 == 0x03 || b3 == 0x00) ? APP_PROBE_YES : APP_PROBE_NO;
    }
    if (b0 != TLS_CONTENT_HANDSHAKE)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 1, &b1))
        return APP_PROBE_MAYBE;
    if (b1 != 3)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 2, &b2))
        return APP_PROBE_MAYBE;
    if (b2 > 4)
        return APP_PROBE_NO;
    if (!cursor_peek_u8(&c, 5, &b5))
        return APP_PROBE_MAYBE;
    /* Either hello from either side: a capture may start mid-handshake
     * with the flow's sides the other way round. */
    return b5 == TLS_HS_CLIENT_HELLO || b5 == TLS_HS_SERVER_HELLO ? APP_PROBE_YES : APP_PROBE_NO;
}

const struct app_parser tls_parser = {
    .proto = APP_PROTO_TLS,
    .name = "tls",
    .is_datagram = false,
    .probe = tls_probe,
    .state_new = tls_state_new,
    .state_free = tls_state_free,
    .parse = tls_parse,
    .gap = tls_gap,
    .flow_end = tls_flow_end,
    .state_mem = tls_state_mem,
};
