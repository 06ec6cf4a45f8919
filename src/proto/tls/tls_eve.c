/* tls_eve.c — EVE "tls" objects as Suricata 7 writes them.
 *
 * {"subject","issuerdn","serial","fingerprint","sni","version","notbefore",
 * "notafter","ja3":{"hash","string"},"ja3s":{...},"ja4","client_alpns",
 * "server_alpns","session_resumed"}: absent fields are left out, and
 * session_resumed only when true, as Suricata does. hradba adds
 * "subjectaltname" (the leaf's DNS names) and "chain_count" — documented
 * in docs/protocols/tls.md.
 */
#include "proto/tls/tls_eve.h"

#include <stdio.h>

const char *tls_eve_version_name(uint16_t version, char buf[24])
{
    switch (version) {
    case 0x0002:
        return "SSLv2";
    case 0x0300:
        return "SSLv3";
    case 0x0301:
        return "TLSv1";
    case 0x0302:
        return "TLS 1.1";
    case 0x0303:
        return "TLS 1.2";
    case 0x0304:
        return "TLS 1.3";
    case 0xfb17:
        return "TLS 1.3 draft-fb23";
    case 0xfb1a:
        return "TLS 1.3 draft-fb26";
    default:
        break;
    }
    if ((version >> 8) == 0x7f) {
        snprintf(buf, 24, "TLS 1.3 draft-%u", version & 0xffu);
        return buf;
    }
    return "UNDETERMINED";
}

static void tls_eve_ja(struct json_buf *b, const char *key, const char *hash, const char *str)
{
    json_buf_open_object(b, key);
    json_buf_string(b, "hash", hash);
    json_buf_string(b, "string", str);
    json_buf_close_object(b);
}

static void tls_eve_alpns(struct json_buf *b, const char *key,
                          const char (*names)[TLS_ALPN_NAME_MAX], const uint8_t *lens, size_t count)
{
    if (count == 0)
        return;
    json_buf_open_array(b, key);
    for (size_t i = 0; i < count; i++)
        json_buf_string_n(b, NULL, names[i], lens[i]);
    json_buf_close_array(b);
}

void tls_eve_format(struct json_buf *b, const struct tls_record *r)
{
    const struct tls_cert_info *c = &r->cert;
    json_buf_open_object(b, "tls");
    if (r->has_cert) {
        json_buf_string(b, "subject", c->subject);
        json_buf_string(b, "issuerdn", c->issuerdn);
        json_buf_string(b, "serial", c->serial);
        json_buf_string(b, "fingerprint", c->fingerprint);
    }
    if (r->is_session_resumed)
        json_buf_bool(b, "session_resumed", true);
    if (r->sni_len > 0)
        json_buf_string_n(b, "sni", r->sni, r->sni_len);
    char buf[24];
    json_buf_string(b, "version", tls_eve_version_name(r->version, buf));
    if (r->has_cert && c->has_times) {
        json_buf_string(b, "notbefore", c->notbefore);
        json_buf_string(b, "notafter", c->notafter);
    }
    if (r->has_ja3)
        tls_eve_ja(b, "ja3", r->ja3_hash, r->ja3_string);
    if (r->has_ja3s)
        tls_eve_ja(b, "ja3s", r->ja3s_hash, r->ja3s_string);
    if (r->has_ja4)
        json_buf_string(b, "ja4", r->ja4);
    tls_eve_alpns(b, "client_alpns", r->client_alpns, r->client_alpn_len, r->client_alpn_count);
    tls_eve_alpns(b, "server_alpns", r->server_alpns, r->server_alpn_len, r->server_alpn_count);
    if (r->has_cert) {
        if (c->san_count > 0) {
            json_buf_open_array(b, "subjectaltname");
            for (size_t i = 0; i < c->san_count; i++)
                json_buf_string_n(b, NULL, c->san[i], c->san_len[i]);
            json_buf_close_array(b);
        }
        json_buf_u64(b, "chain_count", c->chain_count);
    }
    json_buf_close_object(b);
}
