/* tls_cert.c — Certificate message framing and leaf decoding (tls_cert.h).
 *
 * RFC 5246 §7.4.2 for the framing, read through a cursor; RFC 5280 fields
 * via libcrypto (d2i_X509 reads at most the bytes it is given). Output
 * matches Suricata's EVE text: names as "C=US, O=..., CN=..." in DER order,
 * serial as the DER INTEGER's content octets "00:A1:..", fingerprint as
 * SHA-1 "ab:cd:..", times as "YYYY-MM-DDTHH:MM:SS" UTC.
 */
#include "proto/tls/tls_cert.h"

#include <errno.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/cursor.h"
#include "core/digest.h"

/* One line, ", " between RDNs and " + " inside one, short names, values
 * as UTF-8 with control characters escaped. */
static void tls_cert_name(const X509_NAME *name, char *out, size_t size)
{
    out[0] = '\0';
    if (!name)
        return;
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return;
    unsigned long flags =
        XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_ESC_CTRL;
    if (X509_NAME_print_ex(bio, name, 0, flags) >= 0) {
        int n = BIO_read(bio, out, (int)size - 1);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(bio);
}

static void tls_cert_hex_colon(const uint8_t *b, size_t n, bool is_upper, char *out, size_t size)
{
    const char *digits = is_upper ? "0123456789ABCDEF" : "0123456789abcdef";
    struct cursor c = cursor_make(b, n);
    size_t o = 0;
    out[0] = '\0';
    while (cursor_left(&c) > 0 && o + 3 <= size) {
        uint8_t v = cursor_u8(&c);
        if (o > 0)
            out[o - 1] = ':';
        out[o++] = digits[v >> 4];
        out[o++] = digits[v & 0xf];
        out[o++] = '\0';
    }
}

/* The DER INTEGER's content octets (leading 00 of a positive serial with
 * its high bit set included, as Suricata prints them). */
static void tls_cert_serial(const X509 *x, char *out, size_t size)
{
    out[0] = '\0';
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
    unsigned char *der = NULL;
    int n = serial ? i2d_ASN1_INTEGER(serial, &der) : -1;
    if (n <= 0)
        return;
    struct cursor c = cursor_make(der, (size_t)n);
    (void)cursor_u8(&c); /* tag */
    uint8_t l = cursor_u8(&c);
    size_t content_len = l;
    if (l & 0x80) {
        content_len = 0;
        for (unsigned i = 0; i < (l & 0x7fu) && i < sizeof(size_t); i++)
            content_len = content_len << 8 | cursor_u8(&c);
    }
    const uint8_t *content = cursor_bytes(&c, content_len);
    if (content)
        tls_cert_hex_colon(content, content_len, true, out, size);
    OPENSSL_free(der);
}

static bool tls_cert_time(const ASN1_TIME *t, char out[TLS_TIME_LEN + 1])
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    return strftime(out, TLS_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%S", &tm) == TLS_TIME_LEN;
}

/* dNSName entries of subjectAltName (RFC 5280 §4.2.1.6), in order, up to
 * the caps; longer lists are cut silently. */
static void tls_cert_sans(X509 *x, struct tls_cert_info *info)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (!names)
        return;
    size_t used = 0;
    int count = sk_GENERAL_NAME_num(names);
    for (int i = 0; i < count && info->san_count < TLS_SAN_COUNT_MAX; i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        if (!gn || gn->type != GEN_DNS)
            continue;
        const unsigned char *s = ASN1_STRING_get0_data(gn->d.dNSName);
        int n = ASN1_STRING_length(gn->d.dNSName);
        if (!s || n <= 0 || used + (size_t)n + 1 > sizeof(info->san_text))
            continue;
        char *dst = info->san_text + used;
        memcpy(dst, s, (size_t)n);
        dst[n] = '\0';
        info->san[info->san_count] = dst;
        info->san_len[info->san_count] = (uint16_t)n;
        info->san_count++;
        used += (size_t)n + 1;
    }
    GENERAL_NAMES_free(names);
}

int tls_cert_decode(const uint8_t *der, size_t len, struct tls_cert_info *info)
{
    if (len > (size_t)INT32_MAX)
        return -EINVAL;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x)
        return -EINVAL;
    tls_cert_name(X509_get_subject_name(x), info->subject, sizeof(info->subject));
    tls_cert_name(X509_get_issuer_name(x), info->issuerdn, sizeof(info->issuerdn));
    tls_cert_serial(x, info->serial, sizeof(info->serial));
    char hex[DIGEST_HEX_MAX];
    if (digest_oneshot_hex(DIGEST_SHA1, der, len, hex) == 0) {
        /* our own hex text, not wire bytes: pairs joined by ':' */
        size_t o = 0;
        for (size_t i = 0; i < DIGEST_SHA1_LEN * 2; i += 2) {
            if (o > 0)
                info->fingerprint[o++] = ':';
            info->fingerprint[o++] = hex[i];
            info->fingerprint[o++] = hex[i + 1];
        }
        info->fingerprint[o] = '\0';
    }
    info->has_times = tls_cert_time(X509_get0_notBefore(x), info->notbefore) &&
                      tls_cert_time(X509_get0_notAfter(x), info->notafter);
    if (!info->has_times)
        info->notbefore[0] = info->notafter[0] = '\0';
    tls_cert_sans(x, info);
    X509_free(x);
    return 0;
}

int tls_cert_parse(const uint8_t *msg, size_t len, struct tls_cert_info *info, const char **anomaly)
{
    memset(info, 0, sizeof(*info));
    *anomaly = NULL;
    struct cursor c = cursor_make(msg, len);
    struct cursor list = cursor_split(&c, cursor_be24(&c));
    if (!cursor_ok(&list)) {
        *anomaly = "certificate_list_overflow";
        return -EINVAL;
    }
    if (cursor_left(&c) != 0)
        *anomaly = "certificate_trailing_bytes";
    struct cursor leaf = cursor_make(NULL, 0);
    while (cursor_left(&list) > 0) {
        struct cursor one = cursor_split(&list, cursor_be24(&list));
        if (!cursor_ok(&one)) {
            *anomaly = "certificate_length_overflow";
            break;
        }
        if (info->chain_count++ == 0)
            leaf = one;
    }
    if (info->chain_count == 0)
        return *anomaly ? -EINVAL : 1;
    if (tls_cert_decode(cursor_ptr(&leaf), cursor_left(&leaf), info) != 0) {
        if (!*anomaly)
            *anomaly = "certificate_invalid";
        return -EINVAL;
    }
    return 0;
}
