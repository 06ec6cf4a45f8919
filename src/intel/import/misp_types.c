/* misp_types.c — the MISP/CSV type table and the value → STIX pattern
 * conversion (misp_types.h). Pattern strings are escaped per STIX 2.1
 * section 9.3 (' and \); numbers (ports, AS numbers) are written unquoted.
 */
#include "intel/import/misp_types.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum misp_kind {
    MK_NONE = 0,
    MK_IP_ANY, /* CSV "ip": ipv4-addr / ipv6-addr, any direction */
    MK_IP_SRC, /* network-traffic:src_ref.value */
    MK_IP_DST, /* network-traffic:dst_ref.value */
    MK_IP_SRC_PORT,
    MK_IP_DST_PORT,
    MK_DOMAIN,
    MK_DOMAIN_PORT,
    MK_DOMAIN_IP,
    MK_URL,
    MK_EMAIL,
    MK_MD5,
    MK_SHA1,
    MK_SHA256,
    MK_FILE_MD5, /* filename|md5: the hash alone is matched */
    MK_FILE_SHA1,
    MK_FILE_SHA256,
    MK_X509_MD5,
    MK_X509_SHA1,
    MK_X509_SHA256,
    MK_JA3,
    MK_JA3S,
    MK_JA4,
    MK_USER_AGENT,
    MK_AS,
    MK_STIX_PATTERN, /* MISP "stix2-pattern": the value is the pattern */
};

struct misp_type {
    const char *name;
    enum misp_kind kind;
    enum misp_type_class cls;
};

#define IMP(n, k)                                                                                  \
    {                                                                                              \
        n, k, MISP_CLASS_IMPORTED                                                                  \
    }
#define SKIP(n, c)                                                                                 \
    {                                                                                              \
        n, MK_NONE, MISP_CLASS_##c                                                                 \
    }

