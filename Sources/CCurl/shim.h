#ifndef DOWNTIME_CCURL_SHIM_H
#define DOWNTIME_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/timex.h>

// curl_easy_setopt / curl_easy_getinfo are variadic macros Swift cannot call: typed wrappers.
static inline CURLcode dt_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dt_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dt_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dt_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dt_setopt_write(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode dt_setopt_read(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_READFUNCTION, f);
}
static inline CURLcode dt_setopt_xferinfo(CURL *h, int (*f)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f);
}
static inline CURLcode dt_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode dt_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

// Not curl, but the agent's only other C need: is the kernel clock unsynchronized (adjtimex)?
// <sys/timex.h> is not in Swift's Glibc module, so it lives in this shim.
static inline int dt_kernel_clock_unsynced(void) {
    struct timex tx = {0};
    int state = adjtimex(&tx);
    return state < 0 || state == TIME_ERROR || (tx.status & STA_UNSYNC) != 0;
}

#endif
