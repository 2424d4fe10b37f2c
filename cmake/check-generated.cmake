# ctest *_data.current: regenerates a table made from the host's ICU (tools/gen-*) into the
# build folder and fails when it differs from the committed file in src/core/, so the
# committed file is proven current for the ICU both builds use (72.1).
#   cmake -DGENERATOR=tools/gen-countries/gen-countries -DFRESH=out.inc
#         -DCOMMITTED=src/core/country_data.inc -P cmake/check-generated.cmake
# GENERATOR may be a list: the program and the arguments before FRESH (tools/gen-codes reads
# the file it rewrites a section of).
list(GET GENERATOR 0 program)
get_filename_component(name "${program}" NAME)
string(REPLACE ";" " " command "${GENERATOR}")
execute_process(COMMAND ${GENERATOR} ${FRESH} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${name} failed (${status}); see its message above")
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
  message(FATAL_ERROR "${COMMITTED} is not what ${name} makes with this ICU; "
                      "regenerate it with: ${command} ${COMMITTED}")
endif()
