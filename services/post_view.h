// PostView: a post with its author, ready to render. Its own header so that code which only
// shows posts (notifications, the live hub) does not depend on the feed engine.
#pragma once

#include "posts/post.h"
#include "profiles/user.h"

namespace agora::services {

struct PostView {
  posts::Post post;
  profiles::UserSummary author;
  bool pinned = false;  // shown first in its community's feed

  bool operator==(const PostView&) const = default;
};

}  // namespace agora::services
