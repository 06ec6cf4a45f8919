/* stix_pattern_eval.c — evaluates a parsed STIX 2.1 pattern against one
 * observation (§9.5, §9.6, §9.7). Comparisons of one object type inside [ ... ] bind
 * to the same object; with several types, one object per type is chosen (the
 * cross-type AND normalisation). Multi-observation constructs return
 * NOT_EVALUATED. Work is bounded: path walks and object assignments have
 * budgets, MATCHES runs under PCRE2 limits.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_observation.h"
#include "intel/pattern/stix_pattern.h"
#include "intel/pattern/stix_pattern_ast.h"

#define NONE ((size_t)-1)
#define MAX_TYPES 16u
#define VISIT_BUDGET 1000000u
#define ASSIGN_BUDGET 65536u

struct eval {
    const struct stix_pattern *p;
    const struct stix_observation *obs;
    struct stix_pattern_counters *counters;
    size_t visits;
    bool is_error;
};

static void eval_error(struct eval *ev, enum stix_pattern_counter id)
{
    ev->is_error = true;
    if (ev->counters && id != STIX_PC_EVAL_ERROR)
        ev->counters->values[id]++;
}

/* --- Scalar comparisons ------------------------------------------------- */

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r)
        return r < 0 ? -1 : 1;
    return alen == blen ? 0 : alen < blen ? -1 : 1;
}

