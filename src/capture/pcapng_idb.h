/* pcapng_idb.h — would libpcap 1.10 misnumber a pcapng file's interfaces?
 * (internal to capture/)
 */
#ifndef HRADBA_CAPTURE_PCAPNG_IDB_H
#define HRADBA_CAPTURE_PCAPNG_IDB_H

#include <stdio.h>

/* libpcap 1.10 gives no index to an Interface Description Block whose link
 * type (LINKTYPE_ value) or snap length differs from the file's first
 * interface, so an IDB it accepts later in the same section takes a smaller
 * number than its own, and a packet on a refused interface may come out
 * labelled as an accepted one. Walks the block headers of the seekable
 * stream fp from its start and returns 1 when some packet in the file would
 * be delivered so, 0 when none would (the refused interfaces' packets are
 * then all refused too), -errno when fp cannot be walked. fp's position is
 * put back. */
int pcapng_idb_misnumbers(FILE *fp, int linktype, int snaplen);

#endif
