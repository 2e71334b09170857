// Memory for large arrays that are streamed again and again (packed weights, the KV cache):
// 2 MiB-aligned and advised for transparent huge pages, so a pass over them is not throttled by
// TLB misses (decode speed otherwise varies by ~20% from run to run with the page layout).
// Zero-initialised, move-only.
#pragma once
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace own {

class HugeBuffer {
 public:
  HugeBuffer() = default;
  explicit HugeBuffer(size_t bytes) : bytes_(bytes) {
    if (bytes == 0) return;
    constexpr size_t kHuge = size_t(2) << 20;
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    ptr_ = std::aligned_alloc(kHuge, rounded);
    if (!ptr_) throw std::bad_alloc();
    madvise(ptr_, rounded, MADV_HUGEPAGE);  // advisory: ignored where THP is off
    std::memset(ptr_, 0, bytes);
  }
  ~HugeBuffer() { std::free(ptr_); }
  HugeBuffer(HugeBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  HugeBuffer& operator=(HugeBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;

  template <typename T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace own
