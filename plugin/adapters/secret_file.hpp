// Secrets (the service key) come from files, never from the config file itself, so that the
// config can be shown, shared and committed while the secret stays in a file only root can read.
#pragma once

#include <string>
#include <variant>

namespace interview::adapters {

/// A secret that never prints itself.
class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

  private:
    std::string value_;
};

/// Reads a secret from a file: surrounding white space is trimmed; an unreadable, empty, too short
/// (< 16 bytes) or too long (> 4096 bytes) secret, or one with control characters inside, is an
/// error whose message says which.
std::variant<Secret, std::string> read_secret_file(const std::string& path);

}  // namespace interview::adapters
