/* fuzz_http.c — libFuzzer target for the HTTP parser (src/proto/http/), its
 * EVE formatter and the fileinfo formatter.
 *
 * Input: chunked (fuzz_app.h), with gaps of 2^((flags >> 2) & 15) octets
 * and selector bit 6 skipping flow_end. Every record is formatted and the
 * JSON checked; the state's memory must stay under HTTP_STATE_MEM_MAX.
 */
#include "fuzz_app.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/http/http_eve.h"
#include "proto/http/http_parser.h"
#include "proto/http/http_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_http_check_str(struct http_str s)
{
    /* Strings are NUL-terminated at len: touch both ends. */
    if (s.ptr && s.ptr[s.len] != '\0')
        abort();
}

static void fuzz_http_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    if (type == APP_RECORD_FILEINFO) {
        const struct fileinfo_record *fi = record;
        if (fi->parent)
            http_eve_format(&f->b, fi->parent);
        fileinfo_eve_format(&f->b, fi);
        return;
    }
    const struct http_record *r = record;
    fuzz_http_check_str(r->url);
    fuzz_http_check_str(r->hostname);
    fuzz_http_check_str(r->http_user_agent);
    fuzz_http_check_str(r->http_content_type);
    http_eve_format(&f->b, r);
}

static uint64_t fuzz_http_gap_len(uint8_t flags)
{
    return (uint64_t)1 << ((flags >> 2) & 15);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_app f = {.parser = &http_parser,
                         .type = APP_RECORD_HTTP,
                         .format = fuzz_http_format,
                         .has_files = true,
                         .gap_len = fuzz_http_gap_len,
                         .state_mem_max = HTTP_STATE_MEM_MAX};
    void *st = fuzz_app_begin(&f);
    if (fuzz_app_chunks(&f, st, data, size) && f.result == APP_OK && !(f.sel & 0x40))
        http_parser.flow_end(st, &f.out);
    fuzz_app_end(&f, st);
    return 0;
}
