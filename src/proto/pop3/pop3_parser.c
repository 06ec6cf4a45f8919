/* pop3_parser.c — POP3 as an app_parser (see pop3_parser.h).
 *
 * RFC 1939 §3: commands are a keyword and arguments on a CRLF line; each
 * gets one status line, "+OK" or "-ERR", and some (RETR, TOP, LIST and UIDL
 * without argument, CAPA, AUTH without argument) a multi-line body ending
 * in CRLF "." CRLF, with leading dots doubled. Commands wait in a FIFO for
 * their answers (RFC 2449 §6.6 allows pipelining). Multi-line bodies are
 * read line by line keeping a few bytes of each, so a 50 MB RETR costs no
 * memory. Lines are cut at POP3_LINE_MAX (RFC 2449 §4 allows 255/512).
 */
#include "proto/pop3/pop3_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/imap/mail_line.h"
#include "proto/imap/mail_list.h"
#include "proto/imap/mail_pending.h"
#include "proto/imap/mail_sasl.h"
#include "proto/pop3/pop3_record.h"

enum {
    POP3_LINE_MAX = 8192,
    POP3_PENDING_MAX = 32,  /* commands awaiting their status line */
    POP3_LISTING_KEEP = 16, /* bytes kept of a LIST/UIDL line: its number */
    POP3_DATA_KEEP = 8,     /* of a RETR/TOP line: enough to see "." */
};

enum pop3_cmd {
    POP3_CMD_OTHER = 0, /* NOOP, RSET, and extensions answered with one line */
    POP3_CMD_UNKNOWN,
    POP3_CMD_USER,
    POP3_CMD_PASS,
    POP3_CMD_APOP,
    POP3_CMD_AUTH,
    POP3_CMD_AUTH_LIST, /* AUTH without argument: mechanisms, multi-line */
    POP3_CMD_CAPA,
    POP3_CMD_STLS,
    POP3_CMD_RETR,
    POP3_CMD_TOP,
    POP3_CMD_LIST,     /* with an argument: one line */
    POP3_CMD_LIST_ALL, /* LIST or UIDL without argument: multi-line */
    POP3_CMD_STAT,
    POP3_CMD_DELE,
    POP3_CMD_QUIT,
};

enum pop3_anomaly {
    POP3_ANOMALY_LINE_TOO_LONG,
    POP3_ANOMALY_NUL_BYTE,
    POP3_ANOMALY_COMMAND_UNKNOWN,
    POP3_ANOMALY_RESPONSE_INVALID,
    POP3_ANOMALY_RESPONSE_UNEXPECTED,
    POP3_ANOMALY_MULTILINE_INVALID,
    POP3_ANOMALY_MULTILINE_UNTERMINATED,
    POP3_ANOMALY_TOO_MANY_PENDING,
    POP3_ANOMALY_SASL_INVALID,
    POP3_ANOMALY_DATA_AFTER_STLS,
    POP3_ANOMALY_MEMCAP,
    POP3_ANOMALY_COUNT
};

static const char *const pop3_anomaly_names[POP3_ANOMALY_COUNT] = {
    [POP3_ANOMALY_LINE_TOO_LONG] = "line_too_long",
    [POP3_ANOMALY_NUL_BYTE] = "nul_byte",
    [POP3_ANOMALY_COMMAND_UNKNOWN] = "command_unknown",
    [POP3_ANOMALY_RESPONSE_INVALID] = "response_invalid",
    [POP3_ANOMALY_RESPONSE_UNEXPECTED] = "response_unexpected",
    [POP3_ANOMALY_MULTILINE_INVALID] = "multiline_invalid",
    [POP3_ANOMALY_MULTILINE_UNTERMINATED] = "multiline_unterminated",
    [POP3_ANOMALY_TOO_MANY_PENDING] = "too_many_pending",
    [POP3_ANOMALY_SASL_INVALID] = "sasl_invalid",
    [POP3_ANOMALY_DATA_AFTER_STLS] = "data_after_stls",
    [POP3_ANOMALY_MEMCAP] = "memcap",
};

