# veto_icu_table(TARGET SOURCE TABLE): a generator that writes src/core/TABLE from the host's
# ICU (native only: the Wasm build ships the table, not ICU's data behind it), and the ctest
# TABLE_NAME.current that fails while the committed table differs from what it makes, so the
# table is proven current for the ICU both builds use.
function(veto_icu_table target source table)
  add_executable(${target} ${source})
  target_link_libraries(${target} PRIVATE ICU::i18n ICU::uc)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(VETO_BUILD_TESTS)
    get_filename_component(name ${table} NAME_WE)
    add_test(NAME ${name}.current
      COMMAND ${CMAKE_COMMAND} -DGENERATOR=$<TARGET_FILE:${target}>
              -DFRESH=${CMAKE_CURRENT_BINARY_DIR}/${table}
              -DCOMMITTED=${PROJECT_SOURCE_DIR}/src/core/${table}
              -P ${PROJECT_SOURCE_DIR}/cmake/check-generated.cmake)
  endif()
endfunction()
