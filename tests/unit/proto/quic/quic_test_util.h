/* quic_test_util.h — helpers for the QUIC unit tests: an app_out that keeps
 * every anomaly and every record (as its EVE "quic" JSON), and a sealer
 * that builds protected Initial packets (RFC 9001 §5.3–5.4, the inverse of
 * quic_initial_open) so hand-made payloads reach the parser encrypted. */
#ifndef HRADBA_TESTS_QUIC_TEST_UTIL_H
#define HRADBA_TESTS_QUIC_TEST_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/quic/quic_initial.h"

enum { QCAP_MAX = 64 };

struct quic_capture {
    struct app_out out;
    size_t record_count;
    size_t anomaly_count;
    const char *anomalies[QCAP_MAX];
    enum flow_dir anomaly_dir[QCAP_MAX];
    json_t *records[QCAP_MAX]; /* {"quic": {...}} as quic_eve_format wrote it */
};

void qcap_init(struct quic_capture *c);
void qcap_fini(struct quic_capture *c);
/* Number of anomalies named event. */
size_t qcap_count(const struct quic_capture *c, const char *event);
/* The string at "quic".key of record i, or NULL. */
const char *qcap_str(const struct quic_capture *c, size_t i, const char *key);

/* Feeds one datagram (copied to an exact-size heap buffer). */
enum app_result qfeed(void *st, enum flow_dir dir, const void *data, size_t len,
                      struct quic_capture *c);

/* Builds a protected long-header Initial of version v into out (cap
 * bytes): DCID/SCID as given, packet number pn (2-byte encoding), payload
 * padded with PADDING to at least min_payload bytes. Returns its length,
 * or 0 when out is too small. */
size_t qseal(const struct quic_version_info *v, const struct quic_keys *k, const uint8_t *dcid,
             size_t dcid_len, const uint8_t *scid, size_t scid_len, uint32_t pn,
             const uint8_t *payload, size_t payload_len, size_t min_payload, uint8_t *out,
             size_t cap);

/* hex digits (whitespace ignored) into out; returns bytes written. */
size_t qhex(const char *hex, uint8_t *out, size_t cap);

#endif
