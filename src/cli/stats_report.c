/* stats_report.c — counters to JSON (jansson) for machines. */
#include "cli/stats_report.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/resource.h>

void stats_run_measure(struct stats_run *run, uint64_t start_ns, uint64_t end_ns)
{
    struct rusage ru;
    run->elapsed_s = (double)(end_ns - start_ns) / 1e9;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        run->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        run->rss_max_kb = (uint64_t)ru.ru_maxrss; /* Linux reports KiB */
    }
}

static json_t *section_object(json_t *root, const char *section)
{
    json_t *obj = json_object_get(root, section);
    if (obj)
        return obj;
    obj = json_object();
    if (obj && json_object_set_new(root, section, obj) != 0)
        return NULL;
    return obj;
}

int stats_report_write_json(const char *path, const struct stats_run *run,
                            const struct counter_view *views, size_t n_views)
{
    int rc = -ENOMEM;
    json_t *root = json_object();
    if (!root)
        return -ENOMEM;
    json_t *runobj =
        json_pack("{s:f, s:f, s:I, s:i}", "elapsed_s", run->elapsed_s, "cpu_s", run->cpu_s,
                  "rss_max_kb", (json_int_t)run->rss_max_kb, "exit_code", run->exit_code);
    if (!runobj || json_object_set_new(root, "run", runobj) != 0)
        goto fail;
    for (size_t i = 0; i < n_views; i++) {
        json_t *sec = section_object(root, views[i].section);
        if (!sec)
            goto fail;
        for (size_t j = 0; j < views[i].count; j++) {
            /* Counters past 2^63 cannot occur in practice; clamp rather than wrap. */
            uint64_t v = views[i].values[j];
            json_int_t iv = v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v;
            if (json_object_set_new(sec, views[i].names[j], json_integer(iv)) != 0)
                goto fail;
        }
    }
    rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 ? 0 : -EIO;
    if (rc != 0 && errno != 0)
        rc = -errno;
fail:
    json_decref(root);
    return rc;
}

uint64_t stats_report_value(const struct counter_view *views, size_t n_views, const char *section,
                            const char *name)
{
    for (size_t i = 0; i < n_views; i++) {
        if (strcmp(views[i].section, section) != 0)
            continue;
        for (size_t j = 0; j < views[i].count; j++)
            if (strcmp(views[i].names[j], name) == 0)
                return views[i].values[j];
    }
    return 0;
}
