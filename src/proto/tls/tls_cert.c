/* tls_cert.c — Certificate message framing and leaf decoding (tls_cert.h).
 *
 * RFC 5246 §7.4.2 for the framing, read through a cursor. The leaf's DER
 * (RFC 5280 §4.1, X.690) is split into its TBSCertificate fields here, and
 * only the fields shown are decoded by libcrypto (names, times, the
 * subjectAltName extension): d2i_X509 would also decode the public key,
 * which in OpenSSL 3 builds a decoder context per certificate and cost a
 * fifth of a whole run on TLS-heavy traffic. Output
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

/* One DER element (X.690 §8.1): a one-octet tag (the only form RFC 5280
 * structures use), its content, and the whole TLV for libcrypto's d2i. */
struct der_elem {
    uint8_t tag;
    struct cursor content;
    const uint8_t *tlv;
    size_t tlv_len;
};

enum {
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_OID = 0x06,
    DER_BOOLEAN = 0x01,
    DER_SEQUENCE = 0x30,
    DER_CTX0 = 0xa0, /* [0] EXPLICIT, constructed: the version */
    DER_CTX3 = 0xa3, /* [3] EXPLICIT: the extensions */
};

/* Reads the next element of c; false (c failed) when it does not fit. */
static bool der_next(struct cursor *c, struct der_elem *e)
{
    e->tlv = cursor_ptr(c);
    size_t before = cursor_left(c);
    e->tag = cursor_u8(c);
    uint8_t l = cursor_u8(c);
    size_t len = l;
    if (l & 0x80) {
        unsigned n = l & 0x7fu;
        if (n == 0 || n > 4) { /* indefinite (BER only) or over 4 GiB */
            cursor_fail(c);
            return false;
        }
        len = 0;
        for (unsigned i = 0; i < n; i++)
            len = len << 8 | cursor_u8(c);
    }
    if ((e->tag & 0x1f) == 0x1f) { /* high tag numbers: not in a certificate */
        cursor_fail(c);
        return false;
    }
    e->content = cursor_split(c, len);
    if (!cursor_ok(c) || !cursor_ok(&e->content))
        return false;
    e->tlv_len = before - cursor_left(c);
    return true;
}

static bool der_expect(struct cursor *c, uint8_t tag, struct der_elem *e)
{
    return der_next(c, e) && e->tag == tag;
}

/* The fields of a TBSCertificate this module shows. */
struct tbs_fields {
    struct der_elem serial, issuer, not_before, not_after, subject;
    struct der_elem san; /* subjectAltName's extnValue; tlv NULL when absent */
};

/* subjectAltName's OID, 2.5.29.17, as content octets. */
static const uint8_t oid_san[] = {0x55, 0x1d, 0x11};

static void tbs_extensions(struct cursor *exts, struct tbs_fields *t)
{
    struct der_elem seq, ext, oid, value;
    if (!der_expect(exts, DER_SEQUENCE, &seq))
        return;
    while (cursor_left(&seq.content) > 0 && der_expect(&seq.content, DER_SEQUENCE, &ext)) {
        if (!der_expect(&ext.content, DER_OID, &oid))
            return;
        if (!der_next(&ext.content, &value))
            return;
        if (value.tag == DER_BOOLEAN && !der_next(&ext.content, &value)) /* critical */
            return;
        if (value.tag != DER_OCTET_STRING)
            return;
        if (cursor_left(&oid.content) == sizeof(oid_san) &&
            memcmp(cursor_ptr(&oid.content), oid_san, sizeof(oid_san)) == 0)
            t->san = value;
    }
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 * signatureValue } (RFC 5280 §4.1); the outer structure is checked as
 * d2i_X509 would, the key and signature are only stepped over. */
