#include "email.h"

#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/uspoof.h>

#include <algorithm>

#include "field.h"
#include "unicode.h"
#include "utf8.h"

namespace veto {
namespace {

constexpr std::size_t max_local_octets = 64;
constexpr std::size_t max_address_octets = 254;  // RFC 5321 path limit less the brackets
constexpr std::size_t max_label_octets = 63;
constexpr std::size_t max_domain_octets = 253;

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// Rule 6 for non-ASCII characters: invisible, control, unassigned and private-use
// characters cannot be told apart by a person reading the address.
bool is_bad_non_ascii(char32_t cp) {
  if (u_isUWhiteSpace(static_cast<UChar32>(cp))) return true;
  switch (u_charType(static_cast<UChar32>(cp))) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_SURROGATE:
    case U_PRIVATE_USE_CHAR:
    case U_UNASSIGNED:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return true;
    default:
      return false;
  }
}

bool is_mark(char32_t cp) {
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0;
}

// Rule 3: one RFC 5321 Quoted-string. Returns the first offending character, or 0.
char32_t quoted_string_fault(std::string_view local) {
  std::size_t pos = 1;  // after the opening quote
  while (pos < local.size()) {
    const char32_t cp = utf8::next(local, pos);
    if (cp == '"') return pos == local.size() ? 0 : utf8::next(local, pos);
    if (cp == '\\') {
      if (pos == local.size()) return '\\';  // escapes the end: the string never closes
      const char32_t escaped = utf8::next(local, pos);
      if (escaped < 0x20 || escaped > 0x7E) return escaped;
    } else if (cp < 0x80 ? (cp < 0x20 || cp > 0x7E) : is_bad_non_ascii(cp)) {
      return cp;
    }
  }
  return '"';  // never closed
}

// Rules 5 and 6 on an unquoted local part.
bool check_dot_atom(std::string_view local, field_result& field) {
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    add_error(field, issue_code::email_local_dot);
    return false;
  }
  std::size_t pos = 0;
  char32_t previous = '.';
  while (pos < local.size()) {
    const char32_t cp = utf8::next(local, pos);
    const bool bad = cp < 0x80 ? !(cp == '.' || is_atext(static_cast<char>(cp)))
                               : is_bad_non_ascii(cp) || (previous == '.' && is_mark(cp));
    if (bad) {
      add_error(field, issue_code::email_local_char, {{"char", utf8::code_point_label(cp)}});
      return false;
    }
    previous = cp;
  }
  return true;
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  std::size_t pos = 0;
  while (true) {
    std::size_t digits = 0;
    int value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 4) {
      value = value * 10 + (text[pos] - '0');
      ++pos, ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    if (++parts == 4) return pos == text.size();
    if (pos >= text.size() || text[pos] != '.') return false;
    ++pos;
  }
}

// RFC 5321 IPv6-addr: eight groups, or fewer around one "::", optionally ending in an
// IPv4 address that stands for two groups.
bool is_ipv6(std::string_view text) {
  const std::size_t gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos)
    return false;
  int groups = 0;
  const auto count_groups = [&groups](std::string_view part, bool may_end_in_ipv4) {
    if (part.empty()) return true;
    std::size_t start = 0;
    while (true) {
      const std::size_t colon = part.find(':', start);
      const std::string_view group = part.substr(start, colon - start);
      if (colon == std::string_view::npos && may_end_in_ipv4 &&
          group.find('.') != std::string_view::npos) {
        if (!is_ipv4(group)) return false;
        groups += 2;
        return true;
      }
      if (group.empty() || group.size() > 4) return false;
      for (const char c : group) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) return false;
      }
      ++groups;
      if (colon == std::string_view::npos) return true;
      start = colon + 1;
    }
  };
  if (gap == std::string_view::npos) return count_groups(text, true) && groups == 8;
  return count_groups(text.substr(0, gap), false) && count_groups(text.substr(gap + 2), true) &&
         groups <= 6;
}

bool is_domain_literal(std::string_view domain) {
  if (domain.size() < 2 || domain.back() != ']') return false;
  const std::string_view inside = domain.substr(1, domain.size() - 2);
  if (inside.size() > 5 && (inside[0] == 'I' || inside[0] == 'i') &&
      (inside[1] == 'P' || inside[1] == 'p') && (inside[2] == 'v' || inside[2] == 'V') &&
      inside[3] == '6' && inside[4] == ':') {
    return is_ipv6(inside.substr(5));
  }
  return is_ipv4(inside);
}

