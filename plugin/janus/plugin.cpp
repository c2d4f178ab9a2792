// The janus_plugin descriptor of janus.plugin.interview and its callbacks. Each callback checks
// that the plugin is running, catches every exception (none may cross into Janus's C code) and
// hands the work to the Runtime.
#include <atomic>
#include <chrono>
#include <thread>
#include <memory>

#include "janus_api.hpp"
#include "runtime.hpp"

namespace {

constexpr const char* kPackage = "janus.plugin.interview";
constexpr const char* kName = "Interview room";
constexpr const char* kDescription =
    "Live technical interview room: audio/video between the participants and a shared code "
    "document synced with operational transformation.";
constexpr const char* kAuthor = "The interview room authors";

// The Runtime between init() and destroy(). Janus's per-connection threads may still be inside a
// media callback (or just entering one) when it calls destroy() at shutdown: every callback
// counts itself in g_active_calls *before* it looks at g_running, and destroy() clears
// g_running and then waits for that count to reach zero before it frees the Runtime.
std::unique_ptr<interview::janus::Runtime> g_runtime;
std::atomic<bool> g_running{false};
std::atomic<int> g_active_calls{0};

/// Held by every callback for as long as it uses the Runtime.
class ActiveCall {
  public:
    ActiveCall() { g_active_calls.fetch_add(1); }
    ~ActiveCall() { g_active_calls.fetch_sub(1); }
    ActiveCall(const ActiveCall&) = delete;
    ActiveCall& operator=(const ActiveCall&) = delete;
};

interview::janus::Runtime* runtime() {
    return g_running.load() ? g_runtime.get() : nullptr;
}

int plugin_init(janus_callbacks* callback, const char* config_path);
void plugin_destroy();
int plugin_api_compatibility() {
    return JANUS_PLUGIN_API_VERSION;
}
int plugin_version() {
    return INTERVIEW_VERSION_NUMBER;
}
const char* plugin_version_string() {
    return INTERVIEW_VERSION_STRING;
}
const char* plugin_description() {
    return kDescription;
}
const char* plugin_name() {
    return kName;
}
const char* plugin_author() {
    return kAuthor;
}
const char* plugin_package() {
    return kPackage;
}
void plugin_create_session(janus_plugin_session* handle, int* error);
janus_plugin_result* plugin_handle_message(janus_plugin_session* handle, char* transaction,
                                           json_t* message, json_t* jsep);
json_t* plugin_handle_admin_message(json_t* message);
void plugin_setup_media(janus_plugin_session* handle);
void plugin_incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet);
void plugin_incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet);
void plugin_incoming_data(janus_plugin_session* handle, janus_plugin_data* packet);
void plugin_data_ready(janus_plugin_session* handle);
void plugin_slow_link(janus_plugin_session* handle, int mindex, gboolean video, gboolean uplink);
void plugin_hangup_media(janus_plugin_session* handle);
void plugin_destroy_session(janus_plugin_session* handle, int* error);
json_t* plugin_query_session(janus_plugin_session* handle);

janus_plugin g_plugin = {
    .init = plugin_init,
    .destroy = plugin_destroy,
    .get_api_compatibility = plugin_api_compatibility,
    .get_version = plugin_version,
    .get_version_string = plugin_version_string,
    .get_description = plugin_description,
    .get_name = plugin_name,
    .get_author = plugin_author,
    .get_package = plugin_package,
    .create_session = plugin_create_session,
    .handle_message = plugin_handle_message,
    .handle_admin_message = plugin_handle_admin_message,
    .setup_media = plugin_setup_media,
    .incoming_rtp = plugin_incoming_rtp,
    .incoming_rtcp = plugin_incoming_rtcp,
    .incoming_data = plugin_incoming_data,
    .data_ready = plugin_data_ready,
    .slow_link = plugin_slow_link,
    .hangup_media = plugin_hangup_media,
    .destroy_session = plugin_destroy_session,
    .query_session = plugin_query_session,
};

int plugin_init(janus_callbacks* callback, const char* config_path) {
    if (callback == nullptr || config_path == nullptr) {
        IV_LOG(LOG_FATAL, "init: missing gateway callbacks or config path");
        return -1;
    }
    try {
        auto started = interview::janus::Runtime::start(callback, &g_plugin, config_path);
        if (auto* error = std::get_if<std::string>(&started)) {
            IV_LOG(LOG_FATAL, "not loaded: %s", error->c_str());
            return -1;
        }
        g_runtime = std::move(std::get<std::unique_ptr<interview::janus::Runtime>>(started));
        const std::string settings = interview::dump_compact(g_runtime->settings().to_json().get());
        IV_LOG(LOG_INFO, "%s %s initialized; settings: %s", kPackage, INTERVIEW_VERSION_STRING,
               settings.c_str());
        g_running.store(true);
        return 0;
    } catch (const std::exception& e) {
        IV_LOG(LOG_FATAL, "not loaded: %s", e.what());
        g_runtime.reset();
        return -1;
    }
}

