// How names people type become what is shown and what is compared. Pure functions, thread-safe.
//
// Two names that look the same must be the same name: "Café" typed with a composed é or with
// e + U+0301, "Sales " with a trailing space, "Sa\u200Bles" with a zero-width space, "SALES"
// and "ｓａｌｅｓ" all name one community, one skill, one email. Display keeps what people typed,
// NFC-normalised; uniqueness and lookup use NameKey.
#pragma once

#include <string>
#include <string_view>

namespace agora {

// `text` in Unicode Normalization Form C (composed characters), otherwise as typed. Invalid
// UTF-8 is returned unchanged (validation refuses it before storage).
std::string NfcNormalized(std::string_view text);

// The key two names are compared by: NFKC case-folded (compatibility forms and case folded,
// default-ignorable characters such as zero-width spaces, bidi marks and soft hyphens removed),
// white space trimmed at both ends and each inner run of it made one ASCII space. Invalid UTF-8
// is returned unchanged.
std::string NameKey(std::string_view text);

}  // namespace agora
