# The WebAssembly build: one ES module (veto.mjs) and its veto.wasm, the same two files for
# browsers and Node, with the JS API of web/veto-api.js and its TypeScript declarations.
add_executable(veto-wasm src/wasm/bindings.cpp)
target_link_libraries(veto-wasm PRIVATE veto veto_phonenumber ICU::i18n ICU::uc veto_icu_data)
set_target_properties(veto-wasm PROPERTIES
  OUTPUT_NAME veto SUFFIX .mjs RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/dist)
# The C API (include/veto/veto_c.h) functions web/veto-api.js calls, and bindings.cpp's buffer.
set(VETO_WASM_EXPORTS
  _veto_create_default _veto_create _veto_create_with_messages _veto_destroy _veto_ruleset_json _veto_validate_json
  _veto_validate_members _veto_validate_field _veto_countries _veto_format_integer _veto_warm_up _veto_free
  _veto_wasm_scratch)
list(JOIN VETO_WASM_EXPORTS "," VETO_WASM_EXPORT_LIST)
# The version web/veto-api.js exports, from project() in CMakeLists.txt.
set(VETO_VERSION_JS ${PROJECT_BINARY_DIR}/generated/veto-version.js)
file(CONFIGURE OUTPUT ${VETO_VERSION_JS}
  CONTENT "// Generated from CMakeLists.txt's project(veto VERSION ...).\nconst vetoVersion = '${PROJECT_VERSION}';\n")
target_link_options(veto-wasm PRIVATE
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createVetoModule
  -sEXPORTED_FUNCTIONS=${VETO_WASM_EXPORT_LIST}
  -sALLOW_MEMORY_GROWTH=1 -sFILESYSTEM=0
  # web/veto-api.js fetches and instantiates veto.wasm itself (instantiateWasm: its own
  # error messages, the `wasm` option, a retry after a failed load). The glue's own
  # `new URL('veto.wasm', import.meta.url)` is left out (USE_ES6_IMPORT_META=0), so the
  # one reference bundlers see and emit is veto-api.js's.
  -sINCOMING_MODULE_JS_API=[instantiateWasm] -sUSE_ES6_IMPORT_META=0
  # In Node, the glue would add process-wide 'uncaughtException' and 'unhandledRejection'
  # handlers (rethrowing) for each module instance: not a library's business, and one more
  # pair for every retry after a failed load (Node warned of a listener leak).
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0
  # emmalloc rather than dlmalloc: 1.7 KB less brotli; on the bench corpus 7% fewer
  # instructions per form (phone forms -10%, forms without a phone +7%; bench/README.md).
  -sMALLOC=emmalloc
  # Binaryen inlines every function that has one caller, whatever its size, which made
  # functions of 5-30 KB (veto's check_field, PhoneNumberUtil's constructor). V8 charges
  # its tier-up budget by the machine code of a loop body or function it passes, so such
  # functions get optimized during a cold start, in background threads that take the 2
  # cores from the main thread. Capped at 50 bytes: the optimizations a cold start
  # triggers go from 67 to 48 KB of function bodies, the module is 2 KB smaller in
  # brotli, and per-form speed is unchanged (bench/README.md).
  -sBINARYEN_EXTRA_PASSES=--one-caller-inline-max-function-size=50
  --extern-pre-js ${PROJECT_SOURCE_DIR}/web/node-shim.js
  # SHELL: keeps CMake from dropping a repeated option as a duplicate.
  "SHELL:--extern-pre-js ${VETO_VERSION_JS}"
  --extern-post-js ${PROJECT_SOURCE_DIR}/web/veto-api.js)
set_property(TARGET veto-wasm APPEND PROPERTY LINK_DEPENDS
  ${PROJECT_SOURCE_DIR}/web/node-shim.js ${VETO_VERSION_JS} ${PROJECT_SOURCE_DIR}/web/veto-api.js)
# veto.mjs minified by esbuild (scripts/setup-node.sh installs it): Emscripten leaves the
# --extern-post-js API and the glue's names as written, 26 KB; minified, 13 KB (-3 KB brotli).
# veto.wasm.br and veto.mjs.br: brotli at its best quality takes seconds for the module, so
# it is done here once; veto-server serves these files as the brotli encoding.
find_program(VETO_ESBUILD esbuild PATHS ${PROJECT_SOURCE_DIR}/node_modules/.bin NO_DEFAULT_PATH
             NO_CMAKE_FIND_ROOT_PATH REQUIRED)
find_program(VETO_BROTLI brotli REQUIRED)
add_custom_command(TARGET veto-wasm POST_BUILD
  COMMAND ${VETO_ESBUILD} ${PROJECT_BINARY_DIR}/dist/veto.mjs --minify --format=esm
          --log-level=warning --outfile=${PROJECT_BINARY_DIR}/dist/veto.min.mjs
  COMMAND ${CMAKE_COMMAND} -E rename ${PROJECT_BINARY_DIR}/dist/veto.min.mjs
          ${PROJECT_BINARY_DIR}/dist/veto.mjs
  COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/web/veto.d.mts
          ${PROJECT_BINARY_DIR}/dist/veto.d.mts
  COMMAND ${VETO_BROTLI} --force --keep --quality=11 ${PROJECT_BINARY_DIR}/dist/veto.wasm
          ${PROJECT_BINARY_DIR}/dist/veto.mjs)

# tests/icu-probe against the patched ICU and the module's trimmed ICU data, as one file for
# Node; not shipped, built by scripts/test.sh (tests/js/icu-probe.test.mjs compares its
# output with the native probe's).
add_executable(veto-icu-probe EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tests/icu-probe/icu_probe.cpp)
target_link_libraries(veto-icu-probe PRIVATE ICU::i18n ICU::uc veto_icu_data)
set_target_properties(veto-icu-probe PROPERTIES SUFFIX .cjs)
target_link_options(veto-icu-probe PRIVATE -sFILESYSTEM=0 -sSINGLE_FILE=1)