struct pop3_state {
    struct mail_line line[2];          /* per enum flow_dir */
    uint8_t pending[POP3_PENDING_MAX]; /* enum pop3_cmd, oldest first */
    size_t pending_count;
    bool is_greeted;
    bool is_multi;     /* server: inside a multi-line body */
    uint8_t multi_cmd; /* the command it answers */
    bool is_sasl;      /* client: AUTH exchange in progress */
    uint8_t sasl_mech; /* enum mail_sasl_mech */
    unsigned sasl_step;
    bool is_tls_wait; /* client: STLS sent, bytes are not lines */

    struct mail_list caps;
    char user[MAIL_SASL_USER_MAX];
    char mech[MAIL_SASL_MECH_MAX + 1];
    const char *auth_command;
    enum pop3_auth_result auth_result;
    uint32_t auth_attempts;
    uint32_t auth_failures;
    uint64_t messages_fetched;
    uint64_t headers_fetched;
    uint64_t bytes_fetched;
    uint64_t messages_deleted;
    uint64_t list_commands;
    uint64_t commands;
    uint64_t anomalies;
    bool has_stls;
    bool is_stls;
    bool is_quit;
    bool is_emitted;
    uint32_t anomaly_seen; /* bit per enum pop3_anomaly already emitted */
};

static void pop3_parser_anomaly(struct pop3_state *st, struct app_out *out, enum flow_dir dir,
                                enum pop3_anomaly a)
{
    st->anomalies++;
    if (st->anomaly_seen & (1u << a)) /* once per kind per flow, all counted */
        return;
    st->anomaly_seen |= 1u << a;
    app_out_anomaly(out, APP_PROTO_POP3, dir, pop3_anomaly_names[a]);
}

static void pop3_parser_emit(struct pop3_state *st, struct app_out *out)
{
    if (st->is_emitted)
        return;
    st->is_emitted = true;
    struct pop3_record r = {
        .capabilities = st->caps.items,
        .capability_count = st->caps.count,
        .is_capabilities_truncated = st->caps.is_truncated,
        .has_stls = st->has_stls,
        .is_stls = st->is_stls,
        .user = st->user[0] ? st->user : NULL,
        .auth_command = st->auth_command,
        .auth_mechanism = st->mech[0] ? st->mech : NULL,
        .auth_result = st->auth_result,
        .auth_attempts = st->auth_attempts,
        .auth_failures = st->auth_failures,
        .messages_fetched = st->messages_fetched,
        .headers_fetched = st->headers_fetched,
        .bytes_fetched = st->bytes_fetched,
        .messages_deleted = st->messages_deleted,
        .list_commands = st->list_commands,
        .commands = st->commands,
        .anomalies = st->anomalies,
        .is_quit = st->is_quit,
    };
    app_out_emit(out, APP_RECORD_POP3, &r);
}

/* ---- client ---- */

/* The next space-separated word of c. */
static bool pop3_parser_word(struct cursor *c, const uint8_t **p, size_t *n)
{
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && ch == ' ')
        cursor_skip(c, 1);
    *p = cursor_ptr(c);
    const uint8_t *sp = memchr(*p, ' ', cursor_left(c));
    *n = sp ? (size_t)(sp - *p) : cursor_left(c);
    cursor_skip(c, *n);
    return *n > 0;
}

