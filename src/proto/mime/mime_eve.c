/* mime_eve.c — formats struct mime_message as EVE's "email" object.
 *
 * Suricata 7's fields keep their names and shapes (status, from, to[],
 * cc[], subject, message_id, date, x_mailer, attachment[], url[], ...);
 * hradba adds attachments[] with size and hashes, image_urls[] and the
 * counters that say when a cap cut a list.
 */
#include "proto/mime/mime_eve.h"

#include "proto/file/fileinfo_eve.h"
#include "proto/mime/mime_url.h"

static void mime_eve_list(struct json_buf *b, const char *key, const struct mime_list *l, int flag)
{
    size_t shown = 0;
    for (size_t i = 0; i < l->count; i++) {
        size_t len = 0;
        uint8_t flags = 0;
        const char *s = mime_list_get(l, i, &len, &flags);
        if (flag >= 0 && !(flags & flag))
            continue;
        if (shown++ == 0)
            json_buf_open_array(b, key);
        json_buf_string_n(b, NULL, s, len);
    }
    if (shown)
        json_buf_close_array(b);
}

void mime_eve_format(struct json_buf *b, const struct mime_message *msg)
{
    static const struct {
        const char *key;
        enum mime_field field;
    } fields[] = {
        {"from", MIME_FIELD_FROM},
        {"subject", MIME_FIELD_SUBJECT},
        {"message_id", MIME_FIELD_MESSAGE_ID},
        {"date", MIME_FIELD_DATE},
        {"x_mailer", MIME_FIELD_X_MAILER},
        {"user_agent", MIME_FIELD_USER_AGENT},
        {"reply_to", MIME_FIELD_REPLY_TO},
        {"in_reply_to", MIME_FIELD_IN_REPLY_TO},
        {"x_originating_ip", MIME_FIELD_X_ORIGINATING_IP},
        {"return_path", MIME_FIELD_RETURN_PATH},
    };
    json_buf_open_object(b, "email");
    json_buf_string(b, "status", mime_status_name(msg->status));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = msg->fields[fields[i].field];
        if (v)
            json_buf_string_n(b, fields[i].key, v, msg->field_len[fields[i].field]);
        if (i == 0) { /* Suricata's order: from, to, cc, then the rest */
            mime_eve_list(b, "to", &msg->to, -1);
            mime_eve_list(b, "cc", &msg->cc, -1);
        }
    }
    mime_eve_list(b, "received", &msg->received, -1);
    if (msg->attachment_count > 0) {
        json_buf_open_array(b, "attachment");
        for (size_t i = 0; i < msg->attachment_count; i++) {
            const struct fileinfo_record *r = &msg->attachments[i].rec;
            json_buf_string_n(b, NULL, r->filename ? r->filename : "", r->filename_len);
        }
        json_buf_close_array(b);
    }
    mime_eve_list(b, "url", &msg->urls, -1);
    mime_eve_list(b, "image_urls", &msg->urls, MIME_URL_IMAGE);
    if (msg->attachment_count > 0) {
        json_buf_open_array(b, "attachments");
        for (size_t i = 0; i < msg->attachment_count; i++) {
            const struct fileinfo_record *r = &msg->attachments[i].rec;
            json_buf_open_object(b, NULL);
            if (r->filename)
                json_buf_string_n(b, "filename", r->filename, r->filename_len);
            if (r->content_type)
                json_buf_string(b, "content_type", r->content_type);
            json_buf_u64(b, "size", r->size);
            if (r->sha256[0])
                json_buf_string(b, "sha256", r->sha256);
            json_buf_string(b, "state", fileinfo_state_name(r->state));
            if (r->has_gaps)
                json_buf_bool(b, "gaps", true);
            json_buf_close_object(b);
        }
        json_buf_close_array(b);
    }
    json_buf_u64(b, "parts", msg->parts);
    if (msg->attachments_seen > msg->attachment_count)
        json_buf_u64(b, "attachments_seen", msg->attachments_seen);
    if (msg->to.is_truncated || msg->cc.is_truncated)
        json_buf_bool(b, "addresses_truncated", true);
    if (msg->urls.is_truncated) {
        json_buf_bool(b, "urls_truncated", true);
        json_buf_u64(b, "urls_seen", msg->urls.seen);
    }
    if (msg->urls_too_long)
        json_buf_u64(b, "urls_too_long", msg->urls_too_long);
    if (msg->has_gaps)
        json_buf_bool(b, "gaps", true);
    json_buf_close_object(b);
}
