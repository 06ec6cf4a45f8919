/* dns_arena.h — fixed-size string storage for one DNS message's record.
 *
 * Names and rdata text are written here while a message is parsed and die
 * with the emit call, so a bump allocator reset per message is enough and
 * the packet path never calls malloc. When it is full, strings are refused
 * (NULL) and the caller drops the record entry and sets is_capped.
 */
#ifndef HRADBA_PROTO_DNS_ARENA_H
#define HRADBA_PROTO_DNS_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Room for ~100 typical names plus a few long TXT strings: a response that
 * needs more is capped (docs/protocols/dns.md). */
enum { DNS_ARENA_LEN = 16384 };

struct dns_arena {
    size_t used;
    char buf[DNS_ARENA_LEN];
};

/* A string being built at the arena's end; at most one at a time. */
struct dns_text {
    char *p;
    size_t len;
    size_t cap;  /* characters allowed, NUL excluded */
    bool is_cut; /* something did not fit */
};

static inline void dns_arena_reset(struct dns_arena *a)
{
    a->used = 0;
}

/* Starts a string of at most max_len - 1 characters (less if the arena is
 * nearly full; cap 0 and is_cut when it is full). */
static inline struct dns_text dns_text_begin(struct dns_arena *a, size_t max_len)
{
    struct dns_text t = {a->buf + a->used, 0, 0, false};
    size_t left = DNS_ARENA_LEN - a->used;
    size_t room = left < max_len ? left : max_len;
    if (room == 0) {
        t.p = NULL;
        t.is_cut = true;
        return t;
    }
    t.cap = room - 1;
    return t;
}

/* Appends n characters, or as many as fit (then sets is_cut). */
static inline void dns_text_put(struct dns_text *t, const char *s, size_t n)
{
    size_t room = t->cap - t->len;
    if (n > room) {
        n = room;
        t->is_cut = true;
    }
    if (n > 0) {
        memcpy(t->p + t->len, s, n);
        t->len += n;
    }
}

static inline void dns_text_putc(struct dns_text *t, char ch)
{
    dns_text_put(t, &ch, 1);
}

/* NUL-terminates and keeps the string; NULL when the arena had no room. */
static inline const char *dns_text_end(struct dns_arena *a, struct dns_text *t)
{
    if (!t->p)
        return NULL;
    t->p[t->len] = '\0';
    a->used += t->len + 1;
    return t->p;
}

/* Copies a whole string, or returns NULL if it does not fit entirely. */
static inline const char *dns_arena_strdup(struct dns_arena *a, const char *s, size_t n)
{
    if (DNS_ARENA_LEN - a->used < n + 1)
        return NULL;
    char *d = a->buf + a->used;
    memcpy(d, s, n);
    d[n] = '\0';
    a->used += n + 1;
    return d;
}

#endif
