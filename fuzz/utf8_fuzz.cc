// The UTF-8 helpers of core/text.h against ICU's strict converter: the same verdict on every
// input, the same count of code points, and a repair that always gives well-formed text and
// leaves well-formed text alone.
#include <unicode/ustring.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/text.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "utf8_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<UChar> utf16(size + 1);
  int32_t utf16_length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8(utf16.data(), static_cast<int32_t>(utf16.size()), &utf16_length, text.data(),
                static_cast<int32_t>(size), &status);
  bool valid = agora::IsValidUtf8(text);
  Check(valid == U_SUCCESS(status), "IsValidUtf8 and ICU disagree");
  if (valid) {
    Check(agora::Utf8Length(text) == static_cast<size_t>(u_countChar32(utf16.data(), utf16_length)),
          "Utf8Length is not the number of code points");
  }
  std::string repaired = agora::ReplaceInvalidUtf8(text);
  Check(agora::IsValidUtf8(repaired), "ReplaceInvalidUtf8 left invalid UTF-8");
  Check(!valid || repaired == text, "ReplaceInvalidUtf8 changed well-formed text");
  Check(repaired.size() <= size * 3, "ReplaceInvalidUtf8 grew past one U+FFFD a byte");
  agora::HasForbiddenControl(text);
  return 0;
}
