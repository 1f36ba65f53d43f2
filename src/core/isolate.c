/* Work run in a helper process, for code that may crash, hang or exhaust memory on
 * hostile input (a third-party parser): the caller gets the helper's bytes back, or an
 * error naming what went wrong, and survives whatever the helper does.
 *
 * The helper is forked from the process once and then serves request after request
 * over a socket, so that a request costs a round trip rather than a fork (a child
 * fresh from fork pays a page fault for every page it writes, which for a parser's
 * working memory costs several times the work). It leaves after a while without
 * requests, or when the process is gone; a helper that crashed, was killed for taking
 * too long, or left is replaced by a new one at the next request. */
#define _GNU_SOURCE /* strsignal, MSG_NOSIGNAL */

#include "isolate.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define KILN__UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN__UNDER_ASAN 1
#endif
#endif
#ifndef KILN__UNDER_ASAN
#define KILN__UNDER_ASAN 0
#endif

/* A helper with no request for this long leaves. */
#define KILN__HELPER_IDLE_MS 20000

kiln_result kiln__bytes_put(kiln__bytes *b, const void *data, size_t size) {
    if (size == 0)
        return KILN_OK;
    if (size > SIZE_MAX - b->size)
        return kiln__fail_oom("an isolated result", SIZE_MAX);
    KILN__CHECK(kiln__grow(&b->data, &b->capacity, b->size + size, 1, 4096, "an isolated result"));
    memcpy(b->data + b->size, data, size);
    b->size += size;
    return KILN_OK;
}

void kiln__bytes_free(kiln__bytes *b) {
    kiln__free(b->data);
    *b = (kiln__bytes){0};
}

