/* fuzz_decode.c — libFuzzer target for the decoder (src/decode/).
 *
 * Input: 2 bytes choosing the link type from decode_fuzz_links[], then
 * frames, each a 2-byte big-endian length and that many bytes (the last may
 * be short). Length bit 15 marks a frame as cut by the snap length (its
 * wire length is larger). All frames go through one decoder with small
 * defrag limits, so fragment state, eviction and timeouts build up across
 * frames. Each frame is copied to an exact-size buffer so ASan sees a read
 * one past its end. Decoded packets then go to a small flow table, so the
 * decoder's output contract is fuzzed where it is consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "flow/flow_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_flow_end(void *ctx, struct flow *f)
{
    (void)ctx;
    (void)f;
}

static const int decode_fuzz_links[] = {
    PACKET_LINK_ETHERNET, PACKET_LINK_RAW,  PACKET_LINK_NULL, PACKET_LINK_LOOP,
    PACKET_LINK_SLL,      PACKET_LINK_SLL2, PACKET_LINK_IPV4, PACKET_LINK_IPV6,
};

enum { FUZZ_SNAPPED = 0x8000, FUZZ_LEN_MASK = 0x7fff, FUZZ_SWEEP_EVERY = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t nlinks = sizeof(decode_fuzz_links) / sizeof(decode_fuzz_links[0]);
    int link = decode_fuzz_links[((size_t)data[0] << 8 | data[1]) % nlinks];
    size_t off = 2;

    struct decode_config cfg;
    decode_config_default(&cfg);
    cfg.defrag_memcap = 16384;
    cfg.defrag_max_datagrams = 16;
    cfg.defrag_timeout_ms = 5;
    struct decoder *d = decoder_new(&cfg);
    struct flow_config fcfg;
    flow_config_default(&fcfg);
    fcfg.memcap = 1 << 20;
    struct flow_table *flows = flow_table_new(&fcfg, fuzz_flow_end, NULL);
    if (!d || !flows)
        goto done;
    uint64_t ts_us = 1000000;
    for (unsigned n = 0; off + 2 <= size; n++) {
        unsigned head = (unsigned)data[off] << 8 | data[off + 1];
        off += 2;
        size_t len = head & FUZZ_LEN_MASK;
        if (len > size - off)
            len = size - off;
        uint8_t *frame = malloc(len ? len : 1);
        if (!frame)
            break;
        if (len)
            memcpy(frame, data + off, len);
        off += len;
        struct packet p = {
            .ts_us = ts_us,
            .data = frame,
            .caplen = (uint32_t)len,
            .wirelen = (uint32_t)len + (head & FUZZ_SNAPPED ? 1500u : 0u),
            .linktype = link,
            .frame_no = n + 1,
        };
        enum decode_result r = decoder_run(d, &p);
        /* The contract flows rely on: payload inside what was decoded. */
        if (r == DECODE_OK && p.payload_len && !p.payload)
            abort();
        if (p.frame_count == 0 || p.frame_bytes < p.wirelen)
            abort();
        flow_table_advance(flows, ts_us);
        if (r == DECODE_OK) {
            enum flow_dir dir;
            flow_table_packet(flows, &p, &dir);
        }
        free(frame);
        ts_us += 1000;
        if (n % FUZZ_SWEEP_EVERY == FUZZ_SWEEP_EVERY - 1)
            decoder_advance(d, ts_us);
    }
done:
    flow_table_free(flows);
    decoder_free(d);
    return 0;
}
