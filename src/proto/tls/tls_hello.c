/* tls_hello.c — ClientHello and ServerHello decoding (see tls_hello.h).
 *
 * RFC 8446 §4.1.2–4.1.3 and §4.2, RFC 5246 §7.4.1, RFC 6101 §5.6.1 (SSL 3.0
 * has the same layout without extensions), RFC 6066 §3, RFC 7301 §3.1,
 * RFC 8422 §5.1, RFC 5077 §3.2, RFC 8701. Every read goes through a cursor;
 * the outer framing (up to the extension block) must hold, while a broken
 * extension body only records an anomaly. Not a validator of values.
 */
#include "proto/tls/tls_hello.h"

#include <errno.h>
#include <string.h>

#include "core/cursor.h"

/* RFC 8446 §4.1.3: the random of a HelloRetryRequest. */
static const uint8_t tls_hrr_random[TLS_HELLO_RANDOM_LEN] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static void tls_hello_note(struct tls_hello *h, const char *anomaly)
{
    if (!h->anomaly)
        h->anomaly = anomaly;
}

static struct tls_bytes tls_bytes_of(struct cursor *c)
{
    struct tls_bytes b = {cursor_ptr(c), cursor_left(c)};
    return b;
}

/* server_name (RFC 6066 §3): ServerNameList<1..2^16-1> of
 * {NameType u8, HostName<1..2^16-1>}; the first host_name (type 0) wins. */
static void tls_hello_sni(struct tls_hello *h, struct cursor ext)
{
    h->has_sni = true;
    if (h->is_server)
        return; /* the server echoes an empty extension */
    struct cursor list = cursor_split(&ext, cursor_be16(&ext));
    if (!cursor_ok(&list) || cursor_left(&ext) != 0) {
        tls_hello_note(h, "sni_malformed");
        return;
    }
    while (cursor_left(&list) > 0) {
        uint8_t type = cursor_u8(&list);
        struct cursor name = cursor_split(&list, cursor_be16(&list));
        if (!cursor_ok(&name)) {
            tls_hello_note(h, "sni_malformed");
            return;
        }
        if (type != 0 || h->sni.p)
            continue;
        if (cursor_left(&name) == 0) {
            tls_hello_note(h, "sni_empty");
            continue;
        }
        h->sni = tls_bytes_of(&name);
    }
}

/* ALPN (RFC 7301 §3.1): ProtocolNameList<2..2^16-1> of
 * ProtocolName<1..2^8-1>. Kept only when every name is well formed, so
 * tls_hello_alpn_each can walk it without checks failing midway. */
static void tls_hello_alpn(struct tls_hello *h, struct cursor ext)
{
    h->has_alpn = true;
    struct cursor list = cursor_split(&ext, cursor_be16(&ext));
    if (!cursor_ok(&list) || cursor_left(&ext) != 0) {
        tls_hello_note(h, "alpn_malformed");
        return;
    }
    struct tls_bytes all = tls_bytes_of(&list);
    while (cursor_left(&list) > 0) {
        uint8_t n = cursor_u8(&list);
        if (n == 0 || !cursor_skip(&list, n)) {
            tls_hello_note(h, "alpn_malformed");
            return;
        }
    }
    h->alpn = all;
}

/* A list with a length prefix of prefix_len bytes (1 or 2) whose items are
 * item_len bytes each; on a framing fault the view stays empty. */
static void tls_hello_list(struct tls_hello *h, struct cursor ext, size_t prefix_len,
                           size_t item_len, struct tls_bytes *out, const char *anomaly)
{
    size_t n = prefix_len == 1 ? cursor_u8(&ext) : cursor_be16(&ext);
    struct cursor list = cursor_split(&ext, n);
    if (!cursor_ok(&list) || cursor_left(&ext) != 0 || n % item_len != 0) {
        tls_hello_note(h, anomaly);
        return;
    }
    *out = tls_bytes_of(&list);
}

/* key_share (RFC 8446 §4.2.8): the client sends KeyShareEntry
 * client_shares<0..2^16-1>, each {group u16, key_exchange<1..2^16-1>}. */
static void tls_hello_key_share(struct tls_hello *h, struct cursor ext)
{
    if (h->is_server)
        return;
    struct cursor list = cursor_split(&ext, cursor_be16(&ext));
    while (cursor_ok(&list) && cursor_left(&list) > 0) {
        (void)cursor_be16(&list);
        (void)cursor_split(&list, cursor_be16(&list));
        if (cursor_ok(&list))
            h->key_share_count++;
    }
    if (!cursor_ok(&list) || cursor_left(&ext) != 0)
        tls_hello_note(h, "key_share_malformed");
}

static void tls_hello_extension(struct tls_hello *h, uint16_t type, struct cursor ext)
{
    switch (type) {
    case TLS_EXT_SERVER_NAME:
        tls_hello_sni(h, ext);
        break;
    case TLS_EXT_ALPN:
        tls_hello_alpn(h, ext);
        break;
    case TLS_EXT_SUPPORTED_GROUPS:
        if (!h->is_server)
            tls_hello_list(h, ext, 2, 2, &h->groups, "supported_groups_malformed");
        break;
    case TLS_EXT_EC_POINT_FORMATS:
        tls_hello_list(h, ext, 1, 1, &h->point_formats, "ec_point_formats_malformed");
        break;
    case TLS_EXT_SIGNATURE_ALGORITHMS:
        if (!h->is_server)
            tls_hello_list(h, ext, 2, 2, &h->sig_algs, "signature_algorithms_malformed");
        break;
    case TLS_EXT_SUPPORTED_VERSIONS:
        if (h->is_server) {
            uint16_t v = cursor_be16(&ext);
            if (!cursor_ok(&ext) || cursor_left(&ext) != 0)
                tls_hello_note(h, "supported_versions_malformed");
            else
                h->selected_version = v;
        } else {
            tls_hello_list(h, ext, 1, 2, &h->versions, "supported_versions_malformed");
        }
        break;
    case TLS_EXT_SESSION_TICKET:
        h->has_session_ticket = true;
        h->has_ticket_data = cursor_left(&ext) > 0;
        break;
    case TLS_EXT_KEY_SHARE:
        tls_hello_key_share(h, ext);
        break;
    case TLS_EXT_PRE_SHARED_KEY:
        h->has_psk = true;
        break;
    default:
        break;
    }
}

