/* A stand-in for the Janus gateway: the globals and functions the janus executable exports to
 * plugins, and janus_callbacks that record what the plugin sends so tests can wait for it. */
#pragma once

#include <debug.h>
#include <glib.h>
#include <jansson.h>
#include <plugins/plugin.h>
#include <sdp-utils.h>

extern janus_callbacks mock_gateway;

/* Events pushed with push_event, relayed data messages and event-handler notifications, in
 * order. Each wait returns a new reference (the caller decrefs) or NULL after timeout_ms. */
json_t *mock_wait_event(int timeout_ms);
json_t *mock_wait_data(int timeout_ms);
json_t *mock_wait_notification(int timeout_ms);
/* Transaction of the last pushed event (empty string when none). */
const char *mock_last_transaction(void);
void mock_reset(void);

/* A janus_plugin_session as Janus makes one: count set after create_session, plus the extra
 * reference Janus takes. */
janus_plugin_session *mock_handle_new(void);
void mock_handle_attached(janus_plugin_session *handle);
void mock_handle_free(janus_plugin_session *handle);
int mock_handle_refcount(janus_plugin_session *handle);
