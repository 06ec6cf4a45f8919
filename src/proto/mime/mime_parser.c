/* mime_parser.c — streaming MIME message reader (see mime_parser.h).
 *
 * Bytes become lines; only a line's first MIME_HEAD_MAX bytes are kept, as
 * long as it takes to tell a boundary (RFC 2046 §5.1.1: "--" boundary,
 * optional "--", transport padding) from content; the rest streams through.
 * A line end is held back until the next line shows it is not followed by
 * a boundary, since the CRLF before a boundary belongs to the boundary.
 * Header fields are unfolded into one capped buffer (RFC 5322 §2.2.3).
 */
#include "proto/mime/mime_parser.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/file/file_hash.h"
#include "proto/mime/mime_decode.h"
#include "proto/mime/mime_url.h"

enum mime_mode {
    MIME_MODE_HEADERS = 0,
    MIME_MODE_BODY,
    MIME_MODE_SKIP, /* a multipart's preamble or epilogue */
    MIME_MODE_DONE,
};

enum mime_cte {
    MIME_CTE_IDENTITY = 0, /* 7bit, 8bit, binary, or unknown */
    MIME_CTE_BASE64,
    MIME_CTE_QP,
};

struct mime_level {
    char boundary[MIME_BOUNDARY_MAX];
    size_t len;
};

/* What a part's headers said. */
struct mime_part {
    char type[MIME_TYPE_MAX];
    char boundary[MIME_BOUNDARY_MAX];
    int boundary_len; /* 0 absent, -1 invalid */
    char filename[MIME_FILENAME_MAX];
    int filename_len; /* -1 absent */
    enum mime_cte cte;
    bool is_disposition_attachment;
};

struct mime_parser {
    struct mime_message msg;
    enum mime_mode mode;
    /* line assembly */
    uint8_t head[MIME_HEAD_MAX];
    size_t head_len;
    bool is_rest;       /* past the head: streaming the rest of the line */
    bool is_discarding; /* after a gap: drop bytes up to the next LF */
    bool is_held_cr;    /* the last chunk ended in CR inside a line's rest */
    uint64_t line_len;
    bool is_body_line; /* the current line is content of a part */
    /* header field being unfolded */
    uint8_t *field;
    size_t field_len;
    bool has_field;
    bool is_field_long;
    bool is_top; /* the headers being read are the message's own */
    /* multipart nesting */
    struct mime_level levels[MIME_DEPTH_MAX];
    size_t level_count;
    struct mime_part part;
    /* body of the current part */
    uint8_t eol[2];
    size_t eol_len; /* a line end held back (boundary rule) */
    struct mime_b64 b64;
    struct mime_qp qp;
    bool is_hashing;
    struct mime_attachment *att; /* the attachment being hashed, or NULL */
    struct file_hash fh;
    bool is_scanning;
    struct mime_url url;
    uint32_t anomalies_new;
};

static const char *const mime_anomaly_names[MIME_ANOMALY_COUNT] = {
    [MIME_ANOMALY_HEADER_TOO_LONG] = "mime_header_too_long",
    [MIME_ANOMALY_HEADER_INVALID] = "mime_header_invalid",
    [MIME_ANOMALY_LINE_TOO_LONG] = "mime_line_too_long",
    [MIME_ANOMALY_DEPTH_EXCEEDED] = "mime_depth_exceeded",
    [MIME_ANOMALY_BOUNDARY_INVALID] = "mime_boundary_invalid",
    [MIME_ANOMALY_BOUNDARY_MISSING] = "mime_boundary_missing",
    [MIME_ANOMALY_BOUNDARY_UNTERMINATED] = "mime_boundary_unterminated",
    [MIME_ANOMALY_BASE64_INVALID] = "base64_invalid",
    [MIME_ANOMALY_QP_INVALID] = "quoted_printable_invalid",
    [MIME_ANOMALY_TOO_MANY_URLS] = "too_many_urls",
    [MIME_ANOMALY_TOO_MANY_ATTACHMENTS] = "too_many_attachments",
};

const char *mime_anomaly_name(enum mime_anomaly a)
{
    return (unsigned)a < MIME_ANOMALY_COUNT ? mime_anomaly_names[a] : NULL;
}

