// The standard process_* metrics of Prometheus's client libraries, read from Linux's /proc at
// render time, and the on-disk size of the server's files.
#pragma once

#include <cstdint>
#include <string>

#include "server/metrics.h"

namespace agora::server {

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_start_time_seconds (the call's time, made at
// start).
void AddProcessMetrics(Metrics& metrics);

// Bytes of the file at `path`, or of every file under it when it is a folder; 0 when missing.
uint64_t DiskBytes(const std::string& path);

}  // namespace agora::server
