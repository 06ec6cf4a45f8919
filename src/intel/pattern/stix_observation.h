/* stix_observation.h — what one network event offers to a STIX pattern.
 *
 * One observation is a list of cyber observable objects (STIX 2.1 §6), each a
 * type name and a tree of properties (strings, integers, floats, booleans,
 * binary, lists, dictionaries and references to other objects of the same
 * observation, by index). Everything lives in one arena under a byte cap, so a
 * worker can reuse an observation per event with stix_observation_reset().
 * Convenience builders cover what the sensor produces (addresses, domains,
 * URLs, hashes, e-mail addresses, certificates, network-traffic).
 */
#ifndef HRADBA_INTEL_STIX_OBSERVATION_H
#define HRADBA_INTEL_STIX_OBSERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stix_value_type {
    STIX_VALUE_NULL = 0,
    STIX_VALUE_BOOL,
    STIX_VALUE_INT,
    STIX_VALUE_FLOAT,
    STIX_VALUE_STRING, /* UTF-8, not NUL-terminated inside (len given) */
    STIX_VALUE_BINARY, /* decoded bytes of a *_bin / *_hex property */
    STIX_VALUE_LIST,
    STIX_VALUE_DICT,
    STIX_VALUE_REF, /* index of another object of this observation */
};

struct stix_member; /* one dict entry or list item, see below */

struct stix_value {
    enum stix_value_type type;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            const char *ptr; /* NUL-terminated copy in the arena */
            size_t len;
        } s; /* STRING and BINARY */
        struct {
            struct stix_member *first, *last;
            size_t count;
        } c; /* LIST and DICT */
        size_t ref;
    } u;
};

struct stix_member {
    const char *key; /* dict key (NUL-terminated); NULL for a list item */
    struct stix_value value;
    struct stix_member *next;
};

struct stix_object {
    const char *type;        /* "ipv4-addr", ... */
    struct stix_value props; /* a DICT */
};

/* Default and hard caps. */
#define STIX_OBSERVATION_DEFAULT_CAP_BYTES (1u << 20)
#define STIX_OBSERVATION_MAX_OBJECTS 4096u

struct stix_observation_chunk;

struct stix_observation {
    struct stix_object *objects; /* count entries */
    size_t count, capacity;
    struct stix_observation_chunk *chunks; /* arena */
    size_t used_bytes, cap_bytes;
    bool is_failed; /* sticky: an allocation hit the cap; the observation is incomplete */
};

/* Caller-allocated. cap_bytes 0 means the default. init/reset/fini never fail;
 * builders return NULL / -ENOMEM once the cap is hit, and is_failed stays set
 * until reset. */
void stix_observation_init(struct stix_observation *obs, size_t cap_bytes);
void stix_observation_reset(struct stix_observation *obs);
void stix_observation_fini(struct stix_observation *obs);

/* Adds an object of the given type; returns its index, or -ENOMEM / -E2BIG. */
int stix_observation_add_object(struct stix_observation *obs, const char *type);
/* The property dictionary of object idx, or NULL. */
struct stix_value *stix_observation_props(struct stix_observation *obs, size_t idx);

/* Adds key to a DICT (or an item when key is NULL, to a LIST); returns the new
 * value (type NULL, to be set by a setter), or NULL when out of memory. A key
 * already present is not replaced: the first one wins on lookup. */
struct stix_value *stix_value_add(struct stix_observation *obs, struct stix_value *container,
                                  const char *key);
/* Setters; string and binary bytes are copied into the arena. Return 0 or -ENOMEM. */
int stix_value_set_string(struct stix_observation *obs, struct stix_value *v, const char *s,
                          size_t len);
int stix_value_set_binary(struct stix_observation *obs, struct stix_value *v, const void *b,
                          size_t len);
void stix_value_set_int(struct stix_value *v, int64_t i);
void stix_value_set_float(struct stix_value *v, double f);
void stix_value_set_bool(struct stix_value *v, bool b);
void stix_value_set_ref(struct stix_value *v, size_t object_idx);
void stix_value_set_list(struct stix_value *v);
void stix_value_set_dict(struct stix_value *v);

/* Lookup: the member of a DICT named key (len bytes), or NULL. */
const struct stix_value *stix_value_get(const struct stix_value *dict, const char *key,
                                        size_t key_len);

/* --- Builders for what the sensor sees --------------------------------- */

/* An object with one string property "value": ipv4-addr, ipv6-addr,
 * domain-name, url, email-addr, mac-addr. Returns the index or -errno. */
int stix_observation_add_value_object(struct stix_observation *obs, const char *type,
                                      const char *value);
/* Adds hashes.<algo> = hex to object idx (file or x509-certificate). algo is
 * the STIX spelling: "MD5", "SHA-1", "SHA-256". Returns 0 or -errno. */
int stix_observation_add_hash(struct stix_observation *obs, size_t idx, const char *algo,
                              const char *hex);
/* Adds a string property to object idx (x509 serial_number, subject, issuer, ...). */
int stix_observation_add_string(struct stix_observation *obs, size_t idx, const char *key,
                                const char *value);
/* A network-traffic object: src_ref/dst_ref are object indexes (or -1 for
 * none), ports 0 for none, protocols a NULL-terminated list (may be NULL). */
int stix_observation_add_network_traffic(struct stix_observation *obs, int src_ref, int dst_ref,
                                         uint16_t src_port, uint16_t dst_port,
                                         const char *const *protocols);

#endif
