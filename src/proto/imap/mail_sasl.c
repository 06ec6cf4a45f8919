/* mail_sasl.c — base64 and the user name in SASL client messages (see
 * mail_sasl.h). Nothing here allocates; the only copy of decoded bytes past
 * the user name is a 3-byte group, wiped before returning.
 */
#include "proto/imap/mail_sasl.h"

#include <string.h>

#include "core/cursor.h"
#include "proto/imap/mail_line.h"

enum mail_sasl_mech mail_sasl_mech_from(const uint8_t *name, size_t n)
{
    static const struct {
        const char *name;
        enum mail_sasl_mech mech;
    } known[] = {
        {"PLAIN", MAIL_SASL_PLAIN},
        {"LOGIN", MAIL_SASL_LOGIN},
        {"CRAM-MD5", MAIL_SASL_CRAM_MD5},
        {"XOAUTH2", MAIL_SASL_XOAUTH2},
        {"OAUTHBEARER", MAIL_SASL_OAUTHBEARER},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (mail_line_eq_ci(name, n, known[i].name))
            return known[i].mech;
    return MAIL_SASL_OTHER;
}

/* The 6-bit value of a base64 character (RFC 4648 Table 1), or -1. */
static int mail_sasl_b64_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Wipes memory the compiler may not elide (a plain memset before the end of
 * a lifetime can be dropped as a dead store). */
static void mail_sasl_wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
}

/* Emits up to 3 decoded bytes of one group into dst; false when a stop
 * condition or the cap ends the output. */
static bool mail_sasl_put(const uint8_t *grp, size_t k, uint8_t *dst, size_t cap, int stop,
                          unsigned stop_count, unsigned *stops, size_t *len)
{
    for (size_t i = 0; i < k; i++) {
        if (stop >= 0 && grp[i] == (uint8_t)stop && ++*stops >= stop_count)
            return false;
        if (*len >= cap)
            return false;
        dst[(*len)++] = grp[i];
    }
    return true;
}

int mail_sasl_b64_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int stop,
                         unsigned stop_count, size_t *out_len)
{
    struct cursor c = cursor_make(src, n);
    uint32_t acc = 0;
    unsigned bits = 0, stops = 0, pad = 0;
    uint8_t grp[3];
    size_t k = 0;
    int rc = 0;
    *out_len = 0;
    while (cursor_left(&c) > 0) { /* one character a turn */
        uint8_t ch = cursor_u8(&c);
        if (ch == '=') {
            pad++;
            continue;
        }
        int v = mail_sasl_b64_value(ch);
        if (v < 0 || pad > 0) {
            rc = -1;
            goto done;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            grp[k++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
        if (k == 3) {
            bool more = mail_sasl_put(grp, k, dst, cap, stop, stop_count, &stops, out_len);
            k = 0;
            if (!more)
                goto done;
        }
    }
    if (pad > 2 || (pad > 0 && bits == 0 && k == 0)) {
        rc = -1;
        goto done;
    }
    mail_sasl_put(grp, k, dst, cap, stop, stop_count, &stops, out_len);
done:
    mail_sasl_wipe(grp, sizeof(grp));
    acc = 0;
    return rc;
}

/* Copies n bytes as the user name (cut at out_size - 1, and at a NUL). */
static enum mail_sasl_result mail_sasl_set(const uint8_t *p, size_t n, char *out, size_t out_size)
{
    const uint8_t *nul = memchr(p, 0, n);
    if (nul)
        n = (size_t)(nul - p);
    if (n > out_size - 1)
        n = out_size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return n > 0 ? MAIL_SASL_USER : MAIL_SASL_NO_USER;
}

/* Finds "key" in text up to a delimiter and copies what follows it. */
static enum mail_sasl_result mail_sasl_after(const uint8_t *p, size_t n, const char *key,
                                             uint8_t end, char *out, size_t out_size)
{
    size_t kl = strlen(key);
    for (size_t off = 0; off + kl <= n; off++) { /* bounded by n */
        if (memcmp(p + off, key, kl) != 0)
            continue;
        const uint8_t *v = p + off + kl;
        const uint8_t *e = memchr(v, end, n - off - kl);
        return mail_sasl_set(v, e ? (size_t)(e - v) : n - off - kl, out, out_size);
    }
    return MAIL_SASL_INVALID;
}

enum mail_sasl_result mail_sasl_user(enum mail_sasl_mech mech, unsigned step, const uint8_t *b64,
                                     size_t n, char *out, size_t out_size)
{
    /* authzid (255) + NUL + authcid (255): all a PLAIN user needs. */
    uint8_t dec[2 * MAIL_SASL_USER_MAX];
    size_t len = 0;
    enum mail_sasl_result res = MAIL_SASL_NO_USER;
    /* Only the first response names the user (LOGIN's second is the
     * password); "=" is an empty initial response. */
    if (out_size == 0 || step > 0 || mail_line_eq_ci(b64, n, "="))
        return MAIL_SASL_NO_USER;
    switch (mech) {
    case MAIL_SASL_PLAIN:
        if (mail_sasl_b64_decode(b64, n, dec, sizeof(dec), 0, 2, &len) != 0)
            goto invalid;
        {
            const uint8_t *nul = memchr(dec, 0, len);
            if (!nul)
                goto invalid;
            res = mail_sasl_set(nul + 1, len - (size_t)(nul + 1 - dec), out, out_size);
        }
        break;
    case MAIL_SASL_LOGIN:
        if (mail_sasl_b64_decode(b64, n, dec, sizeof(dec), -1, 0, &len) != 0)
            goto invalid;
        res = mail_sasl_set(dec, len, out, out_size);
        break;
    case MAIL_SASL_CRAM_MD5:
        if (mail_sasl_b64_decode(b64, n, dec, sizeof(dec), ' ', 1, &len) != 0)
            goto invalid;
        res = mail_sasl_set(dec, len, out, out_size);
        break;
    case MAIL_SASL_XOAUTH2:
        if (mail_sasl_b64_decode(b64, n, dec, sizeof(dec), 1, 1, &len) != 0)
            goto invalid;
        res = mail_sasl_after(dec, len, "user=", 1, out, out_size);
        break;
    case MAIL_SASL_OAUTHBEARER:
        if (mail_sasl_b64_decode(b64, n, dec, sizeof(dec), 1, 1, &len) != 0)
            goto invalid;
        res = mail_sasl_after(dec, len, "a=", ',', out, out_size);
        break;
    case MAIL_SASL_OTHER:
        break;
    }
    mail_sasl_wipe(dec, sizeof(dec));
    return res;
invalid:
    mail_sasl_wipe(dec, sizeof(dec));
    return MAIL_SASL_INVALID;
}
