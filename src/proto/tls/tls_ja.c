/* tls_ja.c — JA3, JA3S (Salesforce) and JA4 (FoxIO, TLS client) fingerprints.
 *
 * Strings are produced piece by piece into a bounded buffer and a streaming
 * digest at the same time, so an absurd hello (thousands of suites) is hashed
 * whole without an unbounded buffer. Lists are read from the borrowed views
 * of struct tls_hello through a cursor; GREASE values (RFC 8701) are skipped
 * everywhere, as both definitions ask. Not JA4S/JA4X or other JA4+ members.
 */
#include "proto/tls/tls_ja.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/digest.h"
#include "proto/tls/tls_hello.h"

/* A string being built: kept up to size - 1 bytes, hashed whole. */
struct tls_ja_out {
    char *str;
    size_t size;
    size_t len; /* full length, even past size */
    struct digest *d;
    int err;
};

static void tls_ja_put(struct tls_ja_out *o, const char *s, size_t n)
{
    if (o->d && digest_update(o->d, s, n) != 0)
        o->err = -ENOMEM;
    if (o->str && o->len < o->size - 1) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->str + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void tls_ja_putc(struct tls_ja_out *o, char ch)
{
    tls_ja_put(o, &ch, 1);
}

static void tls_ja_put_dec(struct tls_ja_out *o, unsigned v)
{
    char buf[8];
    int n = snprintf(buf, sizeof(buf), "%u", v);
    tls_ja_put(o, buf, (size_t)n);
}

static void tls_ja_put_hex4(struct tls_ja_out *o, uint16_t v)
{
    char buf[8];
    int n = snprintf(buf, sizeof(buf), "%04x", v);
    tls_ja_put(o, buf, (size_t)n);
}

/* Starts a string with an MD5 (JA3) or SHA-256 (JA4) digest. */
static int tls_ja_begin(struct tls_ja_out *o, enum digest_alg alg, char *str, size_t size)
{
    memset(o, 0, sizeof(*o));
    o->str = size > 0 ? str : NULL;
    o->size = size;
    o->d = digest_new(alg);
    return o->d ? 0 : -ENOMEM;
}

static int tls_ja_end(struct tls_ja_out *o, enum digest_alg alg, char hex[DIGEST_HEX_MAX])
{
    if (o->str)
        o->str[o->len < o->size ? o->len : o->size - 1] = '\0';
    if (o->err == 0 && digest_final_hex(o->d, alg, hex) != 0)
        o->err = -ENOMEM;
    digest_free(o->d);
    o->d = NULL;
    return o->err;
}

/* Writes a list of u16 (is_u8 false) or u8 values in decimal, joined by
 * '-', GREASE skipped. */
static void tls_ja_dec_list(struct tls_ja_out *o, struct tls_bytes b, bool is_u8)
{
    struct cursor c = cursor_make(b.p, b.len);
    bool is_first = true;
    while (cursor_left(&c) >= (is_u8 ? 1u : 2u)) {
        uint16_t v = is_u8 ? cursor_u8(&c) : cursor_be16(&c);
        if (!is_u8 && tls_hello_is_grease(v))
            continue;
        if (!is_first)
            tls_ja_putc(o, '-');
        tls_ja_put_dec(o, v);
        is_first = false;
    }
}

/* The extension types of the block, in order, decimal, GREASE skipped. */
static void tls_ja_dec_extensions(struct tls_ja_out *o, struct tls_bytes b)
{
    struct cursor c = cursor_make(b.p, b.len);
    bool is_first = true;
    while (cursor_left(&c) >= 4) {
        uint16_t type = cursor_be16(&c);
        (void)cursor_split(&c, cursor_be16(&c));
        if (!cursor_ok(&c))
            break;
        if (tls_hello_is_grease(type))
            continue;
        if (!is_first)
            tls_ja_putc(o, '-');
        tls_ja_put_dec(o, type);
        is_first = false;
    }
}

static int tls_ja_finish_md5(struct tls_ja_out *o, char hash[TLS_JA3_HASH_LEN + 1])
{
    char hex[DIGEST_HEX_MAX];
    int rc = tls_ja_end(o, DIGEST_MD5, hex);
    if (rc != 0)
        return rc;
    memcpy(hash, hex, TLS_JA3_HASH_LEN);
    hash[TLS_JA3_HASH_LEN] = '\0';
    return o->len > (size_t)INT32_MAX ? INT32_MAX : (int)o->len;
}

int tls_ja3(const struct tls_hello *h, char *str, size_t str_size, char hash[TLS_JA3_HASH_LEN + 1])
{
    if (h->is_server)
        return -EINVAL;
    struct tls_ja_out o;
    if (tls_ja_begin(&o, DIGEST_MD5, str, str_size) != 0)
        return -ENOMEM;
    tls_ja_put_dec(&o, h->legacy_version);
    tls_ja_putc(&o, ',');
    tls_ja_dec_list(&o, h->ciphers, false);
    tls_ja_putc(&o, ',');
    tls_ja_dec_extensions(&o, h->extensions);
    tls_ja_putc(&o, ',');
    tls_ja_dec_list(&o, h->groups, false);
    tls_ja_putc(&o, ',');
    tls_ja_dec_list(&o, h->point_formats, true);
    return tls_ja_finish_md5(&o, hash);
}

int tls_ja3s(const struct tls_hello *h, char *str, size_t str_size, char hash[TLS_JA3_HASH_LEN + 1])
{
    if (!h->is_server)
        return -EINVAL;
    struct tls_ja_out o;
    if (tls_ja_begin(&o, DIGEST_MD5, str, str_size) != 0)
        return -ENOMEM;
    tls_ja_put_dec(&o, h->legacy_version);
    tls_ja_putc(&o, ',');
    tls_ja_put_dec(&o, h->cipher);
    tls_ja_putc(&o, ',');
    tls_ja_dec_extensions(&o, h->extensions);
    return tls_ja_finish_md5(&o, hash);
}

/* ---- JA4 ---- */

/* A list of u16 values to sort: a small one on the stack, a long one (a
 * hostile hello) on the heap, bounded by the 64 KiB the list came from. */
struct tls_ja_u16s {
    uint16_t *v;
    size_t count;
    uint16_t local[256];
};

static int tls_ja_u16s_init(struct tls_ja_u16s *l, size_t max)
{
    l->count = 0;
    l->v = l->local;
    if (max > sizeof(l->local) / sizeof(l->local[0])) {
        l->v = malloc(max * sizeof(uint16_t));
        if (!l->v)
            return -ENOMEM;
    }
    return 0;
}

static void tls_ja_u16s_fini(struct tls_ja_u16s *l)
{
    if (l->v != l->local)
        free(l->v);
}

static int tls_ja_cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

static void tls_ja_put_hex_list(struct tls_ja_out *o, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            tls_ja_putc(o, ',');
        tls_ja_put_hex4(o, v[i]);
    }
}

