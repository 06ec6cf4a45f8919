/* smtp_record.h — one SMTP transaction (APP_RECORD_SMTP).
 *
 * RFC 5321 §3.3: a mail transaction is MAIL FROM, RCPT TO..., and DATA (or
 * RFC 3030 BDAT chunks). One record per transaction, handed to app_out when
 * its message ends, when RSET, HELO/EHLO or a new MAIL abandons it, when
 * STARTTLS hands the flow to TLS, at QUIT or at flow end. A session that
 * never got as far as MAIL still gives one record (its HELO, STARTTLS,
 * AUTH). Strings point into the parser's state and are valid only during
 * the emit call. Never holds a password: SASL bytes after the user name are
 * not decoded.
 */
#ifndef HRADBA_PROTO_SMTP_RECORD_H
#define HRADBA_PROTO_SMTP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mime/mime_list.h"
#include "proto/mime/mime_parser.h"

enum smtp_auth_result {
    SMTP_AUTH_NONE = 0, /* no AUTH, or no answer seen */
    SMTP_AUTH_SUCCESS,  /* 2xx (235) */
    SMTP_AUTH_FAILURE,  /* anything else but 334 */
};

struct smtp_record {
    uint64_t tx_id;                  /* 0, 1, ... within the flow */
    const char *helo;                /* HELO/EHLO argument; NULL if none */
    const char *mail_from;           /* MAIL FROM path as written ("<a@b>"); NULL if none */
    const struct mime_list *rcpt_to; /* RCPT TO paths, in order */
    uint64_t rcpt_count;             /* RCPT commands, kept or not */
    bool has_data;                   /* DATA or BDAT was sent */
    bool is_data_rejected;           /* and DATA was refused (not 354) */
    bool is_bdat;                    /* the message came in BDAT chunks */
    uint64_t message_size;           /* bytes of the message (dot-unstuffed) */
    bool has_starttls;               /* the client asked for STARTTLS */
    bool is_starttls;                /* and the server accepted: TLS follows */
    const char *auth_mechanism;      /* SASL mechanism of AUTH, or NULL */
    const char *auth_user;           /* user named in the SASL exchange, or NULL */
    enum smtp_auth_result auth_result;
    const struct mime_message *email; /* NULL when no message content was seen */
};

#endif
