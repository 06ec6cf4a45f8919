/* socks_parser.c — SOCKS 4/4a/5 as an app_parser (see socks_parser.h).
 *
 * Follows RFC 1928 (SOCKS 5), RFC 1929 (username/password) and the SOCKS 4
 * and 4a protocol descriptions. Each direction is a little machine of steps;
 * a step needs a known number of octets (a fixed header gathered into a small
 * buffer, a name copied into the state, a password skipped) or, for SOCKS 4
 * strings, octets up to a NUL. So a message may be split anywhere across
 * calls and the state never holds more than the two names and a few octets.
 */
#include "proto/socks/socks_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/socks/socks_record.h"

enum {
    SOCKS_NAME_MAX = 255,   /* RFC 1928 domain, RFC 1929 UNAME; SOCKS 4 strings alike */
    SOCKS_BUF_MAX = 18,     /* the largest fixed piece: an IPv6 address and a port */
    SOCKS_LOW_METHODS = 10, /* 0x00-0x09: the assigned method numbers */
};

/* What a step gathers before its handler runs. */
enum socks_mode {
    SOCKS_MODE_FIXED,   /* `want` octets into dir->buf */
    SOCKS_MODE_NAME,    /* `want` octets into a name of the state */
    SOCKS_MODE_CSTR,    /* octets up to a NUL into a name (SOCKS 4) */
    SOCKS_MODE_SKIP,    /* `want` octets passed over */
    SOCKS_MODE_METHODS, /* `want` method numbers, noted one by one */
    SOCKS_MODE_IDLE,    /* nothing expected: every octet is passed over */
};

enum socks_step {
    /* client (FLOW_TOSERVER) */
    SOCKS_C_VERSION,   /* 1: 4 or 5 */
    SOCKS_C5_NMETHODS, /* 1 */
    SOCKS_C5_METHODS,  /* nmethods */
    SOCKS_C5_NEXT,     /* 1: the version of the next message, 1 (RFC 1929) or 5 */
    SOCKS_C5_ULEN,     /* 1 */
    SOCKS_C5_UNAME,    /* ulen */
    SOCKS_C5_PLEN,     /* 1 */
    SOCKS_C5_PASSWD,   /* plen, skipped */
    SOCKS_C5_REQUEST,  /* 3: cmd, rsv, atyp */
    SOCKS_C5_ADDR,     /* 6 or 18: address and port */
    SOCKS_C5_HOST_LEN, /* 1 */
    SOCKS_C5_HOST,     /* host length */
    SOCKS_C5_PORT,     /* 2 */
    SOCKS_C4_HEADER,   /* 7: cd, port, address */
    SOCKS_C4_USER,     /* to NUL */
    SOCKS_C4_HOST,     /* to NUL (4a) */
    SOCKS_C_WAIT,      /* the request is sent: the reply is due */
    /* server (FLOW_TOCLIENT) */
    SOCKS_S_NONE,      /* the client has not spoken */
    SOCKS_S5_METHOD,   /* 2: ver, method */
    SOCKS_S5_AUTH,     /* 2: ver, status */
    SOCKS_S5_REPLY,    /* 4: ver, rep, rsv, atyp */
    SOCKS_S5_BND,      /* 6 or 18 */
    SOCKS_S5_BND_LEN,  /* 1 */
    SOCKS_S5_BND_HOST, /* skipped */
    SOCKS_S5_BND_PORT, /* 2 */
    SOCKS_S4_REPLY,    /* 8: vn, cd, port, address */
    SOCKS_S_DONE,
};

