// RAII over Jansson's reference-counted json_t.
#pragma once

#include <jansson.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace isvc {

struct JsonDecref {
    void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDecref>;

// Compact UTF-8 serialization. JSON_COMPACT keeps responses small; key order is insertion order
// so examples in docs/REST.md match the output.
inline std::string json_dump(const json_t* j) {
    char* raw = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (raw == nullptr) {
        return "{}";
    }
    std::string out(raw);
    std::free(raw);
    return out;
}

// json_object_set_new takes ownership of the value even on failure, so wrapping is not needed
// when building; these helpers just shorten the call sites.
inline void set_str(json_t* obj, const char* key, const std::string& v) {
    json_object_set_new(obj, key, json_stringn(v.data(), v.size()));
}
inline void set_int(json_t* obj, const char* key, long long v) {
    json_object_set_new(obj, key, json_integer(v));
}
inline void set_bool(json_t* obj, const char* key, bool v) {
    json_object_set_new(obj, key, json_boolean(v));
}

}  // namespace isvc
