// The few Unicode operations the field rules share, all on valid UTF-8 and all backed by
// ICU, whose character properties and NFC data are compiled into libicuuc: the same answers
// in both builds. nfkc_casefold also reads ICU's uts46.nrm, which email domains need anyway.
#ifndef VETO_CORE_UNICODE_H
#define VETO_CORE_UNICODE_H

#include <string>
#include <string_view>

namespace veto::unicode {

// Removes White_Space code points at both ends.
std::string_view trim(std::string_view text) noexcept;

// True when any byte is outside ASCII.
bool has_non_ascii(std::string_view text) noexcept;

// NFC of valid UTF-8; returns the input unchanged when it is already normalized.
std::string nfc(std::string_view text);

// NFKC_Casefold of valid UTF-8 (case, width and compatibility forms folded, default
// ignorables removed): what ICU's nfkc_cf normalizer gives, computed without its data item
// (see unicode.cpp). On failure to load ICU's data, the text is returned as it is.
std::string nfkc_casefold(std::string_view text);

}  // namespace veto::unicode

#endif  // VETO_CORE_UNICODE_H