enum socks_anomaly {
    SOCKS_ANOMALY_BAD_VERSION,
    SOCKS_ANOMALY_NO_METHODS,
    SOCKS_ANOMALY_BAD_COMMAND,
    SOCKS_ANOMALY_BAD_ADDRESS_TYPE,
    SOCKS_ANOMALY_BAD_DOMAIN,
    SOCKS_ANOMALY_BAD_RESERVED,
    SOCKS_ANOMALY_BAD_REPLY,
    SOCKS_ANOMALY_USER_TOO_LONG,
    SOCKS_ANOMALY_DOMAIN_TOO_LONG,
    SOCKS_ANOMALY_METHOD_NOT_OFFERED,
    SOCKS_ANOMALY_EARLY_DATA,
    SOCKS_ANOMALY_UNEXPECTED_DATA,
    SOCKS_ANOMALY_COUNT
};

static const char *const socks_anomaly_names[SOCKS_ANOMALY_COUNT] = {
    [SOCKS_ANOMALY_BAD_VERSION] = "bad_version",
    [SOCKS_ANOMALY_NO_METHODS] = "no_methods",
    [SOCKS_ANOMALY_BAD_COMMAND] = "bad_command",
    [SOCKS_ANOMALY_BAD_ADDRESS_TYPE] = "bad_address_type",
    [SOCKS_ANOMALY_BAD_DOMAIN] = "bad_domain",
    [SOCKS_ANOMALY_BAD_RESERVED] = "bad_reserved",
    [SOCKS_ANOMALY_BAD_REPLY] = "bad_reply",
    [SOCKS_ANOMALY_USER_TOO_LONG] = "user_too_long",
    [SOCKS_ANOMALY_DOMAIN_TOO_LONG] = "domain_too_long",
    [SOCKS_ANOMALY_METHOD_NOT_OFFERED] = "method_not_offered",
    [SOCKS_ANOMALY_EARLY_DATA] = "early_data",
    [SOCKS_ANOMALY_UNEXPECTED_DATA] = "unexpected_data",
};

struct socks_dir {
    uint8_t step; /* enum socks_step */
    uint8_t mode; /* enum socks_mode */
    uint16_t want;
    uint16_t have;
    uint8_t buf[SOCKS_BUF_MAX];
};

struct socks_state {
    struct socks_dir dir[2]; /* per enum flow_dir */
    uint8_t version;         /* 0 until the client's first octet */
    uint8_t command;         /* enum socks_command */
    bool is_4a;
    bool has_method;
    uint8_t method;
    uint16_t offered_low; /* bit m: method m (< SOCKS_LOW_METHODS) offered */
    bool has_auth_sent;   /* the client sent an RFC 1929 request */
    bool has_auth_result;
    bool is_auth_success;
    uint8_t granted; /* successful replies so far (BIND has two) */
    bool has_reply;
    uint8_t reply_code;
    bool is_success;
    bool is_emitted;
    uint8_t ip_family;
    uint8_t ip[16];
    uint16_t port;
    uint16_t user_len;
    uint16_t host_len;
    uint32_t anomalies;
    uint32_t anomaly_seen; /* bit per enum socks_anomaly already emitted */
    char user[SOCKS_NAME_MAX + 1];
    char host[SOCKS_NAME_MAX + 1];
};

static void socks_anomaly(struct socks_state *st, struct app_out *out, enum flow_dir dir,
                          enum socks_anomaly a)
{
    st->anomalies++;
    if (st->anomaly_seen & (1u << a)) /* once per kind per flow, all counted */
        return;
    st->anomaly_seen |= 1u << a;
    app_out_anomaly(out, APP_PROTO_SOCKS, dir, socks_anomaly_names[a]);
}

static void socks_emit(struct socks_state *st, struct app_out *out)
{
    if (st->is_emitted || st->version == 0)
        return;
    st->is_emitted = true;
    struct socks_record r = {
        .version = st->version,
        .is_4a = st->is_4a,
        .command = (enum socks_command)st->command,
        .has_auth_method = st->has_method,
        .auth_method = st->method,
        .has_auth_result = st->has_auth_result,
        .is_auth_success = st->is_auth_success,
        .user = st->has_auth_sent || st->user_len ? st->user : NULL,
        .user_len = st->user_len,
        .dest_host = st->host_len ? st->host : NULL,
        .dest_host_len = st->host_len,
        .dest_ip_family = st->ip_family,
        .dest_port = st->port,
        .has_reply = st->has_reply,
        .reply_code = st->reply_code,
        .is_success = st->is_success,
        .anomalies = st->anomalies,
    };
    memcpy(r.dest_ip, st->ip, sizeof(r.dest_ip));
    app_out_emit(out, APP_RECORD_SOCKS, &r);
}