/* The optional extension block: Extension extensions<0..2^16-1>. */
static int tls_hello_extensions(struct tls_hello *h, struct cursor *c)
{
    if (cursor_left(c) == 0)
        return 0; /* TLS <= 1.2 and SSL 3.0 may stop after compression */
    h->has_extension_block = true;
    struct cursor block = cursor_split(c, cursor_be16(c));
    if (!cursor_ok(&block)) {
        h->anomaly = "extensions_overflow";
        return -EINVAL;
    }
    h->extensions = tls_bytes_of(&block);
    while (cursor_left(&block) > 0) {
        uint16_t type = cursor_be16(&block);
        struct cursor ext = cursor_split(&block, cursor_be16(&block));
        if (!cursor_ok(&ext)) {
            h->anomaly = "extension_overflow";
            return -EINVAL;
        }
        if (++h->extension_count == TLS_HELLO_EXTENSIONS_MAX + 1)
            tls_hello_note(h, "too_many_extensions");
        tls_hello_extension(h, type, ext);
    }
    if (cursor_left(c) != 0)
        tls_hello_note(h, "hello_trailing_bytes");
    return 0;
}

/* Common start: version, random, legacy_session_id<0..32>. */
static int tls_hello_start(struct tls_hello *h, struct cursor *c, bool is_server)
{
    memset(h, 0, sizeof(*h));
    h->is_server = is_server;
    h->legacy_version = cursor_be16(c);
    const uint8_t *random = cursor_bytes(c, TLS_HELLO_RANDOM_LEN);
    uint8_t sid_len = cursor_u8(c);
    if (!cursor_ok(c) || !random) {
        h->anomaly = "hello_truncated";
        return -EINVAL;
    }
    if (is_server && memcmp(random, tls_hrr_random, TLS_HELLO_RANDOM_LEN) == 0)
        h->is_hello_retry = true;
    if (sid_len > TLS_HELLO_SESSION_ID_MAX) {
        h->anomaly = "session_id_too_long";
        return -EINVAL;
    }
    struct cursor sid = cursor_split(c, sid_len);
    if (!cursor_ok(&sid)) {
        h->anomaly = "hello_truncated";
        return -EINVAL;
    }
    h->session_id = tls_bytes_of(&sid);
    return 0;
}

int tls_client_hello_parse(const uint8_t *msg, size_t len, struct tls_hello *out)
{
    struct cursor c = cursor_make(msg, len);
    if (tls_hello_start(out, &c, false) != 0)
        return -EINVAL;
    /* CipherSuite cipher_suites<2..2^16-2>; CompressionMethod <1..2^8-1> */
    struct cursor ciphers = cursor_split(&c, cursor_be16(&c));
    if (!cursor_ok(&ciphers)) {
        out->anomaly = "cipher_suites_overflow";
        return -EINVAL;
    }
    if (cursor_left(&ciphers) % 2 != 0) {
        out->anomaly = "cipher_suites_odd_length";
        return -EINVAL;
    }
    out->ciphers = tls_bytes_of(&ciphers);
    struct cursor comp = cursor_split(&c, cursor_u8(&c));
    if (!cursor_ok(&comp)) {
        out->anomaly = "compression_methods_overflow";
        return -EINVAL;
    }
    out->compressions = tls_bytes_of(&comp);
    return tls_hello_extensions(out, &c);
}

int tls_server_hello_parse(const uint8_t *msg, size_t len, struct tls_hello *out)
{
    struct cursor c = cursor_make(msg, len);
    if (tls_hello_start(out, &c, true) != 0)
        return -EINVAL;
    out->cipher = cursor_be16(&c);
    out->compression = cursor_u8(&c);
    if (!cursor_ok(&c)) {
        out->anomaly = "hello_truncated";
        return -EINVAL;
    }
    return tls_hello_extensions(out, &c);
}

uint16_t tls_hello_version(const struct tls_hello *h)
{
    if (h->is_server)
        return h->selected_version ? h->selected_version : h->legacy_version;
    uint16_t best = 0;
    struct cursor c = cursor_make(h->versions.p, h->versions.len);
    while (cursor_left(&c) >= 2) {
        uint16_t v = cursor_be16(&c);
        if (!tls_hello_is_grease(v) && v > best)
            best = v;
    }
    return best ? best : h->legacy_version;
}

size_t tls_hello_alpn_each(const struct tls_hello *h, size_t max,
                           void (*fn)(void *ctx, const uint8_t *name, size_t len), void *ctx)
{
    struct cursor c = cursor_make(h->alpn.p, h->alpn.len);
    size_t count = 0;
    while (count < max && cursor_left(&c) > 0) {
        uint8_t n = cursor_u8(&c);
        const uint8_t *name = cursor_bytes(&c, n);
        if (!name || n == 0)
            break;
        fn(ctx, name, n);
        count++;
    }
    return count;
}
