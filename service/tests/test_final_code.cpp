// PUT /v1/interviews/{id}/final-code takes any legal document of the plugin: up to
// max_document_bytes of text, however much JSON escaping blows it up on the wire.
#include "test_support.h"

namespace {

using namespace isvc;
using namespace isvc::test;

// The body the plugin sends, with `escaped` already written as JSON string content.
std::string body_with(const std::string& escaped, int revision) {
    return R"({"code":")" + escaped + R"(","language":"c","revision":)" + std::to_string(revision) +
           "}";
}

// `text` as Jansson writes it (as the plugin does): control characters as \u00XX.
std::string jansson_escaped(const std::string& text) {
    JsonPtr s(json_stringn(text.data(), text.size()));
    std::unique_ptr<char, decltype(&std::free)> raw(json_dumps(s.get(), JSON_ENCODE_ANY),
                                                    &std::free);
    const std::string quoted(raw ? raw.get() : "\"\"");
    return quoted.substr(1, quoted.size() - 2);
}

class FinalCode : public ::testing::Test {
  protected:
    explicit FinalCode(std::size_t max_document_bytes = 1048576)
        : h(":memory:", test_now(), "", 15, "", {}, config(max_document_bytes)),
          path("/v1/interviews/" + h.create().str("id") + "/final-code") {}

    static ApiConfig config(std::size_t max_document_bytes) {
        ApiConfig c;
        c.max_document_bytes = max_document_bytes;
        return c;
    }
    std::string stored() { return h.admin("GET", path).str("code"); }

    Harness h;
    std::string path;
};

TEST_F(FinalCode, TwoHundredKilobytesOfControlCharactersAreAccepted) {
    std::string text;
    for (std::size_t i = 0; text.size() < 200 * 1024; ++i) {
        const char c = static_cast<char>(1 + i % 31);  // U+0001..U+001F
        if (c != '\r') {                               // a document never holds a CR
            text.push_back(c);
        }
    }
    const std::string body = body_with(jansson_escaped(text), 1);
    ASSERT_GT(body.size(), 1024u * 1024u);  // over the old 1 MiB limit
    Reply r = h.service("PUT", path, body);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_TRUE(stored() == text);  // not EXPECT_EQ: no megabyte in the report
}

TEST_F(FinalCode, AMaximalDocumentOfWorstCaseEscapesIsAccepted) {
    // 1 MiB of U+0001, each byte written as the six bytes \u0001.
    std::string escaped;
    for (int i = 0; i < 1048576; ++i) {
        escaped += "\\u0001";
    }
    Reply r = h.service("PUT", path, body_with(escaped, 1));
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_TRUE(stored() == std::string(1048576, '\x01'));
    // Astral characters written as surrogate pairs: 12 bytes for 4, well inside the limit.
    std::string pairs;
    for (int i = 0; i < 262144; ++i) {
        pairs += "\\ud83d\\ude00";
    }
    r = h.service("PUT", path, body_with(pairs, 2));
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_EQ(stored().size(), 1048576u);
}

TEST_F(FinalCode, ATextOverMaxDocumentBytesIsRefused) {
    Reply r = h.service("PUT", path, body_with(std::string(1048577, 'x'), 1));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "document_too_large");
    EXPECT_NE(r.str("error.message").find("1048576"), std::string::npos) << r.body;
    EXPECT_EQ(h.admin("GET", path).error_code(), "no_final_code");  // nothing stored
    // Exactly max_document_bytes is fine.
    EXPECT_EQ(h.service("PUT", path, body_with(std::string(1048576, 'x'), 1)).status, 200);
}

class SmallDocuments : public FinalCode {
  protected:
    SmallDocuments() : FinalCode(2048) {}
};

TEST_F(SmallDocuments, TheBodyLimitFollowsMaxDocumentBytes) {
    std::string escaped;
    for (int i = 0; i < 2048; ++i) {
        escaped += "\\u001f";
    }
    EXPECT_EQ(h.service("PUT", path, body_with(escaped, 1)).status, 200);
    Reply r = h.service("PUT", path, body_with(std::string(2049, 'x'), 2));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "document_too_large");
    // The body limit is 6 * 2048 + 4096 bytes: whitespace past it is a body too large.
    const std::string padded = body_with("x", 3) + std::string(6 * 2048 + 4096, ' ');
    r = h.service("PUT", path, padded);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "body_too_large");
    // Other routes keep their 64 KiB.
    EXPECT_EQ(h.admin("POST", "/v1/interviews", std::string(60 * 1024, ' ')).error_code(),
              "malformed_json");
}

}  // namespace
