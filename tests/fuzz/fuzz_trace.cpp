// libFuzzer target: a trace file given to `tinypynq report` (traces/): parsed, validated,
// summarised and plotted as report does, all in memory.
#include <cstdint>
#include <string>

#include "base/check.h"
#include "traces/summary.h"
#include "traces/svg.h"
#include "traces/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinypynq;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const traces::Trace t = traces::parse_trace(text, "<fuzz>");
    const traces::Summary s = traces::summarize(t);
    traces::summary_table(s);
    traces::roofline_svg(s);
    traces::steps_svg(s);
    traces::timeline_svg(t, s, 0);
    traces::compare(s, s);
  } catch (const Error&) {
  }
  return 0;
}
