// CCurl: libcurl (Debian libcurl4-openssl-dev) for the SokoOutbound module only.
#ifndef SOKO_CCURL_SHIM_H
#define SOKO_CCURL_SHIM_H
#include <curl/curl.h>

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
#endif