// The UIDNA error bits in the order of their values, so the first set one is the lowest.
constexpr std::pair<std::uint32_t, const char*> idna_error_tokens[] = {
    {UIDNA_ERROR_EMPTY_LABEL, "empty_label"},
    {UIDNA_ERROR_LABEL_TOO_LONG, "label_too_long"},
    {UIDNA_ERROR_DOMAIN_NAME_TOO_LONG, "domain_name_too_long"},
    {UIDNA_ERROR_LEADING_HYPHEN, "leading_hyphen"},
    {UIDNA_ERROR_TRAILING_HYPHEN, "trailing_hyphen"},
    {UIDNA_ERROR_HYPHEN_3_4, "hyphen_3_4"},
    {UIDNA_ERROR_LEADING_COMBINING_MARK, "leading_combining_mark"},
    {UIDNA_ERROR_DISALLOWED, "disallowed"},
    {UIDNA_ERROR_PUNYCODE, "punycode"},
    {UIDNA_ERROR_LABEL_HAS_DOT, "label_has_dot"},
    {UIDNA_ERROR_INVALID_ACE_LABEL, "invalid_ace_label"},
    {UIDNA_ERROR_BIDI, "bidi"},
    {UIDNA_ERROR_CONTEXTJ, "contextj"},
    {UIDNA_ERROR_CONTEXTO_PUNCTUATION, "contexto_punctuation"},
    {UIDNA_ERROR_CONTEXTO_DIGITS, "contexto_digits"},
};

using idna_function = int32_t (*)(const UIDNA*, const char*, int32_t, char*, int32_t, UIDNAInfo*,
                                  UErrorCode*);

struct idna_output {
  std::string text;
  std::uint32_t errors = 0;
  UErrorCode status = U_ZERO_ERROR;
};

idna_output run_idna(const UIDNA* idna, idna_function function, std::string_view input) {
  idna_output out;
  out.text.resize(input.size() + 64);
  for (int attempt = 0; attempt < 2; ++attempt) {
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    out.status = U_ZERO_ERROR;
    const int32_t length =
        function(idna, input.data(), static_cast<int32_t>(input.size()), out.text.data(),
                 static_cast<int32_t>(out.text.size()), &info, &out.status);
    if (out.status == U_BUFFER_OVERFLOW_ERROR) {
      out.text.resize(static_cast<std::size_t>(length));
      continue;
    }
    out.text.resize(U_SUCCESS(out.status) ? static_cast<std::size_t>(length) : 0);
    out.errors = info.errors;
    break;
  }
  return out;
}

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a
// substring), giving up early once it must exceed `limit`. `rows` is scratch space the
// caller keeps across candidates, so the comparison with every popular domain allocates
// once rather than three times per domain.
std::size_t osa_distance(std::string_view a, std::string_view b, std::size_t limit,
                         std::vector<std::size_t>& rows) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  const std::size_t width = b.size() + 1;
  rows.assign(3 * width, 0);
  std::size_t* before = rows.data();
  std::size_t* previous = before + width;
  std::size_t* current = previous + width;
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    std::size_t row_min = current[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, before[j - 2] + 1);
      }
      current[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > limit) return limit + 1;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// Rule 9's mapped form, piece by piece between ASCII dots. UTS #46 maps code point by code
// point, and NFC never composes across a full stop, so each piece maps on its own to the
// same text; but ICU rewrites the rest of the name after every Punycode label it decodes,
// which makes one call on a long name of many labels quadratic.
std::string mapped_domain(const UIDNA* idna, std::string_view domain) {
  std::string out;
  while (true) {
    const std::size_t dot = domain.find('.');
    out += run_idna(idna, uidna_nameToUnicodeUTF8, domain.substr(0, dot)).text;
    if (dot == std::string_view::npos) return out;
    out += '.';
    domain.remove_prefix(dot + 1);
  }
}

