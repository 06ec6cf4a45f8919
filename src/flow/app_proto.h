/* app_proto.h — which application protocol a flow speaks, as an id.
 *
 * Detection lives in proto/; the flow only carries the answer (so its EVE
 * event can say "app_proto":"tls" without the output knowing any parser).
 */
#ifndef HRADBA_FLOW_APP_PROTO_H
#define HRADBA_FLOW_APP_PROTO_H

enum app_proto {
    APP_PROTO_UNKNOWN = 0, /* not detected (yet) */
    APP_PROTO_DNS,
    APP_PROTO_HTTP,
    APP_PROTO_TLS,
    APP_PROTO_QUIC,
    APP_PROTO_SMTP,
    APP_PROTO_IMAP,
    APP_PROTO_POP3,
    APP_PROTO_SOCKS,
    APP_PROTO_FTP,
    APP_PROTO_MYSQL,
    APP_PROTO_FAILED, /* detection gave up: bytes are no longer inspected */
    APP_PROTO_COUNT
};

/* EVE's name: "dns", "http", "tls", "quic", "smtp", "imap", "pop3",
 * "socks", "ftp", "mysql", "failed"; NULL for APP_PROTO_UNKNOWN and out-of-range values. */
const char *app_proto_name(enum app_proto p);

#endif
