/* stix_pattern_parser.c — recursive descent over the STIX 2.1 pattern grammar
 * (§9 and the OASIS STIXPattern grammar): FOLLOWEDBY < OR < AND < qualified
 * observation expression; inside brackets OR < AND < property test.
 * Operator chains are loops building n-ary nodes; only parentheses and brackets
 * recurse, and they are capped at STIX_PATTERN_MAX_DEPTH. Every error carries
 * the byte offset of the token that caused it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

#define MAX_PATH_STEPS 32u
#define MAX_SET_ITEMS 4096u

struct parser {
    struct sp_lexer lx;
    struct sp_token tok;
    struct stix_pattern *p;
    struct stix_pattern_error *err;
    unsigned depth;
    bool is_failed;
    enum stix_pattern_counter fail_counter;
};

void sp_error_set(struct stix_pattern_error *err, size_t offset, const char *fmt, ...)
{
    if (!err)
        return;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

static void fail(struct parser *ps, size_t offset, enum stix_pattern_counter why, const char *msg,
                 const char *detail)
{
    if (ps->is_failed)
        return;
    ps->is_failed = true;
    ps->fail_counter = why;
    sp_error_set(ps->err, offset, "%s%s%s", msg, detail ? " " : "", detail ? detail : "");
}

static void fail_expect(struct parser *ps, const char *what)
{
    char buf[96];
    snprintf(buf, sizeof buf, "(found %s)", sp_tok_name(ps->tok.kind));
    fail(ps, ps->tok.offset, STIX_PC_PARSE_SYNTAX, what, buf);
}

static void advance(struct parser *ps)
{
    if (ps->is_failed)
        return;
    ps->tok = sp_lexer_next(&ps->lx);
    if (ps->tok.kind == SP_T_ERROR)
        fail(ps, ps->tok.offset, STIX_PC_PARSE_SYNTAX, ps->lx.error, NULL);
}

static bool accept(struct parser *ps, enum sp_tok k)
{
    if (ps->is_failed || ps->tok.kind != k)
        return false;
    advance(ps);
    return true;
}

static bool expect(struct parser *ps, enum sp_tok k, const char *what)
{
    if (accept(ps, k))
        return true;
    fail_expect(ps, what);
    return false;
}

static bool enter(struct parser *ps)
{
    if (++ps->depth > STIX_PATTERN_MAX_DEPTH) {
        fail(ps, ps->tok.offset, STIX_PC_PARSE_TOO_DEEP, "pattern nested too deeply", NULL);
        return false;
    }
    return true;
}

static void *alloc(struct parser *ps, size_t n)
{
    void *m = sp_arena_alloc(&ps->p->arena, n);
    if (!m)
        fail(ps, ps->tok.offset, STIX_PC_PARSE_NOMEM, "out of memory for the pattern", NULL);
    return m;
}

static struct sp_node *node_new(struct parser *ps, enum sp_node_kind kind, size_t offset)
{
    struct sp_node *n = alloc(ps, sizeof *n);
    if (n) {
        n->kind = kind;
        n->offset = offset;
    }
    return n;
}

static void node_add(struct sp_node *parent, struct sp_node *child)
{
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
    parent->child_count++;
}

static const char *tok_text(const struct parser *ps)
{
    return ps->lx.text + ps->tok.offset;
}

/* --- Literals ----------------------------------------------------------- */

