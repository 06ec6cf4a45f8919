/* fuzz_ftp.c — libFuzzer target for the FTP control-connection parser
 * (src/proto/ftp/).
 *
 * Input: chunked (fuzz_app.h), gaps of (flags >> 2) + 1 octets; the probe
 * also sees all the input after the selector from both sides. The parser
 * writes no records, only anomalies; the hand-over to TLS may come only
 * with a server reply, and the state stays within its bound.
 */
#include "fuzz_app.h"
#include "proto/ftp/ftp_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_FTP_STATE_MAX = 4096 }; /* the state and two 64-octet line buffers, generously */

static void fuzz_ftp_check(enum flow_dir dir, size_t n, enum app_result r,
                           const struct app_out *out)
{
    (void)n;
    (void)out;
    if (r == APP_SWITCH_TLS && dir != FLOW_TOCLIENT)
        abort();
    if (r == APP_REDETECT || r == APP_ERROR)
        abort(); /* not answers this parser gives */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0) {
        ftp_parser.probe(FLOW_TOSERVER, data + 1, size - 1);
        ftp_parser.probe(FLOW_TOCLIENT, data + 1, size - 1);
    }
    struct fuzz_app f = {
        .parser = &ftp_parser, .check = fuzz_ftp_check, .state_mem_max = FUZZ_FTP_STATE_MAX};
    fuzz_app_run_chunks(&f, data, size);
    return 0;
}
