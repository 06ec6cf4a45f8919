/* match_norm.c — normalised forms of indicator values.
 *
 * Addresses follow RFC 4291 text (inet_pton), domains RFC 1035/1123 host
 * names, URLs the syntax-based normalisation of RFC 3986 section 6.2.2 and
 * 6.2.3, e-mail addresses RFC 5321 (lower-cased whole: see docs/intel.md).
 * Every loop is bounded by the value's length, itself capped before copying.
 */
#include "intel/match/match_norm.h"

#include <arpa/inet.h>
#include <string.h>

#include "core/hex.h"

static int reject(enum intel_match_reject *rej, enum intel_match_reject why)
{
    *rej = why;
    return -1;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* Hex digit values plus one (0: not a hex digit), one table lookup each. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void clear_host_bits(struct match_ip *ip, unsigned bits)
{
    bool had = false;
    for (unsigned i = 0; i < bits / 8u; i++) {
        unsigned first = i * 8u; /* the first bit of byte i */
        uint8_t keep = 0;
        if (first + 8u <= ip->prefix_len)
            keep = 0xff;
        else if (first < ip->prefix_len)
            keep = (uint8_t)(0xff << (8u - (ip->prefix_len - first)));
        had |= (ip->addr[i] & (uint8_t)~keep) != 0;
        ip->addr[i] &= keep;
    }
    ip->had_host_bits = had;
}

int match_norm_ip(enum intel_kind kind, const char *v, size_t len, struct match_ip *out,
                  enum intel_match_reject *rej)
{
    char text[64];
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return reject(rej, INTEL_REJECT_EMPTY);
    if (len >= sizeof(text))
        return reject(rej, INTEL_REJECT_TOO_LONG);
    memcpy(text, v, len);
    text[len] = '\0';
    if (strlen(text) != len)
        return reject(rej, INTEL_REJECT_CHAR);
    unsigned max = kind == INTEL_KIND_IPV4 ? 32 : 128;
    unsigned plen = max;
    char *slash = strchr(text, '/');
    if (slash) {
        *slash = '\0';
        const char *d = slash + 1;
        size_t n = strlen(d);
        if (n == 0 || n > 3 || (n > 1 && d[0] == '0'))
            return reject(rej, INTEL_REJECT_PREFIX);
        plen = 0;
        for (size_t i = 0; i < n; i++) {
            if (d[i] < '0' || d[i] > '9')
                return reject(rej, INTEL_REJECT_PREFIX);
            plen = plen * 10 + (unsigned)(d[i] - '0');
        }
        if (plen > max)
            return reject(rej, INTEL_REJECT_PREFIX);
    }
    if (kind == INTEL_KIND_IPV4) {
        if (inet_pton(AF_INET, text, out->addr) != 1)
            return reject(rej, INTEL_REJECT_IP);
        out->family = 4;
    } else {
        if (inet_pton(AF_INET6, text, out->addr) != 1)
            return reject(rej, INTEL_REJECT_IP);
        out->family = 6;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (plen >= 96 && memcmp(out->addr, mapped, sizeof(mapped)) == 0) {
            memmove(out->addr, out->addr + 12, 4);
            memset(out->addr + 4, 0, 12);
            out->family = 4;
            plen -= 96;
            max = 32;
        }
    }
    out->prefix_len = (uint8_t)plen;
    clear_host_bits(out, max);
    return (int)(max / 8);
}

/* Checks a strict host name already lower-cased in out[0..n). */
static bool domain_is_valid(const char *s, size_t n)
{
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!is_alnum(c) && c != '-' && c != '_')
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

int match_norm_domain(const char *v, size_t len, char *out, enum intel_match_reject *rej)
{
    if (len >= 2 && v[0] == '*' && v[1] == '.') {
        v += 2;
        len -= 2;
    }
    if (len > 0 && v[len - 1] == '.')
        len--;
    if (len == 0)
        return reject(rej, INTEL_REJECT_EMPTY);
    if (len > INTEL_MATCH_DOMAIN_MAX)
        return reject(rej, INTEL_REJECT_TOO_LONG);
    for (size_t i = 0; i < len; i++)
        out[i] = lower(v[i]);
    out[len] = '\0';
    if (!domain_is_valid(out, len))
        return reject(rej, INTEL_REJECT_DOMAIN);
    return (int)len;
}

static bool is_unreserved(char c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static unsigned default_port(const char *scheme, size_t n)
{
    static const struct {
        const char *name;
        unsigned port;
    } ports[] = {{"http", 80}, {"https", 443}, {"ws", 80}, {"wss", 443}, {"ftp", 21}};
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
        if (strlen(ports[i].name) == n && memcmp(ports[i].name, scheme, n) == 0)
            return ports[i].port;
    return 0;
}

int match_norm_url(const char *v, size_t len, char *out, enum intel_match_reject *rej)
{
    if (len == 0)
        return reject(rej, INTEL_REJECT_EMPTY);
    if (len > INTEL_MATCH_URL_MAX)
        return reject(rej, INTEL_REJECT_TOO_LONG);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
            return reject(rej, INTEL_REJECT_CHAR);
    /* The fragment is never sent: drop it first. */
    const char *hash = memchr(v, '#', len);
    if (hash)
        len = (size_t)(hash - v);
    size_t o = 0, i = 0;
    /* scheme "://" */
    while (i < len && (is_alnum(v[i]) || (i > 0 && (v[i] == '+' || v[i] == '-' || v[i] == '.'))))
        out[o++] = lower(v[i++]);
    size_t scheme_len = o;
    if (scheme_len == 0 || !is_alpha(v[0]) || len - i < 3 || memcmp(v + i, "://", 3) != 0)
        return reject(rej, INTEL_REJECT_URL);
    memcpy(out + o, "://", 3);
    o += 3;
    i += 3;
    /* authority: up to '/', '?' or the end; userinfo dropped */
    size_t auth = i;
    while (i < len && v[i] != '/' && v[i] != '?')
        i++;
    size_t auth_end = i;
    for (size_t k = auth; k < auth_end; k++)
        if (v[k] == '@')
            auth = k + 1;
    size_t host = auth, host_end;
    if (host < auth_end && v[host] == '[') {
        const char *close = memchr(v + host, ']', auth_end - host);
        if (!close)
            return reject(rej, INTEL_REJECT_URL);
        host_end = (size_t)(close - v) + 1;
    } else {
        host_end = host;
        while (host_end < auth_end && v[host_end] != ':')
            host_end++;
    }
    size_t h_len = host_end - host;
    if (h_len > 1 && v[host_end - 1] == '.' && v[host] != '[')
        h_len--;
    if (h_len == 0)
        return reject(rej, INTEL_REJECT_URL);
    for (size_t k = 0; k < h_len; k++)
        out[o++] = lower(v[host + k]);
    if (host_end < auth_end) {
        if (v[host_end] != ':')
            return reject(rej, INTEL_REJECT_URL);
        unsigned port = 0;
        size_t digits = 0;
        for (size_t k = host_end + 1; k < auth_end; k++) {
            if (v[k] < '0' || v[k] > '9')
                return reject(rej, INTEL_REJECT_URL);
            port = port * 10 + (unsigned)(v[k] - '0');
            if (port > 65535)
                return reject(rej, INTEL_REJECT_URL);
            digits++;
        }
        /* An empty port or the scheme's default is left out (RFC 3986 6.2.3). */
        if (digits > 0 && port != default_port(out, scheme_len)) {
            char num[8];
            size_t n = 0;
            do {
                num[n++] = (char)('0' + port % 10);
                port /= 10;
            } while (port && n < sizeof(num));
            out[o++] = ':';
            while (n)
                out[o++] = num[--n];
        }
    }
    if (i == len || v[i] != '/')
        out[o++] = '/'; /* an empty path is "/" */
    /* path and query: percent-encodings normalised, the rest kept as is */
    while (i < len) {
        char c = v[i];
        if (c == '%' && len - i >= 3 && hex_digit_value((unsigned char)v[i + 1]) >= 0 &&
            hex_digit_value((unsigned char)v[i + 2]) >= 0) {
            char d = (char)(hex_digit_value((unsigned char)v[i + 1]) * 16 +
                            hex_digit_value((unsigned char)v[i + 2]));
            if (is_unreserved(d)) {
                out[o++] = d;
            } else {
                out[o++] = '%';
                out[o++] = (char)(v[i + 1] >= 'a' ? v[i + 1] - ('a' - 'A') : v[i + 1]);
                out[o++] = (char)(v[i + 2] >= 'a' ? v[i + 2] - ('a' - 'A') : v[i + 2]);
            }
            i += 3;
            continue;
        }
        out[o++] = c;
        i++;
    }
    if (o > INTEL_MATCH_URL_MAX)
        return reject(rej, INTEL_REJECT_TOO_LONG);
    out[o] = '\0';
    return (int)o;
}

int match_norm_email(const char *v, size_t len, char *out, enum intel_match_reject *rej)
{
    if (len >= 2 && v[0] == '<' && v[len - 1] == '>') {
        v++;
        len -= 2;
    }
    if (len == 0)
        return reject(rej, INTEL_REJECT_EMPTY);
    if (len > INTEL_MATCH_EMAIL_MAX + 1) /* +1: a trailing dot */
        return reject(rej, INTEL_REJECT_TOO_LONG);
    size_t at = len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= 0x20 || c >= 0x7f)
            return reject(rej, INTEL_REJECT_CHAR);
        if (c == '@')
            at = i;
    }
    if (at == len || at == 0 || at > 64)
        return reject(rej, INTEL_REJECT_EMAIL);
    for (size_t i = 0; i < at; i++)
        out[i] = lower(v[i]);
    out[at] = '@';
    enum intel_match_reject why;
    char dom[INTEL_MATCH_DOMAIN_MAX + 1];
    int n = match_norm_domain(v + at + 1, len - at - 1, dom, &why);
    if (n < 0 || (len - at - 1 >= 2 && v[at + 1] == '*'))
        return reject(rej, INTEL_REJECT_EMAIL);
    if (at + 1 + (size_t)n > INTEL_MATCH_EMAIL_MAX)
        return reject(rej, INTEL_REJECT_TOO_LONG);
    memcpy(out + at + 1, dom, (size_t)n);
    out[at + 1 + (size_t)n] = '\0';
    return (int)(at + 1 + (size_t)n);
}

