# One INTERFACE target that every target of the project links: warnings and Qt defines.
add_library(mr_common INTERFACE)
target_compile_options(mr_common INTERFACE -Wall -Wextra -Wpedantic)
if(MR_WARNINGS_AS_ERRORS)
    target_compile_options(mr_common INTERFACE -Werror)
endif()
target_compile_definitions(mr_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    MR_VERSION="${PROJECT_VERSION}")
