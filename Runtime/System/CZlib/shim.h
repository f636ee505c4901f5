// CZlib: zlib (Debian zlib1g-dev) for the SokoOutbound module only (gzip of Loki pushes).
#ifndef SOKO_CZLIB_SHIM_H
#define SOKO_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 is a macro; this wrapper makes it callable: gzip framing (window bits 15 + 16).
static inline int soko_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
