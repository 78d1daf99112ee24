/* stats.c -- store statistics and hot backups.
 *
 * Statistics come from LMDB itself (mdb_env_info for the map, mdb_stat per
 * database for the counts, read in one read transaction, so the counts are
 * one consistent snapshot) plus the counters this handle keeps.  A backup
 * is mdb_env_copy2 with MDB_CP_COMPACT: it runs in its own read
 * transaction, so the writer goes on while it copies, and the copy holds
 * only live pages.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "store_int.h"

static int db_entries(MDB_txn *txn, MDB_dbi dbi, uint64_t *n) {
  MDB_stat st;
  int rc = mdb_stat(txn, dbi, &st);
  if (rc == 0) *n = st.ms_entries;
  return fh__store_errno(rc);
}

int fh_store_stats_get(fh_store *s, fh_store_stats *st) {
  MDB_envinfo info;
  MDB_stat env;
  MDB_txn *txn;
  memset(st, 0, sizeof *st);
  int rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  rc = fh__store_errno(mdb_env_info(s->env, &info));
  if (rc == 0) rc = fh__store_errno(mdb_env_stat(s->env, &env));
  for (int t = 0; rc == 0 && t < FH_T__COUNT; t++)
    if (!(s->missing & (1u << t))) rc = db_entries(txn, s->dbi[t], &st->entries[t]);
  if (rc == 0) rc = db_entries(txn, s->dbi[DB_EVENTS], &st->events);
  if (rc == 0) rc = db_entries(txn, s->dbi[DB_IDEM], &st->idem_keys);
  st->commits = s->commits; /* read under the shared lock */
  st->grows = s->grows;
  fh__store_read_end(s, txn);
  if (rc != 0) return rc;
  st->map_size = info.me_mapsize;
  st->map_size_max = s->map_size_max;
  st->used_bytes = (info.me_last_pgno + 1) * (size_t)env.ms_psize;
  st->stale_readers = s->stale_readers;
  return 0;
}

/* 0 if path is an existing, empty directory. */
static int check_empty_dir(const char *path) {
  struct stat sb;
  struct dirent *e;
  int rc = 0;
  if (stat(path, &sb) != 0) return -errno;
  if (!S_ISDIR(sb.st_mode)) return -ENOTDIR;
  DIR *d = opendir(path);
  if (d == NULL) return -errno;
  while (rc == 0 && (e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      rc = -ENOTEMPTY;
  closedir(d);
  return rc;
}

int fh_store_backup(fh_store *s, const char *path) {
  if (s == NULL || path == NULL) return -EINVAL;
  int rc = check_empty_dir(path);
  if (rc != 0) return rc;
  /* Adopts a map grown by another process first: the copy's own read
   * transaction would fail with MDB_MAP_RESIZED after creating the file. */
  MDB_txn *txn;
  rc = fh__store_read_begin(s, &txn);
  if (rc != 0) return rc;
  fh__store_read_end(s, txn);
  return fh__store_errno(mdb_env_copy2(s->env, path, MDB_CP_COMPACT));
}
