/* mime_parser.h — one mail message (RFC 5322 + MIME, RFC 2045-2047, 2183,
 * 2231), fed as bytes, read for its metadata: the top-level header fields,
 * every attachment's name, type, size and hashes, and the URLs of its text
 * and HTML parts after base64 / quoted-printable decoding.
 *
 * Sans-I/O and protocol-blind: SMTP feeds it DATA (dot-unstuffed) or BDAT
 * chunks; IMAP FETCH bodies and POP3 RETR can feed it the same way. It
 * stores no body: parts are decoded, hashed and scanned as they stream, so
 * memory is bounded by the caps below whatever the message size. Not a
 * mail reader: message/rfc822 parts are files, not opened.
 */
#ifndef HRADBA_PROTO_MIME_MIME_PARSER_H
#define HRADBA_PROTO_MIME_MIME_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/file/fileinfo.h"
#include "proto/mime/mime_header.h"
#include "proto/mime/mime_list.h"

enum {
    MIME_DEPTH_MAX = 16,       /* nested multiparts followed */
    MIME_FIELD_MAX = 8192,     /* bytes of one unfolded header field kept */
    MIME_VALUE_MAX = 1024,     /* bytes of a logged header value */
    MIME_LINE_RFC_MAX = 998,   /* RFC 5322 §2.1.1: longer lines are an anomaly */
    MIME_HEAD_MAX = 256,       /* bytes of a line start kept to find boundaries */
    MIME_ADDRESSES_MAX = 64,   /* addresses kept per To / Cc list */
    MIME_RECEIVED_MAX = 16,    /* Received fields kept */
    MIME_URLS_MAX = 64,        /* distinct URLs kept per message */
    MIME_URL_POOL_MAX = 16384, /* bytes of URL text kept per message */
    MIME_ATTACHMENTS_MAX = 32, /* attachments described per message */
};

/* Top-level header fields kept (first occurrence). */
enum mime_field {
    MIME_FIELD_FROM,
    MIME_FIELD_SUBJECT, /* RFC 2047 words decoded to UTF-8 where handled */
    MIME_FIELD_MESSAGE_ID,
    MIME_FIELD_DATE,
    MIME_FIELD_X_MAILER,
    MIME_FIELD_USER_AGENT,
    MIME_FIELD_REPLY_TO,
    MIME_FIELD_IN_REPLY_TO,
    MIME_FIELD_X_ORIGINATING_IP,
    MIME_FIELD_RETURN_PATH,
    MIME_FIELD_COUNT
};

enum mime_status {
    MIME_STATUS_HEADERS = 0, /* ended (flow end, gap) inside the top-level headers */
    MIME_STATUS_BODY,        /* ended inside the body */
    MIME_STATUS_DONE,        /* the whole message was read */
    MIME_STATUS_ERROR,       /* read to its end, but malformed (see anomalies) */
};

/* Named anomalies, one bit each (mime_anomaly_name). */
enum mime_anomaly {
    MIME_ANOMALY_HEADER_TOO_LONG,
    MIME_ANOMALY_HEADER_INVALID,
    MIME_ANOMALY_LINE_TOO_LONG,
    MIME_ANOMALY_DEPTH_EXCEEDED,
    MIME_ANOMALY_BOUNDARY_INVALID,
    MIME_ANOMALY_BOUNDARY_MISSING,
    MIME_ANOMALY_BOUNDARY_UNTERMINATED,
    MIME_ANOMALY_BASE64_INVALID,
    MIME_ANOMALY_QP_INVALID,
    MIME_ANOMALY_TOO_MANY_URLS,
    MIME_ANOMALY_TOO_MANY_ATTACHMENTS,
    MIME_ANOMALY_COUNT
};

struct mime_attachment {
    struct fileinfo_record rec; /* filename and content_type point below */
    char filename[MIME_FILENAME_MAX];
    char content_type[MIME_TYPE_MAX];
};

struct mime_message {
    char *fields[MIME_FIELD_COUNT]; /* NULL when absent; NUL-terminated */
    size_t field_len[MIME_FIELD_COUNT];
    struct mime_list to, cc, received;
    struct mime_list urls; /* flag MIME_URL_IMAGE (mime_url.h) */
    struct mime_attachment *attachments;
    size_t attachment_count;
    size_t attachment_cap;
    uint64_t attachments_seen; /* including those past the cap */
    uint64_t parts;            /* MIME entities, the message itself included */
    uint64_t urls_too_long;
    bool has_gaps;
    enum mime_status status;
    uint32_t anomalies; /* bit per enum mime_anomaly seen */
};

struct mime_parser;

/* NULL on allocation failure. */
struct mime_parser *mime_parser_new(void);
void mime_parser_free(struct mime_parser *m);

/* The next n bytes of the message, CRLF or LF line ends. */
void mime_parser_feed(struct mime_parser *m, const uint8_t *p, size_t n);
/* len bytes of the message are missing: the current line and attachment are
 * marked, parsing resumes at the next line end. */
void mime_parser_gap(struct mime_parser *m, uint64_t len);
/* The message ended (is_complete) or was cut short: closes open parts and
 * attachments and sets the status. Feeding after this is ignored. */
void mime_parser_finish(struct mime_parser *m, bool is_complete);

const struct mime_message *mime_parser_message(const struct mime_parser *m);
/* Anomalies raised since the last call, as bits of enum mime_anomaly. */
uint32_t mime_parser_take_anomalies(struct mime_parser *m);
/* "mime_header_too_long", ... (static); NULL out of range. */
const char *mime_anomaly_name(enum mime_anomaly a);
/* Suricata's email.status names: "HEADER_STARTED", "BODY_STARTED",
 * "PARSE_DONE", "PARSE_ERROR". */
const char *mime_status_name(enum mime_status s);

/* Heap bytes held. */
size_t mime_parser_mem(const struct mime_parser *m);

#endif
