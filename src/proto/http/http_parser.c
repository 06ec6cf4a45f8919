/* http_parser.c — HTTP/1.0 and 1.1 over TCP (RFC 9112) as an app parser:
 * detection, the per-direction message state machine, request/response
 * matching, gaps, and handing records and file hashes to app_out.
 *
 * Each direction reads one message after another: a start line, header
 * lines, then a body framed by http_body. Lines come from a bounded
 * http_line, field values go straight into the transaction's small store
 * (http_tx), body bytes into the streaming hasher; nothing else is kept, so
 * a flow's memory is bounded by the caps in http_parser.h whatever it sends.
 * When framing is lost (a gap, a broken chunk) the direction skips lines
 * until a start line (resync). Not HTTP/2, no content decoding.
 */
#include "proto/http/http_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "proto/file/file_hash.h"
#include "proto/file/fileinfo.h"
#include "proto/http/http_body.h"
#include "proto/http/http_head.h"
#include "proto/http/http_line.h"
#include "proto/http/http_tx.h"

enum http_phase {
    HTTP_PHASE_START = 0, /* a start line is due (empty lines are skipped) */
    HTTP_PHASE_HEADERS,   /* header lines up to an empty one */
    HTTP_PHASE_BODY,      /* the body, framed by http_body */
    HTTP_PHASE_RESYNC,    /* framing lost: lines are skipped up to a start line */
};

/* Per-message anomalies raised at most once per message. */
enum http_msg_flag {
    HTTP_MSG_LONG_LINE = 1u << 0,
    HTTP_MSG_BAD_FIELD = 1u << 1,
    HTTP_MSG_MANY_FIELDS = 1u << 2,
};

/* One direction: the message being read. */
struct http_msg {
    enum http_phase phase;
    struct http_line line;
    struct http_body body;
    struct file_hash file;
    struct http_tx *tx; /* NULL for an interim response or a detached one */
    uint64_t head_len;  /* start line and field lines so far */
    uint64_t resync_len;
    uint64_t content_length;
    uint32_t field_count;
    uint8_t flags;              /* enum http_msg_flag */
    enum http_field fold_field; /* the stored field an obs-fold line continues */
    bool has_content_length;
    bool is_content_length_bad;
    bool has_te;
    bool is_chunked;
    bool is_interim;    /* a 1xx response other than 101 */
    bool is_resync_gap; /* resync was caused by loss, not by the peer */
    bool is_file_open;
};

struct http_state {
    struct http_msg msg[2]; /* indexed by enum flow_dir */
    struct http_tx_queue q;
    uint64_t tx_next;
    /* Requests pushed out unanswered by the cap, oldest first: their
     * responses are still to come and must not be matched to later ones. */
    uint64_t evicted_first;
    uint64_t evicted_count;
    bool has_evict_anomaly;
    bool has_unmatched_anomaly;
    uint32_t anomaly_count;
    bool is_stopped;
    enum app_result stop_result;
    struct app_out *out; /* during a call */
};

/* Context of the body sink: which message. */
struct http_sink_ctx {
    struct http_state *st;
    enum flow_dir dir;
};

enum {
    /* Bytes of lines skipped while looking for a start line before the
     * direction is given up: a peer speaking something else. */
    HTTP_RESYNC_MAX = 65536,
    HTTP_FILENAME_MAX = 4096,
    /* Anomaly events per flow: a peer alternating garbage and requests
     * must not turn every line into an event. */
    HTTP_ANOMALIES_MAX = 32,
};

static void http_anomaly(struct http_state *st, enum flow_dir dir, const char *event)
{
    if (st->anomaly_count >= HTTP_ANOMALIES_MAX)
        return;
    st->anomaly_count++;
    app_out_anomaly(st->out, APP_PROTO_HTTP, dir, event);
}

/* Raises event once per message (flag: enum http_msg_flag). */
static void http_anomaly_once(struct http_state *st, enum flow_dir dir, uint8_t flag,
                              const char *event)
{
    struct http_msg *m = &st->msg[dir];
    if (m->flags & flag)
        return;
    m->flags |= flag;
    http_anomaly(st, dir, event);
}

