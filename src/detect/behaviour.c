/* behaviour.c — detector fan-out, configuration and saved state. */
#include "detect/behaviour.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/psl/psl.h"

/* Detectors are ticked on this much capture time (bhv.h's contract). */
#define TICK_US 60000000ull
#define STATE_MAGIC "HRADBA-DETECT-STATE 1\n"

/* One detector seen through a uniform face: adapters below turn each
 * module's typed API into these, so no function pointer is called through a
 * type it does not have. */
struct det_ops {
    const char *name;
    const struct bhv_option *options;
    const size_t *option_count;
    size_t config_offset; /* of its config in struct behaviour_config */
    void *(*create)(const struct behaviour_config *cfg, const struct psl *psl,
                    const struct bhv_sink *sink);
    void (*destroy)(void *d);
    void (*on_conn)(void *d, const struct bhv_conn *c);
    void (*on_dns)(void *d, const struct bhv_dns *q);
    void (*on_name)(void *d, const struct bhv_name *n);
    void (*tick)(void *d, uint64_t now_us);
    void (*finish)(void *d, uint64_t now_us);
    struct counter_view (*counters)(const void *d);
    size_t (*memory)(const void *d);
    int (*save)(const void *d, FILE *fp);
    int (*load)(void *d, FILE *fp, char *err, size_t err_size);
};

#define DET_COMMON(D)                                                                              \
    static void D##_destroy_v(void *d)                                                             \
    {                                                                                              \
        D##_free(d);                                                                               \
    }                                                                                              \
    static void D##_tick_v(void *d, uint64_t now_us)                                               \
    {                                                                                              \
        D##_tick(d, now_us);                                                                       \
    }                                                                                              \
    static void D##_finish_v(void *d, uint64_t now_us)                                             \
    {                                                                                              \
        D##_finish(d, now_us);                                                                     \
    }                                                                                              \
    static struct counter_view D##_counters_v(const void *d)                                       \
    {                                                                                              \
        return D##_counters(d);                                                                    \
    }                                                                                              \
    static size_t D##_memory_v(const void *d)                                                      \
    {                                                                                              \
        return D##_memory(d);                                                                      \
    }                                                                                              \
    static int D##_save_v(const void *d, FILE *fp)                                                 \
    {                                                                                              \
        return D##_save(d, fp);                                                                    \
    }                                                                                              \
    static int D##_load_v(void *d, FILE *fp, char *err, size_t n)                                  \
    {                                                                                              \
        return D##_load(d, fp, err, n);                                                            \
    }
#define DET_CREATE(D)                                                                              \
    static void *D##_create_v(const struct behaviour_config *cfg, const struct psl *psl,           \
                              const struct bhv_sink *sink)                                         \
    {                                                                                              \
        (void)psl;                                                                                 \
        return D##_new(&cfg->D, sink);                                                             \
    }
#define DET_CONN(D)                                                                                \
    static void D##_conn_v(void *d, const struct bhv_conn *c)                                      \
    {                                                                                              \
        D##_conn(d, c);                                                                            \
    }
#define DET_DNS(D)                                                                                 \
    static void D##_dns_v(void *d, const struct bhv_dns *q)                                        \
    {                                                                                              \
        D##_dns(d, q);                                                                             \
    }
#define DET_NAME(D)                                                                                \
    static void D##_name_v(void *d, const struct bhv_name *n)                                      \
    {                                                                                              \
        D##_name(d, n);                                                                            \
    }
#define DET_OPS(D, CONN, DNS, NAME)                                                                \
    {                                                                                              \
#D, D##_options, &D##_option_count, offsetof(struct behaviour_config, D), D##_create_v,    \
            D##_destroy_v, CONN, DNS, NAME, D##_tick_v, D##_finish_v, D##_counters_v,              \
            D##_memory_v, D##_save_v, D##_load_v                                                   \
    }

DET_COMMON(beacon)
DET_CREATE(beacon)
DET_CONN(beacon)
DET_DNS(beacon)
DET_COMMON(dns_tunnel)
DET_DNS(dns_tunnel)
static void *dns_tunnel_create_v(const struct behaviour_config *cfg, const struct psl *psl,
                                 const struct bhv_sink *sink)
{
    return dns_tunnel_new(&cfg->dns_tunnel, psl, sink);
}
DET_COMMON(exfil)
DET_CREATE(exfil)
DET_CONN(exfil)
DET_COMMON(rare)
static void *rare_create_v(const struct behaviour_config *cfg, const struct psl *psl,
                           const struct bhv_sink *sink)
{
    struct rare *d = rare_new(&cfg->rare, sink);
    if (d)
        rare_use_psl(d, psl);
    return d;
}
DET_CONN(rare)
DET_NAME(rare)
DET_COMMON(long_conn)
DET_CREATE(long_conn)
DET_CONN(long_conn)
DET_COMMON(lateral)
DET_CREATE(lateral)
DET_CONN(lateral)
DET_COMMON(host_model)
DET_CREATE(host_model)
DET_CONN(host_model)
DET_DNS(host_model)
DET_NAME(host_model)

