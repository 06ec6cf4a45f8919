/* ftp_parser.c — the FTP control connection as an app_parser (see ftp_parser.h).
 *
 * RFC 959 §4: a command is a verb of four or fewer letters and its
 * arguments on a Telnet line (CRLF); each is answered by one final reply
 * (2yz-5yz), possibly after 1yz preliminary ones. A reply is a three-digit
 * code and text, or "ddd-" lines up to the first line starting "ddd ".
 * Commands wait in a FIFO for their final replies. RFC 4217 (on RFC 2228's
 * AUTH command and 234 reply): AUTH TLS answered 234 starts TLS on this
 * connection. Lines are kept only as far as a verb, a mechanism or a code.
 */
#include "proto/ftp/ftp_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/imap/mail_line.h"
#include "proto/imap/mail_pending.h"

enum {
    FTP_LINE_KEEP = 64,   /* octets kept of a line: Telnet prefix, verb, mechanism, code */
    FTP_PENDING_MAX = 16, /* commands awaiting their final reply */
    FTP_VERB_MIN = 3,     /* RFC 959 §5.3.1: CWD, PWD, MKD ... */
    FTP_VERB_MAX = 4,     /* RFC 959 §4.1: "four or fewer alphabetic characters" */
    FTP_TELNET_IAC = 0xff,
    FTP_REPLY_AUTH_OK = 234, /* RFC 2228: security data exchange complete */
    FTP_REPLY_CLOSING = 421, /* RFC 959 §4.2: may answer anything; sent unasked on idle timeout */
};

enum ftp_cmd {
    FTP_CMD_OTHER = 0,
    FTP_CMD_AUTH_TLS, /* AUTH TLS (RFC 4217), or its draft names SSL, TLS-C, TLS-P */
    FTP_CMD_QUIT,
};

enum ftp_anomaly {
    FTP_ANOMALY_COMMAND_INVALID,
    FTP_ANOMALY_REPLY_INVALID,
    FTP_ANOMALY_REPLY_UNEXPECTED,
    FTP_ANOMALY_TOO_MANY_PENDING,
    FTP_ANOMALY_DATA_AFTER_AUTH_TLS,
    FTP_ANOMALY_MEMCAP,
    FTP_ANOMALY_COUNT
};

static const char *const ftp_anomaly_names[FTP_ANOMALY_COUNT] = {
    [FTP_ANOMALY_COMMAND_INVALID] = "command_invalid",
    [FTP_ANOMALY_REPLY_INVALID] = "reply_invalid",
    [FTP_ANOMALY_REPLY_UNEXPECTED] = "reply_unexpected",
    [FTP_ANOMALY_TOO_MANY_PENDING] = "too_many_pending",
    [FTP_ANOMALY_DATA_AFTER_AUTH_TLS] = "data_after_auth_tls",
    [FTP_ANOMALY_MEMCAP] = "memcap",
};

struct ftp_state {
    struct mail_line line[2];         /* per enum flow_dir */
    uint8_t pending[FTP_PENDING_MAX]; /* enum ftp_cmd, oldest first */
    size_t pending_count;
    uint16_t multi_code;   /* inside a multi-line reply with this code; 0 outside */
    bool is_greeted;       /* the greeting, or the first command, has passed */
    bool is_tls_wait;      /* AUTH TLS sent, not answered: client bytes are not lines */
    bool is_resync;        /* after a gap: replies may answer commands not seen */
    uint32_t anomaly_seen; /* bit per enum ftp_anomaly already emitted */
};

static void ftp_parser_anomaly(struct ftp_state *st, struct app_out *out, enum flow_dir dir,
                               enum ftp_anomaly a)
{
    if (st->anomaly_seen & (1u << a)) /* once per kind per flow */
        return;
    st->anomaly_seen |= 1u << a;
    app_out_anomaly(out, APP_PROTO_FTP, dir, ftp_anomaly_names[a]);
}

static bool ftp_parser_is_alpha(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* ---- client ---- */

/* Passes over Telnet commands (IAC and one octet, RFC 854) in front of a
 * verb: RFC 959 §4.1.3 sends ABOR after Telnet IP and Synch. */
static void ftp_parser_skip_telnet(struct cursor *c)
{
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && ch == FTP_TELNET_IAC) /* each turn takes 2 or fails */
        cursor_skip(c, 2);
}

/* The mechanism of an AUTH command: the rest of its line, spaces around it
 * ignored. RFC 4217 names TLS; the drafts before it SSL, TLS-C and TLS-P,
 * which clients still send and servers take as TLS. A line cut at
 * FTP_LINE_KEEP holds more than a mechanism. */
