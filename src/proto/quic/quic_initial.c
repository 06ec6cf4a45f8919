/* quic_initial.c — Initial keys, header protection and payload decryption
 * (RFC 9001 §5; RFC 9369 §3.3 for v2).
 *
 * HKDF is built from one-shot HMAC-SHA256: every output here is at most one
 * hash long, so HKDF-Expand is a single HMAC over (HkdfLabel || 0x01). The
 * AEAD and the header-protection mask use EVP contexts made per packet;
 * only Initial packets of a handshake's first flights get here.
 */
#include "proto/quic/quic_initial.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "core/cursor.h"

enum {
    QUIC_LABEL_MAX = 64,
    /* HkdfLabel: length u16, label<7..255> ("tls13 " + label), context<0..255> */
    QUIC_HKDF_INFO_MAX = 2 + 1 + 6 + QUIC_LABEL_MAX + 1 + 1,
};

int quic_initial_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                         uint8_t prk[QUIC_SECRET_LEN])
{
    unsigned int len = 0;
    /* HMAC wants a non-NULL key pointer even for an empty CID. */
    static const uint8_t empty[1];
    if (!HMAC(EVP_sha256(), salt, (int)salt_len, ikm_len ? ikm : empty, ikm_len, prk, &len) ||
        len != QUIC_SECRET_LEN)
        return -EIO;
    return 0;
}

int quic_initial_expand_label(const uint8_t secret[QUIC_SECRET_LEN], const char *label,
                              uint8_t *out, size_t out_len)
{
    static const char tls13[] = "tls13 ";
    size_t label_len = strlen(label);
    if (out_len == 0 || out_len > QUIC_SECRET_LEN || label_len > QUIC_LABEL_MAX)
        return -EINVAL;
    uint8_t info[QUIC_HKDF_INFO_MAX];
    size_t n = 0;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)(sizeof(tls13) - 1 + label_len);
    memcpy(info + n, tls13, sizeof(tls13) - 1);
    n += sizeof(tls13) - 1;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = 0; /* empty context */
    info[n++] = 1; /* HKDF-Expand's block counter T(1) */
    uint8_t block[QUIC_SECRET_LEN];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), secret, QUIC_SECRET_LEN, info, n, block, &len) ||
        len != QUIC_SECRET_LEN)
        return -EIO;
    memcpy(out, block, out_len);
    return 0;
}

/* "quic key" / "quicv2 key" and so on. */
static int quic_initial_expand_quic(const struct quic_version_info *v,
                                    const uint8_t secret[QUIC_SECRET_LEN], const char *what,
                                    uint8_t *out, size_t out_len)
{
    char label[QUIC_LABEL_MAX + 1];
    size_t plen = strlen(v->label_prefix), wlen = strlen(what);
    if (plen + wlen > QUIC_LABEL_MAX)
        return -EINVAL;
    memcpy(label, v->label_prefix, plen);
    memcpy(label + plen, what, wlen + 1);
    return quic_initial_expand_label(secret, label, out, out_len);
}

int quic_initial_keys(const struct quic_version_info *v, const uint8_t *dcid, size_t dcid_len,
                      bool is_server, struct quic_keys *out)
{
    if (dcid_len > QUIC_CID_MAX)
        return -EINVAL;
    uint8_t initial[QUIC_SECRET_LEN], secret[QUIC_SECRET_LEN];
    int rc = quic_initial_extract(v->salt, QUIC_SALT_LEN, dcid, dcid_len, initial);
    if (rc == 0)
        rc = quic_initial_expand_label(initial, is_server ? "server in" : "client in", secret,
                                       QUIC_SECRET_LEN);
    if (rc == 0)
        rc = quic_initial_expand_quic(v, secret, "key", out->key, QUIC_KEY_LEN);
    if (rc == 0)
        rc = quic_initial_expand_quic(v, secret, "iv", out->iv, QUIC_IV_LEN);
    if (rc == 0)
        rc = quic_initial_expand_quic(v, secret, "hp", out->hp, QUIC_HP_LEN);
    memset(initial, 0, sizeof(initial));
    memset(secret, 0, sizeof(secret));
    return rc;
}

/* mask = AES-128-ECB(hp, sample) (RFC 9001 §5.4.3); the first 5 bytes are used. */
static int quic_initial_mask(EVP_CIPHER_CTX *ctx, const uint8_t hp[QUIC_HP_LEN],
                             const uint8_t *sample, uint8_t mask[QUIC_SAMPLE_LEN])
{
    int outl = 0;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, hp, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
        EVP_EncryptUpdate(ctx, mask, &outl, sample, QUIC_SAMPLE_LEN) != 1 ||
        outl != QUIC_SAMPLE_LEN)
        return -EIO;
    return 0;
}

