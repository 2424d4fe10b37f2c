// The page's static files, read into memory once at start-up: `web/` (only the page's own
// file types) and the Wasm module's dist directory, both served at the root.
#ifndef VETO_SERVER_STATIC_FILES_H
#define VETO_SERVER_STATIC_FILES_H

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "http_fields.h"
#include "veto/expected.h"

namespace veto_server {

// One response body with its representations: the bytes as they are, and gzip and brotli
// encodings made on first demand (once, then kept). Each representation has its own
// strong ETag, derived from the SHA-256 of the content.
class cached_entity {
 public:
  cached_entity(std::string content, std::string content_type);

  const std::string& content_type() const noexcept { return content_type_; }
  // Whether compressing pays off for this type (text, JSON, JavaScript, SVG, Wasm).
  bool compressible() const noexcept { return compressible_; }

  struct representation {
    const std::string* body;  // valid as long as the entity
    std::string_view etag;    // quoted, e.g. "\"3f2a…\"" or "\"3f2a…-br\""
    content_coding coding;
  };
  // The representation to send for a chosen coding (identity when compressing does not
  // make it smaller, or the type is not compressible).
  representation get(content_coding wanted) const;
  // Takes a brotli encoding made ahead of time (the Wasm build writes veto.wasm.br at the
  // best quality, which takes seconds: too slow to make on demand).
  void use_brotli(std::string body);

 private:
  struct variant {
    std::once_flag made;
    std::optional<std::string> body;  // nullopt: no smaller encoding
    std::string etag;
  };
  const variant& encoded(variant& slot, content_coding coding) const;

  std::string content_;
  std::string content_type_;
  std::string etag_;
  bool compressible_;
  mutable variant gzip_;
  mutable variant br_;
};

// The MIME type veto-server sends for a file name's extension, or "" for a type it does
// not serve. HTML is not in the list: the two pages are templates, rendered, never sent raw.
std::string_view static_content_type(std::string_view file_name);

class static_files {
 public:
  // Reads every servable file under `web_dir` and `dist_dir`. Servable: a regular file (no
  // symlinks), no path segment starting with `.`, a type static_content_type() knows, and
  // under `web/i18n/` only `.json`. A file of `web/` wins over one of the same name in dist.
  // The error names the folder or file that could not be read.
  static veto::expected<static_files> load(const std::string& web_dir,
                                           const std::string& dist_dir);

  // The file for a URL path such as "/app.js" or "/i18n/de.json", or null.
  const cached_entity* find(std::string_view url_path) const;

  std::size_t size() const noexcept { return files_.size(); }

 private:
  std::map<std::string, std::unique_ptr<cached_entity>, std::less<>> files_;
};

}  // namespace veto_server

#endif  // VETO_SERVER_STATIC_FILES_H
