/* socks_record.h — one SOCKS handshake (APP_RECORD_SOCKS).
 *
 * One record per flow, handed to app_out when the proxy answers the request
 * (RFC 1928 §6 reply, SOCKS 4 reply), when the method selection or the RFC
 * 1929 sub-negotiation ends the handshake, or at flow end. Strings point into
 * the parser's state and are valid only during the emit call; they carry
 * their length (a SOCKS 5 name may hold any octet). Never holds a password.
 */
#ifndef HRADBA_PROTO_SOCKS_RECORD_H
#define HRADBA_PROTO_SOCKS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum socks_command {
    SOCKS_CMD_NONE = 0, /* no request seen */
    SOCKS_CMD_CONNECT = 1,
    SOCKS_CMD_BIND = 2,
    SOCKS_CMD_UDP_ASSOCIATE = 3, /* SOCKS 5 only */
};

/* SOCKS 5 method numbers (RFC 1928 §3, IANA "SOCKS Methods"). */
enum {
    SOCKS_METHOD_NONE = 0x00,
    SOCKS_METHOD_GSSAPI = 0x01,
    SOCKS_METHOD_USERNAME = 0x02,
    SOCKS_METHOD_NO_ACCEPTABLE = 0xff,
};

/* SOCKS 4 reply codes (CD), as sent on the wire. */
enum {
    SOCKS4_REPLY_GRANTED = 90,
    SOCKS4_REPLY_REJECTED = 91,
    SOCKS4_REPLY_NO_IDENTD = 92,
    SOCKS4_REPLY_IDENTD_MISMATCH = 93,
};

struct socks_record {
    uint8_t version; /* 4 (also 4a) or 5 */
    bool is_4a;      /* SOCKS 4a: the destination is a name, not an address */
    enum socks_command command;
    bool has_auth_method; /* SOCKS 5: the server selected a method */
    uint8_t auth_method;  /* SOCKS_METHOD_*, or any other number */
    bool has_auth_result; /* SOCKS 5: the RFC 1929 status was seen */
    bool is_auth_success;
    const char *user; /* RFC 1929 UNAME or SOCKS 4 USERID; NULL if none */
    size_t user_len;
    const char *dest_host; /* ATYP 3 or 4a name; NULL if the request named an address */
    size_t dest_host_len;
    uint8_t dest_ip_family; /* 4 or 6; 0 when there is no address */
    uint8_t dest_ip[16];
    uint16_t dest_port;
    bool has_reply;
    uint8_t reply_code; /* SOCKS 5 REP (0 succeeded) or SOCKS 4 CD (90 granted) */
    bool is_success;    /* the request was granted (for BIND: both replies) */
    uint32_t anomalies; /* anomalies seen on the flow, repeats included */
};

#endif
