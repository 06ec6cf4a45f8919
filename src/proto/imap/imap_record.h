/* imap_record.h — one IMAP session summary (APP_RECORD_IMAP).
 *
 * One record per flow, handed to app_out when LOGOUT completes, when
 * STARTTLS hands the flow to TLS, or at flow end: who logged in and how,
 * which mailboxes were opened and how much mail was read (RFC 3501, RFC
 * 9051). Strings point into the parser's state and are valid only during
 * the emit call. Never holds a password: LOGIN's second argument and SASL
 * bytes after the user name are skipped without being kept.
 */
#ifndef HRADBA_PROTO_IMAP_RECORD_H
#define HRADBA_PROTO_IMAP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the last login attempt ended. */
enum imap_auth_result {
    IMAP_AUTH_NONE = 0, /* no attempt, or no answer seen */
    IMAP_AUTH_SUCCESS,  /* tagged OK (or a PREAUTH greeting) */
    IMAP_AUTH_FAILURE,  /* tagged NO or BAD */
};

struct imap_record {
    const char *const *capabilities; /* server's, union of every list announced */
    size_t capability_count;
    bool is_capabilities_truncated;
    bool has_starttls;          /* the client sent STARTTLS */
    bool is_starttls;           /* and the server accepted it */
    bool is_preauth;            /* greeting was "* PREAUTH" (RFC 3501 §7.1.4) */
    const char *user;           /* NULL when none seen */
    const char *auth_command;   /* "LOGIN", "AUTHENTICATE" or NULL */
    const char *auth_mechanism; /* SASL mechanism of AUTHENTICATE, or NULL */
    enum imap_auth_result auth_result;
    uint32_t auth_attempts;       /* LOGIN and AUTHENTICATE commands */
    uint32_t auth_failures;       /* of which answered NO or BAD */
    const char *const *mailboxes; /* SELECT/EXAMINE arguments, distinct, in order */
    size_t mailbox_count;
    bool is_mailboxes_truncated;
    uint64_t messages_fetched; /* FETCH responses carrying message text */
    uint64_t headers_fetched;  /* FETCH responses carrying only header sections */
    uint64_t bytes_fetched;    /* literal octets of both */
    uint64_t messages_deleted; /* untagged EXPUNGE responses */
    uint64_t commands;         /* tagged client commands */
    uint64_t anomalies;        /* every anomaly, including repeats not re-emitted */
    bool is_logout;            /* LOGOUT completed */
};

#endif