static void socks_expect(struct socks_dir *d, enum socks_step step, enum socks_mode mode,
                         size_t want)
{
    d->step = (uint8_t)step;
    d->mode = (uint8_t)mode;
    d->want = (uint16_t)want;
    d->have = 0;
}

/* The name a NAME or CSTR step fills. */
static char *socks_name_of(struct socks_state *st, const struct socks_dir *d, uint16_t **len)
{
    bool is_user = d->step == SOCKS_C5_UNAME || d->step == SOCKS_C4_USER;
    *len = is_user ? &st->user_len : &st->host_len;
    return is_user ? st->user : st->host;
}

static bool socks_method_is_plausible(uint8_t m)
{
    return m < SOCKS_LOW_METHODS || (m >= 0x80 && m < SOCKS_METHOD_NO_ACCEPTABLE);
}

enum socks_gather {
    SOCKS_GATHER_MORE,     /* the data ran out first */
    SOCKS_GATHER_COMPLETE, /* the step has its octets: run its handler */
    SOCKS_GATHER_OVERFLOW, /* a NUL-terminated string passed SOCKS_NAME_MAX */
};

/* Moves octets of c into the current step of d. */
static enum socks_gather socks_gather(struct socks_state *st, struct socks_dir *d, struct cursor *c)
{
    switch ((enum socks_mode)d->mode) {
    case SOCKS_MODE_FIXED:
    case SOCKS_MODE_NAME:
    case SOCKS_MODE_SKIP: {
        size_t n = d->want - d->have;
        if (n > cursor_left(c))
            n = cursor_left(c);
        if (d->mode == SOCKS_MODE_FIXED) {
            cursor_copy(c, d->buf + d->have, n);
        } else if (d->mode == SOCKS_MODE_NAME) {
            uint16_t *len;
            char *name = socks_name_of(st, d, &len);
            cursor_copy(c, name + d->have, n);
            *len = (uint16_t)(d->have + n);
            name[*len] = '\0';
        } else {
            cursor_skip(c, n);
        }
        d->have = (uint16_t)(d->have + n);
        break;
    }
    case SOCKS_MODE_METHODS:
        while (d->have < d->want && cursor_left(c) > 0) {
            uint8_t m = cursor_u8(c);
            if (m < SOCKS_LOW_METHODS)
                st->offered_low |= (uint16_t)(1u << m);
            d->have++;
        }
        break;
    case SOCKS_MODE_CSTR: {
        uint16_t *len;
        char *name = socks_name_of(st, d, &len);
        while (cursor_left(c) > 0) {
            uint8_t b = cursor_u8(c);
            if (b == 0)
                return SOCKS_GATHER_COMPLETE;
            if (d->have >= SOCKS_NAME_MAX)
                return SOCKS_GATHER_OVERFLOW;
            name[d->have++] = (char)b;
            name[d->have] = '\0';
            *len = d->have;
        }
        return SOCKS_GATHER_MORE;
    }
    case SOCKS_MODE_IDLE: /* socks_parse does not gather in this mode */
        return SOCKS_GATHER_MORE;
    }
    return d->have == d->want ? SOCKS_GATHER_COMPLETE : SOCKS_GATHER_MORE;
}

/* An address of ATYP 1 or 4 and a port, gathered in d->buf. */
static void socks_take_addr(struct socks_state *st, const struct socks_dir *d)
{
    struct cursor c = cursor_make(d->buf, d->want);
    size_t alen = d->want - 2;
    st->ip_family = alen == 16 ? 6 : 4;
    cursor_copy(&c, st->ip, alen);
    st->port = cursor_be16(&c);
}

