// The expert model: people ranked by evidence for a topic, document-centric as in Balog,
// Azzopardi and de Rijke (2006), model 2. The best matching posts the asker may read are
// weighed (BM25 relative to the best, flattened, recency, reactions) and each author's best
// twenty summed; the topic's words are also read truncated, across languages; declared
// skills that match add about one good post, verified skills two; an accepted answer weighs
// three plain posts. Each expert carries its evidence: the matching skills, verified skills,
// the author's best posts and accepted answers. docs/search.md ("Ranking experts") gives the
// formula.
//
// Internal to search/: include it from search/*.cc only. SearchIndex lends each call a pooled
// reader and translates Xapian's exceptions; this lets them through.
//
// Thread-safety: reads only the Xapian::Database it is given, which no other thread may use
// during the call.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "search/search_index.h"

namespace agora::search {

// The people in the directory with evidence for `q`, best first, at most `limit`; posts outside
// `audience` are never evidence. kInvalidArgument "missing_query" for a blank `q`, or as
// ParseText says.
Result<std::vector<ExpertHit>> RankExperts(Xapian::Database& db, const std::string& q, size_t limit,
                                           const Audience& audience, const SearchLimits& limits);

}  // namespace agora::search
