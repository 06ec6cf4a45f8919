/* fuzz_stix_pattern.c — libFuzzer target for the STIX 2.1 pattern parser,
 * checks, atom extraction and evaluator (src/intel/pattern/).
 *
 * Input: the pattern text, copied to an exact-size buffer (no NUL) so ASan sees
 * a read one past its end. A parsed pattern is evaluated against a fixed
 * observation holding every object type the sensor produces; its atoms are
 * checked for consistency. A rejected pattern must carry an in-range offset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_observation.h"
#include "intel/pattern/stix_pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void build_observation(struct stix_observation *obs)
{
    int src = stix_observation_add_value_object(obs, "ipv4-addr", "198.51.100.7");
    int dst = stix_observation_add_value_object(obs, "ipv6-addr", "2001:db8::1");
    stix_observation_add_value_object(obs, "domain-name", "Example.COM");
    stix_observation_add_value_object(obs, "url", "http://example.com/a%20b?q=1");
    stix_observation_add_value_object(obs, "email-addr", "alice@example.com");
    int file = stix_observation_add_object(obs, "file");
    stix_observation_add_hash(obs, (size_t)file, "MD5", "D41D8CD98F00B204E9800998ECF8427E");
    stix_observation_add_hash(obs, (size_t)file, "sha256",
                              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    int cert = stix_observation_add_object(obs, "x509-certificate");
    stix_observation_add_string(obs, (size_t)cert, "serial_number", "36:f7:d4:32:f4:ab:70:ea");
    stix_observation_add_string(obs, (size_t)cert, "subject", "CN=example.com, O=Example");
    static const char *const protos[] = {"ipv4", "tcp", "tls", NULL};
    stix_observation_add_network_traffic(obs, src, dst, 49152, 443, protos);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct stix_observation obs;
    static int ready;
    if (!ready) {
        stix_observation_init(&obs, 0);
        build_observation(&obs);
        ready = 1;
    }
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    struct stix_pattern_counters counters;
    memset(&counters, 0, sizeof counters);
    struct stix_pattern_error err;
    struct stix_pattern *p = stix_pattern_parse_counted(text, size, &counters, &err);
    if (!p) {
        if (err.offset > size || err.message[0] == '\0')
            abort();
    } else {
        enum stix_eval_result r = stix_pattern_eval(p, &obs, &counters);
        if (r != STIX_EVAL_NO_MATCH && r != STIX_EVAL_MATCH && r != STIX_EVAL_NOT_EVALUATED &&
            r != STIX_EVAL_ERROR)
            abort();
        if (r == STIX_EVAL_NOT_EVALUATED && stix_pattern_is_single_observation(p))
            abort();
        size_t n;
        const struct stix_pattern_atom *atoms = stix_pattern_atoms(p, &n);
        if (stix_pattern_is_simple(p) != (atoms != NULL) || (atoms && n == 0))
            abort();
        for (size_t k = 0; k < n; k++)
            if (!atoms[k].object_type || !atoms[k].path || !atoms[k].value ||
                strlen(atoms[k].value) != atoms[k].value_len)
                abort();
    }
    stix_pattern_free(p);
    free(text);
    return 0;
}
