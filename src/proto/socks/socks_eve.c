/* socks_eve.c — formats struct socks_record as EVE's "socks" object.
 *
 * Suricata has no SOCKS logger (its EVE has no "socks" event type), so the
 * names here are hradba's own, in the style of its other objects. Method
 * names follow the IANA "SOCKS Methods" registry; SOCKS 4 reply 90 is
 * written "succeeded" like SOCKS 5's, so one query serves both versions.
 */
#include "proto/socks/socks_eve.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

const char *socks_eve_method_name(uint8_t method)
{
    static const char *const names[] = {
        "none",
        "gssapi",
        "username",
        "chap",
        NULL,
        "challenge_response",
        "ssl",
        "nds",
        "multi_authentication_framework",
        "json_parameter_block",
    };
    if (method < sizeof(names) / sizeof(names[0]))
        return names[method];
    if (method == SOCKS_METHOD_NO_ACCEPTABLE)
        return "no_acceptable";
    if (method >= 0x80)
        return "private";
    return NULL;
}

const char *socks_eve_command_name(enum socks_command cmd)
{
    switch (cmd) {
    case SOCKS_CMD_CONNECT:
        return "connect";
    case SOCKS_CMD_BIND:
        return "bind";
    case SOCKS_CMD_UDP_ASSOCIATE:
        return "udp_associate";
    case SOCKS_CMD_NONE:
        break;
    }
    return NULL;
}

const char *socks_eve_reply_name(uint8_t version, uint8_t code)
{
    static const char *const v5[] = {
        "succeeded",           "general_failure",       "not_allowed",
        "network_unreachable", "host_unreachable",      "connection_refused",
        "ttl_expired",         "command_not_supported", "address_type_not_supported",
    };
    static const char *const v4[] = {"succeeded", "rejected", "identd_unreachable",
                                     "identd_mismatch"};
    if (version == 5)
        return code < sizeof(v5) / sizeof(v5[0]) ? v5[code] : NULL;
    if (code >= SOCKS4_REPLY_GRANTED && code <= SOCKS4_REPLY_IDENTD_MISMATCH)
        return v4[code - SOCKS4_REPLY_GRANTED];
    return NULL;
}

static void socks_eve_ip(struct json_buf *b, const struct socks_record *r)
{
    char text[INET6_ADDRSTRLEN];
    int af = r->dest_ip_family == 6 ? AF_INET6 : AF_INET;
    if (inet_ntop(af, r->dest_ip, text, sizeof(text)))
        json_buf_string(b, "dest_ip", text);
}

void socks_eve_format(struct json_buf *b, const struct socks_record *r)
{
    json_buf_open_object(b, "socks");
    json_buf_u64(b, "version", r->version);
    if (r->is_4a)
        json_buf_bool(b, "socks4a", true);
    const char *cmd = socks_eve_command_name(r->command);
    if (cmd)
        json_buf_string(b, "command", cmd);
    if (r->has_auth_method) {
        const char *m = socks_eve_method_name(r->auth_method);
        if (m)
            json_buf_string(b, "auth_method", m);
        else
            json_buf_u64(b, "auth_method_code", r->auth_method);
    }
    if (r->user)
        json_buf_string_n(b, "user", r->user, r->user_len);
    if (r->has_auth_result)
        json_buf_bool(b, "auth_success", r->is_auth_success);
    if (r->dest_host)
        json_buf_string_n(b, "dest_host", r->dest_host, r->dest_host_len);
    if (r->dest_ip_family == 4 || r->dest_ip_family == 6)
        socks_eve_ip(b, r);
    if (r->command != SOCKS_CMD_NONE)
        json_buf_u64(b, "dest_port", r->dest_port);
    if (r->has_reply) {
        const char *name = socks_eve_reply_name(r->version, r->reply_code);
        json_buf_string(b, "reply", name ? name : "unknown");
        if (!name)
            json_buf_u64(b, "reply_code", r->reply_code);
    }
    json_buf_bool(b, "success", r->is_success);
    json_buf_close_object(b);
}