const char *mime_status_name(enum mime_status s)
{
    switch (s) {
    case MIME_STATUS_HEADERS:
        return "HEADER_STARTED";
    case MIME_STATUS_BODY:
        return "BODY_STARTED";
    case MIME_STATUS_DONE:
        return "PARSE_DONE";
    default:
        return "PARSE_ERROR";
    }
}

static void mime_parser_anomaly(struct mime_parser *m, enum mime_anomaly a)
{
    if (m->msg.anomalies & (1u << a))
        return;
    m->msg.anomalies |= 1u << a;
    m->anomalies_new |= 1u << a;
}

uint32_t mime_parser_take_anomalies(struct mime_parser *m)
{
    uint32_t a = m->anomalies_new;
    m->anomalies_new = 0;
    return a;
}

static void mime_parser_part_reset(struct mime_parser *m)
{
    memset(&m->part, 0, sizeof(m->part));
    m->part.filename_len = -1;
}

struct mime_parser *mime_parser_new(void)
{
    struct mime_parser *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->field = malloc(MIME_FIELD_MAX);
    if (!m->field) {
        free(m);
        return NULL;
    }
    struct mime_message *msg = &m->msg;
    mime_list_init(&msg->to, MIME_ADDRESSES_MAX, 8192, 512, false);
    mime_list_init(&msg->cc, MIME_ADDRESSES_MAX, 8192, 512, false);
    mime_list_init(&msg->received, MIME_RECEIVED_MAX, 8192, MIME_VALUE_MAX, false);
    mime_list_init(&msg->urls, MIME_URLS_MAX, MIME_URL_POOL_MAX, MIME_URL_MAX, true);
    file_hash_init(&m->fh);
    m->is_top = true;
    m->msg.parts = 1;
    mime_parser_part_reset(m);
    return m;
}

void mime_parser_free(struct mime_parser *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < MIME_FIELD_COUNT; i++)
        free(m->msg.fields[i]);
    mime_list_fini(&m->msg.to);
    mime_list_fini(&m->msg.cc);
    mime_list_fini(&m->msg.received);
    mime_list_fini(&m->msg.urls);
    free(m->msg.attachments);
    file_hash_fini(&m->fh);
    free(m->field);
    free(m);
}

const struct mime_message *mime_parser_message(const struct mime_parser *m)
{
    return &m->msg;
}

size_t mime_parser_mem(const struct mime_parser *m)
{
    size_t n = sizeof(*m) + MIME_FIELD_MAX + mime_list_mem(&m->msg.to) + mime_list_mem(&m->msg.cc) +
               mime_list_mem(&m->msg.received) + mime_list_mem(&m->msg.urls) +
               m->msg.attachment_cap * sizeof(*m->msg.attachments) + file_hash_mem(&m->fh);
    for (size_t i = 0; i < MIME_FIELD_COUNT; i++)
        n += m->msg.fields[i] ? m->msg.field_len[i] + 1 : 0;
    return n;
}

/* ---- header fields ---- */

static const struct {
    const char *name;
    enum mime_field field;
} mime_parser_kept[] = {
    {"from", MIME_FIELD_FROM},
    {"subject", MIME_FIELD_SUBJECT},
    {"message-id", MIME_FIELD_MESSAGE_ID},
    {"date", MIME_FIELD_DATE},
    {"x-mailer", MIME_FIELD_X_MAILER},
    {"user-agent", MIME_FIELD_USER_AGENT},
    {"reply-to", MIME_FIELD_REPLY_TO},
    {"in-reply-to", MIME_FIELD_IN_REPLY_TO},
    {"x-originating-ip", MIME_FIELD_X_ORIGINATING_IP},
    {"return-path", MIME_FIELD_RETURN_PATH},
};

