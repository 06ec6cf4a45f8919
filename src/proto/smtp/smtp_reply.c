/* smtp_reply.c — the server side of SMTP: reply lines (RFC 5321 §4.2),
 * "ddd-text" continuing a multi-line reply and "ddd text" ending it, each
 * whole reply answering the oldest command still waiting (RFC 2920 §3.1).
 *
 * Replies matter where they change what the client's bytes are: 354 lets
 * DATA's message through (anything else takes it back), 220 to STARTTLS
 * hands the flow to TLS, 334 keeps an AUTH exchange going.
 */
#include "proto/smtp/smtp_state.h"

/* The reply code, or -1 when the line does not start with three digits;
 * *is_last is false for "ddd-". */
static int smtp_reply_code(const struct mail_line_view *v, bool *is_last)
{
    uint8_t sep = ' ';
    int code = mail_line_reply_code(v, &sep);
    if (code < 0 || (sep != ' ' && sep != '-' && sep != '\t'))
        return -1;
    *is_last = sep != '-';
    return code;
}

static enum app_result smtp_reply_answer(struct smtp_state *st, enum smtp_cmd cmd, int code,
                                         struct app_out *out)
{
    switch (cmd) {
    case SMTP_CMD_DATA:
        if (code / 100 == 3)
            break;
        /* Refused: the client's next bytes are commands again. */
        smtp_parser_anomaly(st, out, FLOW_TOCLIENT, SMTP_ANOMALY_DATA_REJECTED);
        st->tx.is_data_rejected = true;
        if (st->mode == SMTP_MODE_DATA)
            st->mode = SMTP_MODE_COMMAND;
        break;
    case SMTP_CMD_STARTTLS:
        if (st->mode == SMTP_MODE_TLS_WAIT)
            st->mode = SMTP_MODE_COMMAND;
        if (code / 100 != 2)
            break;
        st->is_starttls = true;
        smtp_parser_tx_end(st, out);
        return APP_SWITCH_TLS;
    case SMTP_CMD_AUTH:
        st->auth_result = code / 100 == 2 ? SMTP_AUTH_SUCCESS : SMTP_AUTH_FAILURE;
        if (st->mode == SMTP_MODE_SASL)
            st->mode = SMTP_MODE_COMMAND;
        break;
    case SMTP_CMD_QUIT:
        smtp_parser_tx_end(st, out);
        return APP_DONE;
    default:
        break;
    }
    return APP_OK;
}

enum app_result smtp_reply_line(struct smtp_state *st, const struct mail_line_view *v,
                                struct app_out *out)
{
    bool is_last = true;
    int code = smtp_reply_code(v, &is_last);
    if (code < 0) {
        smtp_parser_anomaly(st, out, FLOW_TOCLIENT, SMTP_ANOMALY_REPLY_INVALID);
        return APP_OK;
    }
    if (!is_last)
        return APP_OK; /* the reply goes on */
    if (!st->is_greeted) {
        st->is_greeted = true;
        /* The greeting answers no command (§3.1); if it was not captured,
         * this reply is the answer to one. */
        bool is_greeting = (code == 220 || code == 421 || code == 554) &&
                           (st->pending_count == 0 || st->pending[0] != SMTP_CMD_STARTTLS);
        if (is_greeting)
            return APP_OK;
    }
    if (st->pending_count == 0) {
        smtp_parser_anomaly(st, out, FLOW_TOCLIENT, SMTP_ANOMALY_REPLY_UNEXPECTED);
        return APP_OK;
    }
    if (st->pending[0] == SMTP_CMD_AUTH && code == 334)
        return APP_OK; /* a challenge: the exchange goes on (RFC 4954 §4) */
    enum smtp_cmd cmd = mail_pending_take(st->pending, &st->pending_count, 0);
    return smtp_reply_answer(st, cmd, code, out);
}
