// The one place that includes Janus's headers. They have no extern "C" guards and expect glib.h
// and jansson.h first, so every file of this layer includes this header instead of them.
// Janus ships no pkg-config file: the build adds -I/usr/include/janus (JANUS_INCLUDE_DIR).
#pragma once

#include <glib.h>
#include <jansson.h>

extern "C" {
#include <debug.h>
#include <mutex.h>
#include <plugins/plugin.h>
#include <refcount.h>
#include <sdp-utils.h>
}

/// Janus's logging macro with our prefix, so operators can grep one plugin out of Janus's log.
#define IV_LOG(level, format, ...) JANUS_LOG(level, "[interview] " format "\n", ##__VA_ARGS__)