/* The address and port that follow ATYP, or 0 for a name (length first). */
static size_t socks_addr_len(uint8_t atyp)
{
    return atyp == 1 ? 4 + 2 : atyp == 4 ? 16 + 2 : 0;
}

/* Client: one complete step. Returns APP_OK, or APP_ERROR after an anomaly. */
static enum app_result socks_client_step(struct socks_state *st, struct app_out *out)
{
    struct socks_dir *d = &st->dir[FLOW_TOSERVER];
    struct socks_dir *srv = &st->dir[FLOW_TOCLIENT];
    struct cursor c = cursor_make(d->buf, d->mode == SOCKS_MODE_FIXED ? d->want : 0);
    switch ((enum socks_step)d->step) {
    case SOCKS_C_VERSION:
        st->version = cursor_u8(&c);
        if (st->version == 5) {
            socks_expect(d, SOCKS_C5_NMETHODS, SOCKS_MODE_FIXED, 1);
            socks_expect(srv, SOCKS_S5_METHOD, SOCKS_MODE_FIXED, 2);
        } else if (st->version == 4) {
            socks_expect(d, SOCKS_C4_HEADER, SOCKS_MODE_FIXED, 7);
            socks_expect(srv, SOCKS_S4_REPLY, SOCKS_MODE_FIXED, 8);
        } else {
            st->version = 0;
            goto bad_version;
        }
        return APP_OK;
    case SOCKS_C5_NMETHODS: {
        uint8_t n = cursor_u8(&c);
        if (n == 0) {
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_NO_METHODS);
            return APP_ERROR;
        }
        socks_expect(d, SOCKS_C5_METHODS, SOCKS_MODE_METHODS, n);
        return APP_OK;
    }
    case SOCKS_C5_METHODS:
        socks_expect(d, SOCKS_C5_NEXT, SOCKS_MODE_FIXED, 1);
        return APP_OK;
    case SOCKS_C5_NEXT: {
        uint8_t v = cursor_u8(&c);
        bool may_auth =
            !st->has_auth_sent && (!st->has_method || st->method == SOCKS_METHOD_USERNAME);
        if (v == 1 && may_auth) {
            st->has_auth_sent = true;
            socks_expect(d, SOCKS_C5_ULEN, SOCKS_MODE_FIXED, 1);
        } else if (v == 5) {
            socks_expect(d, SOCKS_C5_REQUEST, SOCKS_MODE_FIXED, 3);
        } else {
            goto bad_version;
        }
        return APP_OK;
    }
    case SOCKS_C5_ULEN: {
        uint8_t n = cursor_u8(&c);
        if (n)
            socks_expect(d, SOCKS_C5_UNAME, SOCKS_MODE_NAME, n);
        else
            socks_expect(d, SOCKS_C5_PLEN, SOCKS_MODE_FIXED, 1);
        return APP_OK;
    }
    case SOCKS_C5_UNAME:
        socks_expect(d, SOCKS_C5_PLEN, SOCKS_MODE_FIXED, 1);
        return APP_OK;
    case SOCKS_C5_PLEN: {
        uint8_t n = cursor_u8(&c);
        if (n)
            socks_expect(d, SOCKS_C5_PASSWD, SOCKS_MODE_SKIP, n);
        else
            socks_expect(d, SOCKS_C5_NEXT, SOCKS_MODE_FIXED, 1);
        return APP_OK;
    }
    case SOCKS_C5_PASSWD:
        socks_expect(d, SOCKS_C5_NEXT, SOCKS_MODE_FIXED, 1);
        return APP_OK;
    case SOCKS_C5_REQUEST: {
        uint8_t cmd = cursor_u8(&c);
        uint8_t rsv = cursor_u8(&c);
        uint8_t atyp = cursor_u8(&c);
        if (cmd < SOCKS_CMD_CONNECT || cmd > SOCKS_CMD_UDP_ASSOCIATE) {
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_COMMAND);
            return APP_ERROR;
        }
        st->command = cmd;
        if (rsv != 0)
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_RESERVED);
        if (atyp == 3) {
            socks_expect(d, SOCKS_C5_HOST_LEN, SOCKS_MODE_FIXED, 1);
        } else if (socks_addr_len(atyp)) {
            socks_expect(d, SOCKS_C5_ADDR, SOCKS_MODE_FIXED, socks_addr_len(atyp));
        } else {
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_ADDRESS_TYPE);
            return APP_ERROR;
        }
        return APP_OK;
    }
    case SOCKS_C5_ADDR:
        socks_take_addr(st, d);
        socks_expect(d, SOCKS_C_WAIT, SOCKS_MODE_IDLE, 0);
        return APP_OK;
    case SOCKS_C5_HOST_LEN: {
        uint8_t n = cursor_u8(&c);
        if (n == 0) {
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_DOMAIN);
            return APP_ERROR;
        }
        socks_expect(d, SOCKS_C5_HOST, SOCKS_MODE_NAME, n);
        return APP_OK;
    }
    case SOCKS_C5_HOST:
        socks_expect(d, SOCKS_C5_PORT, SOCKS_MODE_FIXED, 2);
        return APP_OK;
    case SOCKS_C5_PORT:
        st->port = cursor_be16(&c);
        socks_expect(d, SOCKS_C_WAIT, SOCKS_MODE_IDLE, 0);
        return APP_OK;
    case SOCKS_C4_HEADER: {
        uint8_t cmd = cursor_u8(&c);
        if (cmd != SOCKS_CMD_CONNECT && cmd != SOCKS_CMD_BIND) {
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_COMMAND);
            return APP_ERROR;
        }
        st->command = cmd;
        st->port = cursor_be16(&c);
        cursor_copy(&c, st->ip, 4);
        /* 4a: 0.0.0.x with x non-zero says "a name follows the user id" */
        st->is_4a = st->ip[0] == 0 && st->ip[1] == 0 && st->ip[2] == 0 && st->ip[3] != 0;
        st->ip_family = st->is_4a ? 0 : 4;
        socks_expect(d, SOCKS_C4_USER, SOCKS_MODE_CSTR, 0);
        return APP_OK;
    }
    case SOCKS_C4_USER:
        if (st->is_4a)
            socks_expect(d, SOCKS_C4_HOST, SOCKS_MODE_CSTR, 0);
        else
            socks_expect(d, SOCKS_C_WAIT, SOCKS_MODE_IDLE, 0);
        return APP_OK;
    case SOCKS_C4_HOST:
        if (st->host_len == 0) {
            socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_DOMAIN);
            return APP_ERROR;
        }
        socks_expect(d, SOCKS_C_WAIT, SOCKS_MODE_IDLE, 0);
        return APP_OK;
    default:
        break;
    }
    return APP_OK;
