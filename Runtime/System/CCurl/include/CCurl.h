// CCurl: libcurl (Debian libcurl4 at run time, libcurl4-openssl-dev to build) for the SokoOutbound
// module only, loaded with dlopen by the first outgoing call, not linked: a process that never
// calls out never maps libcurl nor what it pulls in (libssl, libcrypto, gnutls, Kerberos, LDAP,
// ssh2, …: ~5 MiB of idle RSS with libpq's, benchmarks/README.md). The header gives the types and
// constants; Swift calls the `soko_curl…` functions below, which go through a table of libcurl's
// (and one of libssl's) entry points.
#ifndef SOKO_CCURL_H
#define SOKO_CCURL_H
#include <curl/curl.h>
#include <openssl/ssl.h>

/// Loads libcurl and libssl once per process (thread-safe). NULL when they are loaded, else why
/// not ("libcurl.so.4 not found: install libcurl4 (…)"), the same text on every later call.
/// Call it before any other function here: they assume the libraries are loaded.
const char *soko_curl_load(void);

/// OpenSSL is set up once, before libcurl, without its atexit cleanup: a cleanup at exit while
/// another thread (or a static destructor) still frees TLS state through libcurl crashes the
/// process. The OS reclaims everything at exit anyway.
int soko_openssl_init(void);

CURLcode soko_curl_global_init(long flags);
CURL *soko_curl_easy_init(void);
void soko_curl_easy_cleanup(CURL *curl);
const char *soko_curl_easy_strerror(CURLcode code);
CURLM *soko_curl_multi_init(void);
CURLMcode soko_curl_multi_cleanup(CURLM *multi);
CURLMcode soko_curl_multi_add_handle(CURLM *multi, CURL *curl);
CURLMcode soko_curl_multi_remove_handle(CURLM *multi, CURL *curl);
CURLMsg *soko_curl_multi_info_read(CURLM *multi, int *msgs_in_queue);
CURLMcode soko_curl_multi_socket_action(CURLM *multi, curl_socket_t s, int ev_bitmask, int *running_handles);
const char *soko_curl_multi_strerror(CURLMcode code);
struct curl_slist *soko_curl_slist_append(struct curl_slist *list, const char *data);
void soko_curl_slist_free_all(struct curl_slist *list);

// curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call; these typed wrappers exist only for that.
CURLcode soko_curl_setopt_string(CURL *curl, CURLoption option, const char *value);
CURLcode soko_curl_setopt_long(CURL *curl, CURLoption option, long value);
CURLcode soko_curl_setopt_pointer(CURL *curl, CURLoption option, void *value);
CURLcode soko_curl_setopt_offset(CURL *curl, CURLoption option, curl_off_t value);
typedef size_t (*soko_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
CURLcode soko_curl_setopt_write_function(CURL *curl, soko_curl_write_callback callback);
CURLcode soko_curl_setopt_header_function(CURL *curl, soko_curl_write_callback callback);
typedef size_t (*soko_curl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
CURLcode soko_curl_setopt_read_function(CURL *curl, soko_curl_read_callback callback);
CURLcode soko_curl_getinfo_response_code(CURL *curl, long *code);
CURLcode soko_curl_getinfo_private(CURL *curl, void **pointer);
typedef int (*soko_curl_socket_callback)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*soko_curl_timer_callback)(CURLM *multi, long timeout_ms, void *userp);
CURLMcode soko_curl_multi_socket_function(CURLM *multi, soko_curl_socket_callback callback, void *data);
CURLMcode soko_curl_multi_timer_function(CURLM *multi, soko_curl_timer_callback callback, void *data);
CURLMcode soko_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

// The message's easy handle and result (CURLMsg holds them in a union Swift cannot read).
static inline CURL *soko_curl_msg_easy(CURLMsg *message) { return message->easy_handle; }
static inline int soko_curl_msg_done(CURLMsg *message) { return message->msg == CURLMSG_DONE; }
static inline CURLcode soko_curl_msg_result(CURLMsg *message) { return message->data.result; }
#endif
