/* smtp_eve.c — formats struct smtp_record as EVE's "smtp" object (and the
 * "email" object, proto/mime/mime_eve.c), the way Suricata 7 does: helo,
 * mail_from, rcpt_to[] as written on the wire, angle brackets included.
 * hradba adds what the transaction's commands said beyond that (STARTTLS,
 * AUTH, BDAT, message size).
 */
#include "proto/smtp/smtp_eve.h"

#include "proto/mime/mime_eve.h"

void smtp_eve_format_objects(struct json_buf *b, const struct smtp_record *r)
{
    json_buf_open_object(b, "smtp");
    if (r->helo)
        json_buf_string(b, "helo", r->helo);
    if (r->mail_from)
        json_buf_string(b, "mail_from", r->mail_from);
    if (r->rcpt_to && r->rcpt_to->count > 0) {
        json_buf_open_array(b, "rcpt_to");
        for (size_t i = 0; i < r->rcpt_to->count; i++) {
            size_t len = 0;
            const char *s = mime_list_get(r->rcpt_to, i, &len, NULL);
            json_buf_string_n(b, NULL, s, len);
        }
        json_buf_close_array(b);
    }
    if (r->rcpt_to && r->rcpt_to->is_truncated)
        json_buf_u64(b, "rcpt_count", r->rcpt_count);
    if (r->has_starttls)
        json_buf_bool(b, "starttls", r->is_starttls);
    if (r->auth_mechanism) {
        json_buf_open_object(b, "auth");
        json_buf_string(b, "mechanism", r->auth_mechanism);
        if (r->auth_user)
            json_buf_string(b, "user", r->auth_user);
        if (r->auth_result != SMTP_AUTH_NONE)
            json_buf_bool(b, "success", r->auth_result == SMTP_AUTH_SUCCESS);
        json_buf_close_object(b);
    }
    if (r->has_data) {
        json_buf_string(b, "data_command", r->is_bdat ? "BDAT" : "DATA");
        if (r->is_data_rejected)
            json_buf_bool(b, "data_rejected", true);
        json_buf_u64(b, "message_size", r->message_size);
    }
    json_buf_close_object(b);
    if (r->email)
        mime_eve_format(b, r->email);
}

void smtp_eve_format(struct json_buf *b, const struct smtp_record *r)
{
    json_buf_u64(b, "tx_id", r->tx_id);
    smtp_eve_format_objects(b, r);
}
