// CPostgres: libpq (Debian libpq-dev) for the SokoStore module only.
#ifndef SOKO_CPOSTGRES_SHIM_H
#define SOKO_CPOSTGRES_SHIM_H
#include <postgresql/libpq-fe.h>
#endif
