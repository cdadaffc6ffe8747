# routesim_library(NAME <name> SRCS <files...> [DEPS <targets...>])
#
# Declares the library routesim_<name> with the alias routesim::<name>. Headers are included as
# "core/<module>/<file>.h" from the repository root; a module links (and so may include) only
# the libraries it lists in DEPS, so dependencies go one way.
function(routesim_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  set(target routesim_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SRCS})
  add_library(routesim::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${ARG_DEPS})
endfunction()

# routesim_test(NAME <name> SRCS <files...> DEPS <targets...> [LABELS <labels...>])
function(routesim_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${ARG_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60)
  # gtest_discover_tests (CMake 3.25) flattens a list-valued LABELS property, keeping only the
  # first label. Set the labels from a ctest include file that runs after discovery instead.
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_labels.cmake")
  file(WRITE "${script}"
    "foreach(t IN LISTS ${ARG_NAME}_TESTS)\n"
    "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${ARG_LABELS}\")\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()
