// The floor for a libcurl heartbeat client, built by agent_footprint.py: the same work per beat as
// downtime-agent (one keep-alive POST of the same heartbeat JSON, the state file written atomically
// every persist interval) with nothing else. Stops on SIGTERM and prints "beats_ok=N beats_failed=M".
//
// usage: c_agent URL TOKEN DEVICE STATE_DIR INTERVAL_S PERSIST_S
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_term(int sig) { (void)sig; stop_requested = 1; }

static double mono(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double boottime(void) {
    struct timespec t;
    clock_gettime(CLOCK_BOOTTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// ISO 8601 UTC with milliseconds, as the wire wants.
static void wall_iso(char *out, size_t size) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    struct tm tm;
    gmtime_r(&t.tv_sec, &tm);
    size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, size - n, ".%03ldZ", t.tv_nsec / 1000000);
}

static size_t discard(char *p, size_t size, size_t count, void *ctx) {
    (void)p; (void)ctx;
    return size * count;
}

// tmp, write, fsync, rename, fsync the folder: what downtime-agent's FileIO.writeAtomically does.
static int write_atomically(const char *dir, const char *path, const char *tmp, const char *text) {
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0) { if (errno == EINTR) continue; close(fd); return -1; }
        done += (size_t)n;
    }
    if (fsync(fd) != 0) { close(fd); return -1; }
    close(fd);
    if (rename(tmp, path) != 0) return -1;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
    int rc = fsync(dfd);
    close(dfd);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s URL TOKEN DEVICE STATE_DIR INTERVAL_S PERSIST_S\n", argv[0]);
        return 2;
    }
    const char *base = argv[1], *token = argv[2], *device = argv[3], *dir = argv[4];
    double interval = atof(argv[5]), persist = atof(argv[6]);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    char boot_id[64] = "0";
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (f) {
        if (fgets(boot_id, sizeof boot_id, f)) boot_id[strcspn(boot_id, "\n")] = 0;
        fclose(f);
    }
    char path[4096], tmp[4200], url[2048], auth[1024];
    snprintf(path, sizeof path, "%s/state.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    snprintf(url, sizeof url, "%s/api/v1/heartbeat", base);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);

    // Read the previous state, as an agent does at start (the content is not needed here).
    char previous[512] = "";
    f = fopen(path, "r");
    if (f) {
        size_t n = fread(previous, 1, sizeof previous - 1, f);
        previous[n] = 0;
        fclose(f);
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    if (!h) return 1;
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    headers = curl_slist_append(headers, auth);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "c-floor/1");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);

    long ok = 0, failed = 0;
    unsigned long long seq = 0;
    double last_persist = -1e18;
    double next = mono();
    char now[40], body[1024], state[512];
    while (!stop_requested) {
        double m = mono();
        wall_iso(now, sizeof now);
        if (m - last_persist >= persist) {
            snprintf(state, sizeof state,
                     "{\"boot_id\":\"%s\",\"clean_shutdown_at\":null,\"clock_synced\":true,\"last_alive\":\"%s\","
                     "\"last_alive_uptime\":%.3f}\n", boot_id, now, boottime());
            if (write_atomically(dir, path, tmp, state) != 0) perror("state file");
            last_persist = m;
        }
        seq++;
        int len = snprintf(body, sizeof body,
                           "{\"agent_version\":\"c-floor\",\"boot_id\":\"%s\",\"clock_synced\":true,\"device\":\"%s\","
                           "\"interval_s\":%d,\"sent_at\":\"%s\",\"seq\":%llu,\"uptime_s\":%.3f}",
                           boot_id, device, (int)interval, now, seq, boottime());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
        long status = 0;
        if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) ok++; else failed++;

        next += interval;
        double left = next - mono();
        if (left < 0) { next = mono() + interval; left = interval; }
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        while (!stop_requested && nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    printf("beats_ok=%ld beats_failed=%ld\n", ok, failed);
    return 0;
}
