#include "output_files.hpp"

#include "host/io/npy.hpp"

namespace boltzkit::cli {

void check_output_dir(const std::string& dir, const std::string& option) {
  io::check_output_directory(dir, option);
}

void stage_outputs(const io::StagedDirectory& dir, const std::vector<OutputFile>& files) {
  for (const OutputFile& f : files)
    io::stage_npy(dir.staging_path(f.name), f.dtype, f.shape, f.data).commit();
}

}  // namespace boltzkit::cli
