// CHTTPParser: Node's http-parser (Debian libhttp-parser-dev) for the SokoHTTP module only.
#ifndef SOKO_CHTTPPARSER_SHIM_H
#define SOKO_CHTTPPARSER_SHIM_H
#include <http_parser.h>
#endif
