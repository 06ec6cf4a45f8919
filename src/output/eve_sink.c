/* eve_sink.c — buffered, whole-line output of EVE events to a descriptor.
 *
 * Lines collect in a 64 KiB buffer and leave in large write(2) calls,
 * retried on EINTR and short writes. The first error is kept and returned
 * from then on; later data is dropped, never retried in a loop. Not a log
 * rotator and not thread-safe: one sink per writer.
 */
#include "output/eve_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EVE_SINK_BUF_LEN = 64 * 1024 };

struct eve_sink {
    int fd;
    bool is_owned_fd;
    int err; /* first error as -errno, or 0 */
    size_t len;
    uint64_t lines;
    uint64_t bytes;
    char buf[EVE_SINK_BUF_LEN];
};

struct eve_sink *eve_sink_open_fd(int fd)
{
    if (fd < 0) {
        errno = EBADF;
        return NULL;
    }
    struct eve_sink *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->fd = fd;
    return s;
}

struct eve_sink *eve_sink_open(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return eve_sink_open_fd(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return NULL;
    struct eve_sink *s = eve_sink_open_fd(fd);
    if (!s) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    s->is_owned_fd = true;
    return s;
}

/* write(2) all of data, waiting out EAGAIN on a non-blocking descriptor. */
static int eve_sink_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n >= 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
                return -errno;
            continue;
        }
        return -errno;
    }
    return 0;
}

/* Writes with SIGPIPE blocked, and consumes the SIGPIPE a closed reader
 * raises, so EPIPE comes back as an error instead of ending the process
 * (whatever the program's SIGPIPE disposition). */
static int eve_sink_write_nosigpipe(int fd, const char *data, size_t len)
{
    sigset_t pipe_set, old_set, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set) != 0)
        return eve_sink_write_all(fd, data, len);
    sigemptyset(&pending);
    bool was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;

    int rc = eve_sink_write_all(fd, data, len);
    if (rc == -EPIPE && !was_pending) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_set, NULL);
    return rc;
}

int eve_sink_flush(struct eve_sink *s)
{
    if (s->err)
        return s->err;
    if (s->len == 0)
        return 0;
    s->err = eve_sink_write_nosigpipe(s->fd, s->buf, s->len);
    s->len = 0;
    return s->err;
}

static uint64_t eve_sink_count_lines(const char *data, size_t len)
{
    uint64_t n = 0;
    const char *end = data + len;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    return n;
}

int eve_sink_write(struct eve_sink *s, const char *data, size_t len)
{
    if (s->err)
        return s->err;
    if (len > sizeof(s->buf) - s->len) {
        if (eve_sink_flush(s))
            return s->err;
        if (len >= sizeof(s->buf)) {
            /* Larger than the buffer: no point copying it through. */
            s->err = eve_sink_write_nosigpipe(s->fd, data, len);
            if (s->err)
                return s->err;
            goto accepted;
        }
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
accepted:
    s->lines += eve_sink_count_lines(data, len);
    s->bytes += len;
    return 0;
}

int eve_sink_close(struct eve_sink *s)
{
    if (!s)
        return 0;
    int rc = eve_sink_flush(s);
    if (s->is_owned_fd && close(s->fd) != 0 && rc == 0)
        rc = -errno;
    free(s);
    return rc;
}

uint64_t eve_sink_lines(const struct eve_sink *s)
{
    return s->lines;
}

uint64_t eve_sink_bytes(const struct eve_sink *s)
{
    return s->bytes;
}
