#include "mail_message.h"

#include <openssl/evp.h>
#include <unicode/uidna.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "deadline.h"
#include "page_template.h"

namespace veto_server {
namespace {

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// A body part's content as base64 in lines of 76 (RFC 2045): safe for any relay, whatever
// the text's bytes and line lengths.
std::string base64_lines(std::string_view data) {
  const std::string encoded = base64(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out.append(encoded, i, 76);
    out += "\r\n";
  }
  return out;
}

std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : 4;
}

bool printable_ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Line ends as CRLF, whatever the stored text used.
std::string crlf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string replace_placeholder(std::string pattern, std::string_view name,
                                std::string_view value) {
  const std::string token = "{" + std::string(name) + "}";
  const std::size_t at = pattern.find(token);
  if (at != std::string::npos) pattern.replace(at, token.size(), value);
  return pattern;
}

// The display name of From:, as a quoted string or as encoded words (RFC 5322 3.4, 2047 5(3)).
std::string display_name(std::string_view name) {
  if (!printable_ascii(name)) return encode_header_text(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// What stands in the receipt, in the order the email shows it.
struct receipt_lines {
  std::vector<std::pair<std::string, std::string>> facts;   // receipt, received, deadline
  std::vector<std::pair<std::string, std::string>> fields;  // label, value as stored
  std::string controller;
};

}  // namespace

std::string encode_header_text(std::string_view text) {
  if (printable_ascii(text) && text.find("=?") == std::string_view::npos) return std::string(text);
  // 45 bytes of UTF-8 are 60 of base64: "=?UTF-8?B?" + 60 + "?=" is 72 <= 75.
  constexpr std::size_t chunk = 45;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t next = end + utf8_length(static_cast<unsigned char>(text[end]));
      if (next - i > chunk) break;
      end = std::min(next, text.size());
    }
    if (end == i) end = std::min(i + utf8_length(static_cast<unsigned char>(text[i])), text.size());
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(std::string_view iso) {
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static constexpr const char* weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  const std::optional<civil_date> date = parse_date(iso.substr(0, 10));
  if (!date || iso.size() < 19) return "Thu, 01 Jan 1970 00:00:00 +0000";
  const long long days = days_from_epoch(*date);
  std::string out = weekdays[((days % 7) + 7) % 7];
  out += ", " + std::string(iso.substr(8, 2)) + " " + months[date->month - 1] + " " +
         std::string(iso.substr(0, 4)) + " " + std::string(iso.substr(11, 8)) + " +0000";
  return out;
}

veto::expected<smtp_address> to_smtp_address(std::string_view address) {
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return veto::unexpected(std::string("the address has no local part and domain"));
  }
  smtp_address out;
  out.local = std::string(address.substr(0, at));
  for (unsigned char c : out.local) {
    if (c < 0x21 || c == 0x7f || c == '<' || c == '>') {
      return veto::unexpected(std::string("the address's local part cannot be sent"));
    }
    if (c >= 0x80) out.ascii_local = false;
  }
  const std::string_view domain = address.substr(at + 1);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UIDNA, decltype(&uidna_close)> idna(
      uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ,
                      &status),
      uidna_close);
  if (U_FAILURE(status)) return veto::unexpected(std::string("IDNA is not available"));
  std::string ascii(domain.size() * 4 + 64, '\0');
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const int32_t length = uidna_nameToASCII_UTF8(
      idna.get(), domain.data(), static_cast<int32_t>(domain.size()), ascii.data(),
      static_cast<int32_t>(ascii.size()), &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || length <= 0) {
    return veto::unexpected(std::string("the address's domain has no A-label form"));
  }
  ascii.resize(static_cast<std::size_t>(length));
  out.domain = std::move(ascii);
  return out;
}

mail_composer::mail_composer(const mail_config& config, string_lookup strings,
                             std::vector<std::string> fields)
    : config_(config), strings_(std::move(strings)), fields_(std::move(fields)) {
  const std::size_t at = config_.from.rfind('@');
  sender_domain_ = at == std::string::npos ? "localhost" : config_.from.substr(at + 1);
}

const std::vector<std::string>& mail_composer::strings_used() {
  static const std::vector<std::string> keys = {
      "mail.subject", "mail.intro",      "mail.receipt",    "mail.received_at", "mail.deadline",
      "mail.fields",  "mail.not_given",  "mail.controller", "mail.keep",
      "mail.code_subject", "mail.code_intro", "mail.code_valid", "mail.code_ignore"};
  return keys;
}

