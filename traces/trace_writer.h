// Chrome trace-event / Perfetto JSON writer for simulated time (docs/traces.md). Events are
// kept in memory and written once, sorted, so the file is the same byte for byte for the same
// events: times are integer nanoseconds written as exact decimal microseconds, JSON objects
// have sorted keys, and nothing depends on the wall clock or on addresses.
//
//   TraceWriter w;
//   w.slice(kTrackPs, "vector", "ps_driver", 1500, 2300, Args().num("op", 1));  // ns
//   w.rate("DMA0 MM2S bandwidth", "MB/s", 1600, 2100, 800.0);  // series = 800 in [1600, 2100)
//   w.meta("model", "mlp");                                         // "otherData"
//   w.write_atomic("run.json");                                     // temp file + rename
//
// The tracks are tinypynq's run schema (schema.h) unless given: TraceWriter w({{1, 1,
// "vector unit", "vector rtl"}, ...}) then w.slice(0, ...) is on "vector rtl" (cosim_trace.h).
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/schema.h"

namespace tinypynq::traces {

// Writes to a sibling temp file and renames it over `path`, so a reader never sees a
// half-written file. Throws tinypynq::Error naming the path.
void write_text_file(const std::string& path, const std::string& text);
void write_file_atomic(const std::string& path, const std::function<void(std::FILE*)>& fill);

// The "args" object of a slice, rendered as it is built (tracing must stay cheap): keys in the
// order given, integral numbers as integers, others in the shortest form that reads back the
// same double.   Args().num("op", 1).str("unit", "vector").text() == {"op":1,"unit":"vector"}
class Args {
 public:
  Args() = default;
  Args(const Args&) = delete;  // built in place and passed by reference
  Args& operator=(const Args&) = delete;
  void clear() { n_ = 0; }  // keeps the buffer: one Args can serve every event
  Args& num(std::string_view key, double v);
  Args& str(std::string_view key, std::string_view v);
  Args& flag(std::string_view key, bool v);  // true / false
  std::string text() const;
  size_t size() const { return n_ + 2; }
  char* put(char* p) const;  // text() into a buffer with size() chars of room; returns the end

 private:
  char* room(std::string_view key, size_t value_max);  // writes `,"key":`, leaves value_max free
  // "{" + members, without the closing brace. Raw chars: no zero-filling or capacity check
  // per piece; the inline part holds the args of any event of a tinypynq trace.
  char small_[256];
  std::unique_ptr<char[]> heap_;
  char* buf_ = small_;
  size_t n_ = 0, cap_ = sizeof small_;
};
std::string json_string(std::string_view s);  // a JSON string literal, quotes included
std::string json_number(double v);            // as Args::num writes it
void append_json_string(std::string& o, std::string_view s);
void append_json_number(std::string& o, double v);

// A track as the viewers show it: process and thread names, pid/tid ordering them top to bottom.
struct TrackSpec {
  int pid, tid;
  std::string process, thread;
};

class TraceWriter {
 public:
  TraceWriter();                                  // the tracks of a run (schema.h: kTrackPs, ...)
  explicit TraceWriter(std::vector<TrackSpec> tracks);  // track i = tracks[i]; needs one at least

  // A complete ("X") event on a track, [t0_ns, t1_ns].
  void slice(int track, std::string_view name, std::string_view cat, int64_t t0_ns, int64_t t1_ns,
             const Args& args = Args());
  // An instant ("i" event, thread scope) on a track: a marker at one time.
  void instant(int track, std::string_view name, std::string_view cat, int64_t t_ns, const Args& args = Args());
  // A piecewise-constant contribution to a counter ("C" events in process "AXI DMA / HP
  // ports"; with tracks given, in the first track's process): `value` is added to `series` while t in [t0_ns, t1_ns). Contributions to the same
  // series add up (values are summed in fixed point, 1e-3 units, so the sums are exact).
  void rate(const std::string& counter, const std::string& series, int64_t t0_ns, int64_t t1_ns, double value);
  // The same with names interned once (hot paths): rate(name_id("..."), name_id("MB/s"), ...).
  int name_id(const std::string& s) { return intern(s); }
  void rate(int counter, int series, int64_t t0_ns, int64_t t1_ns, double value);
  void meta(const std::string& key, nlohmann::json value) { other_[key] = std::move(value); }

  size_t slices() const { return lines_.size(); }  // slices and instants
  std::string dump() const;                         // the whole file
  size_t write_atomic(const std::string& path) const;  // streamed; returns the bytes written

  static int64_t to_ns(double seconds);           // rounded to the nearest nanosecond
  static std::string us(int64_t ns);              // 1500 -> "1.5": exact, no exponent
  static void append_us(std::string& o, int64_t ns);

 private:
  // One output line and where it goes: by time; at equal times the longer slice first, so a
  // parent precedes the slices nested in it; then by track and by order of arrival.
  // Line texts live in blocks of about 1 MiB: no allocation per event, and appending never
  // copies what is already there (a growing single string would, and fault in fresh pages).
  struct Arena {
    std::vector<std::unique_ptr<char[]>> blocks;
    size_t used = 0, cap = 0;  // of the last block
    char* room(size_t n);      // where to write up to n chars (then used += what was written)
  };
  struct Line {
    int64_t ts, neg_dur;
    int track;
    uint32_t seq, block, off, len;  // arrival order; the text in arena_
    uint16_t dur_off, dur_len;      // where a slice's dur is in the text (0, 0: an instant)
    bool operator<(const Line& o) const;
  };
  struct Rate {  // a step of a counter's series: +value at its start, -value at its end
    int64_t t;
    int series;
    int64_t delta;  // value * 1000, rounded
  };
  void add_line(int track, int64_t ts, int64_t dur, const char* start, const char* end, const char* dur_at = nullptr,
                const char* dur_end = nullptr);
  int intern(const std::string& s);  // counter and series names -> small ids
  void render(const std::function<void(std::string_view)>& put) const;
  std::vector<TrackSpec> tracks_;
  std::vector<std::string> heads_;  // per track: ,\n{"ph":"X","pid":2,"tid":1,"ts":
  int counter_pid_;
  mutable std::vector<Line> lines_;  // sorted by render()
  Arena arena_;
  // Per counter id (a name id): a channel's transfers arrive one after the other, so each
  // vector is nearly sorted by time already; render() finishes the sort.
  mutable std::vector<std::vector<Rate>> rates_;
  std::vector<std::string> names_;
  std::map<std::string, int> ids_;
  nlohmann::json other_ = nlohmann::json::object();
};

}  // namespace tinypynq::traces
