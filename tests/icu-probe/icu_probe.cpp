// Prints what ICU does on the code paths that veto's Wasm-only ICU patches
// (scripts/wasm-deps/icu-*.patch) touch. Built natively against Debian's ICU 72.1 and
// with Emscripten against the patched one (with the module's trimmed ICU data); the two
// outputs must be identical (tests/js/icu-probe.test.mjs). veto itself reaches only some
// of these paths, so this is what keeps each patch's "no behavior changes" honest.
#include <unicode/regex.h>
#include <unicode/uniset.h>
#include <unicode/uspoof.h>
#include <unicode/utypes.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {

// UTF-8, with controls as \uXXXX so that every probe stays on one line.
std::string utf8(const icu::UnicodeString& s) {
  std::string out;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    const UChar32 c = s.char32At(i);
    if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(c));
      out += escaped;
    } else {
      icu::UnicodeString(c).toUTF8String(out);
    }
  }
  return out;
}

// Every match of pattern in text, each in brackets, then the final status.
void print_matches(const char16_t* pattern, uint32_t flags, const char16_t* text) {
  UErrorCode status = U_ZERO_ERROR;
  icu::RegexMatcher matcher(icu::UnicodeString(pattern), flags, status);
  const icu::UnicodeString input(text);
  std::string found;
  if (U_SUCCESS(status)) {
    matcher.reset(input);
    while (matcher.find(status) && U_SUCCESS(status))
      found += "[" + utf8(matcher.group(status)) + "]";
  }
  std::printf("regex %s flags=%u: %s %s\n", utf8(icu::UnicodeString(pattern)).c_str(), flags,
              found.c_str(), u_errorName(status));
}

// A set's size, its strings and a hash of its ranges: equal sets print equal lines.
void print_set(const char* what, const icu::UnicodeSet& set, UErrorCode status) {
  std::uint32_t hash = 2166136261u;
  for (int32_t i = 0; i < set.getRangeCount(); ++i) {
    for (UChar32 bound : {set.getRangeStart(i), set.getRangeEnd(i)}) {
      hash = (hash ^ static_cast<std::uint32_t>(bound)) * 16777619u;
    }
  }
  std::string strings;
  if (set.hasStrings()) {
    icu::UnicodeSet copy(set);
    copy.removeAll(icu::UnicodeSet(0, 0x10FFFF));
    icu::UnicodeString pattern;
    strings = utf8(copy.toPattern(pattern, true));
  }
  std::printf("set %s: size=%d ranges=%d hash=%08x strings=%s %s\n", what, set.size(),
              set.getRangeCount(), hash, strings.c_str(), u_errorName(status));
}

void print_pattern_set(const char16_t* pattern) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeSet set(icu::UnicodeString(pattern), status);
  print_set(utf8(icu::UnicodeString(pattern)).c_str(), set, status);
}

void print_closure(const char16_t* pattern, int32_t attribute, const char* name) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeSet set(icu::UnicodeString(pattern), status);
  set.closeOver(attribute);
  print_set((utf8(icu::UnicodeString(pattern)) + " closeOver " + name).c_str(), set, status);
}

}  // namespace

int main() {
  // icu-break-rules-without-locale.patch: \X and Unicode word boundaries.
  print_matches(u"\\X", 0, u"e\u0301\U0001F44D\U0001F3FDa\r\n\u1100\u1161\u11A8x");
  print_matches(u"\\b\\w+\\b", UREGEX_UWORD, u"can't stop at 3.14 o'clock, e.g. U.S.A.");
  print_matches(u"(?w)\\b.+?\\b", 0, u"can't stop 3.14, e.g.");
  // icu-regex-word-space-sets-lazy.patch and icu-regex-no-dead-gc-sets.patch: \w \s \b and
  // sets made of them, in patterns, in set expressions and as [:word:].
  print_matches(
      u"\\b\\w+\\b", 0,
      u"can't stop at 3.14 o'clock, \u00e9t\u00e9_2 \u0928\u092e\u0938\u094d\u0924\u0947");
  print_matches(u"\\B..\\B", 0, u"abc de");
  print_matches(u"\\s+|\\S+", 0, u"a \u00a0b\u2003\tc\u3000d");
  print_matches(u"\\W+", 0, u"a-b\u200dc!?d");
  print_matches(u"[\\w\\s]+|[\\W\\S]", 0, u"x y!\u00a0z");
  print_matches(u"[[:word:]]+", 0, u"snake_case \u0661\u0662 \u093e\u0901");
  print_matches(u"(?i)[\\w&&[^a]]+", 0, u"ABCa_b");
  // icu-gc-mask-sets-from-ranges.patch and icu-cache-property-sets.patch: general category
  // and int property sets, first and repeated.
  print_matches(u"[\\p{Nd}]+|\\p{L}+|[^\\p{N}\\p{L}#]", 0,
                u"Tel \u0661\u0662\u0663 45-\u096c\u096d #x");
  for (const char16_t* pattern :
       {u"[\\p{Nd}]", u"[\\p{N}]", u"[\\p{L}]", u"[\\p{Lu}]", u"[\\p{Cn}]", u"[\\p{Co}]",
        u"[\\p{Zs}\\p{Cc}]", u"[\\P{L}]", u"[\\p{L}]", u"[\\p{sc=Thai}]", u"[\\p{sc=Han}]",
        u"[\\p{ea=W}]", u"[:Alphabetic:]", u"[\\p{WhiteSpace}]"}) {
    print_pattern_set(pattern);
  }
  // icu-break-rules-without-locale.patch: case closure with the root case locale.
  for (const char16_t* pattern :
       {u"[{ab}{\u00df}{\u01c6x}\u0131]", u"[\\p{Nd}k]", u"[{\u0149n}s]"}) {
    print_closure(pattern, USET_ADD_CASE_MAPPINGS, "add_case_mappings");
    print_closure(pattern, USET_CASE_INSENSITIVE, "case_insensitive");
  }
  // icu-uspoof-lazy-sets.patch: the checks that read the identifier sets.
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* checker = uspoof_open(&status);
  for (const char16_t* text :
       {u"paypal", u"p\u0430ypal", u"\u0440\u0430\u0443\u0440\u0430\u04cf", u"abc\u0661"}) {
    UErrorCode check_status = status;
    const int32_t result = uspoof_check(checker, text, -1, nullptr, &check_status);
    std::printf("spoof %s: %d %s\n", utf8(icu::UnicodeString(text)).c_str(), result,
                u_errorName(check_status));
  }
  uspoof_close(checker);
  UErrorCode set_status = U_ZERO_ERROR;
  const icu::UnicodeSet* recommended = uspoof_getRecommendedUnicodeSet(&set_status);
  print_set("uspoof recommended", *recommended, set_status);
  const icu::UnicodeSet* inclusion = uspoof_getInclusionUnicodeSet(&set_status);
  print_set("uspoof inclusion", *inclusion, set_status);
  return 0;
}
