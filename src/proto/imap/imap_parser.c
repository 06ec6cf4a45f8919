/* imap_parser.c — IMAP framing and the app_parser (see imap_parser.h).
 *
 * Each direction is a sequence of lines, and a line ending in a literal
 * marker is followed by that many octets of literal data (RFC 9051 §4.3),
 * after which the command or response goes on with another line. Literal
 * data is skipped by count, never buffered; only a client literal holding a
 * user or mailbox name is kept (IMAP_ARG_MAX bytes). Lines are cut at
 * IMAP_LINE_MAX. After a gap the direction resynchronises at the next LF.
 */
#include "proto/imap/imap_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/imap/imap_state.h"

static const char *const imap_anomaly_names[IMAP_ANOMALY_COUNT] = {
    [IMAP_ANOMALY_LINE_TOO_LONG] = "line_too_long",
    [IMAP_ANOMALY_LITERAL_TOO_LARGE] = "literal_too_large",
    [IMAP_ANOMALY_LITERAL_TRUNCATED] = "literal_truncated",
    [IMAP_ANOMALY_NUL_BYTE] = "nul_byte",
    [IMAP_ANOMALY_COMMAND_INVALID] = "command_invalid",
    [IMAP_ANOMALY_TAG_TOO_LONG] = "tag_too_long",
    [IMAP_ANOMALY_TOO_MANY_PENDING] = "too_many_pending",
    [IMAP_ANOMALY_RESPONSE_INVALID] = "response_invalid",
    [IMAP_ANOMALY_RESPONSE_TAG_UNKNOWN] = "response_tag_unknown",
    [IMAP_ANOMALY_SASL_INVALID] = "sasl_invalid",
    [IMAP_ANOMALY_DATA_AFTER_STARTTLS] = "data_after_starttls",
    [IMAP_ANOMALY_MEMCAP] = "memcap",
};

void imap_parser_anomaly(struct imap_state *st, struct app_out *out, enum flow_dir dir,
                         enum imap_anomaly a)
{
    st->anomalies++;
    /* Once per kind per flow: 10,000 bad lines make one event and a count. */
    if (st->anomaly_seen & (1u << a))
        return;
    st->anomaly_seen |= 1u << a;
    app_out_anomaly(out, APP_PROTO_IMAP, dir, imap_anomaly_names[a]);
}

void imap_parser_emit(struct imap_state *st, struct app_out *out)
{
    if (st->is_emitted)
        return;
    st->is_emitted = true;
    struct imap_record r = {
        .capabilities = st->caps.items,
        .capability_count = st->caps.count,
        .is_capabilities_truncated = st->caps.is_truncated,
        .has_starttls = st->has_starttls,
        .is_starttls = st->is_starttls,
        .is_preauth = st->is_preauth,
        .user = st->user[0] ? st->user : NULL,
        .auth_command = st->auth_command,
        .auth_mechanism = st->mech[0] ? st->mech : NULL,
        .auth_result = st->auth_result,
        .auth_attempts = st->auth_attempts,
        .auth_failures = st->auth_failures,
        .mailboxes = st->mailboxes.items,
        .mailbox_count = st->mailboxes.count,
        .is_mailboxes_truncated = st->mailboxes.is_truncated,
        .messages_fetched = st->messages_fetched,
        .headers_fetched = st->headers_fetched,
        .bytes_fetched = st->bytes_fetched,
        .messages_deleted = st->messages_deleted,
        .commands = st->commands,
        .anomalies = st->anomalies,
        .is_logout = st->is_logout,
    };
    app_out_emit(out, APP_RECORD_IMAP, &r);
}

/* No '{' in the tail: a marker with more digits than the tail holds is
 * still a marker, and a hostile one. */
static int imap_parser_long_marker(const struct mail_line_view *v, size_t *marker_len)
{
    struct cursor c = cursor_make(v->tail, v->tail_len);
    uint8_t ch = 0;
    size_t digits = 0;
    while (cursor_peek_u8(&c, 0, &ch) && ch >= '0' && ch <= '9') {
        cursor_skip(&c, 1);
        digits++;
    }
    if (cursor_peek_u8(&c, 0, &ch) && ch == '+')
        cursor_skip(&c, 1);
    if (digits == 0 || cursor_u8(&c) != '}' || cursor_left(&c) != 0 || v->total_len <= v->tail_len)
        return 0;
    *marker_len = v->tail_len;
    return -1;
}

