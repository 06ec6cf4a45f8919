/* smtp_parser.c — SMTP as an app_parser (see smtp_parser.h): framing of
 * the client's bytes (command lines, DATA text, BDAT chunks), the
 * transaction and its records.
 *
 * RFC 5321 §4.5.2: DATA's text ends at a line holding only "."; a line
 * starting with "." had one more added by the client, removed here. This is
 * done byte by byte at line starts, with nothing buffered, so a message of
 * any size or line length streams into the MIME reader. BDAT chunks (RFC
 * 3030) are counted octets and need no unstuffing.
 */
#include "proto/smtp/smtp_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/file/fileinfo.h"
#include "proto/smtp/smtp_record.h"
#include "proto/smtp/smtp_state.h"

enum { SMTP_MIME_ANOMALY_SHIFT = 16 };

static const char *const smtp_anomaly_names[SMTP_ANOMALY_COUNT] = {
    [SMTP_ANOMALY_LINE_TOO_LONG] = "line_too_long",
    [SMTP_ANOMALY_COMMAND_UNKNOWN] = "command_unknown",
    [SMTP_ANOMALY_COMMAND_INVALID] = "command_invalid",
    [SMTP_ANOMALY_REPLY_INVALID] = "reply_invalid",
    [SMTP_ANOMALY_REPLY_UNEXPECTED] = "reply_unexpected",
    [SMTP_ANOMALY_TOO_MANY_PENDING] = "too_many_pending",
    [SMTP_ANOMALY_TOO_MANY_RECIPIENTS] = "too_many_recipients",
    [SMTP_ANOMALY_BDAT_SIZE_INVALID] = "bdat_size_invalid",
    [SMTP_ANOMALY_DATA_REJECTED] = "data_command_rejected",
    [SMTP_ANOMALY_DATA_UNTERMINATED] = "data_unterminated",
    [SMTP_ANOMALY_SASL_INVALID] = "sasl_invalid",
    [SMTP_ANOMALY_DATA_AFTER_STARTTLS] = "data_after_starttls",
    [SMTP_ANOMALY_GAP] = "gap",
    [SMTP_ANOMALY_MEMCAP] = "memcap",
};

static void smtp_parser_raise(struct smtp_state *st, struct app_out *out, enum flow_dir dir,
                              unsigned bit, const char *name)
{
    st->anomalies++;
    if (st->anomaly_seen & (1u << bit)) /* once per kind per flow, all counted */
        return;
    st->anomaly_seen |= 1u << bit;
    app_out_anomaly(out, APP_PROTO_SMTP, dir, name);
}

void smtp_parser_anomaly(struct smtp_state *st, struct app_out *out, enum flow_dir dir,
                         enum smtp_anomaly a)
{
    smtp_parser_raise(st, out, dir, (unsigned)a, smtp_anomaly_names[a]);
}

void smtp_parser_mime_anomalies(struct smtp_state *st, struct app_out *out)
{
    if (!st->tx.mime)
        return;
    uint32_t bits = mime_parser_take_anomalies(st->tx.mime);
    for (unsigned a = 0; bits && a < MIME_ANOMALY_COUNT; a++)
        if (bits & (1u << a))
            smtp_parser_raise(st, out, FLOW_TOSERVER, SMTP_MIME_ANOMALY_SHIFT + a,
                              mime_anomaly_name((enum mime_anomaly)a));
}

struct mime_parser *smtp_parser_mime(struct smtp_state *st, struct app_out *out)
{
    if (!st->tx.mime) {
        st->tx.mime = mime_parser_new();
        if (!st->tx.mime)
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_MEMCAP);
    }
    return st->tx.mime;
}

static void smtp_parser_tx_reset(struct smtp_state *st)
{
    struct smtp_tx *tx = &st->tx;
    mime_parser_free(tx->mime);
    tx->mime = NULL;
    tx->is_started = false;
    tx->has_content = false;
    tx->mail_from[0] = '\0';
    tx->has_mail_from = false;
    mime_list_clear(&tx->rcpt);
    tx->has_data = false;
    tx->is_data_rejected = false;
    tx->is_bdat = false;
    tx->message_size = 0;
    tx->has_starttls = false;
}

