// Plots of a trace summary as standalone SVG files (the report command writes them; no
// library needed to view them: any browser, or rsvg-convert to PNG).
//
//   Summary s = summarize(read_trace("run.json"));
//   write_text_file("out/roofline.svg", roofline_svg(s));   // units' peaks, DDR/HP ceilings, kernels
//   write_text_file("out/steps.svg", steps_svg(s));         // stacked phases per training step
//   write_text_file("out/timeline.svg", timeline_svg(t, s)); // the first step, track by track
#pragma once
#include <string>

#include "traces/summary.h"
#include "traces/trace_writer.h"  // write_text_file

namespace tinypynq::traces {

// Log-log roofline: x = FLOP per DMA byte, y = GFLOP/s achieved in predicted board time.
std::string roofline_svg(const Summary& s, size_t labelled = 10);
// One stacked bar per traced step (or one for the whole trace without steps), A9-only marks.
std::string steps_svg(const Summary& s);
// One step (index into s.steps; past the end: the whole trace) as a viewer shows it: a row per
// track (kernels, PS, DMA channels, units) and the DDR utilisation counter under them.
std::string timeline_svg(const Trace& t, const Summary& s, size_t step = 0);

}  // namespace tinypynq::traces
