/* smtp_test_util.h — runs the SMTP parser over scripted or recorded
 * sessions for the unit tests, keeping every record as parsed-back JSON
 * (jansson, an independent reader) and every anomaly. */
#ifndef HRADBA_TESTS_SMTP_TEST_UTIL_H
#define HRADBA_TESTS_SMTP_TEST_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"

enum { SMTP_RUN_MAX = 64 };

struct smtp_run {
    size_t split; /* feed pieces of this many bytes; 0: whole chunks */
    void *st;
    enum app_result result; /* the first non-APP_OK result, or APP_OK */
    size_t tx_count;
    json_t *tx[SMTP_RUN_MAX]; /* each smtp event's top object: tx_id, smtp, email */
    size_t file_count;
    json_t *file[SMTP_RUN_MAX]; /* each fileinfo event: smtp, email, fileinfo */
    size_t anomaly_count;
    const char *anomalies[SMTP_RUN_MAX];
    size_t max_mem; /* largest state_mem seen */
};

/* One scripted step: text sent in dir (len 0: strlen), or a gap. */
struct smtp_step {
    enum flow_dir dir;
    const char *text;
    size_t len;
    uint64_t gap;
};

void smtp_run_start(struct smtp_run *r, size_t split);
/* Feeds bytes (split into r->split pieces); ignored once a result stopped the flow. */
void smtp_run_feed(struct smtp_run *r, enum flow_dir dir, const void *data, size_t len);
void smtp_run_gap(struct smtp_run *r, enum flow_dir dir, uint64_t len);
/* Ends the flow (flow_end) and frees the state. */
void smtp_run_end(struct smtp_run *r);
void smtp_run_fini(struct smtp_run *r);

/* start + steps + end. */
void smtp_run_steps(struct smtp_run *r, size_t split, const struct smtp_step *steps, size_t n);
/* start + a session file (the chunked shape of fuzz/fuzz_app.h) + end. */
void smtp_run_file(struct smtp_run *r, const char *path);

bool smtp_run_has_anomaly(const struct smtp_run *r, const char *event);
/* A value by path from transaction i: "smtp.mail_from", "email.to.0",
 * "email.attachments.0.sha256"; NULL when absent. */
json_t *smtp_run_get(const struct smtp_run *r, size_t i, const char *path);
const char *smtp_run_str(const struct smtp_run *r, size_t i, const char *path);
/* All of a run's records as one JSON text (for comparing runs). */
char *smtp_run_dump(const struct smtp_run *r);

#endif
