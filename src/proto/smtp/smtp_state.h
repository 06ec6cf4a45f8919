/* smtp_state.h — the SMTP parser's per-flow state, shared by the files of
 * proto/smtp (command side, reply side, framing). Not part of the API:
 * only smtp_parser.h and smtp_record.h are.
 */
#ifndef HRADBA_PROTO_SMTP_STATE_H
#define HRADBA_PROTO_SMTP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/imap/mail_line.h"
#include "proto/imap/mail_pending.h"
#include "proto/imap/mail_sasl.h"
#include "proto/mime/mime_list.h"
#include "proto/mime/mime_parser.h"
#include "proto/smtp/smtp_record.h"

enum {
    SMTP_LINE_MAX = 4096,      /* bytes kept of a client line (RFC 5321 §4.5.3.1.4: 512) */
    SMTP_REPLY_LINE_MAX = 512, /* of a server line (§4.5.3.1.5: 512) */
    SMTP_PENDING_MAX = 64,     /* commands awaiting their reply (pipelining) */
    SMTP_HELO_MAX = 256,       /* bytes of the HELO argument, NUL included */
    SMTP_PATH_MAX = 512,       /* of a MAIL FROM / RCPT TO path (§4.5.3.1.3: 256) */
    SMTP_RCPT_MAX = 256,       /* recipients kept per transaction (§4.5.3.1.8: 100) */
    SMTP_RCPT_POOL_MAX = 32768,
};

enum smtp_cmd {
    SMTP_CMD_OTHER = 0, /* NOOP, VRFY, EXPN, HELP, ... */
    SMTP_CMD_UNKNOWN,
    SMTP_CMD_HELO,
    SMTP_CMD_EHLO,
    SMTP_CMD_MAIL,
    SMTP_CMD_RCPT,
    SMTP_CMD_DATA,
    SMTP_CMD_DATA_END, /* the "." ending DATA: its own reply */
    SMTP_CMD_BDAT,
    SMTP_CMD_RSET,
    SMTP_CMD_STARTTLS,
    SMTP_CMD_AUTH,
    SMTP_CMD_QUIT,
};

/* What the client's next bytes are. */
enum smtp_mode {
    SMTP_MODE_COMMAND = 0,
    SMTP_MODE_SASL,     /* lines are SASL responses to an AUTH */
    SMTP_MODE_DATA,     /* message text after DATA, up to CRLF "." CRLF */
    SMTP_MODE_BDAT,     /* bdat_left octets of a chunk */
    SMTP_MODE_TLS_WAIT, /* STARTTLS sent: the client waits, then speaks TLS */
};

/* Where DATA's dot rule is, at the start of a line or inside one. */
enum smtp_data_state {
    SMTP_DATA_LINE_START = 0,
    SMTP_DATA_DOT,    /* "." at a line start */
    SMTP_DATA_DOT_CR, /* ".\r" */
    SMTP_DATA_MIDDLE,
};

enum smtp_anomaly {
    SMTP_ANOMALY_LINE_TOO_LONG,
    SMTP_ANOMALY_COMMAND_UNKNOWN,
    SMTP_ANOMALY_COMMAND_INVALID,
    SMTP_ANOMALY_REPLY_INVALID,
    SMTP_ANOMALY_REPLY_UNEXPECTED,
    SMTP_ANOMALY_TOO_MANY_PENDING,
    SMTP_ANOMALY_TOO_MANY_RECIPIENTS,
    SMTP_ANOMALY_BDAT_SIZE_INVALID,
    SMTP_ANOMALY_DATA_REJECTED,
    SMTP_ANOMALY_DATA_UNTERMINATED,
    SMTP_ANOMALY_SASL_INVALID,
    SMTP_ANOMALY_DATA_AFTER_STARTTLS,
    SMTP_ANOMALY_GAP,
    SMTP_ANOMALY_MEMCAP,
    SMTP_ANOMALY_COUNT
};

/* The transaction being built. */
struct smtp_tx {
    bool is_started;  /* a command belonging to it was seen */
    bool has_content; /* MAIL, RCPT or DATA/BDAT: more than a greeting */
    char mail_from[SMTP_PATH_MAX];
    bool has_mail_from;
    struct mime_list rcpt;
    bool has_data;
    bool is_data_rejected;
    bool is_bdat;
    uint64_t message_size;
    bool has_starttls;
    struct mime_parser *mime; /* NULL until DATA/BDAT */
};

struct smtp_state {
    struct mail_line line[2];          /* per enum flow_dir */
    uint8_t pending[SMTP_PENDING_MAX]; /* enum smtp_cmd, oldest first */
    size_t pending_count;
    bool is_greeted;
    enum smtp_mode mode;
    enum smtp_data_state data_state;
    uint64_t bdat_left;
    bool is_bdat_last;
    char helo[SMTP_HELO_MAX];
    /* AUTH */
    uint8_t sasl_mech; /* enum mail_sasl_mech */
    unsigned sasl_step;
    char mech[MAIL_SASL_MECH_MAX + 1];
    char user[MAIL_SASL_USER_MAX];
    enum smtp_auth_result auth_result;
    /* transactions */
    struct smtp_tx tx;
    uint64_t tx_id;
    bool is_starttls;
    uint64_t anomalies;
    uint32_t anomaly_seen; /* bit per enum smtp_anomaly, then MIME's at 16 */
};

/* smtp_parser.c */
void smtp_parser_anomaly(struct smtp_state *st, struct app_out *out, enum flow_dir dir,
                         enum smtp_anomaly a);
/* Emits the transaction if one was started, and starts a fresh one. */
void smtp_parser_tx_end(struct smtp_state *st, struct app_out *out);
/* The message of the transaction (created on first use); NULL on OOM. */
struct mime_parser *smtp_parser_mime(struct smtp_state *st, struct app_out *out);
/* Ends the message (complete or cut) and emits the transaction. */
void smtp_parser_message_end(struct smtp_state *st, struct app_out *out, bool is_complete);
/* Passes on MIME's new anomalies. */
void smtp_parser_mime_anomalies(struct smtp_state *st, struct app_out *out);

/* smtp_command.c: one client line in command or SASL mode. */
void smtp_command_line(struct smtp_state *st, const struct mail_line_view *v, struct app_out *out);

/* smtp_reply.c: one server line. */
enum app_result smtp_reply_line(struct smtp_state *st, const struct mail_line_view *v,
                                struct app_out *out);

#endif
