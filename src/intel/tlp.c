/* tlp.c — Traffic Light Protocol levels (intel/indicator.h): the known STIX
 * marking-definition ids (TLP 1.0, STIX 2.1 section 7.2.1.4; TLP 2.0, OASIS
 * CTI common objects; OpenCTI's AMBER+STRICT) and MISP "tlp:" tags.
 *
 * A marking is recognised by its id alone, never by the object's body: the
 * spec's own examples reuse a TLP id for a statement marking, and bogus ids
 * one digit away from real ones circulate (../shared/intel/tlp.json).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "intel/indicator.h"

static const struct {
    const char *id;
    enum intel_tlp level;
} known_markings[] = {
    /* TLP 1.0 (STIX 2.1 section 7.2.1.4). */
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", INTEL_TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", INTEL_TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", INTEL_TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", INTEL_TLP_RED},
    /* TLP 2.0 (OASIS CTI common objects). */
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", INTEL_TLP_CLEAR},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", INTEL_TLP_GREEN},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", INTEL_TLP_AMBER},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", INTEL_TLP_AMBER_STRICT},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", INTEL_TLP_RED},
    /* OpenCTI's static AMBER+STRICT id (not OASIS). */
    {"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", INTEL_TLP_AMBER_STRICT},
};

static const char *const level_names[] = {
    [INTEL_TLP_CLEAR] = "clear", [INTEL_TLP_GREEN] = "green",
    [INTEL_TLP_AMBER] = "amber", [INTEL_TLP_AMBER_STRICT] = "amber+strict",
    [INTEL_TLP_RED] = "red",
};

/* The TLP 2.0 ids, the canonical marking per level on export. */
static const char *const canonical_ids[] = {
    [INTEL_TLP_CLEAR] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    [INTEL_TLP_GREEN] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    [INTEL_TLP_AMBER] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    [INTEL_TLP_AMBER_STRICT] = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    [INTEL_TLP_RED] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

const char *intel_tlp_name(enum intel_tlp t)
{
    if ((unsigned)t > INTEL_TLP_RED)
        return "red";
    return level_names[t];
}

int intel_tlp_from_marking_id(const char *id, enum intel_tlp *out)
{
    if (!id)
        return -ENOENT;
    for (size_t i = 0; i < sizeof known_markings / sizeof known_markings[0]; i++) {
        if (strcmp(id, known_markings[i].id) == 0) {
            *out = known_markings[i].level;
            return 0;
        }
    }
    return -ENOENT;
}

const char *intel_tlp_marking_id(enum intel_tlp t)
{
    if ((unsigned)t > INTEL_TLP_RED)
        t = INTEL_TLP_RED;
    return canonical_ids[t];
}

/* A level name (case-insensitive), "white" being TLP 1.0's CLEAR. */
static int level_from_name(const char *s, size_t n, enum intel_tlp *out)
{
    if (n == 5 && strncasecmp(s, "white", 5) == 0) {
        *out = INTEL_TLP_CLEAR;
        return 0;
    }
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strlen(level_names[i]) == n && strncasecmp(s, level_names[i], n) == 0) {
            *out = (enum intel_tlp)i;
            return 0;
        }
    }
    return -ENOENT;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

int intel_tlp_from_tag(const char *tag, enum intel_tlp *out)
{
    if (!tag)
        return -ENOENT;
    const char *s = tag;
    size_t n = strlen(s);
    trim(&s, &n);
    if (n < 4 || strncasecmp(s, "tlp:", 4) != 0)
        return -ENOENT;
    s += 4;
    n -= 4;
    trim(&s, &n);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    return level_from_name(s, n, out) == 0 ? 0 : -EINVAL;
}

int intel_tlp_parse(const char *text, enum intel_tlp *out)
{
    if (!text)
        return -ENOENT;
    const char *s = text;
    size_t n = strlen(s);
    trim(&s, &n);
    if (n >= 4 && strncasecmp(s, "tlp:", 4) == 0) {
        s += 4;
        n -= 4;
    }
    return level_from_name(s, n, out);
}
