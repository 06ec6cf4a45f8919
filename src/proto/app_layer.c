/* app_layer.c — protocol detection and dispatch to parsers.
 *
 * A TCP flow gets a session at its first packet (so reassembly sees the
 * SYN); a UDP flow at its first datagram with payload. Detection buffers at
 * most APP_PROBE_MAX bytes per direction until a probe says yes, or both
 * directions have said all they can (every probe said no, or the buffer is
 * full); then the parser gets the buffered bytes (the other direction's
 * first, as they came earlier) and everything that follows. A parser that is done, or fails, gives
 * its state and the session back, so an idle flow costs only its struct flow again.
 */
#include "proto/app_layer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"

#define APP_LAYER_COUNTERS(X)                                                                      \
    X(AL_SESSIONS, "sessions")                                                                     \
    X(AL_SESSIONS_ACTIVE, "sessions.active")                                                       \
    X(AL_SESSIONS_REFUSED, "sessions.refused")                                                     \
    X(AL_DETECTED_DNS, "detected.dns")                                                             \
    X(AL_DETECTED_HTTP, "detected.http")                                                           \
    X(AL_DETECTED_TLS, "detected.tls")                                                             \
    X(AL_DETECTED_QUIC, "detected.quic")                                                           \
    X(AL_DETECTED_SMTP, "detected.smtp")                                                           \
    X(AL_DETECTED_IMAP, "detected.imap")                                                           \
    X(AL_DETECTED_POP3, "detected.pop3")                                                           \
    X(AL_DETECTED_SOCKS, "detected.socks")                                                         \
    X(AL_DETECTED_FTP, "detected.ftp")                                                             \
    X(AL_DETECTED_MYSQL, "detected.mysql")                                                         \
    X(AL_DETECTION_FAILED, "detection_failed")                                                     \
    X(AL_PROBE_BUFFERED, "probe.buffered")                                                         \
    X(AL_PROBE_TRUNCATED, "probe.truncated")                                                       \
    X(AL_PARSER_DONE, "parser.done")                                                               \
    X(AL_PARSER_ERRORS, "parser.errors")                                                           \
    X(AL_PARSER_OOM, "parser.oom")                                                                 \
    X(AL_TLS_UPGRADES, "tls_upgrades")                                                             \
    X(AL_REDETECTIONS, "redetections")                                                             \
    X(AL_GAPS, "gaps")                                                                             \
    X(AL_RECORDS, "records")                                                                       \
    X(AL_ANOMALIES, "anomalies")                                                                   \
    X(AL_MEMORY_USED, "memory.used")                                                               \
    X(AL_MEMORY_MAX, "memory.max")                                                                 \
    X(AL_PARSER_MEMORY_USED, "parser.memory.used")                                                 \
    X(AL_PARSER_MEMORY_MAX, "parser.memory.max")                                                   \
    X(AL_PARSER_MEMCAP, "parser.memcap_reached")

enum app_layer_counter { APP_LAYER_COUNTERS(COUNTER_ENUM) AL_COUNTER_COUNT };
_Static_assert(AL_DETECTED_MYSQL - AL_DETECTED_DNS == APP_PROTO_MYSQL - APP_PROTO_DNS,
               "detected.* counters follow enum app_proto");
static const char *const app_layer_counter_names[] = {APP_LAYER_COUNTERS(COUNTER_NAME)};

/* Enough for every probe we have: a TLS record header, an HTTP request
 * line's method, a mail server's greeting. */
enum { APP_PROBE_MAX = 256, APP_UDP_PROBE_TRIES = 4 };

enum app_session_flag {
    SESS_IS_TCP = 1u << 0,
    SESS_IS_DONE = 1u << 1, /* no more parsing: free at the next chance */
    SESS_PROBE_GAVE_UP_TS = 1u << 2,
    SESS_PROBE_GAVE_UP_TC = 1u << 3,
    SESS_REDETECT = 1u << 4, /* the parser set up a tunnel: detect the inner protocol */
};

