#include "contract/roles.hpp"

namespace interview::access {

const char* role_name(Role role) {
    switch (role) {
        case Role::applicant:
            return "applicant";
        case Role::recruiter:
            return "recruiter";
        case Role::observer:
            return "observer";
    }
    // Unreachable for a valid enum value; the least privileged role if memory says otherwise.
    return "observer";
}

std::optional<Role> parse_role(std::string_view text) {
    if (text == "applicant") {
        return Role::applicant;
    }
    if (text == "recruiter") {
        return Role::recruiter;
    }
    if (text == "observer") {
        return Role::observer;
    }
    return std::nullopt;
}

}  // namespace interview::access