static const struct misp_type types[] = {
    /* Imported: what the sensor can see in traffic. */
    IMP("ip-src", MK_IP_SRC),
    IMP("ip-dst", MK_IP_DST),
    IMP("ip-src|port", MK_IP_SRC_PORT),
    IMP("ip-dst|port", MK_IP_DST_PORT),
    IMP("domain", MK_DOMAIN),
    IMP("hostname", MK_DOMAIN),
    IMP("hostname|port", MK_DOMAIN_PORT),
    IMP("domain|port", MK_DOMAIN_PORT),
    IMP("domain|ip", MK_DOMAIN_IP),
    IMP("url", MK_URL),
    IMP("uri", MK_URL),
    IMP("link", MK_URL),
    IMP("email", MK_EMAIL),
    IMP("email-src", MK_EMAIL),
    IMP("email-dst", MK_EMAIL),
    IMP("email-reply-to", MK_EMAIL),
    IMP("md5", MK_MD5),
    IMP("sha1", MK_SHA1),
    IMP("sha256", MK_SHA256),
    IMP("filename|md5", MK_FILE_MD5),
    IMP("filename|sha1", MK_FILE_SHA1),
    IMP("filename|sha256", MK_FILE_SHA256),
    IMP("x509-fingerprint-md5", MK_X509_MD5),
    IMP("x509-fingerprint-sha1", MK_X509_SHA1),
    IMP("x509-fingerprint-sha256", MK_X509_SHA256),
    IMP("ja3-fingerprint-md5", MK_JA3),
    IMP("user-agent", MK_USER_AGENT),
    IMP("AS", MK_AS),
    IMP("stix2-pattern", MK_STIX_PATTERN),
    /* CSV type names (docs/intel.md, "CSV and plain lists"). */
    IMP("ip", MK_IP_ANY),
    IMP("ipv4", MK_IP_ANY),
    IMP("ipv6", MK_IP_ANY),
    IMP("cidr", MK_IP_ANY),
    IMP("sha-1", MK_SHA1),
    IMP("sha-256", MK_SHA256),
    IMP("ja3", MK_JA3),
    IMP("ja3s", MK_JA3S),
    IMP("ja4", MK_JA4),
    /* Too weak alone. */
    SKIP("filename", WEAK),
    SKIP("port", WEAK),
    SKIP("size-in-bytes", WEAK),
    SKIP("http-method", WEAK),
    SKIP("mime-type", WEAK),
    SKIP("counter", WEAK),
    SKIP("float", WEAK),
    SKIP("hex", WEAK),
    SKIP("boolean", WEAK),
    SKIP("datetime", WEAK),
    SKIP("cookie", WEAK),
    SKIP("filename-pattern", WEAK),
    /* Host artefacts. */
    SKIP("regkey", HOST),
    SKIP("regkey|value", HOST),
    SKIP("mutex", HOST),
    SKIP("named pipe", HOST),
    SKIP("windows-service-name", HOST),
    SKIP("windows-service-displayname", HOST),
    SKIP("windows-scheduled-task", HOST),
    SKIP("pdb", HOST),
    SKIP("mac-address", HOST),
    SKIP("mac-eui-64", HOST),
    SKIP("process-state", HOST),
    SKIP("cpe", HOST),
    SKIP("filename|authentihash", HASH),
    /* Hashes the sensor never computes. */
    SKIP("sha224", HASH),
    SKIP("sha384", HASH),
    SKIP("sha512", HASH),
    SKIP("sha512/224", HASH),
    SKIP("sha512/256", HASH),
    SKIP("sha3-224", HASH),
    SKIP("sha3-256", HASH),
    SKIP("sha3-384", HASH),
    SKIP("sha3-512", HASH),
    SKIP("ssdeep", HASH),
    SKIP("tlsh", HASH),
    SKIP("imphash", HASH),
    SKIP("pehash", HASH),
    SKIP("authentihash", HASH),
    SKIP("vhash", HASH),
    SKIP("telfhash", HASH),
    SKIP("impfuzzy", HASH),
    SKIP("cdhash", HASH),
    SKIP("filename|sha224", HASH),
    SKIP("filename|sha384", HASH),
    SKIP("filename|sha512", HASH),
    SKIP("filename|sha512/224", HASH),
    SKIP("filename|sha512/256", HASH),
    SKIP("filename|sha3-224", HASH),
    SKIP("filename|sha3-256", HASH),
    SKIP("filename|sha3-384", HASH),
    SKIP("filename|sha3-512", HASH),
    SKIP("filename|ssdeep", HASH),
    SKIP("filename|tlsh", HASH),
    SKIP("filename|imphash", HASH),
    SKIP("filename|pehash", HASH),
    SKIP("filename|vhash", HASH),
    SKIP("hassh-md5", HASH),
    SKIP("hasshserver-md5", HASH),
    SKIP("jarm-fingerprint", HASH),
    SKIP("favicon-mmh3", HASH),
    SKIP("dom-hash", HASH),
    /* Rules for other engines. */
    SKIP("yara", RULE),
    SKIP("snort", RULE),
    SKIP("suricata", RULE),
    SKIP("sigma", RULE),
    SKIP("bro", RULE),
    SKIP("zeek", RULE),
    SKIP("pattern-in-file", RULE),
    SKIP("pattern-in-memory", RULE),
    SKIP("pattern-in-traffic", RULE),
    SKIP("kusto-query", RULE),
    /* Message content and samples. */
    SKIP("email-subject", CONTENT),
    SKIP("email-body", CONTENT),
    SKIP("email-attachment", CONTENT),
    SKIP("email-header", CONTENT),
    SKIP("email-message-id", CONTENT),
    SKIP("email-x-mailer", CONTENT),
    SKIP("email-mime-boundary", CONTENT),
    SKIP("email-thread-index", CONTENT),
    SKIP("email-src-display-name", CONTENT),
    SKIP("email-dst-display-name", CONTENT),
    SKIP("attachment", CONTENT),
    SKIP("malware-sample", CONTENT),
    /* Free text, names, accounts, references. */
    SKIP("text", TEXT),
    SKIP("comment", TEXT),
    SKIP("other", TEXT),
    SKIP("vulnerability", TEXT),
    SKIP("weakness", TEXT),
    SKIP("campaign-name", TEXT),
    SKIP("campaign-id", TEXT),
    SKIP("threat-actor", TEXT),
    SKIP("target-user", TEXT),
    SKIP("target-email", TEXT),
    SKIP("target-machine", TEXT),
    SKIP("target-org", TEXT),
    SKIP("target-location", TEXT),
    SKIP("target-external", TEXT),
    SKIP("github-username", TEXT),
    SKIP("github-repository", TEXT),
    SKIP("twitter-id", TEXT),
    SKIP("phone-number", TEXT),
    SKIP("whois-registrant-email", TEXT),
    SKIP("whois-registrant-name", TEXT),
    SKIP("whois-registrar", TEXT),
    SKIP("whois-creation-date", TEXT),
    SKIP("btc", TEXT),
    SKIP("xmr", TEXT),
    SKIP("dns-soa-email", TEXT),
    SKIP("first-name", TEXT),
    SKIP("last-name", TEXT),
    SKIP("full-name", TEXT),
    SKIP("anonymised", TEXT),
};