static bool tbs_split(const uint8_t *der, size_t len, struct tbs_fields *t)
{
    memset(t, 0, sizeof(*t));
    struct cursor c = cursor_make(der, len);
    struct der_elem cert, tbs, alg, sig, e, validity;
    if (!der_expect(&c, DER_SEQUENCE, &cert) || !der_expect(&cert.content, DER_SEQUENCE, &tbs) ||
        !der_expect(&cert.content, DER_SEQUENCE, &alg) ||
        !der_expect(&cert.content, DER_BIT_STRING, &sig))
        return false;
    struct cursor *f = &tbs.content;
    if (!der_next(f, &e))
        return false;
    if (e.tag == DER_CTX0 && !der_next(f, &e)) /* version */
        return false;
    if (e.tag != DER_INTEGER)
        return false;
    t->serial = e;
    if (!der_expect(f, DER_SEQUENCE, &e) || !der_expect(f, DER_SEQUENCE, &t->issuer) ||
        !der_expect(f, DER_SEQUENCE, &validity) || !der_next(&validity.content, &t->not_before) ||
        !der_next(&validity.content, &t->not_after) || !der_expect(f, DER_SEQUENCE, &t->subject) ||
        !der_expect(f, DER_SEQUENCE, &e)) /* subjectPublicKeyInfo */
        return false;
    while (cursor_left(f) > 0 && der_next(f, &e)) /* unique ids, then extensions */
        if (e.tag == DER_CTX3)
            tbs_extensions(&e.content, t);
    return true;
}

/* The DER INTEGER's content octets (leading 00 of a positive serial with
 * its high bit set included, as Suricata prints them). */
static void tls_cert_serial(const struct der_elem *serial, char *out, size_t size)
{
    out[0] = '\0';
    struct cursor c = serial->content;
    size_t n = cursor_left(&c);
    const uint8_t *content = cursor_bytes(&c, n);
    if (content && n > 0)
        tls_cert_hex_colon(content, n, true, out, size);
}

/* False when the Name does not decode (d2i_X509 would refuse the whole
 * certificate). */
static bool tls_cert_name_der(const struct der_elem *e, char *out, size_t size)
{
    const unsigned char *p = e->tlv;
    X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)e->tlv_len);
    tls_cert_name(name, out, size);
    X509_NAME_free(name);
    return name != NULL;
}

static bool tls_cert_time(const struct der_elem *e, char out[TLS_TIME_LEN + 1])
{
    const unsigned char *p = e->tlv;
    ASN1_TIME *t = d2i_ASN1_TIME(NULL, &p, (long)e->tlv_len);
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    bool ok = t && ASN1_TIME_to_tm(t, &tm) == 1 &&
              strftime(out, TLS_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%S", &tm) == TLS_TIME_LEN;
    ASN1_TIME_free(t);
    return ok;
}

/* dNSName entries of subjectAltName (RFC 5280 §4.2.1.6), in order, up to
 * the caps; longer lists are cut silently. */
static void tls_cert_sans(const struct der_elem *san, struct tls_cert_info *info)
{
    if (!san->tlv)
        return;
    struct cursor v = san->content;
    const unsigned char *p = cursor_ptr(&v);
    GENERAL_NAMES *names = d2i_GENERAL_NAMES(NULL, &p, (long)cursor_left(&v));
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
    struct tbs_fields t;
    if (len > (size_t)INT32_MAX || !tbs_split(der, len, &t))
        return -EINVAL;
    if (!tls_cert_name_der(&t.subject, info->subject, sizeof(info->subject)) ||
        !tls_cert_name_der(&t.issuer, info->issuerdn, sizeof(info->issuerdn))) {
        info->subject[0] = info->issuerdn[0] = '\0';
        return -EINVAL;
    }
    tls_cert_serial(&t.serial, info->serial, sizeof(info->serial));
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
    info->has_times = tls_cert_time(&t.not_before, info->notbefore) &&
                      tls_cert_time(&t.not_after, info->notafter);
    if (!info->has_times)
        info->notbefore[0] = info->notafter[0] = '\0';
    tls_cert_sans(&t.san, info);
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
