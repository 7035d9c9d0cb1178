#include "traces/trace_reader.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "base/check.h"

namespace tinypynq::traces {

using nlohmann::json;

namespace {

// Times are compared exactly, with no slack: viewers read ts and dur as binary64 and compute
// a slice's end as ts + dur in it (speedscope, the JavaScript importers), so an end an ulp past
// the next slice's start or the parent's end is drawn as improper nesting.

class Checker {
 public:
  Checker(Trace* out, size_t max_errors) : out_(out), max_(max_errors) {}

  void event(const json& e, size_t i) {
    i_ = i;
    if (!e.is_object()) return err("is not a JSON object");
    if (!e.contains("ph") || !e["ph"].is_string() || e["ph"].get<std::string>().size() != 1)
      return err("has no \"ph\" (a one-letter string)");
    ph_ = e["ph"].get<std::string>()[0];
    static const std::string kKnown = "BEXiICMbenstfPONDR()";
    if (kKnown.find(ph_) == std::string::npos) return err(std::string("has an unknown ph \"") + ph_ + "\"");
    name_ = e.contains("name") && e["name"].is_string() ? e["name"].get<std::string>() : "";
    if (ph_ != 'E' && !(e.contains("name") && e["name"].is_string())) return err("has no \"name\" string");
    if (e.contains("args") && !e["args"].is_object()) return err("\"args\" is not an object");
    if (e.contains("cat") && !e["cat"].is_string()) return err("\"cat\" is not a string");
    if (!integer(e, "pid")) return;
    if (ph_ == 'M') return meta(e);
    if (!number(e, "ts")) return;
    const double ts = e["ts"].get<double>();
    const int64_t pid = e["pid"].get<int64_t>();
    if (ph_ == 'C') return counter(e, pid, ts);
    if (ph_ != 'B' && ph_ != 'E' && ph_ != 'X' && ph_ != 'i' && ph_ != 'I') return;  // async/flow: fields only
    if (!integer(e, "tid")) return;
    const auto key = std::make_pair(pid, e["tid"].get<int64_t>());
    Track& t = tracks_[key];
    if (ts < t.last_ts)
      return err("has ts " + num(ts) + " before the previous event of its thread (" + num(t.last_ts) +
                 "): timestamps must not decrease per thread");
    t.last_ts = ts;
    Event ev = base(e, key, ts);
    if (ph_ == 'X') {
      if (!number(e, "dur")) return;
      ev.dur = e["dur"].get<double>();
      if (ev.dur < 0) return err("has dur " + num(ev.dur) + " (must be >= 0)");
      if (!nest(t, ts, ts + ev.dur)) return;
      if (out_) out_->events.push_back(std::move(ev));
    } else if (ph_ == 'B') {
      if (!nest(t, ts, INFINITY)) return;
      t.open.push_back(std::move(ev));
    } else if (ph_ == 'E') {
      close(t, ts);
    } else if (out_) {
      ev.ph = 'i';
      out_->events.push_back(std::move(ev));
    }
  }

  void finish() {
    for (auto& [key, t] : tracks_)
      for (const Event& b : t.open) {
        i_ = b.index;
        ph_ = 'B', name_ = b.name;
        err("is never closed by an E event (pid " + std::to_string(key.first) + ", tid " +
            std::to_string(key.second) + ")");
      }
    if (more_) errors_.push_back("... and " + std::to_string(more_) + " more problems");
  }
  std::vector<std::string> errors() const { return errors_; }

 private:
  struct Track {
    double last_ts = -INFINITY;
    std::vector<double> ends;   // ends of the enclosing slices (INFINITY: an open B)
    std::vector<Event> open;    // B events waiting for their E
  };