veto::expected<outgoing_mail> mail_composer::receipt(const outbox_item& item) const {
  veto::expected<smtp_address> to = to_smtp_address(item.recipient);
  if (!to) return veto::unexpected(to.error());
  const std::string& locale = item.locale.empty() ? std::string("en") : item.locale;
  const auto t = [&](const char* key) -> const std::string& { return strings_(locale, key); };

  receipt_lines lines;
  lines.facts = {{t("mail.receipt"), item.receipt},
                 {t("mail.received_at"),
                  item.received_at.substr(0, 10) + " " + item.received_at.substr(11, 8) + " UTC"},
                 {t("mail.deadline"), item.deadline}};
  const nlohmann::json stored = nlohmann::json::parse(item.fields_json, nullptr, false);
  for (const std::string& field : fields_) {
    std::string value = t("mail.not_given");
    if (stored.is_object() && stored.contains(field) && stored[field].is_string()) {
      value = stored[field].get<std::string>();
    }
    lines.fields.emplace_back(strings_(locale, field + ".label"), std::move(value));
  }
  lines.controller = config_.controller_name;
  if (!config_.controller_contact.empty()) {
    lines.controller += (lines.controller.empty() ? "" : ", ") + config_.controller_contact;
  }

  std::string text = t("mail.intro") + "\n\n";
  for (const auto& [label, value] : lines.facts) text += label + ": " + value + "\n";
  text += "\n" + t("mail.fields") + "\n\n";
  for (const auto& [label, value] : lines.fields) {
    // A multi-line value starts on its own line, so its lines are never mistaken for labels.
    text += label + ":" + (value.find('\n') == std::string::npos ? " " + value : "\n" + value) +
            "\n\n";
  }
  if (!lines.controller.empty()) text += t("mail.controller") + ": " + lines.controller + "\n\n";
  text += t("mail.keep") + "\n";

  std::string html = "<!doctype html>\n<html lang=\"" + locale + "\"><head><meta charset=\"utf-8\">"
                     "<title>";
  append_html_escaped(replace_placeholder(t("mail.subject"), "receipt", item.receipt), html);
  html += "</title></head><body>\n<p>";
  append_html_escaped(t("mail.intro"), html);
  html += "</p>\n<table>\n";
  const auto row = [&html](const std::string& label, const std::string& value) {
    html += "<tr><th scope=\"row\" style=\"text-align:start;vertical-align:top\">";
    append_html_escaped(label, html);
    html += "</th><td style=\"white-space:pre-wrap\">";
    append_html_escaped(value, html);
    html += "</td></tr>\n";
  };
  for (const auto& [label, value] : lines.facts) row(label, value);
  html += "</table>\n<h2>";
  append_html_escaped(t("mail.fields"), html);
  html += "</h2>\n<table>\n";
  for (const auto& [label, value] : lines.fields) row(label, value);
  html += "</table>\n";
  if (!lines.controller.empty()) {
    html += "<p>";
    append_html_escaped(t("mail.controller") + ": " + lines.controller, html);
    html += "</p>\n";
  }
  html += "<p>";
  append_html_escaped(t("mail.keep"), html);
  html += "</p>\n</body></html>\n";

  return assemble(*to, "=_veto_" + item.receipt, rfc5322_date(item.received_at),
                  replace_placeholder(t("mail.subject"), "receipt", item.receipt), item.message_id,
                  locale, text, html);
}

// The headers and the two parts, the same for every email. The boundary cannot occur in
// base64 parts ("=_" is not base64).
outgoing_mail mail_composer::assemble(const smtp_address& to, const std::string& boundary,
                                      const std::string& date, const std::string& subject,
                                      const std::string& message_id, const std::string& locale,
                                      const std::string& text, const std::string& html) const {
  outgoing_mail mail;
  mail.envelope_to = to.envelope();
  mail.needs_smtputf8 = !to.ascii_local;
  std::string& d = mail.data;
  d += "Date: " + date + "\r\n";
  d += "From: " +
       (config_.controller_name.empty() ? std::string() : display_name(config_.controller_name) + " ") +
       "<" + config_.from + ">\r\n";
  d += "To: <" + mail.envelope_to + ">\r\n";
  d += "Subject: " + encode_header_text(subject) + "\r\n";
  d += "Message-ID: " + message_id + "\r\n";
  d += "Auto-Submitted: auto-generated\r\n";
  d += "Content-Language: " + locale + "\r\n";
  d += "MIME-Version: 1.0\r\n";
  d += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  for (const auto& [type, body] : {std::pair{"text/plain", &text}, std::pair{"text/html", &html}}) {
    d += "--" + boundary + "\r\n";
    d += std::string("Content-Type: ") + type + "; charset=utf-8\r\n";
    d += "Content-Transfer-Encoding: base64\r\n\r\n";
    d += base64_lines(crlf(*body));
  }
  d += "--" + boundary + "--\r\n";
  return mail;
}

veto::expected<outgoing_mail> mail_composer::code(const std::string& locale,
                                                  std::string_view address, std::string_view code,
                                                  long long minutes, std::string_view unique) const {
  veto::expected<smtp_address> to = to_smtp_address(address);
  if (!to) return veto::unexpected(to.error());
  const auto t = [&](const char* key) -> const std::string& { return strings_(locale, key); };
  const std::string subject = replace_placeholder(t("mail.code_subject"), "code", code);
  const std::string valid = replace_placeholder(t("mail.code_valid"), "minutes", std::to_string(minutes));
  const std::string text = t("mail.code_intro") + "\n\n    " + std::string(code) + "\n\n" + valid +
                           "\n\n" + t("mail.code_ignore") + "\n";
  std::string html = "<!doctype html>\n<html lang=\"" + locale + "\"><head><meta charset=\"utf-8\">"
                     "<title>";
  append_html_escaped(subject, html);
  html += "</title></head><body>\n<p>";
  append_html_escaped(t("mail.code_intro"), html);
  html += "</p>\n<p style=\"font-size:2em;letter-spacing:0.2em\"><strong>";
  append_html_escaped(code, html);
  html += "</strong></p>\n<p>";
  append_html_escaped(valid, html);
  html += "</p>\n<p>";
  append_html_escaped(t("mail.code_ignore"), html);
  html += "</p>\n</body></html>\n";
  const std::string now = utc_timestamp(std::chrono::system_clock::now());
  return assemble(*to, "=_veto_code_" + std::string(unique), rfc5322_date(now), subject,
                  "<code." + std::string(unique) + "@" + sender_domain_ + ">", locale, text, html);
}

}  // namespace veto_server
