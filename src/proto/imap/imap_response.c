/* imap_response.c — the server side of IMAP (RFC 9051 §7): the greeting,
 * CAPABILITY lists and [CAPABILITY] codes, tagged OK/NO/BAD matched to
 * their commands by tag, EXPUNGE, and FETCH responses whose message data
 * arrives as literals (§7.5.2: BODY[section], BINARY[section], RFC822*).
 */
#include <string.h>

#include "proto/imap/imap_state.h"
#include "proto/imap/imap_token.h"

/* Adds every atom of c to the capability list (RFC 9051 §7.2.2). */
static void imap_response_caps(struct imap_state *st, struct cursor *c)
{
    struct imap_token t;
    while (imap_token_next(c, false, &t) != IMAP_TOKEN_END) /* each consumes >= 1 byte */
        if (t.kind == IMAP_TOKEN_ATOM)
            mail_list_add(&st->caps, t.p, t.len);
}

/* "[CAPABILITY a b c] text" after a status (RFC 9051 §7.1): the list
 * stops at ']'. */
static void imap_response_code(struct imap_state *st, struct cursor *c)
{
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && ch == ' ')
        cursor_skip(c, 1);
    if (!mail_line_starts_ci(cursor_ptr(c), cursor_left(c), "[CAPABILITY "))
        return;
    cursor_skip(c, strlen("[CAPABILITY "));
    const uint8_t *end = memchr(cursor_ptr(c), ']', cursor_left(c));
    struct cursor code =
        cursor_make(cursor_ptr(c), end ? (size_t)(end - cursor_ptr(c)) : cursor_left(c));
    imap_response_caps(st, &code);
}

/* The last byte of p[0..n), or 0 for none. */
static uint8_t imap_response_last(const uint8_t *p, size_t n)
{
    struct cursor c = cursor_make(p, n);
    uint8_t ch = 0;
    return n > 0 && cursor_peek_u8(&c, n - 1, &ch) ? ch : 0;
}

/* Where the section of the line's last "BODY[" or "BINARY[" starts, or NULL. */
static const uint8_t *imap_response_item(const uint8_t *p, size_t n)
{
    const uint8_t *item = NULL;
    const uint8_t *q = p;
    const uint8_t *open;
    while ((open = memchr(q, '[', (size_t)(p + n - q))) != NULL) { /* q moves forward */
        size_t before = (size_t)(open - p);
        if ((before >= 4 && mail_line_eq_ci(open - 4, 4, "BODY")) ||
            (before >= 6 && mail_line_eq_ci(open - 6, 6, "BINARY")))
            item = open + 1;
        q = open + 1;
    }
    return item;
}

/* What the literal ending a FETCH line holds, from the item before its
 * marker (p[0..n) is the line up to the marker; RFC 9051 §7.5.2):
 * header-only sections are HEADER, HEADER.FIELDS[.NOT] (...), MIME, also of
 * a part ("1.2.HEADER"), and RFC822.HEADER; message text is BODY[],
 * BODY[TEXT], a part ("1.2"), BINARY[...], RFC822, RFC822.TEXT. Anything
 * else (an ENVELOPE string sent as a literal) is not counted. */
static enum imap_literal_kind imap_response_classify(const uint8_t *p, size_t n)
{
    uint8_t last;
    while ((last = imap_response_last(p, n)) == ' ' || last == '~')
        n--;
    if (last == ']' || last == '>') {
        const uint8_t *item = imap_response_item(p, n);
        if (!item)
            return IMAP_LITERAL_FETCH_BODY; /* a cut line lost the name: count it */
        struct cursor c = cursor_make(item, (size_t)(p + n - item));
        uint8_t ch = 0;
        while (cursor_peek_u8(&c, 0, &ch) && ((ch >= '0' && ch <= '9') || ch == '.'))
            cursor_skip(&c, 1); /* part numbers */
        if (mail_line_starts_ci(cursor_ptr(&c), cursor_left(&c), "HEADER") ||
            mail_line_starts_ci(cursor_ptr(&c), cursor_left(&c), "MIME"))
            return IMAP_LITERAL_FETCH_HEADER;
        return IMAP_LITERAL_FETCH_BODY;
    }
    const uint8_t *sp = memrchr(p, ' ', n);
    const uint8_t *lp = memrchr(p, '(', n);
    const uint8_t *w = sp > lp ? sp : lp;
    w = w ? w + 1 : p;
    size_t wl = (size_t)(p + n - w);
    if (mail_line_eq_ci(w, wl, "RFC822.HEADER"))
        return IMAP_LITERAL_FETCH_HEADER;
    if (mail_line_eq_ci(w, wl, "RFC822") || mail_line_eq_ci(w, wl, "RFC822.TEXT"))
        return IMAP_LITERAL_FETCH_BODY;
    return IMAP_LITERAL_SKIP;
}

/* A FETCH response is complete: count it once. */
static void imap_response_fetch_end(struct imap_state *st)
{
    if (st->has_fetch_body)
        st->messages_fetched++;
    else if (st->has_fetch_header)
        st->headers_fetched++;
    st->is_resp_fetch = false;
}

