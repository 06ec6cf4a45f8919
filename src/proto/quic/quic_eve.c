/* quic_eve.c — EVE "quic" objects in Suricata 7's layout.
 *
 * {"version","sni","ua","ja3":{"hash","string"},"ja3s":{...},"ja4",
 * "extensions":[{"name","type","values"}]}: what Suricata writes for a
 * client Initial, with the server's JA3S folded into the same object
 * because hradba writes one event per connection. Extension names follow
 * the IANA "TLS ExtensionType Values" registry ("alpn" for 16, as Suricata
 * abbreviates it); values are listed for server_name and alpn only.
 * hradba adds "retry" and "version_negotiation" when the server sent one.
 */
#include "proto/quic/quic_eve.h"

#include <stdio.h>

#include "core/cursor.h"
#include "proto/tls/tls_hello.h"

const char *quic_eve_version(uint32_t version, char buf[9])
{
    if ((version >> 24) == 'Q' && (version & 0x00ffffff) >= 0x303030 &&
        (version & 0x00ffffff) <= 0x393939) {
        snprintf(buf, 9, "Q%c%c%c", (char)(version >> 16), (char)(version >> 8), (char)version);
        return buf;
    }
    snprintf(buf, 9, "%x", (unsigned)version);
    return buf;
}

/* IANA "TLS ExtensionType Values" names, as Suricata spells them. */
static const struct {
    uint16_t type;
    const char *name;
} quic_eve_ext_names[] = {
    {0, "server_name"},
    {1, "max_fragment_length"},
    {2, "client_certificate_url"},
    {3, "trusted_ca_keys"},
    {4, "truncated_hmac"},
    {5, "status_request"},
    {6, "user_mapping"},
    {7, "client_authz"},
    {8, "server_authz"},
    {9, "cert_type"},
    {10, "supported_groups"},
    {11, "ec_point_formats"},
    {12, "srp"},
    {13, "signature_algorithms"},
    {14, "use_srtp"},
    {15, "heartbeat"},
    {16, "alpn"},
    {17, "status_request_v2"},
    {18, "signed_certificate_timestamp"},
    {19, "client_certificate_type"},
    {20, "server_certificate_type"},
    {21, "padding"},
    {22, "encrypt_then_mac"},
    {23, "extended_master_secret"},
    {24, "token_binding"},
    {25, "cached_info"},
    {26, "tls_lts"},
    {27, "compress_certificate"},
    {28, "record_size_limit"},
    {29, "pwd_protect"},
    {30, "pwd_clear"},
    {31, "password_salt"},
    {32, "ticket_pinning"},
    {33, "tls_cert_with_extern_psk"},
    {34, "delegated_credentials"},
    {35, "session_ticket"},
    {36, "tlmsp"},
    {37, "tlmsp_proxying"},
    {38, "tlmsp_delegate"},
    {39, "supported_ekt_ciphers"},
    {41, "pre_shared_key"},
    {42, "early_data"},
    {43, "supported_versions"},
    {44, "cookie"},
    {45, "psk_key_exchange_modes"},
    {47, "certificate_authorities"},
    {48, "oid_filters"},
    {49, "post_handshake_auth"},
    {50, "signature_algorithms_cert"},
    {51, "key_share"},
    {52, "transparency_info"},
    {53, "connection_id_deprecated"},
    {54, "connection_id"},
    {55, "external_id_hash"},
    {56, "external_session_id"},
    {57, "quic_transport_parameters"},
    {58, "ticket_request"},
    {59, "dnssec_chain"},
    {13172, "next_protocol_negotiation"},
    {65281, "renegotiation_info"},
};

static const char *quic_eve_extension_name(uint16_t type)
{
    for (size_t i = 0; i < sizeof(quic_eve_ext_names) / sizeof(quic_eve_ext_names[0]); i++)
        if (quic_eve_ext_names[i].type == type)
            return quic_eve_ext_names[i].name;
    return NULL;
}

static void quic_eve_alpn_value(void *ctx, const uint8_t *name, size_t len)
{
    json_buf_string_n(ctx, NULL, name, len);
}

static void quic_eve_extensions(struct json_buf *b, const struct tls_hello *h)
{
    struct cursor c = cursor_make(h->extensions.p, h->extensions.len);
    if (cursor_left(&c) < 4)
        return;
    json_buf_open_array(b, "extensions");
    for (size_t n = 0; n < QUIC_EVE_EXTENSIONS_MAX && cursor_left(&c) >= 4; n++) {
        uint16_t type = cursor_be16(&c);
        struct cursor ext = cursor_split(&c, cursor_be16(&c));
        if (!cursor_ok(&ext))
            break;
        json_buf_open_object(b, NULL);
        const char *name = quic_eve_extension_name(type);
        if (name)
            json_buf_string(b, "name", name);
        json_buf_u64(b, "type", type);
        if (type == TLS_EXT_SERVER_NAME && h->sni.p) {
            json_buf_open_array(b, "values");
            json_buf_string_n(b, NULL, h->sni.p, h->sni.len);
            json_buf_close_array(b);
        } else if (type == TLS_EXT_ALPN && h->alpn.p && h->alpn.len) {
            json_buf_open_array(b, "values");
            tls_hello_alpn_each(h, QUIC_EVE_EXTENSIONS_MAX, quic_eve_alpn_value, b);
            json_buf_close_array(b);
        }
        json_buf_close_object(b);
    }
    json_buf_close_array(b);
}

static void quic_eve_ja3(struct json_buf *b, const char *key, const char *hash, const char *str)
{
    json_buf_open_object(b, key);
    json_buf_string(b, "hash", hash);
    json_buf_string(b, "string", str);
    json_buf_close_object(b);
}

void quic_eve_format(struct json_buf *b, const struct quic_record *r)
{
    json_buf_open_object(b, "quic");
    if (r->has_version) {
        char vbuf[9];
        json_buf_string(b, "version", quic_eve_version(r->version, vbuf));
    }
    const struct tls_hello *ch = r->client_hello;
    if (ch && ch->sni.p)
        json_buf_string_n(b, "sni", ch->sni.p, ch->sni.len);
    if (r->ua_len)
        json_buf_string_n(b, "ua", r->ua, r->ua_len);
    if (r->has_ja3)
        quic_eve_ja3(b, "ja3", r->ja3_hash, r->ja3_string);
    if (r->has_ja3s)
        quic_eve_ja3(b, "ja3s", r->ja3s_hash, r->ja3s_string);
    if (r->has_ja4)
        json_buf_string(b, "ja4", r->ja4);
    if (ch)
        quic_eve_extensions(b, ch);
    if (r->has_retry)
        json_buf_bool(b, "retry", true);
    if (r->has_version_negotiation)
        json_buf_bool(b, "version_negotiation", true);
    json_buf_close_object(b);
}
