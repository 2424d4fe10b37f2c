// The mail-domain check (mail_domain.h) against a real DNS server: Debian's dnsmasq,
// started here on a loopback port with the zone of tests/server/fixtures/
// mail-domains.dnsmasq.conf, logging every query it gets, so the tests can see which
// questions reached it (the cache) and which did not. A UDP socket that this test holds and
// never reads is the "server" of slow.example: an answer that never comes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mail_domain.h"

namespace veto_server {
namespace {

using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

// A UDP socket bound to a free loopback port.
int bound_udp_socket(int& port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// Sends one raw MX question and says whether any answer came back within `wait`.
bool answers(int port, milliseconds wait) {
  const unsigned char question[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                    5, 'r', 'e', 'a', 'd', 'y', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
                                    0, 15, 0, 1};
  int ignored = 0;
  const int fd = bound_udp_socket(ignored);
  if (fd < 0) return false;
  timeval tv{0, static_cast<suseconds_t>(wait.count() * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(fd, question, sizeof question, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  unsigned char reply[512];
  const bool got = recv(fd, reply, sizeof reply, 0) > 0;
  close(fd);
  return got;
}

class dns_server {
 public:
  dns_server() {
    silent_fd_ = bound_udp_socket(silent_port_);
    char dir_template[] = "/tmp/veto-mail-domain-XXXXXX";
    dir_ = mkdtemp(dir_template) ? dir_template : "";
    log_ = dir_ + "/queries.log";
    // A free port: dnsmasq binds UDP and TCP on it; another process may take it between
    // the probe and dnsmasq's bind, so try a few.
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      int port = 0;
      const int probe = bound_udp_socket(port);
      close(probe);
      if (start(port)) port_ = port;
    }
  }
  ~dns_server() {
    stop();
    if (silent_fd_ >= 0) close(silent_fd_);
    std::remove(log_.c_str());
    rmdir(dir_.c_str());
  }

  bool running() const { return pid_ > 0; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::string log() const { return read_file(log_); }
  // How many questions of `type` for `name` dnsmasq got. Its log is written as it goes;
  // a line may still be on its way, so this waits until the count holds still briefly.
  std::size_t queries(const std::string& type, const std::string& name) const {
    const std::string needle = "query[" + type + "] " + name + " from";
    std::size_t seen = count_of(log(), needle);
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(milliseconds(20));
      const std::size_t now = count_of(log(), needle);
      if (now == seen && i >= 1) break;
      seen = now;
    }
    return seen;
  }

 private:
  bool start(int port) {
    const passwd* user = getpwuid(geteuid());
    std::vector<std::string> args = {
        VETO_SERVER_FIXTURES_DIR "/run-dnsmasq.sh",
        VETO_DNSMASQ,
        "--keep-in-foreground",
        "--conf-file=" VETO_SERVER_FIXTURES_DIR "/mail-domains.dnsmasq.conf",
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--port=" + std::to_string(port),
        "--pid-file=",
        "--user=" + std::string(user ? user->pw_name : "nobody"),
        "--log-queries",
        "--log-facility=" + log_,
        "--server=/slow.example/127.0.0.1#" + std::to_string(silent_port_),
    };
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    // Through run-dnsmasq.sh, which stops dnsmasq when the pipe on its standard input
    // closes: in stop(), or when this process ends however it ends.
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      dup2(pipe_fds[0], STDIN_FILENO);  // dup2 clears close-on-exec on the copy
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(pipe_fds[0]);
    keeper_fd_ = pipe_fds[1];
    pid_ = pid;
    port_ = port;
    for (int i = 0; i < 100; ++i) {  // up to 5 s for dnsmasq to answer
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // it could not bind: another port
        pid_ = 0;
        close(keeper_fd_);
        keeper_fd_ = -1;
        return false;
      }
      if (answers(port, milliseconds(50))) return true;
    }
    stop();
    return false;
  }
  void stop() {
    if (pid_ <= 0) return;
    close(keeper_fd_);  // run-dnsmasq.sh stops dnsmasq and exits
    keeper_fd_ = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  int keeper_fd_ = -1;  // the pipe run-dnsmasq.sh reads: closing it stops dnsmasq
  int silent_fd_ = -1;
  int silent_port_ = 0;
  int port_ = 0;
  pid_t pid_ = 0;
  std::string dir_;
  std::string log_;
};

class MailDomain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dns = new dns_server(); }
  static void TearDownTestSuite() {
    delete dns;
    dns = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(dns->running()) << "dnsmasq (" VETO_DNSMASQ ") did not start"; }

  static std::unique_ptr<mail_domain_checker> checker(mail_domain_config config = {}) {
    config.resolver = dns->address();
    if (config.timeout == mail_domain_config{}.timeout) config.timeout = milliseconds(1500);
    auto made = mail_domain_checker::create(std::move(config));
    EXPECT_TRUE(made) << made.error();
    return made ? std::move(*made) : nullptr;
  }

  static dns_server* dns;
};
dns_server* MailDomain::dns = nullptr;

struct expectation {
  const char* domain;
  mail_domain_verdict verdict;
  const char* reason;
};

TEST_F(MailDomain, answers_as_email_validator_does) {
  const expectation cases[] = {
      {"mx.example", mail_domain_verdict::accepts_mail, "mx"},
      {"nullmx.example", mail_domain_verdict::no_mail, "null_mx"},
      {"aonly.example", mail_domain_verdict::accepts_mail, "address"},
      {"aaaaonly.example", mail_domain_verdict::accepts_mail, "address"},
      {"txtonly.example", mail_domain_verdict::no_mail, "no_records"},
      {"nx.example", mail_domain_verdict::no_mail, "nxdomain"},
      {"xn--mller-kva.example", mail_domain_verdict::accepts_mail, "mx"},
      {"MX.Example", mail_domain_verdict::accepts_mail, "mx"},  // one name, any case
  };
  auto domains = checker();
  for (const expectation& c : cases) {
    const mail_domain_answer answer = domains->check(c.domain);
    EXPECT_EQ(answer.verdict, c.verdict) << c.domain;
    EXPECT_EQ(answer.reason, c.reason) << c.domain;
  }
}

TEST_F(MailDomain, never_asks_for_what_is_not_a_dns_name) {
  auto domains = checker();
  for (const char* name : {"", "müller.example", "[192.0.2.1]", "a..example", ".example",
                           "a b.example", "example.", "under\nline.example"}) {
    const mail_domain_answer answer = domains->check(name);
    EXPECT_EQ(answer.verdict, mail_domain_verdict::unknown) << name;
    EXPECT_EQ(answer.reason, "not_a_dns_name") << name;
  }
  EXPECT_EQ(domains->check(std::string(250, 'a') + ".com").reason, "not_a_dns_name");
  EXPECT_EQ(domains->check(std::string(64, 'a') + ".com").reason, "not_a_dns_name");
}

TEST_F(MailDomain, a_silent_server_is_unknown_within_the_timeout) {
  mail_domain_config config;
  config.timeout = milliseconds(400);
  auto domains = checker(config);
  const auto started = steady::now();
  const mail_domain_answer answer = domains->check("slow.example");
  const auto took = std::chrono::duration_cast<milliseconds>(steady::now() - started);
  EXPECT_EQ(answer.verdict, mail_domain_verdict::unknown);
  EXPECT_EQ(answer.reason, "timeout");
  // Bounded: the deadline, not c-ares' own tries (which would wait longer), ends it. The
  // margin is for a loaded machine; what is checked is that it does not hang.
  EXPECT_GE(took.count(), 350);
  EXPECT_LT(took.count(), 400 + 1500);
  // Unknown is not cached: the next objector's check asks again (c-ares sends its second
  // try within the deadline too, so "more", not "one more").
  const std::size_t asked = dns->queries("MX", "slow.example");
  EXPECT_GE(asked, 1u);
  EXPECT_FALSE(domains->check("slow.example").from_cache);
  EXPECT_GT(dns->queries("MX", "slow.example"), asked);
}

TEST_F(MailDomain, no_resolver_is_unknown) {
  int port = 0;
  const int fd = bound_udp_socket(port);  // a port where nobody answers once it is closed
  close(fd);
  mail_domain_config config;
  config.resolver = "127.0.0.1:" + std::to_string(port);
  config.timeout = milliseconds(400);
  auto made = mail_domain_checker::create(config);
  ASSERT_TRUE(made);
  const auto started = steady::now();
  EXPECT_EQ((*made)->check("mx.example").verdict, mail_domain_verdict::unknown);
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(steady::now() - started).count(), 400 + 1500);
}

TEST_F(MailDomain, the_cache_answers_the_second_question) {
  auto domains = checker();
  const std::size_t mx_before = dns->queries("MX", "nullmx.example");
  const std::size_t a_before = dns->queries("A", "aonly.example");
  EXPECT_FALSE(domains->check("nullmx.example").from_cache);  // a no is kept
  EXPECT_FALSE(domains->check("aonly.example").from_cache);   // a yes is kept
  const mail_domain_answer again = domains->check("NullMX.example");
  EXPECT_TRUE(again.from_cache);
  EXPECT_EQ(again.verdict, mail_domain_verdict::no_mail);
  EXPECT_EQ(again.reason, "null_mx");
  EXPECT_TRUE(domains->check("aonly.example").from_cache);
  EXPECT_EQ(dns->queries("MX", "nullmx.example"), mx_before + 1);
  EXPECT_EQ(dns->queries("A", "aonly.example"), a_before + 1);
}

TEST_F(MailDomain, cached_answers_expire) {
  mail_domain_config config;
  config.accepts_mail_ttl = std::chrono::seconds(0);
  config.no_mail_ttl = std::chrono::seconds(0);
  auto domains = checker(config);
  const std::size_t before = dns->queries("MX", "mx.example");
  domains->check("mx.example");
  EXPECT_FALSE(domains->check("mx.example").from_cache);
  EXPECT_EQ(dns->queries("MX", "mx.example"), before + 2);
}

TEST_F(MailDomain, the_cache_is_bounded_and_drops_the_oldest) {
  mail_domain_config config;
  config.cache_entries = 2;
  auto domains = checker(config);
  domains->check("mx.example");
  domains->check("nullmx.example");
  domains->check("nx.example");  // the third: mx.example goes
  EXPECT_TRUE(domains->check("nullmx.example").from_cache);
  EXPECT_TRUE(domains->check("nx.example").from_cache);
  EXPECT_FALSE(domains->check("mx.example").from_cache);
}

TEST_F(MailDomain, threads_check_at_once) {
  auto domains = checker();
  const expectation cases[] = {
      {"mx.example", mail_domain_verdict::accepts_mail, "mx"},
      {"nullmx.example", mail_domain_verdict::no_mail, "null_mx"},
      {"aonly.example", mail_domain_verdict::accepts_mail, "address"},
      {"nx.example", mail_domain_verdict::no_mail, "nxdomain"},
  };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const expectation& c = cases[(t + i) % 4];
        if (domains->check(c.domain).verdict != c.verdict) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(MailDomain, a_resolver_must_be_an_address) {
  for (const char* bad : {"localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "[::1",
                          "::1:53", "[::1]:x", "127.0.0.1:53,8.8.8.8"}) {
    mail_domain_config config;
    config.resolver = bad;
    EXPECT_FALSE(mail_domain_checker::create(config)) << bad;
  }
  for (const char* good : {"127.0.0.1", "127.0.0.1:5353", "[::1]:53", "[::1]"}) {
    mail_domain_config config;
    config.resolver = good;
    EXPECT_TRUE(mail_domain_checker::create(config)) << good;
  }
}

// The address as a flow has it: typed (U-labels), checked through the email rule's own
// mapping to A-labels, the error exactly as the validator's errors look.
class Deliverability : public MailDomain {
 protected:
  void SetUp() override {
    MailDomain::SetUp();
    auto loaded = veto::validator::from_default_ruleset();
    ASSERT_TRUE(loaded);
    validator = std::make_unique<veto::validator>(std::move(*loaded));
    domains = checker();
    check = std::make_unique<deliverability_check>(*validator, *domains);
  }
  std::unique_ptr<veto::validator> validator;
  std::unique_ptr<mail_domain_checker> domains;
  std::unique_ptr<deliverability_check> check;
};

TEST_F(Deliverability, an_internationalized_domain_is_asked_as_a_labels) {
  const std::size_t before = dns->queries("MX", "xn--mller-kva.example");
  const deliverability answer = check->check_deliverable("anna@MÜLLER.example", "de");
  EXPECT_EQ(answer.verdict, mail_domain_verdict::accepts_mail);
  EXPECT_FALSE(answer.error);
  EXPECT_EQ(dns->queries("MX", "xn--mller-kva.example"), before + 1);
}

TEST_F(Deliverability, a_domain_without_mail_is_the_email_fields_error) {
  const deliverability answer = check->check_deliverable("anna@nullmx.example", "de-AT");
  EXPECT_EQ(answer.verdict, mail_domain_verdict::no_mail);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, "email.domain_no_mail");
  ASSERT_EQ(answer.error->params.size(), 1u);
  EXPECT_EQ(answer.error->params[0].first, "domain");
  EXPECT_EQ(std::get<std::string>(answer.error->params[0].second), "nullmx.example");
  EXPECT_EQ(answer.error->message,
            "Die Domain nullmx.example empfängt keine E-Mails. Bitte prüfen Sie die Adresse auf "
            "Tippfehler oder geben Sie eine andere Adresse ein.");
}

TEST_F(Deliverability, unknown_and_invalid_addresses_are_never_errors) {
  const deliverability slow = check->check_deliverable("anna@slow.example", "en");
  EXPECT_EQ(slow.verdict, mail_domain_verdict::unknown);
  EXPECT_FALSE(slow.error);
  EXPECT_FALSE(check->check_deliverable("not an address", "en").error);
  EXPECT_FALSE(check->check_deliverable("anna@host.test", "en").error);  // email.special_use
}

TEST_F(Deliverability, apply_makes_the_result_what_the_validator_would_give) {
  const std::string form =
      R"({"email":"anna@nx.example","country":"AT","justification":"Meta must not train its AI models on my posts."})";
  veto::result verdict = validator->validate_json(form, "en");
  ASSERT_TRUE(verdict.valid);
  EXPECT_TRUE(check->apply(verdict));
  EXPECT_FALSE(verdict.valid);
  const std::string json = veto::to_json(verdict);
  EXPECT_NE(json.find(R"("email":{"valid":false,"value":null,"errors":[{"code":"email.domain_no_mail","params":{"domain":"nx.example"},"message":"The domain nx.example does not receive email. Check the address for typing mistakes, or enter another one."}],"warnings":[],"info":{}})"),
            std::string::npos)
      << json;

  veto::result fine = validator->validate_json(
      R"({"email":"anna@aonly.example","country":"AT","justification":"Meta must not train its AI models on my posts."})",
      "en");
  const std::string before = veto::to_json(fine);
  EXPECT_FALSE(check->apply(fine));
  EXPECT_EQ(veto::to_json(fine), before);
}

}  // namespace
}  // namespace veto_server
