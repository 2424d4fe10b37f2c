#include "static_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "bytes.h"

namespace veto_server {
namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_compressible_type(std::string_view type) {
  return type.rfind("text/", 0) == 0 || type == "application/json" || type == "application/wasm" ||
         type == "image/svg+xml";
}

// Brotli's best quality takes ~6 s of CPU for the 1.7 MB Wasm module; quality 9 takes
// 0.2 s for a result 13% larger. The build writes veto.wasm.br at the best quality (see
// use_brotli); any other big file gets 9 so that no visitor waits for the first encoding.
int brotli_quality_for(std::size_t size) {
  return size > 256 * 1024 ? 9 : 11;
}

}  // namespace

cached_entity::cached_entity(std::string content, std::string content_type)
    : content_(std::move(content)),
      content_type_(std::move(content_type)),
      etag_("\"" + sha256_hex(content_).substr(0, 32) + "\""),
      compressible_(is_compressible_type(content_type_)) {}

const cached_entity::variant& cached_entity::encoded(variant& slot, content_coding coding) const {
  std::call_once(slot.made, [&] {
    std::optional<std::string> body =
        coding == content_coding::br
            ? brotli_compress(content_, brotli_quality_for(content_.size()))
            : gzip_compress(content_, 9);
    if (body && body->size() < content_.size()) {
      slot.body = std::move(body);
      // A strong ETag names one representation, so each encoding gets its own.
      slot.etag =
          etag_.substr(0, etag_.size() - 1) + (coding == content_coding::br ? "-br\"" : "-gz\"");
    }
  });
  return slot;
}

void cached_entity::use_brotli(std::string body) {
  std::call_once(br_.made, [&] {
    if (body.size() >= content_.size()) return;
    br_.body = std::move(body);
    br_.etag = etag_.substr(0, etag_.size() - 1) + "-br\"";
  });
}

cached_entity::representation cached_entity::get(content_coding wanted) const {
  if (compressible_ && wanted != content_coding::identity) {
    const variant& v = encoded(wanted == content_coding::br ? br_ : gzip_, wanted);
    if (v.body) return {&*v.body, v.etag, wanted};
  }
  return {&content_, etag_, content_coding::identity};
}

std::string_view static_content_type(std::string_view name) {
  if (ends_with(name, ".d.mts") || ends_with(name, ".d.ts")) return "";  // type declarations
  if (ends_with(name, ".js") || ends_with(name, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(name, ".css")) return "text/css; charset=utf-8";
  if (ends_with(name, ".json")) return "application/json";
  if (ends_with(name, ".wasm")) return "application/wasm";
  if (ends_with(name, ".svg")) return "image/svg+xml";
  if (ends_with(name, ".png")) return "image/png";
  if (ends_with(name, ".ico")) return "image/x-icon";
  if (ends_with(name, ".webp")) return "image/webp";
  if (ends_with(name, ".woff2")) return "font/woff2";
  if (ends_with(name, ".txt")) return "text/plain; charset=utf-8";
  return "";
}

veto::expected<static_files> static_files::load(const std::string& web_dir,
                                                const std::string& dist_dir) {
  static_files loaded;
  auto& files = loaded.files_;
  const auto add_tree = [&](const std::string& root, bool is_web) -> std::string {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return "not a directory: " + root;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    if (ec) return "cannot read " + root + ": " + ec.message();
    for (; it != end; it.increment(ec)) {
      if (ec) return "cannot read " + root + ": " + ec.message();
      const fs::path relative = it->path().lexically_relative(root);
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      // Only regular files, never symlinks: nothing outside the two trees can be reached.
      struct stat info {};
      if (lstat(it->path().c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
      const std::string_view type = static_content_type(name);
      if (type.empty()) continue;
      const std::string url = "/" + relative.generic_string();
      if (is_web && url.rfind("/i18n/", 0) == 0 && !ends_with(url, ".json")) continue;
      if (files.count(url)) continue;  // web/ came first
      std::ifstream in(it->path(), std::ios::binary);
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) return "cannot read " + it->path().string();
      auto entity = std::make_unique<cached_entity>(std::move(content), std::string(type));
      // A sibling FILE.br no older than FILE is its brotli encoding, made by the build.
      fs::path brotli_path = it->path();
      brotli_path += ".br";
      struct stat brotli_info {};
      if (entity->compressible() && lstat(brotli_path.c_str(), &brotli_info) == 0 &&
          S_ISREG(brotli_info.st_mode) && brotli_info.st_mtime >= info.st_mtime) {
        std::ifstream brotli_in(brotli_path, std::ios::binary);
        std::string body((std::istreambuf_iterator<char>(brotli_in)),
                         std::istreambuf_iterator<char>());
        if (brotli_in.good() || brotli_in.eof()) entity->use_brotli(std::move(body));
      }
      files.emplace(url, std::move(entity));
    }
    return "";
  };
  std::string error = add_tree(web_dir, true);
  if (error.empty()) error = add_tree(dist_dir, false);
  if (!error.empty()) return veto::unexpected(std::move(error));
  return loaded;
}

const cached_entity* static_files::find(std::string_view url_path) const {
  const auto it = files_.find(url_path);
  return it == files_.end() ? nullptr : it->second.get();
}

}  // namespace veto_server