struct quic_aead_in {
    uint8_t first;       /* unprotected first byte */
    const uint8_t *head; /* the header from its second byte up to the packet number */
    size_t head_len;
    const uint8_t *pn; /* unprotected packet number bytes */
    size_t pn_len;
    const uint8_t *ct;
    size_t ct_len;
    uint8_t tag[QUIC_TAG_LEN];
    uint8_t nonce[QUIC_IV_LEN];
};

/* AEAD_AES_128_GCM open (RFC 9001 §5.3): the AAD is the unprotected header,
 * fed in three pieces so the packet itself is never written. Returns 0,
 * 1 when the tag does not verify, -EIO. */
static int quic_initial_aead(EVP_CIPHER_CTX *ctx, const uint8_t key[QUIC_KEY_LEN],
                             struct quic_aead_in *in, uint8_t *out)
{
    int outl = 0;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, QUIC_IV_LEN, NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, key, in->nonce) != 1)
        return -EIO;
    if (EVP_DecryptUpdate(ctx, NULL, &outl, &in->first, 1) != 1 ||
        (in->head_len && EVP_DecryptUpdate(ctx, NULL, &outl, in->head, (int)in->head_len) != 1) ||
        EVP_DecryptUpdate(ctx, NULL, &outl, in->pn, (int)in->pn_len) != 1)
        return -EIO;
    if (in->ct_len && EVP_DecryptUpdate(ctx, out, &outl, in->ct, (int)in->ct_len) != 1)
        return -EIO;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, QUIC_TAG_LEN, in->tag) != 1)
        return -EIO;
    int fin = 0;
    return EVP_DecryptFinal_ex(ctx, out + in->ct_len, &fin) > 0 ? 0 : 1;
}

int quic_initial_open(const struct quic_keys *k, const uint8_t *pkt, const struct quic_header *h,
                      uint8_t *out, size_t out_cap, size_t *out_len, uint64_t *pn,
                      const char **anomaly)
{
    *anomaly = NULL;
    *out_len = 0;
    *pn = 0;
    /* RFC 9001 §5.4.2: the sample starts 4 bytes past the packet number's
     * start, whatever its real length. */
    if (h->packet_len < h->pn_offset + QUIC_PN_MAX_LEN + QUIC_SAMPLE_LEN || h->pn_offset < 1) {
        *anomaly = "packet_too_short";
        return -EINVAL;
    }
    struct cursor c = cursor_make(pkt, h->packet_len);
    struct cursor head = cursor_split(&c, h->pn_offset);
    struct cursor sc = c;
    cursor_skip(&sc, QUIC_PN_MAX_LEN);
    const uint8_t *sample = cursor_bytes(&sc, QUIC_SAMPLE_LEN);
    if (!sample || !cursor_ok(&head))
        return -EINVAL; /* excluded by the length check above */

    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return -EIO;
    int rc;
    uint8_t mask[QUIC_SAMPLE_LEN];
    if ((rc = quic_initial_mask(ctx, k->hp, sample, mask)) != 0)
        goto done;

    struct quic_aead_in in;
    in.first = (uint8_t)(cursor_u8(&head) ^ (mask[0] & 0x0f)); /* long header: 4 bits */
    in.head = cursor_ptr(&head);
    in.head_len = cursor_left(&head);
    in.pn_len = (size_t)(in.first & 0x03) + 1;
    uint8_t pn_plain[QUIC_PN_MAX_LEN];
    uint64_t number = 0;
    for (size_t i = 0; i < in.pn_len; i++) {
        pn_plain[i] = (uint8_t)(cursor_u8(&c) ^ mask[1 + i]);
        number = number << 8 | pn_plain[i];
    }
    in.pn = pn_plain;
    /* At least 20 - 4 = 16 bytes remain: the tag fits. */
    in.ct_len = cursor_left(&c) - QUIC_TAG_LEN;
    in.ct = cursor_bytes(&c, in.ct_len);
    cursor_copy(&c, in.tag, QUIC_TAG_LEN);
    if (!cursor_ok(&c)) {
        rc = -EINVAL;
        goto done;
    }
    if (in.ct_len > out_cap) {
        rc = -ENOSPC;
        goto done;
    }
    memcpy(in.nonce, k->iv, QUIC_IV_LEN);
    for (size_t i = 0; i < 8; i++)
        in.nonce[QUIC_IV_LEN - 1 - i] ^= (uint8_t)(number >> (8 * i));

    rc = quic_initial_aead(ctx, k->key, &in, out);
    if (rc == 1) {
        *anomaly = "decryption_failed";
        rc = -EINVAL;
    } else if (rc == 0) {
        *out_len = in.ct_len;
        *pn = number;
    }
done:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}
