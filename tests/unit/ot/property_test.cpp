// Seeded property tests on random documents full of surrogate pairs. The seed comes from OT_SEED
// (or is random) and is printed with every failure: rerun with OT_SEED=<seed> to reproduce.
#include <gtest/gtest.h>

#include "ot/json.hpp"
#include "ot/validate.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using test::random_op;
using test::random_text;

class Property : public ::testing::Test {
  protected:
    std::uint64_t seed_ = test::base_seed();
    std::mt19937_64 rng_{seed_};
};

#define OT_SEED_TRACE() SCOPED_TRACE("OT_SEED=" + std::to_string(seed_))

TEST_F(Property, TransformConverges) {
    OT_SEED_TRACE();
    for (int i = 0; i < test::iterations(3000); ++i) {
        const std::u16string doc = random_text(rng_, 40);
        const Operation a = random_op(rng_, doc);
        const Operation b = random_op(rng_, doc);
        auto p = transform(a, b);
        ASSERT_TRUE(p.ok());
        const auto& [a2, b2] = *p;
        const std::u16string ab = *ot::apply(b2, *ot::apply(a, doc));
        const std::u16string ba = *ot::apply(a2, *ot::apply(b, doc));
        ASSERT_EQ(ab, ba) << "iteration " << i << " a=" << operation_to_json_text(a)
                          << " b=" << operation_to_json_text(b);
        // Transformed operations are still valid: no boundary inside a pair.
        ASSERT_TRUE(validate(b2, TextBuffer(*ot::apply(a, doc)), {}).ok()) << "iteration " << i;
        ASSERT_TRUE(validate(a2, TextBuffer(*ot::apply(b, doc)), {}).ok()) << "iteration " << i;
        // The authority's shortcut builds the same b' without a'.
        auto second = transform_second(a, b);
        ASSERT_TRUE(second.ok());
        ASSERT_EQ(*second, b2) << "iteration " << i;
    }
}

TEST_F(Property, ComposeEqualsSequentialApply) {
    OT_SEED_TRACE();
    for (int i = 0; i < test::iterations(3000); ++i) {
        const std::u16string doc = random_text(rng_, 40);
        const Operation a = random_op(rng_, doc);
        const std::u16string mid = *ot::apply(a, doc);
        const Operation b = random_op(rng_, mid);
        auto c = compose(a, b);
        ASSERT_TRUE(c.ok());
        ASSERT_EQ(*ot::apply(*c, doc), *ot::apply(b, mid))
            << "iteration " << i << " a=" << operation_to_json_text(a)
            << " b=" << operation_to_json_text(b);
        ASSERT_EQ(c->base_length(), doc.size());
    }
}

TEST_F(Property, InvertUndoes) {
    OT_SEED_TRACE();
    for (int i = 0; i < test::iterations(3000); ++i) {
        const std::u16string doc = random_text(rng_, 40);
        const Operation a = random_op(rng_, doc);
        auto inv = invert(a, doc);
        ASSERT_TRUE(inv.ok());
        ASSERT_EQ(*ot::apply(*inv, *ot::apply(a, doc)), doc) << "iteration " << i;
    }
}

TEST_F(Property, CursorStaysInsideDocumentAndOutsidePairs) {
    OT_SEED_TRACE();
    for (int i = 0; i < test::iterations(3000); ++i) {
        const std::u16string doc = random_text(rng_, 40);
        const Operation a = random_op(rng_, doc);
        const TextBuffer before(doc);
        const TextBuffer after(*ot::apply(a, doc));
        const std::size_t raw = std::uniform_int_distribution<std::size_t>(0, doc.size() + 3)(rng_);
        const std::size_t pos = before.snap(raw);
        ASSERT_FALSE(before.splits_pair(pos));
        for (bool own : {false, true}) {
            const std::size_t p = transform_position(pos, a, own);
            ASSERT_LE(p, after.length()) << "iteration " << i;
            ASSERT_FALSE(after.splits_pair(p))
                << "iteration " << i << " pos " << pos << " op " << operation_to_json_text(a);
        }
        // Even a raw (unsnapped) position comes out valid through transform_cursor.
        for (bool own : {false, true}) {
            const std::size_t p = transform_cursor(raw, a, own, after);
            ASSERT_LE(p, after.length());
            ASSERT_FALSE(after.splits_pair(p)) << "iteration " << i;
        }
        // Own cursor after a pure insert at the cursor lands right after the inserted text.
        const std::u16string text = random_text(rng_, 5);
        const Operation typed = make_replace(doc.size(), pos, 0, text);
        ASSERT_EQ(transform_position(pos, typed, true), pos + text.size());
        ASSERT_EQ(transform_position(pos, typed, false), pos);
    }
}

TEST_F(Property, TextBufferMatchesReference) {
    OT_SEED_TRACE();
    for (int round = 0; round < test::iterations(3000) / 100; ++round) {
        std::u16string ref = random_text(rng_, 200);
        TextBuffer buf(ref);
        for (int i = 0; i < 100; ++i) {
            const Operation a = random_op(rng_, ref);
            ASSERT_TRUE(validate(a, buf, {}).ok());
            ASSERT_TRUE(buf.apply(a).ok());
            ref = *ot::apply(a, ref);
            ASSERT_EQ(buf.length(), ref.size());
            ASSERT_EQ(buf.utf8_size(), utf8_length(ref));
            const std::size_t p = std::uniform_int_distribution<std::size_t>(0, ref.size())(rng_);
            ASSERT_EQ(buf.substring(p, 7), ref.substr(p, 7));
        }
        ASSERT_EQ(buf.text(), ref);
        ASSERT_EQ(buf.utf8(), utf16_to_utf8(ref));
        ASSERT_EQ(buf.checksum(), sha256_hex(utf16_to_utf8(ref)));
    }
}

TEST_F(Property, JsonRoundTrip) {
    OT_SEED_TRACE();
    for (int i = 0; i < test::iterations(3000); ++i) {
        const std::u16string doc = random_text(rng_, 40);
        const Operation a = random_op(rng_, doc);
        auto back = operation_from_json_text(operation_to_json_text(a));
        ASSERT_TRUE(back.ok()) << back.error().message;
        ASSERT_EQ(*back, a) << operation_to_json_text(a);
    }
}

TEST_F(Property, ValidationFindsEverySplitBoundary) {
    OT_SEED_TRACE();
    for (int i = 0; i < test::iterations(3000); ++i) {
        const std::u16string doc = random_text(rng_, 30);
        const TextBuffer buf(doc);
        // Any delete range: valid exactly when neither end is inside a pair.
        const std::size_t from = std::uniform_int_distribution<std::size_t>(0, doc.size())(rng_);
        const std::size_t to = std::uniform_int_distribution<std::size_t>(from, doc.size())(rng_);
        const Operation op = make_replace(doc.size(), from, to - from, u"x");
        const bool splits = buf.splits_pair(from) || buf.splits_pair(to);
        auto st = validate(op, buf, {});
        ASSERT_EQ(st.ok(), !splits) << "iteration " << i << " " << from << ".." << to;
        if (!st.ok()) {
            ASSERT_EQ(st.error().code, ErrorCode::splits_surrogate_pair);
        }
    }
}

}  // namespace
}  // namespace interview::ot