/* A literal ending the line continues the response after it. */
static void imap_response_literal(struct imap_state *st, const struct mail_line_view *v,
                                  struct app_out *out)
{
    uint64_t size = 0;
    size_t mlen = 0;
    int r = imap_parser_literal(v, &size, &mlen);
    st->is_resp_open = r > 0;
    if (r < 0)
        imap_parser_anomaly(st, out, FLOW_TOCLIENT, IMAP_ANOMALY_LITERAL_TOO_LARGE);
    if (r <= 0) {
        if (st->is_resp_fetch)
            imap_response_fetch_end(st);
        return;
    }
    enum imap_literal_kind k = IMAP_LITERAL_SKIP;
    if (st->is_resp_fetch) {
        /* Before the marker: the kept text, or for a cut line the tail. */
        const uint8_t *p = v->is_truncated ? v->tail : v->p;
        size_t n = v->is_truncated ? v->tail_len : v->len;
        k = imap_response_classify(p, n > mlen ? n - mlen : 0);
        st->has_fetch_body |= k == IMAP_LITERAL_FETCH_BODY;
        st->has_fetch_header |= k == IMAP_LITERAL_FETCH_HEADER;
    }
    imap_parser_literal_start(st, FLOW_TOCLIENT, size, k);
}

static void imap_response_untagged(struct imap_state *st, struct cursor *c)
{
    struct imap_token t;
    imap_token_next(c, false, &t);
    if (imap_token_is_number(&t)) {
        imap_token_next(c, false, &t);
        if (imap_token_is(&t, "FETCH")) {
            st->is_resp_fetch = true;
            st->has_fetch_body = false;
            st->has_fetch_header = false;
        } else if (imap_token_is(&t, "EXPUNGE")) {
            st->messages_deleted++;
        }
    } else if (imap_token_is(&t, "CAPABILITY")) {
        imap_response_caps(st, c);
    } else if (imap_token_is(&t, "OK") || imap_token_is(&t, "PREAUTH") || imap_token_is(&t, "NO") ||
               imap_token_is(&t, "BAD") || imap_token_is(&t, "BYE")) {
        if (!st->is_greeted && imap_token_is(&t, "PREAUTH")) {
            /* Authenticated by the connection itself (RFC 9051 §7.1.4). */
            st->is_preauth = true;
        }
        imap_response_code(st, c);
    }
}

/* The pending command with this tag, removed; IMAP_PENDING_MAX if none. */
static int imap_response_take(struct imap_state *st, const struct imap_token *tag)
{
    size_t n = tag->len < IMAP_TAG_MAX ? tag->len : IMAP_TAG_MAX;
    for (size_t i = 0; i < st->pending_count; i++) {
        struct imap_pending *p = &st->pending[i];
        if (p->tag_len != n || memcmp(p->tag, tag->p, n) != 0)
            continue;
        int cmd = p->cmd;
        memmove(p, p + 1, (st->pending_count - i - 1) * sizeof(*p));
        st->pending_count--;
        return cmd;
    }
    return -1;
}

static enum app_result imap_response_tagged(struct imap_state *st, const struct imap_token *tag,
                                            struct cursor *c, struct app_out *out)
{
    struct imap_token status;
    imap_token_next(c, false, &status);
    bool is_ok = imap_token_is(&status, "OK");
    if (!is_ok && !imap_token_is(&status, "NO") && !imap_token_is(&status, "BAD")) {
        imap_parser_anomaly(st, out, FLOW_TOCLIENT, IMAP_ANOMALY_RESPONSE_INVALID);
        return APP_OK;
    }
    imap_response_code(st, c);
    int cmd = imap_response_take(st, tag);
    if (cmd < 0) {
        imap_parser_anomaly(st, out, FLOW_TOCLIENT, IMAP_ANOMALY_RESPONSE_TAG_UNKNOWN);
        return APP_OK;
    }
    switch (cmd) {
    case IMAP_CMD_LOGIN:
    case IMAP_CMD_AUTHENTICATE:
        st->auth_result = is_ok ? IMAP_AUTH_SUCCESS : IMAP_AUTH_FAILURE;
        st->auth_failures += !is_ok;
        if (cmd == IMAP_CMD_AUTHENTICATE)
            st->is_sasl = false;
        break;
    case IMAP_CMD_STARTTLS:
        st->is_tls_wait = false;
        if (!is_ok)
            break;
        st->is_starttls = true;
        imap_parser_emit(st, out);
        return APP_SWITCH_TLS;
    case IMAP_CMD_LOGOUT:
        if (!is_ok)
            break;
        st->is_logout = true;
        imap_parser_emit(st, out);
        return APP_DONE;
    default:
        break;
    }
    return APP_OK;
}

enum app_result imap_response_line(struct imap_state *st, const struct mail_line_view *v,
                                   struct app_out *out)
{
    struct cursor c = cursor_make(v->p, v->len);
    enum app_result res = APP_OK;
    if (st->is_resp_open) {
        /* The rest of a response after a literal: only another literal
         * matters (a FETCH with several body sections). */
        imap_response_literal(st, v, out);
        return APP_OK;
    }
    st->is_resp_fetch = false;
    struct imap_token first;
    imap_token_next(&c, false, &first);
    if (imap_token_is(&first, "*")) {
        imap_response_untagged(st, &c);
    } else if (mail_line_starts_ci(first.p, first.len, "+")) {
        /* Continuation request (RFC 9051 §7.5): a SASL challenge, or the
         * go-ahead for a literal. */
    } else if (first.kind == IMAP_TOKEN_ATOM) {
        res = imap_response_tagged(st, &first, &c, out);
    } else {
        imap_parser_anomaly(st, out, FLOW_TOCLIENT, IMAP_ANOMALY_RESPONSE_INVALID);
    }
    st->is_greeted = true;
    if (res == APP_OK)
        imap_response_literal(st, v, out);
    return res;
}
