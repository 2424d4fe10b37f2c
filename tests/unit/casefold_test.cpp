// unicode::nfkc_casefold (UTS #46 plus the generated exceptions) against its oracle, ICU's
// nfkc_cf normalizer, which the native build has: every code point alone, then strings
// that mix the code points where the two mappings part with combining marks, Hangul,
// compatibility forms and unassigned code points. An internal test (veto-internal-tests):
// the country and text tests show the folding at work through the public header.
#include <gtest/gtest.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/utf8.h>

#include <random>
#include <string>
#include <vector>

#include "unicode.h"

namespace {

std::string oracle(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  casefold->normalizeUTF8(0, text, sink, nullptr, status);
  EXPECT_TRUE(U_SUCCESS(status));
  return out;
}

std::string utf8(char32_t cp) {
  char bytes[4];
  int32_t length = 0;
  U8_APPEND_UNSAFE(bytes, length, cp);
  return std::string(bytes, static_cast<std::size_t>(length));
}

TEST(casefold, every_code_point_folds_as_icu_nfkc_casefold) {
  int mismatches = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string one = utf8(cp);
    if (veto::unicode::nfkc_casefold(one) != oracle(one) && ++mismatches <= 5) {
      ADD_FAILURE() << "U+" << std::hex << static_cast<unsigned>(cp);
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(casefold, strings_fold_as_icu_nfkc_casefold) {
  // Code points where the two mappings part, next to what composes, reorders or expands.
  const std::vector<char32_t> pool = {
      'a',    'A',    'e',    'O',     's',     'S',     '.',    ' ',    '1',     0x00DF,
      0x03C2, 0x03A3, 0x03C3, 0x200C,  0x200D,  0x3002,  0xFF61, 0xFF0E, 0x0080,  0x009F,
      0x00AD, 0x034F, 0x061C, 0x115F,  0x1160,  0x2025,  0x2474, 0x0301, 0x0300,  0x0323,
      0x0308, 0x0327, 0x0345, 0x05B0,  0x0F71,  0x0F72,  0x0F80, 0x1100, 0x1161,  0x11A8,
      0xAC00, 0x00C5, 0x212B, 0x1E9E,  0xFB01,  0xFF21,  0x2160, 0x0130, 0x0049,  0x0307,
      0x0378, 0x0870, 0xE000, 0xF0000, 0xE0001, 0xE0080, 0x2065, 0xFFF0, 0x1D15E, 0x1D165,
      0x0344, 0x0340, 0x2260, 0x003D,  0x0338,  0x00E9,  0x0065};
  std::mt19937 random(20261129);
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1), length(1, 8);
  int mismatches = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    for (std::size_t n = length(random); n > 0; --n) text += utf8(pool[pick(random)]);
    if (veto::unicode::nfkc_casefold(text) != oracle(text) && ++mismatches <= 5) {
      ADD_FAILURE() << text;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
