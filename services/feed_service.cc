#include "services/feed_service.h"

#include <algorithm>
#include <unordered_map>

#include "services/audience.h"

namespace agora::services {
namespace {

// Announcements form one company-wide source that every reader merges in at read time.
constexpr Id kAnnouncementsSource = 0;
// Hydration drops deleted posts; a page asks the engine again this many times at most.
constexpr int kMaxFillRounds = 8;

// Stream entries for posts, each from its community, else its author (or `source`).
std::vector<feed::FeedEntry> ToEntries(const std::vector<posts::PostRef>& refs,
                                       std::optional<Id> source = std::nullopt) {
  std::vector<feed::FeedEntry> out;
  out.reserve(refs.size());
  for (const auto& r : refs) {
    out.push_back({r.id, source.value_or(r.community_id.value_or(r.author_id))});
  }
  return out;
}

}  // namespace

FeedService::FeedService(storage::Store& store, feed::FeedEngine& engine,
                         posts::PostRepository& posts, profiles::UserRepository& users,
                         communities::CommunityRepository& communities,
                         communities::ModerationRepository& moderation, FeedServiceOptions options)
    : engine_(engine),
      posts_(posts),
      users_(users),
      graph_(store),
      communities_(communities),
      moderation_(moderation),
      options_(options) {
  auto authors = graph_.UsersWithMoreFollowersThan(options_.fanout_threshold);
  auto groups = communities_.CommunitiesWithMoreMembersThan(options_.fanout_threshold);
  if (authors.ok() && groups.ok()) {
    large_sources_.insert(authors->begin(), authors->end());
    large_sources_.insert(groups->begin(), groups->end());
  } else {
    large_sources_known_ = false;
  }
}

Result<std::vector<feed::PullSource>> FeedService::PulledSources(Id reader) {
  std::vector<feed::PullSource> pulls{{kAnnouncementsSource, AnnouncementLoader()}};
  std::unordered_set<Id> large;
  {
    MutexLock lock(&large_mu_);
    if (!large_sources_known_) {
      auto authors = graph_.UsersWithMoreFollowersThan(options_.fanout_threshold);
      if (!authors.ok()) return authors.status();
      auto groups = communities_.CommunitiesWithMoreMembersThan(options_.fanout_threshold);
      if (!groups.ok()) return groups.status();
      large_sources_.insert(authors->begin(), authors->end());
      large_sources_.insert(groups->begin(), groups->end());
      large_sources_known_ = true;
    }
    if (large_sources_.empty()) return pulls;
    large = large_sources_;
  }
  auto followees = graph_.FolloweeIds(reader);
  if (!followees.ok()) return followees.status();
  for (Id id : *followees) {
    if (large.contains(id)) pulls.push_back({id, AuthorLoader(id)});
  }
  auto groups = communities_.MemberCommunityIds(reader);
  if (!groups.ok()) return groups.status();
  for (Id id : *groups) {
    if (large.contains(id)) pulls.push_back({id, CommunityLoader(id)});
  }
  return pulls;
}

void FeedService::OnPostCommitted(const posts::Post& post,
                                  const std::optional<std::vector<Id>>& recipients) {
  if (post.in_reply_to) return;  // replies live under their parent, not in streams
  if (post.kind == posts::PostKind::kAnnouncement && !post.community_id) {
    engine_.RecordSourcePost({post.id, kAnnouncementsSource});
    return;
  }
  feed::FeedEntry entry{post.id, post.community_id.value_or(post.author_id)};
  if (!recipients) {
    {
      MutexLock lock(&large_mu_);
      large_sources_.insert(entry.source_id);
    }
    engine_.RecordSourcePost(entry);
  }
  std::vector<Id> readers = recipients.value_or(std::vector<Id>());
  readers.push_back(post.author_id);  // one's own posts are in one's stream
  engine_.Deliver(entry, readers);
}

Status FeedService::OnJoined(Id user, Id community_id) {
  auto recent =
      posts_.RecentInCommunities({community_id}, {}, static_cast<int>(options_.timeline_capacity));
  if (!recent.ok()) return recent.status();
  engine_.AddEntries(user, ToEntries(*recent));
  return Status::Ok();
}

void FeedService::OnLeft(Id user, Id community_id) { engine_.RemoveSource(user, community_id); }

Status FeedService::OnFollow(Id reader, Id followee) {
  auto recent =
      posts_.RecentByAuthors({followee}, {}, static_cast<int>(options_.timeline_capacity));
  if (!recent.ok()) return recent.status();
  engine_.AddEntries(reader, ToEntries(*recent));
  return Status::Ok();
}

void FeedService::OnUnfollow(Id reader, Id followee) { engine_.RemoveSource(reader, followee); }

feed::Loader FeedService::TimelineLoader(Id reader) {
  return [this, reader]() -> Result<std::vector<feed::FeedEntry>> {
    int capacity = static_cast<int>(options_.timeline_capacity);
    auto authors = graph_.FolloweeIds(reader);
    if (!authors.ok()) return authors.status();
    authors->push_back(reader);
    auto refs = posts_.RecentByAuthors(*authors, {}, capacity);
    if (!refs.ok()) return refs.status();
    auto groups = communities_.MemberCommunityIds(reader);
    if (!groups.ok()) return groups.status();
    auto in_groups = posts_.RecentInCommunities(*groups, {}, capacity);
    if (!in_groups.ok()) return in_groups.status();
    refs->insert(refs->end(), in_groups->begin(), in_groups->end());
    std::sort(refs->begin(), refs->end(),
              [](const posts::PostRef& a, const posts::PostRef& b) { return a.id > b.id; });
    if (refs->size() > options_.timeline_capacity) refs->resize(options_.timeline_capacity);
    return ToEntries(*refs);
  };
}

feed::Loader FeedService::AuthorLoader(Id author) {
  return [this, author]() -> Result<std::vector<feed::FeedEntry>> {
    auto refs = posts_.RecentByAuthors({author}, {}, static_cast<int>(options_.timeline_capacity));
    if (!refs.ok()) return refs.status();
    return ToEntries(*refs);
  };
}

feed::Loader FeedService::CommunityLoader(Id community_id) {
  return [this, community_id]() -> Result<std::vector<feed::FeedEntry>> {
    auto refs = posts_.RecentInCommunities({community_id}, {},
                                           static_cast<int>(options_.timeline_capacity));
    if (!refs.ok()) return refs.status();
    return ToEntries(*refs);
  };
}

feed::Loader FeedService::AnnouncementLoader() {
  return [this]() -> Result<std::vector<feed::FeedEntry>> {
    auto refs = posts_.RecentAnnouncements(static_cast<int>(options_.timeline_capacity));
    if (!refs.ok()) return refs.status();
    return ToEntries(*refs, kAnnouncementsSource);
  };
}

Result<std::vector<PostView>> FeedService::Hydrate(const std::vector<Id>& ids) {
  auto posts = posts_.FindMany(ids);
  if (!posts.ok()) return posts.status();
  return AttachAuthors(std::move(*posts));
}

Result<std::vector<PostView>> FeedService::AttachAuthors(std::vector<posts::Post> posts) {
  std::vector<Id> author_ids;
  for (const auto& p : posts) {
    if (std::find(author_ids.begin(), author_ids.end(), p.author_id) == author_ids.end()) {
      author_ids.push_back(p.author_id);
    }
  }
  auto authors = users_.Summaries(author_ids);
  if (!authors.ok()) return authors.status();
  std::unordered_map<Id, const profiles::UserSummary*> by_id;
  for (const auto& a : *authors) by_id[a.id] = &a;
  std::vector<PostView> out;
  out.reserve(posts.size());
  for (auto& p : posts) {
    auto it = by_id.find(p.author_id);
    if (it != by_id.end()) out.push_back({std::move(p), *it->second});
  }
  return out;
}

Result<StreamPage> FeedService::Home(const Viewer& viewer, const posts::IdRange& range,
                                     size_t limit) {
  auto pulls = PulledSources(viewer.user_id);
  if (!pulls.ok()) return pulls.status();
  AudienceCheck audience(communities_, viewer);
  feed::Loader timeline = TimelineLoader(viewer.user_id);

  bool older = range.before || !range.after;
  feed::FeedQuery query{range.before, older ? std::nullopt : range.after, limit + 1};
  std::vector<PostView> collected;
  bool exhausted = false;
  for (int round = 0; round < kMaxFillRounds && collected.size() <= limit && !exhausted; ++round) {
    auto candidates = engine_.Read(viewer.user_id, timeline, *pulls, query);
    if (!candidates.ok()) return candidates.status();
    exhausted = candidates->size() < query.limit;  // nothing further that way
    if (candidates->empty()) break;
    std::vector<Id> ids;
    for (const auto& c : *candidates) ids.push_back(c.post_id);
    auto views = Hydrate(ids);
    if (!views.ok()) return views.status();
    std::vector<Id> communities;
    for (const auto& v : *views) {
      if (v.post.community_id) communities.push_back(*v.post.community_id);
    }
    AGORA_RETURN_IF_ERROR(audience.Prefetch(communities));
    for (auto& v : *views) {
      // Access can be lost after delivery (left, removed, banned): checked on every read.
      auto readable = audience.CanRead(v.post.community_id);
      if (!readable.ok()) return readable.status();
      if (*readable) collected.push_back(std::move(v));
    }
    if (older) {
      query.before = candidates->back().post_id;
    } else {
      query.after = candidates->front().post_id;
    }
  }
  std::sort(collected.begin(), collected.end(),
            [](const PostView& a, const PostView& b) { return a.post.id > b.post.id; });
  StreamPage page;
  if (collected.size() > limit) {
    if (older) {
      collected.resize(limit);
    } else {
      collected.erase(collected.begin(), collected.end() - static_cast<std::ptrdiff_t>(limit));
    }
    page.older_than = collected.back().post.id;
  } else if (older && !exhausted) {
    page.older_than = query.before;  // deleted posts filled the rounds; go on past them
  } else if (!older && !collected.empty()) {
    page.older_than = collected.back().post.id;
  }
  page.items = std::move(collected);
  return page;
}

Result<StreamPage> FeedService::PageOf(std::vector<posts::PostRef> refs,
                                       const posts::IdRange& range, size_t limit) {
  bool older = range.before || !range.after;
  StreamPage page;
  bool more = refs.size() > limit;
  if (more) {
    if (older) {
      refs.resize(limit);
    } else {
      refs.erase(refs.begin());  // newest first: the extra one is the farthest from `after`
    }
  }
  if (!refs.empty() && (!older || more)) page.older_than = refs.back().id;
  std::vector<Id> ids;
  for (const auto& r : refs) ids.push_back(r.id);
  auto views = Hydrate(ids);
  if (!views.ok()) return views.status();
  page.items = std::move(*views);
  return page;
}

Result<StreamPage> FeedService::Profile(const Viewer&, const profiles::UserRef& ref,
                                        const posts::IdRange& range, size_t limit) {
  auto user = ref.id ? users_.FindById(*ref.id) : users_.FindByUsername(ref.username);
  if (!user.ok()) return user.status();
  auto refs = posts_.RecentByAuthors({user->id}, range, static_cast<int>(limit + 1));
  if (!refs.ok()) return refs.status();
  return PageOf(std::move(*refs), range, limit);
}

Result<StreamPage> FeedService::CommunityStream(const Viewer& viewer, Id community_id,
                                                const posts::IdRange& range, size_t limit) {
  AudienceCheck audience(communities_, viewer);
  auto visible = audience.CanSee(community_id);
  if (!visible.ok()) return visible.status();
  if (!*visible) return Status::NotFound("no such community");
  auto readable = audience.CanRead(community_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) return Status::PermissionDenied("this community's posts are for its members");
  auto refs = posts_.RecentInCommunities({community_id}, range, static_cast<int>(limit + 1));
  if (!refs.ok()) return refs.status();
  auto page = PageOf(std::move(*refs), range, limit);
  if (!page.ok() || range.before || range.after) return page;
  auto pinned_ids = moderation_.Pins(community_id);
  if (!pinned_ids.ok()) return pinned_ids.status();
  auto pinned = Hydrate(*pinned_ids);
  if (!pinned.ok()) return pinned.status();
  // Pinned posts lead the first page and are not repeated below it.
  std::erase_if(page->items, [&](const PostView& v) {
    return std::find(pinned_ids->begin(), pinned_ids->end(), v.post.id) != pinned_ids->end();
  });
  for (auto& v : *pinned) v.pinned = true;
  page->items.insert(page->items.begin(), pinned->begin(), pinned->end());
  return page;
}

}  // namespace agora::services
