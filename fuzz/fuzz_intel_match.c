/* fuzz_intel_match.c — libFuzzer target for the indicator matcher
 * (src/intel/match/): builds a matcher from fuzzer-chosen values and looks up
 * fuzzer-chosen keys, comparing every answer with the naive reference of the
 * unit tests; a disagreement aborts.
 *
 * Input: one byte, the number of values (at most 64); per value: kind, ref,
 * length, bytes; then lookups to the end: op, length, bytes. op % 4: 0 an IP
 * (16 bytes, family 4 when the length is odd), 1 a domain, 2 an exact kind
 * (op / 4), 3 a value added earlier (first byte picks it), with a prefix
 * label for domains.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/intel/match/match_naive.h"
#include "intel/match/intel_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_value {
    enum intel_kind kind;
    const char *p;
    size_t len;
};

static void fuzz_lookup_value(struct naive *nv, const struct intel_match *m,
                              const struct fuzz_value *v)
{
    if (v->kind == INTEL_KIND_IPV4 || v->kind == INTEL_KIND_IPV6) {
        char text[64];
        size_t n = v->len < sizeof(text) - 1 ? v->len : sizeof(text) - 1;
        memcpy(text, v->p, n);
        text[n] = '\0';
        char *slash = strchr(text, '/');
        if (slash)
            *slash = '\0';
        uint8_t a[16] = {0};
        if (inet_pton(AF_INET, text, a) == 1 && !naive_check_ip(nv, m, a, 4))
            abort();
        if (inet_pton(AF_INET6, text, a) == 1 && !naive_check_ip(nv, m, a, 6))
            abort();
    } else if (v->kind == INTEL_KIND_DOMAIN) {
        char name[300];
        size_t n = v->len < 290 ? v->len : 290;
        memcpy(name, "Ab.", 3);
        memcpy(name + 3, v->p, n);
        if (!naive_check_domain(nv, m, name, n + 3) || !naive_check_domain(nv, m, v->p, v->len))
            abort();
    } else if (!naive_check_exact(nv, m, v->kind, v->p, v->len)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_value values[64];
    size_t nvalues = 0;
    if (size < 1)
        return 0;
    size_t want = data[0] % 65, at = 1;
    struct intel_match_builder *b = intel_match_builder_new();
    struct naive nv = {0};
    if (!b)
        return 0;
    while (nvalues < want && size - at >= 3) {
        enum intel_kind kind = (enum intel_kind)(data[at] % INTEL_KIND_COUNT);
        uint32_t ref = data[at + 1] & 0x80 ? 0x80000000u | data[at + 1] : data[at + 1];
        size_t len = data[at + 2];
        at += 3;
        if (len > size - at)
            len = size - at;
        /* An exact-size copy, so ASan sees a read one past the value. */
        char *copy = malloc(len ? len : 1);
        if (!copy)
            abort();
        memcpy(copy, data + at, len);
        at += len;
        int rc = intel_match_builder_add(b, kind, copy, len, ref);
        int want_rc = naive_add(&nv, kind, copy, len, ref);
        free(copy);
        if ((rc == 0) != (want_rc == 0))
            abort();
        values[nvalues++] = (struct fuzz_value){kind, (const char *)data + at - len, len};
    }
    struct intel_match *m = intel_match_build(b);
    if (!m)
        abort();
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    while (size - at >= 2) {
        uint8_t op = data[at];
        size_t len = data[at + 1];
        at += 2;
        if (len > size - at)
            len = size - at;
        char *key = malloc(len ? len : 1);
        if (!key)
            abort();
        memcpy(key, data + at, len);
        at += len;
        switch (op % 4) {
        case 0: {
            uint8_t a[16] = {0};
            memcpy(a, key, len < 16 ? len : 16);
            if (len > 6 && len < 16)
                memcpy(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12); /* IPv4-mapped */
            if (!naive_check_ip(&nv, m, a, len & 1 ? 4 : 6))
                abort();
            break;
        }
        case 1:
            if (!naive_check_domain(&nv, m, key, len))
                abort();
            break;
        case 2: {
            enum intel_kind kind = (enum intel_kind)((op / 4) % INTEL_KIND_COUNT);
            if (kind >= INTEL_KIND_URL && !naive_check_exact(&nv, m, kind, key, len))
                abort();
            break;
        }
        default:
            if (nvalues && len)
                fuzz_lookup_value(&nv, m, &values[(uint8_t)key[0] % nvalues]);
            break;
        }
        free(key);
    }
    for (size_t i = 0; i < nvalues; i++)
        fuzz_lookup_value(&nv, m, &values[i]);
    intel_match_free(m);
    intel_match_builder_free(b);
    naive_free(&nv);
    return 0;
}
