/* dns_rrtype.c — mnemonics for RR types and response codes.
 *
 * Names follow the IANA "Domain Name System (DNS) Parameters" registry, with
 * Suricata's spellings where they differ (type 23 is "NSAPPTR"), so EVE
 * output matches Suricata's. Not a registry mirror: rare types print as
 * their number.
 */
#include <stdio.h>

#include "proto/dns/dns_record.h"

struct dns_mnemonic {
    uint16_t value;
    const char *name;
};

static const struct dns_mnemonic dns_rrtypes[] = {
    {1, "A"},       {2, "NS"},        {3, "MD"},          {4, "MF"},          {5, "CNAME"},
    {6, "SOA"},     {7, "MB"},        {8, "MG"},          {9, "MR"},          {10, "NULL"},
    {11, "WKS"},    {12, "PTR"},      {13, "HINFO"},      {14, "MINFO"},      {15, "MX"},
    {16, "TXT"},    {17, "RP"},       {18, "AFSDB"},      {19, "X25"},        {20, "ISDN"},
    {21, "RT"},     {22, "NSAP"},     {23, "NSAPPTR"},    {24, "SIG"},        {25, "KEY"},
    {26, "PX"},     {27, "GPOS"},     {28, "AAAA"},       {29, "LOC"},        {30, "NXT"},
    {33, "SRV"},    {34, "ATMA"},     {35, "NAPTR"},      {36, "KX"},         {37, "CERT"},
    {38, "A6"},     {39, "DNAME"},    {41, "OPT"},        {42, "APL"},        {43, "DS"},
    {44, "SSHFP"},  {45, "IPSECKEY"}, {46, "RRSIG"},      {47, "NSEC"},       {48, "DNSKEY"},
    {49, "DHCID"},  {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},       {53, "SMIMEA"},
    {55, "HIP"},    {59, "CDS"},      {60, "CDNSKEY"},    {61, "OPENPGPKEY"}, {62, "CSYNC"},
    {63, "ZONEMD"}, {64, "SVCB"},     {65, "HTTPS"},      {99, "SPF"},        {249, "TKEY"},
    {250, "TSIG"},  {251, "IXFR"},    {252, "AXFR"},      {253, "MAILB"},     {254, "MAILA"},
    {255, "ANY"},   {256, "URI"},     {257, "CAA"},       {32768, "TA"},      {32769, "DLV"},
};

static const char *const dns_rcodes[] = {
    "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
};

const char *dns_rrtype_name(uint16_t rrtype, char buf[8])
{
    /* Sorted by value: a binary search keeps this O(log n) per answer. */
    size_t lo = 0, hi = sizeof(dns_rrtypes) / sizeof(dns_rrtypes[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dns_rrtypes[mid].value == rrtype)
            return dns_rrtypes[mid].name;
        if (dns_rrtypes[mid].value < rrtype)
            lo = mid + 1;
        else
            hi = mid;
    }
    snprintf(buf, 8, "%u", (unsigned)rrtype);
    return buf;
}

const char *dns_rcode_name(uint8_t rcode, char buf[8])
{
    if (rcode < sizeof(dns_rcodes) / sizeof(dns_rcodes[0]))
        return dns_rcodes[rcode];
    snprintf(buf, 8, "%u", (unsigned)rcode);
    return buf;
}
