#include "urlencoded.h"

#include <utility>

namespace veto_server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<urlencoded_pair> parse_urlencoded(std::string_view body) {
  std::vector<urlencoded_pair> pairs;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view piece = body.substr(start, end - start);
    if (!piece.empty()) {
      const std::size_t equals = piece.find('=');
      if (equals == std::string_view::npos) {
        pairs.push_back({percent_decode(piece), std::string()});
      } else {
        pairs.push_back(
            {percent_decode(piece.substr(0, equals)), percent_decode(piece.substr(equals + 1))});
      }
    }
    start = end + 1;
  }
  return pairs;
}

page_submission to_page_submission(std::vector<urlencoded_pair> pairs) {
  page_submission submission;
  bool have_locale = false;
  for (urlencoded_pair& pair : pairs) {
    if (pair.name == "locale") {
      if (!have_locale) submission.locale = std::move(pair.value);
      have_locale = true;
    } else if (pair.name == "idempotency_key") {
      if (!submission.idempotency_key) submission.idempotency_key = std::move(pair.value);
    } else {
      veto::form_member member;
      member.name = std::move(pair.name);
      member.type = veto::form_member::kind::string;
      member.text = std::move(pair.value);
      submission.members.push_back(std::move(member));
    }
  }
  return submission;
}

}  // namespace veto_server
