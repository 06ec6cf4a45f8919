/* stix_pattern_lexer.c — tokens of the STIX 2.1 pattern grammar (§9, and the
 * lexer rules of the OASIS STIXPattern grammar): keywords are upper case,
 * booleans lower case, strings in single quotes with only \' and \\ escapes,
 * t'' / h'' / b'' literals checked in full here, comments skipped.
 * Reads the text only through a cursor; never allocates.
 */
#include <string.h>

#include "core/cursor.h"
#include "core/hex.h"
#include "intel/pattern/stix_pattern_ast.h"

void sp_lexer_init(struct sp_lexer *lx, const char *text, size_t len)
{
    lx->text = text;
    lx->len = len;
    lx->pos = 0;
    lx->error = NULL;
}

/* A cursor over the unread text. */
static struct cursor lx_rest(const struct sp_lexer *lx)
{
    return cursor_make(lx->text + lx->pos, lx->len - lx->pos);
}

/* Byte at pos + k, or -1 past the end. */
static int lx_peek(const struct sp_lexer *lx, size_t k)
{
    struct cursor c = lx_rest(lx);
    if (!cursor_skip(&c, k) || cursor_left(&c) == 0)
        return -1;
    return cursor_u8(&c);
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}
static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_ident_char(int c)
{
    return is_ident_start(c) || is_digit(c);
}
static bool is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_b64(int c)
{
    return (is_ident_char(c) && c != '_') || c == '+' || c == '/';
}

/* Length of the whitespace character at pos (the grammar's WS set), or 0. */
static size_t ws_len(const struct sp_lexer *lx)
{
    int c0 = lx_peek(lx, 0);
    if (c0 == ' ' || c0 == '\t' || c0 == '\r' || c0 == '\n' || c0 == '\v' || c0 == '\f')
        return 1;
    int c1 = lx_peek(lx, 1);
    if (c0 == 0xC2 && (c1 == 0x85 || c1 == 0xA0))
        return 2;
    int c2 = lx_peek(lx, 2);
    if (c0 == 0xE1 && c1 == 0x9A && c2 == 0x80) /* U+1680 */
        return 3;
    if (c0 == 0xE2 && c1 == 0x80 &&
        ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 ||
         c2 == 0xAF)) /* U+2000-200A, 2028, 2029, 202F */
        return 3;
    if (c0 == 0xE2 && c1 == 0x81 && c2 == 0x9F) /* U+205F */
        return 3;
    if (c0 == 0xE3 && c1 == 0x80 && c2 == 0x80) /* U+3000 */
        return 3;
    return 0;
}

/* Skips whitespace and comments. Returns false on an unterminated comment. */
static bool skip_blank(struct sp_lexer *lx)
{
    for (;;) {
        size_t n = ws_len(lx);
        if (n) {
            lx->pos += n;
            continue;
        }
        if (lx_peek(lx, 0) == '/' && lx_peek(lx, 1) == '*') {
            size_t k = 2;
            while (lx_peek(lx, k) >= 0 && !(lx_peek(lx, k) == '*' && lx_peek(lx, k + 1) == '/'))
                k++;
            if (lx_peek(lx, k) < 0)
                return false;
            lx->pos += k + 2;
            continue;
        }
        if (lx_peek(lx, 0) == '/' && lx_peek(lx, 1) == '/') {
            size_t k = 2;
            while (lx_peek(lx, k) >= 0 && lx_peek(lx, k) != '\n' && lx_peek(lx, k) != '\r')
                k++;
            lx->pos += k;
            continue;
        }
        return true;
    }
}

/* Scans a quoted body starting at the quote at pos + k. Returns the offset
 * just past the closing quote, or 0 (and sets error) when malformed. Only \'
 * and \\ are escapes. */
static size_t scan_quoted(struct sp_lexer *lx, size_t k)
{
    k++; /* opening quote */
    for (;;) {
        int c = lx_peek(lx, k);
        if (c < 0) {
            lx->error = "unterminated string literal";
            return 0;
        }
        if (c == '\'')
            return k + 1;
        if (c == '\\') {
            int e = lx_peek(lx, k + 1);
            if (e != '\'' && e != '\\') {
                lx->error = "bad escape in string literal (only \\' and \\\\ are allowed)";
                return 0;
            }
            k += 2;
            continue;
        }
        k++;
    }
}

static const struct {
    const char *word;
    enum sp_tok tok;
} keywords[] = {
    {"AND", SP_T_AND},
    {"OR", SP_T_OR},
    {"NOT", SP_T_NOT},
    {"FOLLOWEDBY", SP_T_FOLLOWEDBY},
    {"LIKE", SP_T_LIKE},
    {"MATCHES", SP_T_MATCHES},
    {"ISSUPERSET", SP_T_ISSUPERSET},
    {"ISSUBSET", SP_T_ISSUBSET},
    {"EXISTS", SP_T_EXISTS},
    {"LAST", SP_T_LAST},
    {"IN", SP_T_IN},
    {"START", SP_T_START},
    {"STOP", SP_T_STOP},
    {"SECONDS", SP_T_SECONDS},
    {"WITHIN", SP_T_WITHIN},
    {"REPEATS", SP_T_REPEATS},
    {"TIMES", SP_T_TIMES},
    {"true", SP_T_BOOL},
    {"false", SP_T_BOOL},
};

