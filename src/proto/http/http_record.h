/* http_record.h — one HTTP/1.x transaction as handed to app_out
 * (APP_RECORD_HTTP), and the parent of the fileinfo records of its bodies.
 *
 * Emitted once per transaction (request + response, RFC 9112 §2.1): when the
 * response and the request body are complete, or unfinished at flow end, when
 * the parser stops, or when the pipelining cap pushes it out. Strings are the
 * bytes as sent (hostname lower-cased), NUL-terminated at len but possibly
 * holding NULs themselves; like the record they are valid only during the
 * emit call. Every field is documented in docs/protocols/http.md.
 */
#ifndef HRADBA_PROTO_HTTP_RECORD_H
#define HRADBA_PROTO_HTTP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A string from the wire: ptr NULL when the field was absent. */
struct http_str {
    const char *ptr;
    size_t len;
};

struct http_record {
    uint64_t tx_id; /* 0, 1, ... per flow, in request order */
    /* Request. */
    struct http_str http_method;
    struct http_str url;      /* the request-target as sent (RFC 9112 §3.2) */
    struct http_str protocol; /* "HTTP/1.1"; the response's when no request was seen */
    struct http_str hostname; /* the target's authority or Host, without port, lower case */
    bool has_port;            /* a port was written in that authority */
    uint16_t port;
    struct http_str http_user_agent;
    struct http_str http_refer; /* Referer */
    struct http_str xff;        /* X-Forwarded-For */
    uint64_t request_body_len;  /* decoded (de-chunked) request body bytes */
    bool has_request;           /* false: a response whose request was not seen */
    bool is_request_complete;   /* head and body fully seen */
    /* Response (valid when has_response). */
    bool has_response;                 /* a final status line was seen */
    bool is_response_complete;         /* and its body to the end */
    uint16_t status;                   /* 100..999 */
    struct http_str http_content_type; /* media type: the value up to its first ';' */
    struct http_str redirect;          /* Location */
    /* Response body bytes after de-chunking, before any content decoding
     * (Suricata's "length": libhtp's response_message_len). So far, when the
     * response is incomplete; 0 without a response. */
    uint64_t length;
    /* Why the record is incomplete, if it is. */
    bool is_evicted;   /* pushed out unanswered by the pipelining cap */
    bool is_truncated; /* a kept string was cut (line or per-transaction store cap) */
};

#endif
