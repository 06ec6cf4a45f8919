/* quic_test_util.c — see quic_test_util.h. */
#include "quic_test_util.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/quic/quic_eve.h"

static void qcap_emit(void *ctx, enum app_record type, const void *record)
{
    struct quic_capture *c = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (c->anomaly_count < QCAP_MAX) {
            c->anomalies[c->anomaly_count] = a->event;
            c->anomaly_dir[c->anomaly_count] = a->dir;
        }
        c->anomaly_count++;
        return;
    }
    if (type != APP_RECORD_QUIC)
        abort();
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    quic_eve_format(&b, record);
    json_buf_close_object(&b);
    if (!json_buf_ok(&b))
        abort();
    json_error_t err;
    json_t *j = json_loads(b.data, 0, &err);
    if (!j)
        abort();
    json_buf_fini(&b);
    if (c->record_count < QCAP_MAX)
        c->records[c->record_count] = j;
    else
        json_decref(j);
    c->record_count++;
}

void qcap_init(struct quic_capture *c)
{
    memset(c, 0, sizeof(*c));
    c->out.emit = qcap_emit;
    c->out.ctx = c;
    c->out.ts_us = 1;
    c->out.dir = FLOW_TOSERVER;
}

void qcap_fini(struct quic_capture *c)
{
    for (size_t i = 0; i < c->record_count && i < QCAP_MAX; i++)
        json_decref(c->records[i]);
}

size_t qcap_count(const struct quic_capture *c, const char *event)
{
    size_t n = 0;
    for (size_t i = 0; i < c->anomaly_count && i < QCAP_MAX; i++)
        n += strcmp(c->anomalies[i], event) == 0;
    return n;
}

const char *qcap_str(const struct quic_capture *c, size_t i, const char *key)
{
    if (i >= c->record_count || i >= QCAP_MAX)
        return NULL;
    json_t *q = json_object_get(c->records[i], "quic");
    return json_string_value(json_object_get(q, key));
}

enum app_result qfeed(void *st, enum flow_dir dir, const void *data, size_t len,
                      struct quic_capture *c)
{
    extern const struct app_parser quic_parser;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, data, len);
    c->out.dir = dir;
    enum app_result r = quic_parser.parse(st, dir, copy, len, &c->out);
    free(copy);
    return r;
}

size_t qhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        if (isspace((unsigned char)*p))
            continue;
        int v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        if (hi < 0) {
            hi = v;
        } else if (n < cap) {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

size_t qseal(const struct quic_version_info *v, const struct quic_keys *k, const uint8_t *dcid,
             size_t dcid_len, const uint8_t *scid, size_t scid_len, uint32_t pn,
             const uint8_t *payload, size_t payload_len, size_t min_payload, uint8_t *out,
             size_t cap)
{
    enum { PN_LEN = 2 };
    size_t body = payload_len < min_payload ? min_payload : payload_len;
    if (body < 4)
        body = 4; /* the sample needs 4 - PN_LEN bytes of payload at least */
    size_t hdr = 1 + 4 + 1 + dcid_len + 1 + scid_len + 1 + 2 + PN_LEN;
    size_t total = hdr + body + QUIC_TAG_LEN;
    if (total > cap || PN_LEN + body + QUIC_TAG_LEN > 0x3fff)
        return 0;
    size_t n = 0;
    unsigned type_bits = v->is_v2_types ? 1 : 0; /* Initial */
    out[n++] = (uint8_t)(0xc0 | type_bits << 4 | (PN_LEN - 1));
    out[n++] = (uint8_t)(v->version >> 24);
    out[n++] = (uint8_t)(v->version >> 16);
    out[n++] = (uint8_t)(v->version >> 8);
    out[n++] = (uint8_t)v->version;
    out[n++] = (uint8_t)dcid_len;
    if (dcid_len)
        memcpy(out + n, dcid, dcid_len);
    n += dcid_len;
    out[n++] = (uint8_t)scid_len;
    if (scid_len)
        memcpy(out + n, scid, scid_len);
    n += scid_len;
    out[n++] = 0; /* token length */
    size_t length = PN_LEN + body + QUIC_TAG_LEN;
    out[n++] = (uint8_t)(0x40 | length >> 8);
    out[n++] = (uint8_t)length;
    size_t pn_off = n;
    out[n++] = (uint8_t)(pn >> 8);
    out[n++] = (uint8_t)pn;
    uint8_t *plain = calloc(1, body);
    if (payload_len)
        memcpy(plain, payload, payload_len);
    uint8_t nonce[QUIC_IV_LEN];
    memcpy(nonce, k->iv, QUIC_IV_LEN);
    nonce[QUIC_IV_LEN - 1] ^= (uint8_t)pn;
    nonce[QUIC_IV_LEN - 2] ^= (uint8_t)(pn >> 8);
    nonce[QUIC_IV_LEN - 3] ^= (uint8_t)(pn >> 16);
    nonce[QUIC_IV_LEN - 4] ^= (uint8_t)(pn >> 24);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0;
    EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce);
    EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n);
    EVP_EncryptUpdate(ctx, out + n, &outl, plain, (int)body);
    EVP_EncryptFinal_ex(ctx, out + n + body, &outl);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, QUIC_TAG_LEN, out + n + body);
    free(plain);
    uint8_t mask[16];
    EVP_CIPHER_CTX_reset(ctx);
    EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k->hp, NULL);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_EncryptUpdate(ctx, mask, &outl, out + pn_off + 4, 16);
    EVP_CIPHER_CTX_free(ctx);
    out[0] ^= mask[0] & 0x0f;
    out[pn_off] ^= mask[1];
    out[pn_off + 1] ^= mask[2];
    return total;
}
