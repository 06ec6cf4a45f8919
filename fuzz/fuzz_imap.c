/* fuzz_imap.c — libFuzzer target for the IMAP parser (src/proto/imap/) and
 * its EVE formatter.
 *
 * Input: chunked (fuzz_app.h), gaps of (flags >> 2) + 1 octets. Each
 * record is formatted and the JSON checked; exactly one record per flow.
 */
#include "fuzz_app.h"
#include "proto/imap/imap_eve.h"
#include "proto/imap/imap_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_imap_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    (void)type;
    imap_eve_format(&f->b, record);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_app f = {.parser = &imap_parser,
                         .type = APP_RECORD_IMAP,
                         .format = fuzz_imap_format,
                         .is_summary = true};
    fuzz_app_run_chunks(&f, data, size);
    return 0;
}
