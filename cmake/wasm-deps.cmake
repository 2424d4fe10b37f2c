# Dependencies of the Emscripten build: the static wasm32 libraries that
# scripts/wasm-deps.sh builds from Debian's source packages (VETO_WASM_DEPS is its prefix),
# nlohmann/json's headers from the host (header-only, so the very same version), and the
# trimmed ICU data compiled into the module.
set(VETO_WASM_DEPS "" CACHE PATH "Prefix made by scripts/wasm-deps.sh")
if(NOT EXISTS "${VETO_WASM_DEPS}/lib/libicuuc.a")
  message(FATAL_ERROR "VETO_WASM_DEPS must name the prefix made by scripts/wasm-deps.sh")
endif()
enable_language(C)

foreach(part uc i18n)
  add_library(ICU::${part} STATIC IMPORTED)
  set_target_properties(ICU::${part} PROPERTIES
    IMPORTED_LOCATION ${VETO_WASM_DEPS}/lib/libicu${part}.a
    INTERFACE_INCLUDE_DIRECTORIES ${VETO_WASM_DEPS}/include)
endforeach()
set_property(TARGET ICU::i18n PROPERTY INTERFACE_LINK_LIBRARIES ICU::uc)
# The configuration ICU was built with (scripts/wasm-deps.sh), so its headers read the same.
set_property(TARGET ICU::uc PROPERTY INTERFACE_COMPILE_DEFINITIONS
  U_CHARSET_IS_UTF8=1 UCONFIG_NO_LEGACY_CONVERSION=1 UCONFIG_NO_SERVICE=1)

# Only the nlohmann folder of the host's include tree: the rest of /usr/include must never
# reach Emscripten's sysroot.
find_path(VETO_NLOHMANN_INCLUDE nlohmann/json.hpp PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH
          REQUIRED)
set(VETO_THIRD_PARTY ${PROJECT_BINARY_DIR}/third_party)
file(MAKE_DIRECTORY ${VETO_THIRD_PARTY})
file(CREATE_LINK ${VETO_NLOHMANN_INCLUDE}/nlohmann ${VETO_THIRD_PARTY}/nlohmann SYMBOLIC)
add_library(veto_json INTERFACE)
target_include_directories(veto_json SYSTEM INTERFACE ${VETO_THIRD_PARTY})

# ICU data: the items of src/wasm/icu-data.txt cut out of ICU's full archive with the host's
# icupkg (icu-devtools 72.1), then turned into C by genccode under ICU's own entry point
# name, so ICU finds it linked in without any API call or file system.
find_program(VETO_ICUPKG icupkg REQUIRED NO_CMAKE_FIND_ROOT_PATH)
find_program(VETO_GENCCODE genccode REQUIRED NO_CMAKE_FIND_ROOT_PATH)
set(VETO_ICU_ITEMS ${PROJECT_SOURCE_DIR}/src/wasm/icu-data.txt)
set(VETO_ICU_DATA_DIR ${PROJECT_BINARY_DIR}/icu-data)
set(VETO_ICU_DATA_C ${VETO_ICU_DATA_DIR}/icudt72_dat.c)
add_custom_command(
  OUTPUT ${VETO_ICU_DATA_C} ${VETO_ICU_DATA_DIR}/icudt72l.dat
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${VETO_ICU_DATA_DIR}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${VETO_ICU_DATA_DIR}/items
  COMMAND ${VETO_ICUPKG} -x ${VETO_ICU_ITEMS} -d ${VETO_ICU_DATA_DIR}/items
          ${VETO_WASM_DEPS}/share/icu/icudt72l.dat
  COMMAND ${VETO_ICUPKG} --ignore-deps -a ${VETO_ICU_ITEMS} -s ${VETO_ICU_DATA_DIR}/items
          new ${VETO_ICU_DATA_DIR}/icudt72l.dat
  # genccode names the symbol after the file: ICU's entry point is icudt72_dat.
  COMMAND ${CMAKE_COMMAND} -E copy ${VETO_ICU_DATA_DIR}/icudt72l.dat ${VETO_ICU_DATA_DIR}/icudt72.dat
  COMMAND ${VETO_GENCCODE} -d ${VETO_ICU_DATA_DIR} ${VETO_ICU_DATA_DIR}/icudt72.dat
  DEPENDS ${VETO_ICU_ITEMS} ${VETO_WASM_DEPS}/share/icu/icudt72l.dat
  COMMENT "Trimming ICU data to the items in src/wasm/icu-data.txt")
add_library(veto_icu_data STATIC ${VETO_ICU_DATA_C})
target_link_libraries(veto_icu_data PRIVATE ICU::uc)

# libphonenumber with what it links: protobuf-lite, the Abseil pieces it uses, ICU's regex.
# The defines select the std::mutex and ICU regex builds that scripts/wasm-deps.sh made.
add_library(veto_phonenumber INTERFACE)
set(VETO_PHONENUMBER_LIBS phonenumber protobuf-lite absl_raw_hash_set absl_hash absl_city
    absl_low_level_hash absl_strings absl_strings_internal absl_int128 absl_throw_delegate
    absl_raw_logging_internal)
foreach(lib IN LISTS VETO_PHONENUMBER_LIBS)
  target_link_libraries(veto_phonenumber INTERFACE ${VETO_WASM_DEPS}/lib/lib${lib}.a)
endforeach()
target_link_libraries(veto_phonenumber INTERFACE ICU::i18n ICU::uc)
target_include_directories(veto_phonenumber INTERFACE ${VETO_WASM_DEPS}/include)
target_compile_definitions(veto_phonenumber INTERFACE I18N_PHONENUMBERS_USE_STDMUTEX
  I18N_PHONENUMBERS_USE_ICU_REGEXP I18N_PHONENUMBERS_USE_ALTERNATE_FORMATS)