void smtp_parser_tx_end(struct smtp_state *st, struct app_out *out)
{
    struct smtp_tx *tx = &st->tx;
    if (!tx->is_started) {
        smtp_parser_tx_reset(st);
        return;
    }
    const struct mime_message *msg = NULL;
    if (tx->mime) {
        /* A message cut short (RSET in BDAT, STARTTLS, flow end) is still
         * described, with its status saying so. */
        mime_parser_finish(tx->mime, false);
        smtp_parser_mime_anomalies(st, out);
        msg = mime_parser_message(tx->mime);
        if (tx->message_size == 0 && msg->parts <= 1 && !msg->fields[MIME_FIELD_FROM] &&
            msg->to.count == 0)
            msg = NULL; /* DATA refused: no message was sent */
    }
    struct smtp_record r = {
        .tx_id = st->tx_id++,
        .helo = st->helo[0] ? st->helo : NULL,
        .mail_from = tx->has_mail_from ? tx->mail_from : NULL,
        .rcpt_to = &tx->rcpt,
        .rcpt_count = tx->rcpt.seen,
        .has_data = tx->has_data,
        .is_data_rejected = tx->is_data_rejected,
        .is_bdat = tx->is_bdat,
        .message_size = tx->message_size,
        .has_starttls = tx->has_starttls,
        .is_starttls = tx->has_starttls && st->is_starttls,
        .auth_mechanism = st->mech[0] ? st->mech : NULL,
        .auth_user = st->user[0] ? st->user : NULL,
        .auth_result = st->auth_result,
        .email = msg,
    };
    app_out_emit(out, APP_RECORD_SMTP, &r);
    for (size_t i = 0; msg && i < msg->attachment_count; i++) {
        struct fileinfo_record f = msg->attachments[i].rec;
        f.proto = APP_PROTO_SMTP;
        f.dir = FLOW_TOSERVER; /* mail goes from client to server */
        f.tx_id = r.tx_id;
        f.parent_type = APP_RECORD_SMTP;
        f.parent = &r;
        app_out_emit(out, APP_RECORD_FILEINFO, &f);
    }
    smtp_parser_tx_reset(st);
}

void smtp_parser_message_end(struct smtp_state *st, struct app_out *out, bool is_complete)
{
    if (st->tx.mime) {
        mime_parser_finish(st->tx.mime, is_complete);
        smtp_parser_mime_anomalies(st, out);
    }
    smtp_parser_tx_end(st, out);
}

/* ---- client framing ---- */

static void smtp_parser_message_bytes(struct smtp_state *st, const uint8_t *p, size_t n,
                                      struct app_out *out)
{
    st->tx.message_size += n;
    if (st->tx.mime && n > 0) {
        mime_parser_feed(st->tx.mime, p, n);
        smtp_parser_mime_anomalies(st, out);
    }
}

/* DATA text: up to the "." line. Returns true when the message ended. */
static bool smtp_parser_data(struct smtp_state *st, struct cursor *c, struct app_out *out)
{
    while (cursor_left(c) > 0) {
        uint8_t ch = 0;
        cursor_peek_u8(c, 0, &ch);
        switch (st->data_state) {
        case SMTP_DATA_MIDDLE: {
            const uint8_t *p = cursor_ptr(c);
            const uint8_t *lf = memchr(p, '\n', cursor_left(c));
            size_t n = lf ? (size_t)(lf - p) + 1 : cursor_left(c);
            smtp_parser_message_bytes(st, cursor_bytes(c, n), n, out);
            if (lf)
                st->data_state = SMTP_DATA_LINE_START;
            break;
        }
        case SMTP_DATA_LINE_START:
            if (ch == '.') {
                cursor_skip(c, 1);
                st->data_state = SMTP_DATA_DOT;
            } else {
                st->data_state = SMTP_DATA_MIDDLE;
            }
            break;
        case SMTP_DATA_DOT:
            if (ch == '\r') {
                cursor_skip(c, 1);
                st->data_state = SMTP_DATA_DOT_CR;
            } else if (ch == '\n') { /* ".\n": lenient, as servers are */
                cursor_skip(c, 1);
                return true;
            } else {
                st->data_state = SMTP_DATA_MIDDLE; /* the dot was stuffing */
            }
            break;
        default: /* SMTP_DATA_DOT_CR */
            if (ch == '\n') {
                cursor_skip(c, 1);
                return true;
            }
            smtp_parser_message_bytes(st, (const uint8_t *)"\r", 1, out);
            st->data_state = SMTP_DATA_MIDDLE;
            break;
        }
    }
    return false;
}

