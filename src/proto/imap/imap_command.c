/* imap_command.c — the client side of IMAP: tagged commands (RFC 9051
 * §6), their arguments across literals, and AUTHENTICATE's SASL responses
 * (§6.2.2). Keeps the user name of LOGIN and of the SASL mechanisms that
 * carry one in clear; the password argument is a token passed over (or a
 * literal skipped) and never copied.
 */
#include <string.h>

#include "proto/imap/imap_state.h"
#include "proto/imap/imap_token.h"

static enum imap_cmd imap_command_kind(const struct imap_token *t)
{
    static const struct {
        const char *name;
        enum imap_cmd cmd;
    } known[] = {
        {"CAPABILITY", IMAP_CMD_CAPABILITY},
        {"LOGIN", IMAP_CMD_LOGIN},
        {"AUTHENTICATE", IMAP_CMD_AUTHENTICATE},
        {"STARTTLS", IMAP_CMD_STARTTLS},
        {"SELECT", IMAP_CMD_SELECT},
        {"EXAMINE", IMAP_CMD_EXAMINE},
        {"LOGOUT", IMAP_CMD_LOGOUT},
        {"IDLE", IMAP_CMD_IDLE},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (imap_token_is(t, known[i].name))
            return known[i].cmd;
    return IMAP_CMD_OTHER;
}

/* An IDLE waits for its tagged answer, which comes after the client's DONE. */
static bool imap_command_idle_pending(const struct imap_state *st)
{
    for (size_t i = 0; i < st->pending_count; i++)
        if (st->pending[i].cmd == IMAP_CMD_IDLE)
            return true;
    return false;
}

/* The user of a login attempt; a later attempt replaces a failed one's. */
static void imap_command_set_user(struct imap_state *st, const char *user)
{
    if (st->auth_result == IMAP_AUTH_SUCCESS || user[0] == '\0')
        return;
    size_t n = strlen(user);
    if (n >= sizeof(st->user))
        n = sizeof(st->user) - 1;
    memcpy(st->user, user, n);
    st->user[n] = '\0';
}

/* One SASL client response (base64, or "*" to cancel, RFC 9051 §6.2.2). */
static void imap_command_sasl(struct imap_state *st, const uint8_t *p, size_t n,
                              struct app_out *out)
{
    if (mail_line_eq_ci(p, n, "*")) {
        st->is_sasl = false;
        return;
    }
    char user[MAIL_SASL_USER_MAX];
    enum mail_sasl_result r =
        mail_sasl_user(st->sasl_mech, st->sasl_step++, p, n, user, sizeof(user));
    if (r == MAIL_SASL_USER)
        imap_command_set_user(st, user);
    else if (r == MAIL_SASL_INVALID)
        imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_SASL_INVALID);
}

/* Whether argument idx of the current command is kept (LOGIN's user and
 * SELECT/EXAMINE's mailbox; never LOGIN's password, idx 1). */
static bool imap_command_wants(const struct imap_state *st, unsigned idx)
{
    return idx == 0 && (st->cmd_kind == IMAP_CMD_LOGIN || st->cmd_kind == IMAP_CMD_SELECT ||
                        st->cmd_kind == IMAP_CMD_EXAMINE);
}

/* A kept argument's text is known. */
static void imap_command_value(struct imap_state *st, const char *s, size_t n)
{
    if (st->cmd_kind == IMAP_CMD_LOGIN)
        imap_command_set_user(st, s);
    else
        mail_list_add(&st->mailboxes, (const uint8_t *)s, n);
}

static void imap_command_arg(struct imap_state *st, unsigned idx, const struct imap_token *t,
                             struct app_out *out)
{
    char buf[IMAP_ARG_MAX];
    if (imap_command_wants(st, idx)) {
        size_t n = imap_token_copy(t, buf, sizeof(buf));
        imap_command_value(st, buf, n);
    } else if (st->cmd_kind == IMAP_CMD_AUTHENTICATE && idx == 0) {
        imap_token_copy(t, st->mech, sizeof(st->mech));
        st->sasl_mech = (uint8_t)mail_sasl_mech_from(t->p, t->len);
        st->sasl_step = 0;
        st->is_sasl = true;
    } else if (st->cmd_kind == IMAP_CMD_AUTHENTICATE && idx == 1) {
        imap_command_sasl(st, t->p, t->len, out); /* SASL-IR, RFC 4959 */
    }
}

void imap_command_literal_end(struct imap_state *st)
{
    st->arg[st->arg_len] = '\0';
    imap_command_value(st, st->arg, strlen(st->arg));
    st->arg_len = 0;
}