static const struct det_ops det_ops[BHV_DETECTOR_COUNT] = {
    [BHV_BEACON] = DET_OPS(beacon, beacon_conn_v, beacon_dns_v, NULL),
    [BHV_DNS_TUNNEL] = DET_OPS(dns_tunnel, NULL, dns_tunnel_dns_v, NULL),
    [BHV_EXFIL] = DET_OPS(exfil, exfil_conn_v, NULL, NULL),
    [BHV_RARE] = DET_OPS(rare, rare_conn_v, NULL, rare_name_v),
    [BHV_LONG_CONN] = DET_OPS(long_conn, long_conn_conn_v, NULL, NULL),
    [BHV_LATERAL] = DET_OPS(lateral, lateral_conn_v, NULL, NULL),
    [BHV_HOST_MODEL] = DET_OPS(host_model, host_model_conn_v, host_model_dns_v, host_model_name_v),
};

/* The adapter's own keys, over struct bhv_observe_config. */
static const struct bhv_option observe_options[] = {
    {"observe.flow_names_max", BHV_OPT_U64, offsetof(struct bhv_observe_config, flow_names_max),
     "open flows whose TLS/HTTP names are remembered for their end (~230 bytes each)"},
    {"observe.dns_pending_max", BHV_OPT_U64, offsetof(struct bhv_observe_config, dns_pending_max),
     "DNS queries waiting for their response (~1.1 KiB each)"},
    {"observe.dns_timeout_us", BHV_OPT_U64, offsetof(struct bhv_observe_config, dns_timeout_us),
     "microseconds after which a query without response is judged unanswered"},
};

static const char *const behaviour_counter_names[] = {"memory.bytes"};

struct behaviour {
    struct behaviour_config cfg;
    uint64_t memory_bytes; /* every table, allocated up front */
    struct bhv_observe *observe;
    struct psl *psl;
    void *det[BHV_DETECTOR_COUNT]; /* NULL when disabled */
    uint64_t next_tick_us;
};

void behaviour_config_default(struct behaviour_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < BHV_DETECTOR_COUNT; i++)
        cfg->is_enabled[i] = true;
    bhv_observe_config_default(&cfg->observe);
    beacon_config_default(&cfg->beacon);
    dns_tunnel_config_default(&cfg->dns_tunnel);
    exfil_config_default(&cfg->exfil);
    rare_config_default(&cfg->rare);
    long_conn_config_default(&cfg->long_conn);
    lateral_config_default(&cfg->lateral);
    host_model_config_default(&cfg->host_model);
}

static int option_set(void *base, const struct bhv_option *o, const char *value, char *err,
                      size_t err_size)
{
    char *end = NULL;
    char *field = (char *)base + o->offset;
    switch (o->type) {
    case BHV_OPT_DOUBLE: {
        double v = strtod(value, &end);
        if (end == value || *end || v != v)
            break;
        memcpy(field, &v, sizeof(v));
        return 0;
    }
    case BHV_OPT_U64: {
        if (*value == '-')
            break;
        unsigned long long v = strtoull(value, &end, 10);
        if (end == value || *end)
            break;
        uint64_t u = v;
        memcpy(field, &u, sizeof(u));
        return 0;
    }
    case BHV_OPT_BOOL: {
        bool v;
        if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
            v = true;
        else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
            v = false;
        else
            break;
        memcpy(field, &v, sizeof(v));
        return 0;
    }
    }
    snprintf(err, err_size, "%s: '%s' is not a %s", o->key, value,
             o->type == BHV_OPT_DOUBLE ? "number"
             : o->type == BHV_OPT_U64  ? "whole number >= 0"
                                       : "boolean");
    return -EINVAL;
}

static int table_set(void *base, const struct bhv_option *opts, size_t n, const char *key,
                     const char *value, char *err, size_t err_size)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(opts[i].key, key))
            return option_set(base, &opts[i], value, err, err_size);
    return -ENOENT;
}

