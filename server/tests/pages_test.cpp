// Renders the real page (web/) and the fixture templates (tests/server/fixtures/).
#include "pages.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace veto_server {
namespace {

namespace fs = std::filesystem;

const veto::validator& validator() {
  static const veto::validator loaded = *veto::validator::from_default_ruleset();
  return loaded;
}

// A web directory made of a fixture as index.html and the real i18n/en.json.
std::string fixture_web(const std::string& index_fixture) {
  const fs::path dir = fs::temp_directory_path() / ("veto-pages-test-" + index_fixture);
  fs::remove_all(dir);
  fs::create_directories(dir / "i18n");
  fs::copy_file(fs::path(VETO_SERVER_FIXTURES_DIR) / index_fixture, dir / "index.html");
  fs::copy_file(fs::path(VETO_SERVER_FIXTURES_DIR) / "received.html", dir / "received.html");
  fs::copy_file(fs::path(VETO_SERVER_WEB_DIR) / "i18n" / "en.json", dir / "i18n" / "en.json");
  return dir.string();
}

std::string joined(const cut_page& page, const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < page.pieces.size(); ++i) out += (i ? key : "") + page.pieces[i];
  return out;
}

TEST(Pages, RealPageRendersInEveryLocaleWithoutPlaceholdersLeft) {
  const veto::expected<pages> p = pages::load(VETO_SERVER_WEB_DIR, validator());
  ASSERT_TRUE(p) << p.error();
  for (const std::string_view tag : veto::supported_locales()) {
    const std::string locale(tag);
    const std::string html =
        joined(p->index_for_get(locale), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(html.find("{{"), std::string::npos) << locale;
    EXPECT_NE(html.find("lang=\"" + locale + "\""), std::string::npos) << locale;
    EXPECT_NE(html.find("<option value=\"DE\""), std::string::npos) << locale;
    EXPECT_NE(html.find("value=\"0123456789abcdef0123456789abcdef\""), std::string::npos) << locale;
  }
}

TEST(Pages, FixtureShowsValuesMessagesAndSummary) {
  const veto::expected<pages> p = pages::load(fixture_web("index.html"), validator());
  ASSERT_TRUE(p) << p.error();
  veto::form form;
  form.push_back({"email", veto::form_member::kind::string, "<b>@x"});
  form.push_back({"country", veto::form_member::kind::string, "us"});
  const veto::result result = validator().validate(form, "de");
  const std::string html = p->index_with("de", {&form, &result}, "k");
  EXPECT_NE(html.find("value=\"&lt;b&gt;@x\""), std::string::npos);
  EXPECT_NE(html.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"msg error\" data-code=\"country.not_eligible\">"),
            std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"summary-title\">"), std::string::npos);
  // The summary names a field by its short summary label, joined as summary.item says (the
  // fixture has only en.json: English page strings, the validator's German message).
  EXPECT_NE(html.find("<li><a href=\"#justification\">How it affects you: Dieses Feld muss "
                      "ausgefüllt werden.</a></li>"),
            std::string::npos);
  EXPECT_EQ(html.find("<div id=\"summary\" hidden>"), std::string::npos);
  // The submitted US stays selected (beside its error), and is marked not eligible.
  EXPECT_NE(html.find("<option value=\"US\" disabled selected>"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"de\" selected>"), std::string::npos);

  const std::string get = joined(p->index_for_get("en"), "KEY");
  EXPECT_NE(get.find("<div id=\"summary\" hidden>"), std::string::npos);
  EXPECT_EQ(get.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_NE(get.find("<option value=\"\">Choose your country</option>"), std::string::npos);
  EXPECT_NE(
      get.find("<option value=\"US\" disabled>United States \xE2\x80\x94 not covered by this form</option>"),
      std::string::npos);
  EXPECT_NE(p->received("en", "ABCD-EFGH-JKMN-PQRS").find(">ABCD-EFGH-JKMN-PQRS<"),
            std::string::npos);
}

TEST(Pages, UnknownPlaceholdersAndKeysStopStartUp) {
  for (const char* bad :
       {"unknown-placeholder.html", "unknown-key.html", "unclosed-placeholder.html"}) {
    const veto::expected<pages> p = pages::load(fixture_web(bad), validator());
    EXPECT_FALSE(p) << bad;
    EXPECT_NE(p.error().find("index.html: line"), std::string::npos) << p.error();
  }
}

TEST(Pages, NegotiatesLikeTheValidator) {
  const veto::expected<pages> p = pages::load(VETO_SERVER_WEB_DIR, validator());
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->page_locale("", "de-AT,de;q=0.9,en;q=0.8"), "de");
  EXPECT_EQ(p->page_locale("", "ja,fr;q=0.5"), "fr");  // ja is not supported: next
  EXPECT_EQ(p->page_locale("", "en-GB,fr;q=0.5"), "en");
  EXPECT_EQ(p->page_locale("", "no"), "nb");
  EXPECT_EQ(p->page_locale("pl", "de"), "pl");
  EXPECT_EQ(p->page_locale("xx", "de"), "en");
  EXPECT_EQ(p->page_locale("", ""), "en");
}

}  // namespace
}  // namespace veto_server
