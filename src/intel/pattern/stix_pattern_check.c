/* stix_pattern_check.c — the checks a STIX 2.1 validator makes after the
 * grammar (hash lengths, one qualifier of each kind per observation
 * expression, §9.5.1) and the normalisations of common producer mistakes, each
 * counted (docs/intel.md "STIX patterns"): CIDR with '=' becomes ISSUBSET,
 * quoted numbers on integer properties become integers, hash key spellings
 * become the STIX vocabulary names, AND across object types is flagged.
 */
#include <errno.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

struct checker {
    struct stix_pattern *p;
    struct stix_pattern_error *err;
    struct stix_pattern_counters *counters;
    bool is_failed;
};

static void note(struct checker *ck, enum stix_pattern_counter id)
{
    ck->p->normalisations |= 1u << id;
    if (ck->counters)
        ck->counters->values[id]++;
}

static bool key_is(const struct sp_step *st, const char *name)
{
    return st->kind == SP_STEP_KEY && st->key_len == strlen(name) &&
           memcmp(st->key, name, st->key_len) == 0;
}

static bool type_is(const struct sp_comparison *c, const char *name)
{
    return strcmp(c->type, name) == 0;
}

/* True when c's path names an address value: ipv4-addr:value,
 * ipv6-addr:value, network-traffic:src_ref.value / dst_ref.value. */
static bool is_address_path(const struct sp_comparison *c)
{
    if ((type_is(c, "ipv4-addr") || type_is(c, "ipv6-addr")) && c->step_count == 1)
        return key_is(&c->steps[0], "value");
    if (type_is(c, "network-traffic") && c->step_count == 2)
        return (key_is(&c->steps[0], "src_ref") || key_is(&c->steps[0], "dst_ref")) &&
               key_is(&c->steps[1], "value");
    return false;
}

/* Integer properties whose values producers quote ("dst_port = '443'"). */
static bool is_integer_path(const struct sp_comparison *c)
{
    static const char *const nt[] = {"src_port",       "dst_port",    "src_byte_count",
                                     "dst_byte_count", "src_packets", "dst_packets"};
    if (c->step_count != 1)
        return false;
    if (type_is(c, "network-traffic")) {
        for (size_t k = 0; k < sizeof nt / sizeof nt[0]; k++)
            if (key_is(&c->steps[0], nt[k]))
                return true;
        return false;
    }
    if (type_is(c, "file"))
        return key_is(&c->steps[0], "size");
    if (type_is(c, "autonomous-system"))
        return key_is(&c->steps[0], "number");
    return false;
}