/* Stops the parser: every later call returns r. */
static void http_stop(struct http_state *st, enum app_result r)
{
    if (!st->is_stopped) {
        st->is_stopped = true;
        st->stop_result = r;
    }
}

/* ---- transactions ---- */

static bool http_tx_is_done(const struct http_tx *tx)
{
    return tx->has_response && tx->is_response_ended && (!tx->has_request || tx->is_request_ended);
}

static void http_emit_tx(struct http_state *st, struct http_tx *tx)
{
    struct http_record r;
    http_tx_record(tx, &r);
    app_out_emit(st->out, APP_RECORD_HTTP, &r);
}

/* Emits and frees the finished transactions at the head of the queue (they
 * finish in order: responses come in request order). */
static void http_emit_done(struct http_state *st)
{
    while (st->q.head && http_tx_is_done(st->q.head)) {
        struct http_tx *tx = st->q.head;
        http_tx_queue_unlink(&st->q, tx);
        http_emit_tx(st, tx);
        http_tx_free(tx);
    }
}

/* Pushes out the oldest transaction to make room (pipelining cap). */
static void http_evict_oldest(struct http_state *st)
{
    struct http_tx *tx = st->q.head;
    if (!st->has_evict_anomaly) {
        st->has_evict_anomaly = true;
        http_anomaly(st, FLOW_TOSERVER, "too_many_transactions");
    }
    for (int d = 0; d < 2; d++)
        if (st->msg[d].tx == tx)
            st->msg[d].tx = NULL; /* the message goes on, detached */
    if (!tx->has_response) {
        if (st->evicted_count++ == 0)
            st->evicted_first = tx->tx_id;
    }
    tx->is_evicted = true;
    http_tx_queue_unlink(&st->q, tx);
    http_emit_tx(st, tx);
    http_tx_free(tx);
}

/* ---- files ---- */

/* Percent-decodes src into out (cap bytes, NUL-terminated); returns the
 * length. Invalid escapes are copied as they are. */
static size_t http_percent_decode(struct http_bytes src, char *out, size_t cap)
{
    struct cursor c = cursor_make(src.p, src.len);
    size_t n = 0;
    while (cursor_left(&c) > 0 && n + 1 < cap) {
        uint8_t ch = cursor_u8(&c);
        uint8_t h1 = 0, h2 = 0;
        if (ch == '%' && cursor_peek_u8(&c, 0, &h1) && cursor_peek_u8(&c, 1, &h2) &&
            hex_digit_value(h1) >= 0 && hex_digit_value(h2) >= 0) {
            cursor_skip(&c, 2);
            ch = (uint8_t)(hex_digit_value(h1) << 4 | hex_digit_value(h2));
        }
        out[n++] = (char)ch;
    }
    out[n] = '\0';
    return n;
}

static void http_file_data(void *ctx, const uint8_t *p, size_t n)
{
    struct http_sink_ctx *sc = ctx;
    struct http_msg *m = &sc->st->msg[sc->dir];
    if (!m->is_file_open) {
        file_hash_open(&m->file);
        m->is_file_open = true;
    }
    file_hash_update(&m->file, p, n);
}

static void http_body_event(void *ctx, const char *event)
{
    struct http_sink_ctx *sc = ctx;
    http_anomaly(sc->st, sc->dir, event);
}

/* Closes the message's file, if any, and emits its fileinfo record. */
static void http_file_close(struct http_state *st, enum flow_dir dir, enum fileinfo_state state)
{
    struct http_msg *m = &st->msg[dir];
    if (!m->is_file_open)
        return;
    m->is_file_open = false;
    struct fileinfo_record fr;
    memset(&fr, 0, sizeof(fr));
    file_hash_close(&m->file, state, &fr);
    fr.proto = APP_PROTO_HTTP;
    fr.dir = dir;
    char name[HTTP_FILENAME_MAX];
    struct http_record parent;
    struct http_tx *tx = m->tx;
    if (tx) {
        struct http_bytes cd = http_tx_get(tx, HTTP_F_CD_FILENAME);
        struct http_bytes ct = http_tx_get(tx, HTTP_F_CONTENT_TYPE);
        struct http_bytes url = http_tx_get(tx, HTTP_F_URL);
        if (dir == FLOW_TOCLIENT && cd.p) {
            fr.filename = (const char *)cd.p;
            fr.filename_len = cd.len;
        } else if (url.p) {
            /* Suricata names an HTTP file by its URL path, percent-decoded. */
            fr.filename_len = http_percent_decode(http_head_target_path(url), name, sizeof(name));
            fr.filename = name;
        }
        if (dir == FLOW_TOCLIENT && ct.p)
            fr.content_type = (const char *)ct.p;
        fr.tx_id = tx->tx_id;
        http_tx_record(tx, &parent);
        fr.parent_type = APP_RECORD_HTTP;
        fr.parent = &parent;
    }
    app_out_emit(st->out, APP_RECORD_FILEINFO, &fr);
}

