/* The plugin through its C ABI, as Janus drives it: create, init with a test config,
 * create_session, handle_message (good and malformed), data before join, query_session, the admin
 * API, destroy_session and destroy, with no thread left behind. Run under ASan in CI. */
/* clang-format off: cmocka.h needs these four first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway_mock.h"

typedef janus_plugin *(*create_fn)(void);

static void *library;
static janus_plugin *plugin;
static char config_dir[256];

static int count_threads(void) {
    DIR *dir = opendir("/proc/self/task");
    int n = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.') n++;
    closedir(dir);
    return n;
}

/* The thread count once it has settled at `expected`, or what it still is after 2 s. A thread
 * that pthread_join() has already returned for can stay listed in /proc for a moment while the
 * kernel reaps it: counting at once made the checks below fail now and then. */
static int base_threads; /* the process's threads before any test started the plugin */

static int threads_settled_at(int expected) {
    int n = count_threads();
    for (int waited_ms = 0; n != expected && waited_ms < 2000; waited_ms++) {
        usleep(1000);
        n = count_threads();
    }
    return n;
}

static void write_file(const char *dir, const char *name, const char *content) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void write_config(const char *body) {
    write_file(config_dir, "janus.plugin.interview.jcfg", body);
}

static const char *good_config =
    "general: {\n"
    "  service_url = \"http://127.0.0.1:9\"\n"
    "  service_key_file = \"service.key\"\n"
    "  early_join_minutes = 20\n"
    "}\n";

static int setup_library(void **state) {
    snprintf(config_dir, sizeof(config_dir), "%s/abi-config-XXXXXX", ABI_TEST_DIR);
    if (mkdtemp(config_dir) == NULL) return -1;
    write_file(config_dir, "service.key", "abi-test-service-key-0123456789\n");
    library = dlopen(PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return -1;
    }
    create_fn create = (create_fn)dlsym(library, "create");
    if (create == NULL) return -1;
    plugin = create();
    return plugin == NULL ? -1 : 0;
}

static int teardown_library(void **state) {
    if (library) dlclose(library);
    mock_reset();
    return 0;
}

static void test_descriptor(void **state) {
    assert_int_equal(plugin->get_api_compatibility(), JANUS_PLUGIN_API_VERSION);
    assert_string_equal(plugin->get_package(), "janus.plugin.interview");
    assert_true(plugin->get_version() > 0);
    assert_non_null(plugin->get_version_string());
    assert_non_null(plugin->get_name());
    assert_non_null(plugin->get_description());
    assert_non_null(plugin->get_author());
}

static void test_init_refuses_bad_config_and_leaves_no_thread(void **state) {
    const int threads = count_threads();
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/nowhere", config_dir);
    assert_int_not_equal(plugin->init(&mock_gateway, missing), 0);
    write_config(
        "general: {\n service_url = \"http://x\"\n service_key_file = \"service.key\"\n"
        " max_participants = 99\n}\n");
    assert_int_not_equal(plugin->init(&mock_gateway, config_dir), 0);
    write_config("general: {\n service_url = \"http://x\"\n service_key_file = \"no.key\"\n}\n");
    assert_int_not_equal(plugin->init(&mock_gateway, config_dir), 0);
    assert_int_equal(threads_settled_at(threads), threads);
    /* Sessions are refused while the plugin is not initialised. */
    janus_plugin_session *handle = mock_handle_new();
    int error = 0;
    plugin->create_session(handle, &error);
    assert_int_not_equal(error, 0);
    free(handle);
}

static json_t *send_request(janus_plugin_session *handle, const char *text, const char *tx) {
    json_error_t error;
    json_t *message = text ? json_loads(text, JSON_DECODE_ANY, &error) : NULL;
    janus_plugin_result *result = plugin->handle_message(handle, g_strdup(tx), message, NULL);
    assert_non_null(result);
    assert_int_equal(result->type, JANUS_PLUGIN_OK_WAIT);
    janus_plugin_result_destroy(result);
    json_t *event = mock_wait_event(5000);
    assert_non_null(event);
    assert_string_equal(mock_last_transaction(), tx);
    return event;
}

static void assert_error(json_t *event, int code, const char *name) {
    assert_string_equal(json_string_value(json_object_get(event, "interview")), "error");
    assert_int_equal(json_integer_value(json_object_get(event, "error_code")), code);
    assert_string_equal(json_string_value(json_object_get(event, "error")), name);
    assert_non_null(json_string_value(json_object_get(event, "message")));
}

static void assert_data_error(json_t *message, int code, const char *name) {
    assert_string_equal(json_string_value(json_object_get(message, "type")), "error");
    assert_int_equal(json_integer_value(json_object_get(message, "error_code")), code);
    assert_string_equal(json_string_value(json_object_get(message, "error")), name);
}