static bool all_digits(const char *s, size_t len)
{
    if (len == 0 || len > 18)
        return false;
    for (size_t k = 0; k < len; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    return true;
}

static bool unquote_number(struct sp_literal *lit)
{
    if (lit->type != SP_LIT_STRING || !all_digits(lit->s, lit->len))
        return false;
    int64_t v = 0;
    for (size_t k = 0; k < lit->len; k++)
        v = v * 10 + (lit->s[k] - '0');
    lit->type = SP_LIT_INT;
    lit->i = v;
    return true;
}

static bool hash_value_ok(const struct sp_literal *lit, size_t hex_len)
{
    if (lit->type != SP_LIT_STRING || hex_len == 0)
        return true;
    if (lit->len != hex_len)
        return false;
    for (size_t k = 0; k < lit->len; k++) {
        char ch = lit->s[k];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return true;
}

/* Hex digests compare case-insensitively: store the literal in lower case. */
static void lower_hex(struct sp_literal *lit)
{
    if (lit->type != SP_LIT_STRING)
        return;
    char *s = (char *)lit->s; /* arena memory owned by this pattern */
    for (size_t k = 0; k < lit->len; k++)
        if (s[k] >= 'A' && s[k] <= 'F')
            s[k] = (char)(s[k] - 'A' + 'a');
}

static void check_comparison(struct checker *ck, struct sp_comparison *c)
{
    /* Hash keys: canonical spelling, digest length. */
    for (size_t k = 0; k + 1 < c->step_count; k++) {
        if (!key_is(&c->steps[k], "hashes") || c->steps[k + 1].kind != SP_STEP_KEY)
            continue;
        struct sp_step *alg = &c->steps[k + 1];
        size_t hex_len = 0;
        const char *canon = sp_hash_canonical(alg->key, alg->key_len, &hex_len);
        if (!canon)
            continue;
        if (strcmp(canon, alg->key) != 0) {
            alg->key = canon;
            alg->key_len = strlen(canon);
            note(ck, STIX_PC_NORM_HASH_KEY);
        }
        if (k + 2 != c->step_count)
            continue;
        struct sp_literal *items = c->op == SP_OP_IN ? c->lit.items : &c->lit;
        size_t n = c->op == SP_OP_IN ? c->lit.count : 1;
        if (c->op != SP_OP_EQ && c->op != SP_OP_NEQ && c->op != SP_OP_IN)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (!hash_value_ok(&items[i], hex_len)) {
                sp_error_set(ck->err, items[i].offset, "'%.40s' is not a valid %s hash", items[i].s,
                             canon);
                ck->is_failed = true;
                return;
            }
            if (hex_len)
                lower_hex(&items[i]);
        }
    }
    /* CIDR written with '=': the producer meant ISSUBSET. */
    if (c->op == SP_OP_EQ && c->lit.type == SP_LIT_STRING && is_address_path(c)) {
        struct sp_net net;
        if (memchr(c->lit.s, '/', c->lit.len) && sp_net_parse(c->lit.s, c->lit.len, &net)) {
            c->op = SP_OP_ISSUBSET;
            note(ck, STIX_PC_NORM_CIDR_EQ);
        }
    }
    /* Quoted numbers on integer properties. */
    if (is_integer_path(c) && c->op != SP_OP_EXISTS) {
        bool changed = false;
        if (c->op == SP_OP_IN) {
            for (size_t i = 0; i < c->lit.count; i++)
                changed |= unquote_number(&c->lit.items[i]);
        } else if (c->op <= SP_OP_GE) {
            changed = unquote_number(&c->lit);
        }
        if (changed)
            note(ck, STIX_PC_NORM_QUOTED_NUMBER);
    }
}

/* Collects the distinct object types below a comparison node into simple's
 * type list, and sets each comparison's slot. Returns a bit set of the slots
 * used below n (types past 31 share bit 31), or -1 on allocation failure. */
static long collect_types(struct checker *ck, struct sp_node *simple, struct sp_node *n,
                          bool *has_cross_and)
{
    if (n->kind == SP_CMP_TEST) {
        struct sp_comparison *c = n->cmp;
        check_comparison(ck, c);
        size_t k = 0;
        while (k < simple->type_count && strcmp(simple->types[k], c->type) != 0)
            k++;
        if (k == simple->type_count) {
            const char **grown = sp_arena_alloc(&ck->p->arena, (k + 1) * sizeof *grown);
            if (!grown)
                return -1;
            if (k)
                memcpy(grown, simple->types, k * sizeof *grown);
            grown[k] = c->type;
            simple->types = grown;
            simple->type_count = k + 1;
        }
        c->type_slot = k;
        return 1L << (k < 31 ? k : 31);
    }
    long all = 0;
    for (struct sp_node *ch = n->first; ch; ch = ch->next) {
        long bits = collect_types(ck, simple, ch, has_cross_and);
        if (bits < 0)
            return -1;
        if (n->kind == SP_CMP_AND && all && (bits & ~all))
            *has_cross_and = true;
        all |= bits;
    }
    return all;
}

static bool is_qualifier(const struct sp_node *n)
{
    return n->kind == SP_OBS_WITHIN || n->kind == SP_OBS_REPEATS || n->kind == SP_OBS_STARTSTOP;
}

static const char *qualifier_name(enum sp_node_kind k)
{
    return k == SP_OBS_WITHIN ? "WITHIN" : k == SP_OBS_REPEATS ? "REPEATS" : "START/STOP";
}

/* A chain of qualifiers on one [ ... ] may not repeat a kind (§9.5.1). A
 * parenthesised expression starts a new scope, as the reference validator has it. */
static bool duplicate_qualifier(const struct sp_node *q)
{
    const struct sp_node *base = q;
    while (is_qualifier(base))
        base = base->first;
    if (base->kind != SP_OBS_SIMPLE)
        return false;
    for (const struct sp_node *n = q->first; is_qualifier(n); n = n->first)
        if (n->kind == q->kind)
            return true;
    return false;
}

static void check_node(struct checker *ck, struct sp_node *n, bool *is_single, bool *has_cross)
{
    if (ck->is_failed)
        return;
    switch (n->kind) {
    case SP_OBS_SIMPLE:
        if (collect_types(ck, n, n->first, has_cross) < 0) {
            sp_error_set(ck->err, n->offset, "out of memory for the pattern");
            ck->is_failed = true;
        }
        return;
    case SP_OBS_FOLLOWEDBY:
    case SP_OBS_AND:
        *is_single = false;
        break;
    case SP_OBS_WITHIN:
    case SP_OBS_REPEATS:
    case SP_OBS_STARTSTOP:
        *is_single = false;
        if (duplicate_qualifier(n)) {
            sp_error_set(ck->err, n->offset, "duplicate %s qualifier on one observation expression",
                         qualifier_name(n->kind));
            ck->is_failed = true;
            return;
        }
        break;
    default:
        break;
    }
    for (struct sp_node *ch = n->first; ch; ch = ch->next)
        check_node(ck, ch, is_single, has_cross);
}

int sp_check(struct stix_pattern *p, struct stix_pattern_error *err,
             struct stix_pattern_counters *counters)
{
    struct checker ck = {p, err, counters, false};
    bool is_single = true, has_cross = false;
    check_node(&ck, p->root, &is_single, &has_cross);
    if (ck.is_failed)
        return -EINVAL;
    if (has_cross)
        note(&ck, STIX_PC_CROSS_TYPE_AND);
    p->is_single_observation = is_single;
    return 0;
}