bad_version:
    socks_anomaly(st, out, FLOW_TOSERVER, SOCKS_ANOMALY_BAD_VERSION);
    return APP_ERROR;
}

/* A reply has been read whole: decides what the flow does next. */
static enum app_result socks_reply_done(struct socks_state *st, struct app_out *out,
                                        bool is_granted, size_t reply_end)
{
    struct socks_dir *d = &st->dir[FLOW_TOCLIENT];
    st->has_reply = true;
    if (!is_granted) {
        st->is_success = false;
        socks_emit(st, out);
        return APP_DONE;
    }
    st->granted++;
    /* BIND: the first reply names the listening socket, the second the
     * peer that connected; only then does the tunnel carry data. */
    if (st->command == SOCKS_CMD_BIND && st->granted < 2) {
        if (st->version == 5)
            socks_expect(d, SOCKS_S5_REPLY, SOCKS_MODE_FIXED, 4);
        else
            socks_expect(d, SOCKS_S4_REPLY, SOCKS_MODE_FIXED, 8);
        return APP_OK;
    }
    st->is_success = true;
    socks_emit(st, out);
    socks_expect(d, SOCKS_S_DONE, SOCKS_MODE_IDLE, 0);
    if (st->command == SOCKS_CMD_UDP_ASSOCIATE)
        return APP_DONE; /* the data goes over UDP; this stream only holds it open */
    out->handover_at = reply_end;
    return APP_REDETECT;
}

