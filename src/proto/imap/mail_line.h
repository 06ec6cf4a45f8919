/* mail_line.h — CRLF line assembly for the text mail protocols (IMAP, POP3).
 *
 * RFC 3501 §2.2 / RFC 9051 §2.2 and RFC 1939 §3: commands and responses are
 * lines ending in CRLF. This takes one direction's in-order bytes and hands
 * back whole lines, keeping at most `keep` bytes of each (a caller skipping a
 * 50 MB message body keeps 8) plus the last MAIL_LINE_TAIL_MAX bytes, where
 * IMAP puts its literal marker. A bare LF ends a line too (lenient, as
 * servers are). Not a parser: it knows nothing of commands.
 */
#ifndef HRADBA_PROTO_IMAP_MAIL_LINE_H
#define HRADBA_PROTO_IMAP_MAIL_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

enum {
    MAIL_LINE_TAIL_MAX = 32, /* "~{4294967295+}" and the item name before it */
    MAIL_LINE_BUF_MIN = 128,
};

/* One direction's partial line. Opaque to callers but for sizing. */
struct mail_line {
    uint8_t *buf;       /* kept bytes of a line spanning calls; grown on demand */
    size_t cap;         /* bytes allocated; never above max_len */
    size_t have;        /* bytes kept so far */
    uint64_t total_len; /* bytes of the line so far, kept or not */
    size_t max_len;     /* hard cap on kept bytes, fixed at init */
    uint8_t tail[MAIL_LINE_TAIL_MAX];
    size_t tail_len;
    bool is_discarding; /* after a gap: drop bytes up to the next LF */
    size_t handed_len;  /* bytes of buf lent to the last view, wiped on the next
                         * call: a buffered line may have held a password */
};

/* A finished line, without its CR LF. Valid until the next call on its
 * mail_line, or until the bytes handed to mail_line_next are gone. */
struct mail_line_view {
    const uint8_t *p; /* the first len bytes of the line */
    size_t len;
    uint64_t total_len;  /* the whole line's length */
    const uint8_t *tail; /* the last tail_len bytes of the whole line */
    size_t tail_len;
    bool is_truncated; /* total_len > len */
};

void mail_line_init(struct mail_line *l, size_t max_len);
void mail_line_fini(struct mail_line *l);

enum mail_line_result {
    MAIL_LINE_NEED_MORE = 0, /* c is empty; the partial line is kept */
    MAIL_LINE_READY = 1,     /* *v holds a line; c is advanced past its LF */
    MAIL_LINE_NOMEM = -1,    /* could not grow: the line continues unkept */
};

/* Takes bytes from c up to and including the next LF. Keeps at most
 * min(keep, max_len) bytes of the line; keep must not change in the middle
 * of a line (the caller chooses it from its state, which a line's middle
 * does not change). Always consumes at least one byte when c is not empty. */
enum mail_line_result mail_line_next(struct mail_line *l, struct cursor *c, size_t keep,
                                     struct mail_line_view *v);

/* The caller is done with the last view: a line that was buffered is wiped
 * (it may have been a LOGIN or PASS line). Also done by the next call. */
void mail_line_release(struct mail_line *l);

/* Drops the partial line and every byte up to the next LF (after a gap). */
void mail_line_resync(struct mail_line *l);

/* True while a line is partly read (bytes seen, no LF yet). */
bool mail_line_is_partial(const struct mail_line *l);

/* Heap bytes held. */
size_t mail_line_mem(const struct mail_line *l);

/* Case-insensitive ASCII compare of n bytes (wire text against a constant). */
bool mail_line_eq_ci(const uint8_t *p, size_t n, const char *lit);

/* 1 when the n bytes start with lit; 0 when they are a proper prefix of it
 * (more bytes could still match); -1 otherwise. Case-insensitive. */
int mail_line_match_ci(const uint8_t *p, size_t n, const char *lit);

/* True when the line starts with lit, case-insensitively. */
bool mail_line_starts_ci(const uint8_t *p, size_t n, const char *lit);

#endif
