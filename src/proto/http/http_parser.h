/* http_parser.h — HTTP/1.0 and 1.1 over TCP as an app_parser (proto/app.h).
 *
 * Requests and responses are parsed incrementally (RFC 9112): start line,
 * header section, body framed by Content-Length, chunked coding or the close
 * of the connection. Responses are matched to requests in order (pipelining).
 * Each transaction becomes one APP_RECORD_HTTP (http_record.h); each non-empty
 * body one APP_RECORD_FILEINFO, hashed as it streams and never stored.
 * Stops at CONNECT 2xx and 101 (the bytes after are another protocol).
 * Not HTTP/2 or HTTP/3; no content decoding (gzip bodies are hashed as sent).
 * Caps and anomalies: docs/protocols/http.md.
 */
#ifndef HRADBA_PROTO_HTTP_PARSER_H
#define HRADBA_PROTO_HTTP_PARSER_H

#include <stdint.h>

#include "proto/app.h"

enum {
    /* Kept bytes of a start line, header line, chunk-size line: RFC 9112 §3
     * recommends supporting request lines of at least 8000 octets. Longer
     * lines are cut (an anomaly), not fatal. */
    HTTP_LINE_MAX = 8192,
    HTTP_HEADERS_MAX = 128,          /* fields per header section (or trailer) */
    HTTP_HEAD_BYTES_MAX = 65536,     /* start line plus header section: beyond, stop */
    HTTP_STORE_MAX = 16384,          /* bytes of kept field values per transaction */
    HTTP_PENDING_MAX = 256,          /* transactions waiting for their end */
    HTTP_PENDING_BYTES_MAX = 262144, /* their heap bytes, before a new request */
    /* What state_mem never exceeds: the pending bytes, two transactions
     * growing past them, two line buffers, digests and the state itself. */
    HTTP_STATE_MEM_MAX = HTTP_PENDING_BYTES_MAX + 2 * HTTP_STORE_MAX + 2 * HTTP_LINE_MAX + 8192,
};

/* No real chunk is a terabyte; larger sizes are hostile (0xffff...). */
#define HTTP_CHUNK_SIZE_MAX ((uint64_t)1 << 40)

extern const struct app_parser http_parser;

#endif