/* Server: one complete step; reply_end is where it ends in this call's data. */
static enum app_result socks_server_step(struct socks_state *st, struct app_out *out,
                                         size_t reply_end)
{
    struct socks_dir *d = &st->dir[FLOW_TOCLIENT];
    struct cursor c = cursor_make(d->buf, d->mode == SOCKS_MODE_FIXED ? d->want : 0);
    switch ((enum socks_step)d->step) {
    case SOCKS_S5_METHOD: {
        uint8_t ver = cursor_u8(&c);
        uint8_t m = cursor_u8(&c);
        if (ver != 5)
            goto bad_version;
        st->has_method = true;
        st->method = m;
        if (m == SOCKS_METHOD_NO_ACCEPTABLE) {
            socks_emit(st, out);
            return APP_DONE;
        }
        /* private methods (0x80-0xfe) are not remembered, so not checked */
        bool is_offered = m < SOCKS_LOW_METHODS ? (st->offered_low & (1u << m)) != 0
                                                : socks_method_is_plausible(m);
        if (!is_offered)
            socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_METHOD_NOT_OFFERED);
        if (m == SOCKS_METHOD_NONE) {
            socks_expect(d, SOCKS_S5_REPLY, SOCKS_MODE_FIXED, 4);
        } else if (m == SOCKS_METHOD_USERNAME) {
            socks_expect(d, SOCKS_S5_AUTH, SOCKS_MODE_FIXED, 2);
        } else {
            /* GSSAPI and the rest wrap what follows: not followed */
            socks_emit(st, out);
            return APP_DONE;
        }
        return APP_OK;
    }
    case SOCKS_S5_AUTH: {
        uint8_t ver = cursor_u8(&c);
        uint8_t status = cursor_u8(&c);
        /* RFC 1929 says 1; some servers answer with the SOCKS version */
        if (ver != 1 && ver != 5)
            goto bad_version;
        st->has_auth_result = true;
        st->is_auth_success = status == 0;
        if (!st->is_auth_success) {
            socks_emit(st, out);
            return APP_DONE;
        }
        socks_expect(d, SOCKS_S5_REPLY, SOCKS_MODE_FIXED, 4);
        return APP_OK;
    }
    case SOCKS_S5_REPLY: {
        uint8_t ver = cursor_u8(&c);
        uint8_t rep = cursor_u8(&c);
        uint8_t rsv = cursor_u8(&c);
        uint8_t atyp = cursor_u8(&c);
        if (ver != 5)
            goto bad_version;
        st->reply_code = rep;
        if (rep > 8)
            socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_BAD_REPLY);
        if (rsv != 0)
            socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_BAD_RESERVED);
        if (atyp == 3) {
            socks_expect(d, SOCKS_S5_BND_LEN, SOCKS_MODE_FIXED, 1);
        } else if (socks_addr_len(atyp)) {
            socks_expect(d, SOCKS_S5_BND, SOCKS_MODE_FIXED, socks_addr_len(atyp));
        } else {
            socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_BAD_ADDRESS_TYPE);
            return APP_ERROR;
        }
        return APP_OK;
    }
    case SOCKS_S5_BND_LEN: {
        uint8_t n = cursor_u8(&c);
        if (n == 0) {
            socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_BAD_DOMAIN);
            return APP_ERROR;
        }
        socks_expect(d, SOCKS_S5_BND_HOST, SOCKS_MODE_SKIP, n);
        return APP_OK;
    }
    case SOCKS_S5_BND_HOST:
        socks_expect(d, SOCKS_S5_BND_PORT, SOCKS_MODE_FIXED, 2);
        return APP_OK;
    case SOCKS_S5_BND:
    case SOCKS_S5_BND_PORT:
        return socks_reply_done(st, out, st->reply_code == 0, reply_end);
    case SOCKS_S4_REPLY: {
        uint8_t vn = cursor_u8(&c);
        uint8_t cd = cursor_u8(&c);
        if (vn != 0)
            goto bad_version;
        st->reply_code = cd;
        if (cd < SOCKS4_REPLY_GRANTED || cd > SOCKS4_REPLY_IDENTD_MISMATCH)
            socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_BAD_REPLY);
        return socks_reply_done(st, out, cd == SOCKS4_REPLY_GRANTED, reply_end);
    }
    default:
        break;
    }
    return APP_OK;
