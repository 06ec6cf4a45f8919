/* http_body.h — message body framing of HTTP/1.x (RFC 9112 §6, §7.1):
 * Content-Length, chunked transfer coding with trailers, or the close of
 * the connection.
 *
 * Hands the body's decoded (de-chunked) bytes to a sink as they stream;
 * keeps nothing but counters, and the chunk-size and trailer lines in the
 * direction's bounded http_line. Does not choose the framing (the parser
 * does, from the head) and does not decode content codings.
 */
#ifndef HRADBA_PROTO_HTTP_HTTP_BODY_H
#define HRADBA_PROTO_HTTP_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"
#include "proto/http/http_line.h"

enum http_body_mode {
    HTTP_BODY_NONE = 0, /* no body */
    HTTP_BODY_LENGTH,   /* Content-Length bytes */
    HTTP_BODY_CHUNKED,  /* chunked coding, then trailers */
    HTTP_BODY_CLOSE,    /* to the end of the connection (responses only) */
};

enum http_chunk_phase {
    HTTP_CHUNK_SIZE = 0, /* a chunk-size line is due */
    HTTP_CHUNK_DATA,     /* `left` bytes of chunk data */
    HTTP_CHUNK_DATA_END, /* the CRLF after chunk data */
    HTTP_CHUNK_TRAILER,  /* trailer lines up to an empty one */
};

struct http_body {
    enum http_body_mode mode;
    enum http_chunk_phase phase;
    uint64_t left;          /* bytes left of the body (LENGTH) or chunk (DATA) */
    uint64_t len;           /* decoded bytes so far, gaps included */
    uint32_t trailer_count; /* trailer fields so far */
};

/* Where the body goes. */
struct http_body_sink {
    void (*data)(void *ctx, const uint8_t *p, size_t n);
    /* A named anomaly (chunk_size_invalid, ...); static string. */
    void (*event)(void *ctx, const char *event);
    void *ctx;
};

enum http_body_result {
    HTTP_BODY_MORE = 0, /* c is used up; the body goes on */
    HTTP_BODY_END,      /* the body ended; c stands after it */
    HTTP_BODY_BROKEN,   /* framing is lost (an event said why); c stands after the bad line */
};

/* Starts a body; length is used for HTTP_BODY_LENGTH only. */
void http_body_start(struct http_body *b, enum http_body_mode mode, uint64_t length);

/* Takes body bytes from c (the line reader l gives chunk-size and trailer
 * lines). Every turn consumes bytes or ends, so a call is linear in c. */
enum http_body_result http_body_feed(struct http_body *b, struct http_line *l, struct cursor *c,
                                     const struct http_body_sink *s);

/* len bytes are missing. True when the gap falls inside data whose end is
 * known (or the body runs to the close), so framing survives; they are then
 * counted in len. False when the framing is lost. */
bool http_body_gap(struct http_body *b, uint64_t len);

#endif
