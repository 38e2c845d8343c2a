// A page of a list that is not a stream: items plus an opaque cursor for the next page.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/id.h"

namespace agora {

struct PageRequest {
  static constexpr int kDefaultLimit = 20;
  static constexpr int kMaxLimit = 100;
  int limit = kDefaultLimit;
  std::optional<Id> after_key;  // decoded from the cursor: continue past this key
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

}  // namespace agora
