/* http_body.c — Content-Length, chunked and close-delimited bodies
 * (RFC 9112 §6.3, §7.1); see http_body.h. */
#include "proto/http/http_body.h"

#include "proto/http/http_head.h"
#include "proto/http/http_parser.h"

void http_body_start(struct http_body *b, enum http_body_mode mode, uint64_t length)
{
    b->mode = mode;
    b->phase = HTTP_CHUNK_SIZE;
    b->left = mode == HTTP_BODY_LENGTH ? length : 0;
    b->len = 0;
    b->trailer_count = 0;
}

/* Hands up to `left` bytes of c to the sink. */
static void http_body_data(struct http_body *b, struct cursor *c, const struct http_body_sink *s)
{
    size_t avail = cursor_left(c);
    size_t n = b->left < avail ? (size_t)b->left : avail;
    const uint8_t *p = cursor_bytes(c, n);
    b->left -= n;
    b->len += n;
    if (n > 0)
        s->data(s->ctx, p, n);
}

static enum http_body_result http_body_broken(const struct http_body_sink *s, const char *event)
{
    s->event(s->ctx, event);
    return HTTP_BODY_BROKEN;
}

/* One line of the chunked coding (size, data end, trailer). */
static enum http_body_result http_body_chunk_line(struct http_body *b,
                                                  const struct http_line_view *v,
                                                  const struct http_body_sink *s)
{
    switch (b->phase) {
    case HTTP_CHUNK_SIZE: {
        if (v->total_len == 0)
            return HTTP_BODY_MORE; /* a stray empty line before the size: tolerated */
        if (v->is_truncated)
            s->event(s->ctx, "chunk_line_too_long"); /* an extension that long */
        uint64_t size = 0;
        switch (http_head_chunk_size(v->p, v->len, HTTP_CHUNK_SIZE_MAX, &size)) {
        case HTTP_LENGTH_OK:
            break;
        case HTTP_LENGTH_OVERFLOW:
            return http_body_broken(s, "chunk_size_overflow");
        case HTTP_LENGTH_INVALID:
            return http_body_broken(s, "chunk_size_invalid");
        }
        b->left = size;
        b->phase = size == 0 ? HTTP_CHUNK_TRAILER : HTTP_CHUNK_DATA;
        return HTTP_BODY_MORE;
    }
    case HTTP_CHUNK_DATA_END:
        if (v->total_len != 0)
            return http_body_broken(s, "chunk_data_overrun");
        b->phase = HTTP_CHUNK_SIZE;
        return HTTP_BODY_MORE;
    case HTTP_CHUNK_TRAILER:
        if (v->total_len == 0)
            return HTTP_BODY_END;
        if (++b->trailer_count == HTTP_HEADERS_MAX + 1)
            s->event(s->ctx, "too_many_headers");
        if (v->is_truncated)
            s->event(s->ctx, "header_line_too_long");
        return HTTP_BODY_MORE;
    case HTTP_CHUNK_DATA:
        break;
    }
    return HTTP_BODY_MORE;
}

enum http_body_result http_body_feed(struct http_body *b, struct http_line *l, struct cursor *c,
                                     const struct http_body_sink *s)
{
    switch (b->mode) {
    case HTTP_BODY_NONE:
        return HTTP_BODY_END;
    case HTTP_BODY_LENGTH:
        http_body_data(b, c, s);
        return b->left == 0 ? HTTP_BODY_END : HTTP_BODY_MORE;
    case HTTP_BODY_CLOSE: {
        size_t n = cursor_left(c);
        const uint8_t *p = cursor_bytes(c, n);
        b->len += n;
        if (n > 0)
            s->data(s->ctx, p, n);
        return HTTP_BODY_MORE;
    }
    case HTTP_BODY_CHUNKED:
        break;
    }
    while (cursor_left(c) > 0) { /* each turn consumes bytes or returns */
        if (b->phase == HTTP_CHUNK_DATA) {
            http_body_data(b, c, s);
            if (b->left == 0)
                b->phase = HTTP_CHUNK_DATA_END;
            continue;
        }
        struct http_line_view v;
        if (http_line_next(l, c, &v) == HTTP_LINE_NEED_MORE)
            return HTTP_BODY_MORE;
        enum http_body_result r = http_body_chunk_line(b, &v, s);
        if (r != HTTP_BODY_MORE)
            return r;
    }
    return HTTP_BODY_MORE;
}

bool http_body_gap(struct http_body *b, uint64_t len)
{
    switch (b->mode) {
    case HTTP_BODY_CLOSE:
        b->len += len;
        return true;
    case HTTP_BODY_LENGTH:
        break;
    case HTTP_BODY_CHUNKED:
        if (b->phase != HTTP_CHUNK_DATA)
            return false;
        break;
    case HTTP_BODY_NONE:
        return false;
    }
    if (len > b->left)
        return false;
    b->left -= len;
    b->len += len;
    if (b->mode == HTTP_BODY_CHUNKED && b->left == 0)
        b->phase = HTTP_CHUNK_DATA_END;
    return true;
}