/* Tunnels set up inside one flow (SOCKS to an HTTP proxy's CONNECT ...). */
enum { APP_REDETECT_MAX = 3 };

struct app_probe_buf {
    uint16_t len[2];
    bool is_truncated[2];
    uint8_t data[2][APP_PROBE_MAX];
};

/* 80 bytes on LP64: with the 160-byte struct flow an idle TCP flow stays
 * under its 256-byte budget. */
struct app_session {
    struct tcp_stream stream;
    const struct app_parser *parser;
    void *state;
    struct app_probe_buf *probe; /* only while detection waits for more bytes */
    uint8_t flags;
    uint8_t udp_tries;
    uint8_t redetections;
    uint8_t outer_proto;  /* enum app_proto of the tunnel, once a parser asked to redetect */
    uint32_t state_bytes; /* the parser's state_mem() when last asked */
};

/* The budget of a tracked TCP flow whose reassembly is idle (nothing held
 * out of order, no parser state): its struct flow and this session. */
_Static_assert(sizeof(struct flow) + sizeof(struct app_session) <= 256,
               "an idle TCP flow must fit in 256 bytes");

struct app_layer {
    struct app_layer_config cfg;
    app_layer_emit_fn emit;
    void *ctx;
    struct pool *sessions;
    struct tcp_stream_pool *streams;
    uint64_t counters[AL_COUNTER_COUNT];
};

/* What one call into a parser needs to route its records. */
struct app_call {
    struct app_out out;
    struct app_layer *al;
    struct flow *f;
};

/* Marks a flow whose session could not be had (cap), so it is not asked for
 * again on every packet. Never dereferenced. */
static struct app_session app_session_none;

void app_layer_config_default(struct app_layer_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    tcp_stream_config_default(&cfg->stream);
    cfg->session_memcap = 64u << 20;
    cfg->parser_memcap = 64u << 20;
}

struct app_layer *app_layer_new(const struct app_layer_config *cfg, app_layer_emit_fn emit,
                                void *ctx)
{
    struct app_layer *al = calloc(1, sizeof(*al));
    if (!al)
        return NULL;
    al->cfg = *cfg;
    al->emit = emit;
    al->ctx = ctx;
    al->sessions = pool_new(sizeof(struct app_session), cfg->session_memcap);
    al->streams = tcp_stream_pool_new(&cfg->stream);
    if (!al->sessions || !al->streams)
        goto fail;
    return al;
fail:
    app_layer_free(al);
    return NULL;
}

void app_layer_free(struct app_layer *al)
{
    if (!al)
        return;
    tcp_stream_pool_free(al->streams);
    pool_free(al->sessions);
    free(al);
}

static void app_layer_trampoline(void *ctx, enum app_record type, const void *record)
{
    struct app_call *call = ctx;
    call->al->counters[AL_RECORDS]++;
    if (type == APP_RECORD_ANOMALY)
        call->al->counters[AL_ANOMALIES]++;
    call->al->emit(call->al->ctx, call->f, type, record, call->out.dir, call->out.ts_us);
}

static void app_call_init(struct app_call *call, struct app_layer *al, struct flow *f,
                          enum flow_dir dir, uint64_t ts_us)
{
    call->out.emit = app_layer_trampoline;
    call->out.ctx = call;
    call->out.ts_us = ts_us;
    call->out.dir = dir;
    call->al = al;
    call->f = f;
}

/* Bytes of parser state and probe buffers held now: the sum the cap holds. */
static uint64_t app_parser_bytes(const struct app_layer *al)
{
    return al->counters[AL_PARSER_MEMORY_USED];
}

/* The one place the sum changes (add and drop, as a swap would underflow). */
static void app_parser_bytes_change(struct app_layer *al, size_t add, size_t drop)
{
    uint64_t *used = &al->counters[AL_PARSER_MEMORY_USED];
    *used = *used - drop + add;
    if (*used > al->counters[AL_PARSER_MEMORY_MAX])
        al->counters[AL_PARSER_MEMORY_MAX] = *used;
}

