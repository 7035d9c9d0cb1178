// Test helper shared by every suite: the message of the tinypynq::Error that f throws.
//   EXPECT_NE(error_of([] { Tensor::zeros({2}).reshape({3}); }).find("cannot reshape"), std::string::npos);
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "tensor/core/check.h"

// Records a failure (and returns "") if f throws no tinypynq::Error.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const tinypynq::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a tinypynq::Error";
  return "";
}
