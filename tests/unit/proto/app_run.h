/* app_run.h — one flow through an app-layer parser, for the unit tests of
 * the parsers that need no more (FTP, MySQL, SOCKS).
 *
 * Each call's octets come from an exact-size copy (ASan sees a read one
 * past it) with handover_at preset as the stream layer does; once the
 * parser answers anything but APP_OK, later calls do nothing and return
 * that answer. Anomalies are collected by name and must be the parser's;
 * other records go to the test's on_record, or fail the test when it has
 * none. Static inline functions.
 */
#ifndef HRADBA_TESTS_UNIT_PROTO_APP_RUN_H
#define HRADBA_TESTS_UNIT_PROTO_APP_RUN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/app.h"

#include <cmocka.h>

enum { APP_RUN_ANOMALIES_MAX = 16 };

struct app_run {
    const struct app_parser *parser;
    void *st;
    const char *anomalies[APP_RUN_ANOMALIES_MAX]; /* the first ones, by name */
    size_t anomaly_count;
    enum app_result result; /* the last answer */
    size_t handover_at;     /* out->handover_at after the last call */
    size_t calls;
    /* Takes a record other than an anomaly; NULL: the parser writes none. */
    void (*on_record)(struct app_run *r, enum app_record type, const void *record);
    void *ctx; /* the test's own, for on_record */
};

static inline void app_run_emit(void *ctx, enum app_record type, const void *record)
{
    struct app_run *r = ctx;
    if (type != APP_RECORD_ANOMALY) {
        if (!r->on_record)
            fail_msg("%s wrote a record of type %d", r->parser->name, (int)type);
        r->on_record(r, type, record);
        return;
    }
    const struct app_anomaly *a = record;
    assert_int_equal(a->proto, r->parser->proto);
    if (r->anomaly_count < APP_RUN_ANOMALIES_MAX)
        r->anomalies[r->anomaly_count++] = a->event;
}

/* A fresh flow of parser (on_record and ctx NULL until the test sets them). */
static inline void app_run_init(struct app_run *r, const struct app_parser *parser)
{
    memset(r, 0, sizeof(*r));
    r->parser = parser;
    r->st = parser->state_new();
    assert_non_null(r->st);
    r->result = APP_OK;
}

static inline void app_run_fini(struct app_run *r)
{
    r->parser->state_free(r->st);
}

/* One call's octets; returns the parser's answer. */
static inline enum app_result app_run_feed(struct app_run *r, enum flow_dir dir, const void *data,
                                           size_t len)
{
    if (r->result != APP_OK)
        return r->result;
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, data, len);
    struct app_out out = {app_run_emit, r, 1, dir, len};
    r->result = r->parser->parse(r->st, dir, copy, len, &out);
    r->handover_at = out.handover_at;
    r->calls++;
    free(copy);
    return r->result;
}

/* A whole array in one call. */
#define APP_RUN_FEED(r, dir, arr) app_run_feed((r), (dir), (arr), sizeof(arr))

static inline enum app_result app_run_str(struct app_run *r, enum flow_dir dir, const char *s)
{
    return app_run_feed(r, dir, s, strlen(s));
}

/* len octets of dir lost. */
static inline enum app_result app_run_gap(struct app_run *r, enum flow_dir dir, uint64_t len)
{
    struct app_out out = {app_run_emit, r, 1, dir, 0};
    if (r->result == APP_OK)
        r->result = r->parser->gap(r->st, dir, len, &out);
    return r->result;
}

/* The flow ends while the parser still reads it. */
static inline void app_run_end(struct app_run *r)
{
    struct app_out out = {app_run_emit, r, 1, FLOW_TOSERVER, 0};
    if (r->result == APP_OK && r->parser->flow_end)
        r->parser->flow_end(r->st, &out);
}

static inline bool app_run_has_anomaly(const struct app_run *r, const char *name)
{
    for (size_t i = 0; i < r->anomaly_count; i++)
        if (strcmp(r->anomalies[i], name) == 0)
            return true;
    return false;
}

#endif