bad_version:
    socks_anomaly(st, out, FLOW_TOCLIENT, SOCKS_ANOMALY_BAD_VERSION);
    return APP_ERROR;
}

static enum app_result socks_parse(void *vst, enum flow_dir dir, const uint8_t *data, size_t len,
                                   struct app_out *out)
{
    struct socks_state *st = vst;
    struct socks_dir *d = &st->dir[dir];
    struct cursor c = cursor_make(data, len);
    while (cursor_left(&c) > 0) {
        if (d->mode == SOCKS_MODE_IDLE) {
            if (dir == FLOW_TOCLIENT) { /* a server speaking before the client */
                socks_anomaly(st, out, dir, SOCKS_ANOMALY_UNEXPECTED_DATA);
                return APP_ERROR;
            }
            /* the client did not wait for the reply: these bytes are lost
             * to the detection of the tunnelled protocol */
            socks_anomaly(st, out, dir, SOCKS_ANOMALY_EARLY_DATA);
            break;
        }
        enum socks_gather g = socks_gather(st, d, &c);
        if (g == SOCKS_GATHER_MORE)
            break;
        if (g == SOCKS_GATHER_OVERFLOW) {
            bool is_user = d->step == SOCKS_C4_USER;
            socks_anomaly(st, out, dir,
                          is_user ? SOCKS_ANOMALY_USER_TOO_LONG : SOCKS_ANOMALY_DOMAIN_TOO_LONG);
            return APP_ERROR;
        }
        enum app_result r = dir == FLOW_TOSERVER
                                ? socks_client_step(st, out)
                                : socks_server_step(st, out, len - cursor_left(&c));
        if (r != APP_OK)
            return r;
    }
    return APP_OK;
}

static enum app_result socks_gap(void *vst, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)dir;
    (void)len;
    socks_emit(vst, out); /* the handshake cannot be followed across a hole */
    return APP_DONE;
}

static void socks_flow_end(void *vst, struct app_out *out)
{
    socks_emit(vst, out);
}

static void *socks_state_new(void)
{
    struct socks_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    socks_expect(&st->dir[FLOW_TOSERVER], SOCKS_C_VERSION, SOCKS_MODE_FIXED, 1);
    socks_expect(&st->dir[FLOW_TOCLIENT], SOCKS_S_NONE, SOCKS_MODE_IDLE, 0);
    return st;
}

static void socks_state_free(void *st)
{
    free(st);
}

static size_t socks_state_mem(const void *st)
{
    (void)st;
    return sizeof(struct socks_state);
}

/* SOCKS 5 greeting: 5, nmethods (1-255), that many distinct plausible
 * methods, and nothing after it but the start of a pipelined request or
 * RFC 1929 sub-negotiation. */
