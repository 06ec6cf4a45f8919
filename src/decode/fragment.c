/* fragment.c — hands an IPv4 or IPv6 fragment to defrag and, when the
 * datagram is complete, points the decode at the reassembled payload.
 *
 * The payload lands in one of the decoder's DECODE_REASM_DEPTH buffers (an
 * inner datagram can complete while the outer one is being read), and the
 * frame then stands for every frame that carried the datagram (frame_count,
 * frame_bytes), so flows still count each of them.
 */
#include "decode/decode_internal.h"

enum decode_result fragment_decode(struct decoder *d, struct packet *p, struct defrag_key *key,
                                   struct defrag_frag *f, struct cursor *c, uint8_t *proto)
{
    if (d->reasm_used >= DECODE_REASM_DEPTH)
        return decode_invalid(d, DC_DEFRAG_NESTED);
    struct defrag_out out = {.buf = d->reasm_buf[d->reasm_used]};
    switch (defrag_add(d->defrag, key, f, &out)) {
    case DEFRAG_HELD:
        return DECODE_HELD;
    case DEFRAG_DROPPED:
        return DECODE_INVALID;
    case DEFRAG_DONE:
        break;
    }
    d->reasm_used++;
    d->snap_missing = 0;
    p->flags |= PACKET_IS_REASSEMBLED;
    p->frame_count = out.frames;
    p->frame_bytes = out.frame_bytes;
    *c = cursor_make(out.buf, out.len);
    *proto = out.next_header;
    return DECODE_OK;
}
