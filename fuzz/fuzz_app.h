/* fuzz_app.h — what the libFuzzer targets of the app-layer parsers share:
 * a flow's state, each call's octets from an exact-size copy (ASan sees a
 * read one past it), and every record checked: anomalies named and of the
 * parser's protocol, other records formatted into a JSON object and the
 * JSON checked. Static inline functions, included by one target each.
 *
 * Two input shapes serve most targets; each target's comment says which.
 * - Chunked (fuzz_app_chunks): one selector octet, then chunks of
 *   [flags][length, 2 octets big endian][octets]. Flags bit 0 is the
 *   direction (1 = to client); bit 1 asks for a gap before the chunk, of
 *   (flags >> 2) + 1 octets unless the target sizes it. A short last chunk
 *   takes what is left. Selector bit 7 re-splits every chunk into pieces of
 *   (selector & 0x3f) + 1 octets, so line and record boundaries fall
 *   everywhere. Each direction's first chunk is probed.
 * - Header octets (fuzz_app_octets): chunks of one header octet and its
 *   octets. The header's top bit picks the direction (set: server to
 *   client); its low 7 bits are the length, 0 meaning "a gap of one octet"
 *   and 127 "the rest of the input". The whole input is probed from both
 *   sides first.
 */
#ifndef HRADBA_FUZZ_APP_H
#define HRADBA_FUZZ_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/file/fileinfo.h"

struct fuzz_app {
    const struct app_parser *parser;
    /* The record the parser writes, and how it is written into an open JSON
     * object (fileinfo records too when has_files). NULL: the parser writes
     * anomalies only. */
    enum app_record type;
    void (*format)(struct fuzz_app *f, enum app_record type, const void *record);
    bool has_files;
    bool is_summary; /* at most one record of type per flow */
    /* Aborts on a parse answer the parser must not give for these n octets;
     * NULL: any answer. */
    void (*check)(enum flow_dir dir, size_t n, enum app_result r, const struct app_out *out);
    /* Chunked input: the gap a chunk's flags ask for; NULL: (flags >> 2) + 1. */
    uint64_t (*gap_len)(uint8_t flags);
    size_t state_mem_max; /* bound on state_mem after every call; 0: none */

    /* Filled in by the calls below. */
    struct json_buf b;
    struct app_out out;
    size_t records;
    const void *last;       /* the last record of type, for its fileinfo records */
    uint8_t sel;            /* chunked input: the selector octet */
    enum app_result result; /* the last answer */
};

static inline void fuzz_app_emit(void *ctx, enum app_record type, const void *record)
{
    struct fuzz_app *f = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != f->parser->proto)
            abort();
        return;
    }
    if (!f->format)
        abort(); /* the parser writes no record */
    if (type == APP_RECORD_FILEINFO && f->has_files) {
        const struct fileinfo_record *r = record;
        if (r->proto != f->parser->proto || (r->parent && r->parent_type != f->type))
            abort();
    } else if (type != f->type || (f->is_summary && ++f->records > 1)) {
        abort(); /* another kind, or a second summary of one flow */
    } else {
        f->last = record;
    }
    json_buf_reset(&f->b);
    json_buf_open_object(&f->b, NULL);
    f->format(f, type, record);
    json_buf_close_object(&f->b);
    if (!json_buf_ok(&f->b) || f->b.depth != 0)
        abort();
}

/* The flow's state (NULL when it could not be made); f->parser and the
 * options are set. */
static inline void *fuzz_app_begin(struct fuzz_app *f)
{
    json_buf_init(&f->b);
    f->out = (struct app_out){fuzz_app_emit, f, 1, FLOW_TOSERVER, 0};
    f->records = 0;
    f->result = APP_OK;
    return f->parser->state_new();
}

static inline void fuzz_app_end(struct fuzz_app *f, void *st)
{
    f->parser->state_free(st);
    json_buf_fini(&f->b);
}

/* n octets of p in a buffer of exactly that size (one octet for none);
 * NULL when out of memory. */
