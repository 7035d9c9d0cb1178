// Test helper shared by every suite: the message of the tinypynq::Error (or of the exception
// type E) that f throws.
//   EXPECT_NE(error_of([] { Tensor::zeros({2}).reshape({3}); }).find("cannot reshape"), std::string::npos);
//   error_of<std::invalid_argument>([] { cosim::read_fst("none.fst"); })
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <typeinfo>

#include "base/check.h"

// Records a failure (and returns "") if f throws no E.
template <typename E = tinypynq::Error, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception (" << typeid(E).name() << ")";
  return "";
}
