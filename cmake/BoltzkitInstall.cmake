# install(EXPORT) + package config so that find_package(boltzkit) works from a CXX-only project.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS boltzkit EXPORT boltzkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/host/include/boltzkit
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} PATTERN "*.in" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/include/boltzkit/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/boltzkit)
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

# pkg-config (boltzkit.pc), relocatable: its prefix is found from where the file lies, so
# `cmake --install --prefix` anywhere gives a working file. A static library lists what its
# consumers must link with it (pkg-config users rarely pass --static, so in Libs).
set(boltzkit_pc_libs "")
if(NOT BUILD_SHARED_LIBS)
  string(REPLACE ";" " " boltzkit_pc_libs "${OpenMP_CXX_FLAGS}")
  if(BOLTZKIT_WITH_CUDA)
    string(APPEND boltzkit_pc_libs
           " -L${CUDAToolkit_LIBRARY_DIR} -lcudart_static -ldl -lrt -lpthread")
  endif()
endif()
file(RELATIVE_PATH boltzkit_pc_prefix_from_pcdir
     "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(${PROJECT_SOURCE_DIR}/cmake/boltzkit.pc.in ${PROJECT_BINARY_DIR}/boltzkit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/boltzkit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
