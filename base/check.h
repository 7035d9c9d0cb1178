// Errors in three tiers (after PyTorch c10):
//   TP_CHECK(cond, ...)   user error: throws tinypynq::Error with a message built from the args.
//   TP_ASSERT(cond, ...)  broken invariant inside tinypynq: prints and aborts.
//   TP_DASSERT(cond)      hot-path invariant, checked only in debug builds.
//
//   TP_CHECK(a.ndim() == 2, "matmul expects a 2-D tensor, got shape ", a.shape_str());
#pragma once
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tinypynq {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
template <typename... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
[[noreturn]] inline void assert_fail(const char* cond, const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "tinypynq internal error: %s:%d: assertion `%s` failed%s%s\n", file, line, cond,
               msg.empty() ? "" : ": ", msg.c_str());
  std::abort();
}
}  // namespace detail
}  // namespace tinypynq

#define TP_CHECK(cond, ...)                                                   \
  do {                                                                        \
    if (!(cond)) throw ::tinypynq::Error(::tinypynq::detail::cat(__VA_ARGS__)); \
  } while (0)

#define TP_ASSERT(cond, ...)                                                                 \
  do {                                                                                       \
    if (!(cond)) ::tinypynq::detail::assert_fail(#cond, __FILE__, __LINE__,                  \
                                                 ::tinypynq::detail::cat("" __VA_OPT__(, ) __VA_ARGS__)); \
  } while (0)

#ifdef NDEBUG
#define TP_DASSERT(cond) ((void)0)
#else
#define TP_DASSERT(cond) TP_ASSERT(cond)
#endif