static void mime_parser_keep(struct mime_parser *m, enum mime_field f, const uint8_t *v, size_t n)
{
    if (m->msg.fields[f])
        return; /* the first one counts, as readers show it */
    char *s = malloc(MIME_VALUE_MAX);
    if (!s)
        return;
    size_t len;
    if (f == MIME_FIELD_SUBJECT) {
        bool is_decoded = false;
        len = mime_decode_words(v, n, s, MIME_VALUE_MAX, &is_decoded);
    } else {
        len = n < MIME_VALUE_MAX - 1 ? n : MIME_VALUE_MAX - 1;
        memcpy(s, v, len);
        s[len] = '\0';
    }
    m->msg.fields[f] = s;
    m->msg.field_len[f] = len;
}

/* A whole unfolded field: name ':' value. */
static void mime_parser_field(struct mime_parser *m)
{
    if (!m->has_field)
        return;
    m->has_field = false;
    struct cursor c = cursor_make(m->field, m->field_len);
    const uint8_t *colon = memchr(m->field, ':', m->field_len);
    if (!colon) {
        mime_parser_anomaly(m, MIME_ANOMALY_HEADER_INVALID);
        return;
    }
    size_t name_len = (size_t)(colon - m->field);
    struct cursor nc = cursor_split(&c, name_len);
    const uint8_t *name = cursor_ptr(&nc);
    cursor_skip(&c, 1);
    uint8_t ch = 0;
    while (name_len > 0 && cursor_peek_u8(&nc, name_len - 1, &ch) && (ch == ' ' || ch == '\t'))
        name_len--; /* "Subject :" (obsolete syntax, RFC 5322 §4.5) */
    while (cursor_peek_u8(&c, 0, &ch) && (ch == ' ' || ch == '\t'))
        cursor_skip(&c, 1);
    size_t n = cursor_left(&c);
    while (n > 0 && cursor_peek_u8(&c, n - 1, &ch) && (ch == ' ' || ch == '\t' || ch == '\r'))
        n--;
    const uint8_t *v = cursor_ptr(&c);
    if (name_len == 0) {
        mime_parser_anomaly(m, MIME_ANOMALY_HEADER_INVALID);
        return;
    }
    if (mime_header_name_is(name, name_len, "content-type")) {
        mime_header_type(v, n, m->part.type);
        m->part.boundary_len = mime_header_boundary(v, n, m->part.boundary);
        if (m->part.filename_len < 0)
            m->part.filename_len =
                mime_header_param(v, n, "name", m->part.filename, sizeof(m->part.filename));
        return;
    }
    if (mime_header_name_is(name, name_len, "content-transfer-encoding")) {
        char enc[MIME_TYPE_MAX];
        mime_header_type(v, n, enc);
        m->part.cte = strcmp(enc, "base64") == 0             ? MIME_CTE_BASE64
                      : strcmp(enc, "quoted-printable") == 0 ? MIME_CTE_QP
                                                             : MIME_CTE_IDENTITY;
        return;
    }
    if (mime_header_name_is(name, name_len, "content-disposition")) {
        char disp[MIME_TYPE_MAX];
        mime_header_type(v, n, disp);
        m->part.is_disposition_attachment = strcmp(disp, "attachment") == 0;
        /* filename= wins over Content-Type's name= (RFC 2183 §2.3) */
        char name_buf[MIME_FILENAME_MAX];
        int k = mime_header_param(v, n, "filename", name_buf, sizeof(name_buf));
        if (k >= 0) {
            memcpy(m->part.filename, name_buf, (size_t)k + 1);
            m->part.filename_len = k;
        }
        return;
    }
    if (!m->is_top)
        return;
    if (mime_header_name_is(name, name_len, "to")) {
        mime_header_addresses(v, n, &m->msg.to);
        return;
    }
    if (mime_header_name_is(name, name_len, "cc")) {
        mime_header_addresses(v, n, &m->msg.cc);
        return;
    }
    if (mime_header_name_is(name, name_len, "received")) {
        mime_list_add(&m->msg.received, v, n, 0);
        return;
    }
    for (size_t i = 0; i < sizeof(mime_parser_kept) / sizeof(mime_parser_kept[0]); i++) {
        if (mime_header_name_is(name, name_len, mime_parser_kept[i].name)) {
            mime_parser_keep(m, mime_parser_kept[i].field, v, n);
            return;
        }
    }
}