/* Parser state is heap the parsers size themselves (state_mem); the app
 * layer keeps the sum of what each reported last and holds it under
 * parser_memcap. Asked after every call that may have grown it. */
static void app_state_account(struct app_layer *al, struct app_session *s)
{
    size_t now = s->state && s->parser->state_mem ? s->parser->state_mem(s->state) : 0;
    if (now > UINT32_MAX)
        now = UINT32_MAX;
    app_parser_bytes_change(al, now, s->state_bytes);
    s->state_bytes = (uint32_t)now;
}

/* Probe buffers count as parser state: they are what a flow costs while
 * its protocol is not known yet. */
static struct app_probe_buf *app_probe_alloc(struct app_layer *al)
{
    if (app_parser_bytes(al) >= al->cfg.parser_memcap) {
        al->counters[AL_PARSER_MEMCAP]++;
        return NULL;
    }
    struct app_probe_buf *pb = calloc(1, sizeof(*pb));
    if (pb)
        app_parser_bytes_change(al, sizeof(*pb), 0);
    return pb;
}

static void app_probe_free(struct app_layer *al, struct app_probe_buf *pb)
{
    if (!pb)
        return;
    app_parser_bytes_change(al, 0, sizeof(*pb));
    free(pb);
}

static void app_session_drop_parser(struct app_layer *al, struct app_session *s)
{
    if (s->parser && s->state)
        s->parser->state_free(s->state);
    s->state = NULL;
    app_state_account(al, s);
    app_probe_free(al, s->probe);
    s->probe = NULL;
}

/* Applies a parser's verdict. Returns false when the parser is finished. */
static bool app_result_apply(struct app_layer *al, struct app_session *s, enum app_result r)
{
    switch (r) {
    case APP_OK:
        return true;
    case APP_SWITCH_TLS:
        app_session_drop_parser(al, s);
        s->parser = al->cfg.tls;
        s->state = s->parser ? s->parser->state_new() : NULL;
        al->counters[AL_TLS_UPGRADES]++;
        app_state_account(al, s);
        if (s->state)
            return true;
        break;
    case APP_REDETECT:
        /* Detection starts over on what follows; app_parse hands it on. A
         * tunnel in a tunnel is fine, a flow that keeps asking is not. */
        s->outer_proto = s->parser ? (uint8_t)s->parser->proto : 0;
        app_session_drop_parser(al, s);
        s->parser = NULL;
        s->flags &= (uint8_t) ~(SESS_PROBE_GAVE_UP_TS | SESS_PROBE_GAVE_UP_TC);
        if (++s->redetections > APP_REDETECT_MAX)
            break;
        al->counters[AL_REDETECTIONS]++;
        s->flags |= SESS_REDETECT;
        return true;
    case APP_DONE:
        al->counters[AL_PARSER_DONE]++;
        break;
    case APP_ERROR:
        al->counters[AL_PARSER_ERRORS]++;
        break;
    }
    s->flags |= SESS_IS_DONE;
    return false;
}

/* Over the cap, the parser that grew ends here: it emits what it has (as at
 * flow end) and its flow is no longer inspected. */
static void app_state_check(struct app_call *call, struct app_session *s)
{
    struct app_layer *al = call->al;
    app_state_account(al, s);
    if (app_parser_bytes(al) <= al->cfg.parser_memcap)
        return;
    al->counters[AL_PARSER_MEMCAP]++;
    if (s->parser->flow_end)
        s->parser->flow_end(s->state, &call->out);
    s->flags |= SESS_IS_DONE;
}

static void app_detect(struct app_call *call, struct app_session *s, const uint8_t *data,
                       size_t len);

static void app_parse(struct app_call *call, struct app_session *s, const uint8_t *data, size_t len)
{
    if ((s->flags & SESS_IS_DONE) || !s->state || len == 0)
        return;
    call->out.handover_at = len;
    enum app_result r = s->parser->parse(s->state, call->out.dir, data, len, &call->out);
    size_t used = call->out.handover_at < len ? call->out.handover_at : len;
    if (!app_result_apply(call->al, s, r))
        return;
    if (s->flags & SESS_REDETECT) {
        s->flags &= (uint8_t)~SESS_REDETECT;
        call->f->app_proto = APP_PROTO_UNKNOWN;
        if (used < len)
            app_detect(call, s, data + used, len - used);
        return;
    }
    app_state_check(call, s);
}

