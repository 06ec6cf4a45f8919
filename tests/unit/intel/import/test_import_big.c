/* test_import_big.c — a generated 100 MB STIX bundle (indicators first, the
 * intrusion set and relationships last) is read with memory bounded by one
 * object: every indicator is delivered, related objects are resolved across
 * the file, and the importer's own memory counters stay small. Without
 * sanitizers the process's peak RSS is checked too. A second bundle gives
 * every one of 200,000 indicators its own relationship: all resolve, and
 * the resolution tables are small enough that a million indicators with a
 * million relationships fit INTEL_IMPORT_RESOLVE_MAX.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "import_test.h"

#include <cmocka.h>

#if defined(__SANITIZE_ADDRESS__)
#define HAS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAS_ASAN 1
#endif
#endif

#define TARGET_BYTES (100u * 1024u * 1024u)
#define SET_ID "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b"

struct counting {
    uint64_t count, related;
};

static int count_indicator(void *ctx, const struct intel_indicator *ind)
{
    struct counting *c = ctx;
    c->count++;
    if (ind->related_count == 1 && !strcmp(ind->related[0].external_id, "G0128"))
        c->related++;
    return 0;
}

static void count_error(void *ctx, const struct intel_import_error *e)
{
    (void)ctx;
    fprintf(stderr, "unexpected error: %s:%llu: %s\n", e->path, (unsigned long long)e->line,
            e->message);
    fail();
}

/* Writes the bundle; returns the number of indicators. */
static uint64_t write_bundle(FILE *f)
{
    fputs(
        "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--9a0b6c1d-2e3f-4a5b-8c7d-0e1f2a3b4c5d\",\n"
        "  \"objects\": [\n",
        f);
    uint64_t n = 0;
    for (; ftell(f) < (long)TARGET_BYTES; n++) {
        fprintf(f,
                "    {\n      \"type\": \"indicator\",\n      \"spec_version\": \"2.1\",\n"
                "      \"id\": \"indicator--%08llx-0000-4000-8000-%012llx\",\n"
                "      \"created\": \"2024-01-01T00:00:00.000Z\",\n"
                "      \"modified\": \"2024-01-01T00:00:00.000Z\",\n"
                "      \"name\": \"generated indicator %llu\",\n"
                "      \"description\": \"A generated indicator, with \\\"quotes\\\", "
                "brackets ]}[{ and escapes \\\\ inside strings.\",\n"
                "      \"indicator_types\": [\"malicious-activity\"],\n"
                "      \"pattern\": \"[ipv4-addr:value = '10.%llu.%llu.%llu']\",\n"
                "      \"pattern_type\": \"stix\",\n"
                "      \"valid_from\": \"2024-01-01T00:00:00Z\"\n    },\n",
                (unsigned long long)n, (unsigned long long)n, (unsigned long long)n,
                (unsigned long long)(n >> 16 & 255), (unsigned long long)(n >> 8 & 255),
                (unsigned long long)(n & 255));
    }
    /* Every 1000th indicator indicates the intrusion set, defined at the end. */
    for (uint64_t k = 0; k < n; k += 1000)
        fprintf(f,
                "    {\"type\": \"relationship\", \"spec_version\": \"2.1\", "
                "\"id\": \"relationship--%08llx-1111-4000-8000-000000000000\", "
                "\"created\": \"2024-01-01T00:00:00Z\", \"modified\": \"2024-01-01T00:00:00Z\", "
                "\"relationship_type\": \"indicates\", "
                "\"source_ref\": \"indicator--%08llx-0000-4000-8000-%012llx\", "
                "\"target_ref\": \"" SET_ID "\"},\n",
                (unsigned long long)k, (unsigned long long)k, (unsigned long long)k);
    fputs("    {\"type\": \"intrusion-set\", \"spec_version\": \"2.1\", \"id\": \"" SET_ID "\", "
          "\"created\": \"2021-03-24T15:48:17.731Z\", \"modified\": \"2025-10-15T20:39:25.843Z\", "
          "\"name\": \"ZIRCONIUM\", \"aliases\": [\"ZIRCONIUM\", \"APT31\"], "
          "\"external_references\": [{\"source_name\": \"mitre-attack\", \"external_id\": "
          "\"G0128\"}]}\n  ]\n}\n",
          f);
    return n;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void test_big_bundle(void **state)
{
    (void)state;
    char *path = temp_file("", 0);
    assert_non_null(path);
    FILE *f = fopen(path, "w");
    uint64_t n = write_bundle(f);
    long size = ftell(f);
    fclose(f);
    assert_true(size >= (long)TARGET_BYTES);
    long rss_before = max_rss_kib();
    struct counting c = {0, 0};
    struct intel_import_callbacks cb = {count_indicator, count_error, &c};
    struct intel_import *im = intel_import_new(NULL, &cb);
    assert_int_equal(intel_import_path(im, path), 0);
    assert_int_equal(c.count, n);
    assert_int_equal(intel_import_indicator_count(im), n);
    assert_int_equal(intel_import_error_count(im), 0);
    assert_int_equal(c.related, (n + 999) / 1000);
    /* One object at a time: ~600 bytes each, a 64 KiB read chunk, a collect
     * buffer that never had to grow, small resolution tables. */
    uint64_t max_object = counter(im, "memory.max_object_bytes");
    uint64_t peak_buffer = counter(im, "memory.peak_buffer_bytes");
    uint64_t peak_resolve = counter(im, "memory.peak_resolve_bytes");
    fprintf(stderr, "%llu indicators in %ld bytes; max object %llu, buffer %llu, tables %llu\n",
            (unsigned long long)n, size, (unsigned long long)max_object,
            (unsigned long long)peak_buffer, (unsigned long long)peak_resolve);
    assert_true(max_object < 1024);
    assert_true(peak_buffer <= 2 * 65536);
    assert_true(peak_resolve < 4u * 1024u * 1024u);
#ifndef HAS_ASAN
    long grown_kib = max_rss_kib() - rss_before;
    fprintf(stderr, "peak RSS grew by %ld KiB\n", grown_kib);
    assert_true(grown_kib < 32 * 1024);
#else
    (void)rss_before;
#endif
    intel_import_free(im);
    unlink(path);
    free(path);
}

#define REL_COUNT 200000u
#define REL_FAMILIES 10u

struct per_family {
    uint64_t count, related, wrong;
};

static int family_indicator(void *ctx, const struct intel_indicator *ind)
{
    struct per_family *c = ctx;
    c->count++;
    if (ind->related_count != 1) {
        c->wrong++;
        return 0;
    }
    /* indicator n indicates family n % 10, named "family <n % 10>" */
    unsigned long long n = strtoull(ind->stix_id + strlen("indicator--"), NULL, 16);
    char want[32];
    snprintf(want, sizeof want, "family %llu", n % REL_FAMILIES);
    if (strcmp(ind->related[0].name, want) == 0 &&
        !strcmp(ind->related[0].relationship, "indicates"))
        c->related++;
    else
        c->wrong++;
    return 0;
}

static void write_related_bundle(FILE *f)
{
    fputs("{\"type\":\"bundle\",\"id\":\"bundle--9a0b6c1d-2e3f-4a5b-8c7d-0e1f2a3b4c5e\","
          "\"objects\":[\n",
          f);
    for (unsigned n = 0; n < REL_COUNT; n++)
        fprintf(f,
                "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
                "\"id\":\"indicator--%08x-0000-4000-8000-%012x\","
                "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\","
                "\"pattern\":\"[ipv4-addr:value = '10.%u.%u.%u']\",\"pattern_type\":\"stix\","
                "\"valid_from\":\"2024-01-01T00:00:00Z\"},\n",
                n, n * 2654435761u, n >> 16 & 255, n >> 8 & 255, n & 255);
    for (unsigned k = 0; k < REL_FAMILIES; k++)
        fprintf(f,
                "{\"type\":\"malware\",\"spec_version\":\"2.1\","
                "\"id\":\"malware--%08x-2222-4000-8000-000000000000\","
                "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\","
                "\"name\":\"family %u\",\"is_family\":true},\n",
                k, k);
    for (unsigned n = 0; n < REL_COUNT; n++)
        fprintf(f,
                "%s{\"type\":\"relationship\",\"spec_version\":\"2.1\","
                "\"id\":\"relationship--%08x-1111-4000-8000-000000000000\","
                "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\","
                "\"relationship_type\":\"indicates\","
                "\"source_ref\":\"indicator--%08x-0000-4000-8000-%012x\","
                "\"target_ref\":\"malware--%08x-2222-4000-8000-000000000000\"}\n",
                n ? "," : "", n, n, n * 2654435761u, n % REL_FAMILIES);
    fputs("]}\n", f);
}

static void test_one_relationship_each(void **state)
{
    (void)state;
    char *path = temp_file("", 0);
    assert_non_null(path);
    FILE *f = fopen(path, "w");
    write_related_bundle(f);
    fclose(f);
    struct per_family c = {0, 0, 0};
    struct intel_import_callbacks cb = {family_indicator, count_error, &c};
    struct intel_import *im = intel_import_new(NULL, &cb);
    assert_int_equal(intel_import_path(im, path), 0);
    assert_int_equal(c.count, REL_COUNT);
    assert_int_equal(c.related, REL_COUNT);
    assert_int_equal(c.wrong, 0);
    assert_int_equal(intel_import_error_count(im), 0);
    assert_int_equal(counter(im, "related.entries"), REL_COUNT);
    uint64_t peak = counter(im, "memory.peak_resolve_bytes");
    fprintf(stderr, "%u indicators and relationships: tables %llu bytes (%.1f a relationship)\n",
            REL_COUNT, (unsigned long long)peak, (double)peak / REL_COUNT);
    /* The tables grow by doubling: here they are sized for 2^18 ids and
     * edges, for a million they are sized for 2^20, four times as much. */
    assert_true(peak * 4 < INTEL_IMPORT_RESOLVE_MAX);
    intel_import_free(im);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_big_bundle),
                                       cmocka_unit_test(test_one_relationship_each)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
