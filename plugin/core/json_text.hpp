// JSON values to text, for data-channel messages and log lines.
#pragma once

#include <jansson.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace interview {

/// Compact UTF-8 JSON text of a value (empty string if Jansson cannot encode it).
inline std::string dump_compact(const json_t* value) {
    std::unique_ptr<char, decltype(&std::free)> text(
        json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY), &std::free);
    return text ? std::string(text.get()) : std::string();
}

}  // namespace interview
