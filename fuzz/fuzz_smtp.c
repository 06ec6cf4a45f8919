/* fuzz_smtp.c — libFuzzer target for the SMTP parser (src/proto/smtp/),
 * the MIME reader under it (src/proto/mime/) and their EVE formatters.
 *
 * Input: chunked (fuzz_app.h), gaps of (flags >> 2) + 1 octets. Unlike
 * IMAP and POP3, SMTP gives one record per transaction plus one fileinfo
 * record per attachment, each checked here: a fileinfo record belongs to
 * the transaction record just written.
 */
#include "fuzz_app.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/smtp/smtp_eve.h"
#include "proto/smtp/smtp_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_SMTP_STATE_MAX = 512 * 1024 }; /* two lines, the state, one message */

static void fuzz_smtp_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    if (type == APP_RECORD_SMTP) {
        smtp_eve_format(&f->b, record);
        return;
    }
    const struct fileinfo_record *r = record;
    if (!r->parent || r->parent != f->last)
        abort();
    smtp_eve_format_objects(&f->b, r->parent);
    fileinfo_eve_format(&f->b, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_app f = {.parser = &smtp_parser,
                         .type = APP_RECORD_SMTP,
                         .format = fuzz_smtp_format,
                         .has_files = true,
                         .state_mem_max = FUZZ_SMTP_STATE_MAX};
    fuzz_app_run_chunks(&f, data, size);
    return 0;
}