/* ---- message ends ---- */

/* Resets the direction for its next message; an idle direction holds no
 * line buffer and no digest. */
static void http_msg_reset(struct http_msg *m, enum http_phase phase)
{
    m->phase = phase;
    m->tx = NULL;
    m->head_len = 0;
    m->content_length = 0;
    m->field_count = 0;
    m->flags = 0;
    m->fold_field = HTTP_F_COUNT;
    m->has_content_length = false;
    m->is_content_length_bad = false;
    m->has_te = false;
    m->is_chunked = false;
    m->is_interim = false;
    http_body_start(&m->body, HTTP_BODY_NONE, 0);
    if (phase == HTTP_PHASE_START) {
        m->resync_len = 0;
        http_line_release(&m->line);
        if (!m->is_file_open) {
            file_hash_fini(&m->file);
            file_hash_init(&m->file);
        }
    }
}

/* The message of dir ended: whole (is_complete) or abandoned. */
static void http_msg_end(struct http_state *st, enum flow_dir dir, bool is_complete)
{
    struct http_msg *m = &st->msg[dir];
    struct http_tx *tx = m->tx;
    if (tx && !m->is_interim) {
        if (dir == FLOW_TOSERVER) {
            tx->request_body_len = m->body.len;
            tx->is_request_complete = is_complete;
            tx->is_request_ended = true;
        } else {
            tx->response_body_len = m->body.len;
            tx->is_response_complete = is_complete;
            tx->is_response_ended = true;
        }
        if (!is_complete)
            tx->is_truncated = true;
    }
    http_file_close(st, dir, is_complete ? FILEINFO_CLOSED : FILEINFO_TRUNCATED);
    http_msg_reset(m, HTTP_PHASE_START);
    http_emit_done(st);
}

/* Framing of dir is lost: the message is abandoned and lines are skipped
 * up to the next start line. */
static void http_msg_lost(struct http_state *st, enum flow_dir dir, bool is_gap)
{
    struct http_msg *m = &st->msg[dir];
    if (m->phase != HTTP_PHASE_RESYNC && (m->tx || m->is_file_open || m->phase != HTTP_PHASE_START))
        http_msg_end(st, dir, false);
    http_msg_reset(m, HTTP_PHASE_RESYNC);
    m->is_resync_gap = is_gap;
}

/* ---- heads ---- */

/* A new request: its transaction at the back of the queue. */
static bool http_request_begin(struct http_state *st, const struct http_request_line *rl,
                               bool is_cut)
{
    struct http_msg *m = &st->msg[FLOW_TOSERVER];
    while (st->q.head && (st->q.count >= HTTP_PENDING_MAX || st->q.mem > HTTP_PENDING_BYTES_MAX))
        http_evict_oldest(st); /* each turn frees one */
    struct http_tx *tx = http_tx_new(st->tx_next);
    if (!tx)
        return false;
    st->tx_next++;
    http_tx_queue_push_back(&st->q, tx);
    tx->has_request = true;
    tx->is_truncated = is_cut;
    http_tx_set(&st->q, tx, HTTP_F_METHOD, rl->method);
    http_tx_set(&st->q, tx, HTTP_F_URL, rl->target);
    http_tx_set(&st->q, tx, HTTP_F_PROTOCOL, rl->version);
    tx->is_head = rl->method.len == 4 && memcmp(rl->method.p, "HEAD", 4) == 0;
    tx->is_connect = rl->method.len == 7 && memcmp(rl->method.p, "CONNECT", 7) == 0;
    struct http_bytes auth, host;
    if (http_head_target_authority(rl->target, tx->is_connect, &auth)) {
        http_head_authority(auth, &host, &tx->has_port, &tx->port);
        if (host.len > 0) {
            http_tx_set_hostname(&st->q, tx, host);
            tx->is_host_from_uri = true;
        }
    }
    m->tx = tx;
    m->phase = HTTP_PHASE_HEADERS;
    return true;
}