static void test_lifecycle(void **state) {
    const int threads = threads_settled_at(base_threads);
    write_config(good_config);
    assert_int_equal(plugin->init(&mock_gateway, config_dir), 0);
    assert_true(count_threads() > threads); /* the worker */

    janus_plugin_session *handle = mock_handle_new();
    int error = -1;
    plugin->create_session(handle, &error);
    assert_int_equal(error, 0);
    mock_handle_attached(handle);
    assert_int_equal(mock_handle_refcount(handle), 2);

    /* info: version and effective settings, never the key */
    json_t *event = send_request(handle, "{\"request\":\"info\"}", "tx-info");
    assert_string_equal(json_string_value(json_object_get(event, "interview")), "info");
    assert_string_equal(json_string_value(json_object_get(event, "version")),
                        plugin->get_version_string());
    json_t *settings = json_object_get(event, "settings");
    assert_int_equal(json_integer_value(json_object_get(settings, "early_join_minutes")), 20);
    char *dump = json_dumps(event, 0);
    assert_null(strstr(dump, "abi-test-service-key"));
    free(dump);
    json_decref(event);

    /* malformed and unknown requests: a clear error, and the plugin goes on serving */
    event = send_request(handle, "[1,2,3]", "tx-array");
    assert_error(event, 460, "malformed_request");
    json_decref(event);
    event = send_request(handle, NULL, "tx-null");
    assert_error(event, 460, "malformed_request");
    json_decref(event);
    event = send_request(handle, "{}", "tx-empty");
    assert_error(event, 461, "missing_field");
    json_decref(event);
    event = send_request(handle, "{\"request\":\"fly\"}", "tx-unknown");
    assert_error(event, 463, "unknown_request");
    json_decref(event);
    event = send_request(handle, "{\"request\":\"leave\"}", "tx-leave");
    assert_error(event, 464, "not_joined");
    json_decref(event);

    /* data before join is refused on the data channel */
    char text[] = "{\"type\":\"op\"}";
    janus_plugin_data packet = {.label = "interview",
                                .protocol = NULL,
                                .binary = FALSE,
                                .buffer = text,
                                .length = (uint16_t)strlen(text)};
    plugin->incoming_data(handle, &packet);
    json_t *reply = mock_wait_data(5000);
    assert_non_null(reply);
    assert_data_error(reply, 464, "not_joined");
    json_decref(reply);

    /* query_session and the admin API describe the state */
    json_t *query = plugin->query_session(handle);
    assert_non_null(query);
    assert_string_equal(json_string_value(json_object_get(query, "state")), "attached");
    json_decref(query);
    json_t *admin_request = json_pack("{s:s}", "request", "info");
    json_t *admin = plugin->handle_admin_message(admin_request);
    json_decref(admin_request);
    assert_non_null(admin);
    assert_int_equal(json_integer_value(json_object_get(admin, "sessions")), 1);
    json_decref(admin);
    admin_request = json_pack("{s:i}", "request", 5);
    admin = plugin->handle_admin_message(admin_request);
    json_decref(admin_request);
    assert_error(admin, 462, "invalid_field");
    json_decref(admin);

    /* media callbacks with the handle attached do not crash, whatever the packets hold */
    plugin->setup_media(handle);
    char rtp_bytes[] = {(char)0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4};
    janus_plugin_rtp rtp = {.mindex = 0, .video = TRUE, .buffer = rtp_bytes, .length = 16};
    plugin->incoming_rtp(handle, &rtp);
    rtp.length = 3;
    plugin->incoming_rtp(handle, &rtp);
    rtp.buffer = NULL;
    plugin->incoming_rtp(handle, &rtp);
    plugin->incoming_rtp(handle, NULL);
    char pli[40] = {(char)0x81, (char)206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    janus_plugin_rtcp rtcp = {.mindex = 1, .video = TRUE, .buffer = pli, .length = 12};
    plugin->incoming_rtcp(handle, &rtcp);
    rtcp.length = 40; /* claims more than the block holds */
    pli[3] = 40;
    plugin->incoming_rtcp(handle, &rtcp);
    plugin->incoming_rtcp(handle, NULL);
    plugin->slow_link(handle, 1, TRUE, TRUE);
    plugin->hangup_media(handle);

    plugin->destroy_session(handle, &error);
    assert_int_equal(error, 0);
    plugin->destroy_session(handle, &error);
    assert_int_not_equal(error, 0); /* unknown now */
    assert_null(plugin->query_session(handle));

    plugin->destroy();
    assert_int_equal(threads_settled_at(threads), threads);
    /* The plugin gave back its reference on the handle. (Work still queued may hold it a moment
     * after destroy_session; once destroy() has joined the worker, nothing may.) */
    assert_int_equal(mock_handle_refcount(handle), 1);
    mock_handle_free(handle);
    plugin->destroy(); /* a second destroy is harmless */
}

static void test_destroy_with_sessions_and_queued_work(void **state) {
    const int threads = threads_settled_at(base_threads);
    write_config(good_config);
    assert_int_equal(plugin->init(&mock_gateway, config_dir), 0);
    janus_plugin_session *handles[3];
    for (int i = 0; i < 3; i++) {
        int error = -1;
        handles[i] = mock_handle_new();
        plugin->create_session(handles[i], &error);
        assert_int_equal(error, 0);
        mock_handle_attached(handles[i]);
        for (int j = 0; j < 20; j++) {
            json_t *message = json_pack("{s:s}", "request", "info");
            janus_plugin_result *result =
                plugin->handle_message(handles[i], g_strdup("tx"), message, NULL);
            janus_plugin_result_destroy(result);
        }
    }
    /* Janus stops the plugin with sessions still attached: the plugin must let go of them. */
    plugin->destroy();
    assert_int_equal(threads_settled_at(threads), threads);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(mock_handle_refcount(handles[i]), 1);
        mock_handle_free(handles[i]);
    }
    mock_reset();
}

int main(void) {
    base_threads = count_threads();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_init_refuses_bad_config_and_leaves_no_thread),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_destroy_with_sessions_and_queued_work),
    };
    return cmocka_run_group_tests_name("abi", tests, setup_library, teardown_library);
}
