#include "sim/timestamp.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

TEST(Timestamp, EpochMilliseconds) {
    EXPECT_EQ(parse_timestamp_ms("1700000000000"), 1700000000000);
    EXPECT_EQ(parse_timestamp_ms("0"), 0);
}

TEST(Timestamp, TopLocalTimeIsGmtPlus8) {
    EXPECT_EQ(parse_timestamp_ms("2023-11-15 06:13:20"), 1700000000000);
    EXPECT_EQ(parse_timestamp_ms("1970-01-01 08:00:00"), 0);
}

TEST(Timestamp, IsoUtc) {
    EXPECT_EQ(parse_timestamp_ms("2023-11-14T22:13:20Z"), 1700000000000);
}

TEST(Timestamp, RejectsGarbage) {
    EXPECT_FALSE(parse_timestamp_ms(""));
    EXPECT_FALSE(parse_timestamp_ms("17e11"));
    EXPECT_FALSE(parse_timestamp_ms("2023-13-15 06:13:20"));
    EXPECT_FALSE(parse_timestamp_ms("2023-11-15T06:13:20"));
    EXPECT_FALSE(parse_timestamp_ms("2023/11/15 06:13:20"));
    EXPECT_FALSE(parse_timestamp_ms("-1700000000000"));
}

TEST(Timestamp, DaysFromCivil) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

}  // namespace
}  // namespace scout::sim