  static std::string num(double v) {
    std::ostringstream o;
    o.precision(12);
    o << v;
    return o.str();
  }
  void err(const std::string& what) {
    if (errors_.size() >= max_) {
      ++more_;
      return;
    }
    std::string where = "event #" + std::to_string(i_);
    if (ph_) where += std::string(" (ph ") + ph_ + (name_.empty() ? "" : ", \"" + name_ + "\"") + ")";
    errors_.push_back(where + " " + what);
  }
  bool number(const json& e, const char* key) {
    if (e.contains(key) && e[key].is_number() && std::isfinite(e[key].get<double>())) return true;
    err(std::string("has no numeric \"") + key + "\"");
    return false;
  }
  bool integer(const json& e, const char* key) {
    if (e.contains(key) && e[key].is_number_integer()) return true;
    err(std::string("has no integer \"") + key + "\"");
    return false;
  }
  Event base(const json& e, std::pair<int64_t, int64_t> key, double ts) {
    Event ev;
    ev.ph = ph_;
    ev.name = name_;
    ev.cat = e.value("cat", "");
    ev.pid = key.first, ev.tid = key.second;
    ev.ts = ts;
    ev.args = e.contains("args") ? e["args"] : json::object();
    ev.index = i_;
    return ev;
  }
  // A slice [ts, end] must start after the slices that ended and end inside the one it starts in.
  bool nest(Track& t, double ts, double end) {
    while (!t.ends.empty() && t.ends.back() != INFINITY && t.ends.back() <= ts) t.ends.pop_back();
    if (!t.ends.empty() && end > t.ends.back()) {
      err("[" + num(ts) + ", " + num(end) + "] overlaps the end of an enclosing slice (" + num(t.ends.back()) +
          "): slices of a thread must nest (ends compared as ts + dur in binary64, as viewers compute them)");
      return false;
    }
    t.ends.push_back(end);
    return true;
  }
  void close(Track& t, double ts) {
    while (!t.ends.empty() && t.ends.back() != INFINITY && t.ends.back() <= ts) t.ends.pop_back();
    if (t.open.empty()) return err("has no matching B event on its thread");
    if (t.ends.empty() || t.ends.back() != INFINITY)
      return err("closes \"" + t.open.back().name + "\" while a slice inside it is still open (improper nesting)");
    t.ends.pop_back();
    Event b = std::move(t.open.back());
    t.open.pop_back();
    if (!name_.empty() && name_ != b.name) return err("closes \"" + b.name + "\": names of B and E differ");
    b.ph = 'X';
    b.dur = ts - b.ts;
    if (out_) out_->events.push_back(std::move(b));
  }
  void counter(const json& e, int64_t pid, double ts) {
    if (!e.contains("args") || !e["args"].is_object() || e["args"].empty())
      return err("(a counter) has no \"args\" object with the series values");
    for (auto& [k, v] : e["args"].items())
      if (!v.is_number()) return err("(a counter) has a non-numeric value for series \"" + k + "\"");
    double& last = counters_.try_emplace({pid, name_}, -INFINITY).first->second;
    if (ts < last) return err("has ts " + num(ts) + " before the previous value of its counter");
    last = ts;
    if (out_) {
      Event ev = base(e, {pid, 0}, ts);
      out_->events.push_back(std::move(ev));
    }
  }
  void meta(const json& e) {
    static const std::set<std::string> kNames = {"process_name", "process_labels", "process_sort_index",
                                                 "thread_name", "thread_sort_index", "process_uptime_seconds",
                                                 "num_cpus"};
    if (!kNames.count(name_)) return err("is a metadata event with an unknown name");
    const bool is_name = name_ == "process_name" || name_ == "thread_name";
    const json& a = e.contains("args") ? e["args"] : json();
    if (is_name && !(a.is_object() && a.contains("name") && a["name"].is_string()))
      return err("needs args.name (a string)");
    if (name_.find("sort_index") != std::string::npos &&
        !(a.is_object() && a.contains("sort_index") && a["sort_index"].is_number_integer()))
      return err("needs args.sort_index (an integer)");
    const int64_t pid = e["pid"].get<int64_t>();
    if (name_ == "thread_name" && !integer(e, "tid")) return;
    if (!out_ || !is_name) return;
    if (name_ == "process_name") out_->process_names[pid] = a["name"].get<std::string>();
    else out_->thread_names[{pid, e["tid"].get<int64_t>()}] = a["name"].get<std::string>();
  }

  Trace* out_;
  size_t max_, more_ = 0, i_ = 0;
  char ph_ = 0;
  std::string name_;
  std::map<std::pair<int64_t, int64_t>, Track> tracks_;
  std::map<std::pair<int64_t, std::string>, double> counters_;
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> validate(const json& doc, Trace* out, size_t max_errors) {
  const json* events = nullptr;
  if (doc.is_array()) {
    events = &doc;
  } else if (doc.is_object() && doc.contains("traceEvents") && doc["traceEvents"].is_array()) {
    events = &doc["traceEvents"];
    if (out && doc.contains("otherData") && doc["otherData"].is_object()) out->other = doc["otherData"];
  } else {
    return {"not a trace: expected a JSON array of events or an object with a \"traceEvents\" array"};
  }
  Checker c(out, max_errors);
  for (size_t i = 0; i < events->size(); ++i) c.event((*events)[i], i);
  c.finish();
  return c.errors();
}

Trace parse_trace(const std::string& text, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);  // drop "[json.exception...]"
    throw Error(detail::cat(origin, ": not valid JSON", text.empty() ? " (the file is empty)" : " (truncated or corrupted?)",
                            ": ", what));
  } catch (const json::exception& e) {  // e.g. a number too large for a double (found by fuzz_trace)
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    throw Error(detail::cat(origin, ": not valid JSON: ", what));
  }
  Trace t;
  std::vector<std::string> errs = validate(doc, &t);
  if (!errs.empty()) {
    std::string msg = origin + ": not a valid trace (" + std::to_string(errs.size()) + " problem" +
                      (errs.size() > 1 ? "s" : "") + "):";
    for (auto& s : errs) msg += "\n  " + s;
    throw Error(msg);
  }
  return t;
}

Trace read_trace(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  TP_CHECK(f, "cannot open trace file ", path);
  std::ostringstream s;
  s << f.rdbuf();
  return parse_trace(s.str(), path);
}

}  // namespace tinypynq::traces
