# install(EXPORT) + package config so that find_package(boltzkit) works from a CXX-only project.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS boltzkit EXPORT boltzkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/host/include/boltzkit
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET boltzkit_cli)
  install(TARGETS boltzkit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # Draws the PNG of `boltzkit ising scan`; the command finds it relative to its own executable.
  install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/plot_scan.py
          DESTINATION ${CMAKE_INSTALL_DATADIR}/boltzkit)
endif()
install(EXPORT boltzkitTargets NAMESPACE boltzkit::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/boltzkit)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/boltzkitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/boltzkitConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/boltzkit)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/boltzkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/boltzkitConfig.cmake
              ${PROJECT_BINARY_DIR}/boltzkitConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/boltzkit)
