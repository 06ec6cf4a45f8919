/* fuzz_imap.c — libFuzzer target for the IMAP parser (src/proto/imap/) and
 * its EVE formatter; input shape in fuzz_mail.h. */
#include "fuzz_mail.h"
#include "proto/imap/imap_eve.h"
#include "proto/imap/imap_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_imap_format(struct json_buf *b, const void *record)
{
    imap_eve_format(b, record);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_mail f = {
        .parser = &imap_parser, .type = APP_RECORD_IMAP, .format = fuzz_imap_format};
    fuzz_mail_run(&f, data, size);
    return 0;
}
