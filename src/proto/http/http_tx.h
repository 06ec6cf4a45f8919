/* http_tx.h — HTTP/1.x transactions waiting for their end, in request order.
 *
 * A transaction is born with its request line (or with a response that has
 * no request) and keeps, in one small store, the strings its record reports;
 * nothing else of the messages is kept. Responses are matched to requests in
 * order (RFC 9112 §9.3.2: pipelined responses come in request order). The
 * queue counts its heap bytes so the parser can cap them. Not a parser.
 */
#ifndef HRADBA_PROTO_HTTP_HTTP_TX_H
#define HRADBA_PROTO_HTTP_HTTP_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/http/http_head.h"
#include "proto/http/http_record.h"

/* The kept strings of a transaction. */
enum http_field {
    HTTP_F_METHOD,
    HTTP_F_URL,
    HTTP_F_PROTOCOL,
    HTTP_F_HOSTNAME,
    HTTP_F_USER_AGENT,
    HTTP_F_REFERER,
    HTTP_F_XFF,
    HTTP_F_RES_PROTOCOL,
    HTTP_F_CONTENT_TYPE,
    HTTP_F_LOCATION,
    HTTP_F_CD_FILENAME, /* the response's Content-Disposition filename */
    HTTP_F_COUNT
};

struct http_span {
    uint32_t off; /* into the store */
    uint32_t len;
};

struct http_tx {
    struct http_tx *next;
    uint64_t tx_id;
    char *store; /* the fields' bytes, each followed by a NUL */
    uint32_t store_len;
    uint32_t store_cap; /* grown by doubling, at most HTTP_STORE_MAX */
    struct http_span span[HTTP_F_COUNT];
    uint16_t field_set; /* bit per enum http_field */
    uint8_t last_field; /* the last field stored (obs-fold continues it) */
    uint16_t status;
    uint16_t port;
    uint64_t request_body_len;
    uint64_t response_body_len;
    bool has_port;
    bool has_request;
    bool is_request_complete; /* seen whole */
    bool is_request_ended;    /* whole, or abandoned (gap, broken framing) */
    bool has_response;
    bool is_response_complete;
    bool is_response_ended;
    bool is_evicted;
    bool is_truncated;
    bool is_head;          /* HEAD: the response has no body */
    bool is_connect;       /* CONNECT: a 2xx response starts a tunnel */
    bool is_host_from_uri; /* the target named the host: Host is ignored */
};

struct http_tx_queue {
    struct http_tx *head; /* oldest */
    struct http_tx *tail;
    size_t count;
    size_t mem; /* heap bytes of every queued transaction */
};

/* A new transaction (not queued); NULL on allocation failure. */
struct http_tx *http_tx_new(uint64_t tx_id);
void http_tx_free(struct http_tx *tx);

void http_tx_queue_init(struct http_tx_queue *q);
/* Frees every queued transaction. */
void http_tx_queue_fini(struct http_tx_queue *q);
void http_tx_queue_push_back(struct http_tx_queue *q, struct http_tx *tx);
void http_tx_queue_push_front(struct http_tx_queue *q, struct http_tx *tx);
/* Takes tx out of q (it must be queued); the caller frees it. */
void http_tx_queue_unlink(struct http_tx_queue *q, struct http_tx *tx);
/* The oldest transaction without a final response, or NULL. */
struct http_tx *http_tx_queue_unanswered(const struct http_tx_queue *q);

/* Stores field f of queued tx (the first value wins: a repeated field is
 * ignored). What does not fit the store is cut and the tx marked truncated.
 * Returns true when the value was stored. */
bool http_tx_set(struct http_tx_queue *q, struct http_tx *tx, enum http_field f,
                 struct http_bytes v);
/* Stores a hostname: lower-cased, trailing dots removed (as libhtp does). */
void http_tx_set_hostname(struct http_tx_queue *q, struct http_tx *tx, struct http_bytes v);
/* Appends " " and v to field f if f was the last field stored (an obs-fold
 * continuation line, RFC 9112 §5.2). */
void http_tx_fold(struct http_tx_queue *q, struct http_tx *tx, enum http_field f,
                  struct http_bytes v);
/* The stored field, {NULL, 0} when absent. */
struct http_bytes http_tx_get(const struct http_tx *tx, enum http_field f);

/* The record of tx as it stands; its strings point into tx. */
void http_tx_record(const struct http_tx *tx, struct http_record *r);

/* Heap bytes of tx. */
size_t http_tx_mem(const struct http_tx *tx);

#endif
