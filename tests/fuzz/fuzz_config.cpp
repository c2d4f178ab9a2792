// Fuzz target: the plugin's config reader (plugin/core/config): the input is the text of a
// janus.plugin.interview.jcfg. The reader is our own (jcfg.hpp: the libconfig subset Janus's
// .jcfg files use, parsed without Janus), so the whole path is fuzzed: parse_jcfg, then every
// setting's validation (settings_from_config), and parse_endpoints on the raw text. Checked: a
// syntax error names a line inside the text, settings_from_text agrees with parse + validate,
// accepted settings serialise, and a refusal names the setting.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "config/jcfg.hpp"
#include "config/settings.hpp"
#include "fuzz_support.hpp"

namespace config = interview::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(interview::fuzz::as_text(data, size));
    if (auto endpoints = config::parse_endpoints(text)) {
        FUZZ_CHECK(!endpoints->empty() && endpoints->size() <= 8);
        for (const auto& e : *endpoints) {
            FUZZ_CHECK(!e.host.empty());
            FUZZ_CHECK(e.port > 0 && e.port <= 65535);
        }
    }
    auto parsed = config::parse_jcfg(text);
    auto settings = config::settings_from_text(text);
    if (const auto* error = std::get_if<config::ParseError>(&parsed)) {
        const long lines = 1 + std::count(text.begin(), text.end(), '\n');
        FUZZ_CHECK(error->line >= 0 && error->line <= lines);
        FUZZ_CHECK(!error->message.empty());
        FUZZ_CHECK(std::holds_alternative<config::SettingError>(settings));
        return 0;
    }
    const auto& file = std::get<config::ConfigFile>(parsed);
    for (const auto& [group, settings_of_group] : file.groups) {
        for (const auto& [name, setting] : settings_of_group) {
            FUZZ_CHECK(config::type_name(setting.value) != nullptr);
            FUZZ_CHECK(file.find(group, name) == &setting);
        }
    }
    auto validated = config::settings_from_config(file);
    FUZZ_CHECK(validated.index() == settings.index());
    if (const auto* s = std::get_if<config::Settings>(&validated)) {
        FUZZ_CHECK(!s->service_url.empty());
        FUZZ_CHECK(s->to_json() != nullptr);
    } else {
        FUZZ_CHECK(!std::get<config::SettingError>(validated).setting.empty() ||
                   !std::get<config::SettingError>(validated).message.empty());
    }
    return 0;
}
