/* bhv.c — the small shared pieces of behaviour alerts (bhv.h). */
#include "detect/bhv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/siphash.h"

void bhv_alert_part(struct bhv_alert *a, const char *name, double value)
{
    if (a->part_count < BHV_ALERT_MAX_PARTS)
        a->parts[a->part_count++] = (struct bhv_part){name, value};
}

static struct bhv_fact *fact_slot(struct bhv_alert *a, bool is_baseline)
{
    size_t *n = is_baseline ? &a->baseline_count : &a->observed_count;
    if (*n == BHV_ALERT_MAX_FACTS)
        return NULL;
    return is_baseline ? &a->baseline[(*n)++] : &a->observed[(*n)++];
}

void bhv_alert_num(struct bhv_alert *a, bool is_baseline, const char *name, double value)
{
    struct bhv_fact *f = fact_slot(a, is_baseline);
    if (f)
        *f = (struct bhv_fact){.name = name, .kind = BHV_FACT_NUM, .num = value};
}

void bhv_alert_time(struct bhv_alert *a, bool is_baseline, const char *name, uint64_t time_us)
{
    struct bhv_fact *f = fact_slot(a, is_baseline);
    if (f)
        *f = (struct bhv_fact){.name = name, .kind = BHV_FACT_TIME, .time_us = time_us};
}

void bhv_alert_text(struct bhv_alert *a, bool is_baseline, const char *name, const char *text)
{
    struct bhv_fact *f = fact_slot(a, is_baseline);
    if (f && text)
        *f = (struct bhv_fact){.name = name, .kind = BHV_FACT_TEXT, .text = text};
    else if (f) /* give the slot back: an absent text is not a fact */
        is_baseline ? a->baseline_count-- : a->observed_count--;
}

void bhv_alert_technique(struct bhv_alert *a, const char *id)
{
    if (a->technique_count < BHV_ALERT_MAX_TECHNIQUES)
        a->techniques[a->technique_count++] = id;
}

uint32_t bhv_alert_sid(unsigned detector_no, unsigned finding)
{
    return 9001000u + detector_no * 100u + finding % 100u;
}

const char *bhv_ip_text(const struct bhv_ip *ip, char buf[46])
{
    if (!inet_ntop(ip->family == 6 ? AF_INET6 : AF_INET, ip->b, buf, 46))
        snprintf(buf, 46, "?");
    return buf;
}

void bhv_name_key(char *out, size_t out_size, const char *name)
{
    /* A fixed public key: the fold only keeps long names apart, and the
     * table hashing the key is keyed on its own. */
    static const uint64_t fold_key[2] = {0x6872616462612d6bull, 0x65792d666f6c6421ull};
    memset(out, 0, out_size);
    if (!name || out_size < 2)
        return;
    size_t len = strlen(name);
    size_t keep = len < out_size ? len : out_size - 17;
    if (len >= out_size && out_size <= 17)
        keep = 0;
    for (size_t i = 0; i < keep; i++) {
        char c = name[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (len >= out_size && out_size > 17) {
        /* Lower-case before hashing, as for the kept part. */
        uint64_t h = siphash24(fold_key, "", 0);
        char low[256];
        size_t at = 0;
        for (size_t i = 0; i < len; i++) {
            char c = name[i];
            low[at++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
            if (at == sizeof(low) || i + 1 == len) {
                h = siphash24((const uint64_t[2]){fold_key[0] ^ h, fold_key[1]}, low, at);
                at = 0;
            }
        }
        snprintf(out + keep, 17, "%016llx", (unsigned long long)h);
    }
}
