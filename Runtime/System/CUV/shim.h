// CUV: libuv (Debian libuv1-dev) for the SokoHTTP module only.
#ifndef SOKO_CUV_SHIM_H
#define SOKO_CUV_SHIM_H
#include <uv.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
#include <malloc.h>

/// glibc's `mallopt(M_ARENA_MAX, …)`: `M_ARENA_MAX` is a negative macro Swift does not import,
/// and the Glibc module leaves `malloc.h` out. Returns 1 on success.
static inline int soko_malloc_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
#endif
