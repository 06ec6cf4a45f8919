/* stix_pattern_types.c — value types STIX patterns compare beyond plain
 * strings: IPv4/IPv6 addresses and CIDR blocks (ISSUBSET/ISSUPERSET, §9.6.1)
 * and hash algorithm names (the hash-algorithm-ov vocabulary, §10.7) with the
 * spellings producers actually write (sha256, SHA256, 'sha-256').
 */
#include <arpa/inet.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

bool sp_net_parse(const char *s, size_t len, struct sp_net *out)
{
    char buf[64];
    memset(out, 0, sizeof *out);
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    long prefix = -1;
    if (slash) {
        *slash = '\0';
        const char *d = slash + 1;
        if (!*d || strlen(d) > 3)
            return false;
        prefix = 0;
        for (; *d; d++) {
            if (*d < '0' || *d > '9')
                return false;
            prefix = prefix * 10 + (*d - '0');
        }
    }
    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = 4;
        if (prefix > 32)
            return false;
        out->prefix_len = prefix < 0 ? 32 : (unsigned)prefix;
        return true;
    }
    if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = 6;
        if (prefix > 128)
            return false;
        out->prefix_len = prefix < 0 ? 128 : (unsigned)prefix;
        return true;
    }
    memset(out, 0, sizeof *out);
    return false;
}

bool sp_net_contains(const struct sp_net *outer, const struct sp_net *inner)
{
    if (outer->family == 0 || outer->family != inner->family ||
        inner->prefix_len < outer->prefix_len)
        return false;
    unsigned bits = outer->prefix_len;
    size_t full = bits / 8;
    if (memcmp(outer->addr, inner->addr, full) != 0)
        return false;
    if (bits % 8) {
        uint8_t mask = (uint8_t)(0xFFu << (8 - bits % 8));
        if ((outer->addr[full] & mask) != (inner->addr[full] & mask))
            return false;
    }
    return true;
}

/* Known algorithms: canonical name, digest length in hex digits. */
static const struct {
    const char *name;
    size_t hex_len;
} algos[] = {
    {"MD5", 32},      {"SHA-1", 40},     {"SHA-224", 56},  {"SHA-256", 64},
    {"SHA-384", 96},  {"SHA-512", 128},  {"SHA3-224", 56}, {"SHA3-256", 64},
    {"SHA3-384", 96}, {"SHA3-512", 128}, {"SSDEEP", 0},    {"TLSH", 0},
};

/* Compares ignoring case and the '-' / '_' separators. */
static bool loose_eq(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; *b; b++) {
        if (*b == '-')
            continue;
        while (i < alen && (a[i] == '-' || a[i] == '_'))
            i++;
        if (i == alen)
            return false;
        char ca = a[i++];
        if (ca >= 'a' && ca <= 'z')
            ca = (char)(ca - 'a' + 'A');
        if (ca != *b)
            return false;
    }
    while (i < alen && (a[i] == '-' || a[i] == '_'))
        i++;
    return i == alen;
}

const char *sp_hash_canonical(const char *key, size_t len, size_t *hex_len)
{
    for (size_t k = 0; k < sizeof algos / sizeof algos[0]; k++)
        if (loose_eq(key, len, algos[k].name)) {
            if (hex_len)
                *hex_len = algos[k].hex_len;
            return algos[k].name;
        }
    return NULL;
}