static void app_gap(struct app_call *call, struct app_session *s, uint64_t len)
{
    if ((s->flags & SESS_IS_DONE) || !s->state)
        return;
    call->al->counters[AL_GAPS]++;
    enum app_result r =
        s->parser->gap ? s->parser->gap(s->state, call->out.dir, len, &call->out) : APP_DONE;
    if (r == APP_REDETECT)
        r = APP_DONE; /* a tunnel's first bytes are lost: nothing to detect from */
    if (app_result_apply(call->al, s, r))
        app_state_check(call, s);
}

static bool app_entry_port_match(const struct app_layer_entry *e, const struct flow *f)
{
    for (unsigned i = 0; i < APP_LAYER_MAX_PORTS && e->ports[i]; i++)
        if (e->ports[i] == f->key.port[FLOW_TOCLIENT] || e->ports[i] == f->key.port[FLOW_TOSERVER])
            return true;
    return false;
}

/* Runs the probes, port-hinted parsers first. Returns the parser that said
 * yes, or NULL; *is_maybe tells whether any asked for more bytes. */
static const struct app_parser *app_probe(const struct app_layer *al, const struct flow *f,
                                          bool is_udp, enum flow_dir dir, const uint8_t *data,
                                          size_t len, bool *is_maybe)
{
    *is_maybe = false;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < al->cfg.n_entries; i++) {
            const struct app_layer_entry *e = &al->cfg.entries[i];
            if (e->parser->is_datagram != is_udp || app_entry_port_match(e, f) != (pass == 0))
                continue;
            enum app_probe r = e->parser->probe(dir, data, len);
            if (r == APP_PROBE_YES)
                return e->parser;
            if (r == APP_PROBE_MAYBE)
                *is_maybe = true;
        }
    }
    return NULL;
}

static void app_select(struct app_call *call, struct app_session *s, const struct app_parser *p)
{
    struct app_layer *al = call->al;
    s->parser = p;
    call->f->app_proto = (uint8_t)p->proto;
    /* detected.* follow enum app_proto's order, DNS to MySQL. */
    if (p->proto >= APP_PROTO_DNS && p->proto <= APP_PROTO_MYSQL)
        al->counters[AL_DETECTED_DNS + (p->proto - APP_PROTO_DNS)]++;
    if (app_parser_bytes(al) >= al->cfg.parser_memcap) {
        al->counters[AL_PARSER_MEMCAP]++;
        s->flags |= SESS_IS_DONE;
        return;
    }
    s->state = p->state_new();
    app_state_account(al, s);
    if (!s->state) {
        al->counters[AL_PARSER_OOM]++;
        s->flags |= SESS_IS_DONE;
    }
}

static void app_fail_detection(struct app_call *call, struct app_session *s)
{
    /* Inside a tunnel, an unknown protocol leaves the flow the tunnel's. */
    call->f->app_proto = s->outer_proto ? s->outer_proto : APP_PROTO_FAILED;
    call->al->counters[AL_DETECTION_FAILED]++;
    s->flags |= SESS_IS_DONE;
}

/* Keeps up to APP_PROBE_MAX bytes of dir for a later decision. Returns the
 * number of bytes kept, or -1 when no buffer could be had. */
static long app_probe_keep(struct app_layer *al, struct app_session *s, enum flow_dir dir,
                           const uint8_t *data, size_t len)
{
    if (!s->probe) {
        s->probe = app_probe_alloc(al);
        if (!s->probe)
            return -1;
        al->counters[AL_PROBE_BUFFERED]++;
    }
    size_t room = APP_PROBE_MAX - s->probe->len[dir];
    size_t n = len < room ? len : room;
    memcpy(s->probe->data[dir] + s->probe->len[dir], data, n);
    s->probe->len[dir] = (uint16_t)(s->probe->len[dir] + n);
    return (long)n;
}

