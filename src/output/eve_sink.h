/* eve_sink.h — where finished event lines go: a file or standard output.
 *
 * Lines are buffered and written whole; a write error (disk full, closed
 * pipe) is remembered and reported once, never retried in a loop.
 */
#ifndef HRADBA_OUTPUT_EVE_SINK_H
#define HRADBA_OUTPUT_EVE_SINK_H

#include <stddef.h>
#include <stdint.h>

/* path "-" or NULL means standard output. Returns NULL and sets errno on failure. */
struct eve_sink *eve_sink_open(const char *path);
/* Flushes and closes; returns 0 or the first write error as -errno. */
int eve_sink_close(struct eve_sink *s);
/* Queues one or more complete lines. Returns 0 or -errno (sticky). */
int eve_sink_write(struct eve_sink *s, const char *data, size_t len);
int eve_sink_flush(struct eve_sink *s);
uint64_t eve_sink_lines(const struct eve_sink *s);
uint64_t eve_sink_bytes(const struct eve_sink *s);

#endif
