/* mime_url.c — URL extraction from text and HTML parts (see mime_url.h).
 *
 * One byte-at-a-time state machine whose only memory is the word (or
 * attribute value) being read, capped at MIME_URL_MAX: a part's bytes may
 * arrive split anywhere.
 */
#include "proto/mime/mime_url.h"

#include <string.h>

#include "core/cursor.h"

enum mime_url_state {
    MU_TEXT = 0,
    MU_TAG_NAME,  /* after '<' */
    MU_TAG,       /* between attributes */
    MU_ATTR_NAME, /* reading a name */
    MU_ATTR_EQ,   /* after a name: '=' or the next name */
    MU_VALUE_START,
    MU_VALUE,
};

void mime_url_start(struct mime_url *u, bool is_html, struct mime_list *out)
{
    u->out = out;
    u->is_html = is_html;
    u->state = MU_TEXT;
    u->len = 0;
    u->is_long = false;
    u->tag_len = u->attr_len = 0;
    u->is_img = false;
}

static uint8_t mime_url_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool mime_url_is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Starts with lit, case-insensitively. */
static bool mime_url_prefix(const uint8_t *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k)
        return false;
    struct cursor c = cursor_make(p, k);
    for (size_t i = 0; i < k; i++)
        if (mime_url_lower(cursor_u8(&c)) != (uint8_t)lit[i])
            return false;
    return true;
}

/* Length of the scheme-qualified URL prefix at p, 0 when none. */
static size_t mime_url_scheme(const uint8_t *p, size_t n)
{
    static const char *const schemes[] = {"http://", "https://", "ftp://", "mailto:", "www."};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        if (mime_url_prefix(p, n, schemes[i]))
            return strlen(schemes[i]);
    return 0;
}

static void mime_url_add(struct mime_url *u, const uint8_t *p, size_t n, uint8_t flags)
{
    mime_list_add(u->out, p, n, flags);
}