const struct misp_type *misp_type_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    return NULL;
}

enum misp_type_class misp_type_class(const struct misp_type *t)
{
    return t ? t->cls : MISP_CLASS_UNKNOWN;
}

const char *misp_type_name(const struct misp_type *t)
{
    return t ? t->name : "";
}

const char *misp_type_canonical(const struct misp_type *t)
{
    if (!t || t->kind == MK_NONE)
        return misp_type_name(t);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].kind == t->kind)
            return types[i].name;
    return t->name;
}

bool misp_type_is_composite(const struct misp_type *t)
{
    return t && strchr(t->name, '|') != NULL;
}

/* --- Values -------------------------------------------------------------- */

struct ip {
    int family; /* 4 or 6 */
    unsigned prefix_len;
    char text[INET6_ADDRSTRLEN + 8]; /* canonical, "/n" when not a host */
};

/* An address with an optional "/len"; host bits are cleared. */
static bool parse_ip(const char *s, size_t n, struct ip *ip)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    uint8_t addr[16];
    ip->family = strchr(buf, ':') ? 6 : 4;
    if (inet_pton(ip->family == 4 ? AF_INET : AF_INET6, buf, addr) != 1)
        return false;
    unsigned bits = ip->family == 4 ? 32 : 128;
    ip->prefix_len = bits;
    if (slash) {
        const char *d = slash + 1;
        unsigned v = 0;
        if (!*d || strlen(d) > 3)
            return false;
        for (; *d; d++) {
            if (*d < '0' || *d > '9')
                return false;
            v = v * 10 + (unsigned)(*d - '0');
        }
        if (v > bits)
            return false;
        ip->prefix_len = v;
    }
    for (unsigned b = ip->prefix_len; b < bits; b++)
        addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
    char text[INET6_ADDRSTRLEN];
    inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, addr, text, sizeof text);
    if (ip->prefix_len == bits)
        snprintf(ip->text, sizeof ip->text, "%s", text);
    else
        snprintf(ip->text, sizeof ip->text, "%s/%u", text, ip->prefix_len);
    return true;
}

static bool parse_port(const char *s, size_t n, unsigned *port)
{
    unsigned v = 0;
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *port = v;
    return v <= 65535;
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

/* Lower-case host name, no trailing dot: letters, digits, '-', '_' and
 * UTF-8 (internationalised names as written), labels of 1 to 63 bytes. */
static bool norm_domain(const char *s, size_t n, struct strbuf *out)
{
    if (n > 1 && s[n - 1] == '.')
        n--;
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                   c >= 0x80) {
            label++;
        } else if (c >= 'A' && c <= 'Z') {
            label++;
        } else {
            return false;
        }
        if (label > 63)
            return false;
    }
    if (label == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        strbuf_addc(out, s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i]);
    return true;
}

/* Hex digest of exactly digits digits (colons allowed between bytes, as
 * certificate fingerprints are often written), lower-cased into out. */
static bool norm_hex(const char *s, size_t n, size_t digits, struct strbuf *out)
{
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':' && i % 3 == 2 && i + 1 < n)
            continue;
        if (!is_hex(s + i, 1) || ++got > digits)
            return false;
        strbuf_addc(out, s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i]);
    }
    return got == digits;
}

