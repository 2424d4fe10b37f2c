#include "country.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "field.h"
#include "unicode.h"
#include "utf8.h"

namespace veto {
namespace {

// The rows of the generated table.
struct country_record {
  std::string_view alpha2;
  std::string_view alpha3;
  std::string_view numeric;
  std::string_view names;  // the standard name in each of country_locales, then of
                           // country_key_only_locales, each ended by '|'
};

struct country_alias {
  std::string_view from;  // a code that is none of the country's own (UK, FX, DDR)
  std::string_view to;    // the country's alpha-2
};

#include "country_data.inc"

// docs/contract.md §7.1: the 26 message locales, each with a name for every country.
static_assert(country_locale_count == 26);

// The name of `country` in the locale at `column` of country_locales.
std::string_view name_in(const country_record& country, std::size_t column) {
  std::string_view names = country.names;
  for (; column > 0; --column) names.remove_prefix(names.find('|') + 1);
  return names.substr(0, names.find('|'));
}

// Where a code or name led: a row of country_table, and whether through an alias.
struct country_match {
  std::size_t country = 0;
  bool alias = false;
};

// Applies an ICU normalizer to valid UTF-8. The normalizers veto uses cannot fail on valid
// UTF-8 once their data loaded; should loading fail, the text stays as it is.
std::string normalize(const icu::Normalizer2* normalizer, std::string_view text) {
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  normalizer->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())),
                            sink, nullptr, status);
  return U_SUCCESS(status) ? out : std::string(text);
}

// Rule 1 first step: NFKC_Casefold, so case and width never matter ("ＤＥ" is "de").
std::string fold(std::string_view text) {
  return unicode::nfkc_casefold(text);
}

// NFD of text already folded.
std::string decomposed(std::string_view folded) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  return U_SUCCESS(status) ? normalize(nfd, folded) : std::string(folded);
}

std::string drop_nonspacing_marks(std::string_view text) {
  std::string kept;
  kept.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::next(text, pos);
    if (u_charType(static_cast<UChar32>(cp)) != U_NON_SPACING_MARK) utf8::append(kept, cp);
  }
  return kept;
}

// NFD without its nonspacing marks, of text already folded: what makes a folded name its key.
std::string without_marks(std::string_view folded) {
  // ASCII has no decompositions or marks.
  if (!unicode::has_non_ascii(folded)) return std::string(folded);
  return drop_nonspacing_marks(decomposed(folded));
}

// The key names are compared by: NFKC_Casefold, then NFD without its nonspacing marks, so
// that "Osterreich" and "ÖSTERREICH" both match "Österreich".
std::string name_key(std::string_view text) {
  return without_marks(fold(text));
}

// The key of a name of the table, made from the keys of its code points that the generator
// took from ICU (country_key_pieces): two ICU normalizations per name were ~17 ms of a cold
// start in WebAssembly, and making the ~400 code points' keys with ICU at run time was
// still ~5% of one. This gives name_key's answer exactly. NFKC_Casefold maps each code
// point on its own, and NFD of the result is the canonical decomposition of those mappings
// with its combining marks (canonical combining class above 0) put in order; a key then
// drops the nonspacing marks. When every such mark is nonspacing, the reordering only moves
// characters that are dropped, so a string's key is its code points' keys, concatenated.
// A code point that brings a spacing combining mark has no piece (none in the names today)
// and sends its names the whole way through ICU instead.
std::string table_name_key(std::string_view name) {
  std::string out;
  for (std::size_t pos = 0; pos < name.size();) {
    const char32_t cp = utf8::next(name, pos);
    if (cp < 0x80) {
      out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
      continue;
    }
    const auto* end = std::end(country_key_piece_points);
    const auto* found = std::lower_bound(std::begin(country_key_piece_points), end, cp);
    if (found == end || *found != cp) return name_key(name);
    out += country_key_pieces[found - std::begin(country_key_piece_points)];
  }
  return out;
}

