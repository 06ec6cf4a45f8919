/* counter.h — a read-only view of a module's named counters.
 *
 * Every module that counts (decoder malformations, flow evictions, memory
 * high-water marks) keeps a plain uint64_t array and a parallel table of
 * dotted names, and hands out this view. The statistics writer walks views;
 * it knows no module's internals.
 */
#ifndef HRADBA_CORE_COUNTER_H
#define HRADBA_CORE_COUNTER_H

#include <stddef.h>
#include <stdint.h>

struct counter_view {
    const char *section;      /* "decoder", "flow", "capture", ... */
    const char *const *names; /* e.g. "ipv4.truncated"; count entries */
    const uint64_t *values;   /* count entries, owned by the module */
    size_t count;
};

/* Declares an enum and a name table from one X-macro list, so a counter's
 * id and its printed name cannot drift apart:
 *   #define FOO_COUNTERS(X) X(FOO_BAD_LEN, "bad_len") X(FOO_SHORT, "short")
 *   enum foo_counter { FOO_COUNTERS(COUNTER_ENUM) FOO_COUNTER_COUNT };
 *   static const char *const foo_counter_names[] = {FOO_COUNTERS(COUNTER_NAME)};
 */
#define COUNTER_ENUM(id, name) id,
#define COUNTER_NAME(id, name) name,

#endif
