#include "server/as2.h"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cctype>

#include "core/clock.h"
#include "core/text.h"
#include "posts/text_entities.h"
#include "server/json_codec.h"
#include "server/stream_item_cache.h"

namespace agora::server {
namespace {

constexpr const char* kAs2Context = "https://www.w3.org/ns/activitystreams";
constexpr const char* kPublic = "https://www.w3.org/ns/activitystreams#Public";
// The namespace of Agora's own terms; a URN, so that it names the vocabulary, not a server.
constexpr const char* kAgoraNamespace = "urn:agora:";

// `@context`: ActivityStreams, then every term we use that it does not define. The API's
// objects ride along as JSON literals (@json), so their members need no terms of their own.
void WriteContext(JsonWriter& w) {
  w.Key("@context");
  w.StartArray();
  WriteString(w, kAs2Context);
  w.StartObject();
  StringMember(w, "agora", kAgoraNamespace);
  StringMember(w, "Hashtag", "as:Hashtag");
  for (const char* term : {"agora:post", "agora:user"}) {
    w.Key(term);
    w.StartObject();
    StringMember(w, "@id", term);
    StringMember(w, "@type", "@json");
    w.EndObject();
  }
  w.EndObject();
  w.EndArray();
}

// `text` escaped, with its line breaks as <br> ("\r\n" is one break).
void AppendEscapedLines(std::string& out, std::string_view text) {
  for (size_t end = text.find('\n');; end = text.find('\n')) {
    std::string_view line = text.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    AppendHtmlEscaped(out, line);
    if (end == std::string_view::npos) return;
    out += "<br>";
    text.remove_prefix(end + 1);
  }
}

void AppendAnchor(std::string& out, const std::string& href, const char* attributes,
                  std::string_view text) {
  out += "<a href=\"";
  AppendHtmlEscaped(out, href);
  out += "\" ";
  out += attributes;
  out += ">";
  AppendHtmlEscaped(out, text);
  out += "</a>";
}

std::optional<Id> MentionedUser(const posts::Post& post, const std::string& username) {
  for (const auto& m : post.mentions) {
    if (m.username == username) return m.user_id;
  }
  return std::nullopt;
}

void WritePerson(JsonWriter& w, Id id, std::string_view username, std::string_view name,
                 const As2Iris& iris) {
  StringMember(w, "type", "Person");
  StringMember(w, "id", iris.User(id));
  StringMember(w, "name", name);
  StringMember(w, "preferredUsername", username);
}

// `to` and `audience`: a community's post is addressed to its community alone, so that no
// private or secret community's post ever claims to be public; a post outside communities is
// readable by every member of the network, which is what as:Public stands for here.
void WriteAddressing(JsonWriter& w, const posts::Post& post, const As2Iris& iris) {
  w.Key("to");
  w.StartArray();
  WriteString(w, post.community_id ? iris.Community(*post.community_id) : kPublic);
  w.EndArray();
  if (post.community_id) StringMember(w, "audience", iris.Community(*post.community_id));
}

void WriteTags(JsonWriter& w, const posts::Post& post, const As2Iris& iris) {
  w.Key("tag");
  w.StartArray();
  for (const auto& m : post.mentions) {
    w.StartObject();
    StringMember(w, "type", "Mention");
    StringMember(w, "href", iris.User(m.user_id));
    StringMember(w, "name", "@" + m.username);
    w.EndObject();
  }
  for (const auto& tag : post.hashtags) {
    w.StartObject();
    StringMember(w, "type", "Hashtag");
    StringMember(w, "href", iris.Hashtag(tag));
    StringMember(w, "name", "#" + tag);
    w.EndObject();
  }
  w.EndArray();
}

void WriteNoteMembers(JsonWriter& w, const services::PostView& view, const As2Iris& iris) {
  const posts::Post& p = view.post;
  StringMember(w, "type", "Note");
  StringMember(w, "id", iris.Post(p.id));
  StringMember(w, "attributedTo", iris.User(p.author_id));
  StringMember(w, "content", PostHtml(p, iris));
  StringMember(w, "mediaType", "text/html");
  w.Key("source");
  w.StartObject();
  StringMember(w, "content", p.text);
  StringMember(w, "mediaType", "text/plain");
  w.EndObject();
  StringMember(w, "published", FormatRfc3339(p.created_at));
  if (p.edited_at) StringMember(w, "updated", FormatRfc3339(*p.edited_at));
  if (p.in_reply_to) StringMember(w, "inReplyTo", iris.Post(*p.in_reply_to));
  WriteAddressing(w, p, iris);
  WriteTags(w, p, iris);
  w.Key("agora:post");
  WritePost(w, view);
}

void WriteCreateMembers(JsonWriter& w, const services::PostView& view, const As2Iris& iris) {
  const posts::Post& p = view.post;
  StringMember(w, "type", "Create");
  StringMember(w, "id", iris.Activity(p.id));
  w.Key("actor");
  w.StartObject();
  WritePerson(w, view.author.id, view.author.username, view.author.display_name, iris);
  w.EndObject();
  StringMember(w, "published", FormatRfc3339(p.created_at));
  WriteAddressing(w, p, iris);
  w.Key("object");
  w.StartObject();
  WriteNoteMembers(w, view, iris);
  w.EndObject();
}

// A page of `collection` at `cursor`=`id` (none: its newest page), with the address's limit.
std::string PageLink(const std::string& collection, const char* cursor, std::optional<Id> id,
                     const StreamPageAddress& address) {
  std::string query = "?";
  if (id) query += std::string(cursor) + "=" + IdToString(*id) + "&";
  return collection + query + "limit=" + std::to_string(address.limit);
}

}  // namespace

void PublicUrl::Set(std::string url) {
  MutexLock lock(&mu_);
  url_ = std::move(url);
}

std::string PublicUrl::Get() const {
  MutexLock lock(&mu_);
  return url_;
}

std::string As2Iris::Post(Id id) const { return base_ + "/api/v1/posts/" + IdToString(id); }

std::string As2Iris::Activity(Id id) const { return Post(id) + "/activity"; }

std::string As2Iris::User(Id id) const { return base_ + "/api/v1/users/" + IdToString(id); }

std::string As2Iris::Community(Id id) const {
  return base_ + "/api/v1/communities/" + IdToString(id);
}

std::string As2Iris::Hashtag(std::string_view tag) const {
  return base_ +
         "/api/v1/search/posts?hashtag=" + boost::urls::encode(tag, boost::urls::unreserved_chars);
}

std::optional<std::string> As2MediaType(std::string_view accept) {
  std::string lowered(accept);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lowered.find("application/activity+json") != std::string::npos) {
    return "application/activity+json";
  }
  if (lowered.find("application/ld+json") != std::string::npos) {
    return std::string("application/ld+json; profile=\"") + kAs2Context + "\"";
  }
  return std::nullopt;
}

