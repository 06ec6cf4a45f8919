/* stix_pattern_ast.h — internal: the parsed form of a STIX 2.1 pattern.
 *
 * Shared by the lexer, parser, checks, extraction and evaluator of this folder;
 * not part of the public API (stix_pattern.h). Every node lives in the pattern's
 * arena. Chains of one operator are n-ary nodes (a linked list of children), so
 * tree depth grows only with parentheses and is capped by the parser.
 */
#ifndef HRADBA_INTEL_STIX_PATTERN_AST_H
#define HRADBA_INTEL_STIX_PATTERN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/pattern/stix_pattern.h"

/* --- Arena: one per pattern, chunks freed together ---------------------- */

struct sp_chunk;
struct sp_arena {
    struct sp_chunk *head;
    size_t used_bytes, cap_bytes;
    bool is_failed;
};
void sp_arena_init(struct sp_arena *a, size_t cap_bytes);
void sp_arena_fini(struct sp_arena *a);
/* Zeroed, 16-byte aligned memory, or NULL (and is_failed) past the cap. */
void *sp_arena_alloc(struct sp_arena *a, size_t n);
/* A NUL-terminated copy of s[0..len). */
char *sp_arena_strdup(struct sp_arena *a, const char *s, size_t len);

/* --- Timestamps --------------------------------------------------------- */

struct sp_time {
    int64_t sec; /* seconds since 1970-01-01T00:00:00Z */
    uint32_t nsec;
};
/* Parses the STIX timestamp form YYYY-MM-DDTHH:MM:SS[.frac]Z (exactly the
 * grammar's TimestampLiteral body). Returns true on success. */
bool sp_time_parse(const char *s, size_t len, struct sp_time *out);
int sp_time_cmp(const struct sp_time *a, const struct sp_time *b);

/* --- Literals ----------------------------------------------------------- */

enum sp_lit_type {
    SP_LIT_INT,
    SP_LIT_FLOAT,
    SP_LIT_STRING, /* bytes: unescaped, NUL-terminated */
    SP_LIT_BOOL,
    SP_LIT_BINARY, /* b'...' decoded bytes */
    SP_LIT_HEX,    /* h'...' decoded bytes */
    SP_LIT_TIMESTAMP,
    SP_LIT_SET, /* IN (...) */
};

struct sp_literal {
    enum sp_lit_type type;
    int64_t i;
    double f;
    bool b;
    const char *s; /* STRING/BINARY/HEX bytes (NUL-terminated), TIMESTAMP text */
    size_t len;
    struct sp_time ts;
    struct sp_literal *items; /* SET: count entries */
    size_t count;
    size_t offset; /* byte offset in the pattern text */
};

/* --- Comparisons -------------------------------------------------------- */

enum sp_op {
    SP_OP_EQ,
    SP_OP_NEQ,
    SP_OP_LT,
    SP_OP_LE,
    SP_OP_GT,
    SP_OP_GE,
    SP_OP_IN,
    SP_OP_LIKE,
    SP_OP_MATCHES,
    SP_OP_ISSUBSET,
    SP_OP_ISSUPERSET,
    SP_OP_EXISTS,
};
const char *sp_op_name(enum sp_op op);

enum sp_step_kind { SP_STEP_KEY, SP_STEP_INDEX, SP_STEP_ANY };
struct sp_step {
    enum sp_step_kind kind;
    const char *key; /* KEY: NUL-terminated */
    size_t key_len;
    int64_t index; /* INDEX; negative counts from the end */
};

struct sp_comparison {
    const char *type; /* object type, NUL-terminated */
    size_t type_len;
    struct sp_step *steps; /* step_count >= 1; steps[0] is a KEY */
    size_t step_count;
    enum sp_op op;
    bool is_negated; /* NOT before the operator */
    struct sp_literal lit;
    void *regex;      /* MATCHES: pcre2_code_8 *, NULL when the regex did not compile */
    size_t type_slot; /* index of type among its observation expression's types */
    size_t offset;    /* byte offset of the object path */
};

/* --- Expression tree ---------------------------------------------------- */

enum sp_node_kind {
    SP_OBS_FOLLOWEDBY, /* children in order */
    SP_OBS_OR,
    SP_OBS_AND,
    SP_OBS_WITHIN,    /* one child; within_s */
    SP_OBS_REPEATS,   /* one child; repeats */
    SP_OBS_STARTSTOP, /* one child; start, stop */
    SP_OBS_PAREN,     /* one child: a parenthesised observation expression */
    SP_OBS_SIMPLE,    /* [ ... ]: one child, a comparison expression */
    SP_CMP_OR,
    SP_CMP_AND,
    SP_CMP_TEST, /* leaf: cmp */
};

struct sp_node {
    enum sp_node_kind kind;
    struct sp_node *first, *last; /* children */
    struct sp_node *next;         /* sibling */
    size_t child_count;
    struct sp_comparison *cmp;  /* CMP_TEST */
    double within_s;            /* OBS_WITHIN */
    int64_t repeats;            /* OBS_REPEATS */
    struct sp_time start, stop; /* OBS_STARTSTOP */
    /* OBS_SIMPLE: the distinct object types its comparisons name. */
    const char **types;
    size_t type_count;
    size_t offset;
};

