/* tls_cert.h — the server's certificate chain from a TLS <= 1.2 (and SSL
 * 3.0) Certificate message, its leaf decoded into struct tls_cert_info.
 *
 * RFC 5246 §7.4.2 (certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>),
 * RFC 5280 for the fields. The leaf's DER goes to libcrypto's X.509
 * decoder; this is the one place in hradba that does so. Not a path
 * validator: no signature, date or name is checked. TLS 1.3's Certificate
 * (with per-entry extensions) is encrypted and never seen here.
 */
#ifndef HRADBA_PROTO_TLS_TLS_CERT_H
#define HRADBA_PROTO_TLS_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/tls/tls_record.h"

/* Decodes a Certificate message body into info (zeroed first). Returns 0
 * when the leaf was decoded, 1 for an empty list (a legal "no
 * certificate"), -EINVAL when it was not. *anomaly is set (also with 0,
 * when only a later entry is broken) to "certificate_list_overflow" (the
 * list length overruns the message), "certificate_length_overflow" (an
 * entry's length overruns the list), "certificate_trailing_bytes" or
 * "certificate_invalid" (the leaf is not DER X.509), else NULL.
 * info->chain_count counts the entries whose framing held. */
int tls_cert_parse(const uint8_t *msg, size_t len, struct tls_cert_info *info,
                   const char **anomaly);

/* Decodes one DER certificate (der, len) into info's leaf fields. Returns 0
 * or -EINVAL ("certificate_invalid"). */
int tls_cert_decode(const uint8_t *der, size_t len, struct tls_cert_info *info);

#endif