/* Checks the body of t'...' against the grammar's TimestampLiteral. */
static bool timestamp_body_ok(const char *s, size_t len)
{
    struct sp_time t;
    return sp_time_parse(s, len, &t);
}

static bool base64_body_ok(const struct sp_lexer *lx, size_t from, size_t to)
{
    size_t n = to - from;
    if (n % 4 != 0)
        return false;
    size_t pad = 0;
    for (size_t k = from; k < to; k++) {
        int c = lx_peek(lx, k);
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad || !is_b64(c))
            return false;
    }
    return pad <= 2;
}

struct sp_token sp_lexer_next(struct sp_lexer *lx)
{
    struct sp_token t = {SP_T_EOF, lx->pos, 0, false, false};
    if (!skip_blank(lx)) {
        t.kind = SP_T_ERROR;
        t.offset = lx->pos;
        lx->error = "unterminated comment";
        return t;
    }
    t.offset = lx->pos;
    int c = lx_peek(lx, 0);
    if (c < 0)
        return t;
    size_t end = 1;
    int c1 = lx_peek(lx, 1);

    switch (c) {
    case ':':
        t.kind = SP_T_COLON;
        goto done;
    case '.':
        if (is_digit(c1))
            goto number;
        t.kind = SP_T_DOT;
        goto done;
    case ',':
        t.kind = SP_T_COMMA;
        goto done;
    case '(':
        t.kind = SP_T_LPAREN;
        goto done;
    case ')':
        t.kind = SP_T_RPAREN;
        goto done;
    case '[':
        t.kind = SP_T_LBRACK;
        goto done;
    case ']':
        t.kind = SP_T_RBRACK;
        goto done;
    case '*':
        t.kind = SP_T_ASTERISK;
        goto done;
    case '=':
        t.kind = SP_T_EQ;
        end = c1 == '=' ? 2 : 1;
        goto done;
    case '!':
        if (c1 == '=') {
            t.kind = SP_T_NEQ;
            end = 2;
            goto done;
        }
        goto bad_char;
    case '<':
        if (c1 == '=') {
            t.kind = SP_T_LE;
            end = 2;
        } else if (c1 == '>') {
            t.kind = SP_T_NEQ;
            end = 2;
        } else {
            t.kind = SP_T_LT;
        }
        goto done;
    case '>':
        t.kind = c1 == '=' ? SP_T_GE : SP_T_GT;
        end = c1 == '=' ? 2 : 1;
        goto done;
    case '\'':
        end = scan_quoted(lx, 0);
        if (!end)
            goto error;
        t.kind = SP_T_STRING;
        goto done;
    case '+':
    case '-':
        if (is_digit(c1) || (c1 == '.' && is_digit(lx_peek(lx, 2))))
            goto number;
        goto bad_char;
    default:
        break;
    }
    if (is_digit(c))
        goto number;
    if ((c == 't' || c == 'h' || c == 'b') && c1 == '\'') {
        end = scan_quoted(lx, 1);
        if (!end)
            goto error;
        const char *body = lx->text + lx->pos + 2;
        size_t body_len = end - 3;
        if (c == 't') {
            if (!timestamp_body_ok(body, body_len)) {
                lx->error = "bad timestamp literal (want t'YYYY-MM-DDTHH:MM:SS[.s]Z')";
                goto error;
            }
            t.kind = SP_T_TIMESTAMP;
        } else if (c == 'h') {
            if (body_len % 2) {
                lx->error = "bad hex literal (odd number of digits)";
                goto error;
            }
            for (size_t k = 2; k < end - 1; k++)
                if (!is_hex(lx_peek(lx, k))) {
                    lx->error = "bad hex literal";
                    goto error;
                }
            t.kind = SP_T_HEX;
        } else {
            if (!base64_body_ok(lx, 2, end - 1)) {
                lx->error = "bad base64 literal";
                goto error;
            }
            t.kind = SP_T_BINARY;
        }
        goto done;
    }
    if (is_ident_start(c)) {
        bool has_hyphen = false;
        while (is_ident_char(lx_peek(lx, end)) || lx_peek(lx, end) == '-') {
            has_hyphen |= lx_peek(lx, end) == '-';
            end++;
        }
        t.kind = has_hyphen ? SP_T_IDENT_HYPHEN : SP_T_IDENT;
        for (size_t k = 0; !has_hyphen && k < sizeof keywords / sizeof keywords[0]; k++)
            if (strlen(keywords[k].word) == end &&
                memcmp(keywords[k].word, lx->text + lx->pos, end) == 0)
                t.kind = keywords[k].tok;
        goto done;
    }
bad_char:
    lx->error = "unexpected character";
    goto error;

number : {
    size_t k = 0;
    if (c == '+' || c == '-') {
        t.has_sign = true;
        t.is_negative = c == '-';
        k = 1;
    }
    size_t int_start = k;
    while (is_digit(lx_peek(lx, k)))
        k++;
    size_t int_digits = k - int_start;
    if (lx_peek(lx, k) == '.' && is_digit(lx_peek(lx, k + 1))) {
        k++;
        while (is_digit(lx_peek(lx, k)))
            k++;
        t.kind = SP_T_FLOAT;
    } else {
        if (int_digits > 1 && lx_peek(lx, int_start) == '0') {
            lx->error = "integer with a leading zero";
            goto error;
        }
        t.kind = SP_T_INT;
    }
    end = k;
    goto done;
}

error:
    t.kind = SP_T_ERROR;
    t.len = 0;
    return t;
done:
    t.len = end;
    lx->pos += end;
    return t;
}

