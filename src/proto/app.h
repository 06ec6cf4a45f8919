/* app.h — the contract between the stream layer and protocol parsers.
 *
 * A parser is sans-I/O: it gets the in-order bytes of one direction of a TCP
 * stream (or one UDP datagram's payload), keeps its own bounded per-flow
 * state, and hands finished records (a DNS answer, an HTTP transaction, a TLS
 * handshake) to app_out as plain structs. It never writes output, never
 * reads a file, never calls upward: the worker turns records into events.
 * Record pointers (strings inside them) are valid only during the emit call.
 */
#ifndef HRADBA_PROTO_APP_H
#define HRADBA_PROTO_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/app_proto.h"
#include "flow/flow.h"

/* The type of the struct passed with each record. */
enum app_record {
    APP_RECORD_DNS,      /* struct dns_record (proto/dns/dns_record.h) */
    APP_RECORD_HTTP,     /* struct http_record */
    APP_RECORD_FILEINFO, /* struct fileinfo_record */
    APP_RECORD_TLS,      /* struct tls_record */
    APP_RECORD_QUIC,     /* struct quic_record */
    APP_RECORD_SMTP,     /* struct smtp_record */
    APP_RECORD_IMAP,     /* struct imap_record */
    APP_RECORD_POP3,     /* struct pop3_record */
    APP_RECORD_SOCKS,    /* struct socks_record */
    APP_RECORD_ANOMALY,  /* struct app_anomaly */
};

/* A named protocol anomaly: hostile or broken input that a parser noticed
 * (a compression loop, a length overflowing its record). Written as an EVE
 * "anomaly" event of type "applayer". */
struct app_anomaly {
    enum app_proto proto;
    const char *event; /* static, lower_snake_case, e.g. "compression_loop" */
    enum flow_dir dir;
};

struct app_out {
    void (*emit)(void *ctx, enum app_record type, const void *record);
    void *ctx;
    uint64_t ts_us;    /* time of the packet whose bytes completed the record */
    enum flow_dir dir; /* direction of the bytes being parsed now */
    /* With APP_REDETECT: how many bytes of this call's data the old protocol
     * used; the rest start the new one. Left alone, all of them. */
    size_t handover_at;
};

static inline void app_out_emit(struct app_out *o, enum app_record type, const void *record)
{
    o->emit(o->ctx, type, record);
}

static inline void app_out_anomaly(struct app_out *o, enum app_proto proto, enum flow_dir dir,
                                   const char *event)
{
    struct app_anomaly a = {proto, event, dir};
    o->emit(o->ctx, APP_RECORD_ANOMALY, &a);
}

enum app_result {
    APP_OK = 0,         /* consumed; send more */
    APP_DONE = 1,       /* nothing more of interest in this flow: stop feeding it */
    APP_SWITCH_TLS = 2, /* STARTTLS accepted: the following bytes are TLS */
    APP_REDETECT = 3,   /* a tunnel is set up (SOCKS, HTTP CONNECT): the bytes from
                           out->handover_at on are another protocol, found afresh */
    APP_ERROR = -1,     /* unrecoverable: stop feeding this flow (an anomaly was emitted) */
};

enum app_probe {
    APP_PROBE_NO = 0, /* these bytes are not this protocol */
    APP_PROBE_MAYBE,  /* too few bytes to tell */
    APP_PROBE_YES,
};

struct app_parser {
    enum app_proto proto;
    const char *name; /* EVE app_proto name: "dns", "http", "tls", ... */
    bool is_datagram; /* UDP: each parse() call is one whole datagram */
    /* Looks at the first bytes the client (dir 0) or server sent. */
    enum app_probe (*probe)(enum flow_dir dir, const uint8_t *data, size_t len);
    /* Per-flow state, created when the protocol is detected; NULL on OOM. */
    void *(*state_new)(void);
    void (*state_free)(void *st);
    /* In-order bytes of one direction (TCP), or one datagram (UDP). */
    enum app_result (*parse)(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                             struct app_out *out);
    /* len bytes of dir are missing (capture loss, reassembly cap): resync or
     * give up. May be NULL: the stream then stops feeding the parser. */
    enum app_result (*gap)(void *st, enum flow_dir dir, uint64_t len, struct app_out *out);
    /* The flow ends: emit what is still pending (a request never answered). */
    void (*flow_end)(void *st, struct app_out *out);
    /* Bytes of heap state held, for memory accounting. */
    size_t (*state_mem)(const void *st);
};

#endif