static bool parse_int_text(const char *s, size_t len, int64_t *out)
{
    size_t k = 0;
    bool neg = false;
    if (k < len && (s[k] == '+' || s[k] == '-'))
        neg = s[k++] == '-';
    uint64_t v = 0;
    for (; k < len; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Reads the current token as a literal of an allowed kind. */
static bool parse_literal(struct parser *ps, struct sp_literal *lit, bool allow_bool,
                          bool string_only)
{
    const char *t = tok_text(ps);
    size_t len = ps->tok.len;
    memset(lit, 0, sizeof *lit);
    lit->offset = ps->tok.offset;
    enum sp_tok k = ps->tok.kind;
    if (string_only && k != SP_T_STRING) {
        fail_expect(ps, "expected a string literal");
        return false;
    }
    switch (k) {
    case SP_T_INT:
        lit->type = SP_LIT_INT;
        if (!parse_int_text(t, len, &lit->i)) {
            fail(ps, ps->tok.offset, STIX_PC_PARSE_SYNTAX, "integer out of range", NULL);
            return false;
        }
        break;
    case SP_T_FLOAT: {
        char *copy = sp_arena_strdup(&ps->p->arena, t, len);
        if (!copy) {
            fail(ps, ps->tok.offset, STIX_PC_PARSE_NOMEM, "out of memory", NULL);
            return false;
        }
        lit->type = SP_LIT_FLOAT;
        lit->f = strtod(copy, NULL);
        break;
    }
    case SP_T_STRING: {
        char *out = alloc(ps, len - 1);
        if (!out)
            return false;
        lit->type = SP_LIT_STRING;
        lit->len = sp_string_unescape(t + 1, len - 2, out);
        lit->s = out;
        break;
    }
    case SP_T_BOOL:
        if (!allow_bool) {
            fail_expect(ps, "expected an orderable literal");
            return false;
        }
        lit->type = SP_LIT_BOOL;
        lit->b = t[0] == 't';
        break;
    case SP_T_BINARY:
    case SP_T_HEX: {
        uint8_t *out = alloc(ps, len);
        if (!out)
            return false;
        lit->type = k == SP_T_BINARY ? SP_LIT_BINARY : SP_LIT_HEX;
        lit->len = k == SP_T_BINARY ? sp_base64_decode(t + 2, len - 3, out)
                                    : sp_hex_decode(t + 2, len - 3, out);
        lit->s = (const char *)out;
        break;
    }
    case SP_T_TIMESTAMP:
        lit->type = SP_LIT_TIMESTAMP;
        lit->s = sp_arena_strdup(&ps->p->arena, t + 2, len - 3);
        if (!lit->s) {
            fail(ps, ps->tok.offset, STIX_PC_PARSE_NOMEM, "out of memory", NULL);
            return false;
        }
        lit->len = len - 3;
        sp_time_parse(t + 2, len - 3, &lit->ts);
        break;
    default:
        fail_expect(ps, "expected a literal");
        return false;
    }
    advance(ps);
    return !ps->is_failed;
}

static bool parse_set(struct parser *ps, struct sp_literal *lit)
{
    memset(lit, 0, sizeof *lit);
    lit->type = SP_LIT_SET;
    lit->offset = ps->tok.offset;
    if (!expect(ps, SP_T_LPAREN, "expected '(' to open a set"))
        return false;
    if (accept(ps, SP_T_RPAREN))
        return true;
    /* Count the items first with a scratch lexer, so the array is allocated once. */
    struct sp_lexer scan = ps->lx;
    size_t count = 1;
    for (struct sp_token t = ps->tok; t.kind != SP_T_RPAREN && t.kind != SP_T_EOF &&
                                      t.kind != SP_T_ERROR && count <= MAX_SET_ITEMS;
         t = sp_lexer_next(&scan))
        count += t.kind == SP_T_COMMA;
    if (count > MAX_SET_ITEMS) {
        fail(ps, lit->offset, STIX_PC_PARSE_SYNTAX, "set literal has too many items", NULL);
        return false;
    }
    lit->items = alloc(ps, count * sizeof *lit->items);
    if (!lit->items)
        return false;
    do {
        if (lit->count == count) {
            fail_expect(ps, "malformed set literal");
            return false;
        }
        if (!parse_literal(ps, &lit->items[lit->count], true, false))
            return false;
        lit->count++;
    } while (accept(ps, SP_T_COMMA));
    return expect(ps, SP_T_RPAREN, "expected ',' or ')' in a set");
}

/* --- Object paths ------------------------------------------------------- */

static bool path_key(struct parser *ps, struct sp_step *st)
{
    st->kind = SP_STEP_KEY;
    if (ps->tok.kind == SP_T_IDENT) {
        st->key = sp_arena_strdup(&ps->p->arena, tok_text(ps), ps->tok.len);
        st->key_len = ps->tok.len;
    } else if (ps->tok.kind == SP_T_STRING) {
        char *out = alloc(ps, ps->tok.len);
        if (!out)
            return false;
        st->key_len = sp_string_unescape(tok_text(ps) + 1, ps->tok.len - 2, out);
        st->key = out;
    } else {
        fail_expect(ps, "expected a property name (quote names with '-' or '.')");
        return false;
    }
    if (!st->key) {
        fail(ps, ps->tok.offset, STIX_PC_PARSE_NOMEM, "out of memory", NULL);
        return false;
    }
    advance(ps);
    return !ps->is_failed;
}

static bool parse_path(struct parser *ps, struct sp_comparison *c)
{
    c->offset = ps->tok.offset;
    if (ps->tok.kind != SP_T_IDENT && ps->tok.kind != SP_T_IDENT_HYPHEN) {
        fail_expect(ps, "expected an object type");
        return false;
    }
    c->type = sp_arena_strdup(&ps->p->arena, tok_text(ps), ps->tok.len);
    c->type_len = ps->tok.len;
    if (!c->type) {
        fail(ps, ps->tok.offset, STIX_PC_PARSE_NOMEM, "out of memory", NULL);
        return false;
    }
    advance(ps);
    if (!expect(ps, SP_T_COLON, "expected ':' after the object type"))
        return false;
    struct sp_step steps[MAX_PATH_STEPS];
    size_t n = 0;
    memset(steps, 0, sizeof steps);
    if (!path_key(ps, &steps[n++]))
        return false;
    for (;;) {
        if (ps->tok.kind != SP_T_DOT && ps->tok.kind != SP_T_LBRACK)
            break;
        if (n == MAX_PATH_STEPS) {
            fail(ps, ps->tok.offset, STIX_PC_PARSE_SYNTAX, "object path too long", NULL);
            return false;
        }
        struct sp_step *st = &steps[n++];
        if (accept(ps, SP_T_DOT)) {
            if (!path_key(ps, st))
                return false;
            continue;
        }
        advance(ps); /* '[' */
        if (accept(ps, SP_T_ASTERISK)) {
            st->kind = SP_STEP_ANY;
        } else if (ps->tok.kind == SP_T_INT) {
            st->kind = SP_STEP_INDEX;
            if (!parse_int_text(tok_text(ps), ps->tok.len, &st->index)) {
                fail(ps, ps->tok.offset, STIX_PC_PARSE_SYNTAX, "list index out of range", NULL);
                return false;
            }
            advance(ps);
        } else {
            fail_expect(ps, "expected a list index or '*'");
            return false;
        }
        if (!expect(ps, SP_T_RBRACK, "expected ']' after a list index"))
            return false;
    }
    c->steps = alloc(ps, n * sizeof *c->steps);
    if (!c->steps)
        return false;
    memcpy(c->steps, steps, n * sizeof *c->steps);
    c->step_count = n;
    return true;
}

/* --- Comparison expressions -------------------------------------------- */

static struct sp_node *parse_cmp_or(struct parser *ps);

static struct sp_node *parse_prop_test(struct parser *ps)
{
    size_t at = ps->tok.offset;
    if (accept(ps, SP_T_LPAREN)) {
        if (!enter(ps))
            return NULL;
        struct sp_node *inner = parse_cmp_or(ps);
        ps->depth--;
        if (!inner || !expect(ps, SP_T_RPAREN, "expected ')' to close a comparison"))
            return NULL;
        return inner;
    }
    struct sp_node *n = node_new(ps, SP_CMP_TEST, at);
    struct sp_comparison *c = n ? alloc(ps, sizeof *c) : NULL;
    if (!c)
        return NULL;
    n->cmp = c;
    if (accept(ps, SP_T_EXISTS)) {
        c->op = SP_OP_EXISTS;
        return parse_path(ps, c) ? n : NULL;
    }
    if (!parse_path(ps, c))
        return NULL;
    c->is_negated = accept(ps, SP_T_NOT);
    enum sp_tok op = ps->tok.kind;
    static const struct {
        enum sp_tok tok;
        enum sp_op op;
    } ops[] = {
        {SP_T_EQ, SP_OP_EQ},
        {SP_T_NEQ, SP_OP_NEQ},
        {SP_T_LT, SP_OP_LT},
        {SP_T_LE, SP_OP_LE},
        {SP_T_GT, SP_OP_GT},
        {SP_T_GE, SP_OP_GE},
        {SP_T_IN, SP_OP_IN},
        {SP_T_LIKE, SP_OP_LIKE},
        {SP_T_MATCHES, SP_OP_MATCHES},
        {SP_T_ISSUBSET, SP_OP_ISSUBSET},
        {SP_T_ISSUPERSET, SP_OP_ISSUPERSET},
    };
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && ops[k].tok != op)
        k++;
    if (k == sizeof ops / sizeof ops[0]) {
        fail_expect(ps, "expected a comparison operator");
        return NULL;
    }
    c->op = ops[k].op;
    advance(ps);
    bool ok;
    switch (c->op) {
    case SP_OP_EQ:
    case SP_OP_NEQ:
        ok = parse_literal(ps, &c->lit, true, false);
        break;
    case SP_OP_IN:
        ok = parse_set(ps, &c->lit);
        break;
    case SP_OP_LIKE:
    case SP_OP_MATCHES:
    case SP_OP_ISSUBSET:
    case SP_OP_ISSUPERSET:
        ok = parse_literal(ps, &c->lit, false, true);
        break;
    default:
        ok = parse_literal(ps, &c->lit, false, false);
        break;
    }
    return ok ? n : NULL;
}

/* One n-ary level: item (OP item)*, built iteratively. */
static struct sp_node *parse_chain(struct parser *ps, enum sp_tok op, enum sp_node_kind kind,
                                   struct sp_node *(*item)(struct parser *))
{
    size_t at = ps->tok.offset;
    struct sp_node *first = item(ps);
    if (!first || ps->tok.kind != op)
        return first;
    struct sp_node *n = node_new(ps, kind, at);
    if (!n)
        return NULL;
    node_add(n, first);
    while (accept(ps, op)) {
        struct sp_node *next = item(ps);
        if (!next)
            return NULL;
        node_add(n, next);
    }
    return ps->is_failed ? NULL : n;
}

static struct sp_node *parse_cmp_and(struct parser *ps)
{
    return parse_chain(ps, SP_T_AND, SP_CMP_AND, parse_prop_test);
}

static struct sp_node *parse_cmp_or(struct parser *ps)
{
    return parse_chain(ps, SP_T_OR, SP_CMP_OR, parse_cmp_and);
}

/* --- Observation expressions ------------------------------------------- */

static struct sp_node *parse_obs_followedby(struct parser *ps);

static struct sp_node *wrap(struct parser *ps, struct sp_node *inner, enum sp_node_kind kind,
                            size_t at)
{
    if (!enter(ps))
        return NULL;
    struct sp_node *q = node_new(ps, kind, at);
    if (q)
        node_add(q, inner);
    return q;
}

static struct sp_node *parse_obs_primary(struct parser *ps)
{
    size_t at = ps->tok.offset;
    unsigned depth_in = ps->depth;
    struct sp_node *n;
    if (accept(ps, SP_T_LBRACK)) {
        if (!enter(ps))
            return NULL;
        struct sp_node *e = parse_cmp_or(ps);
        if (!e || !expect(ps, SP_T_RBRACK, "expected ']' to close an observation expression"))
            return NULL;
        n = node_new(ps, SP_OBS_SIMPLE, at);
        if (!n)
            return NULL;
        node_add(n, e);
    } else if (accept(ps, SP_T_LPAREN)) {
        if (!enter(ps))
            return NULL;
        struct sp_node *e = parse_obs_followedby(ps);
        if (!e || !expect(ps, SP_T_RPAREN, "expected ')' to close an observation expression"))
            return NULL;
        n = node_new(ps, SP_OBS_PAREN, at);
        if (!n)
            return NULL;
        node_add(n, e);
    } else {
        fail_expect(ps, "expected '[' or '(' to start an observation expression");
        return NULL;
    }
    ps->depth = depth_in;
    /* Qualifiers, applied left to right. */
    for (;;) {
        size_t qat = ps->tok.offset;
        if (accept(ps, SP_T_WITHIN)) {
            if (ps->tok.kind != SP_T_INT && ps->tok.kind != SP_T_FLOAT) {
                fail_expect(ps, "expected a positive number of seconds after WITHIN");
                return NULL;
            }
            if (ps->tok.is_negative) {
                fail_expect(ps, "WITHIN needs a positive number");
                return NULL;
            }
            struct sp_literal v;
            if (!parse_literal(ps, &v, false, false))
                return NULL;
            if (!expect(ps, SP_T_SECONDS, "expected SECONDS"))
                return NULL;
            n = wrap(ps, n, SP_OBS_WITHIN, qat);
            if (!n)
                return NULL;
            n->within_s = v.type == SP_LIT_INT ? (double)v.i : v.f;
        } else if (accept(ps, SP_T_REPEATS)) {
            if (ps->tok.kind != SP_T_INT || ps->tok.is_negative) {
                fail_expect(ps, "expected a positive integer after REPEATS");
                return NULL;
            }
            struct sp_literal v;
            if (!parse_literal(ps, &v, false, false))
                return NULL;
            if (!expect(ps, SP_T_TIMES, "expected TIMES"))
                return NULL;
            n = wrap(ps, n, SP_OBS_REPEATS, qat);
            if (!n)
                return NULL;
            n->repeats = v.i;
        } else if (accept(ps, SP_T_START)) {
            struct sp_literal a, b;
            if (ps->tok.kind != SP_T_TIMESTAMP) {
                fail_expect(ps, "expected a t'...' timestamp after START");
                return NULL;
            }
            if (!parse_literal(ps, &a, false, false) ||
                !expect(ps, SP_T_STOP, "expected STOP after START t'...'"))
                return NULL;
            if (ps->tok.kind != SP_T_TIMESTAMP) {
                fail_expect(ps, "expected a t'...' timestamp after STOP");
                return NULL;
            }
            if (!parse_literal(ps, &b, false, false))
                return NULL;
            n = wrap(ps, n, SP_OBS_STARTSTOP, qat);
            if (!n)
                return NULL;
            n->start = a.ts;
            n->stop = b.ts;
        } else {
            break;
        }
    }
    ps->depth = depth_in;
    return ps->is_failed ? NULL : n;
}

static struct sp_node *parse_obs_and(struct parser *ps)
{
    return parse_chain(ps, SP_T_AND, SP_OBS_AND, parse_obs_primary);
}

static struct sp_node *parse_obs_or(struct parser *ps)
{
    return parse_chain(ps, SP_T_OR, SP_OBS_OR, parse_obs_and);
}

static struct sp_node *parse_obs_followedby(struct parser *ps)
{
    return parse_chain(ps, SP_T_FOLLOWEDBY, SP_OBS_FOLLOWEDBY, parse_obs_or);
}

int sp_parse(struct stix_pattern *p, const char *text, size_t len, struct stix_pattern_error *err,
             enum stix_pattern_counter *counter_id)
{
    struct parser ps;
    memset(&ps, 0, sizeof ps);
    ps.p = p;
    ps.err = err;
    sp_lexer_init(&ps.lx, text, len);
    advance(&ps);
    if (!ps.is_failed && ps.tok.kind == SP_T_EOF)
        fail(&ps, 0, STIX_PC_PARSE_SYNTAX, "empty pattern", NULL);
    struct sp_node *root = ps.is_failed ? NULL : parse_obs_followedby(&ps);
    if (root && ps.tok.kind != SP_T_EOF)
        fail_expect(&ps, "unexpected input after the pattern");
    if (ps.is_failed || !root) {
        *counter_id = ps.is_failed ? ps.fail_counter : STIX_PC_PARSE_SYNTAX;
        return -EINVAL;
    }
    p->root = root;
    return 0;
}
