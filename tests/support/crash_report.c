/* Preloaded (LD_PRELOAD) into every Janus the integration tests start. On a fatal signal it
 * writes the crashing thread's stack to stderr at once, then lets the signal end the process as
 * it would have (same exit status, same core). Janus writes its log from a thread of its own,
 * so the lines it logged last die with a crashing process; this report does not, which lets a
 * test tell a crash inside Janus's own code from one in the plugin.
 *
 * backtrace() is not formally async-signal-safe: its first call loads libgcc's unwinder, so it
 * is called once at load time, and afterwards it only walks the stack. Good enough for a test
 * aid; never part of the plugin. */
#define _GNU_SOURCE
#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const int fatal_signals[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL, SIGABRT};

static void write_text(const char* text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(STDERR_FILENO, text, left);
        if (n <= 0) {
            return;
        }
        text += n;
        left -= (size_t)n;
    }
}

static void report(int sig) {
    /* SA_RESETHAND already restored the default action: re-raising below ends the process. */
    char line[64] = "\n[crash-report] signal ";
    const char* name = sigabbrev_np(sig);
    strncat(line, name != NULL ? name : "?", sizeof line - strlen(line) - 2);
    strcat(line, "\n");
    write_text(line);
    void* frames[64];
    int count = backtrace(frames, (int)(sizeof frames / sizeof frames[0]));
    backtrace_symbols_fd(frames, count, STDERR_FILENO);
    write_text("[crash-report] end\n");
    raise(sig);
}

__attribute__((constructor)) static void install_crash_report(void) {
    void* warm_up[1];
    backtrace(warm_up, 1);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = report;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
        sigaction(fatal_signals[i], &action, NULL);
    }
}
