/* fileinfo.h — a file seen in transit (an HTTP body, a mail attachment).
 *
 * Bodies are hashed as they stream and never stored. The protocol parser
 * that saw the file emits this record with APP_RECORD_FILEINFO; the EVE
 * "fileinfo" event carries it (docs/events.md).
 */
#ifndef HRADBA_PROTO_FILE_FILEINFO_H
#define HRADBA_PROTO_FILE_FILEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "proto/app.h"

enum fileinfo_state {
    FILEINFO_CLOSED = 0,    /* the whole file was seen */
    FILEINFO_TRUNCATED = 1, /* the flow ended or a cap was hit before its end */
    FILEINFO_ERROR = 2,     /* the transfer encoding was broken */
};

struct fileinfo_record {
    enum app_proto proto; /* APP_PROTO_HTTP, APP_PROTO_SMTP, ... */
    enum flow_dir dir;    /* which way the file travelled (an upload is FLOW_TOSERVER) */
    uint64_t tx_id;       /* the transaction (HTTP request, mail) it belongs to */
    const char *filename; /* UTF-8 or raw bytes; NULL when unknown */
    size_t filename_len;
    const char *content_type; /* as declared; NULL when absent */
    uint64_t size;            /* bytes seen (decoded, for mail) */
    bool has_gaps;            /* bytes were missing in the middle */
    enum fileinfo_state state;
    char md5[DIGEST_HEX_MAX]; /* lower-case hex, "" when not computed */
    char sha1[DIGEST_HEX_MAX];
    char sha256[DIGEST_HEX_MAX];
    /* The transaction this file belongs to, so the event can carry it
     * (as Suricata puts the "http" object into a fileinfo event). */
    enum app_record parent_type;
    const void *parent; /* NULL when not available */
};

#endif