static enum pop3_cmd pop3_parser_kind(const uint8_t *p, size_t n, bool has_arg)
{
    static const struct {
        const char *name;
        enum pop3_cmd cmd;
    } known[] = {
        {"USER", POP3_CMD_USER},  {"PASS", POP3_CMD_PASS},  {"APOP", POP3_CMD_APOP},
        {"AUTH", POP3_CMD_AUTH},  {"CAPA", POP3_CMD_CAPA},  {"STLS", POP3_CMD_STLS},
        {"RETR", POP3_CMD_RETR},  {"TOP", POP3_CMD_TOP},    {"LIST", POP3_CMD_LIST},
        {"UIDL", POP3_CMD_LIST},  {"STAT", POP3_CMD_STAT},  {"DELE", POP3_CMD_DELE},
        {"QUIT", POP3_CMD_QUIT},  {"NOOP", POP3_CMD_OTHER}, {"RSET", POP3_CMD_OTHER},
        {"UTF8", POP3_CMD_OTHER}, {"LANG", POP3_CMD_OTHER}, /* RFC 6856 */
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (!mail_line_eq_ci(p, n, known[i].name))
            continue;
        if (known[i].cmd == POP3_CMD_LIST && !has_arg)
            return POP3_CMD_LIST_ALL;
        if (known[i].cmd == POP3_CMD_AUTH && !has_arg)
            return POP3_CMD_AUTH_LIST;
        return known[i].cmd;
    }
    return POP3_CMD_UNKNOWN;
}

static void pop3_parser_set_user(struct pop3_state *st, const uint8_t *p, size_t n)
{
    if (st->auth_result == POP3_AUTH_SUCCESS)
        return; /* the session's user is known; later noise does not replace it */
    const uint8_t *nul = memchr(p, 0, n);
    if (nul)
        n = (size_t)(nul - p);
    if (n >= sizeof(st->user))
        n = sizeof(st->user) - 1;
    memcpy(st->user, p, n);
    st->user[n] = '\0';
}

/* One SASL client response (RFC 5034 §4: base64, or "*" to cancel). */
static void pop3_parser_sasl(struct pop3_state *st, const uint8_t *p, size_t n, struct app_out *out)
{
    if (mail_line_eq_ci(p, n, "*")) {
        st->is_sasl = false;
        return;
    }
    char user[MAIL_SASL_USER_MAX];
    enum mail_sasl_result r =
        mail_sasl_user(st->sasl_mech, st->sasl_step++, p, n, user, sizeof(user));
    if (r == MAIL_SASL_USER)
        pop3_parser_set_user(st, (const uint8_t *)user, strlen(user));
    else if (r == MAIL_SASL_INVALID)
        pop3_parser_anomaly(st, out, FLOW_TOSERVER, POP3_ANOMALY_SASL_INVALID);
}

/* What a command starts, from its keyword and the rest of its line. */
static void pop3_parser_command_args(struct pop3_state *st, enum pop3_cmd cmd, struct cursor *c,
                                     struct app_out *out)
{
    const uint8_t *w;
    size_t n;
    switch (cmd) {
    case POP3_CMD_USER:
        /* RFC 1939 §7: the rest of the line is the name (it may hold spaces). */
        while (cursor_left(c) > 0 && mail_line_starts_ci(cursor_ptr(c), cursor_left(c), " "))
            cursor_skip(c, 1);
        pop3_parser_set_user(st, cursor_ptr(c), cursor_left(c));
        st->auth_command = "USER";
        break;
    case POP3_CMD_PASS: /* the argument is the password: not even looked at */
        st->auth_attempts++;
        st->auth_command = "USER";
        break;
    case POP3_CMD_APOP:
        if (pop3_parser_word(c, &w, &n))
            pop3_parser_set_user(st, w, n);
        st->auth_attempts++;
        st->auth_command = "APOP";
        break;
    case POP3_CMD_AUTH:
        pop3_parser_word(c, &w, &n);
        n = n < MAIL_SASL_MECH_MAX ? n : MAIL_SASL_MECH_MAX;
        memcpy(st->mech, w, n);
        st->mech[n] = '\0';
        st->sasl_mech = (uint8_t)mail_sasl_mech_from(w, n);
        st->sasl_step = 0;
        st->is_sasl = true;
        st->auth_attempts++;
        st->auth_command = "AUTH";
        if (pop3_parser_word(c, &w, &n)) /* initial response, RFC 5034 §4 */
            pop3_parser_sasl(st, w, n, out);
        break;
    case POP3_CMD_STLS:
        st->has_stls = true;
        st->is_tls_wait = true;
        break;
    case POP3_CMD_LIST:
    case POP3_CMD_LIST_ALL:
    case POP3_CMD_STAT:
        st->list_commands++;
        break;
    default:
        break;
    }
}