static void smtp_parser_bdat(struct smtp_state *st, struct cursor *c, struct app_out *out)
{
    size_t n = cursor_left(c) < st->bdat_left ? cursor_left(c) : (size_t)st->bdat_left;
    smtp_parser_message_bytes(st, cursor_bytes(c, n), n, out);
    st->bdat_left -= n;
    if (st->bdat_left > 0)
        return;
    st->mode = SMTP_MODE_COMMAND;
    if (st->is_bdat_last)
        smtp_parser_message_end(st, out, true);
}

static enum app_result smtp_parser_client(struct smtp_state *st, struct cursor *c,
                                          struct app_out *out)
{
    while (cursor_left(c) > 0) { /* each turn consumes >= 1 byte or leaves */
        switch (st->mode) {
        case SMTP_MODE_DATA:
            if (smtp_parser_data(st, c, out)) {
                st->mode = SMTP_MODE_COMMAND;
                /* The "." gets a reply of its own. */
                if (st->pending_count < SMTP_PENDING_MAX)
                    st->pending[st->pending_count++] = SMTP_CMD_DATA_END;
                smtp_parser_message_end(st, out, true);
            }
            continue;
        case SMTP_MODE_BDAT:
            smtp_parser_bdat(st, c, out);
            continue;
        case SMTP_MODE_TLS_WAIT:
            /* RFC 3207 §4: nothing may follow STARTTLS before the reply. */
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_DATA_AFTER_STARTTLS);
            return APP_OK;
        default:
            break;
        }
        struct mail_line_view v;
        enum mail_line_result lr = mail_line_next(&st->line[FLOW_TOSERVER], c, SMTP_LINE_MAX, &v);
        if (lr == MAIL_LINE_NOMEM)
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_MEMCAP);
        if (lr != MAIL_LINE_READY)
            continue;
        if (v.is_truncated)
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_LINE_TOO_LONG);
        smtp_command_line(st, &v, out);
        mail_line_release(&st->line[FLOW_TOSERVER]);
    }
    return APP_OK;
}

static enum app_result smtp_parser_server(struct smtp_state *st, struct cursor *c,
                                          struct app_out *out)
{
    enum app_result res = APP_OK;
    while (res == APP_OK && cursor_left(c) > 0) {
        struct mail_line_view v;
        enum mail_line_result lr =
            mail_line_next(&st->line[FLOW_TOCLIENT], c, SMTP_REPLY_LINE_MAX, &v);
        if (lr == MAIL_LINE_NOMEM)
            smtp_parser_anomaly(st, out, FLOW_TOCLIENT, SMTP_ANOMALY_MEMCAP);
        if (lr != MAIL_LINE_READY)
            continue;
        res = smtp_reply_line(st, &v, out);
        mail_line_release(&st->line[FLOW_TOCLIENT]);
    }
    if (res == APP_SWITCH_TLS && cursor_left(c) > 0)
        smtp_parser_anomaly(st, out, FLOW_TOCLIENT, SMTP_ANOMALY_DATA_AFTER_STARTTLS);
    return res;
}

static enum app_result smtp_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    struct smtp_state *st = vst;
    struct cursor c = cursor_make(data, len);
    return dir == FLOW_TOSERVER ? smtp_parser_client(st, &c, out) : smtp_parser_server(st, &c, out);
}

