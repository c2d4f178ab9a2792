// Random identifiers, join tokens and their hashes, and constant-time comparison.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace isvc {

// base64url without padding (RFC 4648 section 5): safe in URLs, paths and headers as-is.
std::string base64url(const unsigned char* data, std::size_t size);

// `bytes` cryptographically random bytes (OpenSSL RAND_bytes), base64url-encoded. Throws
// std::runtime_error if the CSPRNG fails: we never fall back to a weak source.
std::string random_base64url(std::size_t bytes);

// 128 random bits -> 22 characters. Used for interview and participant ids.
inline std::string new_id() {
    return random_base64url(16);
}

// 256 random bits -> 43 characters. A join token is a bearer credential, so it gets more
// entropy than an id although 128 bits would already be out of reach of guessing.
inline std::string new_token() {
    return random_base64url(32);
}

// Lowercase hex SHA-256. Tokens are stored only as this hash: a copy of the database does not
// let anyone join an interview.
std::string sha256_hex(std::string_view data);

// Compares secrets without a data-dependent early exit. Both sides are hashed first so that the
// comparison also hides the length of the expected value.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace isvc