/* A whitespace-delimited word of text: the URL in it, if any. */
static void mime_url_word(struct mime_url *u)
{
    if (u->is_long) {
        u->too_long += u->len > 0;
        u->is_long = false;
        u->len = 0;
        return;
    }
    struct cursor c = cursor_make(u->buf, u->len);
    size_t at = 0;
    size_t scheme = 0;
    for (; at < u->len; at++) {
        uint8_t before = 0;
        if (at > 0 && cursor_peek_u8(&c, at - 1, &before) &&
            ((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z')))
            continue; /* "xhttp://" is not a URL start */
        scheme = mime_url_scheme(u->buf + at, u->len - at);
        if (scheme)
            break;
    }
    size_t end = u->len;
    uint8_t last = 0;
    while (end > at && cursor_peek_u8(&c, end - 1, &last) && strchr(".,;:!?)]}'\"*", last) &&
           last != '\0')
        end--;
    if (scheme && end > at + scheme) {
        bool is_mailto = mime_url_prefix(u->buf + at, end - at, "mailto:");
        if (!is_mailto || memchr(u->buf + at, '@', end - at))
            mime_url_add(u, u->buf + at, end - at, 0);
    }
    u->len = 0;
}

static bool mime_url_attr_is(const struct mime_url *u, const char *name)
{
    return u->attr_len == strlen(name) && memcmp(u->attr, name, u->attr_len) == 0;
}

/* An attribute value just ended: a URL if the attribute names a resource. */
static void mime_url_value(struct mime_url *u)
{
    static const char *const link_attrs[] = {"href",       "src",    "background", "action",
                                             "lowsrc",     "dynsrc", "poster",     "data",
                                             "formaction", "srcset", "cite",       "longdesc"};
    bool is_link = false;
    for (size_t i = 0; i < sizeof(link_attrs) / sizeof(link_attrs[0]); i++)
        is_link |= mime_url_attr_is(u, link_attrs[i]);
    if (!is_link) {
        if (!u->is_long)
            mime_url_word(u); /* a URL inside another attribute's text */
        u->len = 0;
        u->is_long = false;
        return;
    }
    if (u->is_long) {
        u->too_long++;
        u->is_long = false;
        u->len = 0;
        return;
    }
    /* "&amp;" back to '&', in place; whitespace around trimmed. */
    size_t w = 0;
    struct cursor c = cursor_make(u->buf, u->len);
    while (cursor_left(&c) > 0) {
        if (mime_url_prefix(cursor_ptr(&c), cursor_left(&c), "&amp;")) {
            cursor_skip(&c, 5);
            u->buf[w++] = '&';
            continue;
        }
        u->buf[w++] = cursor_u8(&c);
    }
    struct cursor t = cursor_make(u->buf, w);
    size_t start = 0;
    uint8_t ch = 0;
    while (cursor_peek_u8(&t, start, &ch) && mime_url_is_space(ch))
        start++;
    if (mime_url_attr_is(u, "srcset")) { /* "url 1x, url 2x": the first */
        size_t e = start;
        while (cursor_peek_u8(&t, e, &ch) && !mime_url_is_space(ch) && ch != ',')
            e++;
        w = e;
    }
    while (w > start && cursor_peek_u8(&t, w - 1, &ch) && mime_url_is_space(ch))
        w--;
    const uint8_t *v = u->buf + start;
    size_t n = w - start;
    size_t scheme = mime_url_scheme(v, n);
    bool is_image =
        (u->is_img && (mime_url_attr_is(u, "src") || mime_url_attr_is(u, "lowsrc") ||
                       mime_url_attr_is(u, "dynsrc") || mime_url_attr_is(u, "srcset"))) ||
        mime_url_attr_is(u, "background");
    bool is_mailto = mime_url_prefix(v, n, "mailto:");
    if ((scheme && n > scheme && !is_mailto) || (is_mailto && memchr(v, '@', n)) ||
        (n > 2 && mime_url_prefix(v, n, "//")))
        mime_url_add(u, v, n, is_image ? MIME_URL_IMAGE : 0);
    u->len = 0;
}

static void mime_url_push(struct mime_url *u, uint8_t ch)
{
    if (u->len < MIME_URL_MAX)
        u->buf[u->len++] = ch;
    else
        u->is_long = true;
}

static void mime_url_tag_end(struct mime_url *u)
{
    u->state = MU_TEXT;
    u->is_img = false;
}

static void mime_url_byte(struct mime_url *u, uint8_t ch)
{
    switch (u->state) {
    case MU_TEXT:
        if (u->is_html && ch == '<') {
            mime_url_word(u);
            u->state = MU_TAG_NAME;
            u->tag_len = 0;
            return;
        }
        if (mime_url_is_space(ch) || ch == '<' || ch == '>' || ch == '"' || ch == '`' ||
            ch < 0x20) {
            mime_url_word(u);
            return;
        }
        mime_url_push(u, ch);
        return;
    case MU_TAG_NAME:
        if (ch == '/' && u->tag_len == 0)
            return;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
            if (u->tag_len < sizeof(u->tag))
                u->tag[u->tag_len] = mime_url_lower(ch);
            u->tag_len += u->tag_len < 255;
            return;
        }
        u->is_img = u->tag_len == 3 && memcmp(u->tag, "img", 3) == 0;
        u->state = MU_TAG;
        if (ch == '>')
            mime_url_tag_end(u);
        return;
    case MU_TAG:
        if (ch == '>') {
            mime_url_tag_end(u);
        } else if (!mime_url_is_space(ch) && ch != '/') {
            u->attr_len = 0;
            u->state = MU_ATTR_NAME;
            mime_url_byte(u, ch);
        }
        return;
    case MU_ATTR_NAME:
        if (ch == '=') {
            u->state = MU_VALUE_START;
        } else if (ch == '>') {
            mime_url_tag_end(u);
        } else if (mime_url_is_space(ch)) {
            u->state = MU_ATTR_EQ;
        } else if (ch == '/') {
            u->state = MU_TAG;
        } else {
            if (u->attr_len < sizeof(u->attr))
                u->attr[u->attr_len] = mime_url_lower(ch);
            u->attr_len += u->attr_len < 255;
        }
        return;
    case MU_ATTR_EQ:
        if (ch == '=') {
            u->state = MU_VALUE_START;
        } else if (ch == '>') {
            mime_url_tag_end(u);
        } else if (!mime_url_is_space(ch)) {
            u->attr_len = 0;
            u->state = MU_ATTR_NAME;
            mime_url_byte(u, ch);
        }
        return;
    case MU_VALUE_START:
        if (mime_url_is_space(ch))
            return;
        if (ch == '>') {
            mime_url_tag_end(u);
            return;
        }
        u->len = 0;
        u->is_long = false;
        u->state = MU_VALUE;
        u->quote = (ch == '"' || ch == '\'') ? ch : 0;
        if (!u->quote)
            mime_url_push(u, ch);
        return;
    default: /* MU_VALUE */
        if (u->quote ? ch == u->quote : (mime_url_is_space(ch) || ch == '>')) {
            mime_url_value(u);
            if (!u->quote && ch == '>')
                mime_url_tag_end(u);
            else
                u->state = MU_TAG;
            return;
        }
        mime_url_push(u, ch);
        return;
    }
}

void mime_url_feed(struct mime_url *u, const uint8_t *p, size_t n)
{
    struct cursor c = cursor_make(p, n);
    while (cursor_left(&c) > 0)
        mime_url_byte(u, cursor_u8(&c));
}

void mime_url_finish(struct mime_url *u)
{
    if (u->state == MU_TEXT)
        mime_url_word(u);
    u->state = MU_TEXT;
    u->len = 0;
    u->is_long = false;
}
