/* fuzz_socks.c — libFuzzer target for the SOCKS parser (src/proto/socks/)
 * and its EVE formatter.
 *
 * Input: header octets (fuzz_app.h). Records are formatted and checked; a
 * hand-over point outside the call's data aborts.
 */
#include "fuzz_app.h"
#include "proto/socks/socks_eve.h"
#include "proto/socks/socks_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_socks_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    (void)type;
    const struct socks_record *r = record;
    if (r->user_len > 255 || r->dest_host_len > 255 || (r->version != 4 && r->version != 5))
        abort();
    socks_eve_format(&f->b, r);
}

static void fuzz_socks_check(enum flow_dir dir, size_t n, enum app_result r,
                             const struct app_out *out)
{
    (void)dir;
    if (r == APP_REDETECT && out->handover_at > n)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_app f = {.parser = &socks_parser,
                         .type = APP_RECORD_SOCKS,
                         .format = fuzz_socks_format,
                         .check = fuzz_socks_check};
    void *st = fuzz_app_begin(&f);
    enum app_result r = fuzz_app_octets(&f, st, data, size);
    if (st && socks_parser.state_mem(st) == 0)
        abort();
    if (st && r == APP_OK)
        socks_parser.flow_end(st, &f.out);
    fuzz_app_end(&f, st);
    return 0;
}
