/* pop3_record.h — one POP3 session summary (APP_RECORD_POP3).
 *
 * One record per flow, handed to app_out when QUIT is answered, when STLS
 * hands the flow to TLS, or at flow end (RFC 1939, RFC 2449 CAPA, RFC 2595
 * STLS, RFC 5034 AUTH). Strings point into the parser's state and are valid
 * only during the emit call. Never holds a password: PASS's argument, APOP's
 * digest and SASL bytes after the user name are passed over, not kept.
 */
#ifndef HRADBA_PROTO_POP3_RECORD_H
#define HRADBA_PROTO_POP3_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pop3_auth_result {
    POP3_AUTH_NONE = 0, /* no attempt, or no answer seen */
    POP3_AUTH_SUCCESS,  /* +OK to PASS, APOP or AUTH */
    POP3_AUTH_FAILURE,  /* -ERR */
};

struct pop3_record {
    const char *const *capabilities; /* CAPA response lines (RFC 2449 §5), distinct */
    size_t capability_count;
    bool is_capabilities_truncated;
    bool has_stls;              /* the client sent STLS */
    bool is_stls;               /* and the server answered +OK */
    const char *user;           /* USER, APOP or SASL user; NULL if none */
    const char *auth_command;   /* "USER" (USER/PASS), "APOP", "AUTH" or NULL */
    const char *auth_mechanism; /* SASL mechanism of AUTH, or NULL */
    enum pop3_auth_result auth_result;
    uint32_t auth_attempts;    /* PASS, APOP and AUTH <mechanism> commands */
    uint32_t auth_failures;    /* of which answered -ERR */
    uint64_t messages_fetched; /* RETR answered +OK */
    uint64_t headers_fetched;  /* TOP answered +OK */
    uint64_t bytes_fetched;    /* octets of those multi-line responses, dot-unstuffed */
    uint64_t messages_deleted; /* DELE answered +OK */
    uint64_t list_commands;    /* LIST, UIDL and STAT */
    uint64_t commands;         /* client commands (SASL responses excluded) */
    uint64_t anomalies;        /* every anomaly, including repeats not re-emitted */
    bool is_quit;              /* QUIT answered */
};

#endif
