/* mail_line.h — CRLF line assembly for the text protocols (IMAP, POP3, SMTP,
 * FTP's control connection).
 *
 * RFC 3501 §2.2 / RFC 9051 §2.2, RFC 1939 §3, RFC 5321 §2.3.8 and RFC 959
 * §4: commands and responses are lines ending in CRLF. This takes one
 * direction's in-order bytes and hands back whole lines, keeping at most
 * `keep` bytes of each (a caller skipping a 50 MB message body keeps 8) plus
 * the last MAIL_LINE_TAIL_MAX bytes, where IMAP puts its literal marker. A
 * bare LF ends a line too (lenient, as servers are). Beside it, the matching
 * the parsers share: keywords, probe prefixes, three-digit reply codes. Not
 * a parser: it knows nothing of commands.
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

/* A flow's two lines, line[0] the client's and line[1] the server's (the
 * order of enum flow_dir), kept up to to_server_max and to_client_max. */
void mail_line_init_pair(struct mail_line line[2], size_t to_server_max, size_t to_client_max);
void mail_line_fini_pair(struct mail_line line[2]);
size_t mail_line_mem_pair(const struct mail_line line[2]);

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

/* As mail_line_match_ci against each of count literals: 1 when the n bytes
 * start with one of them; 0 when none does but they are a proper prefix of
 * one; -1 otherwise. A probe's question: does a session start this way? */
int mail_line_match_any(const uint8_t *p, size_t n, const char *const *lits, size_t count);

/* The code of an FTP or SMTP reply line (RFC 959 §4.2, RFC 5321 §4.2: three
 * digits, then " " or "-" and text): 0 to 999, with the octet after the
 * digits in *sep (' ' when the line ends there); -1 when the line does not
 * start with three digits. Which codes and separators count is the
 * caller's protocol's rule. */
int mail_line_reply_code(const struct mail_line_view *v, uint8_t *sep);

#endif
