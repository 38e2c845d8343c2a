// RFC 3339 parsing: offsets and fractions normalised to UTC milliseconds.
#include "core/clock.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

constexpr UnixMillis kAt0830Utc = 1795336200000;  // 2026-11-22T08:30:00Z

TEST(ParseRfc3339, ReadsUtcAndDates) {
  EXPECT_EQ(ParseRfc3339("2026-11-22T08:30:00Z"), kAt0830Utc);
  EXPECT_EQ(ParseRfc3339("2026-11-22t08:30:00z"), kAt0830Utc);
  EXPECT_EQ(ParseRfc3339("2026-11-22"), kAt0830Utc - (8 * 60 + 30) * 60'000);
}

TEST(ParseRfc3339, NormalisesOffsetsToUtc) {
  EXPECT_EQ(ParseRfc3339("2026-11-22T09:30:00+01:00"), kAt0830Utc);
  EXPECT_EQ(ParseRfc3339("2026-11-22T03:00:00-05:30"), kAt0830Utc);
  EXPECT_EQ(ParseRfc3339("2026-11-22T08:30:00+00:00"), kAt0830Utc);
  EXPECT_EQ(ParseRfc3339("2026-11-22T08:30:00-00:00"), kAt0830Utc);
  // An offset that moves the time across midnight moves the date too.
  EXPECT_EQ(ParseRfc3339("2026-11-23T00:30:00+16:00"), kAt0830Utc);
}

TEST(ParseRfc3339, KeepsFractionsToTheMillisecond) {
  EXPECT_EQ(ParseRfc3339("2026-11-22T08:30:00.250Z"), kAt0830Utc + 250);
  EXPECT_EQ(ParseRfc3339("2026-11-22T08:30:00.5Z"), kAt0830Utc + 500);
  EXPECT_EQ(ParseRfc3339("2026-11-22T09:30:00.123456789+01:00"), kAt0830Utc + 123);
  EXPECT_EQ(ParseRfc3339("2026-11-22T03:00:00.250-05:30"), kAt0830Utc + 250);
}

TEST(ParseRfc3339, RefusesMalformedTimesAndOffsets) {
  for (const char* bad :
       {"2026-11-22T08:30:00", "2026-11-22T08:30:00+0100", "2026-11-22T08:30:00+01",
        "2026-11-22T08:30:00+24:00", "2026-11-22T08:30:00+01:60", "2026-11-22T08:30:00.Z",
        "2026-11-22T08:30:00.1234567890Z", "2026-11-22T08:30:00Z+01:00",
        "2026-11-22T08:30:00 +01:00", "2026-11-22T24:00:00Z", "2026-02-30T08:30:00Z",
        "2026-11-22 08:30:00Z", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace agora
