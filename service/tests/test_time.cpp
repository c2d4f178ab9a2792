#include "time_util.h"

#include <gtest/gtest.h>

using isvc::format_rfc3339;
using isvc::parse_rfc3339;

namespace {

std::int64_t at(const char* s) {
    auto t = parse_rfc3339(s);
    EXPECT_TRUE(t.has_value()) << s;
    return t.value_or(-1);
}

TEST(Rfc3339, ParsesUtcAndEpoch) {
    EXPECT_EQ(at("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(at("2026-11-25T10:00:00Z"), 1795600800);
    EXPECT_EQ(at("2026-11-25t10:00:00z"), 1795600800);  // lowercase t and z are allowed
}

TEST(Rfc3339, OffsetsConvertToUtc) {
    const auto utc = at("2026-11-25T09:00:00Z");
    EXPECT_EQ(at("2026-11-25T10:00:00+01:00"), utc);
    EXPECT_EQ(at("2026-11-25T04:00:00-05:00"), utc);
    EXPECT_EQ(at("2026-11-25T14:30:00+05:30"), utc);
    EXPECT_EQ(at("2026-11-25T09:00:00+00:00"), utc);
    EXPECT_EQ(at("2026-11-25T09:00:00-00:00"), utc);
    EXPECT_EQ(at("2026-11-26T08:00:00+23:00"), utc);
    // Offsets that cross a day or year boundary.
    EXPECT_EQ(at("2027-01-01T00:30:00+01:00"), at("2026-12-31T23:30:00Z"));
    EXPECT_EQ(at("2026-12-31T20:00:00-10:00"), at("2027-01-01T06:00:00Z"));
}

TEST(Rfc3339, DstLookingOffsetsAreTakenLiterally) {
    // 02:30 on 2026-03-29 does not exist in Europe/Berlin (clocks jump 02:00 -> 03:00), but the
    // explicit offset makes it a well-defined instant; we never consult a time zone database.
    EXPECT_EQ(at("2026-03-29T02:30:00+01:00"), at("2026-03-29T01:30:00Z"));
    EXPECT_EQ(at("2026-03-29T03:30:00+02:00"), at("2026-03-29T01:30:00Z"));
    // 02:30 on 2026-10-25 happens twice in Berlin; the offset picks which one.
    EXPECT_EQ(at("2026-10-25T02:30:00+01:00") - at("2026-10-25T02:30:00+02:00"), 3600);
    // US DST change day.
    EXPECT_EQ(at("2026-03-08T03:30:00-04:00"), at("2026-03-08T07:30:00Z"));
}

TEST(Rfc3339, FractionalSecondsAreTruncated) {
    const auto base = at("2026-11-25T09:00:00Z");
    EXPECT_EQ(at("2026-11-25T09:00:00.5Z"), base);
    EXPECT_EQ(at("2026-11-25T09:00:00.999999999Z"), base);
    EXPECT_EQ(at("2026-11-25T10:00:00.123+01:00"), base);
}

TEST(Rfc3339, LeapYears) {
    EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z"));
    EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2026-02-29T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
    EXPECT_EQ(at("2024-03-01T00:00:00Z") - at("2024-02-28T00:00:00Z"), 2 * 86400);
}

TEST(Rfc3339, RejectsInvalid) {
    for (const char* bad : {"",
                            "2026-11-25",
                            "2026-11-25T10:00:00",
                            "2026-11-25 10:00:00Z",
                            "2026-11-25T10:00Z",
                            "2026-13-01T00:00:00Z",
                            "2026-00-10T00:00:00Z",
                            "2026-11-31T00:00:00Z",
                            "2026-02-30T00:00:00Z",
                            "2026-11-25T24:00:00Z",
                            "2026-11-25T10:60:00Z",
                            "2026-11-25T10:00:60Z",
                            "2026-11-25T10:00:00+1:00",
                            "2026-11-25T10:00:00+0100",
                            "2026-11-25T10:00:00+24:00",
                            "2026-11-25T10:00:00+01:60",
                            "2026-11-25T10:00:00.Z",
                            "2026-11-25T10:00:00ZZ",
                            "2026-11-25T10:00:00Z ",
                            " 2026-11-25T10:00:00Z",
                            "26-11-25T10:00:00Z",
                            "2026/11/25T10:00:00Z",
                            "２026-11-25T10:00:00Z",
                            "2026-11-25T10:00:00+01:00:00",
                            "now",
                            "1e9",
                            "'); DROP TABLE interviews;--"}) {
        EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
    }
}

TEST(Rfc3339, Formats) {
    EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_rfc3339(1795600800), "2026-11-25T10:00:00Z");
    EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59Z");
    EXPECT_EQ(format_rfc3339(951782400), "2000-02-29T00:00:00Z");
}

TEST(Rfc3339, RoundTripsEveryHourOfALeapYear) {
    for (std::int64_t t = at("2028-01-01T00:00:00Z"); t < at("2029-01-01T00:00:00Z"); t += 3599) {
        ASSERT_EQ(at(format_rfc3339(t).c_str()), t);
    }
}

}  // namespace
