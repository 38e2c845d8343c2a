#include "storage/write_guard.h"

namespace agora::storage {
namespace {

thread_local WriteGuard* installed_guard = nullptr;

}  // namespace

ScopedWriteGuard::ScopedWriteGuard(WriteGuard& guard) { installed_guard = &guard; }

ScopedWriteGuard::~ScopedWriteGuard() { installed_guard = nullptr; }

WriteGuard* PendingWriteGuard() {
  return installed_guard && !installed_guard->committed() ? installed_guard : nullptr;
}

}  // namespace agora::storage
