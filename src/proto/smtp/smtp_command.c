/* smtp_command.c — the client side of SMTP: one command line at a time
 * (RFC 5321 §4.1), or one SASL response during AUTH (RFC 4954 §4).
 *
 * Commands join the FIFO of those awaiting a reply (RFC 2920 allows a
 * client to send several at once); MAIL, RCPT and HELO arguments go into
 * the transaction; DATA and BDAT switch the client side to message bytes.
 */
#include <string.h>

#include "core/cursor.h"
#include "proto/smtp/smtp_state.h"

static bool smtp_command_is_space(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

static void smtp_command_skip_space(struct cursor *c)
{
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && smtp_command_is_space(ch))
        cursor_skip(c, 1);
}

/* The next word of c (up to a space). */
static size_t smtp_command_word(struct cursor *c, const uint8_t **p)
{
    smtp_command_skip_space(c);
    *p = cursor_ptr(c);
    size_t n = 0;
    uint8_t ch = 0;
    while (cursor_peek_u8(c, n, &ch) && !smtp_command_is_space(ch))
        n++;
    cursor_skip(c, n);
    return n;
}

static enum smtp_cmd smtp_command_kind(const uint8_t *p, size_t n)
{
    static const struct {
        const char *name;
        enum smtp_cmd cmd;
    } known[] = {
        {"HELO", SMTP_CMD_HELO},         {"EHLO", SMTP_CMD_EHLO},
        {"LHLO", SMTP_CMD_EHLO},         {"MAIL", SMTP_CMD_MAIL},
        {"RCPT", SMTP_CMD_RCPT},         {"DATA", SMTP_CMD_DATA},
        {"BDAT", SMTP_CMD_BDAT},         {"RSET", SMTP_CMD_RSET},
        {"STARTTLS", SMTP_CMD_STARTTLS}, {"AUTH", SMTP_CMD_AUTH},
        {"QUIT", SMTP_CMD_QUIT},         {"NOOP", SMTP_CMD_OTHER},
        {"VRFY", SMTP_CMD_OTHER},        {"EXPN", SMTP_CMD_OTHER},
        {"HELP", SMTP_CMD_OTHER},        {"ETRN", SMTP_CMD_OTHER},
        {"TURN", SMTP_CMD_OTHER},        {"ATRN", SMTP_CMD_OTHER},
        {"XCLIENT", SMTP_CMD_OTHER},     {"XFORWARD", SMTP_CMD_OTHER},
        {"SEND", SMTP_CMD_OTHER},        {"SOML", SMTP_CMD_OTHER},
        {"SAML", SMTP_CMD_OTHER},        {"XEXCH50", SMTP_CMD_OTHER},
        {"X-EXPS", SMTP_CMD_OTHER},      {"X-LINK2STATE", SMTP_CMD_OTHER},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (mail_line_eq_ci(p, n, known[i].name))
            return known[i].cmd;
    return SMTP_CMD_UNKNOWN;
}

/* "FROM:" / "TO:" then the path: "<...>" (with what is inside, spaces
 * included) or, leniently, a bare word. Returns its length, 0 if absent. */
static size_t smtp_command_path(struct cursor *c, const char *prefix, const uint8_t **p)
{
    smtp_command_skip_space(c);
    if (!mail_line_starts_ci(cursor_ptr(c), cursor_left(c), prefix))
        return 0;
    cursor_skip(c, strlen(prefix));
    smtp_command_skip_space(c);
    *p = cursor_ptr(c);
    uint8_t ch = 0;
    size_t n = 0;
    if (cursor_peek_u8(c, 0, &ch) && ch == '<') {
        const uint8_t *gt = memchr(*p, '>', cursor_left(c));
        n = gt ? (size_t)(gt - *p) + 1 : cursor_left(c);
    } else {
        while (cursor_peek_u8(c, n, &ch) && !smtp_command_is_space(ch))
            n++;
    }
    cursor_skip(c, n);
    return n;
}

static void smtp_command_push(struct smtp_state *st, enum smtp_cmd cmd, struct app_out *out)
{
    if (!mail_pending_push(st->pending, &st->pending_count, SMTP_PENDING_MAX, (uint8_t)cmd))
        smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_TOO_MANY_PENDING);
}

/* A command that belongs to a transaction starts one. Envelope commands
 * after a finished envelope (a second MAIL, HELO after MAIL) first end the
 * abandoned one, as a server resets it (RFC 5321 §4.1.4). */
static void smtp_command_tx(struct smtp_state *st, enum smtp_cmd cmd, struct app_out *out)
{
    struct smtp_tx *tx = &st->tx;
    bool is_reset = (cmd == SMTP_CMD_HELO || cmd == SMTP_CMD_EHLO) ? tx->has_content
                    : cmd == SMTP_CMD_MAIL ? tx->has_mail_from || tx->has_data
                                           : false;
    if (is_reset)
        smtp_parser_tx_end(st, out);
    st->tx.is_started = true;
}

static void smtp_command_copy(char *dst, size_t size, const uint8_t *p, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
}

