// Documents: a post or a person as the Xapian document the index stores, with the terms, values
// and data of the schema (schema.h). Text fields are indexed in the document's language,
// accents folded, with the stems of accented words added (docs/search.md, "Text analysis");
// names, skills and deal fields weigh more than body text.
//
// Internal to search/: include it from search/*.cc only.
//
// Thread-safety: pure functions returning a new document; callable from any thread (the indexer
// thread is the one that does).
#pragma once

#include <xapian.h>

#include "search/search_index.h"

namespace agora::search {

// The post's text (and a deal story's fields), its unique id, type, audience, author, kind,
// hashtags and deal keywords as terms (kRestricted too, in a community), and its dates, counts
// and facets as values. Wdfs are not yet length-normalised (schema::LengthNormalise).
Xapian::Document PostToDocument(const PostDocument& post);

// The person's names, title, department, location, skills and bio as text (wdfs not yet
// length-normalised); unique id, type, kRestricted, department, location and skills as keyword
// terms; the folded name as a sort value; the skills,
// one per line, then an empty line and the verified skills, as document data (expert evidence).
Xapian::Document PersonToDocument(const PersonDocument& person);

}  // namespace agora::search