static bool ascii_case_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t k = 0; k < alen; k++) {
        char x = a[k], y = b[k];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

/* Orders bytes b against the UTF-8 text s read as Latin-1 (how a string
 * meets a binary value): -1/0/1, or 2 when s holds a code point past U+00FF. */
static int latin1_cmp(const char *b, size_t blen, const char *s, size_t slen)
{
    size_t bi = 0, si = 0;
    int order = 0;
    while (si < slen) {
        unsigned char c = (unsigned char)s[si];
        unsigned cp;
        if (c < 0x80) {
            cp = c;
            si++;
        } else if ((c == 0xC2 || c == 0xC3) && si + 1 < slen) {
            cp = (unsigned)((c & 0x1F) << 6 | ((unsigned char)s[si + 1] & 0x3F));
            si += 2;
        } else {
            return 2;
        }
        if (order == 0) {
            if (bi == blen)
                order = -1;
            else if ((unsigned char)b[bi] != cp)
                order = (unsigned char)b[bi] < cp ? -1 : 1;
        }
        bi++;
    }
    if (order == 0 && bi < blen)
        order = 1;
    return order;
}

enum holder { HOLDER_OTHER, HOLDER_ADDRESS, HOLDER_DOMAIN };

/* Result of ordering value against literal: -1/0/1, or 2 when the types do
 * not compare (the §9.6.1 type-mismatch rule), 3 on an evaluation error. */
static int compare(struct eval *ev, const struct stix_value *v, const struct sp_literal *lit,
                   enum holder holder, bool want_equality)
{
    switch (lit->type) {
    case SP_LIT_INT:
    case SP_LIT_FLOAT: {
        double a, b = lit->type == SP_LIT_INT ? (double)lit->i : lit->f;
        if (v->type == STIX_VALUE_INT && lit->type == SP_LIT_INT)
            return v->u.i == lit->i ? 0 : v->u.i < lit->i ? -1 : 1;
        if (v->type == STIX_VALUE_INT)
            a = (double)v->u.i;
        else if (v->type == STIX_VALUE_FLOAT)
            a = v->u.f;
        else
            return 2;
        return a == b ? 0 : a < b ? -1 : 1;
    }
    case SP_LIT_STRING:
        if (v->type == STIX_VALUE_BINARY) /* a *_bin / *_hex property */
            return latin1_cmp(v->u.s.ptr, v->u.s.len, lit->s, lit->len);
        if (v->type != STIX_VALUE_STRING)
            return 2;
        if (want_equality && holder == HOLDER_ADDRESS) {
            struct sp_net x, y;
            if (sp_net_parse(v->u.s.ptr, v->u.s.len, &x) && sp_net_parse(lit->s, lit->len, &y))
                return x.family == y.family && x.prefix_len == y.prefix_len &&
                               sp_net_contains(&x, &y)
                           ? 0
                           : 1;
        }
        if (want_equality && holder == HOLDER_DOMAIN)
            return ascii_case_eq(v->u.s.ptr, v->u.s.len, lit->s, lit->len) ? 0 : 1;
        return bytes_cmp(v->u.s.ptr, v->u.s.len, lit->s, lit->len);
    case SP_LIT_BOOL:
        if (v->type != STIX_VALUE_BOOL)
            return 2;
        return v->u.b == lit->b ? 0 : v->u.b < lit->b ? -1 : 1;
    case SP_LIT_BINARY:
    case SP_LIT_HEX:
        if (v->type == STIX_VALUE_STRING) {
            int r = latin1_cmp(lit->s, lit->len, v->u.s.ptr, v->u.s.len);
            return r == 2 ? 2 : -r;
        }
        if (v->type != STIX_VALUE_BINARY)
            return 2;
        return bytes_cmp(v->u.s.ptr, v->u.s.len, lit->s, lit->len);
    case SP_LIT_TIMESTAMP: {
        if (v->type != STIX_VALUE_STRING)
            return 2;
        struct sp_time t;
        if (!sp_time_parse(v->u.s.ptr, v->u.s.len, &t)) {
            eval_error(ev, STIX_PC_EVAL_ERROR);
            return 3;
        }
        return sp_time_cmp(&t, &lit->ts);
    }
    case SP_LIT_SET:
        return 2;
    }
    return 2;
}

/* --- LIKE: '%' any run, '_' one character (UTF-8 aware), whole value ----- */

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static bool like_match(const char *s, size_t slen, const char *pat, size_t plen)
{
    size_t si = 0, pi = 0, star_p = NONE, star_s = 0;
    while (si < slen) {
        if (pi < plen && pat[pi] == '%') {
            star_p = pi++;
            star_s = si;
        } else if (pi < plen && pat[pi] == '_') {
            si += utf8_len((unsigned char)s[si]);
            pi++;
        } else if (pi < plen && pat[pi] == s[si]) {
            si++;
            pi++;
        } else if (star_p != NONE) {
            pi = star_p + 1;
            star_s += utf8_len((unsigned char)s[star_s]);
            si = star_s;
        } else {
            return false;
        }
    }
    if (si > slen)
        return false;
    while (pi < plen && pat[pi] == '%')
        pi++;
    return pi == plen;
}

/* --- MATCHES ------------------------------------------------------------ */

/* 1 match, 0 no match, -1 error (counted). Binary values are matched as
 * Latin-1 text, so \xNN in the regex means the byte NN. */
static int regex_match(struct eval *ev, const struct sp_comparison *c, const struct stix_value *v)
{
    if (!c->regex) {
        eval_error(ev, STIX_PC_EVAL_ERROR);
        return -1;
    }
    const char *subject = v->u.s.ptr;
    size_t len = v->u.s.len;
    char *tmp = NULL;
    if (v->type == STIX_VALUE_BINARY) {
        tmp = malloc(2 * len + 1);
        if (!tmp) {
            eval_error(ev, STIX_PC_EVAL_ERROR);
            return -1;
        }
        size_t n = 0;
        for (size_t k = 0; k < len; k++) {
            unsigned char b = (unsigned char)subject[k];
            if (b < 0x80) {
                tmp[n++] = (char)b;
            } else {
                tmp[n++] = (char)(0xC0 | b >> 6);
                tmp[n++] = (char)(0x80 | (b & 0x3F));
            }
        }
        subject = tmp;
        len = n;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(c->regex, NULL);
    int rc = md ? pcre2_match(c->regex, (PCRE2_SPTR)subject, len, 0, 0, md, ev->p->match_ctx)
                : PCRE2_ERROR_NOMEMORY;
    pcre2_match_data_free(md);
    free(tmp);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    eval_error(ev, rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                           rc == PCRE2_ERROR_HEAPLIMIT
                       ? STIX_PC_EVAL_REGEX_LIMIT
                       : STIX_PC_EVAL_ERROR);
    return -1;
}

/* --- One comparison on one terminal value ------------------------------ */

static bool set_is_mixed(const struct sp_literal *set)
{
    for (size_t k = 1; k < set->count; k++) {
        enum sp_lit_type a = set->items[0].type, b = set->items[k].type;
        bool num_a = a == SP_LIT_INT || a == SP_LIT_FLOAT,
             num_b = b == SP_LIT_INT || b == SP_LIT_FLOAT;
        if (a != b && !(num_a && num_b))
            return true;
    }
    return false;
}

static bool test_value(struct eval *ev, const struct sp_comparison *c, const struct stix_value *v,
                       enum holder holder)
{
    int r; /* 1 true, 0 false, 2 type mismatch */
    switch (c->op) {
    case SP_OP_EQ:
    case SP_OP_NEQ:
    case SP_OP_LT:
    case SP_OP_LE:
    case SP_OP_GT:
    case SP_OP_GE: {
        int cmp = compare(ev, v, &c->lit, holder, c->op <= SP_OP_NEQ);
        if (cmp == 3)
            return false;
        if (cmp == 2) {
            r = 2;
            break;
        }
        switch (c->op) {
        case SP_OP_EQ:
            r = cmp == 0;
            break;
        case SP_OP_NEQ:
            r = cmp != 0;
            break;
        case SP_OP_LT:
            r = cmp < 0;
            break;
        case SP_OP_LE:
            r = cmp <= 0;
            break;
        case SP_OP_GT:
            r = cmp > 0;
            break;
        default:
            r = cmp >= 0;
            break;
        }
        break;
    }
    case SP_OP_IN: {
        if (set_is_mixed(&c->lit)) {
            eval_error(ev, STIX_PC_EVAL_ERROR);
            return false;
        }
        r = c->lit.count ? 2 : 0;
        for (size_t k = 0; k < c->lit.count; k++) {
            int cmp = compare(ev, v, &c->lit.items[k], holder, true);
            if (cmp == 3)
                return false;
            if (cmp == 0) {
                r = 1;
                break;
            }
            if (cmp != 2)
                r = 0;
        }
        if (r == 2) /* every item a type mismatch: IN is false, NOT IN true */
            r = 0;
        break;
    }
    case SP_OP_LIKE:
        if (v->type != STIX_VALUE_STRING && v->type != STIX_VALUE_BINARY) {
            r = 2;
            break;
        }
        r = like_match(v->u.s.ptr, v->u.s.len, c->lit.s, c->lit.len);
        break;
    case SP_OP_MATCHES:
        if (v->type != STIX_VALUE_STRING && v->type != STIX_VALUE_BINARY) {
            r = 2;
            break;
        }
        r = regex_match(ev, c, v);
        if (r < 0)
            return false;
        break;
    case SP_OP_ISSUBSET:
    case SP_OP_ISSUPERSET: {
        struct sp_net val, lit;
        if (v->type != STIX_VALUE_STRING || !sp_net_parse(v->u.s.ptr, v->u.s.len, &val) ||
            !sp_net_parse(c->lit.s, c->lit.len, &lit)) {
            r = 2;
            break;
        }
        r = c->op == SP_OP_ISSUBSET ? sp_net_contains(&lit, &val) : sp_net_contains(&val, &lit);
        break;
    }
    case SP_OP_EXISTS:
        return true;
    default:
        r = 2;
        break;
    }
    if (r == 2) /* §9.6.1: an incompatible type is false, except for '!=' */
        r = c->op == SP_OP_NEQ;
    return c->is_negated ? !r : r;
}

/* --- Path walk ---------------------------------------------------------- */

static enum holder holder_of(const char *type, const char *key)
{
    if (strcmp(key, "value") != 0)
        return HOLDER_OTHER;
    if (!strcmp(type, "ipv4-addr") || !strcmp(type, "ipv6-addr"))
        return HOLDER_ADDRESS;
    if (!strcmp(type, "domain-name"))
        return HOLDER_DOMAIN;
    return HOLDER_OTHER;
}

/* True when some value reached from v by steps[i..] satisfies c. obj_type and
 * key name the object and property holding v. */
static bool walk(struct eval *ev, const struct sp_comparison *c, size_t i,
                 const struct stix_value *v, const char *obj_type, const char *key)
{
    if (ev->is_error || ++ev->visits > VISIT_BUDGET) {
        if (!ev->is_error)
            eval_error(ev, STIX_PC_EVAL_ERROR);
        return false;
    }
    if (i == c->step_count) {
        if (c->op == SP_OP_EXISTS)
            return !c->is_negated;
        return test_value(ev, c, v, holder_of(obj_type, key));
    }
    if (v->type == STIX_VALUE_REF) {
        if (v->u.ref >= ev->obs->count)
            return false;
        const struct stix_object *o = &ev->obs->objects[v->u.ref];
        return walk(ev, c, i, &o->props, o->type, key);
    }
    const struct sp_step *st = &c->steps[i];
    if (st->kind == SP_STEP_KEY) {
        const struct stix_value *next = stix_value_get(v, st->key, st->key_len);
        return next && walk(ev, c, i + 1, next, obj_type, st->key);
    }
    if (v->type != STIX_VALUE_LIST)
        return false;
    if (st->kind == SP_STEP_INDEX) {
        int64_t idx = st->index < 0 ? (int64_t)v->u.c.count + st->index : st->index;
        if (idx < 0 || (uint64_t)idx >= v->u.c.count)
            return false;
        const struct stix_member *m = v->u.c.first;
        for (int64_t k = 0; k < idx; k++)
            m = m->next;
        return walk(ev, c, i + 1, &m->value, obj_type, key);
    }
    for (const struct stix_member *m = v->u.c.first; m; m = m->next)
        if (walk(ev, c, i + 1, &m->value, obj_type, key))
            return true;
    return false;
}

static bool test_comparison(struct eval *ev, const struct sp_comparison *c, size_t obj)
{
    if (obj == NONE)
        return false;
    const struct stix_object *o = &ev->obs->objects[obj];
    return walk(ev, c, 0, &o->props, o->type, "");
}

/* --- Expressions -------------------------------------------------------- */

static bool eval_cmp(struct eval *ev, const struct sp_node *n, const size_t *assign)
{
    switch (n->kind) {
    case SP_CMP_TEST: {
        size_t slot = n->cmp->type_slot;
        return slot < MAX_TYPES && test_comparison(ev, n->cmp, assign[slot]);
    }
    case SP_CMP_AND:
        for (const struct sp_node *ch = n->first; ch; ch = ch->next)
            if (!eval_cmp(ev, ch, assign))
                return false;
        return true;
    case SP_CMP_OR:
        for (const struct sp_node *ch = n->first; ch; ch = ch->next)
            if (eval_cmp(ev, ch, assign))
                return true;
        return false;
    default:
        return false;
    }
}

/* Next object of type after index from (NONE to start), or NONE. */
static size_t next_of_type(const struct stix_observation *obs, const char *type, size_t from)
{
    for (size_t k = from == NONE ? 0 : from + 1; k < obs->count; k++)
        if (strcmp(obs->objects[k].type, type) == 0)
            return k;
    return NONE;
}

static enum stix_eval_result eval_simple(struct eval *ev, const struct sp_node *n)
{
    size_t types = n->type_count;
    if (types == 0 || types > MAX_TYPES) {
        eval_error(ev, STIX_PC_EVAL_ERROR);
        return STIX_EVAL_ERROR;
    }
    size_t assign[MAX_TYPES];
    for (size_t t = 0; t < types; t++)
        assign[t] = next_of_type(ev->obs, n->types[t], NONE);
    /* Odometer over one object per type; a type with no object stays NONE. */
    for (size_t rounds = 0;; rounds++) {
        if (rounds >= ASSIGN_BUDGET) {
            eval_error(ev, STIX_PC_EVAL_ERROR);
            return STIX_EVAL_ERROR;
        }
        if (eval_cmp(ev, n->first, assign))
            return STIX_EVAL_MATCH;
        if (ev->is_error)
            return STIX_EVAL_ERROR;
        size_t t = 0;
        for (; t < types; t++) {
            size_t nx = assign[t] == NONE ? NONE : next_of_type(ev->obs, n->types[t], assign[t]);
            if (nx != NONE) {
                assign[t] = nx;
                break;
            }
            assign[t] = next_of_type(ev->obs, n->types[t], NONE);
        }
        if (t == types)
            return STIX_EVAL_NO_MATCH;
    }
}

static enum stix_eval_result eval_obs(struct eval *ev, const struct sp_node *n)
{
    switch (n->kind) {
    case SP_OBS_SIMPLE:
        return eval_simple(ev, n);
    case SP_OBS_PAREN:
        return eval_obs(ev, n->first);
    case SP_OBS_OR: {
        enum stix_eval_result out = STIX_EVAL_NO_MATCH;
        for (const struct sp_node *ch = n->first; ch; ch = ch->next) {
            enum stix_eval_result r = eval_obs(ev, ch);
            if (r == STIX_EVAL_MATCH)
                return r;
            if (r != STIX_EVAL_NO_MATCH)
                out = r;
        }
        return out;
    }
    default:
        return STIX_EVAL_NOT_EVALUATED;
    }
}

enum stix_eval_result stix_pattern_eval(const struct stix_pattern *p,
                                        const struct stix_observation *obs,
                                        struct stix_pattern_counters *counters)
{
    struct eval ev = {p, obs, counters, 0, false};
    enum stix_eval_result r;
    if (!p || !obs || obs->is_failed)
        r = STIX_EVAL_ERROR;
    else if (!p->is_single_observation)
        r = STIX_EVAL_NOT_EVALUATED;
    else
        r = eval_obs(&ev, p->root);
    if (ev.is_error && r != STIX_EVAL_MATCH)
        r = STIX_EVAL_ERROR;
    if (counters) {
        static const enum stix_pattern_counter ids[] = {STIX_PC_EVAL_NO_MATCH, STIX_PC_EVAL_MATCH,
                                                        STIX_PC_EVAL_NOT_EVALUATED,
                                                        STIX_PC_EVAL_ERROR};
        counters->values[ids[r]]++;
    }
    return r;
}
