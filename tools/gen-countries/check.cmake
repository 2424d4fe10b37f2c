# ctest country_data.current: regenerates the country table with the host's ICU into the
# build folder and fails when it differs from the committed src/core/country_data.inc, so
# the committed file is proven current for the ICU both builds use (72.1).
#   cmake -DGENERATOR=gen-countries -DFRESH=out.inc -DCOMMITTED=src/core/country_data.inc -P check.cmake
execute_process(COMMAND ${GENERATOR} ${FRESH} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gen-countries failed (${status}); see its message above")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${FRESH} ${COMMITTED}
                RESULT_VARIABLE differs)
if(NOT differs EQUAL 0)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${COMMITTED} ${FRESH} OUTPUT_VARIABLE changes)
    string(SUBSTRING "${changes}" 0 4000 changes)
    message("${changes}")
  endif()
  message(FATAL_ERROR "${COMMITTED} is not what gen-countries makes with this ICU; "
                      "regenerate it with: ${GENERATOR} ${COMMITTED}")
endif()