int behaviour_config_set(struct behaviour_config *cfg, const char *key, const char *value,
                         char *err, size_t err_size)
{
    if (!strcmp(key, "detect.home_net"))
        return bhv_observe_parse_nets(&cfg->observe, value, err, err_size);
    if (!strcmp(key, "detect.psl")) {
        if (strlen(value) >= sizeof(cfg->psl_path)) {
            snprintf(err, err_size, "detect.psl: path too long");
            return -EINVAL;
        }
        strcpy(cfg->psl_path, value);
        return 0;
    }
    int rc =
        table_set(&cfg->observe, observe_options,
                  sizeof(observe_options) / sizeof(observe_options[0]), key, value, err, err_size);
    if (rc != -ENOENT)
        return rc;
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++) {
        const struct det_ops *ops = &det_ops[d];
        size_t len = strlen(ops->name);
        if (strncmp(key, ops->name, len) != 0 || key[len] != '.')
            continue;
        if (!strcmp(key + len + 1, "enabled")) {
            struct bhv_option o = {key, BHV_OPT_BOOL, 0, ""};
            return option_set(&cfg->is_enabled[d], &o, value, err, err_size);
        }
        rc = table_set((char *)cfg + ops->config_offset, ops->options, *ops->option_count, key,
                       value, err, err_size);
        if (rc != -ENOENT)
            return rc;
    }
    snprintf(err, err_size, "unknown key '%s' (hradba read --detect-config-help lists them)", key);
    return -ENOENT;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

int behaviour_config_load(struct behaviour_config *cfg, const char *path, char *err,
                          size_t err_size)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -errno;
    }
    char line[1024], why[256];
    int rc = 0;
    for (unsigned no = 1; fgets(line, sizeof(line), fp); no++) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, err_size, "%s:%u: expected 'key = value'", path, no);
            rc = -EINVAL;
            break;
        }
        *eq = '\0';
        rc = behaviour_config_set(cfg, trim(s), trim(eq + 1), why, sizeof(why));
        if (rc != 0) {
            snprintf(err, err_size, "%s:%u: %s", path, no, why);
            break;
        }
    }
    fclose(fp);
    return rc;
}

static void option_write(FILE *fp, const void *base, const struct bhv_option *o)
{
    const char *field = (const char *)base + o->offset;
    fprintf(fp, "# %s\n%s = ", o->help, o->key);
    if (o->type == BHV_OPT_DOUBLE) {
        double v;
        memcpy(&v, field, sizeof(v));
        fprintf(fp, "%g\n", v);
    } else if (o->type == BHV_OPT_U64) {
        uint64_t v;
        memcpy(&v, field, sizeof(v));
        fprintf(fp, "%llu\n", (unsigned long long)v);
    } else {
        bool v;
        memcpy(&v, field, sizeof(v));
        fprintf(fp, "%s\n", v ? "true" : "false");
    }
}

void behaviour_config_write(const struct behaviour_config *cfg, FILE *fp)
{
    fprintf(fp, "# hradba detector configuration (docs/detectors.md explains every key).\n"
                "# Home networks: internal hosts, as Suricata's HOME_NET.\ndetect.home_net = ");
    for (size_t i = 0; i < cfg->observe.home_net_count; i++) {
        char buf[46];
        fprintf(fp, "%s%s/%u", i ? "," : "", bhv_ip_text(&cfg->observe.home_net[i].addr, buf),
                cfg->observe.home_net[i].prefix);
    }
    fprintf(fp,
            "\n# Public suffix list (empty: /usr/share/publicsuffix/public_suffix_list.dat)\n"
            "detect.psl = %s\n",
            cfg->psl_path);
    for (size_t i = 0; i < sizeof(observe_options) / sizeof(observe_options[0]); i++)
        option_write(fp, &cfg->observe, &observe_options[i]);
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++) {
        const struct det_ops *ops = &det_ops[d];
        fprintf(fp, "\n# --- %s ---\n%s.enabled = %s\n", ops->name, ops->name,
                cfg->is_enabled[d] ? "true" : "false");
        for (size_t i = 0; i < *ops->option_count; i++)
            option_write(fp, (const char *)cfg + ops->config_offset, &ops->options[i]);
    }
}

static void on_conn(void *ctx, const struct bhv_conn *c)
{
    struct behaviour *b = ctx;
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d] && det_ops[d].on_conn)
            det_ops[d].on_conn(b->det[d], c);
}

static void on_dns(void *ctx, const struct bhv_dns *q)
{
    struct behaviour *b = ctx;
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d] && det_ops[d].on_dns)
            det_ops[d].on_dns(b->det[d], q);
}

static void on_name(void *ctx, const struct bhv_name *n)
{
    struct behaviour *b = ctx;
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d] && det_ops[d].on_name)
            det_ops[d].on_name(b->det[d], n);
}