/* A status line: an interim response, or the final one of the oldest
 * unanswered transaction. */
static bool http_response_begin(struct http_state *st, const struct http_status_line *sl)
{
    struct http_msg *m = &st->msg[FLOW_TOCLIENT];
    m->phase = HTTP_PHASE_HEADERS;
    if (sl->status < 200 && sl->status != 101) {
        m->is_interim = true; /* 100 Continue, 103 Early Hints: the final one follows */
        return true;
    }
    /* Requests pushed out unanswered are older than any queued one. */
    struct http_tx *tx = st->evicted_count > 0 ? NULL : http_tx_queue_unanswered(&st->q);
    if (!tx) {
        bool is_evicted = st->evicted_count > 0;
        tx = http_tx_new(is_evicted ? st->evicted_first : st->tx_next);
        if (!tx)
            return false;
        if (is_evicted) {
            st->evicted_first++;
            st->evicted_count--;
            tx->is_evicted = true;
            http_tx_queue_push_front(&st->q, tx);
        } else {
            st->tx_next++;
            http_tx_queue_push_back(&st->q, tx);
            if (!st->has_unmatched_anomaly) {
                st->has_unmatched_anomaly = true;
                http_anomaly(st, FLOW_TOCLIENT, "unmatched_response");
            }
        }
    }
    tx->has_response = true;
    tx->status = sl->status;
    http_tx_set(&st->q, tx, HTTP_F_RES_PROTOCOL, sl->version);
    m->tx = tx;
    return true;
}

/* A start line of dir; false when the line is not one. */
static bool http_start_line(struct http_state *st, enum flow_dir dir,
                            const struct http_line_view *v)
{
    struct http_msg *m = &st->msg[dir];
    bool is_ok;
    if (dir == FLOW_TOSERVER) {
        struct http_request_line rl;
        is_ok = v->is_truncated
                    ? http_head_request_line_cut(v->p, v->len, v->tail, v->tail_len, &rl)
                    : http_head_request_line(v->p, v->len, &rl);
        if (!is_ok)
            return false;
        http_msg_reset(m, HTTP_PHASE_HEADERS);
        if (!http_request_begin(st, &rl, v->is_truncated)) {
            http_stop(st, APP_DONE); /* out of memory */
            return true;
        }
        if (v->is_truncated)
            http_anomaly_once(st, dir, HTTP_MSG_LONG_LINE, "request_line_too_long");
    } else {
        struct http_status_line sl;
        if (!http_head_status_line(v->p, v->len, &sl))
            return false;
        http_msg_reset(m, HTTP_PHASE_HEADERS);
        if (!http_response_begin(st, &sl)) {
            http_stop(st, APP_DONE);
            return true;
        }
        if (v->is_truncated)
            http_anomaly_once(st, dir, HTTP_MSG_LONG_LINE, "status_line_too_long");
    }
    m->head_len = v->total_len + 1;
    return true;
}

/* The header fields of a request that the record reports. */
static enum http_field http_request_field(enum http_header id)
{
    switch (id) {
    case HTTP_H_USER_AGENT:
        return HTTP_F_USER_AGENT;
    case HTTP_H_REFERER:
        return HTTP_F_REFERER;
    case HTTP_H_XFF:
        return HTTP_F_XFF;
    default:
        return HTTP_F_COUNT;
    }
}

static void http_field_length(struct http_state *st, enum flow_dir dir, struct http_bytes value)
{
    struct http_msg *m = &st->msg[dir];
    uint64_t n = 0;
    switch (http_head_content_length(value, &n)) {
    case HTTP_LENGTH_OK:
        if (m->has_content_length && n != m->content_length && !m->is_content_length_bad) {
            http_anomaly(st, dir, "content_length_conflict");
            m->is_content_length_bad = true;
        }
        m->content_length = n;
        break;
    case HTTP_LENGTH_INVALID:
        if (!m->is_content_length_bad)
            http_anomaly(st, dir, "content_length_invalid");
        m->is_content_length_bad = true;
        break;
    case HTTP_LENGTH_OVERFLOW:
        if (!m->is_content_length_bad)
            http_anomaly(st, dir, "content_length_overflow");
        m->is_content_length_bad = true;
        break;
    }
    m->has_content_length = true;
}

