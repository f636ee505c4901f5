// CYAML: libyaml's event parser (Debian libyaml-dev) for the SokoManifest module only.
#ifndef SOKO_CYAML_SHIM_H
#define SOKO_CYAML_SHIM_H
#include <yaml.h>
#endif
