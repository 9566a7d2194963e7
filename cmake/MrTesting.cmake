# mr_add_test(NAME AREA SOURCES ... [LIBS ...] [ENV VAR=VALUE ...] [TIMEOUT seconds])
#
# Registers a QtTest executable with CTest. Each run gets a fresh scratch HOME and XDG folders
# (tests/run-in-scratch.sh), QT_QPA_PLATFORM=offscreen, LANG=C.UTF-8, the paths of the built
# programs, and the label AREA (protocol, agent, ui, orchestrator, e2e, harness) for `ctest -L`.
function(mr_add_test name)
    cmake_parse_arguments(T "" "AREA;TIMEOUT" "SOURCES;LIBS;ENV" ${ARGN})
    if(NOT T_AREA)
        message(FATAL_ERROR "mr_add_test(${name}): AREA is required")
    endif()
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE mr_common Qt6::Test ${T_LIBS})
    add_test(NAME ${name}
             COMMAND ${PROJECT_SOURCE_DIR}/tests/run-in-scratch.sh $<TARGET_FILE:${name}>)
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set(env
        QT_QPA_PLATFORM=offscreen
        LANG=C.UTF-8
        LC_ALL=C.UTF-8
        MR_SOURCE_DIR=${PROJECT_SOURCE_DIR}
        MR_ORCHESTRATOR_BIN=$<TARGET_FILE:orchestrator>
        MR_AGENT_BIN=$<TARGET_FILE:machine-runtime-agent>
        ${T_ENV})
    if(TARGET machine-runtime)
        list(APPEND env MR_APP_BIN=$<TARGET_FILE:machine-runtime>)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS ${T_AREA} TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${env}")
endfunction()