static bool norm_email(const char *s, size_t n, struct strbuf *out)
{
    const char *at = memchr(s, '@', n);
    if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', n - (size_t)(at - s) - 1) ||
        memchr(s, ' ', n) || has_control(s, n))
        return false;
    strbuf_add(out, s, n);
    return true;
}

static void add_literal(struct strbuf *p, const char *s, size_t n)
{
    strbuf_addc(p, '\'');
    strbuf_add_pattern_literal(p, s, n);
    strbuf_addc(p, '\'');
}

/* "<path> = 'a'" or "<path> ISSUBSET 'a/n'". side: 0 any, 's' or 'd'. */
static void add_ip(struct strbuf *p, const struct ip *ip, char side)
{
    bool is_host = ip->prefix_len == (ip->family == 4 ? 32u : 128u);
    if (side)
        strbuf_addf(p, "network-traffic:%s_ref.value", side == 's' ? "src" : "dst");
    else
        strbuf_adds(p, ip->family == 4 ? "ipv4-addr:value" : "ipv6-addr:value");
    strbuf_adds(p, is_host ? " = " : " ISSUBSET ");
    add_literal(p, ip->text, strlen(ip->text));
}

static const char *hash_key(enum misp_kind k, size_t *digits)
{
    switch (k) {
    case MK_MD5:
    case MK_FILE_MD5:
    case MK_X509_MD5:
        *digits = 32;
        return "MD5";
    case MK_SHA1:
    case MK_FILE_SHA1:
    case MK_X509_SHA1:
        *digits = 40;
        return "'SHA-1'";
    default:
        *digits = 64;
        return "'SHA-256'";
    }
}

/* ip, ip|port: the address and, for |port, the port of the same side. */
static const char *pattern_ip(enum misp_kind k, const char *v, size_t n, struct strbuf *p,
                              struct strbuf *norm)
{
    bool has_port = k == MK_IP_SRC_PORT || k == MK_IP_DST_PORT;
    const char *bar = has_port ? memchr(v, '|', n) : NULL;
    size_t alen = bar ? (size_t)(bar - v) : n;
    struct ip ip;
    unsigned port = 0;
    if (has_port && (!bar || !parse_port(bar + 1, n - alen - 1, &port)))
        return "expected \"address|port\" with a port 0-65535";
    if (!parse_ip(v, alen, &ip))
        return "not an IPv4 or IPv6 address (optionally with /prefix)";
    char side = k == MK_IP_ANY ? 0 : (k == MK_IP_SRC || k == MK_IP_SRC_PORT) ? 's' : 'd';
    strbuf_addc(p, '[');
    add_ip(p, &ip, side);
    if (has_port)
        strbuf_addf(p, " AND network-traffic:%s_port = %u", side == 's' ? "src" : "dst", port);
    strbuf_addc(p, ']');
    strbuf_adds(norm, ip.text);
    if (has_port)
        strbuf_addf(norm, "|%u", port);
    return NULL;
}

/* domain, domain|port (cross-type AND, as misp-stix), domain|ip (OR: either
 * is a sighting, as MISP's own IDS export treats them). */
static const char *pattern_domain(enum misp_kind k, const char *v, size_t n, struct strbuf *p,
                                  struct strbuf *norm)
{
    const char *bar = k == MK_DOMAIN ? NULL : memchr(v, '|', n);
    size_t dlen = bar ? (size_t)(bar - v) : n;
    if (k != MK_DOMAIN && !bar)
        return k == MK_DOMAIN_IP ? "expected \"domain|address\"" : "expected \"host|port\"";
    if (!norm_domain(v, dlen, norm))
        return "not a domain name";
    size_t nlen = norm->len;
    strbuf_adds(p, "[domain-name:value = ");
    add_literal(p, norm->p, nlen);
    if (k == MK_DOMAIN_PORT) {
        unsigned port;
        if (!parse_port(bar + 1, n - dlen - 1, &port))
            return "expected \"host|port\" with a port 0-65535";
        strbuf_addf(p, " AND network-traffic:dst_port = %u", port);
        strbuf_addf(norm, "|%u", port);
    } else if (k == MK_DOMAIN_IP) {
        struct ip ip;
        if (!parse_ip(bar + 1, n - dlen - 1, &ip))
            return "expected \"domain|address\" with an IP address";
        strbuf_adds(p, " OR ");
        add_ip(p, &ip, 0);
        strbuf_addf(norm, "|%s", ip.text);
    }
    strbuf_addc(p, ']');
    return NULL;
}

