/* tls_vectors.h — real handshake bytes for the TLS tests (tls_vectors.c). */
#ifndef HRADBA_TESTS_TLS_VECTORS_H
#define HRADBA_TESTS_TLS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

extern const uint8_t tls_vec_cloudflare_client[];
extern const size_t tls_vec_cloudflare_client_len;
extern const uint8_t tls_vec_cloudflare_server[];
extern const size_t tls_vec_cloudflare_server_len;

#endif
