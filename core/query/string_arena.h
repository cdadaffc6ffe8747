// Bump allocator for strings made while evaluating one message (lower, concat, substring...).
// reset() between messages keeps the blocks, so steady-state evaluation does not allocate.
// Returned views stay valid until reset(). Not thread-safe: one per evaluating thread.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace routesim::query {

class StringArena {
 public:
  static constexpr size_t kBlockSize = 4096;

  // Uninitialised space for `n` bytes, valid until reset().
  char* allocate(size_t n) {
    if (n > kBlockSize) {
      large_.push_back(std::make_unique<char[]>(n));
      return large_.back().get();
    }
    if (blocks_.empty()) {
      blocks_.push_back(std::make_unique<char[]>(kBlockSize));
      current_ = 0;
      used_ = 0;
    }
    if (used_ + n > kBlockSize) {
      ++current_;
      if (current_ == blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kBlockSize));
      used_ = 0;
    }
    char* p = blocks_[current_].get() + used_;
    used_ += n;
    return p;
  }

  std::string_view store(std::string_view s) {
    if (s.empty()) return {};
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  void reset() {
    current_ = 0;
    used_ = 0;
    large_.clear();
  }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  size_t current_ = 0;
  size_t used_ = 0;
};

}  // namespace routesim::query
