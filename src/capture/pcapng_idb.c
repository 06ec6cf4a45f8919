/* pcapng_idb.c — checks how libpcap 1.10 will number a pcapng file's interfaces.
 *
 * Follows the pcapng block layout (draft-ietf-opsawg-pcapng: §3.1 block
 * structure, §4.1 Section Header Block, §4.2 Interface Description Block,
 * §4.3 Enhanced Packet Block, Appendix A Packet Block) and reads only the
 * first 16 bytes of each block: it is not a pcapng reader (libpcap is).
 * Simple Packet Blocks are always interface 0, which libpcap always keeps.
 */
#include "capture/pcapng_idb.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/cursor.h"

#define PCAPNG_SHB 0x0a0d0d0au /* the same in both byte orders */
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_PB 0x00000002u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BOM 0x1a2b3c4du
/* libpcap's largest snap length for most link types: a snap length of 0 or
 * above it is taken as this (its pcap_adjust_snapshot()). */
#define LIBPCAP_MAX_SNAPLEN 262144u

/* libpcap's view of the current section while walking it. */
struct walk {
    int linktype, snaplen; /* the file's first interface */
    bool is_be;
    uint32_t idb_count;     /* IDBs in the section: the writer's numbering */
    uint32_t accepted;      /* those libpcap kept: its numbering */
    uint32_t first_dropped; /* writer's number of the first refused one, or UINT32_MAX */
};

static uint32_t read32(struct cursor *c, bool is_be)
{
    return is_be ? cursor_be32(c) : cursor_le32(c);
}

static void walk_idb(struct walk *w, struct cursor *c)
{
    uint32_t idb_linktype = w->is_be ? cursor_be16(c) : cursor_le16(c);
    cursor_skip(c, 2); /* reserved */
    uint32_t idb_snaplen = read32(c, w->is_be);
    if (idb_snaplen == 0 || idb_snaplen > LIBPCAP_MAX_SNAPLEN)
        idb_snaplen = LIBPCAP_MAX_SNAPLEN;
    if ((int)idb_linktype == w->linktype && (int)idb_snaplen == w->snaplen)
        w->accepted++;
    else if (w->first_dropped == UINT32_MAX)
        w->first_dropped = w->idb_count;
    w->idb_count++;
}

/* Looks at one block: 1 when libpcap would deliver a packet under another
 * interface's number, 0 to go on, -1 to stop walking. */
static int walk_block(struct walk *w, const uint8_t *hdr, size_t len, uint64_t *block_len)
{
    struct cursor c = cursor_make(hdr, len);
    uint32_t type = cursor_be32(&c);
    if (type == PCAPNG_SHB) {
        struct cursor bom = c;
        cursor_skip(&bom, 4);
        uint32_t b = cursor_be32(&bom);
        if (!cursor_ok(&bom) || (b != PCAPNG_BOM && b != 0x4d3c2b1au))
            return -1;
        w->is_be = b == PCAPNG_BOM; /* a new section numbers interfaces from 0 */
        w->idb_count = w->accepted = 0;
        w->first_dropped = UINT32_MAX;
    } else if (!w->is_be) {
        type = (type >> 24) | ((type >> 8) & 0xff00u) | ((type << 8) & 0xff0000u) | (type << 24);
    }
    uint32_t blen = read32(&c, w->is_be);
    if (!cursor_ok(&c) || blen < 12 || blen % 4 != 0)
        return -1;
    *block_len = blen;
    uint32_t iface = UINT32_MAX;
    if (type == PCAPNG_IDB)
        walk_idb(w, &c);
    else if (type == PCAPNG_EPB)
        iface = read32(&c, w->is_be);
    else if (type == PCAPNG_PB) /* obsolete Packet Block: 16-bit interface id */
        iface = w->is_be ? cursor_be16(&c) : cursor_le16(&c);
    if (!cursor_ok(&c))
        return -1;
    /* libpcap takes the packet when iface < accepted, as its own number. */
    return iface != UINT32_MAX && iface >= w->first_dropped && iface < w->accepted;
}

int pcapng_idb_misnumbers(FILE *fp, int linktype, int snaplen)
{
    off_t saved = ftello(fp);
    if (saved < 0)
        return -errno;
    struct walk w = {linktype, snaplen, false, 0, 0, UINT32_MAX};
    uint64_t pos = 0;
    int verdict = 0;
    /* Each block is at least 12 bytes long, so the walk ends at end of file. */
    while (verdict == 0 && pos <= INT64_MAX) {
        uint8_t hdr[16];
        if (fseeko(fp, (off_t)pos, SEEK_SET) != 0)
            break;
        size_t got = fread(hdr, 1, sizeof(hdr), fp);
        uint64_t block_len = 0;
        verdict = walk_block(&w, hdr, got, &block_len);
        pos += block_len;
    }
    clearerr(fp);
    if (fseeko(fp, saved, SEEK_SET) != 0)
        return -errno;
    return verdict == 1 ? 1 : 0;
}