const char *sp_tok_name(enum sp_tok t)
{
    static const char *const names[] = {
        "end of pattern",
        "invalid token",
        "integer",
        "float",
        "string",
        "boolean",
        "binary literal",
        "hex literal",
        "timestamp",
        "identifier",
        "identifier",
        "AND",
        "OR",
        "NOT",
        "FOLLOWEDBY",
        "LIKE",
        "MATCHES",
        "ISSUPERSET",
        "ISSUBSET",
        "EXISTS",
        "LAST",
        "IN",
        "START",
        "STOP",
        "SECONDS",
        "WITHIN",
        "REPEATS",
        "TIMES",
        "'='",
        "'!='",
        "'<'",
        "'<='",
        "'>'",
        "'>='",
        "':'",
        "'.'",
        "','",
        "'('",
        "')'",
        "'['",
        "']'",
        "'*'",
    };
    return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

size_t sp_string_unescape(const char *body, size_t body_len, char *out)
{
    struct cursor c = cursor_make(body, body_len);
    size_t n = 0;
    while (cursor_left(&c)) {
        uint8_t b = cursor_u8(&c);
        if (b == '\\' && cursor_left(&c))
            b = cursor_u8(&c);
        out[n++] = (char)b;
    }
    out[n] = '\0';
    return n;
}

static int b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

size_t sp_base64_decode(const char *s, size_t len, uint8_t *out)
{
    struct cursor c = cursor_make(s, len);
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    while (cursor_left(&c)) {
        int v = b64_value(cursor_u8(&c));
        if (v < 0)
            continue; /* padding */
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    return n;
}

size_t sp_hex_decode(const char *s, size_t len, uint8_t *out)
{
    struct cursor c = cursor_make(s, len);
    size_t n = 0;
    while (cursor_left(&c) >= 2) {
        int hi = hex_digit_value(cursor_u8(&c)), lo = hex_digit_value(cursor_u8(&c));
        if (hi < 0 || lo < 0)
            break;
        out[n++] = (uint8_t)(hi << 4 | lo);
    }
    return n;
}

/* --- Timestamps --------------------------------------------------------- */

/* Reads exactly n digits. */
static bool digits(struct cursor *c, size_t n, int *out)
{
    int v = 0;
    for (size_t k = 0; k < n; k++) {
        uint8_t d = cursor_u8(c);
        if (!cursor_ok(c) || !is_digit(d))
            return false;
        v = v * 10 + (d - '0');
    }
    *out = v;
    return true;
}

static bool lit(struct cursor *c, char ch)
{
    return cursor_u8(c) == (uint8_t)ch && cursor_ok(c);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool sp_time_parse(const char *s, size_t len, struct sp_time *out)
{
    struct cursor c = cursor_make(s, len);
    int y, mo, d, h, mi, se;
    if (!digits(&c, 4, &y) || !lit(&c, '-') || !digits(&c, 2, &mo) || !lit(&c, '-') ||
        !digits(&c, 2, &d) || !lit(&c, 'T') || !digits(&c, 2, &h) || !lit(&c, ':') ||
        !digits(&c, 2, &mi) || !lit(&c, ':') || !digits(&c, 2, &se))
        return false;
    /* Ranges of the grammar (not the calendar: 2024-02-30 is accepted). */
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    uint32_t nsec = 0;
    if (cursor_left(&c) && *cursor_ptr(&c) == '.') {
        cursor_skip(&c, 1);
        size_t nd = 0;
        while (cursor_left(&c) && is_digit(*cursor_ptr(&c))) {
            uint8_t dg = cursor_u8(&c);
            if (nd < 9)
                nsec = nsec * 10 + (uint32_t)(dg - '0');
            nd++;
        }
        if (nd == 0)
            return false;
        for (size_t k = nd; k < 9; k++)
            nsec *= 10;
    }
    if (!lit(&c, 'Z') || cursor_left(&c) != 0)
        return false;
    out->sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    out->nsec = nsec;
    return true;
}

int sp_time_cmp(const struct sp_time *a, const struct sp_time *b)
{
    if (a->sec != b->sec)
        return a->sec < b->sec ? -1 : 1;
    if (a->nsec != b->nsec)
        return a->nsec < b->nsec ? -1 : 1;
    return 0;
}
