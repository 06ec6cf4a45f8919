/* stix_pattern.c — lifecycle of a parsed STIX 2.1 pattern: the size cap, the
 * arena, parse → checks → MATCHES compilation → atom extraction, and the
 * counters. MATCHES uses PCRE2 (the spec gives PCRE as the regex syntax, §9.6.1)
 * with match and depth limits, so a catastrophic regex fails cleanly.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "intel/pattern/stix_pattern.h"

#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

/* --- Arena -------------------------------------------------------------- */

struct sp_chunk {
    struct sp_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

#define SP_CHUNK_MIN 4096u

void sp_arena_init(struct sp_arena *a, size_t cap_bytes)
{
    memset(a, 0, sizeof *a);
    a->cap_bytes = cap_bytes;
}

void sp_arena_fini(struct sp_arena *a)
{
    struct sp_chunk *c = a->head;
    while (c) {
        struct sp_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used_bytes = 0;
}

void *sp_arena_alloc(struct sp_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    struct sp_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > SP_CHUNK_MIN ? n : SP_CHUNK_MIN;
        if (a->is_failed || size > a->cap_bytes || a->used_bytes > a->cap_bytes - size) {
            a->is_failed = true;
            return NULL;
        }
        c = malloc(sizeof *c + size);
        if (!c) {
            a->is_failed = true;
            return NULL;
        }
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        a->used_bytes += size;
    }
    void *m = c->data + c->used;
    c->used += n;
    memset(m, 0, n);
    return m;
}

char *sp_arena_strdup(struct sp_arena *a, const char *s, size_t len)
{
    char *d = sp_arena_alloc(a, len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

/* --- Counters ----------------------------------------------------------- */

static const char *const counter_names[] = {STIX_PATTERN_COUNTERS(COUNTER_NAME)};

struct counter_view stix_pattern_counters_view(const struct stix_pattern_counters *c)
{
    struct counter_view v = {"stix_pattern", counter_names, c->values, STIX_PATTERN_COUNTER_COUNT};
    return v;
}

const char *stix_eval_result_name(enum stix_eval_result r)
{
    switch (r) {
    case STIX_EVAL_NO_MATCH:
        return "no_match";
    case STIX_EVAL_MATCH:
        return "match";
    case STIX_EVAL_NOT_EVALUATED:
        return "not_evaluated";
    case STIX_EVAL_ERROR:
        return "error";
    }
    return "?";
}

const char *sp_op_name(enum sp_op op)
{
    switch (op) {
    case SP_OP_EQ:
        return "=";
    case SP_OP_NEQ:
        return "!=";
    case SP_OP_LT:
        return "<";
    case SP_OP_LE:
        return "<=";
    case SP_OP_GT:
        return ">";
    case SP_OP_GE:
        return ">=";
    case SP_OP_IN:
        return "IN";
    case SP_OP_LIKE:
        return "LIKE";
    case SP_OP_MATCHES:
        return "MATCHES";
    case SP_OP_ISSUBSET:
        return "ISSUBSET";
    case SP_OP_ISSUPERSET:
        return "ISSUPERSET";
    case SP_OP_EXISTS:
        return "EXISTS";
    }
    return "?";
}

/* --- MATCHES ------------------------------------------------------------ */

static void compile_node(struct stix_pattern *p, struct sp_node *n,
                         struct stix_pattern_counters *counters)
{
    if (n->kind == SP_CMP_TEST) {
        struct sp_comparison *c = n->cmp;
        if (c->op != SP_OP_MATCHES)
            return;
        int code;
        PCRE2_SIZE at;
        c->regex = pcre2_compile((PCRE2_SPTR)c->lit.s, c->lit.len,
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &at, NULL);
        if (!c->regex && counters)
            counters->values[STIX_PC_BAD_REGEX]++;
        p->regex_count += c->regex != NULL;
        return;
    }
    for (struct sp_node *ch = n->first; ch; ch = ch->next)
        compile_node(p, ch, counters);
}

void sp_compile_regexes(struct stix_pattern *p, struct stix_pattern_counters *counters)
{
    compile_node(p, p->root, counters);
    if (p->regex_count) {
        pcre2_match_context *mc = pcre2_match_context_create(NULL);
        if (mc) {
            pcre2_set_match_limit(mc, STIX_PATTERN_REGEX_MATCH_LIMIT);
            pcre2_set_depth_limit(mc, STIX_PATTERN_REGEX_DEPTH_LIMIT);
            pcre2_set_heap_limit(mc, 1024); /* KiB */
        }
        p->match_ctx = mc;
    }
}

static void free_node_regex(struct sp_node *n)
{
    if (n->kind == SP_CMP_TEST) {
        if (n->cmp->regex)
            pcre2_code_free(n->cmp->regex);
        n->cmp->regex = NULL;
        return;
    }
    for (struct sp_node *ch = n->first; ch; ch = ch->next)
        free_node_regex(ch);
}

void sp_free_regexes(struct stix_pattern *p)
{
    if (p->root && p->regex_count)
        free_node_regex(p->root);
    if (p->match_ctx)
        pcre2_match_context_free(p->match_ctx);
    p->match_ctx = NULL;
    p->regex_count = 0;
}

/* --- Parse entry -------------------------------------------------------- */

struct stix_pattern *stix_pattern_parse_counted(const char *text, size_t len,
                                                struct stix_pattern_counters *counters,
                                                struct stix_pattern_error *err)
{
    enum stix_pattern_counter why = STIX_PC_PARSE_SYNTAX;
    struct stix_pattern_error scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (!text && len) {
        sp_error_set(err, 0, "no pattern text");
        goto count_fail;
    }
    if (len > STIX_PATTERN_MAX_LEN) {
        sp_error_set(err, STIX_PATTERN_MAX_LEN, "pattern longer than %u bytes",
                     STIX_PATTERN_MAX_LEN);
        why = STIX_PC_PARSE_TOO_LONG;
        goto count_fail;
    }
    struct stix_pattern *p = calloc(1, sizeof *p);
    if (!p) {
        sp_error_set(err, 0, "out of memory");
        why = STIX_PC_PARSE_NOMEM;
        goto count_fail;
    }
    /* The tree is at most a few dozen bytes per input byte. */
    sp_arena_init(&p->arena, 64 * len + 65536);
    if (sp_parse(p, text ? text : "", len, err, &why) != 0)
        goto fail;
    if (sp_check(p, err, counters) != 0) {
        why = STIX_PC_PARSE_SEMANTIC;
        goto fail;
    }
    if (sp_extract_atoms(p) != 0) {
        sp_error_set(err, 0, "out of memory for the pattern");
        why = STIX_PC_PARSE_NOMEM;
        goto fail;
    }
    sp_compile_regexes(p, counters);
    if (counters)
        counters->values[STIX_PC_PARSE_OK]++;
    return p;
fail:
    stix_pattern_free(p);
count_fail:
    if (counters)
        counters->values[why]++;
    return NULL;
}

struct stix_pattern *stix_pattern_parse(const char *text, size_t len,
                                        struct stix_pattern_error *err)
{
    return stix_pattern_parse_counted(text, len, NULL, err);
}

void stix_pattern_free(struct stix_pattern *p)
{
    if (!p)
        return;
    sp_free_regexes(p);
    sp_arena_fini(&p->arena);
    free(p);
}

uint32_t stix_pattern_normalisations(const struct stix_pattern *p)
{
    return p ? p->normalisations : 0;
}

bool stix_pattern_is_single_observation(const struct stix_pattern *p)
{
    return p && p->is_single_observation;
}

bool stix_pattern_is_simple(const struct stix_pattern *p)
{
    return p && p->is_simple;
}

const struct stix_pattern_atom *stix_pattern_atoms(const struct stix_pattern *p, size_t *count)
{
    if (!p || !p->is_simple) {
        *count = 0;
        return NULL;
    }
    *count = p->atom_count;
    return p->atoms;
}