static const char *pattern_hash(enum misp_kind k, const char *v, size_t n, struct strbuf *p,
                                struct strbuf *norm)
{
    bool has_name = k == MK_FILE_MD5 || k == MK_FILE_SHA1 || k == MK_FILE_SHA256;
    const char *hash = v;
    size_t hlen = n;
    if (has_name) {
        const char *bar = NULL;
        for (size_t i = 0; i < n; i++)
            bar = v[i] == '|' ? v + i : bar; /* the last '|': names may hold one */
        if (!bar)
            return "expected \"filename|hash\"";
        hash = bar + 1;
        hlen = n - (size_t)(hash - v);
        strbuf_add(norm, v, (size_t)(hash - v)); /* "name|" */
    }
    size_t digits;
    const char *key = hash_key(k, &digits);
    size_t at = norm->len;
    if (!norm_hex(hash, hlen, digits, norm))
        return digits == 32   ? "not an MD5 (32 hex digits)"
               : digits == 40 ? "not a SHA-1 (40 hex digits)"
                              : "not a SHA-256 (64 hex digits)";
    bool is_cert = k == MK_X509_MD5 || k == MK_X509_SHA1 || k == MK_X509_SHA256;
    strbuf_addf(p, "[%s:hashes.%s = ", is_cert ? "x509-certificate" : "file", key);
    add_literal(p, norm->p + at, norm->len - at);
    strbuf_addc(p, ']');
    return NULL;
}

/* JA3/JA3S (MD5 of the fingerprint string) and JA4 on the custom observable
 * x-tls-fingerprint (docs/intel.md, "JA3 and JA4"). */
static const char *pattern_tls(enum misp_kind k, const char *v, size_t n, struct strbuf *p,
                               struct strbuf *norm)
{
    if (k == MK_JA4) {
        if (n == 0 || n > 128)
            return "not a JA4 fingerprint";
        for (size_t i = 0; i < n; i++)
            if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
                  (v[i] >= '0' && v[i] <= '9') || v[i] == '_' || v[i] == '~'))
                return "not a JA4 fingerprint (letters, digits and '_')";
        strbuf_add(norm, v, n);
    } else if (!norm_hex(v, n, 32, norm)) {
        return "not a JA3/JA3S fingerprint (32 hex digits)";
    }
    strbuf_addf(p, "[x-tls-fingerprint:%s = ", k == MK_JA3 ? "ja3" : k == MK_JA3S ? "ja3s" : "ja4");
    add_literal(p, norm->p, norm->len);
    strbuf_addc(p, ']');
    return NULL;
}

/* url, email, user-agent, AS, stix2-pattern. */
static const char *pattern_text(enum misp_kind k, const char *v, size_t n, struct strbuf *p,
                                struct strbuf *norm)
{
    if (k == MK_AS) {
        size_t skip = n > 2 && (v[0] == 'A' || v[0] == 'a') && (v[1] == 'S' || v[1] == 's') ? 2 : 0;
        unsigned long long asn = 0;
        if (n == skip || n - skip > 10)
            return "not an AS number";
        for (size_t i = skip; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return "not an AS number";
            asn = asn * 10 + (unsigned)(v[i] - '0');
        }
        if (asn > UINT32_MAX)
            return "not an AS number";
        strbuf_addf(p, "[autonomous-system:number = %llu]", asn);
        strbuf_addf(norm, "%llu", asn);
        return NULL;
    }
    if (n == 0 || has_control(v, n))
        return "empty, or holds control characters";
    if (k == MK_EMAIL && !norm_email(v, n, norm))
        return "not an e-mail address";
    if (k != MK_EMAIL)
        strbuf_add(norm, v, n);
    if (k == MK_STIX_PATTERN) {
        strbuf_add(p, v, n);
        return NULL;
    }
    strbuf_adds(p, k == MK_URL     ? "[url:value = "
                   : k == MK_EMAIL ? "[email-addr:value = "
                                   : "[network-traffic:extensions.'http-request-ext'."
                                     "request_header.'User-Agent' = ");
    add_literal(p, v, n);
    strbuf_addc(p, ']');
    return NULL;
}

