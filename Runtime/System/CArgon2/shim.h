// CArgon2: the Argon2 reference library (Debian libargon2-dev) for the SokoSecurity module only.
#ifndef SOKO_CARGON2_SHIM_H
#define SOKO_CARGON2_SHIM_H
#include <argon2.h>
#endif
