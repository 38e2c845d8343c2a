// `agora reindex`: the search index rebuilt from the store.
#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/progress_bar.h"

namespace agora::app {

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
  ProgressBar bar("indexing");
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
