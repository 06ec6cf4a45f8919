/* tls_framing.h — the TLS record layer of one direction, and handshake
 * messages reassembled across records and TCP segments.
 *
 * RFC 8446 §5.1 and RFC 5246 §6.2.1 (TLSPlaintext: type u8, version u16,
 * length u16), RFC 6101 §5.2.1 (SSL 3.0, same header), RFC 6101 appendix E
 * and RFC 5246 appendix E.2 (an SSLv2-compatible ClientHello as the first
 * bytes of a client). Sans-I/O: bytes in, whole handshake messages and
 * record headers out through a sink. Record bodies other than handshake are
 * skipped unbuffered; a handshake message is buffered only while it spans
 * chunks, up to TLS_FRAMING_MESSAGE_MAX. Not a decryptor: the parser stops
 * feeding a direction once it turns encrypted.
 */
#ifndef HRADBA_PROTO_TLS_TLS_FRAMING_H
#define HRADBA_PROTO_TLS_TLS_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls_content_type {
    TLS_CONTENT_CHANGE_CIPHER_SPEC = 20,
    TLS_CONTENT_ALERT = 21,
    TLS_CONTENT_HANDSHAKE = 22,
    TLS_CONTENT_APPLICATION_DATA = 23,
    TLS_CONTENT_HEARTBEAT = 24,
};

enum tls_handshake_type {
    TLS_HS_HELLO_REQUEST = 0,
    TLS_HS_CLIENT_HELLO = 1,
    TLS_HS_SERVER_HELLO = 2,
    TLS_HS_NEW_SESSION_TICKET = 4,
    TLS_HS_CERTIFICATE = 11,
    TLS_HS_SERVER_KEY_EXCHANGE = 12,
    TLS_HS_CERTIFICATE_REQUEST = 13,
    TLS_HS_SERVER_HELLO_DONE = 14,
    /* Not on the wire: an SSLv2-compatible ClientHello, delivered as the
     * whole SSLv2 record body (msg_type 1 first). */
    TLS_HS_SSLV2_CLIENT_HELLO = 0x100,
};

enum {
    /* RFC 5246 §6.2.3: TLSCiphertext.length <= 2^14 + 2048. */
    TLS_FRAMING_RECORD_MAX = 16384 + 2048,
    /* One handshake message; a larger one (a certificate chain of absurd
     * length) is skipped with "handshake_too_long". */
    TLS_FRAMING_MESSAGE_MAX = 64 * 1024,
    /* Records read per direction before inspection gives up with
     * "too_many_records". A handshake needs a handful. */
    TLS_FRAMING_RECORDS_MAX = 4096,
};

/* What the parser hears. message and record return 0 to go on, or 1 to
 * stop reading this direction (tls_framing_feed then returns 1). */
struct tls_framing_sink {
    int (*message)(void *ctx, unsigned type, const uint8_t *body, size_t len);
    /* A record header that is not a handshake record (CCS, alert,
     * application data, heartbeat); its body is skipped. */
    int (*record)(void *ctx, uint8_t content_type, uint16_t version, size_t len);
    void (*anomaly)(void *ctx, const char *event);
    void *ctx;
};

struct tls_framing {
    uint8_t hdr[5]; /* a record header split across chunks */
    uint8_t hdr_len;
    uint8_t content_type; /* of the record being read */
    bool is_started;      /* any byte seen (SSLv2 detection looks at the first) */
    bool allow_sslv2;     /* client side: the first record may be SSLv2 */
    size_t record_left;   /* body bytes of the current record still to come */
    size_t record_count;
    /* handshake reassembly */
    uint8_t hs_hdr[4];
    uint8_t hs_hdr_len; /* 4: the header is complete, a body is being read */
    unsigned hs_type;
    size_t msg_need; /* body length */
    size_t msg_len;  /* body bytes buffered */
    size_t msg_skip; /* bytes of an oversized message still to skip */
    uint8_t *msg;    /* heap, msg_cap bytes */
    size_t msg_cap;
    uint16_t record_version; /* of the last record header */
};

void tls_framing_init(struct tls_framing *fr, bool allow_sslv2);
void tls_framing_fini(struct tls_framing *fr);

/* Reads in-order bytes of the direction. Returns 0 (send more), 1 (the sink
 * asked to stop), or -1 after a fatal anomaly (this direction is not TLS
 * or lost its framing: "invalid_record_type", "invalid_record_version",
 * "record_too_long", "too_many_records", "handshake_interleaved",
 * "invalid_sslv2_header"; or an allocation failure, "out_of_memory"). */
int tls_framing_feed(struct tls_framing *fr, const uint8_t *data, size_t len,
                     const struct tls_framing_sink *sink);

/* True while a handshake message or record is only partly read. */
bool tls_framing_is_partial(const struct tls_framing *fr);

/* Heap bytes held. */
size_t tls_framing_mem(const struct tls_framing *fr);

#endif
