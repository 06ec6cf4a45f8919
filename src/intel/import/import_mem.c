/* import_mem.c — arena and string builder for the importers (import_mem.h). */
#include "intel/import/import_mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64u * 1024u)

struct import_arena_chunk {
    struct import_arena_chunk *next;
    size_t size, used;
    max_align_t data[];
};

void import_arena_init(struct import_arena *a, size_t cap_bytes)
{
    memset(a, 0, sizeof *a);
    a->cap_bytes = cap_bytes;
}

/* Frees the chunks, keeping one of the standard size for the next record
 * (keep: false frees them all). */
static void arena_release(struct import_arena *a, bool keep)
{
    struct import_arena_chunk *c = a->head, *kept = NULL;
    while (c) {
        struct import_arena_chunk *next = c->next;
        if (keep && !kept && c->size == ARENA_CHUNK) {
            kept = c;
            kept->used = 0;
            kept->next = NULL;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = kept;
    a->used_bytes = kept ? sizeof(struct import_arena_chunk) + ARENA_CHUNK : 0;
    a->is_failed = false;
}

void import_arena_reset(struct import_arena *a)
{
    arena_release(a, true);
}

void import_arena_fini(struct import_arena *a)
{
    arena_release(a, false);
}

static struct import_arena_chunk *arena_grow(struct import_arena *a, size_t n)
{
    size_t size = n > ARENA_CHUNK / 2 ? n : ARENA_CHUNK;
    size_t total = sizeof(struct import_arena_chunk) + size;
    if (a->cap_bytes && (a->used_bytes > a->cap_bytes || total > a->cap_bytes - a->used_bytes))
        return NULL;
    struct import_arena_chunk *c = malloc(total);
    if (!c)
        return NULL;
    c->size = size;
    c->used = 0;
    if (size == n && a->head) {
        /* A large block gets its own chunk behind the current one. */
        c->next = a->head->next;
        a->head->next = c;
    } else {
        c->next = a->head;
        a->head = c;
    }
    a->used_bytes += total;
    if (a->used_bytes > a->peak_bytes)
        a->peak_bytes = a->used_bytes;
    return c;
}

void *import_arena_alloc(struct import_arena *a, size_t n)
{
    if (a->is_failed)
        return NULL;
    if (n > SIZE_MAX / 2) {
        a->is_failed = true;
        return NULL;
    }
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    struct import_arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        c = arena_grow(a, n);
        if (!c) {
            a->is_failed = true;
            return NULL;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

char *import_arena_strndup(struct import_arena *a, const char *s, size_t n)
{
    char *p = import_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *import_arena_strdup(struct import_arena *a, const char *s)
{
    return s ? import_arena_strndup(a, s, strlen(s)) : NULL;
}

void strbuf_init(struct strbuf *b)
{
    memset(b, 0, sizeof *b);
}

void strbuf_fini(struct strbuf *b)
{
    free(b->p);
    strbuf_init(b);
}

void strbuf_reset(struct strbuf *b)
{
    b->len = 0;
    b->is_failed = false;
    if (b->p)
        b->p[0] = '\0';
}

static bool strbuf_reserve(struct strbuf *b, size_t n)
{
    if (b->is_failed)
        return false;
    if (n >= SIZE_MAX / 4 - b->len) {
        b->is_failed = true;
        return false;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->is_failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
    if (!strbuf_reserve(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void strbuf_adds(struct strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_addc(struct strbuf *b, char c)
{
    strbuf_add(b, &c, 1);
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->is_failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        strbuf_add(b, small, (size_t)n);
        return;
    }
    if (!strbuf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void strbuf_add_pattern_literal(struct strbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\'' && s[i] != '\\')
            continue;
        strbuf_add(b, s + run, i - run);
        strbuf_addc(b, '\\');
        run = i;
    }
    strbuf_add(b, s + run, n - run);
}

const char *strbuf_cstr(struct strbuf *b)
{
    if (b->is_failed)
        return NULL;
    if (!b->p)
        return "";
    return b->p;
}