int imap_parser_literal(const struct mail_line_view *v, uint64_t *size, size_t *marker_len)
{
    /* The marker is short, so the tail (the line's last bytes) holds it even
     * when the line was cut. */
    if (v->tail_len < 3)
        return 0;
    const uint8_t *open = memrchr(v->tail, '{', v->tail_len);
    if (!open)
        return imap_parser_long_marker(v, marker_len);
    size_t off = (size_t)(open - v->tail);
    struct cursor c = cursor_make(open + 1, v->tail_len - off - 1);
    uint64_t n = 0;
    size_t digits = 0;
    uint8_t ch = 0;
    while (cursor_peek_u8(&c, 0, &ch) && ch >= '0' && ch <= '9') { /* <= 31 turns */
        cursor_skip(&c, 1);
        if (++digits <= 19)
            n = n * 10 + (uint64_t)(ch - '0');
    }
    if (cursor_peek_u8(&c, 0, &ch) && ch == '+')
        cursor_skip(&c, 1);
    if (cursor_u8(&c) != '}' || cursor_left(&c) != 0 || digits == 0)
        return 0; /* not a marker: "{" inside some text */
    size_t start = off;
    struct cursor tc = cursor_make(v->tail, v->tail_len);
    if (start > 0 && cursor_peek_u8(&tc, start - 1, &ch) && ch == '~') /* literal8, RFC 3516 */
        start--;
    *marker_len = v->tail_len - start;
    if (digits > 19 || n > IMAP_LITERAL_MAX)
        return -1;
    *size = n;
    return 1;
}

void imap_parser_literal_start(struct imap_state *st, enum flow_dir dir, uint64_t size,
                               enum imap_literal_kind kind)
{
    st->literal_left[dir] = size;
    st->literal_kind[dir] = (uint8_t)kind;
    if (size == 0 && dir == FLOW_TOSERVER && kind == IMAP_LITERAL_CAPTURE)
        imap_command_literal_end(st);
}

/* Takes literal bytes of dir from c. */
static void imap_parser_literal_data(struct imap_state *st, enum flow_dir dir, struct cursor *c)
{
    uint64_t left = st->literal_left[dir];
    size_t n = cursor_left(c) < left ? cursor_left(c) : (size_t)left;
    const uint8_t *b = cursor_bytes(c, n);
    switch (st->literal_kind[dir]) {
    case IMAP_LITERAL_CAPTURE: {
        size_t room = IMAP_ARG_MAX - 1 - st->arg_len;
        size_t k = n < room ? n : room;
        memcpy(st->arg + st->arg_len, b, k);
        st->arg_len += k;
        break;
    }
    case IMAP_LITERAL_FETCH_BODY:
    case IMAP_LITERAL_FETCH_HEADER:
        st->bytes_fetched += n;
        break;
    default:
        break;
    }
    st->literal_left[dir] -= n;
    if (st->literal_left[dir] == 0 && dir == FLOW_TOSERVER &&
        st->literal_kind[dir] == IMAP_LITERAL_CAPTURE)
        imap_command_literal_end(st);
}

/* One finished line: the checks common to both sides, then its side. */
static enum app_result imap_parser_line(struct imap_state *st, enum flow_dir dir,
                                        const struct mail_line_view *v, struct app_out *out)
{
    if (v->is_truncated)
        imap_parser_anomaly(st, out, dir, IMAP_ANOMALY_LINE_TOO_LONG);
    if (memchr(v->p, 0, v->len)) /* RFC 9051 §4.1: no NUL in text */
        imap_parser_anomaly(st, out, dir, IMAP_ANOMALY_NUL_BYTE);
    if (dir == FLOW_TOSERVER) {
        imap_command_line(st, v, out);
        return APP_OK;
    }
    return imap_response_line(st, v, out);
}

static enum app_result imap_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    struct imap_state *st = vst;
    struct cursor c = cursor_make(data, len);
    enum app_result res = APP_OK;
    while (res == APP_OK && cursor_left(&c) > 0) { /* each turn consumes >= 1 byte */
        if (st->literal_left[dir] > 0) {
            imap_parser_literal_data(st, dir, &c);
            continue;
        }
        if (dir == FLOW_TOSERVER && st->is_tls_wait) {
            /* STARTTLS sent: what follows is a TLS ClientHello (or, before
             * the server agreed, an injection attempt). */
            imap_parser_anomaly(st, out, dir, IMAP_ANOMALY_DATA_AFTER_STARTTLS);
            cursor_skip(&c, cursor_left(&c));
            break;
        }
        struct mail_line_view v;
        enum mail_line_result lr = mail_line_next(&st->line[dir], &c, IMAP_LINE_MAX, &v);
        if (lr == MAIL_LINE_NOMEM)
            imap_parser_anomaly(st, out, dir, IMAP_ANOMALY_MEMCAP);
        if (lr != MAIL_LINE_READY)
            continue;
        res = imap_parser_line(st, dir, &v, out);
        mail_line_release(&st->line[dir]);
    }
    if (res == APP_SWITCH_TLS && cursor_left(&c) > 0) {
        /* Plaintext after the server's OK, in the same segment: the
         * response-injection pattern (CVE-2021-33515, CVE-2011-0411). */
        imap_parser_anomaly(st, out, dir, IMAP_ANOMALY_DATA_AFTER_STARTTLS);
    }
    return res;
}

