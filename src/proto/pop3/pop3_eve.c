/* pop3_eve.c — formats struct pop3_record as EVE's "pop3" object.
 *
 * Suricata 8 logs POP3 per transaction (pop3.request / pop3.response);
 * this is a per-session summary, so its fields are named for the session,
 * in the same style as hradba's "imap" object so one query serves both.
 */
#include "proto/pop3/pop3_eve.h"

void pop3_eve_format(struct json_buf *b, const struct pop3_record *r)
{
    json_buf_open_object(b, "pop3");
    if (r->capability_count > 0) {
        json_buf_open_array(b, "capabilities");
        for (size_t i = 0; i < r->capability_count; i++)
            json_buf_string(b, NULL, r->capabilities[i]);
        json_buf_close_array(b);
    }
    if (r->is_capabilities_truncated)
        json_buf_bool(b, "capabilities_truncated", true);
    json_buf_bool(b, "starttls", r->is_stls);
    if (r->has_stls && !r->is_stls)
        json_buf_bool(b, "starttls_refused", true);
    if (r->user)
        json_buf_string(b, "user", r->user);
    if (r->auth_command)
        json_buf_string(b, "auth_command", r->auth_command);
    if (r->auth_mechanism)
        json_buf_string(b, "auth_mechanism", r->auth_mechanism);
    if (r->auth_result != POP3_AUTH_NONE)
        json_buf_bool(b, "auth_success", r->auth_result == POP3_AUTH_SUCCESS);
    json_buf_u64(b, "auth_attempts", r->auth_attempts);
    json_buf_u64(b, "auth_failures", r->auth_failures);
    json_buf_u64(b, "messages_fetched", r->messages_fetched);
    json_buf_u64(b, "headers_fetched", r->headers_fetched);
    json_buf_u64(b, "bytes_fetched", r->bytes_fetched);
    json_buf_u64(b, "messages_deleted", r->messages_deleted);
    json_buf_u64(b, "list_commands", r->list_commands);
    json_buf_u64(b, "commands", r->commands);
    json_buf_u64(b, "anomalies", r->anomalies);
    json_buf_bool(b, "quit", r->is_quit);
    json_buf_close_object(b);
}
