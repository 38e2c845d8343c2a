// Password hashing with Argon2id (libsodium crypto_pwhash_str).
//
// Hashing is deliberately slow and memory-hungry; call it from a worker thread, never from a
// socket thread. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace agora::profiles {

struct PasswordCost {
  unsigned long long ops_limit;
  size_t mem_limit_bytes;
  // libsodium's INTERACTIVE limits: about 64 MiB and a few tens of milliseconds per hash.
  static PasswordCost Interactive();
  // libsodium's minimum; for tests and throwaway sample data only.
  static PasswordCost Minimum();
};

// Initializes libsodium once; safe to call many times.
Status InitCrypto();

// A self-describing "$argon2id$..." string holding salt and parameters.
Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost);

// Constant-time check of `password` against a stored hash; false on any malformed hash.
bool VerifyPassword(const std::string& stored_hash, std::string_view password);

}  // namespace agora::profiles