static enum ftp_cmd ftp_parser_auth(struct cursor *c, bool is_truncated)
{
    if (is_truncated)
        return FTP_CMD_OTHER;
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && ch == ' ')
        cursor_skip(c, 1);
    size_t n = cursor_left(c);
    while (n > 0 && cursor_peek_u8(c, n - 1, &ch) && ch == ' ')
        n--;
    static const char *const tls[] = {"TLS", "SSL", "TLS-C", "TLS-P"};
    for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
        if (mail_line_eq_ci(cursor_ptr(c), n, tls[i]))
            return FTP_CMD_AUTH_TLS;
    return FTP_CMD_OTHER;
}

static void ftp_parser_command(struct ftp_state *st, const struct mail_line_view *v,
                               struct app_out *out)
{
    struct cursor c = cursor_make(v->p, v->len);
    ftp_parser_skip_telnet(&c);
    const uint8_t *verb = cursor_ptr(&c);
    size_t n = 0;
    uint8_t ch = 0;
    while (n <= FTP_VERB_MAX && cursor_peek_u8(&c, n, &ch) && ftp_parser_is_alpha(ch))
        n++;
    bool is_verb_end = !cursor_peek_u8(&c, n, &ch) || ch == ' ';
    enum ftp_cmd cmd = FTP_CMD_OTHER;
    if (n < FTP_VERB_MIN || n > FTP_VERB_MAX || !is_verb_end) {
        /* The server will answer it (500), so it still waits for a reply. */
        ftp_parser_anomaly(st, out, FLOW_TOSERVER, FTP_ANOMALY_COMMAND_INVALID);
    } else {
        cursor_skip(&c, n);
        if (mail_line_eq_ci(verb, n, "AUTH"))
            cmd = ftp_parser_auth(&c, v->is_truncated);
        else if (mail_line_eq_ci(verb, n, "QUIT"))
            cmd = FTP_CMD_QUIT;
    }
    st->is_greeted = true; /* the client speaks after the greeting, seen or not */
    if (!mail_pending_push(st->pending, &st->pending_count, FTP_PENDING_MAX, (uint8_t)cmd))
        ftp_parser_anomaly(st, out, FLOW_TOSERVER, FTP_ANOMALY_TOO_MANY_PENDING);
    /* RFC 4217: the client waits for the reply before it starts TLS. */
    if (cmd == FTP_CMD_AUTH_TLS)
        st->is_tls_wait = true;
}

/* ---- server ---- */

/* The code of a reply line (RFC 959 §4.2: first digit 1-5) and the octet
 * after it; 0 when the line is no reply line. "ddd" alone counts as "ddd ". */
static unsigned ftp_parser_code(const struct mail_line_view *v, uint8_t *sep)
{
    int code = mail_line_reply_code(v, sep);
    if (code < 100 || code > 599 || (*sep != ' ' && *sep != '-'))
        return 0;
    return (unsigned)code;
}

/* Where the command a final reply answers waits: the oldest, except that a
 * 234 answers only AUTH (or ADAT, RFC 2228), so it goes to the oldest
 * AUTH TLS when one waits (a reply lost to a gap then shifts nothing). */
static size_t ftp_parser_answered(const struct ftp_state *st, unsigned code)
{
    if (code != FTP_REPLY_AUTH_OK)
        return 0;
    for (size_t i = 0; i < st->pending_count; i++)
        if (st->pending[i] == FTP_CMD_AUTH_TLS)
            return i;
    return 0;
}

static enum app_result ftp_parser_final(struct ftp_state *st, unsigned code, struct app_out *out)
{
    if (code < 200) /* 1yz: preliminary, the final reply follows */
        return APP_OK;
    if (!st->is_greeted) {
        st->is_greeted = true; /* the greeting answers no command */
        return APP_OK;
    }
    if (st->pending_count == 0) {
        if (!st->is_resync && code != FTP_REPLY_CLOSING)
            ftp_parser_anomaly(st, out, FLOW_TOCLIENT, FTP_ANOMALY_REPLY_UNEXPECTED);
        return APP_OK;
    }
    enum ftp_cmd cmd =
        mail_pending_take(st->pending, &st->pending_count, ftp_parser_answered(st, code));
    if (st->pending_count == 0)
        st->is_resync = false; /* both sides level again: pairing is sure */
    switch (cmd) {
    case FTP_CMD_AUTH_TLS:
        st->is_tls_wait = false;
        return code == FTP_REPLY_AUTH_OK ? APP_SWITCH_TLS : APP_OK;
    case FTP_CMD_QUIT: /* RFC 959 §4.1.1: the server closes the connection */
        return APP_DONE;
    default:
        return APP_OK;
    }
}

