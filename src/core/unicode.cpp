#include "unicode.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <iterator>

#include "utf8.h"

namespace veto::unicode {
namespace {

struct casefold_exception {
  char32_t code_point;
  std::string_view folded;
};

#include "casefold_data.inc"

const casefold_exception* casefold_exception_of(char32_t cp) {
  const auto* end = std::end(casefold_exceptions);
  const auto* found = std::lower_bound(std::begin(casefold_exceptions), end, cp,
                                       [](const casefold_exception& row, char32_t code_point) {
                                         return row.code_point < code_point;
                                       });
  return found != end && found->code_point == cp ? found : nullptr;
}

// ASCII maps the same way in both, so the scan below skips it without a table lookup.
static_assert(std::begin(casefold_exceptions)->code_point >= 0x80);

// ICU's UTS #46 mapping as a normalizer, or nullptr when its data is missing. Looked up
// once: Normalizer2::getInstance by name goes through a locked cache on every call.
const icu::Normalizer2* uts46_mapping() {
  static const icu::Normalizer2* const mapping = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* found =
        icu::Normalizer2::getInstance(nullptr, "uts46", UNORM2_COMPOSE, status);
    return U_SUCCESS(status) ? found : nullptr;
  }();
  return mapping;
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t next = begin;
    if (!u_isUWhiteSpace(static_cast<UChar32>(utf8::next(text, next)))) break;
    begin = next;
  }
  std::size_t end = text.size();
  while (end > begin) {
    std::size_t start = end;
    if (!u_isUWhiteSpace(static_cast<UChar32>(utf8::previous(text, start)))) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

bool has_non_ascii(std::string_view text) noexcept {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::string nfc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (U_FAILURE(status) || normalizer->isNormalizedUTF8(piece, status)) return std::string(text);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  status = U_ZERO_ERROR;
  normalizer->normalizeUTF8(0, piece, sink, nullptr, status);
  return U_SUCCESS(status) ? out : std::string(text);
}

// NFKC_Casefold without nfkc_cf.nrm (-18 KB brotli in the Wasm module): ICU's UTS #46
// mapping is NFKC_Casefold but for ~300 code points (ß, ς, ZWJ, ZWNJ, the ideographic full
// stop, and what IDNA disallows), and for unassigned and private-use ones, which it turns
// into U+FFFD where NFKC_Casefold keeps them (or drops them, when default ignorable).
// tools/gen-casefold lists every code point where that rule and uts46 together are not
// NFKC_Casefold's answer, with that answer, so runs of other code points go through uts46
// and the rest is mapped one by one. Both mappings are closed under canonical equivalence,
// so NFC of the pieces put together is the NFKC_Casefold of the whole (a run that stopped
// before a combining mark may compose with it across the seam). tests/unit/casefold_test.cpp
// checks every code point and many strings against ICU's nfkc_cf normalizer.
std::string nfkc_casefold(std::string_view text) {
  if (!has_non_ascii(text)) {
    std::string out(text);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  const icu::Normalizer2* mapping = uts46_mapping();
  if (mapping == nullptr) return std::string(text);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  bool mapped_one_by_one = false;
  std::size_t run = 0;  // where the current run of code points for uts46 starts
  const auto end_run = [&](std::size_t end) {
    if (end > run) {
      mapping->normalizeUTF8(0,
                             icu::StringPiece(text.data() + run, static_cast<int32_t>(end - run)),
                             sink, nullptr, status);
    }
  };
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const char32_t cp = utf8::next(text, pos);
    if (cp < 0x80) continue;
    const casefold_exception* exception = casefold_exception_of(cp);
    const int8_t type = u_charType(static_cast<UChar32>(cp));
    if (!exception && type != U_UNASSIGNED && type != U_PRIVATE_USE_CHAR) continue;
    end_run(start);
    if (exception) {
      out += exception->folded;
    } else if (!u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
      out += text.substr(start, pos - start);
    }
    mapped_one_by_one = true;
    run = pos;
  }
  end_run(text.size());
  if (U_FAILURE(status)) return std::string(text);
  return mapped_one_by_one ? nfc(out) : out;
}

}  // namespace veto::unicode
