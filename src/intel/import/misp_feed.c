/* misp_feed.c — MISP feeds: a directory with manifest.json (event uuid →
 * metadata: Orgc, Tag, info, timestamp, as integers or strings), one
 * <uuid>.json event per entry and optionally hashes.csv ("md5(value),
 * event uuid" per line). Events are read in manifest order as MISP events,
 * the manifest entry standing in for metadata an event file lacks. hashes.csv
 * is a cross-check, never a reason to fail: attribute values whose MD5 it
 * does not list are counted (misp.feed.hash_missing).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/digest.h"
#include "intel/import/import_id.h"
#include "intel/import/import_internal.h"

/* A set of 64-bit hashes of "md5,uuid" lines (0 marks an empty slot). */
struct misp_feed_check {
    uint64_t *slots;
    size_t cap, count;
    bool has_hashes;  /* hashes.csv was read */
    bool is_complete; /* every line fitted under the cap */
    char event_uuid[IMPORT_ID_UUID_LEN + 1];
    char line[128]; /* hashes.csv line being assembled */
    size_t line_len;
    bool is_line_long;
};

struct manifest_entry {
    char uuid[IMPORT_ID_UUID_LEN + 1];
    char *json; /* the entry, compact */
};

struct manifest {
    struct intel_import *im;
    struct manifest_entry *entries;
    size_t count, cap, bytes;
    bool is_full;
};

static uint64_t hash_line(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        h = (h ^ (uint8_t)c) * 1099511628211ull;
    }
    return h ? h : 1;
}

static bool set_has(const struct misp_feed_check *fc, uint64_t h)
{
    if (!fc->cap)
        return false;
    for (size_t at = h & (fc->cap - 1); fc->slots[at]; at = (at + 1) & (fc->cap - 1))
        if (fc->slots[at] == h)
            return true;
    return false;
}

static bool set_add(struct misp_feed_check *fc, uint64_t h)
{
    if ((fc->count + 1) * 2 > fc->cap) {
        size_t cap = fc->cap ? fc->cap * 2 : 4096;
        if (cap * sizeof(uint64_t) > INTEL_IMPORT_RESOLVE_MAX)
            return false;
        uint64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < fc->cap; i++) {
            if (!fc->slots[i])
                continue;
            size_t at = fc->slots[i] & (cap - 1);
            while (slots[at])
                at = (at + 1) & (cap - 1);
            slots[at] = fc->slots[i];
        }
        free(fc->slots);
        fc->slots = slots;
        fc->cap = cap;
    }
    if (set_has(fc, h))
        return true;
    size_t at = h & (fc->cap - 1);
    while (fc->slots[at])
        at = (at + 1) & (fc->cap - 1);
    fc->slots[at] = h;
    fc->count++;
    return true;
}

static void hashes_line(struct misp_feed_check *fc)
{
    char *s = fc->line;
    size_t n = fc->line_len;
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    if (n == 32 + 1 + IMPORT_ID_UUID_LEN && s[32] == ',' && fc->is_complete &&
        !set_add(fc, hash_line(s, n)))
        fc->is_complete = false;
}

static int hashes_chunk(void *ctx, const uint8_t *p, size_t n)
{
    struct misp_feed_check *fc = ctx;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            if (!fc->is_line_long)
                hashes_line(fc);
            fc->line_len = 0;
            fc->is_line_long = false;
        } else if (fc->line_len < sizeof fc->line) {
            fc->line[fc->line_len++] = (char)p[i];
        } else {
            fc->is_line_long = true;
        }
    }
    return 0;
}

void misp_feed_check_attribute(struct intel_import *im, const char *type, const char *value,
                               const char *event_uuid)
{
    struct misp_feed_check *fc = im->feed;
    if (!fc || !fc->has_hashes || !fc->is_complete)
        return;
    const char *uuid =
        event_uuid && strlen(event_uuid) == IMPORT_ID_UUID_LEN ? event_uuid : fc->event_uuid;
    bool is_split = strchr(type, '|') != NULL || !strcmp(type, "malware-sample");
    const char *bar = is_split ? strchr(value, '|') : NULL;
    for (int half = 0; half < (bar ? 2 : 1); half++) {
        const char *s = half ? bar + 1 : value;
        size_t n = bar && !half ? (size_t)(bar - value) : strlen(s);
        char hex[DIGEST_HEX_MAX], line[DIGEST_HEX_MAX + IMPORT_ID_UUID_LEN + 2];
        if (digest_oneshot_hex(DIGEST_MD5, s, n, hex) != 0)
            return;
        snprintf(line, sizeof line, "%s,%.36s", hex, uuid);
        im->counters[IC_FEED_HASH_CHECKED]++;
        if (!set_has(fc, hash_line(line, strlen(line))))
            im->counters[IC_FEED_HASH_MISSING]++;
    }
}

