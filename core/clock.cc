#include "core/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace agora {

UnixMillis SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const SystemClock& SystemClock::instance() {
  static const SystemClock* clock = new SystemClock();
  return *clock;
}

std::string FormatRfc3339(UnixMillis ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[80];  // room for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buf;
}

namespace {

// `count` decimal digits at `text[at]`, or -1.
int Digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return false;
  return std::chrono::year_month_day{std::chrono::year{year},
                                     std::chrono::month{static_cast<unsigned>(month)},
                                     std::chrono::day{static_cast<unsigned>(day)}}
      .ok();
}

std::optional<UnixMillis> ParseRfc3339(std::string_view text) {
  if (text.size() < 10 || !IsIsoDate(text.substr(0, 10))) return std::nullopt;
  int hour = 0, minute = 0, second = 0, millis = 0, offset_minutes = 0;
  if (text.size() > 10) {
    // "THH:MM:SS", optional ".fraction", then "Z" or "+HH:MM" / "-HH:MM".
    if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
        text[16] != ':') {
      return std::nullopt;
    }
    hour = Digits(text, 11, 2);
    minute = Digits(text, 14, 2);
    second = Digits(text, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return std::nullopt;
    }
    size_t zone = 19;
    if (text[zone] == '.') {
      size_t fraction = 0;
      while (zone + 1 + fraction < text.size() && text[zone + 1 + fraction] >= '0' &&
             text[zone + 1 + fraction] <= '9') {
        ++fraction;
      }
      if (fraction < 1 || fraction > 9) return std::nullopt;
      millis = Digits(text, zone + 1, fraction > 3 ? 3 : fraction);
      for (size_t i = fraction; i < 3; ++i) millis *= 10;
      zone += 1 + fraction;
    }
    std::string_view offset = text.substr(zone);
    if (offset != "Z" && offset != "z") {
      if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':') {
        return std::nullopt;
      }
      int offset_hours = Digits(offset, 1, 2), offset_mins = Digits(offset, 4, 2);
      if (offset_hours < 0 || offset_hours > 23 || offset_mins < 0 || offset_mins > 59) {
        return std::nullopt;
      }
      offset_minutes = (offset[0] == '-' ? -1 : 1) * (offset_hours * 60 + offset_mins);
    }
  }
  using namespace std::chrono;
  sys_days date{year_month_day{year{Digits(text, 0, 4)},
                               month{static_cast<unsigned>(Digits(text, 5, 2))},
                               day{static_cast<unsigned>(Digits(text, 8, 2))}}};
  // A local time at +01:00 is an hour ahead of UTC: subtracting the offset gives UTC.
  auto at = date + hours{hour} + minutes{minute - offset_minutes} + seconds{second} +
            milliseconds{millis};
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

}  // namespace agora
