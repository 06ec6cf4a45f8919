/* intel_alert_eve.c — alert and intel objects (docs/events.md, "alert"). */
#include "detect/intel_alert_eve.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const mode_names[] = {"indexed", "confirmed", "evaluated"};

/* Suricata's severity: 1 high, 2 medium, 3 low. From the producer's
 * confidence; medium when it did not say. */
static unsigned severity(int confidence)
{
    if (confidence < 0)
        return 2;
    return confidence >= 75 ? 1 : confidence >= 40 ? 2 : 3;
}

/* "APT31 / ZIRCONIUM (G0128)": what the indicator is about, for the
 * signature line; the first intrusion set, else the first related object. */
static const struct intel_related *headline_related(const struct intel_entry *e)
{
    for (size_t i = 0; i < e->related_count; i++)
        if (e->related[i].type && strcmp(e->related[i].type, "intrusion-set") == 0)
            return &e->related[i];
    for (size_t i = 0; i < e->related_count; i++)
        if (e->related[i].type && strcmp(e->related[i].type, "attack-pattern") != 0)
            return &e->related[i];
    return NULL;
}

static void signature(struct json_buf *b, const struct intel_hit *h)
{
    const struct intel_entry *e = h->entry;
    char text[512];
    int n;
    if (h->obs)
        n = snprintf(text, sizeof(text), "HRADBA INTEL %s %.*s", h->obs->field,
                     (int)(h->obs->len > 200 ? 200 : h->obs->len), h->obs->value);
    else
        n = snprintf(text, sizeof(text), "HRADBA INTEL pattern %s", e->name ? e->name : e->stix_id);
    /* " - APT31 / ZIRCONIUM (G0128)": the first alias, the name, the id. */
    const struct intel_related *r = headline_related(e);
    if (r && r->name && n > 0 && (size_t)n < sizeof(text)) {
        size_t alias_len = r->aliases ? strcspn(r->aliases, ",") : 0;
        if (alias_len && strncmp(r->aliases, r->name, alias_len) != 0)
            n += snprintf(text + n, sizeof(text) - (size_t)n, " - %.*s / %s", (int)alias_len,
                          r->aliases, r->name);
        else
            n += snprintf(text + n, sizeof(text) - (size_t)n, " - %s", r->name);
        if (n > 0 && (size_t)n < sizeof(text) && r->external_id)
            snprintf(text + n, sizeof(text) - (size_t)n, " (%s)", r->external_id);
    }
    json_buf_string(b, "signature", text);
}

/* A comma-separated list as a JSON array of trimmed items. */
static void csv_array(struct json_buf *b, const char *key, const char *csv)
{
    json_buf_open_array(b, key);
    for (const char *p = csv; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *s = p;
        while (len && *s == ' ')
            s++, len--;
        while (len && s[len - 1] == ' ')
            len--;
        if (len)
            json_buf_string_n(b, NULL, s, len);
        p = end ? end + 1 : NULL;
    }
    json_buf_close_array(b);
}

static void attack_ids(struct json_buf *b, const struct intel_entry *e)
{
    json_buf_open_array(b, "attack");
    for (size_t i = 0; i < e->related_count; i++) {
        const char *id = e->related[i].external_id;
        if (id && (id[0] == 'T' || id[0] == 'G' || id[0] == 'S' || id[0] == 'C'))
            json_buf_string(b, NULL, id);
    }
    json_buf_close_array(b);
}

static void alert_object(struct json_buf *b, const struct intel_hit *h)
{
    const struct intel_entry *e = h->entry;
    json_buf_open_object(b, "alert");
    json_buf_string(b, "action", "allowed");
    json_buf_u64(b, "gid", INTEL_ALERT_GID);
    json_buf_u64(b, "signature_id", e->signature_id);
    json_buf_u64(b, "rev", 1);
    signature(b, h);
    json_buf_string(b, "category", "Threat intelligence match");
    json_buf_u64(b, "severity", severity(e->confidence));
    json_buf_open_object(b, "metadata");
    json_buf_open_array(b, "tlp");
    json_buf_string(b, NULL, intel_tlp_name(e->tlp));
    json_buf_close_array(b);
    if (e->source) {
        json_buf_open_array(b, "source");
        json_buf_string(b, NULL, e->source);
        json_buf_close_array(b);
    }
    attack_ids(b, e);
    json_buf_close_object(b);
    json_buf_close_object(b);
}

static void related_array(struct json_buf *b, const struct intel_entry *e)
{
    json_buf_open_array(b, "related");
    for (size_t i = 0; i < e->related_count; i++) {
        const struct intel_related *r = &e->related[i];
        json_buf_open_object(b, NULL);
        if (r->type)
            json_buf_string(b, "type", r->type);
        if (r->name)
            json_buf_string(b, "name", r->name);
        if (r->external_id)
            json_buf_string(b, "external_id", r->external_id);
        if (r->aliases)
            csv_array(b, "aliases", r->aliases);
        if (r->stix_id)
            json_buf_string(b, "id", r->stix_id);
        if (r->relationship)
            json_buf_string(b, "relationship", r->relationship);
        json_buf_close_object(b);
    }
    json_buf_close_array(b);
}

static void matched_object(struct json_buf *b, const struct intel_hit *h)
{
    json_buf_open_object(b, "matched");
    if (h->obs) {
        json_buf_string(b, "field", h->obs->field);
        json_buf_string_n(b, "value", h->obs->value, h->obs->len);
        json_buf_string(b, "object_type", h->obs->stix_type);
        if (h->obs->kind == INTEL_KIND_IPV4 || h->obs->kind == INTEL_KIND_IPV6)
            json_buf_u64(b, "prefix_len", h->prefix_len);
    } else {
        json_buf_string(b, "field", "event");
    }
    json_buf_close_object(b);
}

void intel_alert_eve_format(struct json_buf *b, const struct intel_hit *h)
{
    const struct intel_entry *e = h->entry;
    alert_object(b, h);
    json_buf_open_object(b, "intel");
    json_buf_string(b, "indicator_id", e->stix_id);
    if (e->name)
        json_buf_string(b, "name", e->name);
    json_buf_string(b, "pattern", e->pattern);
    json_buf_string(b, "match", mode_names[e->mode]);
    matched_object(b, h);
    if (e->source)
        json_buf_string(b, "source", e->source);
    json_buf_string(b, "tlp", intel_tlp_name(e->tlp));
    if (e->confidence >= 0)
        json_buf_u64(b, "confidence", (uint64_t)e->confidence);
    if (e->indicator_types)
        csv_array(b, "indicator_types", e->indicator_types);
    if (e->kill_chain_phases)
        csv_array(b, "kill_chain_phases", e->kill_chain_phases);
    if (e->valid_until_us != INTEL_TIME_NONE && e->valid_until_us >= 0) {
        /* STIX's own form (RFC 3339, UTC), as the indicator said it. */
        char ts[40];
        time_t t = (time_t)(e->valid_until_us / 1000000);
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm))
            json_buf_string(b, "valid_until", ts);
    }
    related_array(b, e);
    json_buf_close_object(b);
}
