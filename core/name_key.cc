#include "core/name_key.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "core/text.h"

namespace agora {
namespace {

// Applies `form` to well-formed UTF-8; anything ICU refuses comes back unchanged.
std::string Normalize(std::string_view text, const icu::Normalizer2* form, UErrorCode error) {
  if (U_FAILURE(error) || !IsValidUtf8(text)) return std::string(text);
  icu::UnicodeString normalized =
      form->normalize(icu::UnicodeString::fromUTF8(
                          icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))),
                      error);
  if (U_FAILURE(error)) return std::string(text);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

// Trims white space and makes each inner run of it one ASCII space.
icu::UnicodeString CollapseWhiteSpace(const icu::UnicodeString& text) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(u' '));
    pending_space = false;
    out.append(c);
  }
  return out;
}

}  // namespace

std::string NfcNormalized(std::string_view text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  return Normalize(text, nfc, error);
}

std::string NameKey(std::string_view text) {
  UErrorCode error = U_ZERO_ERROR;
  // NFKC_Casefold also removes every Default_Ignorable_Code_Point (zero-width characters,
  // bidi controls, soft hyphen, variation selectors).
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(error);
  std::string folded = Normalize(text, fold, error);
  if (!IsValidUtf8(folded)) return folded;
  std::string out;
  CollapseWhiteSpace(icu::UnicodeString::fromUTF8(
                         icu::StringPiece(folded.data(), static_cast<int32_t>(folded.size()))))
      .toUTF8String(out);
  return out;
}

}  // namespace agora
