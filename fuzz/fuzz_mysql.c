/* fuzz_mysql.c — libFuzzer target for the MySQL connection-phase parser
 * (src/proto/mysql/).
 *
 * Input: header octets (fuzz_app.h). Only anomalies may be emitted; a
 * hand-over comes only with client octets and its point lies inside the
 * call's data; the state never grows.
 */
#include "fuzz_app.h"
#include "proto/mysql/mysql_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_mysql_check(enum flow_dir dir, size_t n, enum app_result r,
                             const struct app_out *out)
{
    if ((r == APP_SWITCH_TLS || r == APP_REDETECT) && dir != FLOW_TOSERVER)
        abort();
    if (r == APP_REDETECT && out->handover_at >= n)
        abort(); /* redetection only when octets follow the request */
    if (r == APP_SWITCH_TLS && out->handover_at != n)
        abort();
    if (r == APP_ERROR)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_app f = {.parser = &mysql_parser, .check = fuzz_mysql_check};
    void *st = fuzz_app_begin(&f);
    size_t mem = st ? mysql_parser.state_mem(st) : 0;
    fuzz_app_octets(&f, st, data, size);
    if (st && mysql_parser.state_mem(st) != mem)
        abort(); /* the state is fixed: nothing grows with the input */
    fuzz_app_end(&f, st);
    return 0;
}
