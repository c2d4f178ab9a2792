#include "config/jcfg.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace interview::config {

const Setting* ConfigFile::find(const std::string& group, const std::string& name) const {
    auto g = groups.find(group);
    if (g == groups.end()) {
        return nullptr;
    }
    auto s = g->second.find(name);
    return s == g->second.end() ? nullptr : &s->second;
}

const char* type_name(const Scalar& value) {
    switch (value.index()) {
        case 0:
            return "string";
        case 1:
            return "integer";
        case 2:
            return "number";
        default:
            return "boolean";
    }
}

namespace {

class Parser {
  public:
    explicit Parser(const std::string& text) : text_(text) {}

    std::variant<ConfigFile, ParseError> run() {
        ConfigFile file;
        std::string group;  // "" at top level
        bool in_group = false;
        for (;;) {
            if (!skip_space_and_comments()) {
                return error_;
            }
            if (at_end()) {
                break;
            }
            if (peek() == '}') {
                if (!in_group) {
                    return fail("unexpected '}'");
                }
                ++pos_;
                in_group = false;
                group.clear();
                skip_terminator();
                continue;
            }
            std::string name;
            if (!read_name(name)) {
                return error_;
            }
            if (!skip_space_and_comments()) {
                return error_;
            }
            if (at_end() || (peek() != '=' && peek() != ':')) {
                return fail("expected '=' or ':' after '" + name + "'");
            }
            ++pos_;
            if (!skip_space_and_comments()) {
                return error_;
            }
            if (at_end()) {
                return fail("missing value for '" + name + "'");
            }
            const int value_line = line_;
            if (peek() == '{') {
                if (in_group) {
                    return fail("nested group '" + name + "' is not supported");
                }
                if (file.groups.count(name) != 0) {
                    return fail("group '" + name + "' appears twice");
                }
                ++pos_;
                in_group = true;
                group = name;
                file.groups[group];
                continue;
            }
            if (peek() == '[' || peek() == '(') {
                return fail("'" + name + "': lists and arrays are not supported");
            }
            Scalar value;
            if (!read_scalar(name, value)) {
                return error_;
            }
            auto& settings = file.groups[group];
            if (settings.count(name) != 0) {
                return fail("'" + name + "' is set twice");
            }
            settings.emplace(name, Setting{std::move(value), value_line});
            skip_terminator();
        }
        if (in_group) {
            return fail("group '" + group + "' is not closed with '}'");
        }
        return file;
    }

  private:
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }

    ParseError fail(const std::string& message) {
        error_ = ParseError{line_, message};
        return error_;
    }

    // Returns false (with error_ set) only for an unterminated block comment.
    bool skip_space_and_comments() {
        while (!at_end()) {
            const char c = peek();
            if (c == '\n') {
                ++line_;
                ++pos_;
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                ++pos_;
            } else if (c == '#' ||
                       (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
                while (!at_end() && peek() != '\n') {
                    ++pos_;
                }
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
                const int start_line = line_;
                pos_ += 2;
                while (!at_end() &&
                       !(peek() == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
                    if (peek() == '\n') {
                        ++line_;
                    }
                    ++pos_;
                }
                if (at_end()) {
                    error_ = ParseError{start_line, "unterminated /* comment"};
                    return false;
                }
                pos_ += 2;
            } else {
                break;
            }
        }
        return true;
    }

    void skip_terminator() {
        while (!at_end() && (peek() == ' ' || peek() == '\t')) {
            ++pos_;
        }
        if (!at_end() && (peek() == ';' || peek() == ',')) {
            ++pos_;
        }
    }

    bool read_name(std::string& name) {
        const size_t start = pos_;
        while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_' ||
                             peek() == '-' || peek() == '.')) {
            ++pos_;
        }
        if (pos_ == start) {
            fail(std::string("unexpected character '") + peek() + "'");
            return false;
        }
        name = text_.substr(start, pos_ - start);
        if (!std::isalpha(static_cast<unsigned char>(name[0]))) {
            fail("setting name '" + name + "' must start with a letter");
            return false;
        }
        return true;
    }

    bool read_scalar(const std::string& name, Scalar& value) {
        if (peek() == '"') {
            std::string s;
            if (!read_string(name, s)) {
                return false;
            }
            value = std::move(s);
            return true;
        }
        const size_t start = pos_;
        while (!at_end() && !std::isspace(static_cast<unsigned char>(peek())) && peek() != ';' &&
               peek() != ',' && peek() != '}' && peek() != '#') {
            ++pos_;
        }
        const std::string word = text_.substr(start, pos_ - start);
        std::string lower;
        for (char c : word) {
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (lower == "true" || lower == "false") {
            value = (lower == "true");
            return true;
        }
        if (word.empty()) {
            fail("missing value for '" + name + "'");
            return false;
        }
        errno = 0;
        char* end = nullptr;
        const bool hex = lower.rfind("0x", 0) == 0 || lower.rfind("-0x", 0) == 0;
        const long long integer = std::strtoll(word.c_str(), &end, hex ? 16 : 10);
        if (end == word.c_str() + word.size() && errno == 0) {
            value = static_cast<std::int64_t>(integer);
            return true;
        }
        if (errno == ERANGE) {
            fail("'" + name + "': integer out of range");
            return false;
        }
        end = nullptr;
        const double number = std::strtod(word.c_str(), &end);
        if (end == word.c_str() + word.size() && errno == 0 && !hex) {
            value = number;
            return true;
        }
        fail("'" + name + "': '" + word + "' is not a string, number or boolean");
        return false;
    }

    bool read_string(const std::string& name, std::string& out) {
        ++pos_;  // opening quote
        while (!at_end() && peek() != '"') {
            char c = peek();
            if (c == '\n') {
                fail("'" + name + "': string is not closed on its line");
                return false;
            }
            if (c == '\\') {
                ++pos_;
                if (at_end()) {
                    break;
                }
                switch (peek()) {
                    case '"':
                        c = '"';
                        break;
                    case '\\':
                        c = '\\';
                        break;
                    case 'n':
                        c = '\n';
                        break;
                    case 't':
                        c = '\t';
                        break;
                    default:
                        fail("'" + name + "': unknown escape '\\" + std::string(1, peek()) + "'");
                        return false;
                }
            }
            out += c;
            ++pos_;
        }
        if (at_end()) {
            fail("'" + name + "': string is not closed");
            return false;
        }
        ++pos_;  // closing quote
        return true;
    }

    const std::string& text_;
    size_t pos_ = 0;
    int line_ = 1;
    ParseError error_;
};

}  // namespace

std::variant<ConfigFile, ParseError> parse_jcfg(const std::string& text) {
    return Parser(text).run();
}

}  // namespace interview::config