static struct psl *psl_open(const struct behaviour_config *cfg, void (*warn)(const char *msg))
{
    char why[256] = "";
    const char *path =
        cfg->psl_path[0] ? cfg->psl_path : "/usr/share/publicsuffix/public_suffix_list.dat";
    struct psl *psl = psl_load(path, why, sizeof(why));
    if (psl)
        return psl;
    if (warn) {
        char msg[400];
        snprintf(msg, sizeof(msg),
                 "public suffix list: %s; using a small built-in list (install Debian's "
                 "'publicsuffix' package for exact registered domains)",
                 why);
        warn(msg);
    }
    return psl_load_default();
}

struct behaviour *behaviour_new(const struct behaviour_config *cfg, const struct bhv_sink *sink,
                                void (*warn)(const char *msg), char *err, size_t err_size)
{
    struct behaviour *b = calloc(1, sizeof(*b));
    if (!b)
        goto nomem;
    b->cfg = *cfg;
    struct bhv_observer out = {on_conn, on_dns, on_name, b};
    b->observe = bhv_observe_new(&cfg->observe, &out);
    if (!b->observe)
        goto nomem;
    if (cfg->is_enabled[BHV_DNS_TUNNEL] || cfg->is_enabled[BHV_RARE]) {
        b->psl = psl_open(cfg, warn);
        if (!b->psl)
            goto nomem;
    }
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++) {
        if (!cfg->is_enabled[d])
            continue;
        b->det[d] = det_ops[d].create(cfg, b->psl, sink);
        if (!b->det[d]) {
            snprintf(err, err_size, "detector %s: cannot start (out of memory or bad settings)",
                     det_ops[d].name);
            behaviour_free(b);
            return NULL;
        }
    }
    b->memory_bytes = behaviour_memory(b);
    return b;
nomem:
    snprintf(err, err_size, "detectors: out of memory");
    behaviour_free(b);
    return NULL;
}

void behaviour_free(struct behaviour *b)
{
    if (!b)
        return;
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d])
            det_ops[d].destroy(b->det[d]);
    bhv_observe_free(b->observe);
    psl_free(b->psl);
    free(b);
}

void behaviour_record(struct behaviour *b, const struct flow *f, enum app_record type,
                      const void *record, uint64_t ts_us)
{
    bhv_observe_record(b->observe, f, type, record, ts_us);
}

void behaviour_flow_end(struct behaviour *b, const struct flow *f)
{
    bhv_observe_flow_end(b->observe, f);
}

void behaviour_advance(struct behaviour *b, uint64_t now_us)
{
    if (now_us + TICK_US < b->next_tick_us) /* the worker restarted its clock */
        b->next_tick_us = now_us + TICK_US;
    if (now_us < b->next_tick_us)
        return;
    if (b->next_tick_us == 0) { /* the first packet starts the clock */
        b->next_tick_us = now_us + TICK_US;
        return;
    }
    b->next_tick_us = now_us + TICK_US;
    bhv_observe_advance(b->observe, now_us, false);
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d])
            det_ops[d].tick(b->det[d], now_us);
}

void behaviour_finish(struct behaviour *b, uint64_t now_us)
{
    bhv_observe_advance(b->observe, now_us, true);
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d])
            det_ops[d].finish(b->det[d], now_us);
}

size_t behaviour_counter_views(const struct behaviour *b, struct counter_view *out, size_t max)
{
    size_t n = 0;
    if (n < max)
        out[n++] = (struct counter_view){"detect", behaviour_counter_names, &b->memory_bytes, 1};
    if (n < max)
        out[n++] = bhv_observe_counters(b->observe);
    for (size_t d = 0; d < BHV_DETECTOR_COUNT && n < max; d++)
        if (b->det[d])
            out[n++] = det_ops[d].counters(b->det[d]);
    return n;
}

size_t behaviour_memory(const struct behaviour *b)
{
    size_t total = sizeof(*b) + bhv_observe_memory(b->observe);
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++)
        if (b->det[d])
            total += det_ops[d].memory(b->det[d]);
    return total;
}

/* Saved state: the magic line, then per detector a frame [u32 name length,
 * name, u64 blob length, blob], then a zero name length. Framing each
 * detector's blob lets one detector's damaged or outdated part be skipped
 * without losing the others. */
