// A participant's role and its wire name. Shared by the plugin and the interview service: the
// service stores and emits these names, the plugin reads them back, so both use one mapping.
#pragma once

#include <optional>
#include <string_view>

namespace interview::access {

enum class Role { applicant, recruiter, observer };

/// "applicant", "recruiter" or "observer".
const char* role_name(Role role);
/// The exact, case-sensitive wire name; nullopt for anything else.
std::optional<Role> parse_role(std::string_view text);

}  // namespace interview::access
