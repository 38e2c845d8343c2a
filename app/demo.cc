// `agora demo`: a believable sample company, generated from a fixed seed so every run of the
// README shows the same people. Writes run from several threads so group commit batches them.
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "app/commands.h"
#include "learning/quiz.h"
#include "profiles/password.h"
#include "sales/deal_repository.h"
#include "sales/money.h"
#include "sales/rates_repository.h"
#include "server/deal_codec.h"

namespace agora::app {
namespace {

constexpr const char* kDemoPassword = "agora-demo-2026";

struct Office {
  const char* city;
  bool french;
};

constexpr std::array kOffices = {Office{"Paris", true},       Office{"Lyon", true},
                                 Office{"Toulouse", true},    Office{"London", false},
                                 Office{"Manchester", false}, Office{"Dublin", false}};

struct Department {
  const char* name;
  int people;
  const char* head_title;
  const char* manager_title;
  std::vector<const char*> titles;
  std::vector<const char*> skills;
};

const std::vector<Department>& Departments() {
  static const std::vector<Department> kDepartments = {
      {"Sales",
       90,
       "VP Sales",
       "Regional Sales Manager",
       {"Account Executive", "Senior Account Executive", "Sales Development Representative",
        "Solutions Consultant", "Key Account Manager"},
       {"enterprise sales", "negotiation", "public sector", "banking", "retail", "insurance",
        "SaaS pricing", "Salesforce", "channel partners", "MEDDIC", "procurement", "healthcare",
        "energy", "telecom", "account planning"}},
      {"Engineering",
       90,
       "VP Engineering",
       "Engineering Manager",
       {"Software Engineer", "Senior Software Engineer", "Staff Engineer",
        "Site Reliability Engineer", "QA Engineer"},
       {"C++", "distributed systems", "SQLite", "PostgreSQL", "Kubernetes", "search", "Xapian",
        "security", "React", "TypeScript", "performance", "observability", "networking", "Rust",
        "machine learning"}},
      {"Marketing",
       40,
       "VP Marketing",
       "Marketing Manager",
       {"Product Marketing Manager", "Content Strategist", "Demand Generation Specialist",
        "Brand Designer", "Events Manager"},
       {"product marketing", "SEO", "copywriting", "events", "brand", "analytics", "campaigns",
        "social media", "market research", "positioning"}},
      {"Support",
       50,
       "VP Customer Support",
       "Support Team Lead",
       {"Support Engineer", "Senior Support Engineer", "Customer Success Manager",
        "Technical Account Manager"},
       {"troubleshooting", "customer success", "onboarding", "Zendesk", "SQL", "escalations",
        "training", "documentation", "Linux"}},
      {"Finance",
       15,
       "Chief Financial Officer",
       "Finance Manager",
       {"Financial Analyst", "Accountant", "Deal Desk Analyst"},
       {"forecasting", "revenue recognition", "deal desk", "budgeting", "IFRS"}},
      {"People",
       15,
       "VP People",
       "HR Business Partner Lead",
       {"HR Business Partner", "Recruiter", "Learning Specialist"},
       {"recruiting", "onboarding", "compensation", "learning", "employment law"}},
  };
  return kDepartments;
}

constexpr std::array kFrenchFirst = {"Camille", "Louis",   "Chloé",    "Hugo",    "Léa",
                                     "Jules",   "Manon",   "Gabriel",  "Inès",    "Arthur",
                                     "Zoé",     "Lucas",   "Juliette", "Raphaël", "Élodie",
                                     "Théo",    "Margaux", "Nathan",   "Anaïs",   "Mathis"};
constexpr std::array kFrenchLast = {"Martin",   "Bernard", "Dubois",  "Thomas",  "Robert",
                                    "Richard",  "Petit",   "Durand",  "Leroy",   "Moreau",
                                    "Simon",    "Laurent", "Lefèvre", "Michel",  "Garcia",
                                    "Fournier", "Girard",  "Bonnet",  "Mercier", "Lambert"};
constexpr std::array kEnglishFirst = {
    "Oliver",  "Amelia", "Harry", "Isla",  "George",  "Ava",  "Jack",  "Emily", "Noah",   "Sophie",
    "Charlie", "Grace",  "Oscar", "Freya", "William", "Ella", "James", "Ruby",  "Thomas", "Evie"};
constexpr std::array kEnglishLast = {"Smith",    "Jones",  "Taylor", "Brown",   "Williams",
                                     "Wilson",   "Davies", "Evans",  "Walker",  "Wright",
                                     "Thompson", "White",  "Hughes", "Edwards", "Green",
                                     "Hall",     "Wood",   "Harris", "Clarke",  "Murphy"};

// Plain a-z for usernames: "Élodie Lefèvre" becomes "elodie.lefevre".
std::string Slug(const std::string& name) {
  static const std::vector<std::pair<std::string, char>> kFolds = {
      {"é", 'e'}, {"è", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"É", 'e'}, {"à", 'a'},
      {"ï", 'i'}, {"î", 'i'}, {"ô", 'o'}, {"ç", 'c'}, {"ü", 'u'}};
  std::string out;
  for (size_t i = 0; i < name.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFolds) {
      if (name.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        folded = true;
        break;
      }
    }
    if (folded) continue;
    char c = name[i++];
    if (c == ' ')
      out += '.';
    else
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct Person {
  profiles::NewUser user;
  int manager = -1;  // index into the people list
  int level = 0;     // 0 CEO, 1 heads, 2 managers, 3 staff
  Id id = 0;
};

// Runs fn(i) for i in [0, n) on a few threads; returns the number of failures.
template <typename Fn>
int ParallelFor(size_t n, Fn fn) {
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) {
        if (!fn(i)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  return failures;
}

std::vector<Person> MakeCompany(std::mt19937& rng) {
  std::vector<Person> people;
  std::set<std::string> usernames;
  auto pick = [&](const auto& list) { return std::string(list[rng() % list.size()]); };
  auto add = [&](const std::string& title, const std::string& department, int manager, int level,
                 std::vector<std::string> skills) {
    const Office& office = kOffices[rng() % kOffices.size()];
    std::string first = office.french ? pick(kFrenchFirst) : pick(kEnglishFirst);
    std::string last = office.french ? pick(kFrenchLast) : pick(kEnglishLast);
    if (people.empty()) {
      first = "Camille";
      last = "Martin";
    }
    std::string base = Slug(first + " " + last);
    std::string username = base;
    for (int n = 2; usernames.contains(username); ++n) username = base + std::to_string(n);
    usernames.insert(username);

    Person p;
    p.user.username = username;
    p.user.password = kDemoPassword;
    p.user.role = people.empty() ? profiles::Role::kAdmin : profiles::Role::kMember;
    p.user.profile.display_name = first + " " + last;
    p.user.profile.email = username + "@agora-demo.example";
    p.user.profile.title = title;
    p.user.profile.department = department;
    p.user.profile.location = office.city;
    p.user.profile.skills = std::move(skills);
    p.user.profile.languages = office.french
                                   ? std::vector<std::string>{"fr", "en"}
                                   : (rng() % 4 == 0 ? std::vector<std::string>{"en", "fr"}
                                                     : std::vector<std::string>{"en"});
    p.user.profile.bio = title + " in " + department + ", based in " + office.city + ".";
    p.manager = manager;
    p.level = level;
    people.push_back(std::move(p));
    return static_cast<int>(people.size() - 1);
  };
  auto skills_from = [&](const std::vector<const char*>& pool, size_t count) {
    std::vector<std::string> out;
    while (out.size() < count) {
      std::string s = pool[rng() % pool.size()];
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    return out;
  };

  int ceo = add("Chief Executive Officer", "Executive", -1, 0,
                {"strategy", "enterprise sales", "leadership"});
  for (const auto& dept : Departments()) {
    int head = add(dept.head_title, dept.name, ceo, 1, skills_from(dept.skills, 4));
    int staff = dept.people - 1;
    int teams = std::max(1, staff / 9);
    for (int t = 0; t < teams; ++t) {
      int manager = add(dept.manager_title, dept.name, head, 2, skills_from(dept.skills, 4));
      int members = staff / teams - 1 + (t < staff % teams ? 1 : 0);
      for (int m = 0; m < members; ++m) {
        add(dept.titles[rng() % dept.titles.size()], dept.name, manager, 3,
            skills_from(dept.skills, 2 + rng() % 4));
      }
    }
  }
  return people;
}

struct DealTemplate {
  const char* customer;
  const char* sector;
  const char* product;
  const char* region;
  double amount;
  const char* currency;
  const char* story;
};

constexpr std::array kDeals = {
    DealTemplate{"Banque Delmas", "banking", "Agora Enterprise", "France", 480000, "EUR",
                 "Six mois de cycle. Le déclic : une démo de la recherche d'experts devant le "
                 "comité de direction, et un pilote de 300 conseillers. #banque #négociation"},
    DealTemplate{"Northwind Retail", "retail", "Agora Stores", "UK", 215000, "GBP",
                 "Won against two incumbents by running the pilot in three flagship stores and "
                 "measuring time-to-answer for floor staff. #retail #pilot"},
    DealTemplate{"Hôpitaux de Lyon", "healthcare", "Agora Secure", "France", 150000, "EUR",
                 "Appel d'offres public : la conformité HDS et l'hébergement en France ont fait "
                 "la différence. Merci au support pour les réponses en 48 h. #santé #appeldoffres"},
    DealTemplate{"Helios Energy", "energy", "Agora Enterprise", "Ireland", 320000, "EUR",
                 "Field engineers now ask questions from the turbine. We sold on offline search "
                 "and a two-week onboarding plan. #energy #onboarding"},
    DealTemplate{"Crédit Mutuel du Sud", "banking", "Agora Secure", "France", 95000, "EUR",
                 "Perdu sur le prix face à un concurrent américain ; retour d'expérience sur la "
                 "grille tarifaire. #banque #pricing"},
    DealTemplate{"Assurances Rhône", "insurance", "Agora Enterprise", "France", 260000, "EUR",
                 "Les gestionnaires de sinistres trouvaient l'expert en 3 jours ; avec la "
                 "recherche d'experts c'est 10 minutes. Le DSI a signé après le pilote. "
                 "#assurance #pilote"},
    DealTemplate{"Manchester City Council", "public sector", "Agora Secure", "UK", 180000, "GBP",
                 "Public tender won on data residency and accessibility. The procurement team "
                 "loved the audit log. #publicsector #tender"},
    DealTemplate{"Celtic Telecom", "telecom", "Agora Enterprise", "Ireland", 410000, "EUR",
                 "Replaced three intranets. The winning argument was the home stream for 4,000 "
                 "field technicians, shown live on their own phones. #telecom #mobile"},
    DealTemplate{"Pharmacies Verte", "healthcare", "Agora Stores", "France", 70000, "EUR",
                 "Toujours en négociation : le client veut un engagement de trois ans avec une "
                 "remise de 20 %. Avis du Pricing Council bienvenus. #santé #négociation"},
    DealTemplate{"Brightside Retail", "retail", "Agora Stores", "UK", 135000, "GBP",
                 "Lost to a cheaper chat tool: they never saw the value of expert search. "
                 "Next time, demo with their own org chart. #retail #lessons"},
};

// A deal story's outcome, from its story.
posts::DealOutcome OutcomeOf(const DealTemplate& d) {
  std::string story = d.story;
  if (story.find("Perdu") != std::string::npos || story.find("Lost") != std::string::npos) {
    return posts::DealOutcome::kLost;
  }
  if (story.find("Toujours en") != std::string::npos) return posts::DealOutcome::kOpen;
  return posts::DealOutcome::kWon;
}

// What people write about their own skills: the evidence expert search ranks by.
constexpr std::array kExpertiseLines = {
    "Lessons from a year of {skill}: start small, measure, then scale. Happy to review plans.",
    "Wrote up our {skill} playbook on the wiki; questions welcome. #playbook",
    "{skill} tip of the week: write down the edge cases before the happy path.",
    "Ran a brown-bag on {skill} today. Slides and recording on the wiki. #learning",
    "Anyone stuck on {skill}? I have office hours on Thursday afternoon.",
};
constexpr std::array kExpertiseLinesFr = {
    "Retour d'expérience sur {skill} : commencer petit, mesurer, puis déployer.",
    "J'ai rédigé notre guide {skill} sur le wiki ; vos questions sont les bienvenues. #guide",
    "Astuce {skill} de la semaine : documenter les cas limites avant le cas nominal.",
    "Atelier {skill} ce midi, les slides sont sur le wiki. #formation",
    "Besoin d'aide sur {skill} ? Je tiens une permanence jeudi après-midi.",
};

std::string WithSkill(std::string line, const std::string& skill) {
  line.replace(line.find("{skill}"), 7, skill);
  line.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(line.front())));
  return line;
}

constexpr std::array kStatusLines = {
    "Shipped the new onboarding checklist today. Feedback welcome! #onboarding",
    "Qui a de l'expérience avec les appels d'offres publics ? #appeldoffres",
    "Great customer call this morning: they want expert search for their field teams. #search",
    "Retour du salon VivaTech : beaucoup d'intérêt pour la recherche d'experts. #events",
    "Reminder: quarterly forecast is due Friday. #forecasting",
    "Notre nouvelle recrue en support commence lundi, bienvenue ! #support",
    "Looking for someone who knows SQLite WAL tuning. #sqlite #performance",
    "Price negotiation tip: anchor on outcomes, not seats. #negotiation",
};

// A few hundred posts: status updates, questions, deal stories and one announcement.
int WritePosts(const std::vector<Person>& people, std::mt19937& rng, services::PostService& posts,
               int& written) {
  std::atomic<int> count{0};
  std::vector<std::pair<size_t, posts::NewPost>> plan;
  posts::NewPost announcement;
  announcement.kind = posts::PostKind::kAnnouncement;
  announcement.text =
      "Welcome to Agora, our new company network. Follow your team, ask "
      "questions, and share how you won your deals. #agora";
  plan.emplace_back(0, announcement);
  for (size_t i = 1; i < people.size(); ++i) {
    if (rng() % 2) continue;
    posts::NewPost post;
    const std::string& dept = *people[i].user.profile.department;
    if (dept == "Sales" && rng() % 2) {
      const DealTemplate& d = kDeals[rng() % kDeals.size()];
      post.kind = posts::PostKind::kDealStory;
      post.text = d.story;
      post.deal =
          posts::Deal{d.customer,
                      d.sector,
                      d.product,
                      d.region,
                      d.amount,
                      d.currency,
                      "2026-" + std::string(rng() % 2 ? "0" : "1") + std::to_string(rng() % 2 + 1) +
                          "-" + std::to_string(10 + rng() % 18),
                      OutcomeOf(d)};
    } else {
      post.text = kStatusLines[rng() % kStatusLines.size()];
      if (post.text.find('?') != std::string::npos) post.kind = posts::PostKind::kQuestion;
    }
    plan.emplace_back(i, std::move(post));
  }
  // One person in four writes about their first skill, two to five times: the experts.
  for (size_t i = 1; i < people.size(); ++i) {
    const auto& skills = *people[i].user.profile.skills;
    if (skills.empty() || rng() % 4 != 0) continue;
    bool french = people[i].user.profile.languages->front() == "fr";
    for (int n = 2 + static_cast<int>(rng() % 4); n > 0; --n) {
      posts::NewPost post;
      post.text = french ? WithSkill(kExpertiseLinesFr[rng() % kExpertiseLinesFr.size()], skills[0])
                         : WithSkill(kExpertiseLines[rng() % kExpertiseLines.size()], skills[0]);
      plan.emplace_back(i, std::move(post));
    }
  }
  int failures = ParallelFor(plan.size(), [&](size_t k) {
    const auto& [author, post] = plan[k];
    Viewer viewer{people[author].id, people[author].user.role == profiles::Role::kAdmin};
    bool ok = posts.Create(viewer, post).ok();
    if (ok) ++count;
    return ok;
  });
  written = count;
  return failures;
}

struct CommunityPlan {
  const char* name;
  const char* description;
  communities::Visibility visibility;
  const char* department;  // whose people join; "" for the heads of every department
  std::vector<const char*> posts;
};

// Communities of each kind, with their people and a few posts: the leak suite's shapes, in a
// sample a newcomer can log into.
int MakeCommunities(const std::vector<Person>& people, std::mt19937& rng, Application& app,
                    int& made, int& posts_written) {
  const std::vector<CommunityPlan> plans = {
      {"Sales Wins EMEA",
       "Share how you won, so the next rep wins faster.",
       communities::Visibility::kOpen,
       "Sales",
       {"Signed Northwind Retail after a three-store pilot. Ask me about the ROI sheet. #retail",
        "Banque Delmas : signature aujourd'hui, merci à l'équipe avant-vente ! #banque"}},
      {"Engineering Guild",
       "Talks, RFCs and war stories.",
       communities::Visibility::kOpen,
       "Engineering",
       {"RFC: group commit for every write path. Comments by Friday. #sqlite"}},
      {"Pricing Council",
       "Discount approvals above 20%.",
       communities::Visibility::kPrivate,
       "",
       {"Approved: 25% for Helios Energy, three-year term. #pricing"}},
      {"Support Escalations",
       "Sev-1 and sev-2 coordination.",
       communities::Visibility::kPrivate,
       "Support",
       {"Sev-2 at Hôpitaux de Lyon closed, post-mortem Monday. #support"}},
      {"Project Falcon",
       "Acquisition planning. Need to know only.",
       communities::Visibility::kSecret,
       "",
       {"Falcon: term sheet received, board call Thursday."}},
  };
  auto& communities = app.communities();
  auto& posts = app.posts();
  int failures = 0;
  for (const auto& plan : plans) {
    // The owner: the department's head, or the CEO for cross-department communities.
    size_t owner = 0;
    for (size_t i = 0; i < people.size(); ++i) {
      if (people[i].level == 1 && *people[i].user.profile.department == plan.department) owner = i;
    }
    Viewer owner_viewer{people[owner].id, people[owner].user.role == profiles::Role::kAdmin};
    communities::CommunityChanges fields{plan.name, plan.description, plan.visibility};
    auto created = communities.Create(owner_viewer, fields);
    if (!created.ok()) {
      std::cerr << "agora: " << plan.name << ": " << created.status().message() << "\n";
      ++failures;
      continue;
    }
    ++made;
    Id id = created->community.id;
    std::vector<size_t> authors{owner};
    for (size_t i = 0; i < people.size(); ++i) {
      if (i == owner) continue;
      bool in_department = *people[i].user.profile.department == plan.department;
      bool head = people[i].level <= 1 && std::string(plan.department).empty();
      if (!in_department && !head) continue;
      Viewer viewer{people[i].id, false};
      bool joined = plan.visibility == communities::Visibility::kOpen
                        ? communities.Join(viewer, id).ok()
                        : communities.Invite(owner_viewer, id, people[i].id).ok() &&
                              communities.AcceptInvitation(viewer, id).ok();
      if (!joined) ++failures;
      if (authors.size() < 4 && rng() % 3 == 0) authors.push_back(i);
    }
    for (size_t k = 0; k < plan.posts.size(); ++k) {
      size_t author = authors[k % authors.size()];
      posts::NewPost post;
      post.text = plan.posts[k];
      post.community_id = id;
      Viewer viewer{people[author].id, people[author].user.role == profiles::Role::kAdmin};
      if (posts.Create(viewer, post).ok()) {
        ++posts_written;
      } else {
        ++failures;
      }
    }
  }
  return failures;
}

// The sales regions, one per regional sales team in org-chart order, with the currency their
// customers pay in.
struct SalesRegion {
  const char* name;
  const char* currency;
};
constexpr std::array kSalesRegions = {
    SalesRegion{"Île-de-France", "EUR"}, SalesRegion{"Auvergne-Rhône-Alpes", "EUR"},
    SalesRegion{"Occitanie", "EUR"},     SalesRegion{"UK North", "GBP"},
    SalesRegion{"UK South", "GBP"},      SalesRegion{"Ireland", "EUR"},
    SalesRegion{"Benelux", "EUR"},       SalesRegion{"North America", "USD"},
    SalesRegion{"Nordics", "EUR"},       SalesRegion{"Iberia", "EUR"}};

constexpr std::array kCustomerStems = {"Boulangeries", "Transports", "Assurances", "Clinique",
                                       "Hôtels",       "Northwind",  "Brightside", "Helios",
                                       "Celtic",       "Atlas",      "Meridian",   "Vertex"};
constexpr std::array kCustomerSuffixes = {"Group",    "SA",      "Ltd",      "& Fils",
                                          "Partners", "Holding", "Services", "Industries"};
constexpr std::array kSectors = {"banking",   "retail",        "healthcare", "energy",
                                 "insurance", "public sector", "telecom"};
constexpr std::array kProducts = {"Agora Enterprise", "Agora Secure", "Agora Stores"};
constexpr std::array kStoryOpenings = {
    "How we won {c}: a pilot with their own org chart convinced the board.",
    "{c} signed! Expert search answered their field teams' questions in minutes, not days.",
    "Won {c} against the incumbent: we priced on outcomes, not seats. #negotiation",
    "Signature chez {c} : le pilote de trois semaines a fait la différence. #pilote",
    "{c} : le comité a signé après la démo sur leurs propres données. #démo"};

// YYYY-MM-DD of `days_ago` days before now.
std::string DaysAgo(int days_ago) {
  return sales::IsoDate(SystemClock::instance().now_ms() - int64_t{days_ago} * 86'400'000);
}

// A CRM export of a sales year: about 15 deals per rep over the last 12 months, distinct
// customers and external ids, one deal in five shared with a teammate. CSV, as the import
// reads it.
std::string SalesYearCsv(const std::vector<Person>& people, std::mt19937& rng) {
  std::string csv =
      "external_id,owner,customer,sector,product,region,amount,currency,outcome,closed_on,"
      "new_customer,team\n";
  std::vector<int> managers;
  for (size_t i = 0; i < people.size(); ++i) {
    if (people[i].level == 2 && *people[i].user.profile.department == "Sales") {
      managers.push_back(static_cast<int>(i));
    }
  }
  int serial = 0;
  for (size_t t = 0; t < managers.size(); ++t) {
    const SalesRegion& region = kSalesRegions[t % kSalesRegions.size()];
    std::vector<size_t> team;
    for (size_t i = 0; i < people.size(); ++i) {
      if (people[i].manager == managers[t]) team.push_back(i);
    }
    for (size_t rep : team) {
      int deals = 10 + static_cast<int>(rng() % 11);
      for (int k = 0; k < deals; ++k) {
        ++serial;
        std::string customer = std::string(kCustomerStems[rng() % kCustomerStems.size()]) + " " +
                               kCustomerSuffixes[rng() % kCustomerSuffixes.size()] + " " +
                               std::to_string(serial);
        int roll = static_cast<int>(rng() % 10);
        const char* outcome = roll < 4 ? "won" : roll < 8 ? "lost" : "open";
        std::string closed_on =
            std::string(outcome) == "open" ? "" : DaysAgo(1 + static_cast<int>(rng() % 364));
        // Mostly the region's currency, sometimes a dollar contract.
        const char* currency = rng() % 8 == 0 ? "USD" : region.currency;
        std::string amount =
            std::to_string(5'000 + rng() % 400'000) + "." + std::to_string(10 + rng() % 90);
        std::string members;
        if (team.size() > 1 && rng() % 5 == 0) {
          size_t mate = team[rng() % team.size()];
          if (mate != rep) {
            members = people[rep].user.username + ":0.6;" + people[mate].user.username + ":0.4";
          }
        }
        char external_id[32];
        std::snprintf(external_id, sizeof external_id, "CRM-%06d", serial);
        const char* sector = kSectors[rng() % kSectors.size()];
        const char* product = kProducts[rng() % kProducts.size()];
        const char* new_customer = rng() % 3 == 0 ? "yes" : "no";
        for (std::string_view cell :
             {std::string_view(external_id), std::string_view(people[rep].user.username)}) {
          csv.append(cell).append(",");
        }
        csv.append("\"").append(customer).append("\",");
        for (std::string_view cell :
             {std::string_view(sector), std::string_view(product), std::string_view(region.name),
              std::string_view(amount), std::string_view(currency), std::string_view(outcome),
              std::string_view(closed_on), std::string_view(new_customer)}) {
          csv.append(cell).append(",");
        }
        csv.append(members).append("\n");
      }
    }
  }
  return csv;
}

// Monthly rates for the last 13 months: GBP and USD in EUR, drifting a little.
Status SaveSampleRates(storage::Store& store, std::mt19937& rng) {
  const sales::Currency euro = *sales::FindCurrency("EUR");
  for (int back = 12; back >= 0; --back) {
    std::string month = DaysAgo(back * 30).substr(0, 7);
    std::map<std::string, int64_t> rates = {
        {"GBP", 1'150'000 + static_cast<int64_t>(rng() % 40'000)},
        {"USD", 900'000 + static_cast<int64_t>(rng() % 40'000)}};
    AGORA_RETURN_IF_ERROR(store.write(
        [&](storage::Connection& c) { return sales::SaveRates(c, euro, month, rates); }));
  }
  return Status::Ok();
}

// The sales year through the import path (as the CEO, an admin), then a story for about half
// of the wins, attached to its deal. Returns the number of failures.
int MakeSalesYear(const std::vector<Person>& people, std::mt19937& rng, Application& app,
                  int& deals_made, int& posts_written) {
  if (!SaveSampleRates(app.store(), rng).ok()) return 1;
  std::string csv = SalesYearCsv(people, rng);
  auto rows = server::ParseDealImport(server::ImportFormat::kCsv, csv);
  if (!rows.ok()) return 1;
  auto report = app.deals().Import(Viewer{people[0].id, true, false}, *rows, {});
  if (!report.ok() || !report->errors.empty()) {
    for (const auto& e : report.ok() ? report->errors : std::vector<services::ImportError>{}) {
      std::cerr << "agora: deal line " << e.line << ": " << e.message << "\n";
    }
    return 1;
  }
  deals_made = static_cast<int>(report->created);
  std::vector<sales::Deal> wins;
  Status read = app.store().read([&](storage::Connection& c) {
    return sales::ForEachDeal(c, [&](const sales::Deal& d) {
      if (d.outcome == sales::Outcome::kWon && rng() % 2 == 0) wins.push_back(d);
    });
  });
  if (!read.ok()) return 1;
  std::atomic<int> stories{0};
  int failures = ParallelFor(wins.size(), [&](size_t k) {
    const sales::Deal& d = wins[k];
    posts::NewPost story;
    story.kind = posts::PostKind::kDealStory;
    story.deal_id = d.id;
    story.text = kStoryOpenings[k % kStoryOpenings.size()];
    story.text.replace(story.text.find("{c}"), 3, d.customer);
    auto created = app.posts().Create(Viewer{d.owner_id, false}, std::move(story));
    if (created.ok()) ++stories;
    return created.ok();
  });
  posts_written += stories;
  return failures;
}

// Two campaigns over the sales organisation: one running (spanning today) for the whole sales
// department, published company-wide, and one finished, set by a regional manager for their
// team. They read the deals already in the store, whoever wrote them, so this runs last.
int MakeCampaigns(const std::vector<Person>& people, Application& app, int& made) {
  auto in_sales = [&](const Person& p, int level) {
    return p.level == level && p.user.profile.department == "Sales";
  };
  auto vp =
      std::find_if(people.begin(), people.end(), [&](const Person& p) { return in_sales(p, 1); });
  auto manager =
      std::find_if(people.begin(), people.end(), [&](const Person& p) { return in_sales(p, 2); });
  if (vp == people.end() || manager == people.end()) return 1;
  constexpr int64_t kDayMs = 86'400'000;
  UnixMillis now = app.clock().now_ms();
  auto day = [&](int offset) { return sales::IsoDate(now + offset * kDayMs); };

  services::CampaignRequest running;
  running.draft.campaign.name = "Winter push";
  running.draft.campaign.description = "Every won euro counts: the whole sales team, ranked live.";
  running.draft.campaign.starts_on = day(-20);
  running.draft.campaign.ends_on = day(40);
  running.draft.campaign.metric = sales::Metric::kWonAmount;
  running.draft.campaign.org_root = vp->id;
  running.draft.campaign.visibility = sales::CampaignVisibility::kCompany;
  running.target = "50000";

  services::CampaignRequest finished;
  finished.draft.campaign.name = "Autumn conversion";
  finished.draft.campaign.description = "Win rate of the team, deals won against lost.";
  finished.draft.campaign.starts_on = day(-120);
  finished.draft.campaign.ends_on = day(-31);
  finished.draft.campaign.metric = sales::Metric::kWinRate;
  finished.draft.campaign.org_root = manager->id;
  finished.target = "0.4";

  int failures = 0;
  for (auto [request, creator] : {std::pair{&running, Viewer{people[0].id, true}},
                                  std::pair{&finished, Viewer{manager->id, false}}}) {
    auto created = app.campaigns().Create(creator, *request);
    if (created.ok()) {
      ++made;
    } else {
      std::cerr << "agora: campaign: " << created.status().message() << "\n";
      ++failures;
    }
  }
  return failures;
}

// Knowledge: questions (most with an accepted answer, some open) and two quizzes with attempts.
// "CPQ" is a topic nobody writes about: one person only declares the skill, another passes its
// quiz, so the verified skill is what puts the second first in /search/experts?q=cpq.
int AddKnowledge(const std::vector<Person>& people, Application& app, int& questions_written,
                 std::string& cpq_expert) {
  static constexpr std::array<std::array<const char*, 3>, 8> kThreads = {{
      {"How do we price a three-year renewal with an index clause?",
       "Lock year one, then index on the public rate; legal has a template clause.",
       "We used a flat 3% uplift for Nordmann, it closed faster."},
      {"Which demo works best for retail buyers?",
       "The inventory dashboard: store managers recognise their own problem in it.",
       "The loyalty demo, if marketing is in the room."},
      {"Where is the latest price book for EMEA?",
       "On the sales wiki under Pricing > EMEA, updated every quarter.",
       "Ask finance, the wiki one is a month old."},
      {"Can the Xapian search run offline on field laptops?",
       "Yes, the index ships with the desktop build and syncs when online.",
       "Only in the enterprise edition."},
      {"Who approves discounts above 20%?", "Your regional director, then finance above 30%.",
       "Any manager can, as long as the deal desk is copied."},
      {"Best way to handle a procurement portal that wants a PDF quote?",
       "Export the quote from the CRM as PDF/A; portals accept it.", "Print to PDF works too."},
      {"Is there a case study for a public-sector win in Germany?",
       "Not yet: Bundesamt asked us to wait until the pilot ends.", "Try the Austrian one."},
      {"What is our answer to the data residency question in RFPs?",
       "EU data stays in Frankfurt and Paris; the security team has a one-pager.",
       "We can host on the customer's premises."},
  }};
  int failures = 0;
  services::PostService& posts = app.posts();
  const size_t n = people.size();
  for (size_t i = 0; i < kThreads.size(); ++i) {
    const Person& asker = people[(7 + 13 * i) % n];
    posts::NewPost question;
    question.kind = posts::PostKind::kQuestion;
    question.text = kThreads[i][0];
    auto asked = posts.Create(Viewer{asker.id, false}, question);
    if (!asked.ok()) {
      ++failures;
      continue;
    }
    ++questions_written;
    std::vector<Id> replies;
    for (size_t r = 1; r <= 2; ++r) {
      posts::NewPost reply;
      reply.text = kThreads[i][r];
      reply.in_reply_to = asked->post.id;
      auto written = posts.Create(Viewer{people[(11 + 17 * i + 5 * r) % n].id, false}, reply);
      if (written.ok()) {
        replies.push_back(written->post.id);
      } else {
        ++failures;
      }
    }
    // Six of eight get an accepted answer; two stay open.
    if (i % 4 != 3 && !replies.empty()) {
      failures += !app.questions().Accept(Viewer{asker.id, false}, asked->post.id, replies[0]).ok();
    }
  }

  learning::NewQuiz cpq;
  cpq.title = "CPQ essentials";
  cpq.skill = "CPQ";
  cpq.description = "After the configure-price-quote training.";
  cpq.questions = {{"What does CPQ stand for?",
                    {"Configure, price, quote", "Cost per quote", "Close, pay, quit"},
                    {0},
                    "Configure, price, quote: the tool that turns options into a priced quote."},
                   {"Which rules belong in the configurator?",
                    {"Product compatibility", "Discount approval thresholds", "Sales territories"},
                    {0, 1},
                    "Compatibility and approvals; territories live in the CRM."},
                   {"A quote expires after",
                    {"7 days", "30 days", "Never"},
                    {1},
                    "30 days, unless legal agrees otherwise."}};
  cpq.pass_mark = 0.66;
  learning::NewQuiz pricing;
  pricing.title = "Retail pricing basics";
  pricing.skill = "retail pricing";
  pricing.questions = {
      {"Index clauses follow", {"A public rate", "Our costs"}, {0}, "A public rate."},
      {"Discounts above 20% need", {"A director", "Nobody"}, {0}, "A director."}};
  auto& quizzes = app.quizzes();
  const Viewer ceo{people[0].id, true};
  auto cpq_quiz = quizzes.Create(ceo, cpq);
  auto pricing_quiz = quizzes.Create(ceo, pricing);
  if (!cpq_quiz.ok() || !pricing_quiz.ok()) return failures + 1;

  // One person only declares CPQ; another passes the quiz (and a third fails it).
  const Person& declares = people[n - 2];
  const Person& verified = people[n - 1];
  profiles::ProfileChanges changes;
  changes.skills = declares.user.profile.skills.value_or(std::vector<std::string>{});
  changes.skills->push_back("CPQ");
  failures += !app.people()
                   .Update(Viewer{declares.id, false}, profiles::UserRef{declares.id, {}}, changes)
                   .ok();
  Id cpq_id = cpq_quiz->quiz.id;
  failures += !quizzes.Attempt(Viewer{verified.id, false}, cpq_id, {{0}, {0, 1}, {1}}).ok();
  failures += !quizzes.Attempt(Viewer{people[n - 3].id, false}, cpq_id, {{1}, {0}, {1}}).ok();
  for (size_t k = 0; k < 6; ++k) {
    std::vector<std::vector<int>> answers = {{0}, {k % 2 == 0 ? 0 : 1}};
    failures +=
        !quizzes.Attempt(Viewer{people[(3 + 9 * k) % n].id, false}, pricing_quiz->quiz.id, answers)
             .ok();
  }
  cpq_expert = verified.user.username;
  return failures;
}

// How to try SCIM provisioning against the sample company with curl.
void PrintScimHowTo(const std::string& data_dir) {
  std::cout << "Try SCIM provisioning (what Okta or Entra ID would do) with curl:\n"
            << "  TOKEN=$(agora scim-token create --data " << data_dir << " --name curl)\n"
            << "  curl -s -H \"Authorization: Bearer $TOKEN\" "
               "'localhost:8080/scim/v2/Users?filter=userName%20sw%20%22c%22&count=5'\n";
}

}  // namespace

int Demo(const ApplicationOptions& options) {
  auto app = Application::Open(options);
  if (!app.ok()) {
    std::cerr << "agora: " << app.status().message() << "\n";
    return 1;
  }
  auto existing = (*app)->user_repository().Count();
  if (!existing.ok()) {
    std::cerr << "agora: " << existing.status().message() << "\n";
    return 1;
  }
  if (*existing > 0) {
    std::cout << options.data_dir << " already holds " << *existing
              << " people; leaving it as it is.\n";
    std::cout << "Log in as camille.martin (admin) with password " << kDemoPassword
              << " if it came from agora demo.\n";
    return 0;
  }

  std::mt19937 rng(20261122);
  std::vector<Person> people = MakeCompany(rng);
  // One Argon2id hash for everyone: the sample shares one password, and hashing a few hundred
  // times would take a minute for nothing.
  auto hash = profiles::HashPassword(kDemoPassword, options.accounts.password_cost);
  if (!hash.ok()) {
    std::cerr << "agora: " << hash.status().message() << "\n";
    return 1;
  }

  auto& accounts = (*app)->accounts();
  int failures = 0;
  for (int level = 0; level <= 3; ++level) {  // managers exist before their reports
    std::vector<size_t> at_level;
    for (size_t i = 0; i < people.size(); ++i) {
      if (people[i].level == level) at_level.push_back(i);
    }
    failures += ParallelFor(at_level.size(), [&](size_t k) {
      Person& p = people[at_level[k]];
      if (p.manager >= 0) p.user.profile.manager_id = std::optional<Id>(people[p.manager].id);
      auto created = accounts.ProvisionHashed(p.user, *hash);
      if (!created.ok()) {
        std::cerr << "agora: " << p.user.username << ": " << created.status().message() << "\n";
        return false;
      }
      p.id = created->id;
      return true;
    });
  }

  // Follows: manager, reports, teammates, the CEO, and a few popular colleagues elsewhere
  // (preferential attachment, so some people gather many followers).
  std::vector<std::pair<size_t, size_t>> follows;
  std::vector<size_t> popularity;
  for (size_t i = 0; i < people.size(); ++i) {
    std::set<size_t> targets;
    if (people[i].manager >= 0) targets.insert(people[i].manager);
    for (size_t j = 0; j < people.size(); ++j) {
      bool teammate = people[j].manager == people[i].manager && people[i].manager >= 0;
      bool report = people[j].manager == static_cast<int>(i);
      if (j != i && (teammate || report)) targets.insert(j);
    }
    targets.insert(0);
    for (int extra = 0; extra < 6; ++extra) {
      size_t j = popularity.empty() || rng() % 3 == 0 ? rng() % people.size()
                                                      : popularity[rng() % popularity.size()];
      targets.insert(j);
    }
    targets.erase(i);
    for (size_t j : targets) {
      follows.emplace_back(i, j);
      popularity.push_back(j);
    }
  }
  auto& people_service = (*app)->people();
  failures += ParallelFor(follows.size(), [&](size_t k) {
    const auto& [from, to] = follows[k];
    return people_service
        .Follow(Viewer{people[from].id, false}, profiles::UserRef{people[to].id, {}})
        .ok();
  });

  int posts_written = 0;
  failures += WritePosts(people, rng, (*app)->posts(), posts_written);
  int communities_made = 0;
  failures += MakeCommunities(people, rng, **app, communities_made, posts_written);
  int deals_made = 0;
  failures += MakeSalesYear(people, rng, **app, deals_made, posts_written);
  int campaigns_made = 0;
  failures += MakeCampaigns(people, **app, campaigns_made);
  int questions_written = 0;
  std::string cpq_expert;
  failures += AddKnowledge(people, **app, questions_written, cpq_expert);

  if (failures > 0) {
    std::cerr << "agora: " << failures << " sample records failed\n";
    return 1;
  }
  std::cout << "Created " << people.size() << " people in " << Departments().size() + 1
            << " departments across " << kOffices.size() << " offices, with " << follows.size()
            << " follows, " << communities_made << " communities, " << deals_made << " deals, "
            << campaigns_made << " campaigns and " << posts_written << " posts, in "
            << options.data_dir << ".\n"
            << "Knowledge: " << questions_written << " questions (most with an accepted answer) "
            << "and two quizzes; " << cpq_expert
            << " passed \"CPQ essentials\" and ranks first for /search/experts?q=cpq.\n"
            << "Every sample account has the password " << kDemoPassword << ".\n"
            << "Log in as camille.martin (admin, CEO) or e.g. " << people[1].user.username << " ("
            << *people[1].user.profile.title << "):\n"
            << "  curl -s localhost:8080/api/v1/auth/login -d '{\"username\":\"camille.martin\","
               "\"password\":\""
            << kDemoPassword << "\"}'\n";
  PrintScimHowTo(options.data_dir);
  return 0;
}

}  // namespace agora::app