static inline uint8_t *fuzz_app_copy(const uint8_t *p, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (copy && n)
        memcpy(copy, p, n);
    return copy;
}

/* One parse call, as the stream layer makes it (handover_at preset to n). */
static inline enum app_result fuzz_app_feed(struct fuzz_app *f, void *st, enum flow_dir dir,
                                            const uint8_t *p, size_t n)
{
    uint8_t *copy = fuzz_app_copy(p, n);
    if (!copy)
        return APP_ERROR;
    f->out.dir = dir;
    f->out.handover_at = n;
    enum app_result r = f->parser->parse(st, dir, copy, n, &f->out);
    free(copy);
    size_t mem = f->parser->state_mem(st);
    if (f->state_mem_max && mem > f->state_mem_max)
        abort();
    if (f->check)
        f->check(dir, n, r, &f->out);
    return r;
}

static inline enum app_result fuzz_app_gap(struct fuzz_app *f, void *st, enum flow_dir dir,
                                           uint64_t len)
{
    f->out.dir = dir;
    return f->parser->gap ? f->parser->gap(st, dir, len, &f->out) : APP_OK;
}

/* Feeds chunked input to st. False when nothing was fed (no state, no
 * selector octet); the last answer is in f->result either way. */
static inline bool fuzz_app_chunks(struct fuzz_app *f, void *st, const uint8_t *data, size_t size)
{
    struct cursor c = cursor_make(data, size);
    f->sel = cursor_u8(&c);
    if (!st || !cursor_ok(&c))
        return false;
    enum app_result r = APP_OK;
    bool is_probed[2] = {false, false};
    while (r == APP_OK && cursor_left(&c) > 0) {
        uint8_t flags = cursor_u8(&c);
        size_t want = cursor_be16(&c);
        size_t n = want < cursor_left(&c) ? want : cursor_left(&c);
        const uint8_t *chunk = cursor_bytes(&c, n);
        enum flow_dir dir = (flags & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        if (!chunk)
            break;
        if (!is_probed[dir]) {
            f->parser->probe(dir, chunk, n);
            is_probed[dir] = true;
        }
        if (flags & 2)
            r = fuzz_app_gap(f, st, dir,
                             f->gap_len ? f->gap_len(flags) : (uint64_t)(flags >> 2) + 1);
        size_t step = (f->sel & 0x80) ? (size_t)(f->sel & 0x3f) + 1 : (n ? n : 1);
        for (size_t off = 0; r == APP_OK && off < n; off += step)
            r = fuzz_app_feed(f, st, dir, chunk + off, n - off < step ? n - off : step);
    }
    f->result = r;
    return true;
}

/* A whole flow of chunked input: its state, the chunks, and flow_end when
 * anything was fed. */
static inline void fuzz_app_run_chunks(struct fuzz_app *f, const uint8_t *data, size_t size)
{
    void *st = fuzz_app_begin(f);
    if (fuzz_app_chunks(f, st, data, size) && f->parser->flow_end)
        f->parser->flow_end(st, &f->out);
    fuzz_app_end(f, st);
}

/* Feeds header-octet input to st (NULL: only the probes run); returns the
 * last answer. */
static inline enum app_result fuzz_app_octets(struct fuzz_app *f, void *st, const uint8_t *data,
                                              size_t size)
{
    f->parser->probe(FLOW_TOSERVER, data, size);
    f->parser->probe(FLOW_TOCLIENT, data, size);
    struct cursor c = cursor_make(data, size);
    enum app_result r = APP_OK;
    while (st && r == APP_OK && cursor_left(&c) > 0) {
        uint8_t h = cursor_u8(&c);
        enum flow_dir dir = (h & 0x80) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t n = h & 0x7f;
        if (n == 0) {
            r = fuzz_app_gap(f, st, dir, 1);
            continue;
        }
        if (n == 0x7f || n > cursor_left(&c))
            n = cursor_left(&c);
        r = fuzz_app_feed(f, st, dir, cursor_bytes(&c, n), n);
    }
    f->result = r;
    return r;
}

#endif