static void mime_parser_field_append(struct mime_parser *m, const uint8_t *p, size_t n)
{
    size_t room = MIME_FIELD_MAX - m->field_len;
    if (n > room) {
        if (!m->is_field_long)
            mime_parser_anomaly(m, MIME_ANOMALY_HEADER_TOO_LONG);
        m->is_field_long = true;
        n = room;
    }
    memcpy(m->field + m->field_len, p, n);
    m->field_len += n;
}

/* ---- part bodies ---- */

static void mime_parser_sink(struct mime_parser *m, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    if (m->is_hashing)
        file_hash_update(&m->fh, p, n);
    if (m->is_scanning)
        mime_url_feed(&m->url, p, n);
}

/* Encoded body bytes of the current part. */
static void mime_parser_body(struct mime_parser *m, const uint8_t *p, size_t n)
{
    if (!m->is_hashing && !m->is_scanning)
        return; /* nothing reads this part: not even decoded */
    struct cursor c = cursor_make(p, n);
    while (cursor_left(&c) > 0) {
        enum { CHUNK = 1024 };
        uint8_t out[MIME_B64_OUT_MAX(CHUNK) + MIME_QP_OUT_MAX(CHUNK)];
        size_t take = cursor_left(&c) < CHUNK ? cursor_left(&c) : CHUNK;
        const uint8_t *in = cursor_bytes(&c, take);
        switch (m->part.cte) {
        case MIME_CTE_BASE64:
            mime_parser_sink(m, out, mime_b64_decode(&m->b64, in, take, out));
            break;
        case MIME_CTE_QP:
            mime_parser_sink(m, out, mime_qp_decode(&m->qp, in, take, out));
            break;
        default:
            mime_parser_sink(m, in, take);
            break;
        }
    }
}

static bool mime_parser_is_text(const char *type)
{
    return type[0] == '\0' || strcmp(type, "text/plain") == 0 || strcmp(type, "text/html") == 0;
}

static void mime_parser_body_start(struct mime_parser *m, bool is_opaque)
{
    struct mime_part *pt = &m->part;
    m->mode = MIME_MODE_BODY;
    m->eol_len = 0;
    mime_b64_init(&m->b64);
    mime_qp_init(&m->qp);
    m->att = NULL;
    m->is_hashing = false;
    m->is_scanning = false;
    bool is_attachment = pt->is_disposition_attachment || pt->filename_len >= 0;
    if (is_attachment) {
        struct mime_message *msg = &m->msg;
        msg->attachments_seen++;
        if (msg->attachment_count == MIME_ATTACHMENTS_MAX) {
            mime_parser_anomaly(m, MIME_ANOMALY_TOO_MANY_ATTACHMENTS);
            return;
        }
        if (msg->attachment_count == msg->attachment_cap) {
            size_t cap = msg->attachment_cap ? msg->attachment_cap * 2 : 2;
            if (cap > MIME_ATTACHMENTS_MAX)
                cap = MIME_ATTACHMENTS_MAX;
            struct mime_attachment *na = realloc(msg->attachments, cap * sizeof(*na));
            if (!na)
                return;
            msg->attachments = na;
            msg->attachment_cap = cap;
            for (size_t i = 0; i < msg->attachment_count; i++) { /* moved: re-point */
                struct mime_attachment *a = &na[i];
                a->rec.filename = a->rec.filename ? a->filename : NULL;
                a->rec.content_type = a->rec.content_type ? a->content_type : NULL;
            }
        }
        struct mime_attachment *a = &msg->attachments[msg->attachment_count++];
        memset(a, 0, sizeof(*a));
        if (pt->filename_len >= 0) {
            memcpy(a->filename, pt->filename, (size_t)pt->filename_len + 1);
            a->rec.filename = a->filename;
            a->rec.filename_len = (size_t)pt->filename_len;
        }
        if (pt->type[0]) {
            memcpy(a->content_type, pt->type, sizeof(a->content_type));
            a->rec.content_type = a->content_type;
        }
        m->att = a;
        m->is_hashing = true;
        file_hash_open(&m->fh);
        return;
    }
    if (!is_opaque && mime_parser_is_text(pt->type)) {
        m->is_scanning = true;
        mime_url_start(&m->url, strcmp(pt->type, "text/html") == 0, &m->msg.urls);
    }
}

