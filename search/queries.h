// Queries: the user's words read into a Xapian query (French and English, folded and accented,
// within SearchLimits), the filters built in code from each query's fields and the caller's
// Audience, one page of hits with its total and deal facet counts, and highlighting of a hit's
// text against the words its query matched.
//
// Internal to search/: include it from search/*.cc only. SearchIndex lends each call a pooled
// reader and translates Xapian's exceptions; these functions let them through.
//
// Thread-safety: a function that takes a Xapian::Database reads only that database, which no
// other thread may use during the call; the rest are pure and callable from any thread.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "core/status.h"
#include "search/search_index.h"

namespace agora::search {

// Whether `q` holds nothing but white space.
bool IsBlank(std::string_view q);

// How a query joins its words: every word required (searching), or any word (evidence).
enum class Words { kAll, kAny };

// The user's words as a query in both languages (MatchAll when blank), looked up under `prefix`
// ("" for text, schema::kSkillText for declared skills). kInvalidArgument "invalid_utf8",
// "query_too_long", "query_too_complex" or "invalid_query".
Result<Xapian::Query> ParseText(Xapian::Database& db, const std::string& q, Words words,
                                const std::string& prefix, const SearchLimits& limits);

// The searches of SearchIndex, on `db`.
Result<PostResults> QueryPosts(Xapian::Database& db, const PostQuery& query,
                               const Audience& audience, const SearchLimits& limits);
Result<PeopleResults> QueryPeople(Xapian::Database& db, const PeopleQuery& query,
                                  const SearchLimits& limits);
Result<DealResults> QueryDeals(Xapian::Database& db, const DealQuery& query,
                               const Audience& audience, const SearchLimits& limits);

// See SearchIndex::Highlight.
std::string HighlightMatches(std::string_view text, const MatchedTerms& matched, size_t max_chars);

}  // namespace agora::search
