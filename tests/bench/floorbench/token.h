/* token.h -- HS256 tokens for floorhub (see token.c). */
#ifndef FB_TOKEN_H
#define FB_TOKEN_H

/* A signed token {sub, role, iat, exp = now + ttl_s} (malloc'd, free()
 * it), or NULL when the key file cannot be read or signing fails. */
char *token_mint(const char *key_file, const char *sub, const char *role,
                 long ttl_s);

#endif
