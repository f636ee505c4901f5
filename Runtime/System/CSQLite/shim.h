// CSQLite: SQLite 3 (Debian libsqlite3-dev) for the SokoStore module only.
#ifndef SOKO_CSQLITE_SHIM_H
#define SOKO_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
