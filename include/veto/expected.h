// veto::expected<T, E>: a value, or the error that kept it from being made.
//
// The one shape every veto operation that can fail returns (loading a ruleset, and inside
// the project parsing a document, a template, options or opening a store). It is the part
// of C++23's std::expected that veto needs, kept here because Emscripten 3.1.6's libc++ 14
// has no <expected>, and both builds must compile the same code. Unlike std::expected it
// never throws: reading the value of an error (or the error of a value) is a programming
// error, checked by an assertion in debug builds.
//
//   veto::expected<veto::validator> loaded = veto::validator::from_ruleset(text);
//   if (!loaded) return fail(loaded.error());   // e.g. "fields[0].kind: ..."
//   loaded->validate_json(line, "de");
#ifndef VETO_EXPECTED_H
#define VETO_EXPECTED_H

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace veto {

// The error side of an expected, as it is constructed: `return veto::unexpected(message);`.
template <class E>
class unexpected {
 public:
  explicit unexpected(E error) noexcept(std::is_nothrow_move_constructible_v<E>)
      : error_(std::move(error)) {}
  E& error() & noexcept { return error_; }
  const E& error() const& noexcept { return error_; }
  E&& error() && noexcept { return std::move(error_); }

 private:
  E error_;
};

template <class E>
unexpected(E) -> unexpected<E>;

// The usual error: a message for a person, naming the place and the problem.
template <class T, class E = std::string>
class expected {
 public:
  using value_type = T;
  using error_type = E;

  template <class U = T, class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                  !std::is_same_v<std::decay_t<U>, expected>>>
  expected(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  template <class G>
  expected(unexpected<G> error)  // NOLINT: implicit, like std::expected's
      : state_(std::in_place_index<1>, std::move(error).error()) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& operator*() & noexcept { return assert(has_value()), *std::get_if<0>(&state_); }
  const T& operator*() const& noexcept { return assert(has_value()), *std::get_if<0>(&state_); }
  T&& operator*() && noexcept { return assert(has_value()), std::move(*std::get_if<0>(&state_)); }
  T* operator->() noexcept { return &**this; }
  const T* operator->() const noexcept { return &**this; }

  E& error() & noexcept { return assert(!has_value()), *std::get_if<1>(&state_); }
  const E& error() const& noexcept { return assert(!has_value()), *std::get_if<1>(&state_); }
  E&& error() && noexcept { return assert(!has_value()), std::move(*std::get_if<1>(&state_)); }

 private:
  std::variant<T, E> state_;
};

// For operations that make nothing but can fail: `expected<void>` holds only the error.
template <class E>
class expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  expected() noexcept = default;
  template <class G>
  expected(unexpected<G> error)  // NOLINT
      : error_(std::move(error).error()), failed_(true) {}

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return has_value(); }

  E& error() & noexcept { return assert(failed_), error_; }
  const E& error() const& noexcept { return assert(failed_), error_; }
  E&& error() && noexcept { return assert(failed_), std::move(error_); }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace veto

#endif  // VETO_EXPECTED_H