int match_norm_ja4(const char *v, size_t len, char *out, enum intel_match_reject *rej)
{
    if (len == 0)
        return reject(rej, INTEL_REJECT_EMPTY);
    if (len > INTEL_MATCH_JA4_MAX)
        return reject(rej, INTEL_REJECT_TOO_LONG);
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
            return reject(rej, INTEL_REJECT_CHAR);
        out[i] = v[i];
    }
    return (int)len;
}

size_t match_norm_hash_len(enum intel_kind kind)
{
    switch (kind) {
    case INTEL_KIND_MD5:
    case INTEL_KIND_JA3:
    case INTEL_KIND_JA3S:
        return 16;
    case INTEL_KIND_SHA1:
        return 20;
    case INTEL_KIND_SHA256:
        return 32;
    default:
        return 0;
    }
}

int match_norm_hex(enum intel_kind kind, const char *v, size_t len, uint8_t *out,
                   enum intel_match_reject *rej)
{
    size_t n = match_norm_hash_len(kind);
    if (n == 0)
        return reject(rej, INTEL_REJECT_KIND);
    if (len == 0)
        return reject(rej, INTEL_REJECT_EMPTY);
    if (len != 2 * n)
        return reject(rej, INTEL_REJECT_HEX_LEN);
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hi = hex_digit_plus1[(unsigned char)v[2 * i]];
        unsigned lo = hex_digit_plus1[(unsigned char)v[2 * i + 1]];
        bad |= (hi == 0) | (lo == 0);
        out[i] = (uint8_t)((hi - 1) << 4 | ((lo - 1) & 15));
    }
    if (bad)
        return reject(rej, INTEL_REJECT_HEX);
    return (int)n;
}
