#include "services/search_service.h"

#include <algorithm>
#include <unordered_map>

#include "services/audience.h"

namespace agora::services {

SearchService::SearchService(search::SearchIndex& index,
                             communities::CommunityRepository& communities,
                             profiles::UserRepository& users, FeedService& feed, Quotas& quotas)
    : index_(index), communities_(communities), users_(users), feed_(feed), quotas_(quotas) {}

Result<search::Audience> SearchService::AudienceOf(const Viewer& viewer) {
  if (viewer.is_guest()) {
    // Confined (services/audience.h): their communities, nothing company-wide or open.
    AGORA_ASSIGN_OR_RETURN(auto joined, communities_.MemberCommunityIds(viewer.user_id));
    return search::Audience{std::move(joined), false};
  }
  auto open = communities_.OpenCommunityIds();
  if (!open.ok()) return open.status();
  auto joined = communities_.MemberCommunityIds(viewer.user_id);
  if (!joined.ok()) return joined.status();
  search::Audience audience{std::move(*open)};
  audience.communities.insert(audience.communities.end(), joined->begin(), joined->end());
  return audience;
}

Result<std::vector<PostHit>> SearchService::HydratePosts(const Viewer& viewer,
                                                         const std::vector<search::Hit>& hits,
                                                         const search::MatchedTerms& matched) {
  std::vector<Id> ids;
  std::unordered_map<Id, double> scores;
  for (const search::Hit& hit : hits) {
    ids.push_back(hit.id);
    scores[hit.id] = hit.score;
  }
  auto views = feed_.Hydrate(ids);
  if (!views.ok()) return views.status();
  AudienceCheck audience(communities_, viewer);
  std::vector<PostHit> out;
  for (PostView& view : *views) {
    // The index filtered already; this guards the moment between a change and its indexing.
    auto readable = audience.CanRead(view.post.community_id);
    if (!readable.ok()) return readable.status();
    if (!*readable) continue;
    std::string highlight = search::SearchIndex::Highlight(view.post.text, matched);
    double score = scores[view.post.id];
    out.push_back({std::move(view), score, std::move(highlight)});
  }
  return out;
}

Result<PostSearchPage> SearchService::Posts(const Viewer& viewer, const search::PostQuery& query) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kSearch));
  if (query.community_id) {
    AudienceCheck check(communities_, viewer);
    auto visible = check.CanSee(*query.community_id);
    if (!visible.ok()) return visible.status();
    if (!*visible) return Status::NotFound("no such community");
    auto readable = check.CanRead(*query.community_id);
    if (!readable.ok()) return readable.status();
    if (!*readable) return Status::PermissionDenied("only members search this community");
  }
  auto audience = AudienceOf(viewer);
  if (!audience.ok()) return audience.status();
  auto found = index_.SearchPosts(query, *audience);
  if (!found.ok()) return found.status();
  auto results = HydratePosts(viewer, found->hits, found->matched);
  if (!results.ok()) return results.status();
  return PostSearchPage{found->total, found->total_exact, std::move(*results)};
}

Result<PeopleSearchPage> SearchService::People(const Viewer& viewer,
                                               const search::PeopleQuery& query) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kSearch));
  auto found = index_.SearchPeople(query);
  if (!found.ok()) return found.status();
  std::vector<Id> ids;
  for (const search::Hit& hit : found->hits) ids.push_back(hit.id);
  auto users = users_.FindMany(ids);
  if (!users.ok()) return users.status();
  PeopleSearchPage page{found->total, found->total_exact, {}};
  for (size_t i = 0, u = 0; i < found->hits.size() && u < users->size(); ++i) {
    if ((*users)[u].id != found->hits[i].id) continue;  // gone since it was indexed
    if ((*users)[u].active) page.results.push_back({std::move((*users)[u]), found->hits[i].score});
    ++u;
  }
  return page;
}

Result<std::vector<Expert>> SearchService::Experts(const Viewer& viewer, const std::string& q,
                                                   size_t limit) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kSearch));
  auto audience = AudienceOf(viewer);
  if (!audience.ok()) return audience.status();
  auto found = index_.FindExperts(q, limit, *audience);
  if (!found.ok()) return found.status();
  std::vector<Id> ids;
  for (const search::ExpertHit& hit : *found) ids.push_back(hit.user_id);
  auto users = users_.FindMany(ids);
  if (!users.ok()) return users.status();
  std::unordered_map<Id, profiles::User*> by_id;
  for (profiles::User& u : *users) by_id[u.id] = &u;
  std::vector<Expert> out;
  AudienceCheck check(communities_, viewer);
  for (const search::ExpertHit& hit : *found) {
    auto user = by_id.find(hit.user_id);
    if (user == by_id.end() || !user->second->active) continue;
    auto posts = feed_.Hydrate(hit.posts);
    if (!posts.ok()) return posts.status();
    auto accepted = feed_.Hydrate(hit.accepted_answers);
    if (!accepted.ok()) return accepted.status();
    Expert expert{*user->second, hit.score, hit.skills, {}, {}, {}};
    for (const auto& verified : user->second->verified_skills) {
      if (!verified.community_id &&
          std::find(hit.verified_skills.begin(), hit.verified_skills.end(), verified.skill) !=
              hit.verified_skills.end()) {
        expert.verified_skills.push_back(verified);
      }
    }
    // The index only weighed posts the viewer may read; the store has the last word.
    for (auto [views, into] :
         {std::pair{&*posts, &expert.posts}, std::pair{&*accepted, &expert.accepted_answers}}) {
      for (PostView& view : *views) {
        auto readable = check.CanRead(view.post.community_id);
        if (!readable.ok()) return readable.status();
        if (*readable) into->push_back(std::move(view));
      }
    }
    out.push_back(std::move(expert));
  }
  return out;
}

Result<DealSearchPage> SearchService::Deals(const Viewer& viewer, const search::DealQuery& query) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kSearch));
  auto audience = AudienceOf(viewer);
  if (!audience.ok()) return audience.status();
  auto found = index_.SearchDeals(query, *audience);
  if (!found.ok()) return found.status();
  auto results = HydratePosts(viewer, found->hits, found->matched);
  if (!results.ok()) return results.status();
  DealSearchPage page;
  page.total = found->total;
  page.total_exact = found->total_exact;
  page.results = std::move(*results);
  page.facets = std::move(found->facets);
  return page;
}

}  // namespace agora::services
