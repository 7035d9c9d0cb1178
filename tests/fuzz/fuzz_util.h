// Helpers for the fuzz targets: file-based readers get the input through a temp file.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace tinypynq::fuzz {

// Writes the input to a per-process file (in /dev/shm when there is one: no disk traffic per
// execution) and returns its path; the next call overwrites it.
inline std::string input_file(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string dir = [] {
    std::error_code ec;
    return std::filesystem::is_directory("/dev/shm", ec) ? std::string("/dev/shm")
                                                         : std::filesystem::temp_directory_path().string();
  }();
  const std::string path = dir + "/tinypynq_fuzz_" + std::to_string(::getpid()) + suffix;
  static struct Cleanup {  // removed at exit
    std::string p;
    ~Cleanup() { if (!p.empty()) std::remove(p.c_str()); }
  } cleanup;
  cleanup.p = path;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace tinypynq::fuzz
