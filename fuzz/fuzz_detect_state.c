/* fuzz_detect_state.c — libFuzzer target for the detectors' saved state
 * (behaviour_load_stream and every detector's and table's loader behind it).
 *
 * Input: a state file's bytes. Whatever they are, loading must end in a
 * clear result with bounded memory, and the detectors must keep working on
 * what was restored: a few observations are fed and scored afterwards.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/behaviour.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_alert(void *ctx, const struct bhv_alert *a)
{
    (void)ctx;
    (void)a;
}

static struct behaviour *small_behaviour(void)
{
    /* Small tables keep each run cheap; the built-in suffix list avoids
     * reading a file per input. */
    static const char *const sets[][2] = {
        {"detect.psl", "/nonexistent"},    {"observe.flow_names_max", "64"},
        {"observe.dns_pending_max", "64"}, {"beacon.max_pairs", "64"},
        {"beacon.max_candidates", "256"},  {"dns_tunnel.max_pairs", "64"},
        {"dns_tunnel.max_hosts", "64"},    {"exfil.max_hosts", "64"},
        {"exfil.max_pairs", "256"},        {"rare.fingerprints_max", "64"},
        {"rare.servers_max", "64"},        {"rare.hosts_max", "64"},
        {"rare.host_servers_max", "256"},  {"long_conn.pairs_max", "64"},
        {"long_conn.servers_max", "64"},   {"lateral.pairs_max", "64"},
        {"lateral.sources_max", "64"},     {"host_model.max_hosts", "64"},
    };
    struct behaviour_config cfg;
    char err[256];
    behaviour_config_default(&cfg);
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        behaviour_config_set(&cfg, sets[i][0], sets[i][1], err, sizeof(err));
    struct bhv_sink sink = {on_alert, NULL};
    return behaviour_new(&cfg, &sink, NULL, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct behaviour *b = small_behaviour();
    if (!b)
        abort(); /* a settings mistake here would make the target test nothing */
    FILE *fp = fmemopen((void *)data, size ? size : 1, "rb");
    if (fp && size) {
        char err[512];
        behaviour_load_stream(b, fp, "fuzz", NULL, err, sizeof(err));
    }
    if (fp)
        fclose(fp);
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.key.ip_version = 4;
    f.key.proto = 6;
    f.key.addr[0][0] = 10;
    f.key.addr[1][0] = 93;
    f.key.port[1] = 443;
    for (int i = 0; i < 8; i++) {
        f.flow_id = (uint64_t)i + 1;
        f.start_us = 1700000000000000ull + (uint64_t)i * 60000000ull;
        f.last_us = f.start_us + 1000000;
        f.pkts[0] = f.pkts[1] = 3;
        f.bytes[0] = 500;
        f.bytes[1] = 4000;
        behaviour_flow_end(b, &f);
        behaviour_advance(b, f.last_us);
    }
    behaviour_finish(b, f.last_us + 3600000000ull);
    behaviour_free(b);
    return 0;
}