static enum app_result imap_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)out;
    struct imap_state *st = vst;
    if (st->literal_left[dir] >= len) {
        /* The hole is inside a literal: its length still frames the stream. */
        if (st->literal_kind[dir] == IMAP_LITERAL_FETCH_BODY ||
            st->literal_kind[dir] == IMAP_LITERAL_FETCH_HEADER)
            st->bytes_fetched += len;
        st->literal_left[dir] -= len;
        if (st->literal_left[dir] == 0 && dir == FLOW_TOSERVER &&
            st->literal_kind[dir] == IMAP_LITERAL_CAPTURE)
            imap_command_literal_end(st);
        return APP_OK;
    }
    /* Lost framing: drop to the next line; a command or response split by
     * the hole is forgotten. Loss is not the peer's anomaly. */
    st->literal_left[dir] = 0;
    mail_line_resync(&st->line[dir]);
    if (dir == FLOW_TOSERVER)
        st->is_cmd_open = false;
    else
        st->is_resp_open = false;
    return APP_OK;
}

static void imap_flow_end(void *vst, struct app_out *out)
{
    struct imap_state *st = vst;
    if (st->literal_left[FLOW_TOCLIENT] > 0)
        imap_parser_anomaly(st, out, FLOW_TOCLIENT, IMAP_ANOMALY_LITERAL_TRUNCATED);
    if (st->literal_left[FLOW_TOSERVER] > 0)
        imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_LITERAL_TRUNCATED);
    if (st->is_resp_open && st->is_resp_fetch) {
        /* A FETCH cut short still moved its bytes: count the message. */
        if (st->has_fetch_body)
            st->messages_fetched++;
        else if (st->has_fetch_header)
            st->headers_fetched++;
        st->is_resp_open = false;
    }
    imap_parser_emit(st, out);
}

static void *imap_state_new(void)
{
    struct imap_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    mail_line_init_pair(st->line, IMAP_LINE_MAX, IMAP_LINE_MAX);
    mail_list_init(&st->caps, true);
    mail_list_init(&st->mailboxes, false);
    return st;
}

static void imap_state_free(void *vst)
{
    struct imap_state *st = vst;
    if (!st)
        return;
    mail_line_fini_pair(st->line);
    free(st);
}

static size_t imap_state_mem(const void *vst)
{
    const struct imap_state *st = vst;
    return sizeof(*st) + mail_line_mem_pair(st->line);
}

/* Server: "* OK" or "* PREAUTH" (RFC 9051 §7.1). Client: a tag, a space and
 * a command a session starts with. */
static enum app_probe imap_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    static const char *const server[] = {"* OK ", "* PREAUTH "};
    static const char *const client[] = {"CAPABILITY", "LOGIN", "AUTHENTICATE",
                                         "STARTTLS",   "ID",    "NOOP"};
    if (dir == FLOW_TOCLIENT) {
        int m = mail_line_match_any(data, len, server, sizeof(server) / sizeof(server[0]));
        return m > 0 ? APP_PROBE_YES : m == 0 ? APP_PROBE_MAYBE : APP_PROBE_NO;
    }
    struct cursor c = cursor_make(data, len);
    size_t tag_len = 0;
    uint8_t ch = 0;
    /* RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">; a looser set here
     * (any visible character but the specials) costs nothing. */
    while (cursor_peek_u8(&c, 0, &ch) && ch > ' ' && ch < 0x7f && !memchr("(){\"\\*%+", ch, 8)) {
        if (++tag_len > IMAP_TAG_MAX)
            return APP_PROBE_NO;
        cursor_skip(&c, 1);
    }
    if (cursor_left(&c) == 0)
        return APP_PROBE_MAYBE;
    if (tag_len == 0 || cursor_u8(&c) != ' ')
        return APP_PROBE_NO;
    bool is_maybe = false;
    for (size_t i = 0; i < sizeof(client) / sizeof(client[0]); i++) {
        int m = mail_line_match_ci(cursor_ptr(&c), cursor_left(&c), client[i]);
        if (m == 0)
            is_maybe = true;
        if (m <= 0)
            continue;
        uint8_t next = 0;
        if (!cursor_peek_u8(&c, strlen(client[i]), &next))
            is_maybe = true;
        else if (next == ' ' || next == '\r' || next == '\n')
            return APP_PROBE_YES;
    }
    return is_maybe ? APP_PROBE_MAYBE : APP_PROBE_NO;
}

const struct app_parser imap_parser = {
    .proto = APP_PROTO_IMAP,
    .name = "imap",
    .is_datagram = false,
    .probe = imap_probe,
    .state_new = imap_state_new,
    .state_free = imap_state_free,
    .parse = imap_parse,
    .gap = imap_gap,
    .flow_end = imap_flow_end,
    .state_mem = imap_state_mem,
};
