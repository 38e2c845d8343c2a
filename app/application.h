// Application: everything below server/ wired together over one data folder.
// Used by the `serve`, `user add` and `demo` commands alike.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "services/account_service.h"
#include "services/people_service.h"
#include "storage/store.h"

namespace agora::app {

struct ApplicationOptions {
  std::string data_dir = "./data";
  services::AccountOptions accounts;
  int reader_connections = 8;
};

class Application {
 public:
  // Creates the data folder when missing, opens the store and applies migrations.
  static Result<std::unique_ptr<Application>> Open(const ApplicationOptions& options);

  storage::Store& store() { return *store_; }
  IdGenerator& ids() { return ids_; }
  const Clock& clock() { return SystemClock::instance(); }
  services::AccountService& accounts() { return *accounts_; }
  services::PeopleService& people() { return *people_; }

 private:
  Application() : ids_(SystemClock::instance(), 0) {}

  IdGenerator ids_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<services::AccountService> accounts_;
  std::unique_ptr<services::PeopleService> people_;
};

std::string DatabasePath(const std::string& data_dir);

}  // namespace agora::app
