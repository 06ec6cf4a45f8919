/* imap_eve.c — formats struct imap_record as EVE's "imap" object.
 *
 * Names follow Suricata's style (lower_snake_case, arrays plural); fields
 * with nothing to say are left out rather than written empty, except the
 * counters, which are always there so a query for zero works.
 */
#include "proto/imap/imap_eve.h"

static void imap_eve_list(struct json_buf *b, const char *key, const char *const *items, size_t n)
{
    if (n == 0)
        return;
    json_buf_open_array(b, key);
    for (size_t i = 0; i < n; i++)
        json_buf_string(b, NULL, items[i]);
    json_buf_close_array(b);
}

void imap_eve_format(struct json_buf *b, const struct imap_record *r)
{
    json_buf_open_object(b, "imap");
    imap_eve_list(b, "capabilities", r->capabilities, r->capability_count);
    if (r->is_capabilities_truncated)
        json_buf_bool(b, "capabilities_truncated", true);
    json_buf_bool(b, "starttls", r->is_starttls);
    if (r->has_starttls && !r->is_starttls)
        json_buf_bool(b, "starttls_refused", true);
    if (r->is_preauth)
        json_buf_bool(b, "preauth", true);
    if (r->user)
        json_buf_string(b, "user", r->user);
    if (r->auth_command)
        json_buf_string(b, "auth_command", r->auth_command);
    if (r->auth_mechanism)
        json_buf_string(b, "auth_mechanism", r->auth_mechanism);
    if (r->auth_result != IMAP_AUTH_NONE)
        json_buf_bool(b, "auth_success", r->auth_result == IMAP_AUTH_SUCCESS);
    else if (r->is_preauth)
        json_buf_bool(b, "auth_success", true); /* authenticated by the connection */
    json_buf_u64(b, "auth_attempts", r->auth_attempts);
    json_buf_u64(b, "auth_failures", r->auth_failures);
    imap_eve_list(b, "mailboxes_selected", r->mailboxes, r->mailbox_count);
    if (r->is_mailboxes_truncated)
        json_buf_bool(b, "mailboxes_truncated", true);
    json_buf_u64(b, "messages_fetched", r->messages_fetched);
    json_buf_u64(b, "headers_fetched", r->headers_fetched);
    json_buf_u64(b, "bytes_fetched", r->bytes_fetched);
    json_buf_u64(b, "messages_deleted", r->messages_deleted);
    json_buf_u64(b, "commands", r->commands);
    json_buf_u64(b, "anomalies", r->anomalies);
    json_buf_bool(b, "logout", r->is_logout);
    json_buf_close_object(b);
}