void plugin_destroy() {
    if (!g_running.exchange(false)) {
        return;
    }
    while (g_active_calls.load() > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    try {
        g_runtime.reset();
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "destroy: %s", e.what());
    }
    IV_LOG(LOG_INFO, "%s destroyed", kPackage);
}

void plugin_create_session(janus_plugin_session* handle, int* error) {
    ActiveCall call;
    auto* rt = runtime();
    if (rt == nullptr || handle == nullptr) {
        *error = -1;
        return;
    }
    try {
        *error = rt->create_session(handle);
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "create_session: %s", e.what());
        *error = -2;
    }
}

void plugin_destroy_session(janus_plugin_session* handle, int* error) {
    ActiveCall call;
    auto* rt = runtime();
    if (rt == nullptr || handle == nullptr) {
        *error = -1;
        return;
    }
    try {
        *error = rt->destroy_session(handle);
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "destroy_session: %s", e.what());
        *error = -2;
    }
}

janus_plugin_result* plugin_handle_message(janus_plugin_session* handle, char* transaction,
                                           json_t* message, json_t* jsep) {
    ActiveCall call;
    auto* rt = runtime();
    if (rt == nullptr || handle == nullptr) {
        g_free(transaction);
        json_decref(message);
        json_decref(jsep);
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "Plugin not initialized", nullptr);
    }
    try {
        return rt->handle_message(handle, transaction, message, jsep);
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "handle_message: %s", e.what());
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "Internal error", nullptr);
    }
}

json_t* plugin_handle_admin_message(json_t* message) {
    ActiveCall call;
    auto* rt = runtime();
    if (rt == nullptr) {
        return nullptr;
    }
    try {
        return rt->handle_admin_message(message);
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "handle_admin_message: %s", e.what());
        return nullptr;
    }
}

json_t* plugin_query_session(janus_plugin_session* handle) {
    ActiveCall call;
    auto* rt = runtime();
    if (rt == nullptr || handle == nullptr) {
        return nullptr;
    }
    try {
        return rt->query_session(handle);
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "query_session: %s", e.what());
        return nullptr;
    }
}

/// Runs a media-thread callback on the runtime, if it is running; nothing may escape into Janus.
template <typename Work>
void on_media_thread(const char* what, janus_plugin_session* handle, Work&& work) {
    ActiveCall call;
    auto* rt = runtime();
    if (rt == nullptr || handle == nullptr) {
        return;
    }
    try {
        work(*rt);
    } catch (const std::exception& e) {
        IV_LOG(LOG_ERR, "%s: %s", what, e.what());
    }
}

void plugin_setup_media(janus_plugin_session* handle) {
    on_media_thread("setup_media", handle, [&](auto& rt) { rt.setup_media(handle); });
}

void plugin_hangup_media(janus_plugin_session* handle) {
    on_media_thread("hangup_media", handle, [&](auto& rt) { rt.hangup_media(handle); });
}

void plugin_incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet) {
    on_media_thread("incoming_rtp", handle, [&](auto& rt) { rt.incoming_rtp(handle, packet); });
}

void plugin_incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet) {
    on_media_thread("incoming_rtcp", handle, [&](auto& rt) { rt.incoming_rtcp(handle, packet); });
}

void plugin_slow_link(janus_plugin_session* handle, int mindex, gboolean video, gboolean uplink) {
    on_media_thread("slow_link", handle, [&](auto& rt) {
        rt.slow_link(handle, mindex, video != FALSE, uplink != FALSE);
    });
}

void plugin_incoming_data(janus_plugin_session* handle, janus_plugin_data* packet) {
    on_media_thread("incoming_data", handle, [&](auto& rt) { rt.incoming_data(handle, packet); });
}

void plugin_data_ready(janus_plugin_session* handle) {
    on_media_thread("data_ready", handle, [&](auto& rt) { rt.data_ready(handle); });
}

}  // namespace

extern "C" __attribute__((visibility("default"))) janus_plugin* create() {
    return &g_plugin;
}
