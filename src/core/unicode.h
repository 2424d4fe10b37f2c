// The few Unicode operations the field rules share, all on valid UTF-8 and all backed by
// ICU, whose property and normalization data are compiled into libicuuc: the same answers
// in both builds without any data file.
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

}  // namespace veto::unicode

#endif  // VETO_CORE_UNICODE_H
