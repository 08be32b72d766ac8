/* "HOST:PORT" as the listening options take it (--listen, mirror.listen, http.listen). */
#ifndef IG_CORE_HOSTPORT_H
#define IG_CORE_HOSTPORT_H

#include <stddef.h>
#include <stdint.h>

/* Splits "host:port" or "[v6]:port" (a bare IPv6 host splits at its last colon) into host
 * (NUL-terminated, at most hcap - 1 bytes) and port (0..65535). A bare "PORT" is
 * <bare_host>:PORT, or an error when bare_host is NULL. Returns 0 or -1. */
int ig_split_hostport(const char *s, char *host, size_t hcap, uint16_t *port, const char *bare_host);

#endif
