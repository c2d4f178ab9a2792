#include "ot/result.hpp"

namespace interview::ot {

std::string_view error_code_name(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_json:
            return "invalid_json";
        case ErrorCode::wrong_type:
            return "wrong_type";
        case ErrorCode::invalid_component:
            return "invalid_component";
        case ErrorCode::integer_out_of_range:
            return "integer_out_of_range";
        case ErrorCode::invalid_utf8:
            return "invalid_utf8";
        case ErrorCode::missing_field:
            return "missing_field";
        case ErrorCode::invalid_field:
            return "invalid_field";
        case ErrorCode::position_out_of_range:
            return "position_out_of_range";
        case ErrorCode::base_length_mismatch:
            return "base_length_mismatch";
        case ErrorCode::splits_surrogate_pair:
            return "splits_surrogate_pair";
        case ErrorCode::lone_surrogate:
            return "lone_surrogate";
        case ErrorCode::carriage_return:
            return "carriage_return";
        case ErrorCode::insert_too_large:
            return "insert_too_large";
        case ErrorCode::too_large:
            return "too_large";
        case ErrorCode::too_many_components:
            return "too_many_components";
        case ErrorCode::invalid_seq:
            return "invalid_seq";
        case ErrorCode::invalid_client_id:
            return "invalid_client_id";
        case ErrorCode::revision_in_future:
            return "revision_in_future";
        case ErrorCode::invalid_state:
            return "invalid_state";
    }
    return "unknown";
}

}  // namespace interview::ot