int misp_type_pattern(const struct misp_type *t, const char *value, struct strbuf *pattern,
                      struct strbuf *norm, const char **why)
{
    strbuf_reset(pattern);
    strbuf_reset(norm);
    *why = NULL;
    if (!t || t->cls != MISP_CLASS_IMPORTED || !value) {
        *why = "not an imported type";
        return -EINVAL;
    }
    const char *v = value;
    size_t n = strlen(v);
    while (n && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    switch (t->kind) {
    case MK_IP_ANY:
    case MK_IP_SRC:
    case MK_IP_DST:
    case MK_IP_SRC_PORT:
    case MK_IP_DST_PORT:
        *why = pattern_ip(t->kind, v, n, pattern, norm);
        break;
    case MK_DOMAIN:
    case MK_DOMAIN_PORT:
    case MK_DOMAIN_IP:
        *why = pattern_domain(t->kind, v, n, pattern, norm);
        break;
    case MK_MD5:
    case MK_SHA1:
    case MK_SHA256:
    case MK_FILE_MD5:
    case MK_FILE_SHA1:
    case MK_FILE_SHA256:
    case MK_X509_MD5:
    case MK_X509_SHA1:
    case MK_X509_SHA256:
        *why = pattern_hash(t->kind, v, n, pattern, norm);
        break;
    case MK_JA3:
    case MK_JA3S:
    case MK_JA4:
        *why = pattern_tls(t->kind, v, n, pattern, norm);
        break;
    default:
        *why = pattern_text(t->kind, v, n, pattern, norm);
        break;
    }
    if (!*why && (pattern->is_failed || norm->is_failed))
        *why = "out of memory";
    return *why ? -EINVAL : 0;
}

/* --- Guessing (CSV without a type) --------------------------------------- */

static bool looks_like_url(const char *v)
{
    size_t i = 0;
    if (!((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')))
        return false;
    while ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
           (v[i] >= '0' && v[i] <= '9') || v[i] == '+' || v[i] == '-' || v[i] == '.')
        i++;
    return strncmp(v + i, "://", 3) == 0 && v[i + 3] != '\0';
}

/* A domain with at least two labels and a top-level label that is not all
 * digits (so "1.2.3.999" is not one). */
static bool looks_like_domain(const char *v, size_t n)
{
    struct strbuf b;
    strbuf_init(&b);
    bool ok = norm_domain(v, n, &b);
    const char *dot = ok ? strrchr(b.p, '.') : NULL; /* "a." is one label */
    ok = dot && strspn(dot + 1, "0123456789") != strlen(dot + 1);
    strbuf_fini(&b);
    return ok;
}

const struct misp_type *misp_type_guess(const char *value)
{
    size_t n = value ? strlen(value) : 0;
    struct ip ip;
    if (n == 0)
        return NULL;
    if (parse_ip(value, n, &ip))
        return misp_type_find("ip");
    if ((n == 32 || n == 40 || n == 64) && is_hex(value, n))
        return misp_type_find(n == 32 ? "md5" : n == 40 ? "sha1" : "sha256");
    if (looks_like_url(value))
        return misp_type_find("url");
    struct strbuf b;
    strbuf_init(&b);
    bool is_email =
        norm_email(value, n, &b) &&
        looks_like_domain(strchr(value, '@') + 1, n - (size_t)(strchr(value, '@') - value) - 1);
    strbuf_fini(&b);
    if (is_email)
        return misp_type_find("email");
    if (looks_like_domain(value, n))
        return misp_type_find("domain");
    return NULL;
}
