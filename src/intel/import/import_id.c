/* import_id.c — STIX id checks and UUIDv5 (RFC 9562 section 5.5: SHA-1 over
 * namespace and name, version 5, variant 10). */
#include "intel/import/import_id.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/digest.h"
#include "core/hex.h"

bool import_id_is_uuid(const char *s, size_t len)
{
    if (len != IMPORT_ID_UUID_LEN || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return false;
    /* Every other byte a hex digit: one table look-up each. */
    unsigned ok = 1;
    for (size_t i = 0; i < len; i++)
        ok &= i == 8 || i == 13 || i == 18 || i == 23 ? 1u : hex_digit_plus1[(uint8_t)s[i]] != 0;
    return ok != 0;
}

bool import_id_is_stix(const char *id, const char *type)
{
    if (!id)
        return false;
    const char *sep = strstr(id, "--");
    if (!sep || sep == id)
        return false;
    if (type && ((size_t)(sep - id) != strlen(type) || memcmp(id, type, strlen(type)) != 0))
        return false;
    return import_id_is_uuid(sep + 2, strlen(sep + 2));
}

static void uuid_bytes(const char *text, uint8_t out[16])
{
    for (size_t i = 0, k = 0; i < IMPORT_ID_UUID_LEN; i++) {
        if (text[i] == '-')
            continue;
        int v = hex_digit_value((unsigned char)text[i]);
        if (k % 2 == 0)
            out[k / 2] = (uint8_t)(v << 4);
        else
            out[k / 2] |= (uint8_t)v;
        k++;
    }
}

int import_id_uuid5(const char *name, size_t len, char out[IMPORT_ID_UUID_LEN + 1])
{
    uint8_t ns[16];
    uuid_bytes(IMPORT_ID_NAMESPACE, ns);
    struct digest *d = digest_new(DIGEST_SHA1);
    if (!d)
        return -ENOMEM;
    char hex[DIGEST_HEX_MAX];
    int rc = digest_update(d, ns, sizeof ns);
    if (rc == 0)
        rc = digest_update(d, name, len);
    if (rc == 0)
        rc = digest_final_hex(d, DIGEST_SHA1, hex);
    digest_free(d);
    if (rc != 0)
        return rc;
    uint8_t u[16];
    for (size_t i = 0; i < 16; i++)
        u[i] = (uint8_t)(hex_digit_value((unsigned char)hex[2 * i]) << 4 |
                         hex_digit_value((unsigned char)hex[2 * i + 1]));
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x50); /* version 5 */
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* variant 10 */
    char tmp[33];
    digest_to_hex(u, 16, tmp);
    memcpy(out, tmp, 8);
    out[8] = '-';
    memcpy(out + 9, tmp + 8, 4);
    out[13] = '-';
    memcpy(out + 14, tmp + 12, 4);
    out[18] = '-';
    memcpy(out + 19, tmp + 16, 4);
    out[23] = '-';
    memcpy(out + 24, tmp + 20, 12);
    out[36] = '\0';
    return 0;
}
