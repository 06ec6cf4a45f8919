/* imap_state.h — the IMAP parser's per-flow state, shared by its three
 * files (imap_parser.c: framing and the app_parser; imap_command.c: client
 * lines; imap_response.c: server lines). Private to src/proto/imap/.
 */
#ifndef HRADBA_PROTO_IMAP_STATE_H
#define HRADBA_PROTO_IMAP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/imap/imap_record.h"
#include "proto/imap/mail_line.h"
#include "proto/imap/mail_list.h"
#include "proto/imap/mail_sasl.h"

enum {
    /* RFC 9051 §4 sets no line limit but asks for at least 8192 octets to be
     * accepted (RFC 7162 §4); longer lines are cut here and flagged. */
    IMAP_LINE_MAX = 8192,
    IMAP_TAG_MAX = 32,     /* bytes of a tag compared; real ones are ~5 */
    IMAP_PENDING_MAX = 32, /* commands awaiting their tagged answer */
    IMAP_ARG_MAX = 256,    /* bytes kept of a user or mailbox argument */
};

/* Literals above this are taken as hostile, not skipped: skipping a claimed
 * 4 GiB would blind the parser for the rest of the flow. Real messages are
 * far smaller (providers cap them around 25-150 MB). */
#define IMAP_LITERAL_MAX ((uint64_t)1 << 30)

enum imap_cmd {
    IMAP_CMD_OTHER = 0,
    IMAP_CMD_CAPABILITY,
    IMAP_CMD_LOGIN,
    IMAP_CMD_AUTHENTICATE,
    IMAP_CMD_STARTTLS,
    IMAP_CMD_SELECT,
    IMAP_CMD_EXAMINE,
    IMAP_CMD_LOGOUT,
    IMAP_CMD_IDLE,
};

enum imap_anomaly {
    IMAP_ANOMALY_LINE_TOO_LONG,
    IMAP_ANOMALY_LITERAL_TOO_LARGE,
    IMAP_ANOMALY_LITERAL_TRUNCATED,
    IMAP_ANOMALY_NUL_BYTE,
    IMAP_ANOMALY_COMMAND_INVALID,
    IMAP_ANOMALY_TAG_TOO_LONG,
    IMAP_ANOMALY_TOO_MANY_PENDING,
    IMAP_ANOMALY_RESPONSE_INVALID,
    IMAP_ANOMALY_RESPONSE_TAG_UNKNOWN,
    IMAP_ANOMALY_SASL_INVALID,
    IMAP_ANOMALY_DATA_AFTER_STARTTLS,
    IMAP_ANOMALY_MEMCAP,
    IMAP_ANOMALY_COUNT
};

struct imap_pending {
    uint8_t tag[IMAP_TAG_MAX];
    uint8_t tag_len;
    uint8_t cmd; /* enum imap_cmd */
};

/* What a literal now being skipped is. */
enum imap_literal_kind {
    IMAP_LITERAL_SKIP = 0,
    IMAP_LITERAL_CAPTURE,    /* client: a user or mailbox argument, kept in arg */
    IMAP_LITERAL_FETCH_BODY, /* server: message text */
    IMAP_LITERAL_FETCH_HEADER,
};

struct imap_state {
    struct mail_line line[2]; /* per enum flow_dir */
    uint64_t literal_left[2];
    uint8_t literal_kind[2]; /* enum imap_literal_kind */

    /* Client: a command whose line ended in a literal continues after it. */
    bool is_cmd_open;
    uint8_t cmd_kind;       /* enum imap_cmd */
    unsigned cmd_arg;       /* index of the next argument */
    char arg[IMAP_ARG_MAX]; /* a captured literal argument */
    size_t arg_len;
    bool is_sasl;      /* AUTHENTICATE in progress: lines are responses */
    uint8_t sasl_mech; /* enum mail_sasl_mech */
    unsigned sasl_step;
    bool is_tls_wait; /* STARTTLS sent: client bytes are not lines */

    /* Server: a response whose line ended in a literal continues after it. */
    bool is_resp_open;
    bool is_resp_fetch;
    bool has_fetch_body;
    bool has_fetch_header;
    bool is_greeted;

    struct imap_pending pending[IMAP_PENDING_MAX];
    size_t pending_count;

    /* The summary. */
    struct mail_list caps;
    struct mail_list mailboxes;
    char user[MAIL_SASL_USER_MAX];
    char mech[MAIL_SASL_MECH_MAX + 1];
    const char *auth_command;
    enum imap_auth_result auth_result;
    uint32_t auth_attempts;
    uint32_t auth_failures;
    uint64_t messages_fetched;
    uint64_t headers_fetched;
    uint64_t bytes_fetched;
    uint64_t messages_deleted;
    uint64_t commands;
    uint64_t anomalies;
    bool has_starttls;
    bool is_starttls;
    bool is_preauth;
    bool is_logout;
    bool is_emitted;
    uint32_t anomaly_seen; /* bit per enum imap_anomaly already emitted */
};

/* Counts an anomaly; emits it the first time it is seen in the flow. */
void imap_parser_anomaly(struct imap_state *st, struct app_out *out, enum flow_dir dir,
                         enum imap_anomaly a);

/* Hands the summary to out, once per flow. */
void imap_parser_emit(struct imap_state *st, struct app_out *out);

/* A literal marker ending the line ("{n}", "{n+}", "~{n}", RFC 9051 §4.3,
 * RFC 7888, RFC 3516): 1 and *size, *marker_len (bytes from '{' or '~' to
 * the end); 0 when there is none; -1 when one is there but its number is
 * unusable (more than 19 digits, or above IMAP_LITERAL_MAX). */
int imap_parser_literal(const struct mail_line_view *v, uint64_t *size, size_t *marker_len);

/* A client line (imap_command.c). */
void imap_command_line(struct imap_state *st, const struct mail_line_view *v, struct app_out *out);
/* A client literal the command captured is complete. */
void imap_command_literal_end(struct imap_state *st);

/* A server line (imap_response.c): APP_OK, or APP_SWITCH_TLS / APP_DONE
 * after STARTTLS / LOGOUT were accepted. */
enum app_result imap_response_line(struct imap_state *st, const struct mail_line_view *v,
                                   struct app_out *out);

/* Starts skipping a literal of the line in dir, of the given kind; a {0}
 * ends at once. */
void imap_parser_literal_start(struct imap_state *st, enum flow_dir dir, uint64_t size,
                               enum imap_literal_kind kind);

#endif
