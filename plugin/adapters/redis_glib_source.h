/* A GSource that drives one hiredis async context from a GLib main context. Like hiredis's own
 * adapters/glib.h, but safe when the connection drops inside a write: hiredis frees the context
 * then, and the source must not touch it again (the stock adapter goes on to read). Every use of
 * the context must happen on the thread that runs the main context. */
#pragma once

#include <glib.h>
#include <hiredis/async.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Attaches ev hooks to `ac` and returns a source to attach to a context. When hiredis frees
 * `ac`, the source detaches its poll and destroys itself; the caller's reference (from this
 * function) must still be dropped with g_source_unref. */
GSource *interview_redis_source_new(redisAsyncContext *ac);

#ifdef __cplusplus
}
#endif
