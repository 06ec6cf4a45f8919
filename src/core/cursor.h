/* cursor.h — the one bounds-checked reader for untrusted bytes.
 *
 * Every byte from the wire or from a file is read through a cursor over
 * {ptr, len}. A read past the end returns zero and sets a sticky failure flag,
 * so a parser can read a whole header and check once at the end. This is the
 * only place in hradba that indexes raw wire bytes.
 */
#ifndef HRADBA_CORE_CURSOR_H
#define HRADBA_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
    const uint8_t *p; /* next unread byte */
    size_t len;       /* bytes left */
    bool is_bad;      /* sticky: a read ran past the end */
};

static inline struct cursor cursor_make(const void *p, size_t len)
{
    struct cursor c = {(const uint8_t *)p, p ? len : 0, false};
    return c;
}

static inline size_t cursor_left(const struct cursor *c)
{
    return c->len;
}
static inline bool cursor_ok(const struct cursor *c)
{
    return !c->is_bad;
}
/* The unread bytes; valid for cursor_left() bytes. */
static inline const uint8_t *cursor_ptr(const struct cursor *c)
{
    return c->p;
}

/* Marks the cursor failed and empties it: every later read fails too. */
static inline void cursor_fail(struct cursor *c)
{
    c->is_bad = true;
    c->len = 0;
}

/* Reserves n bytes: returns their start and advances, or NULL and fails. */
static inline const uint8_t *cursor_bytes(struct cursor *c, size_t n)
{
    if (c->is_bad || n > c->len) {
        cursor_fail(c);
        return NULL;
    }
    const uint8_t *b = c->p;
    c->p += n;
    c->len -= n;
    return b;
}

static inline bool cursor_skip(struct cursor *c, size_t n)
{
    return cursor_bytes(c, n) != NULL;
}

static inline uint8_t cursor_u8(struct cursor *c)
{
    const uint8_t *b = cursor_bytes(c, 1);
    return b ? b[0] : 0;
}

static inline uint16_t cursor_be16(struct cursor *c)
{
    const uint8_t *b = cursor_bytes(c, 2);
    return b ? (uint16_t)((unsigned)b[0] << 8 | b[1]) : 0;
}

static inline uint32_t cursor_be24(struct cursor *c)
{
    const uint8_t *b = cursor_bytes(c, 3);
    return b ? (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2] : 0;
}

static inline uint32_t cursor_be32(struct cursor *c)
{
    const uint8_t *b = cursor_bytes(c, 4);
    return b ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3] : 0;
}

static inline uint64_t cursor_be64(struct cursor *c)
{
    uint64_t hi = cursor_be32(c);
    return hi << 32 | cursor_be32(c);
}

static inline uint16_t cursor_le16(struct cursor *c)
{
    const uint8_t *b = cursor_bytes(c, 2);
    return b ? (uint16_t)((unsigned)b[1] << 8 | b[0]) : 0;
}

static inline uint32_t cursor_le32(struct cursor *c)
{
    const uint8_t *b = cursor_bytes(c, 4);
    return b ? (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0] : 0;
}

static inline uint64_t cursor_le64(struct cursor *c)
{
    uint64_t lo = cursor_le32(c);
    return (uint64_t)cursor_le32(c) << 32 | lo;
}

/* Copies n bytes out; on failure fills dst with zeros. */
static inline bool cursor_copy(struct cursor *c, void *dst, size_t n)
{
    const uint8_t *b = cursor_bytes(c, n);
    if (!b) {
        memset(dst, 0, n);
        return false;
    }
    memcpy(dst, b, n);
    return true;
}

/* Splits off the next n bytes as a sub-cursor (a length-prefixed field) and
 * advances past them. On underflow both cursors fail. */
static inline struct cursor cursor_split(struct cursor *c, size_t n)
{
    const uint8_t *b = cursor_bytes(c, n);
    struct cursor sub = cursor_make(b, b ? n : 0);
    sub.is_bad = b == NULL;
    return sub;
}

/* Reads without consuming, `off` bytes ahead. Fails nothing: returns false
 * when the bytes are not there. */
static inline bool cursor_peek_u8(const struct cursor *c, size_t off, uint8_t *out)
{
    if (c->is_bad || off >= c->len)
        return false;
    *out = c->p[off];
    return true;
}

static inline bool cursor_peek_be16(const struct cursor *c, size_t off, uint16_t *out)
{
    if (c->is_bad || c->len < 2 || off > c->len - 2)
        return false;
    *out = (uint16_t)((unsigned)c->p[off] << 8 | c->p[off + 1]);
    return true;
}

/* Shrinks the view to its first n bytes (e.g. an IP total length shorter than
 * the frame, which carries Ethernet padding). Fails if n exceeds what is left. */
static inline bool cursor_truncate(struct cursor *c, size_t n)
{
    if (c->is_bad || n > c->len) {
        cursor_fail(c);
        return false;
    }
    c->len = n;
    return true;
}

#endif
