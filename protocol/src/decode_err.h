/* decode_err.h -- filling struct fh_decode_err.
 *
 * Design: the decoders report every failure through fh__derr_set(), so the key
 * is always copied with its bound checked and the message always names it.
 * has_id/id are set separately by whoever managed to read an `id`.
 */
#ifndef FH_DECODE_ERR_H
#define FH_DECODE_ERR_H

#include "fh_protocol.h"

/* Resets err to "no error, no id". */
void fh__derr_clear(fh_decode_err *err);

/* Sets code, key (NULL for "") and the printf-formatted msg; leaves
 * has_id/id alone.  Always returns -1, for `return fh__derr_set(...)`. */
int fh__derr_set(fh_decode_err *err, fh_err_code code, const char *key,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* FH_DECODE_ERR_H */