struct stix_pattern {
    struct sp_arena arena;
    struct sp_node *root;
    uint32_t normalisations; /* 1 << STIX_PC_NORM_* */
    bool is_single_observation;
    bool is_simple;
    struct stix_pattern_atom *atoms;
    size_t atom_count;
    void *match_ctx; /* pcre2_match_context_8 * with the limits, or NULL */
    size_t regex_count;
};

/* --- Lexer -------------------------------------------------------------- */

enum sp_tok {
    SP_T_EOF,
    SP_T_ERROR,
    SP_T_INT,
    SP_T_FLOAT,
    SP_T_STRING,
    SP_T_BOOL,
    SP_T_BINARY,
    SP_T_HEX,
    SP_T_TIMESTAMP,
    SP_T_IDENT,        /* [A-Za-z_][A-Za-z0-9_]* */
    SP_T_IDENT_HYPHEN, /* the same with at least one '-' */
    SP_T_AND,
    SP_T_OR,
    SP_T_NOT,
    SP_T_FOLLOWEDBY,
    SP_T_LIKE,
    SP_T_MATCHES,
    SP_T_ISSUPERSET,
    SP_T_ISSUBSET,
    SP_T_EXISTS,
    SP_T_LAST,
    SP_T_IN,
    SP_T_START,
    SP_T_STOP,
    SP_T_SECONDS,
    SP_T_WITHIN,
    SP_T_REPEATS,
    SP_T_TIMES,
    SP_T_EQ,
    SP_T_NEQ,
    SP_T_LT,
    SP_T_LE,
    SP_T_GT,
    SP_T_GE,
    SP_T_COLON,
    SP_T_DOT,
    SP_T_COMMA,
    SP_T_LPAREN,
    SP_T_RPAREN,
    SP_T_LBRACK,
    SP_T_RBRACK,
    SP_T_ASTERISK,
};

struct sp_token {
    enum sp_tok kind;
    size_t offset, len; /* raw span in the text */
    bool is_negative;   /* INT/FLOAT written with '-' */
    bool has_sign;      /* INT/FLOAT written with '+' or '-' */
};

struct sp_lexer {
    const char *text;
    size_t len, pos;
    const char *error; /* set with SP_T_ERROR */
};

void sp_lexer_init(struct sp_lexer *lx, const char *text, size_t len);
/* The next token; SP_T_ERROR with lx->error and token offset on a bad one. */
struct sp_token sp_lexer_next(struct sp_lexer *lx);
const char *sp_tok_name(enum sp_tok t);

/* Decodes a STRING token's body (between the quotes) into out (len + 1
 * bytes). Returns the decoded length. The lexer has already validated it. */
size_t sp_string_unescape(const char *body, size_t body_len, char *out);
/* Decodes base64 (validated by the lexer) / hex into out; returns length. */
size_t sp_base64_decode(const char *s, size_t len, uint8_t *out);
size_t sp_hex_decode(const char *s, size_t len, uint8_t *out);

/* --- Parser and checks ------------------------------------------------ */

/* Builds p->root from text. Returns 0, or a negative code with *err filled;
 * counter_id says which parse counter to bump on failure. */
int sp_parse(struct stix_pattern *p, const char *text, size_t len, struct stix_pattern_error *err,
             enum stix_pattern_counter *counter_id);
/* Semantic checks and normalisations over p->root (after sp_parse). */
int sp_check(struct stix_pattern *p, struct stix_pattern_error *err,
             struct stix_pattern_counters *counters);
/* Fills p->is_simple and p->atoms. Returns 0 or -ENOMEM. */
int sp_extract_atoms(struct stix_pattern *p);
/* Compiles MATCHES regexes (never fails: a bad regex stays NULL and counts). */
void sp_compile_regexes(struct stix_pattern *p, struct stix_pattern_counters *counters);
void sp_free_regexes(struct stix_pattern *p);

void sp_error_set(struct stix_pattern_error *err, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- Address helpers (evaluator and extraction) ------------------------- */

struct sp_net {
    int family; /* 4 or 6; 0 when not an address */
    uint8_t addr[16];
    unsigned prefix_len;
};
/* Parses "a.b.c.d", "a.b.c.d/n", IPv6 and IPv6 "/n". Host bits past the
 * prefix are kept in addr but ignored by comparisons. */
bool sp_net_parse(const char *s, size_t len, struct sp_net *out);
/* True when every address of inner is in outer (same family). */
bool sp_net_contains(const struct sp_net *outer, const struct sp_net *inner);

/* Canonical STIX hash algorithm name for a key spelling ("sha256" ->
 * "SHA-256"), or NULL when key is not a known hash algorithm. *hex_len is the
 * digest length in hex digits (0: not checked). */
const char *sp_hash_canonical(const char *key, size_t len, size_t *hex_len);

#endif
