// Reading and checking trace-event JSON files (the Chrome/Perfetto "JSON trace event format").
// The checks are what the viewers need to show a trace as intended: well-formed JSON, the
// required fields of each event type, B/E events matched per thread, X events with dur >= 0,
// timestamps non-decreasing per thread (and per counter), and slices of a thread properly
// nested (a slice that starts inside another ends inside it).
//
//   Trace t = read_trace("run.json");   // throws tinypynq::Error: file, event number, what is wrong
//   std::vector<std::string> errs = validate(nlohmann::json::parse(text));   // empty: valid
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tinypynq::traces {

struct Event {
  char ph = 'X';          // 'X' (B/E pairs are merged into X), 'C', 'i'
  std::string name, cat;
  int64_t pid = 0, tid = 0;
  double ts = 0, dur = 0; // microseconds
  nlohmann::json args;    // an object (possibly empty)
  size_t index = 0;       // position in traceEvents (of the B event for a B/E pair)
};

struct Trace {
  std::vector<Event> events;  // in file order (a B/E pair at the position of its E)
  nlohmann::json other = nlohmann::json::object();  // "otherData"
  std::map<int64_t, std::string> process_names;
  std::map<std::pair<int64_t, int64_t>, std::string> thread_names;
};

// All problems found (at most `max_errors`, then "... and N more"); fills *out when given.
std::vector<std::string> validate(const nlohmann::json& doc, Trace* out = nullptr, size_t max_errors = 20);
// Parses and validates; throws tinypynq::Error starting with `origin` on the first problem(s).
Trace parse_trace(const std::string& text, const std::string& origin);
Trace read_trace(const std::string& path);

}  // namespace tinypynq::traces