/* Closes the current part's body: decoder tails, the attachment, the scan. */
static void mime_parser_body_end(struct mime_parser *m, enum fileinfo_state state)
{
    if (m->mode != MIME_MODE_BODY)
        return;
    /* A part cut short ends mid-quantum for no fault of its encoding. */
    uint8_t tail[4];
    if (m->part.cte == MIME_CTE_BASE64 && state == FILEINFO_CLOSED)
        mime_parser_sink(m, tail, mime_b64_finish(&m->b64, tail));
    else if (m->part.cte == MIME_CTE_QP && state == FILEINFO_CLOSED)
        mime_parser_sink(m, tail, mime_qp_finish(&m->qp, tail));
    if (m->b64.invalid)
        mime_parser_anomaly(m, MIME_ANOMALY_BASE64_INVALID);
    if (m->qp.invalid)
        mime_parser_anomaly(m, MIME_ANOMALY_QP_INVALID);
    if (m->is_hashing && m->att) {
        if (state == FILEINFO_CLOSED && m->b64.invalid)
            state = FILEINFO_ERROR;
        file_hash_close(&m->fh, state, &m->att->rec);
    }
    if (m->is_scanning) {
        mime_url_finish(&m->url);
        m->msg.urls_too_long += m->url.too_long;
        m->url.too_long = 0;
        if (m->msg.urls.is_truncated)
            mime_parser_anomaly(m, MIME_ANOMALY_TOO_MANY_URLS);
    }
    m->is_hashing = false;
    m->is_scanning = false;
    m->att = NULL;
    m->eol_len = 0;
}

/* The empty line after a part's headers. */
static void mime_parser_headers_end(struct mime_parser *m)
{
    mime_parser_field(m);
    m->is_top = false;
    struct mime_part *pt = &m->part;
    if (strncmp(pt->type, "multipart/", 10) != 0) {
        mime_parser_body_start(m, false);
        return;
    }
    if (pt->boundary_len <= 0) {
        mime_parser_anomaly(m, MIME_ANOMALY_BOUNDARY_INVALID);
        mime_parser_body_start(m, true);
        return;
    }
    if (m->level_count == MIME_DEPTH_MAX) {
        /* Deeper parts are read as the body of this one: outer boundaries
         * still close it. */
        mime_parser_anomaly(m, MIME_ANOMALY_DEPTH_EXCEEDED);
        mime_parser_body_start(m, true);
        return;
    }
    struct mime_level *lv = &m->levels[m->level_count++];
    memcpy(lv->boundary, pt->boundary, (size_t)pt->boundary_len + 1);
    lv->len = (size_t)pt->boundary_len;
    m->mode = MIME_MODE_SKIP; /* the preamble */
}

/* The level whose boundary the line is (innermost first), or -1; *is_close
 * for "--boundary--". Only a line whole in the head can be one. */
static int mime_parser_boundary(const struct mime_parser *m, const uint8_t *p, size_t n,
                                bool *is_close)
{
    if (n < 3 || m->level_count == 0 || memcmp(p, "--", 2) != 0)
        return -1;
    for (size_t i = m->level_count; i-- > 0;) {
        const struct mime_level *lv = &m->levels[i];
        if (n < 2 + lv->len || memcmp(p + 2, lv->boundary, lv->len) != 0)
            continue;
        struct cursor c = cursor_make(p + 2 + lv->len, n - 2 - lv->len);
        *is_close = cursor_left(&c) >= 2 && memcmp(cursor_ptr(&c), "--", 2) == 0;
        if (*is_close)
            cursor_skip(&c, 2);
        bool is_padding = true;
        while (cursor_left(&c) > 0) {
            uint8_t ch = cursor_u8(&c);
            is_padding &= ch == ' ' || ch == '\t';
        }
        if (is_padding)
            return (int)i;
    }
    return -1;
}

