/* decoder.c — the decoder object: configuration, per-frame entry, counters.
 *
 * decoder_run() resets the packet's decoded fields, hands the frame to the
 * link layer (link.c) and counts the outcome. Everything per frame lives in
 * the caller's struct packet or in buffers allocated once here; the only
 * allocations after decoder_new() are defrag's, bounded by defrag_memcap.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/decode_internal.h"

static const char *const decode_counter_names[] = {DECODE_COUNTERS(COUNTER_NAME)};

void decode_config_default(struct decode_config *cfg)
{
    cfg->defrag_memcap = (size_t)32 << 20;
    cfg->defrag_timeout_ms = 60000; /* RFC 8200 §4.5: 60 s; Linux ipfrag_time is 30 s */
    cfg->defrag_max_datagrams = 65536;
    cfg->max_tunnel_depth = 4;
}

struct decoder *decoder_new(const struct decode_config *cfg)
{
    struct decoder *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    if (cfg)
        d->cfg = *cfg;
    else
        decode_config_default(&d->cfg);
    for (size_t i = 0; i < DECODE_REASM_DEPTH; i++) {
        d->reasm_buf[i] = malloc(DEFRAG_MAX_PAYLOAD);
        if (!d->reasm_buf[i])
            goto fail;
    }
    d->defrag = defrag_new(&d->cfg, d->counters);
    if (!d->defrag)
        goto fail;
    return d;
fail:
    decoder_free(d);
    return NULL;
}

void decoder_free(struct decoder *d)
{
    if (!d)
        return;
    defrag_free(d->defrag);
    for (size_t i = 0; i < DECODE_REASM_DEPTH; i++)
        free(d->reasm_buf[i]);
    free(d);
}

enum decode_result decoder_run(struct decoder *d, struct packet *p)
{
    /* Everything from flags on is output: clear it in one go. */
    memset(&p->flags, 0, sizeof(*p) - offsetof(struct packet, flags));
    p->frame_count = 1;
    p->frame_bytes = p->wirelen > p->caplen ? p->wirelen : p->caplen;
    d->reasm_used = 0;
    d->snap_missing = p->wirelen > p->caplen ? p->wirelen - p->caplen : 0;
    decode_count(d, DC_FRAMES);

    enum decode_result r = link_decode(d, p, cursor_make(p->data, p->caplen));
    switch (r) {
    case DECODE_OK:
        break;
    case DECODE_NOT_IP:
        decode_reset_l3(p);
        decode_count(d, DC_NOT_IP);
        break;
    case DECODE_HELD:
        decode_count(d, DC_HELD);
        break;
    case DECODE_INVALID:
        decode_count(d, DC_INVALID);
        break;
    }
    return r;
}

void decoder_advance(struct decoder *d, uint64_t now_us)
{
    defrag_expire(d->defrag, now_us);
}

struct counter_view decoder_counters(const struct decoder *d)
{
    struct counter_view v = {"decoder", decode_counter_names, d->counters, DECODE_COUNTER_COUNT};
    return v;
}
