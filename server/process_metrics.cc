#include "server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace agora::server {
namespace {

// Fields 1 and 2 of /proc/self/statm: total and resident pages.
struct PageCounts {
  uint64_t total = 0;
  uint64_t resident = 0;
};

PageCounts ReadPageCounts() {
  PageCounts pages;
  std::ifstream statm("/proc/self/statm");
  statm >> pages.total >> pages.resident;
  return pages;
}

double PageBytes() { return static_cast<double>(sysconf(_SC_PAGESIZE)); }

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double OpenDescriptors() {
  std::error_code ec;
  double open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++open;
  }
  return open;
}

double DescriptorLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur == RLIM_INFINITY ? -1 : double(limit.rlim_cur);
}

}  // namespace

void AddProcessMetrics(Metrics& metrics) {
  metrics.AddCallback("process_cpu_seconds_total", "User and system CPU time spent in seconds.",
                      "counter", CpuSeconds);
  metrics.AddCallback("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
                      [] { return double(ReadPageCounts().resident) * PageBytes(); });
  metrics.AddCallback("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
                      [] { return double(ReadPageCounts().total) * PageBytes(); });
  metrics.AddCallback("process_open_fds", "Number of open file descriptors.", "gauge",
                      OpenDescriptors);
  metrics.AddCallback("process_max_fds", "Maximum number of open file descriptors.", "gauge",
                      DescriptorLimit);
  double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  metrics.AddCallback("process_start_time_seconds",
                      "Start time of the process since unix epoch in seconds.", "gauge",
                      [started] { return started; });
}

uint64_t DiskBytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    uint64_t size = fs::file_size(path, ec);
    return ec ? 0 : size;
  }
  uint64_t total = 0;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

}  // namespace agora::server
