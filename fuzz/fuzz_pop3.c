/* fuzz_pop3.c — libFuzzer target for the POP3 parser (src/proto/pop3/) and
 * its EVE formatter.
 *
 * Input: chunked (fuzz_app.h), gaps of (flags >> 2) + 1 octets. Each
 * record is formatted and the JSON checked; exactly one record per flow.
 */
#include "fuzz_app.h"
#include "proto/pop3/pop3_eve.h"
#include "proto/pop3/pop3_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_pop3_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    (void)type;
    pop3_eve_format(&f->b, record);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_app f = {.parser = &pop3_parser,
                         .type = APP_RECORD_POP3,
                         .format = fuzz_pop3_format,
                         .is_summary = true};
    fuzz_app_run_chunks(&f, data, size);
    return 0;
}
