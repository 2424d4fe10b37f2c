// Unicode's own segmentation tests (Debian's unicode-data 15.0: GraphemeBreakTest.txt and
// WordBreakTest.txt) as vectors for the counts a text field reports, through the public API.
// Lines whose text the text rules would change or refuse (controls, line ends, unnormalized
// or space-padded text, surrogates) say nothing about counting and are skipped; the tests
// check that most lines remain.
#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "veto/veto.h"

namespace {

struct break_case {
  int line = 0;
  std::u32string text;
  std::vector<std::size_t> breaks;  // code point offsets of every ÷, 0 and size included
};

std::vector<break_case> read_break_test(const std::string& name) {
  std::ifstream in(std::string(VETO_UNICODE_DIR) + "/" + name);
  std::vector<break_case> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = line.substr(0, line.find('#'));
    std::istringstream tokens(line);
    break_case c;
    c.line = number;
    for (std::string token; tokens >> token;) {
      if (token == "\xC3\xB7") {  // ÷
        c.breaks.push_back(c.text.size());
      } else if (token != "\xC3\x97") {  // not ×: a code point
        c.text += static_cast<char32_t>(std::stoul(token, nullptr, 16));
      }
    }
    if (!c.text.empty()) out.push_back(std::move(c));
  }
  return out;
}

std::string utf8(const std::u32string& text) {
  std::string out;
  for (const char32_t cp : text) {
    icu::UnicodeString(static_cast<UChar32>(cp)).toUTF8String(out);
  }
  return out;
}

// Whether the text rules take `text` as it is: no surrogates, nothing they convert, refuse,
// normalize or trim.
bool taken_as_is(const std::u32string& text) {
  for (const char32_t cp : text) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    const int8_t type = u_charType(static_cast<UChar32>(cp));
    if (type == U_CONTROL_CHAR || type == U_PRIVATE_USE_CHAR || type == U_LINE_SEPARATOR ||
        type == U_PARAGRAPH_SEPARATOR || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069) || (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
      return false;
  }
  if (u_isUWhiteSpace(static_cast<UChar32>(text.front())) ||
      u_isUWhiteSpace(static_cast<UChar32>(text.back())))
    return false;
  UErrorCode status = U_ZERO_ERROR;
  const auto s = icu::UnicodeString::fromUTF8(utf8(text));
  return icu::Normalizer2::getNFCInstance(status)->isNormalized(s, status) && U_SUCCESS(status);
}

// Code points whose lines ICU 72 deliberately segments differently, per test file.
std::vector<char32_t> deviations(const std::string& file) {
  std::ifstream in(std::string(VETO_VECTORS_DIR) + "/icu72-break-deviations.txt");
  std::vector<char32_t> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, code;
    if (line.empty() || line[0] == '#' || !(words >> name >> code) || name != file) continue;
    out.push_back(static_cast<char32_t>(std::stoul(code, nullptr, 16)));
  }
  return out;
}

bool holds_any(const std::u32string& text, const std::vector<char32_t>& code_points) {
  for (const char32_t cp : code_points) {
    if (text.find(cp) != std::u32string::npos) return true;
  }
  return false;
}

// A validator with one text field and no limits, so only the counts are of interest.
const veto::validator& counting_validator() {
  static const auto loaded = veto::validator::from_ruleset(
      R"({"id":"count","version":1,"fields":[{"name":"t","kind":"text","max_graphemes":65536}]})");
  return *loaded;
}

nlohmann::json info_of(const std::string& text) {
  const auto field =
      counting_validator().validate_field("t", {{"t", veto::form_member::kind::string, text}});
  return nlohmann::json::parse(veto::to_json(*field))["info"];
}

TEST(unicode_break_tests, grapheme_counts_match_grapheme_break_test) {
  int checked = 0, skipped = 0;
  const auto deviating = deviations("GraphemeBreakTest.txt");
  for (const auto& c : read_break_test("GraphemeBreakTest.txt")) {
    if (!taken_as_is(c.text) || holds_any(c.text, deviating)) {
      ++skipped;
      continue;
    }
    ++checked;
    EXPECT_EQ(info_of(utf8(c.text))["graphemes"], c.breaks.size() - 1)
        << "GraphemeBreakTest.txt line " << c.line;
  }
  std::printf("GraphemeBreakTest.txt: %d lines checked, %d skipped\n", checked, skipped);
  EXPECT_GT(checked, 300);
}

bool is_spaceless(char32_t cp) {
  static const UScriptCode spaceless[] = {USCRIPT_HAN,    USCRIPT_HIRAGANA, USCRIPT_KATAKANA,
                                          USCRIPT_THAI,   USCRIPT_LAO,      USCRIPT_KHMER,
                                          USCRIPT_MYANMAR};
  for (const UScriptCode script : spaceless) {
    if (uscript_hasScript(static_cast<UChar32>(cp), script)) return true;
  }
  return false;
}

bool is_letter_or_number(char32_t cp) {
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

// The word count of docs/contract.md §2.4 rule 4, from Unicode's word segments (the test file) and grapheme clusters.
std::int64_t expected_words(const break_case& c) {
  // Grapheme cluster starts, in code points, from ICU (checked against Unicode above).
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> clusters(
      icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  icu::UnicodeString text;
  for (const char32_t cp : c.text) text.append(static_cast<UChar32>(cp));
  clusters->setText(text);
  std::vector<std::size_t> starts;
  for (int32_t b = clusters->first(); b != icu::BreakIterator::DONE; b = clusters->next()) {
    starts.push_back(static_cast<std::size_t>(text.countChar32(0, b)));
  }
  std::int64_t words = 0;
  for (std::size_t s = 0; s + 1 < c.breaks.size(); ++s) {
    bool piece_has_letter = false;
    for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
      if (starts[k] < c.breaks[s] || starts[k] >= c.breaks[s + 1]) continue;
      const std::size_t end = std::min(starts[k + 1], c.breaks[s + 1]);
      bool letter = false;
      for (std::size_t i = starts[k]; i < end; ++i)
        letter = letter || is_letter_or_number(c.text[i]);
      if (letter && is_spaceless(c.text[starts[k]])) {
        words += 1 + piece_has_letter;
        piece_has_letter = false;
      } else {
        piece_has_letter = piece_has_letter || letter;
      }
    }
    words += piece_has_letter;
  }
  return words;
}

TEST(unicode_break_tests, word_counts_match_word_break_test) {
  int checked = 0, skipped = 0;
  const auto deviating = deviations("WordBreakTest.txt");
  ASSERT_FALSE(deviating.empty());
  for (const auto& c : read_break_test("WordBreakTest.txt")) {
    if (!taken_as_is(c.text) || holds_any(c.text, deviating)) {
      ++skipped;
      continue;
    }
    ++checked;
    EXPECT_EQ(info_of(utf8(c.text))["words"], expected_words(c))
        << "WordBreakTest.txt line " << c.line;
  }
  std::printf("WordBreakTest.txt: %d lines checked, %d skipped\n", checked, skipped);
  EXPECT_GT(checked, 900);
}

}  // namespace
