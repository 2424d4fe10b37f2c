// The email field (docs/contract.md §2.1): syntax of the local part, the domain through
// ICU's UTS #46, then the warnings for look-alike and mistyped domains.
#ifndef VETO_CORE_EMAIL_H
#define VETO_CORE_EMAIL_H

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ruleset.h"
#include "veto/veto.h"

struct UIDNA;
struct USpoofChecker;

namespace veto {

class email_rules {
 public:
  // Opens ICU's UTS #46 processor and spoof checker for the rules. The error names what
  // ICU could not open (only a build whose ICU data lacks it, or no memory).
  static expected<std::unique_ptr<email_rules>> make(const email_options& options);
  ~email_rules();
  email_rules(const email_rules&) = delete;
  email_rules& operator=(const email_rules&) = delete;

  // `text`: the field's trimmed value, valid UTF-8. Fills errors (at most one), value,
  // info and warnings of `field`.
  void check(std::string_view text, field_result& field) const;

 private:
  explicit email_rules(const email_options& options) : options_(options) {}
  void warn(std::string_view local, std::string_view unicode_domain, std::string_view ascii_domain,
            field_result& field) const;

  const email_options& options_;
  UIDNA* uts46_ = nullptr;          // thread-safe for concurrent use once opened
  USpoofChecker* spoof_ = nullptr;  // checks and skeletons are const operations
  std::vector<std::string> popular_skeletons_;
};

}  // namespace veto

#endif  // VETO_CORE_EMAIL_H
