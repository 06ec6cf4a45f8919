/* data_dir.h — where hradba keeps its state (the intel store, DIR/intel.db).
 *
 * Resolution order: the --data-dir option, $HRADBA_DATA_DIR,
 * $XDG_DATA_HOME/hradba (XDG Base Directory Specification: only an absolute
 * XDG_DATA_HOME counts), $HOME/.local/share/hradba. Empty variables count as
 * unset. Nothing here opens the store.
 */
#ifndef HRADBA_CLI_DATA_DIR_H
#define HRADBA_CLI_DATA_DIR_H

#include <stddef.h>

/* The data directory for opt (the --data-dir value, or NULL) into out (cap
 * bytes). 0, -ENOENT when neither the option nor any variable gives one,
 * -ENAMETOOLONG when it does not fit. Does not touch the file system. */
int data_dir_resolve(const char *opt, char *out, size_t cap);

/* Creates dir and any missing parents with mode 0700 (directories that
 * already exist are left as they are). 0, or -errno: -ENOTDIR when a part of
 * the path is a file. */
int data_dir_ensure(const char *dir);

/* DIR/name into out; 0 or -ENAMETOOLONG. */
int data_dir_file(const char *dir, const char *name, char *out, size_t cap);

#endif