static void mime_parser_at_boundary(struct mime_parser *m, size_t level, bool is_close)
{
    if (m->mode == MIME_MODE_HEADERS)
        mime_parser_field(m);
    m->eol_len = 0; /* the line end before a boundary is the boundary's */
    mime_parser_body_end(m, FILEINFO_CLOSED);
    if (level + 1 < m->level_count)
        mime_parser_anomaly(m, MIME_ANOMALY_BOUNDARY_MISSING); /* inner ones never closed */
    m->level_count = level + 1;
    if (is_close) {
        m->level_count = level;
        m->mode = MIME_MODE_SKIP; /* the epilogue */
        return;
    }
    m->mode = MIME_MODE_HEADERS;
    m->is_top = false;
    m->is_field_long = false;
    m->msg.parts++;
    mime_parser_part_reset(m);
}

/* ---- lines ---- */

/* The start of a line: all of it when is_complete, else its first bytes. */
static void mime_parser_line_head(struct mime_parser *m, const uint8_t *p, size_t n,
                                  bool is_complete)
{
    bool is_close = false;
    int level = is_complete ? mime_parser_boundary(m, p, n, &is_close) : -1;
    m->is_body_line = level < 0 && m->mode == MIME_MODE_BODY;
    if (level >= 0) {
        mime_parser_at_boundary(m, (size_t)level, is_close);
        return;
    }
    switch (m->mode) {
    case MIME_MODE_HEADERS: {
        uint8_t ch = 0;
        struct cursor c = cursor_make(p, n);
        if (n == 0 && is_complete) {
            mime_parser_headers_end(m);
        } else if (cursor_peek_u8(&c, 0, &ch) && (ch == ' ' || ch == '\t') && m->has_field) {
            mime_parser_field_append(m, p, n); /* a folded line */
        } else {
            mime_parser_field(m);
            m->field_len = 0;
            m->has_field = true;
            m->is_field_long = false;
            mime_parser_field_append(m, p, n);
        }
        break;
    }
    case MIME_MODE_BODY:
        mime_parser_body(m, m->eol, m->eol_len);
        m->eol_len = 0;
        mime_parser_body(m, p, n);
        break;
    default:
        break;
    }
}

/* More bytes of the line whose head was given. */
static void mime_parser_line_rest(struct mime_parser *m, const uint8_t *p, size_t n)
{
    if (m->mode == MIME_MODE_HEADERS && m->has_field)
        mime_parser_field_append(m, p, n);
    else if (m->mode == MIME_MODE_BODY)
        mime_parser_body(m, p, n);
}

static void mime_parser_line_end(struct mime_parser *m, bool is_crlf)
{
    if (m->line_len > MIME_LINE_RFC_MAX)
        mime_parser_anomaly(m, MIME_ANOMALY_LINE_TOO_LONG);
    m->line_len = 0;
    m->is_rest = false;
    m->head_len = 0;
    if (!m->is_body_line)
        return;
    m->is_body_line = false;
    m->eol[0] = is_crlf ? '\r' : '\n';
    m->eol[1] = '\n';
    m->eol_len = is_crlf ? 2 : 1;
}

/* Bytes of a line after its head, up to and including its LF if there. */
static void mime_parser_rest(struct mime_parser *m, struct cursor *c)
{
    const uint8_t *p = cursor_ptr(c);
    const uint8_t *lf = memchr(p, '\n', cursor_left(c));
    size_t n = lf ? (size_t)(lf - p) : cursor_left(c);
    const uint8_t *b = cursor_bytes(c, lf ? n + 1 : n);
    struct cursor span = cursor_make(b, n);
    if (m->is_held_cr) {
        m->is_held_cr = false;
        if (!(lf && n == 0))
            mime_parser_line_rest(m, (const uint8_t *)"\r", 1);
        else {
            mime_parser_line_end(m, true);
            return;
        }
    }
    uint8_t last = 0;
    bool ends_cr = n > 0 && cursor_peek_u8(&span, n - 1, &last) && last == '\r';
    m->line_len += n;
    if (!m->is_discarding)
        mime_parser_line_rest(m, b, ends_cr ? n - 1 : n);
    if (lf) {
        m->is_discarding = false;
        mime_parser_line_end(m, ends_cr);
    } else if (ends_cr) {
        m->is_held_cr = !m->is_discarding;
    }
}

