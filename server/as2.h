// ActivityStreams 2.0 (https://www.w3.org/TR/activitystreams-core/) as Agora serves it: stream
// pages, single posts (Note), their Create activities and people (Person), with absolute ids
// that this server answers, `content` as sanitised HTML, and the `agora:` extension declared in
// `@context` so that JSON-LD processors drop nothing.
//
// Everything here is a pure function of its arguments but PublicUrl, which is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/id.h"
#include "core/json.h"
#include "core/mutex.h"
#include "core/status.h"
#include "core/viewer.h"
#include "posts/post.h"
#include "profiles/user.h"
#include "server/api.h"
#include "services/feed_service.h"
#include "services/post_view.h"

namespace agora::server {

class StreamItemCache;  // server/stream_item_cache.h

// The absolute URL clients reach the server at ("https://agora.example.com", no trailing
// slash): `agora serve --public-url`, else made from the listening address once it is bound
// (port 0 picks the port only then), so it may be set after the routes that read it exist.
class PublicUrl {
 public:
  explicit PublicUrl(std::string url = "") : url_(std::move(url)) {}
  void Set(std::string url) EXCLUDES(mu_);
  std::string Get() const EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::string url_ GUARDED_BY(mu_);
};

// The IRIs of Agora's resources under one public URL; each is a route that answers it.
class As2Iris {
 public:
  explicit As2Iris(std::string base) : base_(std::move(base)) {}
  explicit As2Iris(const PublicUrl& url) : base_(url.Get()) {}

  const std::string& base() const { return base_; }
  std::string Post(Id id) const;      // GET /api/v1/posts/{id}: the Note
  std::string Activity(Id id) const;  // GET /api/v1/posts/{id}/activity: its Create
  std::string User(Id id) const;      // GET /api/v1/users/{id}: the Person
  std::string Community(Id id) const;
  std::string Hashtag(std::string_view tag) const;  // a search for the tag's posts

 private:
  std::string base_;
};

// The media type to answer an AS2 document with when `accept` (an Accept header) asks for
// one: "application/activity+json", or JSON-LD with the ActivityStreams profile; nullopt when
// it asks for neither (the caller then answers plain JSON).
std::optional<std::string> As2MediaType(std::string_view accept);

// A 200 answer of an AS2 document, typed as the Accept header asks (plain JSON otherwise).
inline ApiResponse As2Answer(const ApiRequest& request, std::string document) {
  return {200, std::move(document), As2MediaType(request.accept).value_or("application/json")};
}

// `result` as the AS2 document `render_as2` makes when the Accept header asks for AS2, else as
// the API's own JSON that `render_json` makes; or its error.
template <typename T, typename RenderAs2, typename RenderJson>
Result<ApiResponse> NegotiatedAnswer(const ApiRequest& request, const Result<T>& result,
                                     RenderAs2&& render_as2, RenderJson&& render_json) {
  if (!result.ok()) return result.status();
  if (As2MediaType(request.accept)) return As2Answer(request, render_as2(*result));
  return ApiResponse(200, render_json(*result));
}

// `post.text` as safe HTML: every character escaped, line breaks as <br>, and links, mentions
// of people who exist and hashtags as <a> elements, inside one <p>. Only http(s) links become
// hrefs, so no script or attribute can be smuggled in.
std::string PostHtml(const posts::Post& post, const As2Iris& iris);

// One item of a stream page and of the live hub's post events: a Create activity with its
// actor (a Person) and its object (a Note carrying the API's post as `agora:post`).
void WriteStreamItem(JsonWriter& w, const services::PostView& view, const As2Iris& iris);

// Where a stream page sits in its collection: the collection's path (e.g. "/api/v1/feeds/home"),
// the page's window and size.
struct StreamPageAddress {
  std::string path;
  posts::IdRange range;
  size_t limit = 20;
};

// An OrderedCollectionPage of Create activities, newest first, with its own `id`, `partOf`
// (the collection), `next` (older) and `prev` (newer), all absolute.
// With a `cache`, items rendered before from equal views are copied from it.
std::string RenderStreamPage(const services::StreamPage& page, const StreamPageAddress& address,
                             const As2Iris& iris, StreamItemCache* cache = nullptr);

// The page's `next` link (older items), as RenderStreamPage writes it; nullopt on a last page.
std::optional<std::string> StreamPageNext(const services::StreamPage& page,
                                          const StreamPageAddress& address, const As2Iris& iris);

// Documents (with `@context`) for the ids above: the Note, its Create activity, the Person.
std::string RenderNoteDocument(const services::PostView& view, const As2Iris& iris);
std::string RenderCreateDocument(const services::PostView& view, const As2Iris& iris);
std::string RenderPersonDocument(const profiles::User& user, const Viewer& viewer,
                                 const As2Iris& iris);

}  // namespace agora::server