/* --- manifest.json --------------------------------------------------------- */

static enum json_split_action manifest_classify(void *ctx, const struct json_split_value *v)
{
    (void)ctx;
    if (v->depth == 0)
        return v->first == '{' ? JSON_SPLIT_DESCEND : JSON_SPLIT_SKIP;
    return v->depth == 1 ? JSON_SPLIT_EMIT : JSON_SPLIT_SKIP;
}

static int manifest_value(void *ctx, const struct json_split_value *v)
{
    struct manifest *m = ctx;
    const char *uuid = v->levels[0].key;
    if (!import_id_is_uuid(uuid, strlen(uuid))) {
        import_error(m->im, IC_ERR_BAD_PROPERTY, v->offset, v->line, NULL,
                     "manifest.json: '%.60s' is not an event uuid", uuid);
        return 0;
    }
    json_t *entry = v->text ? import_json_parse(m->im, v) : NULL;
    char *json = entry ? json_dumps(entry, JSON_COMPACT) : NULL;
    json_decref(entry);
    if (!json)
        return 0;
    size_t len = strlen(json);
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct manifest_entry *e = realloc(m->entries, cap * sizeof *e);
        if (!e) {
            free(json);
            return -ENOMEM;
        }
        m->entries = e;
        m->cap = cap;
    }
    if (m->bytes + len > INTEL_IMPORT_RESOLVE_MAX) {
        /* The event is still read, without the manifest's metadata. */
        free(json);
        json = NULL;
        if (!m->is_full)
            import_error(m->im, IC_ERR_RESOLVE_CAP, v->offset, v->line, uuid,
                         "manifest.json: entries past %u MiB are read without their metadata",
                         INTEL_IMPORT_RESOLVE_MAX >> 20);
        m->is_full = true;
    }
    struct manifest_entry *e = &m->entries[m->count++];
    memcpy(e->uuid, uuid, sizeof e->uuid);
    e->json = json;
    m->bytes += len;
    return 0;
}

static int read_manifest(struct intel_import *im, const char *path, struct manifest *m)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    im->path = path;
    if (fd < 0) {
        int err = errno;
        import_error(im, IC_ERR_IO, 0, 0, NULL, "cannot read: %s", strerror(err));
        return -err;
    }
    struct import_source src = {path, fd, NULL, 0};
    struct json_split_callbacks cb = {manifest_classify, manifest_value};
    int rc = import_split_source(im, &src, &cb, m, true);
    close(fd);
    return rc;
}

static void read_hashes(struct intel_import *im, const char *path, struct misp_feed_check *fc)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return; /* optional */
    struct import_source src = {path, fd, NULL, 0};
    fc->is_complete = true;
    im->path = path;
    if (import_source_read(im, &src, hashes_chunk, fc) == 0) {
        hashes_chunk(fc, (const uint8_t *)"\n", 1);
        fc->has_hashes = true;
    }
    close(fd);
    if (!fc->is_complete)
        import_error(im, IC_ERR_RESOLVE_CAP, 0, 0, NULL,
                     "hashes.csv is larger than %u MiB: not cross-checked",
                     INTEL_IMPORT_RESOLVE_MAX >> 20);
}

int misp_feed_import(struct intel_import *im, const char *dir)
{
    size_t dlen = strlen(dir);
    char *path = malloc(dlen + 64);
    struct misp_feed_check *fc = calloc(1, sizeof *fc);
    struct manifest m = {im, NULL, 0, 0, 0, false};
    int rc = -ENOMEM;
    if (!path || !fc)
        goto out;
    snprintf(path, dlen + 64, "%s/hashes.csv", dir);
    read_hashes(im, path, fc);
    snprintf(path, dlen + 64, "%s/manifest.json", dir);
    rc = read_manifest(im, path, &m);
    for (size_t i = 0; rc >= 0 && i < m.count; i++) {
        snprintf(path, dlen + 64, "%s/%s.json", dir, m.entries[i].uuid);
        json_t *meta = m.entries[i].json ? json_loads(m.entries[i].json, 0, NULL) : NULL;
        memcpy(fc->event_uuid, m.entries[i].uuid, sizeof fc->event_uuid);
        for (char *c = fc->event_uuid; *c; c++)
            *c = *c >= 'A' && *c <= 'F' ? (char)(*c - 'A' + 'a') : *c;
        im->feed = fc;
        im->feed_meta = meta;
        im->counters[IC_FEED_EVENTS]++;
        import_file_as(im, path, INTEL_IMPORT_MISP);
        im->feed = NULL;
        im->feed_meta = NULL;
        json_decref(meta);
        rc = im->stop_rc;
    }
out:
    for (size_t i = 0; i < m.count; i++)
        free(m.entries[i].json);
    free(m.entries);
    if (fc)
        free(fc->slots);
    free(fc);
    free(path);
    return rc;
}