/* One header field line of dir's message. */
static void http_field_line(struct http_state *st, enum flow_dir dir,
                            const struct http_line_view *v)
{
    struct http_msg *m = &st->msg[dir];
    struct http_tx *tx = m->is_interim ? NULL : m->tx;
    if (v->is_truncated)
        http_anomaly_once(st, dir, HTTP_MSG_LONG_LINE, "header_line_too_long");
    if (http_head_is_fold(v->p, v->len)) {
        if (tx && m->fold_field != HTTP_F_COUNT)
            http_tx_fold(&st->q, tx, m->fold_field, http_head_trimmed(v->p, v->len));
        return;
    }
    m->fold_field = HTTP_F_COUNT;
    if (++m->field_count > HTTP_HEADERS_MAX)
        http_anomaly_once(st, dir, HTTP_MSG_MANY_FIELDS, "too_many_headers");
    struct http_bytes name, value;
    if (!http_head_field(v->p, v->len, &name, &value)) {
        http_anomaly_once(st, dir, HTTP_MSG_BAD_FIELD, "header_line_invalid");
        return;
    }
    enum http_header id = http_head_field_id(name);
    switch (id) {
    case HTTP_H_CONTENT_LENGTH:
        http_field_length(st, dir, value);
        return;
    case HTTP_H_TRANSFER_ENCODING:
        m->has_te = true;
        m->is_chunked = http_head_te_is_chunked(value);
        return;
    default:
        break;
    }
    if (!tx)
        return;
    if (dir == FLOW_TOSERVER) {
        if (id == HTTP_H_HOST && !tx->is_host_from_uri) {
            struct http_bytes host;
            bool has_port;
            uint16_t port;
            http_head_authority(value, &host, &has_port, &port);
            if (!(tx->field_set & (1u << HTTP_F_HOSTNAME))) {
                http_tx_set_hostname(&st->q, tx, host);
                tx->has_port = has_port;
                tx->port = port;
            }
            return;
        }
        enum http_field f = http_request_field(id);
        if (f != HTTP_F_COUNT && http_tx_set(&st->q, tx, f, value))
            m->fold_field = f;
        return;
    }
    if (id == HTTP_H_CONTENT_TYPE) {
        if (http_tx_set(&st->q, tx, HTTP_F_CONTENT_TYPE, http_head_media_type(value)))
            m->fold_field = HTTP_F_CONTENT_TYPE;
    } else if (id == HTTP_H_LOCATION) {
        if (http_tx_set(&st->q, tx, HTTP_F_LOCATION, value))
            m->fold_field = HTTP_F_LOCATION;
    } else if (id == HTTP_H_CONTENT_DISPOSITION) {
        struct http_bytes fn;
        if (http_head_cd_filename(value, &fn))
            http_tx_set(&st->q, tx, HTTP_F_CD_FILENAME, fn);
    }
}

/* The framing of a request body (RFC 9112 §6.3 items 3-6). */
static void http_request_head_end(struct http_state *st)
{
    struct http_msg *m = &st->msg[FLOW_TOSERVER];
    if (m->has_te) {
        if (m->has_content_length)
            http_anomaly(st, FLOW_TOSERVER, "transfer_encoding_and_content_length");
        if (!m->is_chunked) {
            /* The length cannot be known: RFC 9112 §6.3 makes this a 400. */
            http_anomaly(st, FLOW_TOSERVER, "transfer_encoding_invalid");
            http_msg_lost(st, FLOW_TOSERVER, false);
            return;
        }
        http_body_start(&m->body, HTTP_BODY_CHUNKED, 0);
    } else if (m->is_content_length_bad) {
        http_msg_lost(st, FLOW_TOSERVER, false); /* the anomaly was raised */
        return;
    } else if (m->has_content_length && m->content_length > 0) {
        http_body_start(&m->body, HTTP_BODY_LENGTH, m->content_length);
    } else {
        http_msg_end(st, FLOW_TOSERVER, true);
        return;
    }
    m->phase = HTTP_PHASE_BODY;
}

