// The WebAssembly module exports the C API of include/veto/veto_c.h itself (the list is in
// cmake/wasm-module.cmake): one ABI for other languages' FFIs and for web/veto-api.js. This
// file adds the one thing JavaScript cannot do on its own: a buffer in the module's memory
// to write a call's input (strings, veto_member structs) and out-parameters into, reused
// from call to call instead of a malloc and free each.
#include <emscripten/emscripten.h>

#include <cstddef>
#include <vector>

namespace {

std::vector<unsigned char> scratch;

}  // namespace

extern "C" {

// A buffer of at least `size` bytes, valid until the next call of this function.
EMSCRIPTEN_KEEPALIVE unsigned char* veto_wasm_scratch(std::size_t size) {
  if (scratch.size() < size) scratch.resize(size);
  return scratch.data();
}

}  // extern "C"
