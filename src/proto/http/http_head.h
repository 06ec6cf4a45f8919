/* http_head.h — the pieces of an HTTP/1.x message head (RFC 9112 §3, §4,
 * §5, §6, §7.1; RFC 9110 §5, §7.2, §8.6), read from one line at a time.
 *
 * Pure functions over {ptr, len} views of one line or one field value: no
 * state, no allocation. Lenient where real peers are (extra spaces in the
 * request line, a status line without reason phrase, bare LF already taken
 * care of by http_line), strict where framing depends on it (Content-Length,
 * chunk sizes). Not a header table: the parser keeps only the fields it
 * reports and the ones that frame the body.
 */
#ifndef HRADBA_PROTO_HTTP_HTTP_HEAD_H
#define HRADBA_PROTO_HTTP_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A view into wire bytes (or a stored copy). */
struct http_bytes {
    const uint8_t *p;
    size_t len;
};

struct http_request_line {
    struct http_bytes method;  /* a token (RFC 9110 §5.6.2) */
    struct http_bytes target;  /* the request-target as sent */
    struct http_bytes version; /* "HTTP/1.1" */
};

struct http_status_line {
    struct http_bytes version;
    uint16_t status; /* 100..999 */
};

/* The header fields the parser acts on. */
enum http_header {
    HTTP_H_OTHER = 0,
    HTTP_H_HOST,
    HTTP_H_USER_AGENT,
    HTTP_H_REFERER,
    HTTP_H_XFF,
    HTTP_H_CONTENT_TYPE,
    HTTP_H_LOCATION,
    HTTP_H_CONTENT_LENGTH,
    HTTP_H_TRANSFER_ENCODING,
    HTTP_H_CONTENT_DISPOSITION,
};

/* "METHOD SP target SP HTTP/x.y": true and *rl filled when the line is a
 * request line. Runs of spaces or tabs between the parts are accepted. The
 * target ends at its first space (as tshark and libhtp read "GET /a b
 * HTTP/1.1"); the version is the line's last word. A line without version
 * (HTTP/0.9) is not one. */
bool http_head_request_line(const uint8_t *p, size_t len, struct http_request_line *rl);

/* The same for a request line cut after its first len bytes (longer than
 * the line cap): method and the start of the target from p, the version from
 * tail, the line's last tail_len bytes. */
bool http_head_request_line_cut(const uint8_t *p, size_t len, const uint8_t *tail, size_t tail_len,
                                struct http_request_line *rl);

/* "HTTP/x.y SP 3DIGIT [SP reason]": true and *sl filled when the line is a
 * status line. */
bool http_head_status_line(const uint8_t *p, size_t len, struct http_status_line *sl);

/* Splits "name: value" and trims the value's surrounding spaces and tabs.
 * False when the line has no colon, an empty name, or whitespace or a
 * non-token octet in the name (RFC 9112 §5.1 forbids space before colon). */
bool http_head_field(const uint8_t *p, size_t len, struct http_bytes *name,
                     struct http_bytes *value);

/* True for a continuation line (obs-fold: starts with a space or tab). */
bool http_head_is_fold(const uint8_t *p, size_t len);

/* The line without its surrounding spaces and tabs (an obs-fold line's
 * text). */
struct http_bytes http_head_trimmed(const uint8_t *p, size_t len);

/* Which of the acted-on fields a name is (case-insensitive). */
enum http_header http_head_field_id(struct http_bytes name);

enum http_length_result {
    HTTP_LENGTH_OK = 0,
    HTTP_LENGTH_INVALID,  /* not 1*DIGIT, or a list of differing values */
    HTTP_LENGTH_OVERFLOW, /* digits beyond 2^63 - 1 */
};

/* A Content-Length value (RFC 9110 §8.6): one number, or a comma list of
 * the same number (accepted, as the RFC allows). */
enum http_length_result http_head_content_length(struct http_bytes v, uint64_t *out);

/* True when the last transfer coding of a Transfer-Encoding value is
 * "chunked" (RFC 9112 §6.3: only then is the length known). */
bool http_head_te_is_chunked(struct http_bytes v);

/* A chunk-size line (RFC 9112 §7.1): hex digits, then optional whitespace
 * and ";ext". Sizes above max are HTTP_LENGTH_OVERFLOW. */
enum http_length_result http_head_chunk_size(const uint8_t *p, size_t len, uint64_t max,
                                             uint64_t *out);

/* Splits an authority "host[:port]" or "[v6]:port" (RFC 3986 §3.2); userinfo
 * "u:p@" is skipped. *host keeps IPv6 brackets. A port that is not 1-5
 * digits below 65536 leaves has_port false. */
void http_head_authority(struct http_bytes a, struct http_bytes *host, bool *has_port,
                         uint16_t *port);

/* The authority of an absolute-form target ("http://h:8080/x"), or of an
 * authority-form one when is_connect ("h:443"). False when there is none. */
bool http_head_target_authority(struct http_bytes target, bool is_connect,
                                struct http_bytes *authority);

/* The path of a target, without query or fragment ("/a/b" of
 * "http://h/a/b?q"); empty for "*" or an authority-form target. */
struct http_bytes http_head_target_path(struct http_bytes target);

/* The filename parameter of a Content-Disposition value, quotes removed;
 * false when there is none. */
bool http_head_cd_filename(struct http_bytes v, struct http_bytes *name);

/* The value up to its first ';' (Suricata's http_content_type). */
struct http_bytes http_head_media_type(struct http_bytes v);

#endif