static int save_frame(FILE *fp, const char *name, const void *det, const struct det_ops *ops)
{
    char *blob = NULL;
    size_t blob_len = 0;
    FILE *mem = open_memstream(&blob, &blob_len);
    if (!mem)
        return -ENOMEM;
    int rc = ops->save(det, mem);
    if (fclose(mem) != 0 && rc == 0)
        rc = -EIO;
    if (rc == 0) {
        uint32_t nl = (uint32_t)strlen(name);
        uint64_t bl = blob_len;
        if (fwrite(&nl, sizeof(nl), 1, fp) != 1 || fwrite(name, 1, nl, fp) != nl ||
            fwrite(&bl, sizeof(bl), 1, fp) != 1 || fwrite(blob, 1, blob_len, fp) != blob_len)
            rc = -EIO;
    }
    free(blob);
    return rc;
}

int behaviour_save(const struct behaviour *b, const char *path, char *err, size_t err_size)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
        snprintf(err, err_size, "%s: path too long", path);
        return -ENAMETOOLONG;
    }
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        snprintf(err, err_size, "%s: %s", tmp, strerror(errno));
        return -errno;
    }
    int rc = fputs(STATE_MAGIC, fp) < 0 ? -EIO : 0;
    for (size_t d = 0; d < BHV_DETECTOR_COUNT && rc == 0; d++)
        if (b->det[d])
            rc = save_frame(fp, det_ops[d].name, b->det[d], &det_ops[d]);
    uint32_t end = 0;
    if (rc == 0 && fwrite(&end, sizeof(end), 1, fp) != 1)
        rc = -EIO;
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
        rc = rc ? rc : -EIO;
    if (fclose(fp) != 0)
        rc = rc ? rc : -EIO;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc != 0) {
        snprintf(err, err_size, "%s: cannot save detector state: %s", path, strerror(-rc));
        unlink(tmp);
    }
    return rc;
}

static void load_frame(struct behaviour *b, const char *name, const char *blob, size_t len,
                       const char *path, void (*warn)(const char *msg))
{
    char why[256] = "", msg[600];
    for (size_t d = 0; d < BHV_DETECTOR_COUNT; d++) {
        if (!b->det[d] || strcmp(det_ops[d].name, name) != 0)
            continue;
        FILE *mem = fmemopen((void *)blob, len, "rb");
        int rc = mem ? det_ops[d].load(b->det[d], mem, why, sizeof(why)) : -ENOMEM;
        if (mem)
            fclose(mem);
        if (rc != 0 && warn) {
            snprintf(msg, sizeof(msg), "%s: detector %s starts afresh: %s", path, name,
                     why[0] ? why : strerror(-rc));
            warn(msg);
        }
        return;
    }
}

int behaviour_load(struct behaviour *b, const char *path, void (*warn)(const char *msg), char *err,
                   size_t err_size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -errno;
    }
    int rc = behaviour_load_stream(b, fp, path, warn, err, err_size);
    fclose(fp);
    return rc;
}

int behaviour_load_stream(struct behaviour *b, FILE *fp, const char *path,
                          void (*warn)(const char *msg), char *err, size_t err_size)
{
    char magic[sizeof(STATE_MAGIC)] = "";
    if (fread(magic, 1, strlen(STATE_MAGIC), fp) != strlen(STATE_MAGIC) ||
        memcmp(magic, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) {
        snprintf(err, err_size, "%s: not a hradba detector state file", path);
        return -EINVAL;
    }
    for (;;) {
        uint32_t nl;
        uint64_t bl;
        char name[64];
        if (fread(&nl, sizeof(nl), 1, fp) != 1 || nl >= sizeof(name) ||
            (nl && (fread(name, 1, nl, fp) != nl || fread(&bl, sizeof(bl), 1, fp) != 1))) {
            snprintf(err, err_size, "%s: damaged detector state (what came before is restored)",
                     path);
            return -EIO;
        }
        if (nl == 0)
            return 0;
        name[nl] = '\0';
        /* A frame's length is checked against what is left before anything
         * of that size is allocated. */
        long at = ftell(fp);
        if (at < 0 || fseek(fp, 0, SEEK_END) != 0) {
            snprintf(err, err_size, "%s: cannot seek", path);
            return -EIO;
        }
        long end = ftell(fp);
        if (end < at || fseek(fp, at, SEEK_SET) != 0 || bl > (uint64_t)(end - at)) {
            snprintf(err, err_size,
                     "%s: damaged detector state at %s (what came before is restored)", path, name);
            return -EIO;
        }
        char *blob = malloc(bl ? bl : 1);
        if (!blob || fread(blob, 1, bl, fp) != bl) {
            free(blob);
            snprintf(err, err_size,
                     "%s: damaged detector state at %s (what came before is restored)", path, name);
            return -EIO;
        }
        load_frame(b, name, blob, bl, path, warn);
        free(blob);
    }
}
