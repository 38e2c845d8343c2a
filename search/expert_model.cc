#include "search/expert_model.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "search/analysis.h"
#include "search/queries.h"
#include "search/schema.h"

namespace agora::search {
namespace {

using namespace schema;  // NOLINT(google-build-using-namespace): the schema's names, read often

constexpr double kRecencyHalfLifeMs = 180.0 * 24 * 3600 * 1000;
// Declared skills: evidence worth about one good post, so people who write about a topic
// outrank people who only claim it.
constexpr double kSkillWeight = 1.0;
// A skill a passed quiz verified is worth two declared ones: someone checked it.
constexpr double kVerifiedSkillWeight = 2.0;
// A reply a question accepted as its answer weighs three plain replies: the asker (or a
// moderator) said it solved the problem.
constexpr double kAcceptedAnswerFactor = 3.0;
constexpr Xapian::doccount kSkilledPeople = 1000;
// A post's weight relative to the best match is taken to this power: flatter than BM25, so
// an author's many fair matches count beside a few close ones (measured on the real corpus,
// docs/search.md: MRR 0.923 to 0.946 with the power at 0.5).
constexpr double kPostWeightPower = 0.5;
// An author's best this many posts are summed, no more: a team with hundreds of loosely
// matching posts no longer buries the people with a score of close ones (docs/search.md:
// nDCG@10 0.728 to 0.736 on the real corpus, alike from 15 to 50).
constexpr size_t kPostsSummed = 20;
// Query words are also read cut to this many letters and standing for every indexed word that
// starts so: a stemmer that crosses languages ("cryptography" finds "cryptographie").
constexpr size_t kTruncatedWordLength = 7;

struct Candidate {
  double score = 0;
  std::vector<std::pair<double, Id>> posts;  // weight, post
  std::unordered_set<Id> accepted;           // those of `posts` a question accepted
  std::vector<std::string> skills;
  std::vector<std::string> verified_skills;
};
using Candidates = std::unordered_map<Id, Candidate>;

// The best weight of `mset` to divide by: 1 when empty, never 0.
double BestWeight(const Xapian::MSet& mset) {
  return mset.empty() ? 1 : std::max(mset.get_max_attained(), 1e-9);
}

double CreatedAt(const Xapian::Document& doc) {
  return Xapian::sortable_unserialise(doc.get_value(kCreatedSlot));
}

// Posts: p(q|d) from the post's BM25 weight relative to the best match, for the posts the asker
// may read only, kept per author to sum their best (Balog et al., 2006, model 2). Recent posts
// and posts colleagues reacted to count for more.
void AddPostEvidence(Xapian::Database& db, const Xapian::Query& text, const Audience& audience,
                     Xapian::doccount candidate_posts, Candidates& candidates) {
  Xapian::Enquire posts(db);
  posts.set_query(Readable(text, audience));
  posts.set_weighting_scheme(Weighting());
  Xapian::MSet post_set = posts.get_mset(0, candidate_posts);
  double newest = 0;
  for (auto it = post_set.begin(); it != post_set.end(); ++it) {
    newest = std::max(newest, CreatedAt(it.get_document()));
  }
  const double best = BestWeight(post_set);
  for (auto it = post_set.begin(); it != post_set.end(); ++it) {
    Xapian::Document doc = it.get_document();
    double age = newest - CreatedAt(doc);
    double recency = 0.5 + 0.5 * std::exp2(-age / kRecencyHalfLifeMs);
    double reactions = Xapian::sortable_unserialise(doc.get_value(kReactionsSlot));
    double weight = std::pow(it.get_weight() / best, kPostWeightPower) * recency *
                    (1 + 0.25 * std::log1p(reactions));
    bool accepted = !doc.get_value(kAcceptedSlot).empty();
    if (accepted) weight *= kAcceptedAnswerFactor;
    Candidate& c = candidates[IdOf(doc, kAuthorSlot)];
    c.posts.emplace_back(weight, IdOf(doc));  // summed, the best first, in RankExperts
    if (accepted) c.accepted.insert(IdOf(doc));
  }
}

// The declared skills of a person document (its data, one per line, up to an empty line), or
// with `verified` the verified ones (after it), that hold a word of `terms`.
std::vector<std::string> MatchingSkills(const Xapian::Document& doc,
                                        const std::unordered_set<std::string>& terms,
                                        bool verified) {
  std::vector<std::string> out;
  const std::string data = doc.get_data();
  std::string_view rest = data;
  bool in_verified = false;
  while (!rest.empty()) {
    std::string_view skill = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), skill.size() + 1));
    if (skill.empty()) {
      in_verified = true;
      continue;
    }
    if (in_verified != verified) continue;
    for (const Word& w : SplitWords(skill)) {
      if (WordMatches(skill.substr(w.begin, w.end - w.begin), terms,
                      verified ? kVerifiedText : kSkillText)) {
        out.emplace_back(skill);
        break;
      }
    }
  }
  return out;
}

