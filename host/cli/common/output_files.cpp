#include "output_files.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "boltzkit/errors.hpp"
#include "host/io/npy.hpp"

namespace boltzkit::cli {

namespace fs = std::filesystem;

void check_output_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw invalid_argument("--out '" + dir + "': exists and is not a directory");
}

void write_outputs(const std::string& dir, const std::vector<OutputFile>& files) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory '" + dir + "': " + ec.message());
  std::vector<io::StagedFile> staged;
  staged.reserve(files.size());
  for (const OutputFile& f : files)
    staged.push_back(io::stage_npy((fs::path(dir) / f.name).string(), f.dtype, f.shape, f.data));
  for (io::StagedFile& s : staged) s.commit();
}

}  // namespace boltzkit::cli
