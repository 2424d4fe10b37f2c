#include <veto/veto.h>

#include <cstdio>

int main() {
  const veto::expected<veto::validator> loaded = veto::validator::from_default_ruleset();
  if (!loaded) return 2;
  const veto::result r = loaded->validate_json(
      R"({"email":"anna@gmial.com","country":"DE","justification":"Meta must not train its AI on my posts."})");
  std::printf("%s\n", veto::to_json(r).c_str());
  return r.valid ? 0 : 1;
}
