// libcurl's (and libssl's) entry points, looked up once with dlopen/dlsym (see include/CCurl.h).
#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SOKO_CURL_LIBRARY "libcurl.so.4"
#define SOKO_CURL_PACKAGE "libcurl4"
#define SOKO_SSL_LIBRARY "libssl.so.3"
#define SOKO_SSL_PACKAGE "libssl3"

// One pointer per function used, typed from the libraries' own declarations. The fields are
// named without `curl_`: curl.h defines curl_easy_setopt and friends as type-checking macros.
#define SOKO_CURL_FUNCTIONS(X) \
    X(global_init, curl_global_init) X(easy_init, curl_easy_init) X(easy_cleanup, curl_easy_cleanup) \
    X(easy_strerror, curl_easy_strerror) X(easy_setopt, curl_easy_setopt) X(easy_getinfo, curl_easy_getinfo) \
    X(multi_init, curl_multi_init) X(multi_cleanup, curl_multi_cleanup) X(multi_add_handle, curl_multi_add_handle) \
    X(multi_remove_handle, curl_multi_remove_handle) X(multi_info_read, curl_multi_info_read) \
    X(multi_socket_action, curl_multi_socket_action) X(multi_strerror, curl_multi_strerror) \
    X(multi_setopt, curl_multi_setopt) X(slist_append, curl_slist_append) X(slist_free_all, curl_slist_free_all)

#define SOKO_FIELD(field, name) __typeof__(name) *field;
static struct {
    SOKO_CURL_FUNCTIONS(SOKO_FIELD)
    __typeof__(OPENSSL_init_ssl) *openssl_init_ssl;
} curl;
#undef SOKO_FIELD

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];
static const char *result = failure;

static void *open_library(const char *variable, const char *name, const char *package) {
    // SOKO_LIBCURL / SOKO_LIBSSL name other files (libraries outside the loader's path).
    const char *chosen = getenv(variable);
    if (chosen && *chosen) name = chosen;
    // RTLD_LOCAL: the libraries' symbols stay out of the global namespace.
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s not found: install %s (%s)", name, package, why ? why : "dlopen failed");
    }
    return library;
}

static void load(void) {
    void *ssl = open_library("SOKO_LIBSSL", SOKO_SSL_LIBRARY, SOKO_SSL_PACKAGE);
    if (!ssl) return;
    if (!(curl.openssl_init_ssl = (__typeof__(OPENSSL_init_ssl) *)dlsym(ssl, "OPENSSL_init_ssl"))) {
        snprintf(failure, sizeof failure, SOKO_SSL_LIBRARY " has no OPENSSL_init_ssl (too old a " SOKO_SSL_PACKAGE ")");
        return;
    }
    void *library = open_library("SOKO_LIBCURL", SOKO_CURL_LIBRARY, SOKO_CURL_PACKAGE);
    if (!library) return;
#define SOKO_LOOKUP(field, name) \
    if (!(curl.field = (__typeof__(name) *)dlsym(library, #name))) { \
        snprintf(failure, sizeof failure, SOKO_CURL_LIBRARY " has no " #name " (too old a " SOKO_CURL_PACKAGE ")"); \
        return; \
    }
    SOKO_CURL_FUNCTIONS(SOKO_LOOKUP)
#undef SOKO_LOOKUP
    result = NULL;
}

const char *soko_curl_load(void) {
    pthread_once(&once, load);
    return result;
}

int soko_openssl_init(void) {
    return curl.openssl_init_ssl(
        OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
}

CURLcode soko_curl_global_init(long flags) { return curl.global_init(flags); }
CURL *soko_curl_easy_init(void) { return curl.easy_init(); }
void soko_curl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }
const char *soko_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
CURLM *soko_curl_multi_init(void) { return curl.multi_init(); }
CURLMcode soko_curl_multi_cleanup(CURLM *multi) { return curl.multi_cleanup(multi); }
CURLMcode soko_curl_multi_add_handle(CURLM *multi, CURL *handle) { return curl.multi_add_handle(multi, handle); }
CURLMcode soko_curl_multi_remove_handle(CURLM *multi, CURL *handle) { return curl.multi_remove_handle(multi, handle); }
CURLMsg *soko_curl_multi_info_read(CURLM *multi, int *msgs_in_queue) { return curl.multi_info_read(multi, msgs_in_queue); }
CURLMcode soko_curl_multi_socket_action(CURLM *multi, curl_socket_t s, int ev_bitmask, int *running_handles) {
    return curl.multi_socket_action(multi, s, ev_bitmask, running_handles);
}
const char *soko_curl_multi_strerror(CURLMcode code) { return curl.multi_strerror(code); }
struct curl_slist *soko_curl_slist_append(struct curl_slist *list, const char *data) {
    return curl.slist_append(list, data);
}
void soko_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode soko_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode soko_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode soko_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode soko_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode soko_curl_setopt_write_function(CURL *handle, soko_curl_write_callback callback) {
    return curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
CURLcode soko_curl_setopt_header_function(CURL *handle, soko_curl_write_callback callback) {
    return curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}
CURLcode soko_curl_setopt_read_function(CURL *handle, soko_curl_read_callback callback) {
    return curl.easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}
CURLcode soko_curl_getinfo_response_code(CURL *handle, long *code) {
    return curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}
CURLcode soko_curl_getinfo_private(CURL *handle, void **pointer) {
    return curl.easy_getinfo(handle, CURLINFO_PRIVATE, (char **)pointer);
}
CURLMcode soko_curl_multi_socket_function(CURLM *multi, soko_curl_socket_callback callback, void *data) {
    CURLMcode code = curl.multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
    if (code != CURLM_OK) return code;
    return curl.multi_setopt(multi, CURLMOPT_SOCKETDATA, data);
}
CURLMcode soko_curl_multi_timer_function(CURLM *multi, soko_curl_timer_callback callback, void *data) {
    CURLMcode code = curl.multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
    if (code != CURLM_OK) return code;
    return curl.multi_setopt(multi, CURLMOPT_TIMERDATA, data);
}
CURLMcode soko_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl.multi_setopt(multi, option, value);
}
