// The standalone replay driver's registry: each fuzz target, built without libFuzzer (with GCC,
// by the normal build), registers its LLVMFuzzerTestOneInput under its name (see
// CMakeLists.txt, which renames the entry point per target).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace interview::fuzz {

using Entry = int (*)(const std::uint8_t*, std::size_t);

inline std::map<std::string, Entry>& registry() {
    static std::map<std::string, Entry> targets;
    return targets;
}

struct Registration {
    Registration(const char* name, Entry entry) { registry()[name] = entry; }
};

}  // namespace interview::fuzz
