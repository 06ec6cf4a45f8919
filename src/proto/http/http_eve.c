/* http_eve.c — struct http_record as Suricata 7's EVE "http" object:
 * hostname, http_port, url, http_user_agent, xff, http_content_type,
 * http_refer, http_method, protocol, status, redirect, length, in Suricata's
 * order (its "extended" HTTP logging, the default). hradba adds
 * request_body_len when a request carried a body. Not written: headers
 * dumps, content_range, http_request_body (no body is stored).
 */
#include "proto/http/http_eve.h"

static void http_eve_str(struct json_buf *b, const char *key, struct http_str s)
{
    if (s.ptr)
        json_buf_string_n(b, key, s.ptr, s.len);
}

void http_eve_format(struct json_buf *b, const struct http_record *r)
{
    json_buf_open_object(b, "http");
    http_eve_str(b, "hostname", r->hostname);
    if (r->has_port)
        json_buf_u64(b, "http_port", r->port);
    http_eve_str(b, "url", r->url);
    http_eve_str(b, "http_user_agent", r->http_user_agent);
    http_eve_str(b, "xff", r->xff);
    if (r->has_response)
        http_eve_str(b, "http_content_type", r->http_content_type);
    http_eve_str(b, "http_refer", r->http_refer);
    http_eve_str(b, "http_method", r->http_method);
    http_eve_str(b, "protocol", r->protocol);
    if (r->has_response) {
        json_buf_u64(b, "status", r->status);
        http_eve_str(b, "redirect", r->redirect);
    }
    json_buf_u64(b, "length", r->length);
    if (r->request_body_len > 0)
        json_buf_u64(b, "request_body_len", r->request_body_len);
    json_buf_close_object(b);
}
