# wembed_add_stage(NAME SOURCES src... USES lower-stage...)
#
# Builds one pipeline stage (base, text, corpus, vectors, train, eval) as a
# static library wembed_<NAME>. The layering is enforced by the include path:
# the stage compiles against an "include view" in the build tree that holds
# symlinks to its own folders and to those of the stages it USES, and to
# nothing else, so `#include "train/..."` or `#include "wembed/train/..."`
# from the corpus stage fails to compile. Private headers are included as
# "<stage>/<file>.h", public ones as "wembed/<stage>/<file>.h".
#
# Stage libraries carry no include directories to their users: the CLI and
# the tests get include/ (and the tests src/) from the wembed_lib target.
function(wembed_add_stage name)
  cmake_parse_arguments(STAGE "" "" "SOURCES;USES;LIBS" ${ARGN})
  set(view ${CMAKE_BINARY_DIR}/include_views/${name})
  file(REMOVE_RECURSE ${view})
  file(MAKE_DIRECTORY ${view}/private ${view}/public/wembed)
  foreach(stage ${name} ${STAGE_USES})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${stage}
         ${view}/private/${stage} SYMBOLIC)
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/include/wembed/${stage}
         ${view}/public/wembed/${stage} SYMBOLIC)
  endforeach()
  list(TRANSFORM STAGE_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/src/${name}/)
  add_library(wembed_${name} STATIC ${STAGE_SOURCES})
  target_include_directories(wembed_${name} PRIVATE ${view}/private
                                                    ${view}/public)
  foreach(stage ${STAGE_USES})
    target_link_libraries(wembed_${name} PRIVATE wembed_${stage})
  endforeach()
  target_link_libraries(wembed_${name} PUBLIC ${STAGE_LIBS})
  # The Python module links the stages into a shared object: position-
  # independent code, without semantic interposition so that calls inside
  # the library are still inlined and bound directly (as in a PIE build).
  if(WEMBED_BUILD_PYTHON)
    set_target_properties(wembed_${name} PROPERTIES
                          POSITION_INDEPENDENT_CODE ON)
    target_compile_options(wembed_${name} PRIVATE -fno-semantic-interposition)
  endif()
  # Kernels for specific instruction sets: *_avx512.cc and *_avx2.cc.
  foreach(src ${STAGE_SOURCES})
    if(src MATCHES "_avx512\\.cc$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS
        "-mavx512f;-mavx512vl;-mavx512bw;-mavx512dq;-mfma;-mavx2")
    elseif(src MATCHES "_avx2\\.cc$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS
        "-mavx2;-mfma")
    endif()
  endforeach()
endfunction()