static void pop3_parser_command(struct pop3_state *st, const struct mail_line_view *v,
                                struct app_out *out)
{
    struct cursor c = cursor_make(v->p, v->len);
    const uint8_t *kw;
    size_t kw_len;
    bool has_word = pop3_parser_word(&c, &kw, &kw_len);
    bool has_arg = cursor_left(&c) > 0 && !mail_line_eq_ci(cursor_ptr(&c), cursor_left(&c), " ");
    enum pop3_cmd cmd = has_word ? pop3_parser_kind(kw, kw_len, has_arg) : POP3_CMD_UNKNOWN;
    /* A SASL response is one base64 word; a bare keyword such as QUIT (also
     * valid base64) ends the exchange the client gave up on. */
    if (st->is_sasl && !memchr(v->p, ' ', v->len) && cmd == POP3_CMD_UNKNOWN) {
        pop3_parser_sasl(st, v->p, v->len, out);
        return;
    }
    st->is_sasl = false;
    if (cmd == POP3_CMD_UNKNOWN)
        pop3_parser_anomaly(st, out, FLOW_TOSERVER, POP3_ANOMALY_COMMAND_UNKNOWN);
    /* The server greets before the client speaks (RFC 1939 §4): a command
     * with no greeting before it means the capture began mid-session, and
     * the next status line answers this command, not a greeting. */
    st->is_greeted = true;
    st->commands++;
    if (!mail_pending_push(st->pending, &st->pending_count, POP3_PENDING_MAX, (uint8_t)cmd))
        pop3_parser_anomaly(st, out, FLOW_TOSERVER, POP3_ANOMALY_TOO_MANY_PENDING);
    pop3_parser_command_args(st, cmd, &c, out);
}

/* ---- server ---- */

static bool pop3_parser_is_multi(enum pop3_cmd cmd)
{
    return cmd == POP3_CMD_RETR || cmd == POP3_CMD_TOP || cmd == POP3_CMD_LIST_ALL ||
           cmd == POP3_CMD_CAPA || cmd == POP3_CMD_AUTH_LIST;
}

/* Bytes kept of the next server line: what the current mode looks at. */
static size_t pop3_parser_keep(const struct pop3_state *st)
{
    if (!st->is_multi)
        return POP3_LINE_MAX;
    switch (st->multi_cmd) {
    case POP3_CMD_RETR:
    case POP3_CMD_TOP:
        return POP3_DATA_KEEP;
    case POP3_CMD_LIST_ALL:
        return POP3_LISTING_KEEP;
    default:
        return MAIL_LIST_ITEM_MAX + 1; /* a capability line */
    }
}

static void pop3_parser_multi_end(struct pop3_state *st)
{
    if (st->multi_cmd == POP3_CMD_RETR)
        st->messages_fetched++;
    else if (st->multi_cmd == POP3_CMD_TOP)
        st->headers_fetched++;
    st->is_multi = false;
}

/* A line of a multi-line body; false when it cannot be one (a scan listing
 * that is not "n ...", RFC 1939 §7): the body was never terminated and the
 * line is read again as a status line. */