bool is_lower_letters(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool is_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string upper(std::string_view ascii) {
  std::string out(ascii);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::optional<std::size_t> row_of(std::string_view alpha2) noexcept {
  // The generator writes the rows sorted by alpha-2.
  const auto* end = std::end(country_table);
  const auto* found = std::lower_bound(
      std::begin(country_table), end, alpha2,
      [](const country_record& row, std::string_view code) { return row.alpha2 < code; });
  if (found == end || found->alpha2 != alpha2) return std::nullopt;
  return static_cast<std::size_t>(found - std::begin(country_table));
}

std::size_t locale_column(std::string_view locale) {
  for (std::size_t i = 0; i < country_locale_count; ++i) {
    if (country_locales[i] == locale) return i;
  }
  return locale_column("en");
}

// Every code and name key, hashed, so that a lookup costs time linear in the input. Built
// once per process and read-only afterwards, so validators on several threads share it.
class country_index {
 public:
  static const country_index& get() {
    static const country_index index;
    return index;
  }

  // Rule 1: two ASCII letters, three ASCII letters or three ASCII digits after
  // NFKC_Casefold are a code; anything else is a name. `from` gets the code in upper case.
  std::optional<country_match> find(std::string_view text, std::string& from) const {
    const std::string folded = fold(text);
    const bool is_code = (folded.size() == 2 && is_lower_letters(folded)) ||
                         (folded.size() == 3 && (is_lower_letters(folded) || is_digits(folded)));
    if (is_code) {
      from = upper(folded);
      const auto found = codes_.find(from);
      if (found == codes_.end()) return std::nullopt;
      return found->second;
    }
    const auto& names = this->names();
    const auto found = names.find(without_marks(folded));
    if (found == names.end() || found->second == ambiguous) return std::nullopt;
    return country_match{found->second, false};
  }

 private:
  // A name key that is the name of more than one country matches none (rule 1).
  static constexpr std::size_t ambiguous = country_count;

  country_index() {
    for (std::size_t row = 0; row < country_count; ++row) {
      const country_record& country = country_table[row];
      for (const std::string_view code : {country.alpha2, country.alpha3, country.numeric}) {
        codes_.emplace(std::string(code), country_match{row, false});
      }
    }
    for (const country_alias& alias : country_aliases) {
      if (const auto row = row_of(alias.to)) {
        codes_.emplace(std::string(alias.from), country_match{*row, true});
      }
    }
  }

  // The name keys of ~4,000 names (see table_name_key), once most of a validator's
  // start-up when done eagerly. A page submits codes from its dropdown, so the keys are
  // made on the first lookup by name instead; call_once keeps that safe across threads.
  const std::unordered_map<std::string, std::size_t>& names() const {
    std::call_once(names_built_, [this] {
      for (std::size_t row = 0; row < country_count; ++row) {
        std::string_view names[country_name_count];
        std::string_view rest = country_table[row].names;
        for (std::size_t column = 0; column < country_name_count; ++column) {
          names[column] = rest.substr(0, rest.find('|'));
          rest.remove_prefix(names[column].size() + 1);
          // Most names recur in several locales; each needs its key only once.
          if (std::find(names, names + column, names[column]) != names + column) continue;
          const auto [entry, added] = names_.emplace(table_name_key(names[column]), row);
          if (!added && entry->second != row) entry->second = ambiguous;
        }
      }
    });
    return names_;
  }

  std::unordered_map<std::string, country_match> codes_;  // upper case
  mutable std::once_flag names_built_;
  mutable std::unordered_map<std::string, std::size_t> names_;  // name key -> row or ambiguous
};

}  // namespace

bool is_assigned_country(std::string_view alpha2) noexcept {
  return row_of(alpha2).has_value();
}

std::vector<country_choice> countries_in_order(std::string_view locale) {
  const std::size_t column = locale_column(locale);
  std::vector<country_choice> out;
  out.reserve(country_count);
  for (const std::uint8_t row : country_order[column]) {
    out.push_back({country_table[row].alpha2, name_in(country_table[row], column)});
  }
  return out;
}

country_rules::country_rules(const country_options& options) : eligible_(country_count, false) {
  country_index::get();
  for (const std::string& alpha2 : options.eligible) {
    // The ruleset loader admits only assigned countries.
    if (const auto row = row_of(alpha2)) eligible_[*row] = true;
  }
}

std::optional<std::string_view> country_rules::resolve(std::string_view text) const {
  std::string from;
  const auto match = country_index::get().find(text, from);
  if (!match) return std::nullopt;
  return country_table[match->country].alpha2;
}

std::optional<std::string_view> country_rules::check(std::string_view text, std::string_view locale,
                                                     field_result& field) const {
  std::string from;
  const auto match = country_index::get().find(text, from);
  if (!match) {
    add_error(field, issue_code::country_unknown);
    return std::nullopt;
  }
  const country_record& country = country_table[match->country];
  const std::string alpha2(country.alpha2);
  field.info.emplace_back("alpha3", std::string(country.alpha3));
  field.info.emplace_back("numeric", std::string(country.numeric));
  field.info.emplace_back("name", std::string(name_in(country, locale_column(locale))));
  if (!eligible_[match->country]) {
    add_error(field, issue_code::country_not_eligible, {{"country", alpha2}});
    return country.alpha2;
  }
  field.value = alpha2;
  if (match->alias) add_warning(field, issue_code::country_alias, {{"from", from}, {"to", alpha2}});
  return country.alpha2;
}

}  // namespace veto
