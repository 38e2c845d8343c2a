// The search query wrapper (search/search_index.h) on a small index: the first byte picks the
// search (posts, people, experts, deals) and the language of a highlight, the rest is `q`.
// Whatever the query, no post of the community the caller is not in is found, counted or
// given as evidence, and every answer stays within its limit.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/text.h"
#include "search/search_index.h"

namespace {

using agora::search::SearchIndex;

constexpr agora::Id kHiddenCommunity = 900;
constexpr agora::Id kFirstHiddenPost = 100;  // posts 100.. are in kHiddenCommunity
constexpr int kVisiblePosts = 6;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "search_query_fuzz: %s\n", what);
    std::abort();
  }
}

SearchIndex& Index() {
  static SearchIndex* index = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "agora-fuzz-XXXXXX").string();
    if (!mkdtemp(dir.data())) std::abort();
    auto opened = SearchIndex::Open(dir, agora::search::SearchLimits{});
    Check(opened.ok(), "cannot open the index");
    const char* texts[] = {"Quarterly deal with Café Eco, signed #négociation",
                           "Who knows Kubernetes? question about deployment",
                           "Announcement: the office moves on Monday",
                           "Réunion d'équipe: l'analyse des ventes",
                           "won the renewal for solar panels",
                           "pricing OR discount AND \"quoted phrase\" wild*"};
    std::vector<agora::search::PostDocument> posts;
    for (int i = 0; i < kVisiblePosts; ++i) {
      agora::search::PostDocument post;
      post.id = i + 1;
      post.author_id = 10 + i % 3;
      post.kind = i == 0 ? "deal_story" : i == 1 ? "question" : "status";
      post.text = texts[i];
      post.hashtags = {"négociation"};
      post.created_at = 1'700'000'000'000 + i;
      post.language = i == 3 ? agora::search::Language::kFrench : agora::search::Language::kEnglish;
      if (i == 0) {
        post.deal = agora::search::DealFields{"Café Eco", "retail", "solar",      "EMEA",
                                              12000,      "EUR",    "2026-03-01", "won"};
      }
      posts.push_back(post);
      post.id = kFirstHiddenPost + i;  // the same words, in a community nobody here is in
      post.community_id = kHiddenCommunity;
      posts.push_back(post);
    }
    std::vector<agora::search::PersonDocument> people;
    for (int i = 0; i < 3; ++i) {
      agora::search::PersonDocument person;
      person.id = 10 + i;
      person.username = "person" + std::to_string(i);
      person.display_name = i == 0 ? "Léa Dubois" : "Person " + std::to_string(i);
      person.skills = {"Kubernetes", "négociation"};
      people.push_back(person);
    }
    Check((*opened)->Apply(posts, people, {}, 1).ok(), "cannot fill the index");
    return opened->release();
  }();
  return *index;
}

bool Hidden(agora::Id post) { return post >= kFirstHiddenPost; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  SearchIndex& index = Index();
  std::string q(reinterpret_cast<const char*>(data) + 1, size - 1);
  agora::search::Audience audience;  // company-wide posts only
  switch (data[0] % 4) {
    case 0: {
      agora::search::PostQuery query;
      query.q = q;
      query.limit = 1 + data[0] % 7;
      if (data[0] & 0x10) query.hashtag = "négociation";
      auto found = index.SearchPosts(query, audience);
      if (!found.ok()) return 0;
      Check(found->hits.size() <= query.limit, "more posts than the limit");
      Check(found->total <= kVisiblePosts, "the total counts posts the caller cannot read");
      for (const auto& hit : found->hits) Check(!Hidden(hit.id), "a hidden post was found");
      std::string html = SearchIndex::Highlight(q, found->matched, 1 + data[0] % 50);
      Check(agora::IsValidUtf8(html) || !agora::IsValidUtf8(q), "a highlight broke UTF-8");
      break;
    }
    case 1: {
      agora::search::PeopleQuery query;
      query.q = q;
      auto found = index.SearchPeople(query);
      if (found.ok()) Check(found->hits.size() <= query.limit, "more people than the limit");
      break;
    }
    case 2: {
      auto experts = index.FindExperts(q, 5, audience);
      if (!experts.ok()) return 0;
      Check(experts->size() <= 5, "more experts than the limit");
      for (const auto& expert : *experts) {
        for (agora::Id post : expert.posts) Check(!Hidden(post), "hidden evidence of an expert");
      }
      break;
    }
    default: {
      agora::search::DealQuery query;
      query.q = q;
      auto found = index.SearchDeals(query, audience);
      if (!found.ok()) return 0;
      Check(found->total <= 1, "the deal total counts deals the caller cannot read");
      for (const auto& hit : found->hits) Check(!Hidden(hit.id), "a hidden deal was found");
      for (const auto& [facet, values] : found->facets) {
        for (const auto& [value, count] : values) {
          Check(count <= 1, "a facet counts deals the caller cannot read");
        }
      }
    }
  }
  return 0;
}