/* The framing of a response body (RFC 9112 §6.3 items 1-7). */
static void http_response_head_end(struct http_state *st)
{
    struct http_msg *m = &st->msg[FLOW_TOCLIENT];
    struct http_tx *tx = m->tx;
    uint16_t status = tx ? tx->status : 0;
    if (m->is_interim) {
        http_msg_end(st, FLOW_TOCLIENT, true);
        return;
    }
    /* The bytes after are another protocol (RFC 9110 §9.3.6, §15.2.2): a
     * CONNECT tunnel's is found afresh (TLS through a proxy, mostly); an
     * upgraded connection's (WebSocket, h2c) is not followed. */
    if (tx && tx->is_connect && status >= 200 && status < 300) {
        http_msg_end(st, FLOW_TOCLIENT, true);
        http_stop(st, APP_REDETECT);
        return;
    }
    if (status == 101) {
        http_msg_end(st, FLOW_TOCLIENT, true);
        http_stop(st, APP_DONE);
        return;
    }
    if ((tx && tx->is_head) || status == 204 || status == 304) {
        http_msg_end(st, FLOW_TOCLIENT, true);
        return;
    }
    if (m->has_te) {
        if (m->has_content_length)
            http_anomaly(st, FLOW_TOCLIENT, "transfer_encoding_and_content_length");
        http_body_start(&m->body, m->is_chunked ? HTTP_BODY_CHUNKED : HTTP_BODY_CLOSE, 0);
    } else if (m->is_content_length_bad) {
        http_body_start(&m->body, HTTP_BODY_CLOSE, 0); /* best effort: read to the close */
    } else if (m->has_content_length) {
        if (m->content_length == 0) {
            http_msg_end(st, FLOW_TOCLIENT, true);
            return;
        }
        http_body_start(&m->body, HTTP_BODY_LENGTH, m->content_length);
    } else {
        http_body_start(&m->body, HTTP_BODY_CLOSE, 0);
    }
    m->phase = HTTP_PHASE_BODY;
}

/* One whole line of dir in a line-oriented phase. */
static void http_on_line(struct http_state *st, enum flow_dir dir, const struct http_line_view *v)
{
    struct http_msg *m = &st->msg[dir];
    switch (m->phase) {
    case HTTP_PHASE_START:
        if (v->total_len == 0)
            return; /* RFC 9112 §2.2: empty lines before a request are ignored */
        if (http_start_line(st, dir, v))
            return;
        http_anomaly(st, dir,
                     dir == FLOW_TOSERVER ? "request_line_invalid" : "status_line_invalid");
        http_msg_reset(m, HTTP_PHASE_RESYNC);
        m->is_resync_gap = false;
        m->resync_len = v->total_len + 1;
        return;
    case HTTP_PHASE_RESYNC:
        if (v->total_len > 0 && http_start_line(st, dir, v))
            return;
        m->resync_len += v->total_len + 1;
        if (m->resync_len > HTTP_RESYNC_MAX)
            http_stop(st, m->is_resync_gap ? APP_DONE : APP_ERROR);
        return;
    case HTTP_PHASE_HEADERS:
        m->head_len += v->total_len + 1;
        if (m->head_len > HTTP_HEAD_BYTES_MAX) {
            http_anomaly(st, dir, "header_section_too_long");
            http_stop(st, APP_ERROR);
            return;
        }
        if (v->total_len > 0) {
            http_field_line(st, dir, v);
            return;
        }
        if (dir == FLOW_TOSERVER)
            http_request_head_end(st);
        else
            http_response_head_end(st);
        return;
    case HTTP_PHASE_BODY:
        break;
    }
}

/* ---- the app_parser ---- */

/* Ends the flow's parsing: bodies running to the close are complete, every
 * other unfinished message is truncated, every transaction is emitted. */
