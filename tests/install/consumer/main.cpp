#include <veto/veto.h>

#include <cstdio>

int main() {
  const veto::loaded_validator loaded = veto::validator::from_default_ruleset();
  if (!loaded) return 2;
  const veto::result r = loaded.value->validate_json(
      R"({"email":"anna@gmial.com","country":"DE","justification":"Meta must not train its AI on my posts."})");
  std::printf("%s\n", r.to_json().c_str());
  return r.valid ? 0 : 1;
}
