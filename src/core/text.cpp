#include "text.h"

#include <unicode/rbbi.h>
#include <unicode/uchar.h>
#include <unicode/udata.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "field.h"
#include "unicode.h"
#include "utf8.h"

namespace veto {
namespace {

// Rule 1: CRLF, CR, NEL, LS and PS all become LF.
std::string unify_line_ends(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\x85') {
      out += '\n', ++i;
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += '\n', i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Rule 2: the kind of a forbidden character, or nullptr.
const char* forbidden_kind(char32_t cp) {
  if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F)) return "control";
  // The Trojan Source controls: embeddings, overrides and isolates. The marks LRM, RLM
  // and ALM change no order of their own and are allowed.
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return "bidi";
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return "noncharacter";
  if (u_charType(static_cast<UChar32>(cp)) == U_PRIVATE_USE_CHAR) return "private_use";
  return nullptr;
}

// Scripts written without spaces between words: ICU segments them with dictionaries that
// the Wasm build does not ship, so each of their grapheme clusters counts as a word.
bool is_spaceless(char32_t cp) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode scripts[16];
  const int32_t count = uscript_getScriptExtensions(static_cast<UChar32>(cp), scripts, 16, &status);
  for (int32_t i = 0; i < count && U_SUCCESS(status); ++i) {
    switch (scripts[i]) {
      case USCRIPT_HAN:
      case USCRIPT_HIRAGANA:
      case USCRIPT_KATAKANA:
      case USCRIPT_THAI:
      case USCRIPT_LAO:
      case USCRIPT_KHMER:
      case USCRIPT_MYANMAR:
        return true;
      default:
        break;
    }
  }
  return false;
}

bool is_letter_or_number(char32_t cp) {
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

// ICU's root break iterator of `kind` ("char" or "word"), made from its compiled rules in
// ICU's data: what BreakIterator::createCharacterInstance(root) makes, without building a
// Locale and finding the rules through brkitr/root.res first (a few milliseconds of a Wasm
// cold start). The iterator owns the data item and reads the rules in place.
std::unique_ptr<icu::BreakIterator> root_break_iterator(const char* kind, UErrorCode& status) {
  UDataMemory* rules =
      udata_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "brk", kind, &status);
  if (U_FAILURE(status)) return nullptr;
  auto iterator = std::make_unique<icu::RuleBasedBreakIterator>(rules, status);
  if (U_FAILURE(status)) return nullptr;
  return iterator;
}

// Boundaries of `text` by a break iterator, as byte offsets, 0 and text.size() included.
// The iterators keep state, so each thread has its own pair.
std::vector<std::int32_t> boundaries(bool words, std::string_view text) {
  // In ASCII without CR every byte is a grapheme cluster of its own (UAX #29: only CR LF
  // and Extend, ZWJ, SpacingMark or Prepend characters join, and ASCII has none of those),
  // so the common case skips the character iterator and gives ICU's answer.
  const auto ascii_without_cr = [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && c != '\r';
  };
  if (!words && std::all_of(text.begin(), text.end(), ascii_without_cr)) {
    std::vector<std::int32_t> out(text.size() + 1);
    for (std::size_t i = 0; i <= text.size(); ++i) out[i] = static_cast<std::int32_t>(i);
    return out;
  }
  thread_local std::unique_ptr<icu::BreakIterator> characters, word_segments;
  std::unique_ptr<icu::BreakIterator>& iterator = words ? word_segments : characters;
  UErrorCode status = U_ZERO_ERROR;
  if (!iterator) iterator = root_break_iterator(words ? "word" : "char", status);
  std::vector<std::int32_t> out;
  UText* utext = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status) || !iterator) {
    utext_close(utext);
    return {0, static_cast<std::int32_t>(text.size())};
  }
  iterator->setText(utext, status);
  for (std::int32_t b = iterator->first(); b != icu::BreakIterator::DONE; b = iterator->next()) {
    out.push_back(b);
  }
  // Drop the iterator's reference to the text before it goes away.
  iterator->setText(icu::UnicodeString());
  utext_close(utext);
  return out;
}

struct cluster_facts {
  bool spaceless_word = false;  // counts as a word of its own
  bool has_letter_or_number = false;
};

