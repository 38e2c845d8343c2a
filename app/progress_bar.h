// A progress bar on standard error for the long commands (reindex, deals import).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <utility>

namespace agora::app {

// "indexing [#########.............]  45%  1234/2742" on one line of a terminal; a line per
// tenth on anything else, so logs stay readable.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label)
      : label_(std::move(label)), terminal_(isatty(STDERR_FILENO) != 0) {}

  void Show(int64_t done, int64_t total) {
    int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    if (!terminal_ && percent / 10 == last_tenth_) return;
    last_tenth_ = percent / 10;
    constexpr int kWidth = 30;
    int filled = percent * kWidth / 100;
    std::cerr << (terminal_ ? "\r" : "") << label_ << " [" << std::string(filled, '#')
              << std::string(kWidth - filled, '.') << "] " << percent << "%  " << done << "/"
              << total << (terminal_ ? "" : "\n") << std::flush;
  }
  void Finish() {
    if (terminal_) std::cerr << "\n";
  }

 private:
  const std::string label_;
  const bool terminal_;
  int last_tenth_ = -1;
};

}  // namespace agora::app