/* Feeds the chosen parser what detection held back, other direction first. */
static void app_replay_probe(struct app_call *call, struct app_session *s, enum flow_dir dir)
{
    struct app_probe_buf *pb = s->probe;
    s->probe = NULL;
    enum flow_dir order[2] = {1 - dir, dir};
    for (int i = 0; i < 2; i++) {
        enum flow_dir d = order[i];
        if (!pb->len[d])
            continue;
        call->out.dir = d;
        app_parse(call, s, pb->data[d], pb->len[d]);
        if (pb->is_truncated[d]) {
            call->al->counters[AL_PROBE_TRUNCATED]++;
            app_gap(call, s, 1); /* the size is unknown: at least one byte */
        }
    }
    call->out.dir = dir;
    app_probe_free(call->al, pb);
}

static void app_detect(struct app_call *call, struct app_session *s, const uint8_t *data,
                       size_t len)
{
    struct app_layer *al = call->al;
    enum flow_dir dir = call->out.dir;
    bool is_udp = !(s->flags & SESS_IS_TCP);
    bool is_maybe;
    /* Probe the direction's bytes so far: what was held back plus these.
     * `kept` of this call's bytes are then in the buffer, the rest not. */
    const uint8_t *pdata = data;
    size_t plen = len, kept = 0;
    if (!is_udp && s->probe && s->probe->len[dir]) {
        long n = app_probe_keep(al, s, dir, data, len);
        if (n < 0) {
            app_fail_detection(call, s);
            return;
        }
        kept = (size_t)n;
        pdata = s->probe->data[dir];
        plen = s->probe->len[dir];
    }
    const struct app_parser *p = app_probe(al, call->f, is_udp, dir, pdata, plen, &is_maybe);
    if (p) {
        app_select(call, s, p);
        if (s->probe)
            app_replay_probe(call, s, dir);
        app_parse(call, s, data + kept, len - kept);
        return;
    }
    if (is_udp) {
        if (++s->udp_tries >= APP_UDP_PROBE_TRIES || !is_maybe)
            app_fail_detection(call, s);
        return;
    }
    /* Still undecided, or this direction is no protocol we know: hold the
     * bytes (what does not fit is lost to the parser, which will see a gap),
     * since the other direction may still name the protocol (a server that
     * speaks first, a client we picked up mid-sentence). Detection fails
     * when both directions have said all they can. */
    if (pdata == data) {
        long n = app_probe_keep(al, s, dir, data, len);
        if (n < 0) {
            app_fail_detection(call, s);
            return;
        }
        kept = (size_t)n;
    }
    if (kept < len)
        s->probe->is_truncated[dir] = true;
    if (is_maybe && plen < APP_PROBE_MAX && kept == len)
        return;
    s->flags |= dir == FLOW_TOSERVER ? SESS_PROBE_GAVE_UP_TS : SESS_PROBE_GAVE_UP_TC;
    if ((s->flags & (SESS_PROBE_GAVE_UP_TS | SESS_PROBE_GAVE_UP_TC)) ==
        (SESS_PROBE_GAVE_UP_TS | SESS_PROBE_GAVE_UP_TC))
        app_fail_detection(call, s);
}

static void app_data(struct app_call *call, struct app_session *s, const uint8_t *data, size_t len)
{
    if (s->flags & SESS_IS_DONE)
        return;
    if (!s->parser) {
        unsigned gave_up =
            call->out.dir == FLOW_TOSERVER ? SESS_PROBE_GAVE_UP_TS : SESS_PROBE_GAVE_UP_TC;
        if (!(s->flags & gave_up))
            app_detect(call, s, data, len);
        else if (s->probe)
            s->probe->is_truncated[call->out.dir] = true;
        return;
    }
    app_parse(call, s, data, len);
}

struct app_sink_ctx {
    struct app_call *call;
    struct app_session *s;
};

static void app_sink_data(void *ctx, enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct app_sink_ctx *c = ctx;
    c->call->out.dir = dir;
    app_data(c->call, c->s, data, len);
}