bool kiln__bytes_take(kiln__bytes_reader *r, void *out, size_t size) {
    if (size > r->size - r->at) {
        r->failed = true;
        memset(out, 0, size);
        return false;
    }
    memcpy(out, r->data + r->at, size);
    r->at += size;
    return true;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Sends all of data; false when the other side is gone. */
static bool send_all(int fd, const void *data, size_t size) {
    const uint8_t *p = data;
    while (size > 0) {
        ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= (size_t)n;
    }
    return true;
}

/* Receives exactly size bytes before the deadline (a negative deadline: none). 1 when
 * they came, 0 when the other side closed first, -1 at the deadline or on an error. */
static int receive_all(int fd, void *data, size_t size, double deadline, int idle_ms) {
    uint8_t *p = data;
    while (size > 0) {
        int wait = idle_ms;
        if (deadline >= 0.0) {
            double left = deadline - now_seconds();
            if (left <= 0.0)
                return -1;
            wait = left > 1e6 ? 1000000000 : (int)(left * 1000.0) + 1;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int ready = poll(&pfd, 1, wait);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return -1;
        if (ready == 0) {
            if (deadline < 0.0)
                return -1; /* idle */
            continue;
        }
        ssize_t n = recv(fd, p, size, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        p += n;
        size -= (size_t)n;
    }
    return 1;
}

/* A request: [work][memory limit][request size][request]. A reply: [result][message
 * size][message][result size][result]. */
typedef struct request_head {
    kiln__isolated_fn work;
    uint64_t memory_limit;
    double seconds;
    uint64_t size;
} request_head;

/* The address space the helper has now, in bytes (0 when unknown). */
static size_t address_space(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long pages = 0;
    int n = fscanf(f, "%lu", &pages);
    fclose(f);
    return n == 1 ? (size_t)pages * (size_t)sysconf(_SC_PAGESIZE) : 0;
}

/* Whether fd has something to read (or was closed) within ms milliseconds. */
static bool wait_readable(int fd, int ms) {
    const double deadline = now_seconds() + ms * 1e-3;
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        double left = deadline - now_seconds();
        int ready = poll(&pfd, 1, left > 0.0 ? (int)(left * 1000.0) + 1 : 0);
        if (ready > 0)
            return true;
        if (ready == 0 || errno != EINTR)
            return false;
    }
}

/* The helper: serves requests until the socket closes or none comes for a while, then
 * leaves without running anything of the process it was forked from (no atexit
 * handlers, no flushing of its stdio buffers). */
static _Noreturn void serve(int fd) {
    signal(SIGPIPE, SIG_IGN);
    /* A crash ends the helper, whatever handlers the process had (a test framework's,
     * Python's faulthandler) that would otherwise run on in it; an interrupt at the
     * terminal is the process's to handle. */
    const int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++)
        signal(crashes[i], SIG_DFL);
    signal(SIGINT, SIG_IGN);
    signal(SIGALRM, SIG_DFL);
    for (;;) {
        request_head head;
        /* A second without requests: what the work took goes back to the system (not
         * after every request, or the next would fault its memory in again). */
        if (!wait_readable(fd, 1000)) {
            malloc_trim(0);
            if (!wait_readable(fd, KILN__HELPER_IDLE_MS))
                _exit(0);
        }
        if (receive_all(fd, &head, sizeof head, -1.0, 60000) != 1)
            _exit(0);
        kiln__bytes request = {0};
        bool ok = head.size < SIZE_MAX &&
                  kiln__grow(&request.data, &request.capacity, (size_t)head.size + 1, 1, 1,
                             "an isolated request") == KILN_OK;
        if (!ok || receive_all(fd, request.data, (size_t)head.size, -1.0, 60000) != 1)
            _exit(ok ? 0 : 4);
        request.size = (size_t)head.size;
        if (!KILN__UNDER_ASAN) {
            /* Address space beyond what the helper has, not resident memory: a request
             * for more fails at once, inside the work, instead of the machine
             * swapping. The sanitizers reserve terabytes of shadow memory up front, so
             * under them the work goes unbounded. */
            size_t now = address_space();
            rlim_t soft = RLIM_INFINITY;
            if (head.memory_limit > 0 && now > 0 && head.memory_limit < (uint64_t)SIZE_MAX - now)
                soft = (rlim_t)(now + head.memory_limit);
            struct rlimit limit;
            if (getrlimit(RLIMIT_AS, &limit) == 0) {
                limit.rlim_cur = soft < limit.rlim_max ? soft : limit.rlim_max;
                (void)setrlimit(RLIMIT_AS, &limit);
            }
        }
        /* The caller kills a helper that overruns; should the caller be gone, the
         * alarm ends it a little later (its default action), and between requests the
         * socket's end does. */
        alarm(head.seconds < 1e6 ? (unsigned)head.seconds + 5u : 0u);
        kiln__bytes out = {0};
        kiln_result r = head.work(request.data, request.size, &out);
        alarm(0);
        kiln__bytes_free(&request);
        const char *message = r == KILN_OK ? "" : kiln_last_error_message();
        int32_t code = (int32_t)r;
        uint32_t length = (uint32_t)strlen(message);
        uint64_t size = r == KILN_OK ? out.size : 0;
        bool sent = send_all(fd, &code, sizeof code) && send_all(fd, &length, sizeof length) &&
                    send_all(fd, message, length) && send_all(fd, &size, sizeof size) &&
                    send_all(fd, out.data, (size_t)size);
        kiln__bytes_free(&out);
        if (!sent)
            _exit(0);
    }
}

/* The process's helper: its pid and socket, and the process it belongs to (a process
 * forked from that one has no helper until it starts its own). */
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;
static pid_t helper_pid;
static int helper_fd = -1;
static pid_t helper_owner;

/* In the child of a fork: the lock may have been held by a thread that is gone, and
 * the helper is the parent's. */
static void forget_helper_after_fork(void) {
    pthread_mutex_init(&helper_lock, NULL);
    if (helper_fd >= 0)
        close(helper_fd);
    helper_fd = -1;
    helper_pid = 0;
}
static void install_fork_handler(void) {
    (void)pthread_atfork(NULL, NULL, forget_helper_after_fork);
}

/* Stops the helper (killed when `kill_it`) and reaps it; its wait status in *status
 * (0 when it could not be had). */
static void end_helper(bool kill_it, int *status) {
    *status = 0;
    if (helper_fd >= 0)
        close(helper_fd);
    helper_fd = -1;
    if (helper_pid > 0 && helper_owner == getpid()) {
        if (kill_it)
            kill(helper_pid, SIGKILL);
        while (waitpid(helper_pid, status, 0) < 0 && errno == EINTR) {
        }
    }
    helper_pid = 0;
}

static kiln_result start_helper(const char *what) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return kiln__fail(KILN_ERROR_IO, "%s: cannot make a socket to a helper process: %s", what,
                          strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return kiln__fail(error == ENOMEM || error == EAGAIN ? KILN_ERROR_OUT_OF_MEMORY
                                                             : KILN_ERROR_IO,
                          "%s: cannot start a helper process: %s", what, strerror(error));
    }
    if (pid == 0) {
        close(fds[0]);
        serve(fds[1]);
    }
    close(fds[1]);
    helper_pid = pid;
    helper_fd = fds[0];
    helper_owner = getpid();
    return KILN_OK;
}

