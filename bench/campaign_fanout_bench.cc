// Campaign live fan-out, in process: a won deal through CampaignService::DealChanged (what
// DealService calls after its commit) to the `leaderboard` message handed to each of N
// participants' stream sockets by the LiveHub, each message with the reader's own standing.
// The sockets are in-process stand-ins (no network, no kernel buffers): this measures the
// engine update, the hub's per-reader rendering and hand-over, not the wire, which
// bench/ws_bench.sh measures for posts over 10,000 real WebSockets.
//
//   campaign_fanout_bench [participants] [deals]     (default 10000 and 20)
//
// Prints key=value lines: latency from DealChanged to each socket's Send, over every socket
// of every deal.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/application.h"
#include "sales/campaign_repository.h"
#include "server/live_hub.h"
#include "storage/rows.h"

namespace {

using agora::Id;
using agora::Status;
using Clock = std::chrono::steady_clock;
namespace sales = agora::sales;
namespace storage = agora::storage;

constexpr Id kFirstRep = 1000;

class TimedSocket final : public agora::server::StreamSocket {
 public:
  void Send(std::shared_ptr<const std::string> message) override {
    if (message->find("\"type\":\"leaderboard\"") == std::string::npos) return;
    arrived.push_back(Clock::now());  // the hub's thread only
    count.store(arrived.size());
  }
  void Replay(std::vector<std::shared_ptr<const std::string>>) override {}  // nobody resumes
  void Close(uint16_t, std::string) override {}
  std::vector<Clock::time_point> arrived;
  std::atomic<size_t> count{0};
};

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::stoi(argv[1]) : 10'000;
  int deals = argc > 2 ? std::stoi(argv[2]) : 20;
  std::string dir = std::filesystem::temp_directory_path() / "agora-campaign-fanout";
  std::filesystem::remove_all(dir);
  agora::app::ApplicationOptions options;
  options.data_dir = dir;
  auto app = agora::app::Application::Open(options);
  if (!app.ok()) return 1;
  sales::Campaign campaign;
  campaign.id = 1;
  campaign.name = "Fan-out";
  campaign.starts_on = "2026-01-01";
  campaign.ends_on = "2026-12-31";
  campaign.created_by = kFirstRep;
  std::vector<Id> participants;
  for (int i = 0; i < n; ++i) participants.push_back(kFirstRep + i);
  Status written = (*app)->store().write([&](storage::Connection& c) -> Status {
    for (Id id : participants) {
      AGORA_RETURN_IF_ERROR(storage::Run(
          c,
          "INSERT INTO users (id, username, email, display_name, password_hash, role, "
          "created_at, updated_at) VALUES (?1, 'rep' || ?1, 'rep' || ?1 || '@x.example', 'R', "
          "'x', 'member', 0, 0)",
          id));
    }
    return sales::InsertCampaign(c, campaign, participants);
  });
  if (!written.ok() || !(*app)->StartSales().ok()) return 1;

  agora::server::LiveHub hub((*app)->streams(), agora::server::StreamOptions{});
  (*app)->live_events().Attach(&hub);
  std::vector<std::shared_ptr<TimedSocket>> sockets;
  for (Id id : participants) {
    sockets.push_back(std::make_shared<TimedSocket>());
    hub.Subscribe(sockets.back(), agora::Viewer{id, false, false}, "token" + std::to_string(id),
                  std::nullopt);
  }
  // Subscriptions are queued on the hub's thread before any event: they are in place first.

  std::vector<double> latencies_ms;
  for (int k = 0; k < deals; ++k) {
    sales::Deal deal;
    deal.id = 1'000'000 + k;
    deal.owner_id = participants[k % n];
    deal.team = {{deal.owner_id, sales::kWholeShare}};
    deal.outcome = sales::Outcome::kWon;
    deal.amount_minor = 1'000'000 * (k + 1);  // a new leader each time: everyone is told
    deal.currency = "EUR";
    deal.closed_on = "2026-06-15";
    deal.customer = "ACME";
    deal.product = "fiber";
    deal.region = "north";
    auto start = Clock::now();
    (*app)->campaigns().DealChanged({std::nullopt, deal});
    auto expected = static_cast<size_t>(k + 1);
    for (const auto& s : sockets) {
      while (s->count.load() < expected) std::this_thread::yield();
    }
    for (const auto& s : sockets) {
      latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(s->arrived[k] - start).count());
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double p) {
    return latencies_ms[static_cast<size_t>(p * static_cast<double>(latencies_ms.size() - 1))];
  };
  std::cout << "participants=" << n << " deals=" << deals << " p50_ms=" << at(0.5)
            << " p99_ms=" << at(0.99) << " max_ms=" << latencies_ms.back() << "\n";
  hub.Stop();
  (*app)->live_events().Attach(nullptr);
  std::filesystem::remove_all(dir);
  return 0;
}