static void http_finish(struct http_state *st, bool is_close)
{
    for (int d = 0; d < 2; d++) {
        struct http_msg *m = &st->msg[d];
        bool is_closed_body =
            is_close && m->phase == HTTP_PHASE_BODY && m->body.mode == HTTP_BODY_CLOSE;
        if (m->tx || m->is_file_open || m->phase == HTTP_PHASE_HEADERS ||
            m->phase == HTTP_PHASE_BODY)
            http_msg_end(st, (enum flow_dir)d, is_closed_body);
    }
    while (st->q.head) {
        struct http_tx *tx = st->q.head;
        http_tx_queue_unlink(&st->q, tx);
        http_emit_tx(st, tx);
        http_tx_free(tx);
    }
}

static void *http_state_new(void)
{
    struct http_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    for (int d = 0; d < 2; d++) {
        http_line_init(&st->msg[d].line);
        file_hash_init(&st->msg[d].file);
        http_msg_reset(&st->msg[d], HTTP_PHASE_START);
    }
    http_tx_queue_init(&st->q);
    return st;
}

static void http_state_free(void *vst)
{
    struct http_state *st = vst;
    if (!st)
        return;
    for (int d = 0; d < 2; d++) {
        http_line_fini(&st->msg[d].line);
        file_hash_fini(&st->msg[d].file);
    }
    http_tx_queue_fini(&st->q);
    free(st);
}

static size_t http_state_mem(const void *vst)
{
    const struct http_state *st = vst;
    size_t n = sizeof(*st) + st->q.mem;
    for (int d = 0; d < 2; d++)
        n += http_line_mem(&st->msg[d].line) + file_hash_mem(&st->msg[d].file);
    return n;
}

/* Stops with result r after emitting everything pending. */
static enum app_result http_result(struct http_state *st)
{
    if (!st->is_stopped)
        return APP_OK;
    if (st->q.head || st->msg[0].tx || st->msg[1].tx || st->msg[0].is_file_open ||
        st->msg[1].is_file_open)
        http_finish(st, false);
    return st->stop_result;
}

static enum app_result http_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    struct http_state *st = vst;
    struct http_msg *m = &st->msg[dir];
    struct http_sink_ctx sc = {st, dir};
    struct http_body_sink sink = {http_file_data, http_body_event, &sc};
    struct cursor c = cursor_make(data, len);
    st->out = out;
    while (!st->is_stopped && cursor_left(&c) > 0) { /* each turn consumes or breaks */
        if (m->phase == HTTP_PHASE_BODY) {
            enum http_body_result r = http_body_feed(&m->body, &m->line, &c, &sink);
            if (r == HTTP_BODY_END)
                http_msg_end(st, dir, true);
            else if (r == HTTP_BODY_BROKEN)
                http_msg_lost(st, dir, false);
            continue;
        }
        struct http_line_view v;
        if (http_line_next(&m->line, &c, &v) == HTTP_LINE_NEED_MORE) {
            /* An unterminated line counts against the head as it grows. */
            if (m->phase == HTTP_PHASE_HEADERS &&
                m->head_len + m->line.total_len > HTTP_HEAD_BYTES_MAX) {
                http_anomaly(st, dir, "header_section_too_long");
                http_stop(st, APP_ERROR);
            }
            break;
        }
        http_on_line(st, dir, &v);
    }
    out->handover_at = len - cursor_left(&c); /* where a CONNECT tunnel's bytes begin */
    return http_result(st);
}

static enum app_result http_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    struct http_state *st = vst;
    struct http_msg *m = &st->msg[dir];
    st->out = out;
    if (st->is_stopped || len == 0)
        return http_result(st);
    if (m->phase == HTTP_PHASE_BODY && http_body_gap(&m->body, len)) {
        if (!m->is_file_open) {
            file_hash_open(&m->file);
            m->is_file_open = true;
        }
        file_hash_gap(&m->file);
        if (m->body.mode == HTTP_BODY_LENGTH && m->body.left == 0)
            http_msg_end(st, dir, true);
        return APP_OK;
    }
    /* Loss is not the peer's anomaly: resync quietly. */
    if (m->phase != HTTP_PHASE_RESYNC)
        http_msg_lost(st, dir, true);
    http_line_drop(&m->line);
    return APP_OK;
}

static void http_flow_end(void *vst, struct app_out *out)
{
    struct http_state *st = vst;
    st->out = out;
    if (!st->is_stopped)
        http_finish(st, true);
}

/* ---- detection ---- */