/* The arguments on this line; a literal ending it continues the command. */
static void imap_command_args(struct imap_state *st, struct cursor *c,
                              const struct mail_line_view *v, struct app_out *out)
{
    struct imap_token t;
    st->is_cmd_open = false;
    while (imap_token_next(c, !v->is_truncated, &t) != IMAP_TOKEN_END) {
        unsigned idx = st->cmd_arg++;
        if (t.kind != IMAP_TOKEN_LITERAL) {
            imap_command_arg(st, idx, &t, out);
            continue;
        }
        uint64_t size = 0;
        size_t mlen = 0;
        if (imap_parser_literal(v, &size, &mlen) < 0) {
            imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_LITERAL_TOO_LARGE);
            return;
        }
        bool is_kept = imap_command_wants(st, idx);
        st->arg_len = 0;
        st->is_cmd_open = true;
        imap_parser_literal_start(st, FLOW_TOSERVER, size,
                                  is_kept ? IMAP_LITERAL_CAPTURE : IMAP_LITERAL_SKIP);
        return;
    }
    if (v->is_truncated) {
        /* The cut hid the last tokens; a literal may still end the line. */
        uint64_t size = 0;
        size_t mlen = 0;
        int r = imap_parser_literal(v, &size, &mlen);
        if (r < 0)
            imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_LITERAL_TOO_LARGE);
        if (r > 0) {
            st->is_cmd_open = true;
            imap_parser_literal_start(st, FLOW_TOSERVER, size, IMAP_LITERAL_SKIP);
        }
    }
}

static void imap_command_pending(struct imap_state *st, const struct imap_token *tag,
                                 enum imap_cmd cmd, struct app_out *out)
{
    if (st->pending_count == IMAP_PENDING_MAX) {
        /* A client far ahead of the server: forget the oldest. */
        imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_TOO_MANY_PENDING);
        memmove(&st->pending[0], &st->pending[1], (IMAP_PENDING_MAX - 1) * sizeof(st->pending[0]));
        st->pending_count--;
    }
    struct imap_pending *p = &st->pending[st->pending_count++];
    size_t n = tag->len < IMAP_TAG_MAX ? tag->len : IMAP_TAG_MAX;
    memcpy(p->tag, tag->p, n);
    p->tag_len = (uint8_t)n;
    p->cmd = (uint8_t)cmd;
}

/* Counts an attempt and sets what the command starts. */
static void imap_command_start(struct imap_state *st, enum imap_cmd cmd)
{
    st->cmd_kind = (uint8_t)cmd;
    st->cmd_arg = 0;
    switch (cmd) {
    case IMAP_CMD_LOGIN:
    case IMAP_CMD_AUTHENTICATE:
        st->auth_attempts++;
        st->auth_command = cmd == IMAP_CMD_LOGIN ? "LOGIN" : "AUTHENTICATE";
        if (cmd == IMAP_CMD_LOGIN)
            st->mech[0] = '\0';
        break;
    case IMAP_CMD_STARTTLS:
        st->has_starttls = true;
        break;
    default:
        break;
    }
}

void imap_command_line(struct imap_state *st, const struct mail_line_view *v, struct app_out *out)
{
    struct cursor c = cursor_make(v->p, v->len);
    if (st->is_cmd_open) {
        imap_command_args(st, &c, v, out);
        return;
    }
    /* A SASL response is one base64 word; a line with a space is a command
     * (the tagged answer ending the exchange may not have been seen yet). */
    if (st->is_sasl && !memchr(v->p, ' ', v->len)) {
        imap_command_sasl(st, v->p, v->len, out);
        return;
    }
    st->is_sasl = false;
    /* "DONE" ends IDLE (RFC 2177 §3); it has no tag. */
    if (v->len == 4 && memcmp(v->p, "DONE", 4) == 0 && imap_command_idle_pending(st))
        return;
    struct imap_token tag, name;
    if (imap_token_next(&c, !v->is_truncated, &tag) != IMAP_TOKEN_ATOM ||
        imap_token_next(&c, !v->is_truncated, &name) != IMAP_TOKEN_ATOM) {
        imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_COMMAND_INVALID);
        return;
    }
    if (tag.len > IMAP_TAG_MAX)
        imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_TAG_TOO_LONG);
    if (imap_token_is(&name, "UID") &&
        imap_token_next(&c, !v->is_truncated, &name) != IMAP_TOKEN_ATOM) {
        imap_parser_anomaly(st, out, FLOW_TOSERVER, IMAP_ANOMALY_COMMAND_INVALID);
        return;
    }
    enum imap_cmd cmd = imap_command_kind(&name);
    st->commands++;
    imap_command_pending(st, &tag, cmd, out);
    imap_command_start(st, cmd);
    imap_command_args(st, &c, v, out);
    if (cmd == IMAP_CMD_STARTTLS)
        st->is_tls_wait = true;
}
