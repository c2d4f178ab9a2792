// RAII holder for Jansson values. Jansson is reference counted with json_incref/json_decref; a
// unique_ptr whose deleter drops one reference makes every early return leak-free.
#pragma once

#include <jansson.h>

#include <memory>

namespace interview {

struct JsonDecref {
    void operator()(json_t* value) const noexcept { json_decref(value); }
};

// Owns exactly one reference to a json_t.
using JsonPtr = std::unique_ptr<json_t, JsonDecref>;

// Takes ownership of a new reference (what json_object(), json_loads(), ... return).
inline JsonPtr json_take(json_t* value) noexcept {
    return JsonPtr(value);
}

// Adds a reference to a borrowed value (what json_object_get(), json_array_get() return).
inline JsonPtr json_share(json_t* value) noexcept {
    return JsonPtr(json_incref(value));
}

}  // namespace interview