static const char *tls_ja4_version(uint16_t v)
{
    switch (v) {
    case 0x0304:
        return "13";
    case 0x0303:
        return "12";
    case 0x0302:
        return "11";
    case 0x0301:
        return "10";
    case 0x0300:
        return "s3";
    case 0x0002:
        return "s2";
    case 0xfeff:
        return "d1";
    case 0xfefd:
        return "d2";
    case 0xfefc:
        return "d3";
    default:
        return "00";
    }
}

static bool tls_ja_is_alnum(uint8_t b)
{
    return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/* The first and last characters of the first ALPN value; when either end
 * is not ASCII alphanumeric, the first and last hex digits of the value. */
static void tls_ja4_alpn(const struct tls_hello *h, char out[2])
{
    static const char hexd[] = "0123456789abcdef";
    out[0] = out[1] = '0';
    struct cursor c = cursor_make(h->alpn.p, h->alpn.len);
    uint8_t n = cursor_u8(&c);
    const uint8_t *name = cursor_bytes(&c, n);
    if (!name || n == 0)
        return;
    struct cursor nc = cursor_make(name, n);
    uint8_t first = 0, last = 0;
    (void)cursor_peek_u8(&nc, 0, &first);
    (void)cursor_peek_u8(&nc, (size_t)n - 1, &last);
    if (tls_ja_is_alnum(first) && tls_ja_is_alnum(last)) {
        out[0] = (char)first;
        out[1] = (char)last;
    } else {
        out[0] = hexd[first >> 4];
        out[1] = hexd[last & 0x0f];
    }
}

/* The first 12 hex digits of the SHA-256 of what o hashed, into dst
 * (which already holds "000000000000" for an empty list). */
static int tls_ja4_hash12(struct tls_ja_out *o, char *dst)
{
    char hex[DIGEST_HEX_MAX];
    int rc = tls_ja_end(o, DIGEST_SHA256, hex);
    if (rc != 0)
        return rc;
    memcpy(dst, hex, 12);
    return 0;
}

int tls_ja4(const struct tls_hello *h, char transport, char out[TLS_JA4_LEN + 1])
{
    if (h->is_server || (transport != 't' && transport != 'q' && transport != 'd'))
        return -EINVAL;
    struct tls_ja_u16s ciphers, exts;
    int rc = -ENOMEM;
    if (tls_ja_u16s_init(&ciphers, h->ciphers.len / 2) != 0)
        return -ENOMEM;
    if (tls_ja_u16s_init(&exts, h->extensions.len / 4) != 0)
        goto fail_ciphers;

    struct cursor c = cursor_make(h->ciphers.p, h->ciphers.len);
    while (cursor_left(&c) >= 2) {
        uint16_t v = cursor_be16(&c);
        if (!tls_hello_is_grease(v))
            ciphers.v[ciphers.count++] = v;
    }
    size_t ext_total = 0; /* non-GREASE, SNI and ALPN included */
    c = cursor_make(h->extensions.p, h->extensions.len);
    while (cursor_left(&c) >= 4) {
        uint16_t type = cursor_be16(&c);
        (void)cursor_split(&c, cursor_be16(&c));
        if (!cursor_ok(&c))
            break;
        if (tls_hello_is_grease(type))
            continue;
        ext_total++;
        if (type != TLS_EXT_SERVER_NAME && type != TLS_EXT_ALPN)
            exts.v[exts.count++] = type;
    }
    qsort(ciphers.v, ciphers.count, sizeof(uint16_t), tls_ja_cmp_u16);
    qsort(exts.v, exts.count, sizeof(uint16_t), tls_ja_cmp_u16);

    char alpn[2];
    tls_ja4_alpn(h, alpn);
    size_t nc = ciphers.count > 99 ? 99 : ciphers.count;
    size_t ne = ext_total > 99 ? 99 : ext_total;
    snprintf(out, TLS_JA4_LEN + 1, "%c%s%c%02zu%02zu%c%c_000000000000_000000000000", transport,
             tls_ja4_version(tls_hello_version(h)), h->has_sni ? 'd' : 'i', nc, ne, alpn[0],
             alpn[1]);

    struct tls_ja_out o;
    if (ciphers.count > 0) {
        if (tls_ja_begin(&o, DIGEST_SHA256, NULL, 0) != 0)
            goto fail;
        tls_ja_put_hex_list(&o, ciphers.v, ciphers.count);
        if (tls_ja4_hash12(&o, out + 11) != 0)
            goto fail;
    }
    if (exts.count > 0) {
        if (tls_ja_begin(&o, DIGEST_SHA256, NULL, 0) != 0)
            goto fail;
        tls_ja_put_hex_list(&o, exts.v, exts.count);
        /* signature algorithms in the order sent, after an '_' if any */
        struct cursor s = cursor_make(h->sig_algs.p, h->sig_algs.len);
        bool is_first = true;
        while (cursor_left(&s) >= 2) {
            uint16_t v = cursor_be16(&s);
            if (tls_hello_is_grease(v))
                continue;
            tls_ja_putc(&o, is_first ? '_' : ',');
            tls_ja_put_hex4(&o, v);
            is_first = false;
        }
        if (tls_ja4_hash12(&o, out + 24) != 0)
            goto fail;
    }
    rc = 0;
fail:
    tls_ja_u16s_fini(&exts);
fail_ciphers:
    tls_ja_u16s_fini(&ciphers);
    return rc;
}
