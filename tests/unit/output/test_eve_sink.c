/* test_eve_sink.c — buffered line output: files, append, large writes,
 * and errors (EPIPE without dying of SIGPIPE, ENOSPC, bad paths). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/eve_sink.h"

#include <cmocka.h>

static char *read_all(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n)) > 0)
        n += (size_t)r;
    close(fd);
    *len = n;
    return buf;
}

static void test_file_append(void **state)
{
    (void)state;
    char path[] = "/tmp/hradba-eve-sink-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);

    struct eve_sink *s = eve_sink_open(path);
    assert_non_null(s);
    assert_int_equal(eve_sink_write(s, "{\"a\":1}\n", 8), 0);
    assert_int_equal(eve_sink_write(s, "{\"b\":2}\n{\"c\":3}\n", 16), 0);
    assert_int_equal(eve_sink_lines(s), 3);
    assert_int_equal(eve_sink_bytes(s), 24);
    size_t len;
    char *data = read_all(path, &len);
    assert_int_equal(len, 0); /* still buffered */
    free(data);
    assert_int_equal(eve_sink_close(s), 0);

    s = eve_sink_open(path); /* appends, as Suricata does with eve.json */
    assert_non_null(s);
    enum { BIG = 200000 };
    char *big = malloc(BIG);
    assert_non_null(big);
    memset(big, 'x', BIG);
    big[BIG - 1] = '\n';
    assert_int_equal(eve_sink_write(s, "{}\n", 3), 0);
    assert_int_equal(eve_sink_write(s, big, BIG), 0); /* bigger than the buffer */
    assert_int_equal(eve_sink_write(s, "{}\n", 3), 0);
    assert_int_equal(eve_sink_flush(s), 0);
    data = read_all(path, &len);
    assert_int_equal(len, 24 + 3 + BIG + 3);
    assert_memory_equal(data, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n{}\n", 27);
    assert_memory_equal(data + 27, big, BIG);
    assert_memory_equal(data + 27 + BIG, "{}\n", 3);
    free(data);
    assert_int_equal(eve_sink_lines(s), 3);
    assert_int_equal(eve_sink_close(s), 0);
    free(big);
    unlink(path);
}

static void test_epipe_is_an_error_not_a_signal(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_DFL); /* the default would kill the process */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    struct eve_sink *s = eve_sink_open_fd(fds[1]);
    assert_non_null(s);
    assert_int_equal(eve_sink_write(s, "{}\n", 3), 0); /* buffered */
    assert_int_equal(eve_sink_flush(s), -EPIPE);
    assert_int_equal(eve_sink_write(s, "{}\n", 3), -EPIPE); /* sticky */
    assert_int_equal(eve_sink_lines(s), 1);
    sigset_t pending;
    sigemptyset(&pending);
    assert_int_equal(sigpending(&pending), 0);
    assert_false(sigismember(&pending, SIGPIPE));
    assert_int_equal(eve_sink_close(s), -EPIPE);
    close(fds[1]); /* open_fd leaves the descriptor to its owner */
}

static void test_disk_full_and_bad_path(void **state)
{
    (void)state;
    struct eve_sink *s = eve_sink_open("/dev/full");
    if (s) {
        assert_int_equal(eve_sink_write(s, "{}\n", 3), 0);
        assert_int_equal(eve_sink_close(s), -ENOSPC);
    }
    errno = 0;
    assert_null(eve_sink_open("/nonexistent-dir/eve.json"));
    assert_int_equal(errno, ENOENT);
    assert_null(eve_sink_open_fd(-1));
    assert_int_equal(eve_sink_close(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_append),
        cmocka_unit_test(test_epipe_is_an_error_not_a_signal),
        cmocka_unit_test(test_disk_full_and_bad_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
