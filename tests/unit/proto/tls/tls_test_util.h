/* tls_test_util.h — helpers for the TLS unit tests: an app_out that keeps
 * the records and anomalies, a byte builder for hand-made (hostile) hellos
 * and records, and runs of the parser over both directions with chosen
 * chunking. */
#ifndef HRADBA_TESTS_TLS_TEST_UTIL_H
#define HRADBA_TESTS_TLS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/tls/tls_record.h"

enum { TCAP_MAX = 64 };

struct tls_capture {
    struct app_out out;
    size_t record_count;
    struct tls_record *rec; /* a copy of the last record (san pointers rebased) */
    size_t anomaly_count;
    const char *anomalies[TCAP_MAX];
    size_t max_mem;       /* largest state_mem seen during the run */
    enum app_result last; /* the parser's last verdict */
};

void tcap_init(struct tls_capture *c);
void tcap_fini(struct tls_capture *c);
size_t tcap_count(const struct tls_capture *c, const char *event);
/* Fails the test unless `event` was among the anomalies. */
void tcap_expect(const struct tls_capture *c, const char *event);

/* Feeds client then server bytes (each in chunks of at most `chunk` bytes,
 * 0 = whole), alternating directions chunk by chunk, until the parser says
 * done; then flow_end if it never did. */
void tls_run(struct tls_capture *c, const uint8_t *cl, size_t cl_len, const uint8_t *sv,
             size_t sv_len, size_t chunk);
/* Client bytes split once at cs, server bytes once at ss; client first. */
void tls_run_split(struct tls_capture *c, const uint8_t *cl, size_t cl_len, size_t cs,
                   const uint8_t *sv, size_t sv_len, size_t ss);

/* A growable byte builder. */
struct tb {
    uint8_t *b;
    size_t len, cap;
};
void tb_init(struct tb *t);
void tb_fini(struct tb *t);
void tb_u8(struct tb *t, unsigned v);
void tb_u16(struct tb *t, unsigned v);
void tb_u24(struct tb *t, uint32_t v);
void tb_bytes(struct tb *t, const void *p, size_t n);
void tb_fill(struct tb *t, uint8_t v, size_t n);
/* Marks a length prefix of `width` bytes to fill in later by tb_close. */
size_t tb_open(struct tb *t, size_t width);
void tb_close(struct tb *t, size_t mark, size_t width);

/* Options for a hand-made hello. Zero values mean "leave out". */
struct hello_opts {
    uint16_t version;        /* legacy_version; default 0x0303 */
    const uint16_t *ciphers; /* default {0x1301, 0xc02f} */
    size_t cipher_count;
    const uint8_t *session_id;
    size_t session_id_len;
    const char *sni;
    const char *const *alpn;
    size_t alpn_count;
    const uint16_t *versions; /* client supported_versions */
    size_t version_count;
    uint16_t selected_version; /* server supported_versions */
    const uint16_t *groups;
    size_t group_count;
    const uint16_t *sig_algs;
    size_t sig_alg_count;
    bool has_point_formats;
    const uint8_t *ticket; /* session_ticket data (len 0 with has_ticket: empty) */
    size_t ticket_len;
    bool has_ticket;
    bool has_psk; /* server: pre_shared_key selected identity 0 */
    bool has_key_share;
    bool is_hrr;                /* server: the HelloRetryRequest random */
    const uint16_t *grease_ext; /* extra empty extensions to insert first */
    size_t grease_ext_count;
    uint16_t cipher; /* server: chosen suite; default 0x1301 */
};

/* A ClientHello / ServerHello body (no handshake header). */
void tb_client_hello_body(struct tb *t, const struct hello_opts *o);
void tb_server_hello_body(struct tb *t, const struct hello_opts *o);
/* A handshake message: type, u24 length, body. */
void tb_handshake(struct tb *t, uint8_t type, const uint8_t *body, size_t len);
/* Records of type `content` (version 0x0303) carrying data in pieces of at
 * most `max` bytes (0: one record). */
void tb_records(struct tb *t, uint8_t content, const uint8_t *data, size_t len, size_t max);

/* Strips the record headers of a TLS byte stream: the handshake bytes, to
 * re-frame in other record sizes. Stops at the first non-handshake
 * record. */
void tls_unrecord(const uint8_t *in, size_t len, struct tb *out);

#endif
