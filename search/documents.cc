#include "search/documents.h"

#include <string>

#include "search/schema.h"

namespace agora::search {
namespace {

using namespace schema;  // NOLINT(google-build-using-namespace): the schema's names, read often

// Turns the text fields of one document into terms: folded words with positions and their
// stems, plus the folded stems of accented words (see FoldedStemmer).
class DocumentTerms {
 public:
  DocumentTerms(Xapian::Document& doc, Language language) {
    folded_.set_stemmer(Xapian::Stem(StemmerName(language)));
    folded_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    folded_.set_stopper(&ElisionStopper());
    folded_.set_document(doc);
    accented_.set_stemmer(FoldedStemmer(language));
    accented_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
    accented_.set_stopper(&ElisionStopper());
    accented_.set_document(doc);
  }

  void Add(std::string_view text, unsigned wdf = 1, const std::string& prefix = "") {
    folded_.index_text(FoldForSearch(text, false), wdf, prefix);
    // Positions come from the folded words; these stems only add ways to match.
    if (!IsAscii(text)) accented_.index_text_without_positions(SplitElisions(text), wdf, prefix);
  }
  // Starts a new field: phrases never span two.
  void AddField(std::string_view text, unsigned wdf = 1, const std::string& prefix = "") {
    folded_.increase_termpos();
    Add(text, wdf, prefix);
  }

 private:
  Xapian::TermGenerator folded_;
  Xapian::TermGenerator accented_;
};

Xapian::Document NewDocument(const std::string& key, const char* type, Id id) {
  Xapian::Document doc;
  doc.add_boolean_term(key);
  doc.add_boolean_term(type);
  doc.add_value(kIdSlot, IdToString(id));
  return doc;
}

std::string Sortable(double value) { return Xapian::sortable_serialise(value); }

}  // namespace

Xapian::Document PostToDocument(const PostDocument& post) {
  Xapian::Document doc = NewDocument(PostKey(post.id), kPostType, post.id);
  DocumentTerms terms(doc, post.language);
  terms.Add(post.text);
  doc.add_boolean_term(AudienceTerm(post.community_id));
  if (post.community_id) doc.add_boolean_term(kRestricted);
  doc.add_boolean_term(kAuthor + IdToString(post.author_id));
  doc.add_boolean_term(kKind + post.kind);
  for (const std::string& tag : post.hashtags) doc.add_boolean_term(KeywordTerm(kHashtag, tag));
  doc.add_value(kCreatedSlot, Sortable(static_cast<double>(post.created_at)));
  doc.add_value(kReactionsSlot, Sortable(static_cast<double>(post.reactions)));
  doc.add_value(kAuthorSlot, IdToString(post.author_id));
  if (post.accepted_answer) doc.add_value(kAcceptedSlot, "1");
  if (post.deal) {
    const DealFields& deal = *post.deal;
    for (const std::string* field : {&deal.customer, &deal.sector, &deal.product, &deal.region}) {
      terms.AddField(*field, 2);
    }
    for (const DealFacet& facet : kDealFacets) {
      doc.add_boolean_term(KeywordTerm(facet.prefix, deal.*facet.field));
      doc.add_value(facet.slot, deal.*facet.field);
    }
    doc.add_value(kAmountSlot, Sortable(deal.amount));
    doc.add_value(kClosedOnSlot, deal.closed_on);
  }
  return doc;
}

Xapian::Document PersonToDocument(const PersonDocument& person) {
  Xapian::Document doc = NewDocument(PersonKey(person.id), kPersonType, person.id);
  doc.add_boolean_term(kRestricted);  // never a company-wide post
  DocumentTerms terms(doc, person.language);
  // Names and skills say more about a person than a bio does.
  terms.Add(person.display_name, 3);
  terms.AddField(person.username, 2);
  terms.AddField(person.title, 2);
  terms.AddField(person.department);
  terms.AddField(person.location);
  std::string skills_data;
  for (const std::string& skill : person.skills) {
    terms.AddField(skill, 3);
    terms.Add(skill, 1, kSkillText);
    doc.add_boolean_term(KeywordTerm(kSkill, skill));
    skills_data += skill;
    skills_data += '\n';
  }
  // Verified skills follow the declared ones in the data, after an empty line.
  if (!person.verified_skills.empty()) skills_data += '\n';
  for (const std::string& skill : person.verified_skills) {
    terms.AddField(skill, 3);
    terms.Add(skill, 1, kVerifiedText);
    skills_data += skill;
    skills_data += '\n';
  }
  terms.AddField(person.bio);
  for (const PersonKeyword& keyword : kPersonKeywords) {
    const std::string& value = person.*keyword.field;
    if (!value.empty()) doc.add_boolean_term(KeywordTerm(keyword.prefix, value));
  }
  doc.add_value(kNameSlot, FoldForSearch(person.display_name, true));
  doc.set_data(skills_data);
  return doc;
}

}  // namespace agora::search
