// A labelled corpus for judging expert and post search: people with a known true expertise
// write about their topic amid colleagues' noise, others only declare the skill, and each
// topic's query comes with the right answers. Generated from a fixed seed, so a test and a
// benchmark judge the same corpus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search/search_index.h"

namespace agora::bench {

struct RelevanceTopic {
  std::string query;               // what a rep would type: the topic's name
  std::string related_query;       // two of the topic's other words, never its name
  std::vector<Id> experts;         // people who write about it, most prolific first
  std::vector<Id> relevant_posts;  // posts about it
};

struct RelevanceCorpus {
  std::vector<search::PersonDocument> people;
  std::vector<search::PostDocument> posts;
  std::vector<RelevanceTopic> topics;
};

// Per topic: 5 true experts who write 6 to 10 posts on it (half of them also declare the
// skill), 3 people who only declare the skill, 3 bystanders who name the topic in passing in
// 3 posts each, and around them 150 colleagues who write off-topic posts, some of which hold
// a topic word.
RelevanceCorpus MakeRelevanceCorpus(uint64_t seed = 20261201);

// Knowledge evidence on top of the corpus, its text untouched: per topic, a question accepted
// one post of each of the two least prolific experts, and the two experts at ranks 2 and 4 (who
// do not declare the skill) passed its quiz; as noise, one person who only claims the skill
// passed the quiz too, and one bystander's passing mention was accepted as an answer.
void AddKnowledgeEvidence(RelevanceCorpus& corpus);

// Reciprocal rank of the first relevant item (0 when none), the share of relevant items among
// the first five, and nDCG@10 with binary gains.
double ReciprocalRank(const std::vector<Id>& ranked, const std::vector<Id>& relevant);
double PrecisionAt5(const std::vector<Id>& ranked, const std::vector<Id>& relevant);
double NdcgAt10(const std::vector<Id>& ranked, const std::vector<Id>& relevant);

}  // namespace agora::bench
