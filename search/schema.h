// The index schema: every term prefix and value slot of the Xapian index in one table, the
// keyword fields that are both a filter and a facet, the audience filter, and how a word is
// spelled as terms (folded, stemmed in either language). Documents (documents.h), queries
// (queries.h) and the expert model (expert_model.h) all build their terms here, so indexing and
// searching cannot disagree. docs/search.md ("Schema") describes the same table.
//
// Internal to search/: include it from search/*.cc only.
//
// Thread-safety: constants and functions without shared mutable state, callable from any thread.
// TermsOfWord keeps one set of stemmers per thread; a Stem returned by FoldedStemmer must not be
// shared between threads.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/id.h"
#include "search/analysis.h"
#include "search/search_index.h"

namespace agora::search::schema {

// clang-format off
// Terms. "Key" prefixes are followed by an id, keyword prefixes by KeywordTerm's spelling.
inline constexpr const char* kPostKey         = "Qp";         // Qp<id>: a post (replace_document)
inline constexpr const char* kPersonKey       = "Qu";         // Qu<id>: a person
inline constexpr const char* kPostType        = "XTpost";     // every post
inline constexpr const char* kPersonType      = "XTperson";   // every person
inline constexpr const char* kAudience        = "XV";         // XV<community id>: its posts
inline constexpr const char* kCompanyAudience = "XVcompany";  // company-wide posts
inline constexpr const char* kRestricted      = "XR";         // every document but company-wide posts
inline constexpr const char* kAuthor          = "XA";         // XA<author id>
inline constexpr const char* kKind            = "XK";         // XK<kind>, exactly as given
inline constexpr const char* kHashtag         = "K";          // keyword
inline constexpr const char* kSector          = "XS";         // keyword: deal sector
inline constexpr const char* kProduct         = "XP";         // keyword: deal product
inline constexpr const char* kRegion          = "XG";         // keyword: deal region
inline constexpr const char* kOutcome         = "XO";         // keyword: deal outcome
inline constexpr const char* kDepartment      = "XD";         // keyword: person's department
inline constexpr const char* kLocation        = "XL";         // keyword: person's location
inline constexpr const char* kSkill           = "XSK";        // keyword: person's skill
inline constexpr const char* kSkillText       = "S";          // skills as words (expert evidence)
inline constexpr const char* kVerifiedText    = "SV";         // verified skills as words
inline constexpr const char* kStem            = "Z";          // stems, before any field prefix

// Value slots.
enum Slot : Xapian::valueno {
  kCreatedSlot   = 0,   // created_at, ms (sortable_serialise)
  kAmountSlot    = 1,   // deal amount (sortable_serialise)
  kClosedOnSlot  = 2,   // deal closed_on, "YYYY-MM-DD" (compared as text)
  kSectorSlot    = 3,   // deal facets, as written
  kProductSlot   = 4,
  kRegionSlot    = 5,
  kOutcomeSlot   = 6,
  kReactionsSlot = 7,   // reactions count (sortable_serialise)
  kAuthorSlot    = 8,   // author id
  kNameSlot      = 9,   // folded display name (people sort)
  kIdSlot        = 10,  // the document's id
  kAcceptedSlot  = 11,  // "1" on a reply a question accepted
};
// clang-format on

// Database metadata: the outbox position the index has applied.
inline constexpr const char* kAppliedSeqKey = "agora.applied_seq";
// Database metadata: the version of this schema the documents were written with. An index of
// another version is emptied when opened and built again: Readable relies on kRestricted, and
// Weighting on LengthNormalise, which older documents lack.
inline constexpr const char* kSchemaVersionKey = "agora.schema";
inline constexpr const char* kSchemaVersion = "2";

// A deal field that is a keyword filter and a facet at once.
struct DealFacet {
  const char* name;    // in DealResults::facets
  const char* prefix;  // keyword term
  Slot slot;           // the value as written, counted for the facet
  std::string DealFields::*field;
  std::optional<std::string> DealQuery::*filter;
};
inline constexpr DealFacet kDealFacets[] = {
    {"sector", kSector, kSectorSlot, &DealFields::sector, &DealQuery::sector},
    {"product", kProduct, kProductSlot, &DealFields::product, &DealQuery::product},
    {"region", kRegion, kRegionSlot, &DealFields::region, &DealQuery::region},
    {"outcome", kOutcome, kOutcomeSlot, &DealFields::outcome, &DealQuery::outcome},
};

// A person's single-valued keyword field (indexed when not empty) and its filter.
struct PersonKeyword {
  const char* prefix;
  std::string PersonDocument::*field;
  std::optional<std::string> PeopleQuery::*filter;
};
inline constexpr PersonKeyword kPersonKeywords[] = {
    {kDepartment, &PersonDocument::department, &PeopleQuery::department},
    {kLocation, &PersonDocument::location, &PeopleQuery::location},
};

std::string PostKey(Id id);
std::string PersonKey(Id id);
// XVcompany for nullopt, else XV<community id>.
std::string AudienceTerm(std::optional<Id> community_id);
// `query` kept to the posts the audience may read: company-wide, or in one of its communities;
// people never match. A reader's filter avoids the company-wide term, whose posting list holds
// most of the index and would be walked for every candidate: it removes the restricted
// documents (community posts and people, a small part) outside the audience's communities.
Xapian::Query Readable(const Xapian::Query& query, const Audience& audience);

// BM25 without a document length (its b = 0 form): a document's length is already in its wdfs
// (LengthNormalise), so ranking never looks up a length per candidate, which Xapian 1.4 does by
// walking a posting list of every document. Set on every Enquire that ranks by relevance.
Xapian::BM25Weight Weighting();
// Metadata keys of the running length totals ("<sum> <count>") of posts and of people, whose
// averages LengthNormalise divides by.
inline constexpr const char* kPostLengthKey = "agora.post_length";
inline constexpr const char* kPersonLengthKey = "agora.person_length";
// A document's length as Xapian's BM25 counts it: the sum of its wdfs.
Xapian::termcount TextLength(const Xapian::Document& doc);
// Multiplies the wdf of each term of `doc` by kWdfScale / (1 - b + b * `length` /
// `average_length`) (b = 0.5, as Xapian's default BM25; below half the average counted as
// half), so that Weighting ranks as BM25 with b = 0.5 did, to within rounding.
void LengthNormalise(Xapian::Document& doc, double length, double average_length);

// A keyword as a boolean term: folded, lower-cased, spaces collapsed, cut to Xapian's limit on
// a UTF-8 boundary.
std::string KeywordTerm(const char* prefix, std::string_view value);

// The id held in `slot` of `doc` (0 when there is none).
Id IdOf(const Xapian::Document& doc, Slot slot = kIdSlot);

// Single letters left by splitting elisions ("l'offre", "qu'il"): never worth a term.
const Xapian::SimpleStopper& ElisionStopper();

// A stemmer that stems the accented word, then folds the stem. Snowball's French rules need the
// accents ("négocié" and "négociation" share "négoci", while "negocie" stems to "negoc"), so
// every accented word is indexed under both stem(fold(word)) and fold(stem(word)).
Xapian::Stem FoldedStemmer(Language language);

// The terms `word` gives in the index under `prefix` (either language): its folded form and its
// stems.
std::vector<std::string> TermsOfWord(std::string_view word, const std::string& prefix);
// Whether any term of `word` under `prefix` is in `terms`.
bool WordMatches(std::string_view word, const std::unordered_set<std::string>& terms,
                 const std::string& prefix);
// The distinct terms of `query`.
std::unordered_set<std::string> TermSet(const Xapian::Query& query);

}  // namespace agora::search::schema
