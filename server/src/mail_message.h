// The emails veto-server sends (issue 23), as complete RFC 5322 messages ready for the
// relay: the receipt of an objection, in the objection's language, plain text with an HTML
// alternative. Rendering is a pure function of the stored objection and the configuration,
// so a repeat after a crash sends the same bytes under the same Message-ID.
//
// Addresses: the envelope and the To: header carry the domain as A-labels (IDNA 2008 /
// UTS #46, "bücher.example" -> "xn--bcher-kva.example"), so an internationalized domain
// needs nothing of the relay. A local part that is not ASCII can only travel with SMTPUTF8
// (RFC 6531); such a message says so (`needs_smtputf8`) and carries its To: header in UTF-8
// (RFC 6532). Other headers with non-ASCII text are RFC 2047 encoded words.
#ifndef VETO_SERVER_MAIL_MESSAGE_H
#define VETO_SERVER_MAIL_MESSAGE_H

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mail_config.h"
#include "objection_store.h"
#include "veto/expected.h"

namespace veto_server {

// An address split for SMTP: the local part as typed and the domain as A-labels.
struct smtp_address {
  std::string local;
  std::string domain;    // ASCII (A-labels)
  bool ascii_local = true;
  std::string envelope() const { return local + "@" + domain; }
};

// "local@domain" -> its SMTP form; the error says what is wrong ("no @", "the domain ...").
veto::expected<smtp_address> to_smtp_address(std::string_view address);

// A message ready for the relay.
struct outgoing_mail {
  std::string envelope_to;  // local@A-labels
  bool needs_smtputf8 = false;
  std::string data;  // headers and body, CRLF line ends
};

// A page string in a locale (English where the locale lacks it): pages::text.
using string_lookup = std::function<const std::string&(const std::string& locale,
                                                       const std::string& key)>;

class mail_composer {
 public:
  // `fields`: the ruleset's field names in order (for the labels "<field>.label").
  mail_composer(const mail_config& config, string_lookup strings,
                std::vector<std::string> fields);

  // The receipt email of an objection; an error when the recipient cannot be written as an
  // SMTP address (the message is then undeliverable, with that reason).
  veto::expected<outgoing_mail> receipt(const outbox_item& item) const;

  // The confirmation-code email (mode code) in `locale`: the code, how many minutes it is
  // valid, and what to do with an email one did not ask for. `unique` (random) makes its
  // Message-ID <code.UNIQUE@DOMAIN>: codes are never stored, so nothing else would.
  veto::expected<outgoing_mail> code(const std::string& locale, std::string_view address,
                                     std::string_view code, long long minutes,
                                     std::string_view unique) const;

  // The page strings the emails are worded with (each must be in en.json) besides the
  // fields' "<field>.label".
  static const std::vector<std::string>& strings_used();

  // The domain of the sender address, for Message-IDs.
  const std::string& sender_domain() const { return sender_domain_; }

 private:
  outgoing_mail assemble(const smtp_address& to, const std::string& boundary,
                         const std::string& date, const std::string& subject,
                         const std::string& message_id, const std::string& locale,
                         const std::string& text, const std::string& html) const;

  const mail_config& config_;
  string_lookup strings_;
  std::vector<std::string> fields_;
  std::string sender_domain_;
};

// RFC 2047: `text` as it may stand in an unstructured header field, folded: itself when it
// is printable ASCII, else UTF-8 "B" encoded words of at most 75 characters, never
// splitting a character.
std::string encode_header_text(std::string_view text);

// "2026-12-07T07:46:29.123Z" -> "Mon, 07 Dec 2026 07:46:29 +0000" (RFC 5322 date-time).
std::string rfc5322_date(std::string_view iso_utc);

}  // namespace veto_server

#endif  // VETO_SERVER_MAIL_MESSAGE_H
