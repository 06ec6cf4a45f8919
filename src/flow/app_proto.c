/* app_proto.c — application protocol names as EVE writes them. */
#include "flow/app_proto.h"

const char *app_proto_name(enum app_proto p)
{
    static const char *const names[APP_PROTO_COUNT] = {
        [APP_PROTO_DNS] = "dns",   [APP_PROTO_HTTP] = "http",   [APP_PROTO_TLS] = "tls",
        [APP_PROTO_QUIC] = "quic", [APP_PROTO_SMTP] = "smtp",   [APP_PROTO_IMAP] = "imap",
        [APP_PROTO_POP3] = "pop3", [APP_PROTO_SOCKS] = "socks", [APP_PROTO_FAILED] = "failed",
        [APP_PROTO_FTP] = "ftp",   [APP_PROTO_MYSQL] = "mysql",
    };
    return (unsigned)p < APP_PROTO_COUNT ? names[p] : 0;
}