void mime_parser_feed(struct mime_parser *m, const uint8_t *p, size_t n)
{
    struct cursor c = cursor_make(p, n);
    while (m->mode != MIME_MODE_DONE && cursor_left(&c) > 0) { /* each turn consumes */
        if (m->is_rest || m->is_discarding) {
            mime_parser_rest(m, &c);
            continue;
        }
        const uint8_t *lf = memchr(cursor_ptr(&c), '\n', cursor_left(&c));
        size_t to_lf = lf ? (size_t)(lf - cursor_ptr(&c)) : cursor_left(&c);
        size_t room = MIME_HEAD_MAX - m->head_len;
        size_t take = to_lf < room ? to_lf : room;
        cursor_copy(&c, m->head + m->head_len, take);
        m->head_len += take;
        m->line_len += take;
        if (lf && take == to_lf) {
            cursor_skip(&c, 1);
            struct cursor h = cursor_make(m->head, m->head_len);
            uint8_t last = 0;
            bool is_crlf = cursor_peek_u8(&h, m->head_len - 1, &last) && last == '\r';
            mime_parser_line_head(m, m->head, m->head_len - is_crlf, true);
            mime_parser_line_end(m, is_crlf);
        } else if (m->head_len == MIME_HEAD_MAX) {
            /* A long line: hand over its head, stream the rest; a CR at the
             * cut may be the first half of the line end. */
            bool ends_cr = m->head[MIME_HEAD_MAX - 1] == '\r';
            mime_parser_line_head(m, m->head, MIME_HEAD_MAX - ends_cr, false);
            m->is_held_cr = ends_cr;
            m->is_rest = true;
        }
    }
}

void mime_parser_gap(struct mime_parser *m, uint64_t len)
{
    (void)len;
    if (m->mode == MIME_MODE_DONE)
        return;
    m->msg.has_gaps = true;
    if (m->is_hashing)
        file_hash_gap(&m->fh);
    if (m->is_scanning)
        mime_url_finish(&m->url);
    mime_b64_init(&m->b64);
    mime_qp_init(&m->qp);
    m->head_len = 0;
    m->line_len = 0;
    m->is_held_cr = false;
    m->is_rest = false;
    m->is_discarding = true;
    m->is_body_line = false;
    m->eol_len = 0;
}

void mime_parser_finish(struct mime_parser *m, bool is_complete)
{
    if (m->mode == MIME_MODE_DONE)
        return;
    if (!m->is_discarding && (m->head_len > 0 || m->is_rest)) {
        if (!m->is_rest) /* a last line without its line end */
            mime_parser_line_head(m, m->head, m->head_len, true);
        else if (m->is_held_cr)
            mime_parser_line_rest(m, (const uint8_t *)"\r", 1);
    }
    if (m->mode == MIME_MODE_HEADERS)
        mime_parser_field(m);
    /* The last line end of the message is its own. */
    if (m->mode == MIME_MODE_BODY)
        mime_parser_body(m, m->eol, m->eol_len);
    enum mime_mode mode = m->mode;
    bool is_top_headers = m->is_top && mode == MIME_MODE_HEADERS;
    mime_parser_body_end(m,
                         is_complete && m->level_count == 0 ? FILEINFO_CLOSED : FILEINFO_TRUNCATED);
    if (is_complete && m->level_count > 0)
        mime_parser_anomaly(m, MIME_ANOMALY_BOUNDARY_UNTERMINATED);
    const uint32_t errors =
        1u << MIME_ANOMALY_BOUNDARY_UNTERMINATED | 1u << MIME_ANOMALY_BOUNDARY_MISSING |
        1u << MIME_ANOMALY_BOUNDARY_INVALID | 1u << MIME_ANOMALY_BASE64_INVALID |
        1u << MIME_ANOMALY_HEADER_INVALID | 1u << MIME_ANOMALY_DEPTH_EXCEEDED;
    if (!is_complete || m->msg.has_gaps)
        m->msg.status = is_top_headers ? MIME_STATUS_HEADERS : MIME_STATUS_BODY;
    else
        m->msg.status = (m->msg.anomalies & errors) ? MIME_STATUS_ERROR : MIME_STATUS_DONE;
    m->mode = MIME_MODE_DONE;
}