/* One request to the helper, under the lock. Sets *gone when the helper had left
 * before it read the request (it then did none of the work: worth one retry). */
static kiln_result ask_helper(const char *what, const request_head *head, const void *request,
                              double seconds, kiln__bytes *out, bool *gone) {
    *gone = false;
    if (!send_all(helper_fd, head, sizeof *head) ||
        !send_all(helper_fd, request, (size_t)head->size)) {
        int status;
        end_helper(false, &status);
        *gone = true;
        return KILN_ERROR_IO;
    }
    const double deadline = now_seconds() + seconds;
    int32_t code = 0;
    uint32_t length = 0;
    int got = receive_all(helper_fd, &code, sizeof code, deadline, 0);
    if (got == 1)
        got = receive_all(helper_fd, &length, sizeof length, deadline, 0);
    char message[1024] = "";
    if (got == 1) {
        size_t keep = length < sizeof message - 1 ? length : sizeof message - 1;
        got = receive_all(helper_fd, message, keep, deadline, 0);
        message[keep] = '\0';
        for (size_t rest = length - keep; got == 1 && rest > 0;) {
            char skip[256];
            size_t n = rest < sizeof skip ? rest : sizeof skip;
            got = receive_all(helper_fd, skip, n, deadline, 0);
            rest -= n;
        }
    }
    uint64_t size = 0;
    if (got == 1)
        got = receive_all(helper_fd, &size, sizeof size, deadline, 0);
    kiln_result r = KILN_OK;
    if (got == 1 && size > 0) {
        if (size >= SIZE_MAX || kiln__grow(&out->data, &out->capacity, (size_t)size, 1, 1,
                                           "an isolated result") != KILN_OK) {
            r = kiln__fail_oom("what a helper process sent", (size_t)size);
            got = -1;
        } else {
            got = receive_all(helper_fd, out->data, (size_t)size, deadline, 0);
            out->size = (size_t)size;
        }
    }
    if (got == 1)
        return code == KILN_OK ? KILN_OK : kiln__fail((kiln_result)code, "%s", message);
    /* No whole reply: the helper is ended, and how it ended says why. */
    const bool timed_out = got < 0 && r == KILN_OK && now_seconds() >= deadline;
    int status;
    end_helper(got < 0, &status);
    kiln__bytes_free(out);
    if (r != KILN_OK)
        return r;
    if (timed_out)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s did not finish within %g seconds", what,
                          seconds);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s crashed (signal %d, %s)", what, sig,
                          strsignal(sig));
    }
    if (got == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && size == 0 && length == 0 &&
        code == 0) {
        *gone = true; /* it left before the request reached it */
        return KILN_ERROR_IO;
    }
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s stopped before it finished (exit status %d)",
                      what, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

kiln_result kiln__run_isolated(const char *what, size_t memory_limit, double seconds,
                               kiln__isolated_fn work, const void *request, size_t request_size,
                               kiln__bytes *out) {
    *out = (kiln__bytes){0};
    pthread_once(&helper_once, install_fork_handler);
    const request_head head = {work, memory_limit, seconds, request_size};
    pthread_mutex_lock(&helper_lock);
    kiln_result r = KILN_ERROR_IO;
    bool gone = true;
    for (int attempt = 0; attempt < 2 && gone; attempt++) {
        /* A helper sends nothing unasked: a socket with something to read is one whose
         * helper left (after a while without requests, or with the thread that
         * started it). */
        struct pollfd pfd = {helper_fd, POLLIN, 0};
        if (helper_fd >= 0 && helper_owner == getpid() && poll(&pfd, 1, 0) > 0) {
            int status;
            end_helper(false, &status);
        }
        if (helper_fd < 0 || helper_owner != getpid()) {
            if (helper_fd >= 0 && helper_owner != getpid())
                close(helper_fd); /* a parent's, inherited */
            helper_fd = -1;
            r = start_helper(what);
            if (r != KILN_OK)
                break;
        }
        r = ask_helper(what, &head, request, seconds, out, &gone);
    }
    pthread_mutex_unlock(&helper_lock);
    if (gone)
        return kiln__fail(KILN_ERROR_IO, "%s: the helper process left before it answered", what);
    return r;
}