static void app_sink_gap(void *ctx, enum flow_dir dir, uint64_t len)
{
    struct app_sink_ctx *c = ctx;
    c->call->out.dir = dir;
    if (c->s->parser)
        app_gap(c->call, c->s, len);
    else if (!(c->s->flags & SESS_IS_DONE))
        app_fail_detection(c->call, c->s); /* cannot detect across a hole */
}

static void app_session_free(struct app_layer *al, struct flow *f, struct app_session *s)
{
    app_session_drop_parser(al, s);
    if (s->flags & SESS_IS_TCP)
        tcp_stream_release(al->streams, &s->stream);
    pool_put(al->sessions, s);
    f->app = NULL;
    al->counters[AL_SESSIONS_ACTIVE]--;
    al->counters[AL_MEMORY_USED] = pool_stats(al->sessions)->bytes;
}

static struct app_session *app_session_get(struct app_layer *al, struct flow *f, bool is_tcp)
{
    struct app_session *s = pool_get(al->sessions);
    if (!s) {
        al->counters[AL_SESSIONS_REFUSED]++;
        f->app = &app_session_none;
        return NULL;
    }
    if (is_tcp) {
        s->flags |= SESS_IS_TCP;
        tcp_stream_init(&s->stream);
    }
    f->app = s;
    al->counters[AL_SESSIONS]++;
    al->counters[AL_SESSIONS_ACTIVE]++;
    const struct pool_stats *ps = pool_stats(al->sessions);
    al->counters[AL_MEMORY_USED] = ps->bytes;
    if (ps->bytes > al->counters[AL_MEMORY_MAX])
        al->counters[AL_MEMORY_MAX] = ps->bytes;
    return s;
}

void app_layer_packet(struct app_layer *al, struct flow *f, enum flow_dir dir,
                      const struct packet *p)
{
    bool is_tcp = (p->flags & PACKET_HAS_TCP) != 0;
    if (!is_tcp && !(p->flags & PACKET_HAS_UDP))
        return;
    struct app_session *s = f->app;
    if (s == &app_session_none)
        return;
    if (!s) {
        /* A flow whose parser finished keeps its protocol and no session. */
        if (f->app_proto != APP_PROTO_UNKNOWN || (!is_tcp && p->payload_len == 0))
            return;
        s = app_session_get(al, f, is_tcp);
        if (!s)
            return;
    }
    struct app_call call;
    app_call_init(&call, al, f, dir, p->ts_us);
    if (is_tcp) {
        struct app_sink_ctx c = {&call, s};
        struct tcp_stream_sink sink = {app_sink_data, app_sink_gap, &c};
        tcp_stream_segment(al->streams, &s->stream, dir, p, &sink);
    } else {
        app_data(&call, s, p->payload, p->payload_len);
    }
    if (s->flags & SESS_IS_DONE)
        app_session_free(al, f, s);
}

void app_layer_flow_end(struct app_layer *al, struct flow *f)
{
    struct app_session *s = f->app;
    if (s == &app_session_none) {
        f->app = NULL;
        return;
    }
    if (!s)
        return;
    struct app_call call;
    app_call_init(&call, al, f, FLOW_TOSERVER, f->last_us);
    if (s->flags & SESS_IS_TCP) {
        struct app_sink_ctx c = {&call, s};
        struct tcp_stream_sink sink = {app_sink_data, app_sink_gap, &c};
        tcp_stream_flush(al->streams, &s->stream, &sink);
    }
    if (!(s->flags & SESS_IS_DONE) && s->state && s->parser->flow_end) {
        call.out.dir = FLOW_TOSERVER;
        s->parser->flow_end(s->state, &call.out);
    }
    app_session_free(al, f, s);
}

struct counter_view app_layer_counters(const struct app_layer *al)
{
    return (struct counter_view){"app", app_layer_counter_names, al->counters, AL_COUNTER_COUNT};
}

struct counter_view app_layer_stream_counters(const struct app_layer *al)
{
    return tcp_stream_counters(al->streams);
}
