#include "trace.hpp"

#include <zlib.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "json_ptr.hpp"
#include "ot/utf.hpp"

namespace interview::tools {

namespace {

struct GzClose {
    void operator()(gzFile_s* f) const noexcept { gzclose(f); }
};

ot::Error shape(const std::string& what) {
    return ot::make_error(ot::ErrorCode::invalid_json, "trace: " + what);
}

ot::Result<std::string> read_gzip(const std::string& path) {
    // gzopen reads plain files transparently too.
    std::unique_ptr<gzFile_s, GzClose> f(gzopen(path.c_str(), "rb"));
    if (!f) {
        return shape("cannot open " + path);
    }
    gzbuffer(f.get(), 1 << 17);
    std::string out;
    char buf[1 << 16];
    for (;;) {
        const int n = gzread(f.get(), buf, sizeof buf);
        if (n < 0) {
            int errnum = 0;
            return shape("gzip error in " + path + ": " + gzerror(f.get(), &errnum));
        }
        if (n == 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

ot::Result<std::u16string> string_field(const json_t* root, const char* name) {
    const json_t* v = json_object_get(root, name);
    if (!json_is_string(v)) {
        return shape(std::string("\"") + name + "\" must be a string");
    }
    return ot::utf8_to_utf16(std::string_view(json_string_value(v), json_string_length(v)));
}

// The trace format counts positions and lengths in Unicode code points; the engine counts UTF-16
// code units. This follows the recorded document through the patches and converts each one: it
// keeps the UTF-16 offsets of the document's astral characters (those outside the BMP, two units
// each), so a position costs a binary search and an edit a pass over the astral characters after
// it (none at all for a document without any, the common case).
class CodePointIndex {
  public:
    explicit CodePointIndex(std::u16string_view start) {
        add(0, start);
        points_ = start.size() - astral_.size();
    }

    std::size_t points() const { return points_; }

    // UTF-16 offset of code point `point` (<= points()).
    std::size_t units_at(std::size_t point) const {
        // The k-th astral character (0-based) starts at code point astral_[k] - k; that sequence
        // is strictly increasing, so the characters before `point` are a prefix.
        std::size_t lo = 0;
        std::size_t hi = astral_.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (astral_[mid] - mid < point) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return point + lo;
    }

    // Records the edit "remove `remove_units` at `pos` units, then insert `text` there".
    void replace(std::size_t pos, std::size_t remove_units, std::u16string_view text) {
        const auto first = std::lower_bound(astral_.begin(), astral_.end(), pos);
        const auto last = std::lower_bound(first, astral_.end(), pos + remove_units);
        const std::size_t removed_astral = static_cast<std::size_t>(last - first);
        const auto kept = astral_.erase(first, last);
        for (auto it = kept; it != astral_.end(); ++it) {
            *it = *it - remove_units + text.size();
        }
        points_ -= remove_units - removed_astral;
        const std::size_t before = astral_.size();
        add(pos, text);
        points_ += text.size() - (astral_.size() - before);
    }

  private:
    // Inserts the offsets of the astral characters of `text` placed at `pos` (already shifted).
    void add(std::size_t pos, std::u16string_view text) {
        std::vector<std::size_t> found;
        for (std::size_t i = 0; i + 1 < text.size(); ++i) {
            if (ot::is_high_surrogate(text[i]) && ot::is_low_surrogate(text[i + 1])) {
                found.push_back(pos + i);
                ++i;
            }
        }
        if (!found.empty()) {
            const auto at = std::lower_bound(astral_.begin(), astral_.end(), pos);
            astral_.insert(at, found.begin(), found.end());
        }
    }

    std::vector<std::size_t> astral_;  // UTF-16 offsets of high surrogates, ascending
    std::size_t points_ = 0;           // length of the document in code points
};

}  // namespace

ot::Result<Trace> load_trace(const std::string& path) {
    auto raw = read_gzip(path);
    if (!raw) {
        return std::move(raw).error();
    }
    json_error_t err;
    JsonPtr root = json_take(json_loadb(raw->data(), raw->size(), 0, &err));
    if (!root) {
        return shape(std::string("invalid JSON: ") + err.text);
    }
    Trace t;
    const auto slash = path.find_last_of('/');
    t.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    if (const auto dot = t.name.find('.'); dot != std::string::npos) {
        t.name.resize(dot);
    }
    auto start = string_field(root.get(), "startContent");
    if (!start) {
        return std::move(start).error();
    }
    t.start = std::move(*start);
    const json_t* end = json_object_get(root.get(), "endContent");
    if (!json_is_string(end)) {
        return shape("\"endContent\" must be a string");
    }
    t.end_utf8.assign(json_string_value(end), json_string_length(end));
    const json_t* txns = json_object_get(root.get(), "txns");
    if (!json_is_array(txns)) {
        return shape("\"txns\" must be an array");
    }
    t.txn_end.reserve(json_array_size(txns));
    CodePointIndex index(t.start);
    for (std::size_t i = 0; i < json_array_size(txns); ++i) {
        const json_t* patches = json_object_get(json_array_get(txns, i), "patches");
        if (!json_is_array(patches)) {
            return shape("txn " + std::to_string(i) + ": \"patches\" must be an array");
        }
        for (std::size_t j = 0; j < json_array_size(patches); ++j) {
            const json_t* p = json_array_get(patches, j);
            const json_t* pos = json_array_get(p, 0);
            const json_t* del = json_array_get(p, 1);
            const json_t* ins = json_array_get(p, 2);
            if (!json_is_array(p) || json_array_size(p) != 3 || !json_is_integer(pos) ||
                !json_is_integer(del) || !json_is_string(ins) || json_integer_value(pos) < 0 ||
                json_integer_value(del) < 0) {
                return shape("txn " + std::to_string(i) + " patch " + std::to_string(j) +
                             ": expected [pos, deleteCount, text]");
            }
            const auto pos_points = static_cast<std::size_t>(json_integer_value(pos));
            const auto del_points = static_cast<std::size_t>(json_integer_value(del));
            if (pos_points > index.points() || del_points > index.points() - pos_points) {
                return ot::make_error(ot::ErrorCode::position_out_of_range,
                                      "trace: txn " + std::to_string(i) + " patch " +
                                          std::to_string(j) + " runs past the document");
            }
            const std::size_t pos_units = index.units_at(pos_points);
            const std::size_t del_units = index.units_at(pos_points + del_points) - pos_units;
            Patch patch{pos_units, del_units, t.text_pool.size(), 0};
            if (auto st = ot::append_utf8_as_utf16(
                    std::string_view(json_string_value(ins), json_string_length(ins)), t.text_pool);
                !st) {
                return std::move(st).error();
            }
            patch.text_length = t.text_pool.size() - patch.text_offset;
            index.replace(pos_units, del_units, t.text(patch));
            t.patches.push_back(patch);
        }
        t.txn_end.push_back(t.patches.size());
    }
    return t;
}

}  // namespace interview::tools