/* One SASL client response (RFC 4954 §4: base64, or "*" to cancel). */
static void smtp_command_sasl(struct smtp_state *st, const uint8_t *p, size_t n,
                              struct app_out *out)
{
    if (mail_line_eq_ci(p, n, "*"))
        return; /* the server answers 501 and ends the exchange */
    char user[MAIL_SASL_USER_MAX];
    enum mail_sasl_result r =
        mail_sasl_user(st->sasl_mech, st->sasl_step++, p, n, user, sizeof(user));
    if (r == MAIL_SASL_USER && st->auth_result != SMTP_AUTH_SUCCESS)
        smtp_command_copy(st->user, sizeof(st->user), (const uint8_t *)user, strlen(user));
    else if (r == MAIL_SASL_INVALID)
        smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_SASL_INVALID);
}

/* "BDAT size [LAST]" (RFC 3030 §2): false when the size is not a number
 * that fits 64 bits. */
static bool smtp_command_bdat(struct smtp_state *st, struct cursor *c)
{
    const uint8_t *w;
    size_t n = smtp_command_word(c, &w);
    if (n == 0 || n > 19)
        return false;
    struct cursor d = cursor_make(w, n);
    uint64_t size = 0;
    while (cursor_left(&d) > 0) {
        uint8_t ch = cursor_u8(&d);
        if (ch < '0' || ch > '9')
            return false;
        size = size * 10 + (uint64_t)(ch - '0');
    }
    n = smtp_command_word(c, &w);
    st->is_bdat_last = mail_line_eq_ci(w, n, "LAST");
    st->bdat_left = size;
    return true;
}

static void smtp_command_args(struct smtp_state *st, enum smtp_cmd cmd, struct cursor *c,
                              struct app_out *out)
{
    struct smtp_tx *tx = &st->tx;
    const uint8_t *p;
    size_t n;
    switch (cmd) {
    case SMTP_CMD_HELO:
    case SMTP_CMD_EHLO: {
        smtp_command_skip_space(c);
        n = cursor_left(c);
        uint8_t ch = 0;
        while (n > 0 && cursor_peek_u8(c, n - 1, &ch) && smtp_command_is_space(ch))
            n--;
        smtp_command_copy(st->helo, sizeof(st->helo), cursor_ptr(c), n);
        break;
    }
    case SMTP_CMD_MAIL:
        n = smtp_command_path(c, "FROM:", &p);
        if (n == 0) {
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_COMMAND_INVALID);
            break;
        }
        smtp_command_copy(tx->mail_from, sizeof(tx->mail_from), p, n);
        tx->has_mail_from = true;
        tx->has_content = true;
        break;
    case SMTP_CMD_RCPT:
        n = smtp_command_path(c, "TO:", &p);
        if (n == 0) {
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_COMMAND_INVALID);
            break;
        }
        if (mime_list_add(&tx->rcpt, p, n < SMTP_PATH_MAX ? n : SMTP_PATH_MAX, 0) < 0)
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_TOO_MANY_RECIPIENTS);
        tx->has_content = true;
        break;
    case SMTP_CMD_DATA:
        tx->has_data = true;
        tx->has_content = true;
        st->mode = SMTP_MODE_DATA;
        st->data_state = SMTP_DATA_LINE_START;
        smtp_parser_mime(st, out);
        break;
    case SMTP_CMD_BDAT:
        if (!smtp_command_bdat(st, c)) {
            smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_BDAT_SIZE_INVALID);
            break;
        }
        tx->has_data = true;
        tx->is_bdat = true;
        tx->has_content = true;
        smtp_parser_mime(st, out);
        st->mode = SMTP_MODE_BDAT;
        if (st->bdat_left == 0) {
            st->mode = SMTP_MODE_COMMAND;
            if (st->is_bdat_last)
                smtp_parser_message_end(st, out, true);
        }
        break;
    case SMTP_CMD_RSET:
        if (tx->has_content)
            smtp_parser_tx_end(st, out);
        break;
    case SMTP_CMD_STARTTLS:
        tx->has_starttls = true;
        st->mode = SMTP_MODE_TLS_WAIT;
        break;
    case SMTP_CMD_AUTH:
        n = smtp_command_word(c, &p);
        smtp_command_copy(st->mech, sizeof(st->mech), p, n);
        st->sasl_mech = (uint8_t)mail_sasl_mech_from(p, n);
        st->sasl_step = 0;
        st->mode = SMTP_MODE_SASL;
        n = smtp_command_word(c, &p);
        if (n > 0) /* initial response (RFC 4954 §4) */
            smtp_command_sasl(st, p, n, out);
        break;
    default:
        break;
    }
}

void smtp_command_line(struct smtp_state *st, const struct mail_line_view *v, struct app_out *out)
{
    if (st->mode == SMTP_MODE_SASL) {
        smtp_command_sasl(st, v->p, v->len, out);
        return;
    }
    struct cursor c = cursor_make(v->p, v->len);
    const uint8_t *kw;
    size_t kw_len = smtp_command_word(&c, &kw);
    if (kw_len == 0 && cursor_left(&c) == 0)
        return; /* an empty line: servers ignore or answer 500; not a command */
    enum smtp_cmd cmd = smtp_command_kind(kw, kw_len);
    if (cmd == SMTP_CMD_UNKNOWN)
        smtp_parser_anomaly(st, out, FLOW_TOSERVER, SMTP_ANOMALY_COMMAND_UNKNOWN);
    if (cmd != SMTP_CMD_QUIT && cmd != SMTP_CMD_OTHER && cmd != SMTP_CMD_UNKNOWN &&
        cmd != SMTP_CMD_RSET)
        smtp_command_tx(st, cmd, out);
    smtp_command_push(st, cmd, out);
    smtp_command_args(st, cmd, &c, out);
}
