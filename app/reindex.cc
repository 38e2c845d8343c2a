// `agora reindex`: the search index rebuilt from the store.
#include <unistd.h>

#include <iostream>
#include <string>

#include "app/commands.h"

namespace agora::app {
namespace {

// "indexing [#########.............]  45%  1234/2742" on one line of a terminal; a line per
// tenth on anything else, so logs stay readable.
class ProgressBar {
 public:
  ProgressBar() : terminal_(isatty(STDERR_FILENO) != 0) {}

  void Show(int64_t done, int64_t total) {
    int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    if (!terminal_ && percent / 10 == last_tenth_) return;
    last_tenth_ = percent / 10;
    constexpr int kWidth = 30;
    int filled = percent * kWidth / 100;
    std::cerr << (terminal_ ? "\r" : "") << "indexing [" << std::string(filled, '#')
              << std::string(kWidth - filled, '.') << "] " << percent << "%  " << done << "/"
              << total << (terminal_ ? "" : "\n") << std::flush;
  }
  void Finish() {
    if (terminal_) std::cerr << "\n";
  }

 private:
  const bool terminal_;
  int last_tenth_ = -1;
};

}  // namespace

int Reindex(const ApplicationOptions& options) {
  auto app = Application::Open(options);
  if (!app.ok()) {
    std::cerr << "agora: " << app.status().message() << "\n";
    return 1;
  }
  // Starting empty: an interrupted rebuild leaves an index marked unbuilt, which the next
  // `agora serve` builds again before following the outbox.
  auto index = search::SearchIndex::Open(SearchIndexPath(options.data_dir), {}, true);
  if (!index.ok()) {
    std::cerr << "agora: " << index.status().message()
              << (index.status().code() == StatusCode::kUnavailable
                      ? "; stop the server on this data folder first"
                      : "")
              << "\n";
    return 1;
  }
  ProgressBar bar;
  Status built = services::SearchIndexer::BuildAll(
      (*app)->store(), (*app)->post_repository(), (*app)->user_repository(), **index,
      [&bar](int64_t done, int64_t total) { bar.Show(done, total); });
  bar.Finish();
  if (!built.ok()) {
    std::cerr << "agora: " << built.message() << "\n";
    return 1;
  }
  std::cout << "indexed " << (*index)->documents() << " documents\n";
  return 0;
}

}  // namespace agora::app