cluster_facts facts_of(std::string_view cluster) {
  cluster_facts facts;
  std::size_t pos = 0;
  const char32_t first = utf8::next(cluster, pos);
  facts.has_letter_or_number = is_letter_or_number(first);
  while (pos < cluster.size() && !facts.has_letter_or_number) {
    facts.has_letter_or_number = is_letter_or_number(utf8::next(cluster, pos));
  }
  facts.spaceless_word = facts.has_letter_or_number && is_spaceless(first);
  return facts;
}

// Rule 4, over grapheme boundaries `clusters` and word-break boundaries `segments`.
std::int64_t count_words(const std::vector<std::int32_t>& clusters,
                         const std::vector<cluster_facts>& facts,
                         const std::vector<std::int32_t>& segments) {
  std::int64_t words = 0;
  bool piece_has_letter = false;
  std::size_t next_segment = 1;
  for (std::size_t i = 0; i + 1 < clusters.size(); ++i) {
    // A word-break boundary at this cluster's start closes the current piece.
    while (next_segment < segments.size() && segments[next_segment] <= clusters[i]) {
      words += piece_has_letter;
      piece_has_letter = false;
      ++next_segment;
    }
    if (facts[i].spaceless_word) {
      words += 1 + piece_has_letter;  // the cluster, and the piece it cuts off
      piece_has_letter = false;
    } else {
      piece_has_letter = piece_has_letter || facts[i].has_letter_or_number;
    }
  }
  return words + piece_has_letter;
}

// Rule 5: at least five different letter-or-number clusters, compared after
// NFKC_Casefold, so "aaaaa AAAAA ａａａ" is one.
bool is_meaningful(std::string_view text, const std::vector<std::int32_t>& clusters,
                   const std::vector<cluster_facts>& facts) {
  constexpr std::size_t enough = 5;
  std::vector<std::string> distinct;
  for (std::size_t i = 0; i + 1 < clusters.size(); ++i) {
    const std::string_view cluster = text.substr(clusters[i], clusters[i + 1] - clusters[i]);
    if (!facts[i].has_letter_or_number) continue;
    std::string folded = unicode::nfkc_casefold(cluster);
    bool seen = false;
    for (const auto& s : distinct) seen = seen || s == folded;
    if (!seen) distinct.push_back(std::move(folded));
    if (distinct.size() >= enough) return true;
  }
  return false;
}

}  // namespace

void text_rules::check(std::string_view trimmed, field_result& field) const {
  const std::string text = std::string(unicode::trim(unicode::nfc(unify_line_ends(trimmed))));

  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::next(text, pos);
    if (const char* kind = forbidden_kind(cp)) {
      return add_error(field, issue_code::text_forbidden_char,
                       {{"char", utf8::code_point_label(cp)}, {"kind", std::string(kind)}});
    }
  }

  const std::vector<std::int32_t> clusters = boundaries(false, text);
  const auto graphemes = static_cast<std::int64_t>(clusters.size() - 1);
  // Each cluster's facts once, for the word count and the meaningfulness check alike.
  std::vector<cluster_facts> facts;
  facts.reserve(clusters.size() - 1);
  for (std::size_t i = 0; i + 1 < clusters.size(); ++i) {
    facts.push_back(
        facts_of(std::string_view(text).substr(clusters[i], clusters[i + 1] - clusters[i])));
  }
  const std::int64_t words = count_words(clusters, facts, boundaries(true, text));
  field.info.emplace_back("graphemes", graphemes);
  field.info.emplace_back("words", words);
  field.value = text;
  if (graphemes < options_.min_graphemes) {
    add_error(field, issue_code::text_too_short, {{"min", options_.min_graphemes}, {"actual", graphemes}});
  } else if (graphemes > options_.max_graphemes) {
    add_error(field, issue_code::text_too_long, {{"max", options_.max_graphemes}, {"actual", graphemes}});
  }
  if (words < options_.min_words) {
    add_error(field, issue_code::text_too_few_words, {{"min", options_.min_words}, {"actual", words}});
  }
  if (options_.require_meaningful && !is_meaningful(text, clusters, facts)) {
    add_error(field, issue_code::text_not_meaningful);
  }
}

}  // namespace veto
