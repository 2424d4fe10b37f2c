#include "page_template.h"

#include <gtest/gtest.h>

namespace veto_server {
namespace {

std::string accept_all(const placeholder&) {
  return "";
}

TEST(PageTemplate, ParsesAndRenders) {
  const veto::expected<page_template> t = page_template::parse("<a {{x}}>{{t:page.title}}</a>{{y}}", accept_all);
  ASSERT_TRUE(t) << t.error();
  std::string out;
  t->render(
      [](const placeholder& p, std::string& o) { o += "[" + p.name + "|" + p.arg + "]"; }, out);
  EXPECT_EQ(out, "<a [x|]>[t|page.title]</a>[y|]");
}

TEST(PageTemplate, UnknownPlaceholderIsAnErrorWithItsLine) {
  const veto::expected<page_template> t = page_template::parse("a\nb\n{{nope}}", [](const placeholder& p) {
    return p.name == "nope" ? std::string("unknown placeholder") : std::string();
  });
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("line 3"), std::string::npos) << t.error();
  EXPECT_NE(t.error().find("{{nope}}"), std::string::npos) << t.error();
}

TEST(PageTemplate, MalformedPlaceholdersAreErrors) {
  for (const char* text : {"{{lang}", "{{}}", "{{ lang }}", "{{Lang}}", "{{t:}}", "{{t:a b}}",
                           "{{{lang}}", "{{t:<x>}}", "x {{"}) {
    EXPECT_FALSE(page_template::parse(text, accept_all)) << text;
  }
}

TEST(PageTemplate, SingleBracesAreText) {
  const veto::expected<page_template> t = page_template::parse("a { b } c }} d", accept_all);
  ASSERT_TRUE(t);
  std::string out;
  t->render([](const placeholder&, std::string&) {}, out);
  EXPECT_EQ(out, "a { b } c }} d");
}

TEST(PageTemplate, EscapesHtml) {
  EXPECT_EQ(html_escaped("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(PageTemplate, LinearOnManyUnclosedOpenings) {
  std::string text(1 << 20, 'x');
  for (std::size_t i = 0; i < text.size(); i += 4) text[i] = '{';
  // No `{{` at all: one literal piece.
  EXPECT_TRUE(page_template::parse(text, accept_all));
  std::string braces(1 << 20, '{');
  EXPECT_FALSE(page_template::parse(braces, accept_all));
}

}  // namespace
}  // namespace veto_server