// Declared skills (or, with `verified`, verified ones) that match the topic: their BM25 weight
// relative to the best match, times the kind's weight. Skills are public profile fields, so
// they need no audience.
void AddSkillEvidence(Xapian::Database& db, const Xapian::Query& skills, bool verified,
                      Candidates& candidates) {
  const std::unordered_set<std::string> terms = TermSet(skills);
  Xapian::Enquire people(db);
  people.set_query(Xapian::Query(Xapian::Query::OP_FILTER, skills, Xapian::Query(kPersonType)));
  people.set_weighting_scheme(Weighting());
  Xapian::MSet people_set = people.get_mset(0, kSkilledPeople);
  const double best = BestWeight(people_set);
  const double kind_weight = verified ? kVerifiedSkillWeight : kSkillWeight;
  for (auto it = people_set.begin(); it != people_set.end(); ++it) {
    Xapian::Document doc = it.get_document();
    Candidate& c = candidates[IdOf(doc)];
    c.score += kind_weight * it.get_weight() / best;
    (verified ? c.verified_skills : c.skills) = MatchingSkills(doc, terms, verified);
  }
}

// Whether `user` is in the directory (an active account): only they are experts one can reach.
bool Listed(Xapian::Database& db, Id user) {
  const std::string key = PersonKey(user);
  return db.postlist_begin(key) != db.postlist_end(key);
}

// Each word of `q` of at least `length` letters, cut to them, as a wildcard over the index's
// folded words (shorter words are left to the stemmed readings); the first `max_wildcards`
// such words only, as a query's own wildcards are bounded.
Xapian::Query TruncatedWords(const std::string& q, size_t length, const SearchLimits& limits) {
  const std::string folded = FoldForSearch(q, true);
  std::vector<Xapian::Query> words;
  for (const Word& w : SplitWords(folded)) {
    std::string_view word(folded.data() + w.begin, w.end - w.begin);
    size_t letters = 0;
    size_t cut = 0;
    while (cut < word.size() && letters < length) {
      ++cut;
      while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
      ++letters;
    }
    if (letters < length) continue;
    if (words.size() == limits.max_wildcards) break;
    words.emplace_back(Xapian::Query::OP_WILDCARD, std::string(word.substr(0, cut)),
                       limits.wildcard_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }
  return {Xapian::Query::OP_OR, words.begin(), words.end()};
}

}  // namespace

Result<std::vector<ExpertHit>> RankExperts(Xapian::Database& db, const std::string& q, size_t limit,
                                           const Audience& audience, const SearchLimits& limits) {
  if (IsBlank(q)) return Status::InvalidArgument("missing_query", "q names the topic");
  // A topic of several words: any of them is evidence, BM25 weighs how much.
  AGORA_ASSIGN_OR_RETURN(Xapian::Query stemmed, ParseText(db, q, Words::kAny, "", limits));
  Xapian::Query text(Xapian::Query::OP_OR, stemmed,
                     TruncatedWords(q, kTruncatedWordLength, limits));
  AGORA_ASSIGN_OR_RETURN(Xapian::Query skills, ParseText(db, q, Words::kAny, kSkillText, limits));
  AGORA_ASSIGN_OR_RETURN(Xapian::Query verified,
                         ParseText(db, q, Words::kAny, kVerifiedText, limits));

  Candidates candidates;
  AddPostEvidence(db, text, audience, limits.expert_candidate_posts, candidates);
  AddSkillEvidence(db, skills, false, candidates);
  AddSkillEvidence(db, verified, true, candidates);

  std::vector<ExpertHit> out;
  for (auto& [user, c] : candidates) {
    if (!Listed(db, user)) continue;
    std::sort(c.posts.begin(), c.posts.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < c.posts.size() && i < kPostsSummed; ++i) c.score += c.posts[i].first;
    ExpertHit hit{user, c.score, std::move(c.skills), std::move(c.verified_skills), {}, {}};
    for (size_t i = 0; i < c.posts.size() && i < limits.expert_evidence_posts; ++i) {
      hit.posts.push_back(c.posts[i].second);
    }
    for (const auto& [weight, post] : c.posts) {
      if (hit.accepted_answers.size() >= limits.expert_evidence_posts) break;
      if (c.accepted.contains(post)) hit.accepted_answers.push_back(post);
    }
    out.push_back(std::move(hit));
  }
  std::sort(out.begin(), out.end(), [](const ExpertHit& a, const ExpertHit& b) {
    return a.score != b.score ? a.score > b.score : a.user_id < b.user_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace agora::search
