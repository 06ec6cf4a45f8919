/* eve_sink.h — where finished event lines go: a file or standard output.
 *
 * Lines are buffered and written whole; a write error (disk full, closed
 * pipe) is remembered and reported once, never retried in a loop.
 */
#ifndef HRADBA_OUTPUT_EVE_SINK_H
#define HRADBA_OUTPUT_EVE_SINK_H

#include <stddef.h>
#include <stdint.h>

/* path "-" or NULL means standard output. A file is created (0644) or
 * appended to, as Suricata does with eve.json. Returns NULL and sets errno
 * on failure. A closed reader (EPIPE) is an error like any other: SIGPIPE
 * is held off during the sink's own writes, so it cannot kill the process. */
struct eve_sink *eve_sink_open(const char *path);
/* Writes to an already open descriptor, which eve_sink_close leaves open. */
struct eve_sink *eve_sink_open_fd(int fd);
/* Flushes and closes; returns 0 or the first write error as -errno. */
int eve_sink_close(struct eve_sink *s);
/* Queues one or more complete lines. Returns 0 or -errno (sticky). */
int eve_sink_write(struct eve_sink *s, const char *data, size_t len);
/* Writes out what is buffered. Returns 0 or -errno (sticky). */
int eve_sink_flush(struct eve_sink *s);
/* Lines (newlines) and bytes accepted so far, written or still buffered. */
uint64_t eve_sink_lines(const struct eve_sink *s);
uint64_t eve_sink_bytes(const struct eve_sink *s);

#endif
