// What veto-server's mail needs to know (issue 23): the mode, the relay and the sender,
// the controller named in every receipt, and how soon a failed attempt is tried again.
// Filled from the command line and the environment (options.h, main.cpp); read-only after.
#ifndef VETO_SERVER_MAIL_CONFIG_H
#define VETO_SERVER_MAIL_CONFIG_H

#include <chrono>
#include <string>

namespace veto_server {

enum class mail_mode {
  none,     // no mail: the page promises none
  receipt,  // every stored objection gets a receipt email
  code,     // a code sent to the address first; the receipt after the objection is stored
};

const char* mail_mode_name(mail_mode mode);

struct mail_config {
  mail_mode mode = mail_mode::none;
  std::string relay;   // smtp://HOST[:PORT] (STARTTLS required) or smtps://HOST[:PORT]
  bool plaintext = false;  // --smtp-tls off: no TLS, only for a relay on loopback
  std::string ca_file;     // certificates to trust for the relay instead of the system's
  std::string from;        // the sender address (envelope and From:)
  std::string username;    // from --smtp-credentials FILE or VETO_SMTP_USER/VETO_SMTP_PASSWORD,
  std::string password;    // never from the command line
  std::string controller_name;     // named in every receipt
  std::string controller_contact;  // e.g. the data protection officer's address
  std::chrono::milliseconds retry_first{30000};  // the first retry's wait; doubles each time
  std::chrono::milliseconds retry_max{3600000};  // up to this
  // Mode code: how long a confirmation code is valid (--code-ttl; 10 minutes, at least 5 s
  // so that a test can see one expire without a test-only switch).
  std::chrono::milliseconds code_ttl{600000};
};

}  // namespace veto_server

#endif  // VETO_SERVER_MAIL_CONFIG_H
