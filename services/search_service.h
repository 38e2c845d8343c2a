// SearchService: posts, people, experts and deal stories, as the viewer may see them.
//
// Thread-safe; blocks on Xapian and SQLite (call from worker threads). The viewer's readable
// audiences (company-wide, open communities, communities they belong to) are computed per call
// and handed to the index as a filter, so hidden posts never count in a total, a facet, a
// highlight or an expert's rank. Hits are hydrated from the store and checked once more.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "communities/community_repository.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user_repository.h"
#include "search/search_index.h"
#include "services/feed_service.h"
#include "services/quotas.h"

namespace agora::services {

struct PostHit {
  PostView view;
  double score = 0;
  std::string highlight;  // HTML: the text escaped, matches in <mark>
};

struct PersonHit {
  profiles::User user;
  double score = 0;
};

// One page of results, and how many match in all (readable ones only).
template <typename Hit>
struct SearchPage {
  int64_t total = 0;
  bool total_exact = true;  // false: at least `total` match (search::SearchLimits)
  std::vector<Hit> results;
};
using PostSearchPage = SearchPage<PostHit>;
using PeopleSearchPage = SearchPage<PersonHit>;

struct Expert {
  profiles::User user;
  double score = 0;
  std::vector<std::string> skills;                       // declared skills that match the topic
  std::vector<profiles::VerifiedSkill> verified_skills;  // verified skills that match the topic
  std::vector<PostView> posts;             // the best matching posts the viewer may read
  std::vector<PostView> accepted_answers;  // those of the matching posts a question accepted
};

struct DealSearchPage : SearchPage<PostHit> {
  std::map<std::string, std::map<std::string, int64_t>> facets;
};

class SearchService {
 public:
  // Every reference must outlive the service.
  SearchService(search::SearchIndex& index, communities::CommunityRepository& communities,
                profiles::UserRepository& users, FeedService& feed, Quotas& quotas);

  // A community filter the viewer may not read: kNotFound (secret) or kPermissionDenied.
  Result<PostSearchPage> Posts(const Viewer& viewer, const search::PostQuery& query);
  Result<PeopleSearchPage> People(const Viewer& viewer, const search::PeopleQuery& query);
  Result<std::vector<Expert>> Experts(const Viewer& viewer, const std::string& q, size_t limit);
  Result<DealSearchPage> Deals(const Viewer& viewer, const search::DealQuery& query);

 private:
  Result<search::Audience> AudienceOf(const Viewer& viewer);
  // The readable live posts among `hits`, in order, with highlights.
  Result<std::vector<PostHit>> HydratePosts(const Viewer& viewer,
                                            const std::vector<search::Hit>& hits,
                                            const search::MatchedTerms& matched);

  search::SearchIndex& index_;  // constant after construction
  communities::CommunityRepository& communities_;
  profiles::UserRepository& users_;
  FeedService& feed_;
  Quotas& quotas_;
};

}  // namespace agora::services
