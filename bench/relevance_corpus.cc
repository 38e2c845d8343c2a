#include "bench/relevance_corpus.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_map>

namespace agora::bench {
namespace {

struct TopicWords {
  const char* query;
  const char* skill;
  std::vector<const char*> words;  // what experts write about, the query's words among them
  search::Language language;
};

const std::vector<TopicWords>& Topics() {
  static const std::vector<TopicWords> topics = {
      {"kubernetes",
       "Kubernetes",
       {"kubernetes", "cluster", "helm", "pods", "autoscaling", "ingress", "operators", "nodes"},
       search::Language::kEnglish},
      {"pricing negotiation",
       "Negotiation",
       {"pricing", "negotiation", "discount", "procurement", "anchor", "concession", "margin"},
       search::Language::kEnglish},
      {"conformité RGPD",
       "RGPD",
       {"RGPD", "conformité", "données", "consentement", "DPO", "registre", "sous-traitant"},
       search::Language::kFrench},
      {"machine learning",
       "Machine learning",
       {"machine", "learning", "model", "training", "features", "inference", "embeddings"},
       search::Language::kEnglish},
      {"paiements instantanés",
       "Paiements",
       {"paiements", "instantanés", "virement", "SEPA", "compensation", "banque", "fraude"},
       search::Language::kFrench},
      {"solar energy",
       "Solar",
       {"solar", "energy", "panels", "inverter", "photovoltaic", "grid", "storage"},
       search::Language::kEnglish},
      {"chaîne logistique",
       "Logistique",
       {"logistique", "chaîne", "entrepôt", "livraison", "stocks", "transporteurs", "délais"},
       search::Language::kFrench},
      {"penetration testing",
       "Security",
       {"penetration", "testing", "vulnerability", "exploit", "firewall", "phishing", "audit"},
       search::Language::kEnglish},
  };
  return topics;
}

const std::vector<const char*>& Filler(search::Language language) {
  static const std::vector<const char*> english = {
      "team",    "meeting", "week",     "customer", "update", "plan",    "review",  "quarter",
      "office",  "project", "lunch",    "goal",     "idea",   "process", "results", "launch",
      "travel",  "budget",  "question", "feedback", "report", "today",   "weekend", "coffee",
      "morning", "slides",  "demo",     "roadmap",  "hiring", "welcome", "thanks",  "great"};
  static const std::vector<const char*> french = {
      "équipe", "réunion", "semaine",   "client", "projet",   "bureau",  "objectif",     "idée",
      "bilan",  "budget",  "question",  "retour", "rapport",  "journée", "café",         "matin",
      "merci",  "bravo",   "lancement", "voyage", "planning", "atelier", "présentation", "soirée"};
  return language == search::Language::kFrench ? french : english;
}

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& items) {
  return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
}

// `length` filler words with `topic_count` topic words among them; `named` adds one of the
// words of the topic's query (an expert names their subject).
std::string Sentence(std::mt19937_64& rng, const TopicWords& topic, int topic_count, bool named,
                     search::Language language, int length) {
  std::vector<std::string> words;
  for (int i = 0; i < length; ++i) words.emplace_back(Pick(rng, Filler(language)));
  std::vector<const char*> topic_words = topic.words;
  if (named) {
    std::vector<const char*> query_words;
    std::string query = topic.query;
    for (const char* w : topic.words) {
      if (query.find(w) != std::string::npos) query_words.push_back(w);
    }
    words.emplace_back(Pick(rng, query_words));
  }
  for (int i = 0; i < topic_count; ++i) {
    words.insert(words.begin() + static_cast<std::ptrdiff_t>(
                                     std::uniform_int_distribution<size_t>(0, words.size())(rng)),
                 Pick(rng, topic_words));
  }
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace

RelevanceCorpus MakeRelevanceCorpus(uint64_t seed) {
  std::mt19937_64 rng(seed);
  RelevanceCorpus corpus;
  Id next_person = 1000;
  Id next_post = 1'000'000;
  UnixMillis now = 1'790'000'000'000;
  auto person = [&](search::Language language, std::vector<std::string> skills) {
    search::PersonDocument p;
    p.id = next_person++;
    p.username = "person" + std::to_string(p.id);
    p.display_name = "Person " + std::to_string(p.id);
    p.title = "Consultant";
    p.department = "Services";
    p.location = language == search::Language::kFrench ? "Paris" : "London";
    p.skills = std::move(skills);
    p.language = language;
    corpus.people.push_back(p);
    return p.id;
  };
  auto post = [&](Id author, std::string text, search::Language language) {
    search::PostDocument d;
    d.id = next_post++;
    d.author_id = author;
    d.kind = "status";
    d.text = std::move(text);
    d.created_at = now - std::uniform_int_distribution<int64_t>(0, 365LL * 24 * 3600 * 1000)(rng);
    d.reactions = std::uniform_int_distribution<int64_t>(0, 5)(rng);
    d.language = language;
    corpus.posts.push_back(d);
    return d.id;
  };

  for (const TopicWords& topic : Topics()) {
    std::string related;
    for (const char* w : topic.words) {
      if (std::string(topic.query).find(w) != std::string::npos) continue;
      if (!related.empty() && related.find(' ') != std::string::npos) break;
      related += related.empty() ? std::string(w) : " " + std::string(w);
    }
    RelevanceTopic judged{topic.query, related, {}, {}};
    for (int e = 0; e < 5; ++e) {
      std::vector<std::string> skills;
      if (e % 2 == 0) skills.push_back(topic.skill);
      Id expert = person(topic.language, skills);
      judged.experts.push_back(expert);
      int posts = 10 - e;  // 10, 9, ... 6: the first is the most prolific
      for (int i = 0; i < posts; ++i) {
        judged.relevant_posts.push_back(
            post(expert, Sentence(rng, topic, 2, true, topic.language, 14), topic.language));
      }
    }
    // Claimed, never written about.
    for (int d = 0; d < 3; ++d) person(topic.language, {topic.skill});
    // Bystanders: the topic's name in passing, three times each.
    for (int b = 0; b < 3; ++b) {
      Id bystander = person(topic.language, {});
      for (int i = 0; i < 3; ++i) {
        post(bystander, Sentence(rng, topic, 0, true, topic.language, 16), topic.language);
      }
    }
    corpus.topics.push_back(std::move(judged));
  }
  // Noise: colleagues posting about their week, a topic word now and then.
  for (int n = 0; n < 150; ++n) {
    search::Language language = n % 3 == 0 ? search::Language::kFrench : search::Language::kEnglish;
    Id author = person(language, {});
    for (int i = 0; i < 6; ++i) {
      const TopicWords& topic = Pick(rng, Topics());
      int mentions = std::uniform_int_distribution<int>(0, 6)(rng) == 0 ? 1 : 0;
      post(author, Sentence(rng, topic, mentions, false, language, 16), language);
    }
  }
  return corpus;
}

void AddKnowledgeEvidence(RelevanceCorpus& corpus) {
  std::unordered_map<Id, search::PersonDocument*> people;
  for (auto& p : corpus.people) people[p.id] = &p;
  auto first_post_of = [&](Id author) {
    return std::find_if(corpus.posts.begin(), corpus.posts.end(),
                        [&](const search::PostDocument& d) { return d.author_id == author; });
  };
  for (const RelevanceTopic& topic : corpus.topics) {
    // People were made in order: five experts, three who only claim the skill, three bystanders.
    const std::string skill = people.at(topic.experts[0])->skills.front();
    for (size_t e : {3, 4}) first_post_of(topic.experts[e])->accepted_answer = true;
    for (size_t e : {1, 3}) people.at(topic.experts[e])->verified_skills.push_back(skill);
    Id last_expert = topic.experts.back();
    people.at(last_expert + 1)->verified_skills.push_back(skill);
    first_post_of(last_expert + 4)->accepted_answer = true;
  }
}

double NdcgAt10(const std::vector<Id>& ranked, const std::vector<Id>& relevant) {
  double dcg = 0, ideal = 0;
  for (size_t i = 0; i < ranked.size() && i < 10; ++i) {
    if (std::find(relevant.begin(), relevant.end(), ranked[i]) != relevant.end()) {
      dcg += 1 / std::log2(static_cast<double>(i) + 2);
    }
  }
  for (size_t i = 0; i < relevant.size() && i < 10; ++i) {
    ideal += 1 / std::log2(static_cast<double>(i) + 2);
  }
  return ideal > 0 ? dcg / ideal : 0;
}

double ReciprocalRank(const std::vector<Id>& ranked, const std::vector<Id>& relevant) {
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (std::find(relevant.begin(), relevant.end(), ranked[i]) != relevant.end()) {
      return 1.0 / static_cast<double>(i + 1);
    }
  }
  return 0;
}

double PrecisionAt5(const std::vector<Id>& ranked, const std::vector<Id>& relevant) {
  int hits = 0;
  for (size_t i = 0; i < ranked.size() && i < 5; ++i) {
    if (std::find(relevant.begin(), relevant.end(), ranked[i]) != relevant.end()) ++hits;
  }
  return hits / 5.0;
}

}  // namespace agora::bench
