// libpq's entry points, looked up once with dlopen/dlsym (see include/CPostgres.h for why).
#include "CPostgres.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SOKO_PQ_LIBRARY "libpq.so.5"
#define SOKO_PQ_PACKAGE "libpq5"

// One pointer per libpq function used, typed from libpq's own declarations.
#define SOKO_PQ_FUNCTIONS(X) \
    X(PQconnectdb) X(PQfinish) X(PQreset) X(PQstatus) X(PQtransactionStatus) X(PQerrorMessage) \
    X(PQsetNoticeProcessor) X(PQexecParams) X(PQresultStatus) X(PQresultErrorField) X(PQclear) \
    X(PQcmdTuples) X(PQntuples) X(PQnfields) X(PQfname) X(PQftype) X(PQgetisnull) X(PQgetvalue) \
    X(PQunescapeBytea) X(PQfreemem)

#define SOKO_FIELD(name) __typeof__(name) *name;
static struct { SOKO_PQ_FUNCTIONS(SOKO_FIELD) } pq;
#undef SOKO_FIELD

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];
static const char *result = failure;

static void load(void) {
    // SOKO_LIBPQ names another file (a libpq outside the loader's path); the default is Debian's.
    const char *name = getenv("SOKO_LIBPQ");
    if (!name || !*name) name = SOKO_PQ_LIBRARY;
    // RTLD_LOCAL: libpq's symbols stay out of the global namespace (nothing else binds to them).
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s not found: install " SOKO_PQ_PACKAGE " (%s)", name, why ? why : "dlopen failed");
        return;
    }
#define SOKO_LOOKUP(symbol) \
    if (!(pq.symbol = (__typeof__(symbol) *)dlsym(library, #symbol))) { \
        snprintf(failure, sizeof failure, "%s has no " #symbol " (too old a " SOKO_PQ_PACKAGE ")", name); \
        return; \
    }
    SOKO_PQ_FUNCTIONS(SOKO_LOOKUP)
#undef SOKO_LOOKUP
    result = NULL;
}

const char *soko_pq_load(void) {
    pthread_once(&once, load);
    return result;
}

PGconn *soko_PQconnectdb(const char *conninfo) { return pq.PQconnectdb(conninfo); }
void soko_PQfinish(PGconn *conn) { pq.PQfinish(conn); }
void soko_PQreset(PGconn *conn) { pq.PQreset(conn); }
ConnStatusType soko_PQstatus(const PGconn *conn) { return pq.PQstatus(conn); }
PGTransactionStatusType soko_PQtransactionStatus(const PGconn *conn) { return pq.PQtransactionStatus(conn); }
char *soko_PQerrorMessage(const PGconn *conn) { return pq.PQerrorMessage(conn); }
PQnoticeProcessor soko_PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg) {
    return pq.PQsetNoticeProcessor(conn, proc, arg);
}
PGresult *soko_PQexecParams(
    PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
    const int *paramLengths, const int *paramFormats, int resultFormat) {
    return pq.PQexecParams(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat);
}
ExecStatusType soko_PQresultStatus(const PGresult *res) { return pq.PQresultStatus(res); }
char *soko_PQresultErrorField(const PGresult *res, int fieldcode) { return pq.PQresultErrorField(res, fieldcode); }
void soko_PQclear(PGresult *res) { pq.PQclear(res); }
char *soko_PQcmdTuples(PGresult *res) { return pq.PQcmdTuples(res); }
int soko_PQntuples(const PGresult *res) { return pq.PQntuples(res); }
int soko_PQnfields(const PGresult *res) { return pq.PQnfields(res); }
char *soko_PQfname(const PGresult *res, int field_num) { return pq.PQfname(res, field_num); }
Oid soko_PQftype(const PGresult *res, int field_num) { return pq.PQftype(res, field_num); }
int soko_PQgetisnull(const PGresult *res, int tup_num, int field_num) { return pq.PQgetisnull(res, tup_num, field_num); }
char *soko_PQgetvalue(const PGresult *res, int tup_num, int field_num) { return pq.PQgetvalue(res, tup_num, field_num); }
unsigned char *soko_PQunescapeBytea(const unsigned char *strtext, size_t *retbuflen) {
    return pq.PQunescapeBytea(strtext, retbuflen);
}
void soko_PQfreemem(void *ptr) { pq.PQfreemem(ptr); }
