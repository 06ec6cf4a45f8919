/* fuzz_intel_import.c — libFuzzer target for the intelligence importers
 * (src/intel/import/): the input is one file, read with the format detected
 * from its content, then as STIX, as MISP (every attribute), as CSV and as
 * CSV with a header naming its columns.
 *
 * Every delivered indicator must be complete (id, source, pattern, JSON,
 * NUL-terminated strings, a TLP level in range, at most the related cap) and
 * every error must point inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/import/intel_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
    size_t size;
};

static void check_str(const char *s, bool is_required)
{
    if (!s) {
        if (is_required)
            abort();
        return;
    }
    (void)strlen(s); /* ASan: the string is terminated and readable */
}

static int on_indicator(void *ctx, const struct intel_indicator *ind)
{
    (void)ctx;
    check_str(ind->stix_id, true);
    check_str(ind->source, true);
    check_str(ind->pattern, true);
    check_str(ind->pattern_type, true);
    check_str(ind->object_json, true);
    check_str(ind->name, false);
    check_str(ind->description, false);
    check_str(ind->indicator_types, false);
    check_str(ind->kill_chain_phases, false);
    if ((unsigned)ind->tlp > INTEL_TLP_RED || (unsigned)ind->tlp_origin > INTEL_TLP_NONE)
        abort();
    if (ind->related_count > INTEL_IMPORT_RELATED_MAX || (ind->related_count && !ind->related))
        abort();
    for (size_t i = 0; i < ind->related_count; i++) {
        check_str(ind->related[i].type, true);
        check_str(ind->related[i].relationship, true);
        check_str(ind->related[i].name, false);
        check_str(ind->related[i].stix_id, false);
        check_str(ind->related[i].external_id, false);
        check_str(ind->related[i].aliases, false);
    }
    if (ind->confidence < -1 || ind->confidence > 100)
        abort();
    return 0;
}

static void on_error(void *ctx, const struct intel_import_error *e)
{
    const struct check *c = ctx;
    if (!e->message || !e->path || e->offset > c->size)
        abort();
    check_str(e->object_id, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum intel_import_format formats[] = {INTEL_IMPORT_AUTO, INTEL_IMPORT_STIX,
                                                       INTEL_IMPORT_MISP, INTEL_IMPORT_CSV,
                                                       INTEL_IMPORT_CSV};
    struct check c = {size};
    struct intel_import_callbacks cb = {on_indicator, on_error, &c};
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        struct intel_import_options o;
        intel_import_options_default(&o);
        o.format = formats[k];
        o.now_us = 1700000000000000;
        o.misp_to_ids_only = k != 2; /* MISP once with every attribute */
        if (k == 4) {                /* CSV once with a header naming the columns */
            o.csv.has_header = true;
            if (intel_import_csv_columns(&o.csv, "value=value,type=type,comment=comment") != 0)
                abort();
        }
        struct intel_import *im = intel_import_new(&o, &cb);
        if (!im)
            return 0;
        int rc = intel_import_buffer(im, "fuzz", data, size);
        if (rc != 0)
            abort(); /* memory never fails to be read, and the callback never stops */
        struct counter_view v = intel_import_counters(im);
        if (v.count == 0 || intel_import_error_count(im) > (uint64_t)size + 4)
            abort();
        intel_import_free(im);
    }
    return 0;
}