/* Methods of RFC 9110 §9 and WebDAV (RFC 4918), which say HTTP on their own.
 * OPTIONS is shared with RTSP and SIP: it needs its version too. */
static const char *const http_methods[] = {
    "GET",      "POST",      "HEAD",  "PUT",  "DELETE", "OPTIONS", "CONNECT", "TRACE",  "PATCH",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",   "LOCK",    "UNLOCK",  "SEARCH", "REPORT",
};

/* 1: data starts with lit; 0: data is a proper prefix of it; -1: neither. */
static int http_probe_match(const uint8_t *data, size_t len, const char *lit)
{
    size_t k = strlen(lit);
    size_t n = len < k ? len : k;
    if (n > 0 && memcmp(data, lit, n) != 0)
        return -1;
    return len >= k ? 1 : 0;
}

/* The first line of data, if it is complete: its length without CR LF. */
static bool http_probe_first_line(const uint8_t *data, size_t len, size_t *line_len)
{
    const uint8_t *lf = len ? memchr(data, '\n', len) : NULL;
    if (!lf)
        return false;
    size_t n = (size_t)(lf - data);
    struct cursor c = cursor_make(data, n);
    uint8_t last = 0;
    if (n > 0 && cursor_peek_u8(&c, n - 1, &last) && last == '\r')
        n--;
    *line_len = n;
    return true;
}

static enum app_probe http_probe_request(const uint8_t *data, size_t len)
{
    size_t line_len;
    bool has_line = http_probe_first_line(data, len, &line_len);
    struct http_request_line rl;
    if (has_line)
        return http_head_request_line(data, line_len, &rl) ? APP_PROBE_YES : APP_PROBE_NO;
    bool is_maybe = false;
    for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++) {
        char word[16];
        size_t k = strlen(http_methods[i]);
        memcpy(word, http_methods[i], k);
        word[k] = ' ';
        word[k + 1] = '\0';
        int r = http_probe_match(data, len, word);
        if (r == 1)
            return strcmp(http_methods[i], "OPTIONS") == 0 ? APP_PROBE_MAYBE : APP_PROBE_YES;
        if (r == 0)
            is_maybe = true;
    }
    if (is_maybe)
        return APP_PROBE_MAYBE;
    /* Another method: wait for its line while the bytes look like one. */
    struct cursor c = cursor_make(data, len);
    size_t token = 0;
    while (cursor_left(&c) > 0) {
        uint8_t ch = cursor_u8(&c);
        if (ch == ' ')
            break;
        if (ch < 0x21 || ch > 0x7e || ++token > 24)
            return APP_PROBE_NO;
    }
    while (cursor_left(&c) > 0) {
        uint8_t ch = cursor_u8(&c);
        if ((ch < 0x20 && ch != '\r' && ch != '\t') || ch == 0x7f)
            return APP_PROBE_NO;
    }
    return APP_PROBE_MAYBE;
}

static enum app_probe http_probe_response(const uint8_t *data, size_t len)
{
    int r = http_probe_match(data, len, "HTTP/");
    if (r < 0)
        return APP_PROBE_NO;
    if (r == 0)
        return APP_PROBE_MAYBE;
    size_t line_len;
    struct http_status_line sl;
    if (http_probe_first_line(data, len, &line_len))
        return http_head_status_line(data, line_len, &sl) ? APP_PROBE_YES : APP_PROBE_NO;
    /* "HTTP/1.1 200" is enough before the reason phrase ends. */
    if (len >= 12 && http_head_status_line(data, 12, &sl))
        return APP_PROBE_YES;
    return len < 64 ? APP_PROBE_MAYBE : APP_PROBE_NO;
}

static enum app_probe http_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    if (len == 0)
        return APP_PROBE_MAYBE;
    return dir == FLOW_TOSERVER ? http_probe_request(data, len) : http_probe_response(data, len);
}

const struct app_parser http_parser = {
    .proto = APP_PROTO_HTTP,
    .name = "http",
    .is_datagram = false,
    .probe = http_probe,
    .state_new = http_state_new,
    .state_free = http_state_free,
    .parse = http_parse,
    .gap = http_gap,
    .flow_end = http_flow_end,
    .state_mem = http_state_mem,
};