static enum app_probe socks_probe5(struct cursor *c)
{
    uint8_t n = cursor_u8(c);
    if (!cursor_ok(c))
        return APP_PROBE_MAYBE;
    if (n == 0)
        return APP_PROBE_NO;
    unsigned offered = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t m = cursor_u8(c);
        if (!cursor_ok(c))
            return APP_PROBE_MAYBE;
        if (!socks_method_is_plausible(m))
            return APP_PROBE_NO;
        if (m < SOCKS_LOW_METHODS) {
            if (offered & (1u << m))
                return APP_PROBE_NO;
            offered |= 1u << m;
        }
    }
    if (cursor_left(c) == 0)
        return APP_PROBE_YES;
    uint8_t next = cursor_u8(c);
    if (next == 1 && (offered & (1u << SOCKS_METHOD_USERNAME)))
        return APP_PROBE_YES;
    if (next != 5)
        return APP_PROBE_NO;
    uint8_t v;
    if (cursor_peek_u8(c, 0, &v) && (v < SOCKS_CMD_CONNECT || v > SOCKS_CMD_UDP_ASSOCIATE))
        return APP_PROBE_NO;
    if (cursor_peek_u8(c, 1, &v) && v != 0)
        return APP_PROBE_NO;
    if (cursor_peek_u8(c, 2, &v) && v != 1 && v != 3 && v != 4)
        return APP_PROBE_NO;
    return APP_PROBE_YES;
}

/* A NUL-terminated SOCKS 4 string: 1 complete, 0 not yet, -1 not plausible.
 * A user id is printable ASCII; a 4a name is host name characters. */
static int socks_probe_cstr(struct cursor *c, bool is_host)
{
    for (size_t n = 0;; n++) {
        uint8_t b = cursor_u8(c);
        if (!cursor_ok(c))
            return 0;
        if (b == 0)
            return is_host && n == 0 ? -1 : 1;
        if (n >= SOCKS_NAME_MAX || b < 0x20 || b > 0x7e)
            return -1;
        if (is_host && b != '.' && b != '-' && b != '_' && b != ':' && !(b >= '0' && b <= '9') &&
            !((b | 0x20) >= 'a' && (b | 0x20) <= 'z'))
            return -1;
    }
}

/* SOCKS 4/4a request: 4, CONNECT or BIND, a port, an address, a user id,
 * for 4a a name; exactly that (the client waits for the reply). */
static enum app_probe socks_probe4(struct cursor *c)
{
    uint8_t cmd = cursor_u8(c);
    if (!cursor_ok(c))
        return APP_PROBE_MAYBE;
    if (cmd != SOCKS_CMD_CONNECT && cmd != SOCKS_CMD_BIND)
        return APP_PROBE_NO;
    uint16_t port = cursor_be16(c);
    uint8_t ip[4];
    cursor_copy(c, ip, sizeof(ip));
    if (!cursor_ok(c))
        return APP_PROBE_MAYBE;
    bool is_4a = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
    bool is_zero = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] == 0;
    if (port == 0 || (cmd == SOCKS_CMD_CONNECT && is_zero))
        return APP_PROBE_NO;
    int r = socks_probe_cstr(c, false);
    if (r <= 0)
        return r < 0 ? APP_PROBE_NO : APP_PROBE_MAYBE;
    if (is_4a) {
        r = socks_probe_cstr(c, true);
        if (r <= 0)
            return r < 0 ? APP_PROBE_NO : APP_PROBE_MAYBE;
    }
    return cursor_left(c) == 0 ? APP_PROBE_YES : APP_PROBE_NO;
}

/* Only the client starts SOCKS. */
static enum app_probe socks_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    if (dir != FLOW_TOSERVER)
        return APP_PROBE_NO;
    struct cursor c = cursor_make(data, len);
    uint8_t ver = cursor_u8(&c);
    if (!cursor_ok(&c))
        return APP_PROBE_MAYBE;
    if (ver == 5)
        return socks_probe5(&c);
    if (ver == 4)
        return socks_probe4(&c);
    return APP_PROBE_NO;
}

const struct app_parser socks_parser = {
    .proto = APP_PROTO_SOCKS,
    .name = "socks",
    .is_datagram = false,
    .probe = socks_probe,
    .state_new = socks_state_new,
    .state_free = socks_state_free,
    .parse = socks_parse,
    .gap = socks_gap,
    .flow_end = socks_flow_end,
    .state_mem = socks_state_mem,
};
