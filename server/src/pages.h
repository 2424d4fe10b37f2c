// The pages of docs/page-and-server.md, rendered from `web/index.html`,
// `web/received.html` and (mode code) `web/code.html` with the page strings of `web/i18n/<locale>.json` (English per key
// where a catalog lacks one) and the validator's countries and messages.
#ifndef VETO_SERVER_PAGES_H
#define VETO_SERVER_PAGES_H

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail_config.h"
#include "page_template.h"
#include "veto/veto.h"

namespace veto_server {

// What a rendering of index.html shows besides the locale: nothing on GET, the submitted
// values and the server's verdict after an invalid no-JavaScript submission.
struct page_state {
  const veto::form* submitted = nullptr;  // values as typed (first of each name)
  const veto::result* result = nullptr;
  // The code step (mode code, code.html): the address the code went to (non-null on that
  // page), the key the form carries on, and a page string to show as the code's error or
  // as a notice ("code.wrong", "code.resent"), or null.
  const std::string* code_address = nullptr;
  std::string_view idempotency_key;
  const char* code_error = nullptr;
  const char* code_notice = nullptr;
};

// A page rendered for GET, cut where `{{idempotency_key}}` goes, so that each response can
// carry a fresh key while the rest is rendered once per locale.
struct cut_page {
  std::vector<std::string> pieces;  // joined with one fresh key between each two
};

class pages {
 public:
  // Reads the templates and catalogs of `web_dir` for veto::supported_locales().
  // Errors, naming the file and the place: a missing or unreadable template, an unknown or
  // malformed placeholder, a `t:` key not in en.json, a catalog that is not a flat JSON
  // object of strings.
  // `mode` chooses what the page promises about email (the hint, the receipt page).
  static veto::expected<pages> load(const std::string& web_dir,
                                    const veto::validator& validator,
                                    mail_mode mode = mail_mode::none);

  // The page locale, negotiated by the validator (validator::message_locale) so that the
  // page and the messages never disagree: `lang` if given, else the first preferred
  // language that negotiates to something other than the fallback (or is English), else en.
  std::string page_locale(std::string_view lang, std::string_view accept_language) const;

  // index.html for GET in `locale` (a supported one), rendered once and then kept.
  const cut_page& index_for_get(const std::string& locale) const;
  // index.html with the values and messages of an invalid submission.
  std::string index_with(const std::string& locale, const page_state& state,
                         std::string_view idempotency_key) const;
  // code.html: the code step of mode code without JavaScript, `state.submitted` carried on
  // in hidden inputs.
  std::string code_step(const std::string& locale, const page_state& state) const;
  // received.html for a receipt.
  std::string received(const std::string& locale, std::string_view receipt) const;

  const std::vector<std::string>& locales() const noexcept { return locales_; }

  // A page string in `locale`, English where the locale lacks it; `key` must be in en.json.
  // The emails (mail_message.h) are worded from the same catalogs.
  const std::string& text(const std::string& locale, const std::string& key) const;
  // Whether en.json has `key` (so that text() can be asked for it).
  bool has_text(const std::string& key) const { return strings_.at("en").count(key) != 0; }

 private:
  pages(const veto::validator& validator) : validator_(validator) {}
  void fill(const placeholder& slot, const std::string& locale, const page_state& state,
            std::string_view receipt, std::string& out) const;

  const veto::validator& validator_;
  mail_mode mail_mode_ = mail_mode::none;
  std::vector<std::string> locales_;
  std::map<std::string, std::map<std::string, std::string>> strings_;  // locale -> key -> text
  page_template index_;
  page_template received_;
  page_template code_;
  std::map<std::string, cut_page> index_get_;  // filled in load(), read-only afterwards
};

}  // namespace veto_server

#endif  // VETO_SERVER_PAGES_H
