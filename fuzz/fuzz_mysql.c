/* fuzz_mysql.c — libFuzzer target for the MySQL connection-phase parser
 * (src/proto/mysql/).
 *
 * Input: a sequence of chunks, each one header octet and its octets. The
 * header's top bit picks the direction (set: server to client); its low 7
 * bits are the length, 0 meaning "a gap of one octet" and 127 "the rest of
 * the input". The probe sees the whole input from both sides first. Every
 * chunk is copied to an exact-size buffer so ASan sees a read one past its
 * end. Only anomalies may be emitted; a hand-over comes only with client
 * octets and its point lies inside the call's data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/app.h"
#include "proto/mysql/mysql_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_mysql_emit(void *ctx, enum app_record type, const void *record)
{
    (void)ctx;
    const struct app_anomaly *a = record;
    if (type != APP_RECORD_ANOMALY || !a->event || a->proto != APP_PROTO_MYSQL)
        abort();
}

static enum app_result fuzz_mysql_feed(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                       struct app_out *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return APP_ERROR;
    if (len)
        memcpy(copy, data, len);
    out->dir = dir;
    out->handover_at = len;
    enum app_result r = mysql_parser.parse(st, dir, copy, len, out);
    free(copy);
    if ((r == APP_SWITCH_TLS || r == APP_REDETECT) && dir != FLOW_TOSERVER)
        abort();
    if (r == APP_REDETECT && out->handover_at >= len)
        abort(); /* redetection only when octets follow the request */
    if (r == APP_SWITCH_TLS && out->handover_at != len)
        abort();
    if (r == APP_ERROR)
        abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct app_out out = {fuzz_mysql_emit, NULL, 1, FLOW_TOSERVER, 0};
    mysql_parser.probe(FLOW_TOSERVER, data, size);
    mysql_parser.probe(FLOW_TOCLIENT, data, size);
    void *st = mysql_parser.state_new();
    if (!st)
        return 0;
    size_t mem = mysql_parser.state_mem(st);
    enum app_result r = APP_OK;
    size_t off = 0;
    while (off < size && r == APP_OK) {
        uint8_t h = data[off++];
        enum flow_dir dir = (h & 0x80) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t n = h & 0x7f;
        if (n == 0) {
            r = mysql_parser.gap(st, dir, 1, &out);
            continue;
        }
        if (n == 0x7f || n > size - off)
            n = size - off;
        r = fuzz_mysql_feed(st, dir, data + off, n, &out);
        off += n;
    }
    if (mysql_parser.state_mem(st) != mem)
        abort(); /* the state is fixed: nothing grows with the input */
    mysql_parser.state_free(st);
    return 0;
}
