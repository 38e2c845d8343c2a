// EnumName tables: one table per enum from each value to its name on the wire and in SQLite,
// so a value's name and the parser of that name cannot disagree. Constant data; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace agora {

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

// The name of `value` in `table`; the first entry's name for a value the table lacks.
template <typename E, size_t N>
constexpr const char* NameOf(const EnumName<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return table[0].name;
}

// The value named `name` in `table`; nullopt for a name it lacks.
template <typename E, size_t N>
constexpr std::optional<E> ParseName(const EnumName<E> (&table)[N], std::string_view name) {
  for (const auto& entry : table) {
    if (name == entry.name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace agora
