// interview-service: the scheduling side of the interview room. See service/README.md.
#include "api.h"
#include "clock.h"
#include "config.h"
#include "http_server.h"
#include "interview_service.h"
#include "rate_limiter.h"
#include "static_site.h"
#include "store.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <pthread.h>
#include <sys/resource.h>

int main(int argc, char** argv) {
    isvc::Config config;
    try {
        config = isvc::parse_config(std::vector<std::string>(argv + 1, argv + argc),
                                    [](const char* name) { return std::getenv(name); });
    } catch (const isvc::ConfigError& e) {
        std::fprintf(stderr, "interview-service: %s\n", e.what());
        return 2;
    }
    if (config.help) {
        std::fputs(isvc::usage().c_str(), stdout);
        return 0;
    }
    for (const auto& w : config.warnings) {
        std::fprintf(stderr, "interview-service: warning: %s\n", w.c_str());
    }

    // Every connection is a descriptor: make room for --max-connections (plus libmicrohttpd's
    // slack, the database and the web app's files) if the soft limit is lower.
    const rlim_t wanted = config.limits.max_connections + 256;
    if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < wanted) {
        rl.rlim_cur = std::min(wanted, rl.rlim_max);
        setrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < wanted) {
            std::fprintf(stderr,
                         "interview-service: warning: only %llu file descriptors allowed; "
                         "--max-connections %u wants %llu\n",
                         static_cast<unsigned long long>(rl.rlim_cur),
                         config.limits.max_connections, static_cast<unsigned long long>(wanted));
        }
    }

    // Block the stop signals in every thread (MHD's threads inherit this mask) and wait for them
    // here with sigwait: no async-signal-safety concerns, a clean MHD_stop_daemon on exit.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        isvc::Store store(config.db_path);
        isvc::SystemClock clock;
        isvc::RateLimiter limiter;
        isvc::InterviewService service(store, clock, config.early_join_minutes);
        service.set_janus_urls(config.janus_urls);
        isvc::Api api(service, limiter,
                      isvc::ApiConfig{config.admin_key, config.service_key, config.cors_origin,
                                      config.max_document_bytes, config.turn});
        std::unique_ptr<isvc::StaticSite> site;
        if (!config.static_dir.empty()) {
            site = std::make_unique<isvc::StaticSite>(config.static_dir);
        }
        isvc::ServerOptions opts;
        opts.listen_host = config.listen_host;
        opts.port = config.port;
        opts.threads = config.threads;
        opts.limits = config.limits;
        opts.static_site = site.get();
        opts.trusted_proxies = isvc::TrustedProxies(config.trusted_proxies);
        isvc::HttpServer server(api, opts);
        const bool v6 = config.listen_host.find(':') != std::string::npos;
        std::fprintf(stderr, "interview-service: listening on %s%s%s:%u, database %s%s%s\n",
                     v6 ? "[" : "", config.listen_host.c_str(), v6 ? "]" : "",
                     static_cast<unsigned>(server.port()), config.db_path.c_str(),
                     site ? ", web app from " : "", site ? site->root().c_str() : "");
        int sig = 0;
        sigwait(&stop, &sig);
        std::fprintf(stderr, "interview-service: signal %d, shutting down\n", sig);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "interview-service: %s\n", e.what());
        return 1;
    }
    return 0;
}