std::string PostHtml(const posts::Post& post, const As2Iris& iris) {
  std::string out = "<p>";
  size_t at = 0;
  for (const auto& entity : posts::FindEntities(post.text)) {
    std::string_view written =
        std::string_view(post.text).substr(entity.begin, entity.end - entity.begin);
    std::optional<std::string> href;
    const char* attributes = "";
    switch (entity.kind) {
      case posts::TextEntity::Kind::kLink:
        href = entity.value;
        attributes = "rel=\"nofollow noopener noreferrer\"";
        break;
      case posts::TextEntity::Kind::kMention:
        if (auto user = MentionedUser(post, entity.value)) href = iris.User(*user);
        attributes = "class=\"mention\"";
        break;
      case posts::TextEntity::Kind::kHashtag:
        href = iris.Hashtag(entity.value);
        attributes = "class=\"hashtag\" rel=\"tag\"";
        break;
    }
    if (!href) continue;  // a mention of nobody stays text
    AppendEscapedLines(out, std::string_view(post.text).substr(at, entity.begin - at));
    AppendAnchor(out, *href, attributes, written);
    at = entity.end;
  }
  AppendEscapedLines(out, std::string_view(post.text).substr(at));
  out += "</p>";
  return out;
}

void WriteStreamItem(JsonWriter& w, const services::PostView& view, const As2Iris& iris) {
  w.StartObject();
  WriteCreateMembers(w, view, iris);
  w.EndObject();
}

std::string RenderStreamPage(const services::StreamPage& page, const StreamPageAddress& address,
                             const As2Iris& iris, StreamItemCache* cache) {
  std::string collection = iris.base() + address.path;
  rapidjson::StringBuffer buffer;  // its own, so that cached items go into it whole
  JsonWriter w(buffer);
  w.StartObject();
  WriteContext(w);
  StringMember(w, "type", "OrderedCollectionPage");
  StringMember(w, "id",
               address.range.before ? PageLink(collection, "before", address.range.before, address)
                                    : PageLink(collection, "after", address.range.after, address));
  StringMember(w, "partOf", collection);
  w.Key("orderedItems");
  w.StartArray();
  for (const auto& view : page.items) {
    if (cache) {
      cache->Write(w, buffer, view, iris);
    } else {
      WriteStreamItem(w, view, iris);
    }
  }
  w.EndArray();
  if (page.older_than) {
    StringMember(w, "next", PageLink(collection, "before", page.older_than, address));
  }
  if (!page.items.empty()) {
    // The newest item shown: pinned posts lead a page without being its newest.
    Id newest = 0;
    for (const auto& view : page.items) newest = std::max(newest, view.post.id);
    StringMember(w, "prev", PageLink(collection, "after", newest, address));
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<std::string> StreamPageNext(const services::StreamPage& page,
                                          const StreamPageAddress& address, const As2Iris& iris) {
  if (!page.older_than) return std::nullopt;
  return PageLink(iris.base() + address.path, "before", page.older_than, address);
}

std::string RenderNoteDocument(const services::PostView& view, const As2Iris& iris) {
  return RenderObject([&](JsonWriter& w) {
    WriteContext(w);
    WriteNoteMembers(w, view, iris);
  });
}

std::string RenderCreateDocument(const services::PostView& view, const As2Iris& iris) {
  return RenderObject([&](JsonWriter& w) {
    WriteContext(w);
    WriteCreateMembers(w, view, iris);
  });
}

std::string RenderPersonDocument(const profiles::User& user, const Viewer& viewer,
                                 const As2Iris& iris) {
  return RenderObject([&](JsonWriter& w) {
    WriteContext(w);
    WritePerson(w, user.id, user.username, user.display_name, iris);
    StringMember(w, "outbox", iris.base() + "/api/v1/users/" + IdToString(user.id) + "/feed");
    w.Key("agora:user");
    WriteUser(w, user, viewer);
  });
}

}  // namespace agora::server
