// CCurl: libcurl (Debian libcurl4-openssl-dev) for the SokoOutbound module only.
#ifndef SOKO_CCURL_SHIM_H
#define SOKO_CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/ssl.h>

// curl_easy_setopt is variadic, which Swift cannot call; these typed wrappers exist only for that.
static inline CURLcode soko_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode soko_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode soko_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
typedef size_t (*soko_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode soko_curl_setopt_write_function(CURL *curl, soko_curl_write_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode soko_curl_getinfo_response_code(CURL *curl, long *code) {
    return curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
}

// Multi interface: typed wrappers for the variadic curl_multi_setopt.
typedef int (*soko_curl_socket_callback)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*soko_curl_timer_callback)(CURLM *multi, long timeout_ms, void *userp);
static inline CURLMcode soko_curl_multi_socket_function(CURLM *multi, soko_curl_socket_callback callback, void *data) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
    if (code != CURLM_OK) return code;
    return curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, data);
}
static inline CURLMcode soko_curl_multi_timer_function(CURLM *multi, soko_curl_timer_callback callback, void *data) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
    if (code != CURLM_OK) return code;
    return curl_multi_setopt(multi, CURLMOPT_TIMERDATA, data);
}
static inline CURLMcode soko_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}
static inline CURLcode soko_curl_setopt_header_function(CURL *curl, soko_curl_write_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, callback);
}
typedef size_t (*soko_curl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode soko_curl_setopt_read_function(CURL *curl, soko_curl_read_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_READFUNCTION, callback);
}
static inline CURLcode soko_curl_setopt_offset(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode soko_curl_getinfo_private(CURL *curl, void **pointer) {
    return curl_easy_getinfo(curl, CURLINFO_PRIVATE, (char **)pointer);
}
// The message's easy handle and result (CURLMsg holds them in a union Swift cannot read).
static inline CURL *soko_curl_msg_easy(CURLMsg *message) { return message->easy_handle; }
static inline int soko_curl_msg_done(CURLMsg *message) { return message->msg == CURLMSG_DONE; }
static inline CURLcode soko_curl_msg_result(CURLMsg *message) { return message->data.result; }

// OpenSSL is set up once, before libcurl, without its atexit cleanup: a cleanup at exit while
// another thread (or a static destructor) still frees TLS state through libcurl crashes the
// process. The OS reclaims everything at exit anyway.
static inline int soko_openssl_init(void) {
    return OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
}
#endif
