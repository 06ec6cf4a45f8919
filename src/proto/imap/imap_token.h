/* imap_token.h — splitting one IMAP line into its tokens (RFC 9051 §4):
 * atoms, quoted strings, parenthesised lists and a literal marker ending
 * the line. Only what the parser needs to find tags, command and status
 * names, and the arguments it keeps; not a grammar checker.
 */
#ifndef HRADBA_PROTO_IMAP_TOKEN_H
#define HRADBA_PROTO_IMAP_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

enum imap_token_kind {
    IMAP_TOKEN_END = 0, /* nothing left on the line */
    IMAP_TOKEN_ATOM,    /* run of non-space bytes (also NIL, numbers, "[...") */
    IMAP_TOKEN_QUOTED,  /* p/len: between the quotes, escapes still in */
    IMAP_TOKEN_LIST,    /* "(" ... ")" balanced (or to the end of the line) */
    IMAP_TOKEN_LITERAL, /* "{n}", "{n+}" or "~{n}" ending the line */
};

struct imap_token {
    enum imap_token_kind kind;
    const uint8_t *p;
    size_t len;
};

/* Reads the next token from c (skipping spaces before it). A literal marker
 * is only recognised at the very end of c; is_line_end says c ends where the
 * line does (false for a line cut at the length cap). */
enum imap_token_kind imap_token_next(struct cursor *c, bool is_line_end, struct imap_token *t);

/* Copies a token's text to out (size >= 1), undoing quoted-string escapes
 * (\" and \\), cut at out_size - 1 bytes and at a NUL. Returns the length. */
size_t imap_token_copy(const struct imap_token *t, char *out, size_t out_size);

/* True when t is an atom equal to lit, case-insensitively. */
bool imap_token_is(const struct imap_token *t, const char *lit);

/* True when t is an atom of 1..10 digits (a message number). */
bool imap_token_is_number(const struct imap_token *t);

#endif