std::string skeleton(const USpoofChecker* spoof, std::string_view text) {
  std::string out(text.size() * 2 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = uspoof_getSkeletonUTF8(spoof, 0, text.data(), static_cast<int32_t>(text.size()),
                                          out.data(), static_cast<int32_t>(out.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    out.resize(static_cast<std::size_t>(length));
    status = U_ZERO_ERROR;
    length = uspoof_getSkeletonUTF8(spoof, 0, text.data(), static_cast<int32_t>(text.size()),
                                    out.data(), static_cast<int32_t>(out.size()), &status);
  }
  out.resize(U_SUCCESS(status) ? static_cast<std::size_t>(length) : 0);
  return out;
}

}  // namespace

expected<std::unique_ptr<email_rules>> email_rules::make(const email_options& options) {
  std::unique_ptr<email_rules> rules(new email_rules(options));
  // The status by number: u_errorName's table of every status's name would cost the Wasm
  // module 1.6 KB of brotli for a message that only a broken build can show.
  const auto failed = [](const char* what, UErrorCode status) {
    return unexpected(std::string("ICU cannot open ") + what + " (UErrorCode " +
                      std::to_string(static_cast<int>(status)) + ")");
  };
  UErrorCode status = U_ZERO_ERROR;
  // Nontransitional processing (ß, ς, ZWJ/ZWNJ kept) with every check UTS #46 offers;
  // CheckHyphens is always on in ICU 72.
  rules->uts46_ = uidna_openUTS46(
      UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_CHECK_BIDI |
          UIDNA_CHECK_CONTEXTJ | UIDNA_CHECK_CONTEXTO | UIDNA_USE_STD3_RULES,
      &status);
  if (U_FAILURE(status)) return failed("the UTS #46 processor", status);
  rules->spoof_ = uspoof_open(&status);
  uspoof_setChecks(rules->spoof_,
                   USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS, &status);
  uspoof_setRestrictionLevel(rules->spoof_, USPOOF_HIGHLY_RESTRICTIVE);
  if (U_FAILURE(status)) return failed("the spoof checker", status);
  for (const auto& domain : rules->options_.popular_domains) {
    rules->popular_skeletons_.push_back(skeleton(rules->spoof_, domain));
  }
  return rules;
}

email_rules::~email_rules() {
  uidna_close(uts46_);
  uspoof_close(spoof_);
}

void email_rules::check(std::string_view text, field_result& field) const {
  // Rules 1 and 2: split at the last @.
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return add_error(field, issue_code::email_no_at);
  const std::string_view written_local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (written_local.empty()) return add_error(field, issue_code::email_local_empty);
  if (domain.empty()) return add_error(field, issue_code::email_domain_empty);

  // Rule 3: a quoted local part is kept as written; rules 5 and 6 do not apply to it.
  const bool quoted = written_local.front() == '"';
  if (quoted) {
    if (!options_.allow_quoted_local) return add_error(field, issue_code::email_quoted_local);
    if (const char32_t fault = quoted_string_fault(written_local)) {
      return add_error(field, issue_code::email_local_char, {{"char", utf8::code_point_label(fault)}});
    }
  }
  // Rule 4: internationalized local parts need SMTPUTF8, and are compared in NFC.
  const bool smtputf8 = unicode::has_non_ascii(written_local);
  if (smtputf8 && !options_.allow_smtputf8) return add_error(field, issue_code::email_smtputf8);
  const std::string local =
      smtputf8 && !quoted ? unicode::nfc(written_local) : std::string(written_local);
  if (!quoted && !check_dot_atom(local, field)) return;
  // Rule 7.
  if (local.size() > max_local_octets) {
    return add_error(field, issue_code::email_local_too_long,
                     {{"max", std::int64_t{max_local_octets}},
                      {"actual", static_cast<std::int64_t>(local.size())}});
  }

  std::string unicode_domain;
  std::string ascii_domain;
  if (domain.front() == '[') {
    // Rule 8: an address literal; the UTS #46 rules 9 to 12 do not apply to it.
    if (!options_.allow_domain_literal) return add_error(field, issue_code::email_domain_literal);
    if (!is_domain_literal(domain)) {
      return add_error(field, issue_code::email_domain_invalid, {{"reason", std::string("literal")}});
    }
    unicode_domain = ascii_domain = std::string(domain);
  } else {
    // Rule 9: the mapped form, in which the ideographic full stops are dots too.
    unicode_domain = mapped_domain(uts46_, domain);
    if (!unicode_domain.empty() && (unicode_domain.front() == '.' || unicode_domain.back() == '.' ||
                                    unicode_domain.find("..") != std::string::npos)) {
      return add_error(field, issue_code::email_domain_dot);
    }
    // Rule 10. Past rule 9 no label is empty, so a name of over 127 labels has over 253
    // octets in any form: it is too long, whatever else is wrong with its labels. It is
    // answered here because ICU's nameToASCII rewrites the rest of the name after every
    // label it Punycode-encodes, quadratic in the number of labels (a 64 KB name of many
    // IDN labels took 365 ms in WebAssembly); with at most 127 labels the cost stays linear.
    constexpr std::size_t max_labels = (max_domain_octets + 1) / 2;
    if (static_cast<std::size_t>(std::count(unicode_domain.begin(), unicode_domain.end(), '.')) >=
        max_labels) {
      return add_error(field, issue_code::email_domain_too_long, {{"max", std::int64_t{max_domain_octets}}});
    }
    const idna_output ascii = run_idna(uts46_, uidna_nameToASCII_UTF8, domain);
    if ((ascii.errors & UIDNA_ERROR_LABEL_TOO_LONG) || ascii.status == U_INPUT_TOO_LONG_ERROR) {
      // ICU refuses to Punycode-encode a label of over 1000 code units (keeping that
      // step linear); such a label is far over 63 octets in any encoding.
      return add_error(field, issue_code::email_domain_label_too_long,
                       {{"max", std::int64_t{max_label_octets}}});
    }
    if (ascii.errors & UIDNA_ERROR_DOMAIN_NAME_TOO_LONG) {
      return add_error(field, issue_code::email_domain_too_long, {{"max", std::int64_t{max_domain_octets}}});
    }
    if (ascii.errors != 0 || U_FAILURE(ascii.status)) {
      const char* reason = "disallowed";
      for (const auto& [bit, token] : idna_error_tokens) {
        if (ascii.errors & bit) {
          reason = token;
          break;
        }
      }
      return add_error(field, issue_code::email_domain_invalid, {{"reason", std::string(reason)}});
    }
    ascii_domain = ascii.text;
    // Rule 11.
    const std::size_t last_dot = ascii_domain.rfind('.');
    if (last_dot == std::string::npos) return add_error(field, issue_code::email_domain_no_dot);
    const std::string_view tld = std::string_view(ascii_domain).substr(last_dot + 1);
    if (std::all_of(tld.begin(), tld.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return add_error(field, issue_code::email_tld_numeric);
    }
    // Rule 12.
    for (const auto& name : options_.special_use_domains) {
      const bool equal = ascii_domain == name;
      const bool below =
          ascii_domain.size() > name.size() &&
          ascii_domain.compare(ascii_domain.size() - name.size(), name.size(), name) == 0 &&
          ascii_domain[ascii_domain.size() - name.size() - 1] == '.';
      if (equal || below) return add_error(field, issue_code::email_special_use, {{"domain", name}});
    }
  }
  // Rule 13.
  const std::size_t address_octets = local.size() + 1 + ascii_domain.size();
  if (address_octets > max_address_octets) {
    return add_error(field, issue_code::email_too_long,
                     {{"max", std::int64_t{max_address_octets}},
                      {"actual", static_cast<std::int64_t>(address_octets)}});
  }

  field.value = local + "@" + unicode_domain;
  field.info.emplace_back("ascii", smtputf8 ? scalar{} : scalar{local + "@" + ascii_domain});
  field.info.emplace_back("smtputf8", smtputf8);
  field.info.emplace_back("domain_ascii", ascii_domain);
  if (domain.front() != '[') warn(local, unicode_domain, ascii_domain, field);
}

void email_rules::warn(std::string_view local, std::string_view unicode_domain,
                       std::string_view ascii_domain, field_result& field) const {
  // email.confusable: a label that mixes scripts, hides characters or mixes digit sets, or
  // a domain that looks like a popular one without being it.
  bool suspicious = false;
  std::size_t start = 0;
  while (start <= unicode_domain.size() && !suspicious) {
    const std::size_t dot = std::min(unicode_domain.find('.', start), unicode_domain.size());
    const std::string_view label = unicode_domain.substr(start, dot - start);
    if (unicode::has_non_ascii(label)) {
      UErrorCode status = U_ZERO_ERROR;
      const int32_t failed = uspoof_check2UTF8(
          spoof_, label.data(), static_cast<int32_t>(label.size()), nullptr, &status);
      suspicious = U_SUCCESS(status) && failed != 0;
    }
    start = dot + 1;
  }
  const auto& popular = options_.popular_domains;
  const bool is_popular = std::find(popular.begin(), popular.end(), ascii_domain) != popular.end();
  named_scalars params{{"domain", std::string(unicode_domain)}};
  if (!is_popular) {
    const std::string own = skeleton(spoof_, unicode_domain);
    for (std::size_t i = 0; i < popular.size(); ++i) {
      if (own == popular_skeletons_[i]) {
        params.emplace_back("lookalike", popular[i]);
        break;
      }
    }
  }
  if (suspicious || params.size() > 1) add_warning(field, issue_code::email_confusable, std::move(params));

  // email.typo: the nearest popular domain within two edits; earlier entries win ties.
  if (is_popular) return;
  std::size_t best_distance = 3;
  const std::string* best = nullptr;
  std::vector<std::size_t> rows;
  for (const auto& candidate : popular) {
    const std::size_t distance = osa_distance(ascii_domain, candidate, 2, rows);
    if (distance < best_distance) best_distance = distance, best = &candidate;
  }
  if (best) {
    add_warning(field, issue_code::email_typo, {{"suggestion", std::string(local) + "@" + *best}});
  }
}

}  // namespace veto
