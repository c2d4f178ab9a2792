// A strict reader for the subset of libconfig syntax that Janus's .jcfg files use for plugin
// settings: named groups of scalar settings. We parse it ourselves (rather than through Janus's
// janus_config_* functions, which live in the janus executable) so that the core stays free of
// Janus and every parse error can name its line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace interview::config {

/// One scalar value as written in the file.
using Scalar = std::variant<std::string, std::int64_t, double, bool>;

struct Setting {
    Scalar value;
    int line = 0;
};

/// group name -> setting name -> value. Settings outside any group go in group "".
struct ConfigFile {
    std::map<std::string, std::map<std::string, Setting>> groups;

    const Setting* find(const std::string& group, const std::string& name) const;
};

struct ParseError {
    int line = 0;
    std::string message;
};

/// Parses the text of a .jcfg file. Supports `name: { ... }` / `name = { ... }` groups (one level),
/// `key = value` / `key: value` with optional `;` or `,`, strings with the escapes \" \\ \n \t,
/// decimal and hex integers, floats, true/false, and #, // and /* */ comments. Lists, arrays and
/// nested groups are refused with a clear message, not ignored.
std::variant<ConfigFile, ParseError> parse_jcfg(const std::string& text);

/// Human name of a scalar's type, for error messages.
const char* type_name(const Scalar& value);

}  // namespace interview::config