static enum app_result ftp_parser_reply(struct ftp_state *st, const struct mail_line_view *v,
                                        struct app_out *out)
{
    uint8_t sep = ' ';
    unsigned code = ftp_parser_code(v, &sep);
    if (st->multi_code) {
        /* Text lines up to the one starting with the same code and a space. */
        if (code != st->multi_code || sep != ' ')
            return APP_OK;
        st->multi_code = 0;
    } else if (code == 0) {
        if (!st->is_resync)
            ftp_parser_anomaly(st, out, FLOW_TOCLIENT, FTP_ANOMALY_REPLY_INVALID);
        return APP_OK;
    } else if (sep == '-') {
        st->multi_code = (uint16_t)code;
        return APP_OK;
    }
    return ftp_parser_final(st, code, out);
}

/* ---- framing and the app_parser ---- */

static enum app_result ftp_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                 struct app_out *out)
{
    struct ftp_state *st = vst;
    struct cursor c = cursor_make(data, len);
    enum app_result res = APP_OK;
    while (res == APP_OK && cursor_left(&c) > 0) { /* each turn consumes >= 1 octet */
        if (dir == FLOW_TOSERVER && st->is_tls_wait) {
            ftp_parser_anomaly(st, out, dir, FTP_ANOMALY_DATA_AFTER_AUTH_TLS);
            break;
        }
        struct mail_line_view v;
        enum mail_line_result lr = mail_line_next(&st->line[dir], &c, FTP_LINE_KEEP, &v);
        if (lr == MAIL_LINE_NOMEM)
            ftp_parser_anomaly(st, out, dir, FTP_ANOMALY_MEMCAP);
        if (lr != MAIL_LINE_READY)
            continue;
        if (dir == FLOW_TOSERVER)
            ftp_parser_command(st, &v, out);
        else
            res = ftp_parser_reply(st, &v, out);
        mail_line_release(&st->line[dir]);
    }
    if (res == APP_SWITCH_TLS && cursor_left(&c) > 0)
        ftp_parser_anomaly(st, out, dir, FTP_ANOMALY_DATA_AFTER_AUTH_TLS);
    return res;
}

/* Lost octets: the partial line goes, and until the two sides are level
 * again a reply may answer a command that was lost (or the other way
 * round), which is then no anomaly. */
static enum app_result ftp_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)len;
    (void)out;
    struct ftp_state *st = vst;
    mail_line_resync(&st->line[dir]);
    if (dir == FLOW_TOCLIENT)
        st->multi_code = 0;
    st->is_greeted = true;
    st->is_resync = true;
    return APP_OK;
}

static void *ftp_state_new(void)
{
    struct ftp_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    mail_line_init_pair(st->line, FTP_LINE_KEEP, FTP_LINE_KEEP);
    return st;
}

static void ftp_state_free(void *vst)
{
    struct ftp_state *st = vst;
    if (!st)
        return;
    mail_line_fini_pair(st->line);
    free(st);
}

static size_t ftp_state_mem(const void *vst)
{
    const struct ftp_state *st = vst;
    return sizeof(*st) + mail_line_mem_pair(st->line);
}

/* True when the first line of data (as far as it goes) holds "FTP". */
static bool ftp_probe_names_ftp(const uint8_t *data, size_t len)
{
    struct cursor c = cursor_make(data, len);
    uint8_t ch = 0;
    while (cursor_peek_u8(&c, 0, &ch) && ch != '\n') {
        if (mail_line_starts_ci(cursor_ptr(&c), cursor_left(&c), "FTP"))
            return true;
        cursor_skip(&c, 1);
    }
    return false;
}

/* Server: a 220 greeting (RFC 959 §5.4) whose first line names FTP; SMTP
 * greets with 220 too, so a greeting that does not leaves the decision to
 * the client. Client: a command a session starts with. */
static enum app_probe ftp_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    static const char *const server[] = {"220 ", "220-"};
    static const char *const client[] = {"USER ",  "AUTH TLS", "AUTH SSL",   "FEAT\r", "FEAT\n",
                                         "SYST\r", "SYST\n",   "OPTS UTF8 ", "HOST "};
    int m = dir == FLOW_TOCLIENT
                ? mail_line_match_any(data, len, server, sizeof(server) / sizeof(server[0]))
                : mail_line_match_any(data, len, client, sizeof(client) / sizeof(client[0]));
    if (m <= 0)
        return m == 0 ? APP_PROBE_MAYBE : APP_PROBE_NO;
    if (dir == FLOW_TOSERVER || ftp_probe_names_ftp(data, len))
        return APP_PROBE_YES;
    return memchr(data, '\n', len) ? APP_PROBE_NO : APP_PROBE_MAYBE;
}

const struct app_parser ftp_parser = {
    .proto = APP_PROTO_FTP,
    .name = "ftp",
    .is_datagram = false,
    .probe = ftp_probe,
    .state_new = ftp_state_new,
    .state_free = ftp_state_free,
    .parse = ftp_parse,
    .gap = ftp_gap,
    .flow_end = NULL, /* nothing is pending: the parser writes no record */
    .state_mem = ftp_state_mem,
};
