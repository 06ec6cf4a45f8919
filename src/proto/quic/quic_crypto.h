/* quic_crypto.h — one direction's CRYPTO stream, reassembled by offset.
 *
 * RFC 9000 §19.6 and §7.5: CRYPTO frames carry the TLS handshake at
 * explicit offsets, in any order, possibly overlapping, across packets and
 * datagrams (clients split a large ClientHello over several Initials and
 * may send the pieces out of order). The stream keeps bytes [0, cap) with a
 * presence bitmap and tracks how far from 0 it is whole. Memory grows with
 * the highest offset seen, by doubling, never past QUIC_CRYPTO_MAX. Not a
 * TLS record layer: QUIC has none; the first handshake message is read off
 * the stream directly.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_CRYPTO_H
#define HRADBA_PROTO_QUIC_QUIC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    QUIC_CRYPTO_MAX = 16384,       /* bytes of one stream kept: a ClientHello with a
                                    * post-quantum key share is ~2 KB */
    QUIC_CRYPTO_MIN_ALLOC = 2048,  /* first allocation */
    QUIC_HANDSHAKE_HEADER_LEN = 4, /* msg_type u8, length u24 (RFC 8446 §4) */
};

struct quic_crypto_stream {
    uint8_t *buf; /* cap data bytes, then cap / 8 bytes of presence bits */
    size_t cap;
    size_t contiguous;  /* [0, contiguous) is all present */
    size_t frame_count; /* CRYPTO frames added */
};

void quic_crypto_init(struct quic_crypto_stream *s);
/* Frees the buffer; the stream is then empty and usable again. */
void quic_crypto_fini(struct quic_crypto_stream *s);
/* Heap bytes held. */
size_t quic_crypto_mem(const struct quic_crypto_stream *s);

/* Stores len bytes of the stream at offset (later copies of a byte win).
 * Returns 0; -E2BIG when offset + len exceeds QUIC_CRYPTO_MAX (nothing is
 * stored); -ENOMEM when the buffer could not grow. */
int quic_crypto_add(struct quic_crypto_stream *s, uint64_t offset, const uint8_t *data, size_t len);

/* The first handshake message of the stream, once whole: returns 1 and sets
 * *type and the borrowed body (after the 4-byte header, valid until the
 * next add or fini); 0 while bytes are missing; -E2BIG when the message
 * announces more than QUIC_CRYPTO_MAX can hold. */
int quic_crypto_message(const struct quic_crypto_stream *s, uint8_t *type, const uint8_t **body,
                        size_t *body_len);

#endif