static bool pop3_parser_multi_line(struct pop3_state *st, const struct mail_line_view *v,
                                   struct app_out *out)
{
    if (v->total_len == 1 && mail_line_eq_ci(v->p, v->len, ".")) {
        pop3_parser_multi_end(st);
        return true;
    }
    bool is_stuffed = mail_line_starts_ci(v->p, v->len, ".");
    struct cursor c = cursor_make(v->p, v->len);
    switch (st->multi_cmd) {
    case POP3_CMD_RETR:
    case POP3_CMD_TOP:
        /* The message as stored: each line with its CRLF, the stuffing dot
         * removed (RFC 1939 §3). */
        st->bytes_fetched += v->total_len + 2 - is_stuffed;
        break;
    case POP3_CMD_LIST_ALL: {
        uint8_t ch = 0;
        if (!cursor_peek_u8(&c, 0, &ch) || ch < '0' || ch > '9') {
            pop3_parser_anomaly(st, out, FLOW_TOCLIENT, POP3_ANOMALY_MULTILINE_INVALID);
            st->is_multi = false;
            return false;
        }
        break;
    }
    case POP3_CMD_CAPA:
        cursor_skip(&c, is_stuffed);
        mail_list_add(&st->caps, cursor_ptr(&c), cursor_left(&c));
        break;
    default:
        break;
    }
    return true;
}

/* The answer to the oldest pending command. */
static enum app_result pop3_parser_answer(struct pop3_state *st, enum pop3_cmd cmd, bool is_ok,
                                          struct app_out *out)
{
    switch (cmd) {
    case POP3_CMD_PASS:
    case POP3_CMD_APOP:
    case POP3_CMD_AUTH:
        st->auth_result = is_ok ? POP3_AUTH_SUCCESS : POP3_AUTH_FAILURE;
        st->auth_failures += !is_ok;
        st->is_sasl = false;
        break;
    case POP3_CMD_STLS:
        st->is_tls_wait = false;
        if (!is_ok)
            break;
        st->is_stls = true;
        pop3_parser_emit(st, out);
        return APP_SWITCH_TLS;
    case POP3_CMD_QUIT:
        /* RFC 1939 §6: the server closes after either answer. */
        st->is_quit = true;
        pop3_parser_emit(st, out);
        return APP_DONE;
    case POP3_CMD_DELE:
        st->messages_deleted += is_ok;
        break;
    default:
        break;
    }
    if (is_ok && pop3_parser_is_multi(cmd)) {
        st->is_multi = true;
        st->multi_cmd = (uint8_t)cmd;
    }
    return APP_OK;
}

static enum app_result pop3_parser_response(struct pop3_state *st, const struct mail_line_view *v,
                                            struct app_out *out)
{
    if (st->is_multi && pop3_parser_multi_line(st, v, out))
        return APP_OK;
    bool is_ok = mail_line_starts_ci(v->p, v->len, "+OK");
    bool is_err = mail_line_starts_ci(v->p, v->len, "-ERR");
    bool has_pending = st->pending_count > 0;
    if (!is_ok && !is_err) {
        /* "+ challenge" during AUTH (RFC 5034 §4) is a continuation. */
        if (has_pending && st->pending[0] == POP3_CMD_AUTH &&
            mail_line_starts_ci(v->p, v->len, "+"))
            return APP_OK;
        /* Before the first command, lines that are no status lines are the
         * rest of a multi-line answer the capture began inside of. */
        if (st->commands > 0)
            pop3_parser_anomaly(st, out, FLOW_TOCLIENT, POP3_ANOMALY_RESPONSE_INVALID);
        return APP_OK;
    }
    if (!st->is_greeted) {
        /* The greeting answers no command; mid-session, before the first
         * command, it is the answer to one sent before the capture began,
         * which is no different here. */
        st->is_greeted = true;
        return APP_OK;
    }
    if (!has_pending) {
        pop3_parser_anomaly(st, out, FLOW_TOCLIENT, POP3_ANOMALY_RESPONSE_UNEXPECTED);
        return APP_OK;
    }
    enum pop3_cmd cmd = mail_pending_take(st->pending, &st->pending_count, 0);
    return pop3_parser_answer(st, cmd, is_ok, out);
}

/* ---- framing and the app_parser ---- */