static enum app_result smtp_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    struct smtp_state *st = vst;
    smtp_parser_anomaly(st, out, dir, SMTP_ANOMALY_GAP);
    if (dir == FLOW_TOCLIENT) {
        /* Lost replies: which command they answered is unknown now. */
        mail_line_resync(&st->line[FLOW_TOCLIENT]);
        st->pending_count = 0;
        return APP_OK;
    }
    switch (st->mode) {
    case SMTP_MODE_DATA:
        /* Resume at the next line: its end, or the "." line, is found again. */
        st->tx.message_size += len;
        if (st->tx.mime)
            mime_parser_gap(st->tx.mime, len);
        st->data_state = SMTP_DATA_MIDDLE;
        break;
    case SMTP_MODE_BDAT:
        if (st->tx.mime)
            mime_parser_gap(st->tx.mime, len);
        if (len < st->bdat_left) {
            st->bdat_left -= len;
            st->tx.message_size += len;
            break;
        }
        /* The chunk's end was lost: so is where the next command starts. */
        st->tx.message_size += st->bdat_left;
        st->bdat_left = 0;
        st->mode = SMTP_MODE_COMMAND;
        smtp_parser_message_end(st, out, false);
        mail_line_resync(&st->line[FLOW_TOSERVER]);
        break;
    default:
        mail_line_resync(&st->line[FLOW_TOSERVER]);
        break;
    }
    return APP_OK;
}

static void smtp_flow_end(void *vst, struct app_out *out)
{
    struct smtp_state *st = vst;
    if (st->mode == SMTP_MODE_DATA || st->mode == SMTP_MODE_BDAT)
        smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_DATA_UNTERMINATED);
    smtp_parser_message_end(st, out, false);
}

static void *smtp_state_new(void)
{
    struct smtp_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    mail_line_init_pair(st->line, SMTP_LINE_MAX, SMTP_REPLY_LINE_MAX);
    mime_list_init(&st->tx.rcpt, SMTP_RCPT_MAX, SMTP_RCPT_POOL_MAX, SMTP_PATH_MAX, false);
    return st;
}

static void smtp_state_free(void *vst)
{
    struct smtp_state *st = vst;
    if (!st)
        return;
    mail_line_fini_pair(st->line);
    mime_list_fini(&st->tx.rcpt);
    mime_parser_free(st->tx.mime);
    free(st);
}

static size_t smtp_state_mem(const void *vst)
{
    const struct smtp_state *st = vst;
    return sizeof(*st) + mail_line_mem_pair(st->line) + mime_list_mem(&st->tx.rcpt) +
           (st->tx.mime ? mime_parser_mem(st->tx.mime) : 0);
}

/* Server: a 220 greeting (RFC 5321 §4.2: "220" SP or "220-").
 * Client: a command a session starts with. */
static enum app_probe smtp_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    static const char *const server[] = {"220 ", "220-"};
    static const char *const client[] = {"EHLO ", "HELO ", "EHLO\r", "HELO\r", "LHLO "};
    int m = dir == FLOW_TOCLIENT
                ? mail_line_match_any(data, len, server, sizeof(server) / sizeof(server[0]))
                : mail_line_match_any(data, len, client, sizeof(client) / sizeof(client[0]));
    if (m <= 0)
        return m == 0 ? APP_PROBE_MAYBE : APP_PROBE_NO;
    if (dir == FLOW_TOSERVER)
        return APP_PROBE_YES;
    /* FTP greets with 220 too: an SMTP greeting names the protocol or is
     * answered by EHLO, which the client side decides. Say maybe unless the
     * line says SMTP. */
    const uint8_t *lf = memchr(data, '\n', len);
    size_t n = lf ? (size_t)(lf - data) : len;
    struct cursor c = cursor_make(data, n);
    for (size_t k = 0; k + 4 <= n; k++) {
        if (mail_line_starts_ci(cursor_ptr(&c) + k, n - k, "SMTP") ||
            mail_line_starts_ci(cursor_ptr(&c) + k, n - k, "mail"))
            return APP_PROBE_YES;
    }
    return lf ? APP_PROBE_NO : APP_PROBE_MAYBE;
}

const struct app_parser smtp_parser = {
    .proto = APP_PROTO_SMTP,
    .name = "smtp",
    .is_datagram = false,
    .probe = smtp_probe,
    .state_new = smtp_state_new,
    .state_free = smtp_state_free,
    .parse = smtp_parse,
    .gap = smtp_gap,
    .flow_end = smtp_flow_end,
    .state_mem = smtp_state_mem,
};
