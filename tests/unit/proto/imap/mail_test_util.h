/* mail_test_util.h — runs the IMAP or POP3 parser over scripted or
 * recorded sessions for the unit tests, keeping the one summary record as
 * parsed-back JSON (jansson, an independent reader) and every anomaly.
 * Shared by tests/unit/proto/imap and tests/unit/proto/pop3. */
#ifndef HRADBA_TESTS_MAIL_TEST_UTIL_H
#define HRADBA_TESTS_MAIL_TEST_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/json_buf.h"
#include "proto/app.h"

enum { MAIL_RUN_ANOMALY_MAX = 32 };

struct mail_run {
    const struct app_parser *parser;
    enum app_record type;
    const char *key; /* "imap" or "pop3" */
    void (*format)(struct json_buf *b, const void *record);
    size_t split; /* feed pieces of this many bytes; 0: whole chunks */
    void *st;
    enum app_result result; /* the first non-APP_OK result, or APP_OK */
    size_t record_count;
    json_t *json; /* the protocol object of the record */
    char *text;   /* the whole formatted line */
    size_t anomaly_count;
    const char *anomalies[MAIL_RUN_ANOMALY_MAX];
    size_t max_mem; /* largest state_mem seen */
};

/* One scripted step: text sent in dir (len 0: strlen), or a gap. */
struct mail_step {
    enum flow_dir dir;
    const char *text;
    size_t len;
    uint64_t gap;
};

void mail_run_start(struct mail_run *r);
/* Feeds bytes (split into r->split pieces); ignored once a result stopped the flow. */
void mail_run_feed(struct mail_run *r, enum flow_dir dir, const void *data, size_t len);
void mail_run_gap(struct mail_run *r, enum flow_dir dir, uint64_t len);
/* Ends the flow (flow_end) and frees the state. */
void mail_run_end(struct mail_run *r);
void mail_run_fini(struct mail_run *r);

/* start + steps + end. */
void mail_run_steps(struct mail_run *r, const struct mail_step *steps, size_t n);
/* start + a session file (the chunked shape of fuzz/fuzz_app.h) + end. */
void mail_run_file(struct mail_run *r, const char *path);

bool mail_run_has_anomaly(const struct mail_run *r, const char *event);
/* A field of the protocol object; NULL when absent. */
json_t *mail_run_get(const struct mail_run *r, const char *field);
uint64_t mail_run_u64(const struct mail_run *r, const char *field);
const char *mail_run_str(const struct mail_run *r, const char *field);
/* "a,b,c" from a string array field ("" when absent). */
const char *mail_run_list(const struct mail_run *r, const char *field, char *buf, size_t size);

#endif
