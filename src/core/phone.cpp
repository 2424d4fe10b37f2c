#include "phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

#include "field.h"

namespace veto {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const char* reason_token(PhoneNumberUtil::ErrorType error) {
  switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "invalid_country_code";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "too_short";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "too_long";
    case PhoneNumberUtil::NOT_A_NUMBER:
    default:
      return "not_a_number";
  }
}

static_assert(PhoneNumberUtil::FIXED_LINE == 0 && PhoneNumberUtil::VOICEMAIL == 10 &&
                  PhoneNumberUtil::UNKNOWN == 11,
              "phone_type_tokens is indexed by libphonenumber's PhoneNumberType");

}  // namespace

void phone_rules::warm_up() {
  PhoneNumberUtil::GetInstance();
}

void phone_rules::check(std::string_view text, std::string_view region, field_result& field) const {
  // libphonenumber 8.12.57 runs its phone-number pattern over the whole input before any
  // length check, and on 64 KiB of digits that ICU regex takes seconds (then gives up with
  // not_a_number). Later libphonenumber versions refuse input over 250 bytes as too long
  // first (kMaxInputStringLength); veto does the same, which keeps this rule linear.
  constexpr std::size_t max_input_bytes = 250;
  if (text.size() > max_input_bytes) {
    return add_error(field, issue_code::phone_invalid, {{"reason", std::string("too_long")}});
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  const auto error =
      util.Parse(std::string(text), region.empty() ? "ZZ" : std::string(region), &number);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return add_error(field, issue_code::phone_invalid, {{"reason", std::string(reason_token(error))}});
  }
  // IsValidNumber(n) is GetNumberType(n) != UNKNOWN in libphonenumber: both find the
  // number's region, then match the national number against that region's type patterns
  // (validity is the general pattern, matched first). Asking for the type once and reading
  // validity off it halves the pattern matching, the bulk of a phone check.
  const auto number_type = util.GetNumberType(number);
  if (number_type == PhoneNumberUtil::UNKNOWN) {
    return add_error(field, issue_code::phone_invalid, {{"reason", std::string("not_valid")}});
  }
  std::string e164, international, national, number_region;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &international);
  util.Format(number, PhoneNumberUtil::NATIONAL, &national);
  util.GetRegionCodeForNumber(number, &number_region);
  const std::string type(phone_type_tokens.at(static_cast<std::size_t>(number_type)));
  field.info.emplace_back("e164", e164);
  field.info.emplace_back("international", international);
  field.info.emplace_back("national", national);
  field.info.emplace_back("region", number_region);
  field.info.emplace_back("type", type);
  const auto& allowed = options_.allowed_types;
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
    return add_error(field, issue_code::phone_type, {{"type", type}});
  }
  field.value = e164;
  if (!region.empty() && number_region != region && number_region != "001") {
    add_warning(field, issue_code::phone_region_mismatch, {{"region", number_region}});
  }
}

}  // namespace veto
