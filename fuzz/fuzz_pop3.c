/* fuzz_pop3.c — libFuzzer target for the POP3 parser (src/proto/pop3/) and
 * its EVE formatter; input shape in fuzz_mail.h. */
#include "fuzz_mail.h"
#include "proto/pop3/pop3_eve.h"
#include "proto/pop3/pop3_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_pop3_format(struct json_buf *b, const void *record)
{
    pop3_eve_format(b, record);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_mail f = {
        .parser = &pop3_parser, .type = APP_RECORD_POP3, .format = fuzz_pop3_format};
    fuzz_mail_run(&f, data, size);
    return 0;
}
