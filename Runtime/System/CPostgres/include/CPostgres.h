// CPostgres: libpq (Debian libpq5 at run time, libpq-dev to build) for the SokoStore module only,
// loaded with dlopen by the first PostgreSQL store, not linked: a process on SQLite never maps
// libpq nor what it pulls in (libssl, libcrypto, Kerberos, LDAP, gnutls: ~5 MiB of idle RSS with
// libcurl's, benchmarks/README.md). The header gives the types and constants; Swift calls the
// `soko_PQ…` functions below, which go through a table of libpq's entry points.
#ifndef SOKO_CPOSTGRES_H
#define SOKO_CPOSTGRES_H
#include <postgresql/libpq-fe.h>
#include <stddef.h>

/// Loads libpq once per process (thread-safe). NULL when it is loaded, else why not
/// ("libpq.so.5 not found: install libpq5 (…)"), the same text on every later call.
/// Call it before any `soko_PQ…` function: they assume the library is loaded.
const char *soko_pq_load(void);

PGconn *soko_PQconnectdb(const char *conninfo);
void soko_PQfinish(PGconn *conn);
void soko_PQreset(PGconn *conn);
ConnStatusType soko_PQstatus(const PGconn *conn);
PGTransactionStatusType soko_PQtransactionStatus(const PGconn *conn);
char *soko_PQerrorMessage(const PGconn *conn);
PQnoticeProcessor soko_PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg);
PGresult *soko_PQexecParams(
    PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
    const int *paramLengths, const int *paramFormats, int resultFormat);
ExecStatusType soko_PQresultStatus(const PGresult *res);
char *soko_PQresultErrorField(const PGresult *res, int fieldcode);
void soko_PQclear(PGresult *res);
char *soko_PQcmdTuples(PGresult *res);
int soko_PQntuples(const PGresult *res);
int soko_PQnfields(const PGresult *res);
char *soko_PQfname(const PGresult *res, int field_num);
Oid soko_PQftype(const PGresult *res, int field_num);
int soko_PQgetisnull(const PGresult *res, int tup_num, int field_num);
char *soko_PQgetvalue(const PGresult *res, int tup_num, int field_num);
unsigned char *soko_PQunescapeBytea(const unsigned char *strtext, size_t *retbuflen);
void soko_PQfreemem(void *ptr);
#endif
