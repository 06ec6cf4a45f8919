/* import_mem.h — memory for the importers' strings: an arena (the strings of
 * one record, or a bundle's resolution tables, freed at once, optionally under
 * a byte cap) and a growable string builder (patterns, joined lists).
 *
 * Allocation failure is sticky (is_failed) so a builder can be checked once.
 */
#ifndef HRADBA_INTEL_IMPORT_MEM_H
#define HRADBA_INTEL_IMPORT_MEM_H

#include <stdbool.h>
#include <stddef.h>

struct import_arena_chunk;

struct import_arena {
    struct import_arena_chunk *head;
    size_t used_bytes; /* bytes of chunks held now */
    size_t peak_bytes; /* the most ever held */
    size_t cap_bytes;  /* 0: no cap; else an allocation past it fails */
    bool is_failed;    /* sticky: an allocation failed or hit the cap */
};

void import_arena_init(struct import_arena *a, size_t cap_bytes);
/* Frees every chunk but one kept for reuse; the arena can be used again
 * (is_failed cleared). */
void import_arena_reset(struct import_arena *a);
/* Frees every chunk. */
void import_arena_fini(struct import_arena *a);
/* n bytes aligned for any object, or NULL (and is_failed). */
void *import_arena_alloc(struct import_arena *a, size_t n);
/* A NUL-terminated copy of s[0 .. n), or NULL. */
char *import_arena_strndup(struct import_arena *a, const char *s, size_t n);
/* Same for a NUL-terminated s; NULL stays NULL. */
char *import_arena_strdup(struct import_arena *a, const char *s);

struct strbuf {
    char *p; /* NUL-terminated while len > 0 or after strbuf_cstr() */
    size_t len, cap;
    bool is_failed;
};

void strbuf_init(struct strbuf *b);
void strbuf_fini(struct strbuf *b);
void strbuf_reset(struct strbuf *b); /* empty, keeps the memory */
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addc(struct strbuf *b, char c);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds s as the body of a STIX pattern string literal: ' and \ escaped
 * (STIX 2.1 section 9.3). */
void strbuf_add_pattern_literal(struct strbuf *b, const char *s, size_t n);
/* The text ("" when empty); NULL after a failure. */
const char *strbuf_cstr(struct strbuf *b);

#endif