static enum app_result pop3_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    struct pop3_state *st = vst;
    struct cursor c = cursor_make(data, len);
    enum app_result res = APP_OK;
    while (res == APP_OK && cursor_left(&c) > 0) { /* each turn consumes >= 1 byte */
        if (dir == FLOW_TOSERVER && st->is_tls_wait) {
            pop3_parser_anomaly(st, out, dir, POP3_ANOMALY_DATA_AFTER_STLS);
            break;
        }
        bool is_data = dir == FLOW_TOCLIENT && st->is_multi;
        size_t keep = dir == FLOW_TOCLIENT ? pop3_parser_keep(st) : POP3_LINE_MAX;
        struct mail_line_view v;
        enum mail_line_result lr = mail_line_next(&st->line[dir], &c, keep, &v);
        if (lr == MAIL_LINE_NOMEM)
            pop3_parser_anomaly(st, out, dir, POP3_ANOMALY_MEMCAP);
        if (lr != MAIL_LINE_READY)
            continue;
        /* Message bodies are cut on purpose and may hold anything. */
        if (!is_data && v.is_truncated)
            pop3_parser_anomaly(st, out, dir, POP3_ANOMALY_LINE_TOO_LONG);
        if (!is_data && memchr(v.p, 0, v.len))
            pop3_parser_anomaly(st, out, dir, POP3_ANOMALY_NUL_BYTE);
        if (dir == FLOW_TOSERVER)
            pop3_parser_command(st, &v, out);
        else
            res = pop3_parser_response(st, &v, out);
        mail_line_release(&st->line[dir]);
    }
    if (res == APP_SWITCH_TLS && cursor_left(&c) > 0)
        pop3_parser_anomaly(st, out, dir, POP3_ANOMALY_DATA_AFTER_STLS);
    return res;
}

static enum app_result pop3_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)len;
    (void)out;
    struct pop3_state *st = vst;
    if (dir == FLOW_TOCLIENT && st->is_multi &&
        (st->multi_cmd == POP3_CMD_RETR || st->multi_cmd == POP3_CMD_TOP))
        st->bytes_fetched += len; /* lost message bytes were still fetched */
    mail_line_resync(&st->line[dir]);
    return APP_OK;
}

static void pop3_flow_end(void *vst, struct app_out *out)
{
    struct pop3_state *st = vst;
    if (st->is_multi) {
        pop3_parser_anomaly(st, out, FLOW_TOCLIENT, POP3_ANOMALY_MULTILINE_UNTERMINATED);
        pop3_parser_multi_end(st);
    }
    pop3_parser_emit(st, out);
}

static void *pop3_state_new(void)
{
    struct pop3_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    mail_line_init_pair(st->line, POP3_LINE_MAX, POP3_LINE_MAX);
    mail_list_init(&st->caps, true);
    return st;
}

static void pop3_state_free(void *vst)
{
    struct pop3_state *st = vst;
    if (!st)
        return;
    mail_line_fini_pair(st->line);
    free(st);
}

static size_t pop3_state_mem(const void *vst)
{
    const struct pop3_state *st = vst;
    return sizeof(*st) + mail_line_mem_pair(st->line);
}

/* Server: "+OK" and a space or the line end (RFC 1939 §4 greeting).
 * Client: a command a session starts with. */
static enum app_probe pop3_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    static const char *const server[] = {"+OK ", "+OK\r", "+OK\n"};
    static const char *const client[] = {"CAPA\r", "CAPA\n", "USER ",  "APOP ",
                                         "AUTH ",  "AUTH\r", "STLS\r", "STLS\n"};
    int m = dir == FLOW_TOCLIENT
                ? mail_line_match_any(data, len, server, sizeof(server) / sizeof(server[0]))
                : mail_line_match_any(data, len, client, sizeof(client) / sizeof(client[0]));
    return m > 0 ? APP_PROBE_YES : m == 0 ? APP_PROBE_MAYBE : APP_PROBE_NO;
}

const struct app_parser pop3_parser = {
    .proto = APP_PROTO_POP3,
    .name = "pop3",
    .is_datagram = false,
    .probe = pop3_probe,
    .state_new = pop3_state_new,
    .state_free = pop3_state_free,
    .parse = pop3_parse,
    .gap = pop3_gap,
    .flow_end = pop3_flow_end,
    .state_mem = pop3_state_mem,
};
