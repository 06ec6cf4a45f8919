/* eve_time.h — timestamps the way Suricata's EVE writes them.
 * "2009-11-03T09:29:08.123456+0000", always UTC. */
#ifndef HRADBA_OUTPUT_EVE_TIME_H
#define HRADBA_OUTPUT_EVE_TIME_H

#include <stddef.h>
#include <stdint.h>

enum { EVE_TIME_LEN = 32 }; /* 31 characters and NUL */

/* Writes ts_us (microseconds since the epoch) as EVE text; returns its length. */
size_t eve_time_format(uint64_t ts_us, char out[EVE_TIME_LEN]);

#endif
