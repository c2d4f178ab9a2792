#include "gateway_mock.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- what the janus executable exports ---- */
int janus_log_level = LOG_WARN;
gboolean janus_log_timestamps = FALSE;
gboolean janus_log_colors = FALSE;
char* janus_log_global_prefix = NULL;
int lock_debug = 0;
int refcount_debug = 0;

void janus_vprintf(const char* format, ...) {
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
}

janus_plugin_result* janus_plugin_result_new(janus_plugin_result_type type, const char* text,
                                             json_t* content) {
    janus_plugin_result* result = calloc(1, sizeof(*result));
    result->type = type;
    result->text = text;
    result->content = content;
    return result;
}

void janus_plugin_result_destroy(janus_plugin_result* result) {
    if (result) {
        json_decref(result->content);
        free(result);
    }
}

/* ---- recorded traffic ---- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static GQueue events = G_QUEUE_INIT;
static GQueue data = G_QUEUE_INIT;
static GQueue notifications = G_QUEUE_INIT;
static char last_transaction[256];

static json_t* wait_on(GQueue* queue, int timeout_ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    while (g_queue_is_empty(queue)) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) != 0)
            break;
    }
    json_t* item = g_queue_pop_head(queue);
    pthread_mutex_unlock(&lock);
    return item;
}

json_t* mock_wait_event(int timeout_ms) {
    return wait_on(&events, timeout_ms);
}
json_t* mock_wait_data(int timeout_ms) {
    return wait_on(&data, timeout_ms);
}
json_t* mock_wait_notification(int timeout_ms) {
    return wait_on(&notifications, timeout_ms);
}

const char* mock_last_transaction(void) {
    return last_transaction;
}

void mock_reset(void) {
    pthread_mutex_lock(&lock);
    g_queue_clear_full(&events, (GDestroyNotify)json_decref);
    g_queue_clear_full(&data, (GDestroyNotify)json_decref);
    g_queue_clear_full(&notifications, (GDestroyNotify)json_decref);
    last_transaction[0] = '\0';
    pthread_mutex_unlock(&lock);
}

static void record(GQueue* queue, json_t* item) {
    pthread_mutex_lock(&lock);
    g_queue_push_tail(queue, item);
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static int push_event(janus_plugin_session* handle, janus_plugin* plugin, const char* transaction,
                      json_t* message, json_t* jsep) {
    /* Janus copies what it sends; the plugin keeps ownership of message and jsep. */
    pthread_mutex_lock(&lock);
    snprintf(last_transaction, sizeof(last_transaction), "%s", transaction ? transaction : "");
    pthread_mutex_unlock(&lock);
    record(&events, json_deep_copy(message));
    return 0;
}

static void relay_data(janus_plugin_session* handle, janus_plugin_data* packet) {
    json_error_t error;
    json_t* message = json_loadb(packet->buffer, packet->length, 0, &error);
    if (message == NULL)
        message = json_stringn(packet->buffer, packet->length);
    record(&data, message);
}

static void relay_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet) {}
static void relay_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet) {}
static void send_pli(janus_plugin_session* handle) {}
static void send_pli_stream(janus_plugin_session* handle, int mindex) {}
static void send_remb(janus_plugin_session* handle, guint32 bitrate) {}
static void close_pc(janus_plugin_session* handle) {}
static void end_session(janus_plugin_session* handle) {}
static gboolean events_is_enabled(void) {
    return TRUE;
}
static void notify_event(janus_plugin* plugin, janus_plugin_session* handle, json_t* event) {
    record(&notifications, event); /* the plugin hands over its reference */
}
static gboolean auth_is_signed(void) {
    return FALSE;
}
static gboolean auth_is_signature_valid(janus_plugin* plugin, const char* token) {
    return FALSE;
}
static gboolean auth_signature_contains(janus_plugin* plugin, const char* token,
                                        const char* descriptor) {
    return FALSE;
}

janus_callbacks mock_gateway = {
    .push_event = push_event,
    .relay_rtp = relay_rtp,
    .relay_rtcp = relay_rtcp,
    .relay_data = relay_data,
    .send_pli = send_pli,
    .send_pli_stream = send_pli_stream,
    .send_remb = send_remb,
    .close_pc = close_pc,
    .end_session = end_session,
    .events_is_enabled = events_is_enabled,
    .notify_event = notify_event,
    .auth_is_signed = auth_is_signed,
    .auth_is_signature_valid = auth_is_signature_valid,
    .auth_signature_contains = auth_signature_contains,
};

/* ---- handles ---- */
static void handle_free(const janus_refcount* ref) {
    janus_plugin_session* handle = janus_refcount_containerof(ref, janus_plugin_session, ref);
    free(handle);
}

janus_plugin_session* mock_handle_new(void) {
    janus_plugin_session* handle = calloc(1, sizeof(*handle));
    return handle;
}

int mock_handle_refcount(janus_plugin_session* handle) {
    return g_atomic_int_get(&handle->ref.count);
}

void mock_handle_free(janus_plugin_session* handle) {
    janus_refcount_decrease(&handle->ref);
}

/* Called by tests right after create_session succeeded, as janus_ice_handle_attach_plugin does. */
void mock_handle_attached(janus_plugin_session* handle) {
    janus_refcount_init(&handle->ref, handle_free);
    janus_refcount_increase(&handle->ref);
}

/* ---- SDP helpers the plugin links against (the ABI tests send no offer) ---- */
janus_sdp* janus_sdp_parse(const char* sdp, char* error, size_t errlen) {
    snprintf(error, errlen, "no SDP support in the ABI harness");
    return NULL;
}
janus_sdp* janus_sdp_generate_answer(janus_sdp* offer) {
    return NULL;
}
int janus_sdp_generate_answer_mline(janus_sdp* offer, janus_sdp* answer, janus_sdp_mline* offered,
                                    ...) {
    return -1;
}
int janus_sdp_get_codec_pt(janus_sdp* sdp, int index, const char* codec) {
    return -1;
}
janus_sdp_mline* janus_sdp_mline_find_by_index(janus_sdp* sdp, int index) {
    return NULL;
}
janus_sdp_attribute* janus_sdp_attribute_create(const char* name, const char* value, ...) {
    return NULL;
}
int janus_sdp_attribute_add_to_mline(janus_sdp_mline* mline, janus_sdp_attribute* attr) {
    return -1;
}
char* janus_sdp_write(janus_sdp* sdp) {
    return NULL;
}
void janus_sdp_destroy(janus_sdp* sdp) {}
