/* label_stats.h — what the characters of a DNS name say about it.
 *
 * Measures a run of labels in the DNS decoder's escaped presentation text
 * (proto/dns/dns_name.h: "\ooo" and C escapes are one octet each): octets,
 * labels, the longest label, letters, digits, vowels, octets that are not
 * letter-digit-hyphen (RFC 1123 host names have none), and the Shannon
 * entropy of the octets in bits per octet. From these, a 0..1 randomness
 * that is high for encoded data and machine-made names and low for words:
 * the features DGA and tunnel studies use — character entropy, vowel share
 * and digit mixing (Antonakakis et al. 2012, "From throw-away traffic to
 * bots", USENIX Security; Born & Gustafson 2010, "Detecting DNS tunnels
 * using character frequency analysis"), plus length. A heuristic, not a
 * language model: names made of dictionary words score low (documented).
 */
#ifndef HRADBA_DETECT_DNS_TUNNEL_LABEL_STATS_H
#define HRADBA_DETECT_DNS_TUNNEL_LABEL_STATS_H

#include <stddef.h>
#include <stdint.h>

struct label_stats {
    uint32_t octets; /* label octets, dots not counted */
    uint32_t labels;
    uint32_t max_label; /* octets of the longest label */
    uint32_t letters, digits, vowels;
    uint32_t other; /* neither letter, digit, '-' nor '_' */
    double entropy; /* bits per octet, 0 for fewer than two octets */
};

/* Measures text[0..len) (no NUL needed). Letters count without case. */
void label_stats_measure(const char *text, size_t len, struct label_stats *s);

/* 0..1: the mean of four ramps — vowel shortage among letters, letters and
 * digits mixed, length 8..16 octets, entropy 2.5..3.5 bits — or, when
 * higher, the share of octets outside letter-digit-hyphen (binary-encoded
 * data) ramped over 0..10 %. docs/detectors.md gives the measured values
 * for words, random labels and tunnel traffic. */
double label_stats_randomness(const struct label_stats *s);

#endif
