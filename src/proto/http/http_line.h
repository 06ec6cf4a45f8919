/* http_line.h — LF-terminated line assembly for HTTP/1.x heads, chunk-size
 * lines and trailers (RFC 9112 §2.2: CRLF ends a line; a bare LF is accepted,
 * as servers and tshark accept it).
 *
 * Takes one direction's in-order bytes and hands back whole lines without
 * their CR LF. A line wholly inside one call is handed back in place; only a
 * line spanning calls is copied, into a buffer grown by doubling up to
 * HTTP_LINE_MAX. Bytes of a line beyond the cap are counted, not kept (the
 * view says is_truncated), so memory stays bounded whatever the peer sends.
 * Not a parser: it knows nothing of requests or headers.
 */
#ifndef HRADBA_PROTO_HTTP_HTTP_LINE_H
#define HRADBA_PROTO_HTTP_HTTP_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

/* The last bytes of a line are kept even when its middle is not: the version
 * at the end of an over-long request line ("HTTP/1.1"). */
enum { HTTP_LINE_TAIL_MAX = 16 };

/* One direction's partial line. */
struct http_line {
    uint8_t *buf;                     /* kept bytes of a line spanning calls; NULL when released */
    size_t cap;                       /* bytes allocated, at most HTTP_LINE_MAX */
    size_t have;                      /* bytes kept so far */
    uint64_t total_len;               /* bytes of the line so far, kept or not */
    uint8_t tail[HTTP_LINE_TAIL_MAX]; /* the line's last bytes so far */
    size_t tail_len;
};

/* A finished line without its line ending. Valid until the next call on its
 * http_line, or until the bytes handed to http_line_next are gone. */
struct http_line_view {
    const uint8_t *p; /* the first len bytes of the line */
    size_t len;
    uint64_t total_len;  /* the whole line's length, CR LF excluded */
    bool is_truncated;   /* total_len > len: the rest was not kept */
    const uint8_t *tail; /* the line's last tail_len bytes (after p's when cut) */
    size_t tail_len;
};

enum http_line_result {
    HTTP_LINE_NEED_MORE = 0, /* c is empty; the partial line is kept */
    HTTP_LINE_READY = 1,     /* *v holds a line; c is advanced past its LF */
};

void http_line_init(struct http_line *l);
void http_line_fini(struct http_line *l);

/* Takes bytes from c up to and including the next LF. Always consumes at
 * least one byte when c is not empty. Allocation failure is not an error:
 * the line is then handed back cut at what could be kept. */
enum http_line_result http_line_next(struct http_line *l, struct cursor *c,
                                     struct http_line_view *v);

/* Drops the partial line (after a gap). The bytes up to the next LF then
 * come back as a line of their own, which a caller resyncing skips: it
 * cannot tell whether the gap ended on a line boundary. */
void http_line_drop(struct http_line *l);

/* True while a line is partly read. */
bool http_line_is_partial(const struct http_line *l);

/* Frees the buffer when no line is partly read (an idle direction holds
 * nothing); a no-op otherwise. Invalidates the last view. */
void http_line_release(struct http_line *l);

/* Heap bytes held. */
size_t http_line_mem(const struct http_line *l);

#endif
