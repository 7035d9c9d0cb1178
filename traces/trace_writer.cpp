#include "traces/trace_writer.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "tensor/core/check.h"

namespace tinypynq::traces {

using nlohmann::json;

int64_t TraceWriter::to_ns(double seconds) { return std::llround(seconds * 1e9); }

void TraceWriter::append_us(std::string& o, int64_t ns) {
  const uint64_t a = ns < 0 ? static_cast<uint64_t>(-ns) : static_cast<uint64_t>(ns);
  if (ns < 0) o += '-';
  char b[24];
  o.append(b, std::to_chars(b, b + sizeof b, a / 1000).ptr);
  if (unsigned frac = static_cast<unsigned>(a % 1000)) {  // ".5", ".05", ".123": no trailing zeros
    const char d[4] = {'.', char('0' + frac / 100), char('0' + frac / 10 % 10), char('0' + frac % 10)};
    o.append(d, frac % 100 ? (frac % 10 ? 4 : 3) : 2);
  }
}

std::string TraceWriter::us(int64_t ns) {
  std::string s;
  append_us(s, ns);
  return s;
}

void append_json_string(std::string& o, std::string_view s) {
  o += '"';
  size_t done = 0;  // plain runs are appended whole; only '"', '\\' and controls are escaped
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    o.append(s.substr(done, i - done));
    char b[8];
    if (c < 0x20) std::snprintf(b, sizeof b, "\\u%04x", c);
    else b[0] = '\\', b[1] = static_cast<char>(c), b[2] = 0;
    o += b;
    done = i + 1;
  }
  o.append(s.substr(done));
  o += '"';
}

std::string json_string(std::string_view s) {
  std::string o;
  append_json_string(o, s);
  return o;
}

void append_json_number(std::string& o, double v) {
  char b[32];
  if (!std::isfinite(v)) o += "null";  // JSON has no inf/nan
  else if (v == std::floor(v) && std::fabs(v) < 9e15) o.append(b, std::to_chars(b, b + 32, static_cast<int64_t>(v)).ptr);
  else o.append(b, std::to_chars(b, b + 32, v).ptr);  // shortest round-trip form: deterministic
}

std::string json_number(double v) {
  std::string o;
  append_json_number(o, v);
  return o;
}

void Args::key(std::string_view k) {
  body_ += body_.size() > 1 ? ',' : '{';
  append_json_string(body_, k);  // (keys are identifiers: the scan finds nothing to escape)
  body_ += ':';
}
Args& Args::num(std::string_view k, double v) {
  key(k);
  append_json_number(body_, v);
  return *this;
}
Args& Args::str(std::string_view k, std::string_view v) {
  key(k);
  append_json_string(body_, v);
  return *this;
}

std::string& TraceWriter::Arena::tail() {
  constexpr size_t kBlock = 1 << 20;
  if (blocks.empty() || blocks.back().size() + 4096 > kBlock) blocks.emplace_back().reserve(kBlock);
  return blocks.back();
}

bool TraceWriter::Line::operator<(const Line& o) const {
  return std::tie(ts, neg_dur, track, seq) < std::tie(o.ts, o.neg_dur, o.track, o.seq);
}

void TraceWriter::slice(int track, std::string_view name, std::string_view cat, int64_t t0_ns, int64_t t1_ns,
                        const Args& args) {
  TP_CHECK(track >= 0 && track < kNumTracks, "trace: no track ", track);
  static const auto prefixes = [] {  // {"ph":"X","pid":2,"tid":1,"ts": per track
    std::array<std::string, kNumTracks> p;
    for (int i = 0; i < kNumTracks; ++i)
      p[i] = "{\"ph\":\"X\",\"pid\":" + std::to_string(track_info(i).pid) + ",\"tid\":" +
             std::to_string(track_info(i).tid) + ",\"ts\":";
    return p;
  }();
  const int64_t dur = std::max<int64_t>(0, t1_ns - t0_ns);
  std::string& o = arena_.tail();
  const size_t off = o.size();
  o += prefixes[track];
  append_us(o, t0_ns);
  o += ",\"dur\":";
  append_us(o, dur);
  o += ",\"name\":";
  append_json_string(o, name);
  o += ",\"cat\":";
  append_json_string(o, cat);
  o += ",\"args\":";
  args.append_to(o);
  o += '}';
  if (lines_.empty()) lines_.reserve(1 << 16);
  lines_.push_back({t0_ns, -dur, track, static_cast<uint32_t>(lines_.size()),
                    static_cast<uint32_t>(arena_.blocks.size() - 1), static_cast<uint32_t>(off),
                    static_cast<uint32_t>(o.size() - off)});
}

int TraceWriter::intern(const std::string& s) {
  auto [it, fresh] = ids_.try_emplace(s, static_cast<int>(names_.size()));
  if (fresh) names_.push_back(s);
  return it->second;
}

void TraceWriter::rate(const std::string& counter, const std::string& series, int64_t t0_ns, int64_t t1_ns,
                       double value) {
  rate(intern(counter), intern(series), t0_ns, t1_ns, value);
}

void TraceWriter::rate(int counter, int series, int64_t t0_ns, int64_t t1_ns, double value) {
  if (t1_ns <= t0_ns) return;
  const int64_t milli = std::llround(value * 1000.0);
  rates_.push_back({counter, t0_ns, series, milli});
  rates_.push_back({counter, t1_ns, series, -milli});
}

namespace {

std::string meta_event(const char* what, int pid, int tid, const json& arg) {
  json e = {{"ph", "M"}, {"name", what}, {"pid", pid}, {"tid", tid}, {"args", arg}};
  return e.dump();
}

}  // namespace

void TraceWriter::render(const std::function<void(std::string_view)>& put_out) const {
  // Output in chunks of about 1 MB: few calls into stdio, little memory.
  std::string buf;
  buf.reserve(1 << 20);
  auto put = [&](std::string_view t) {
    buf += t;
    if (buf.size() >= (1 << 20) - 4096) put_out(buf), buf.clear();
  };
  put("{\"displayTimeUnit\":\"ns\",\"otherData\":" + other_.dump() + ",\"traceEvents\":[\n");
  bool first = true;
  auto line = [&](std::string_view text) {
    if (!first) put(",\n");
    first = false;
    put(text);
  };
  // Every track of the schema gets its names, so the layout is the same in every trace.
  std::set<int> pids;
  for (int i = 0; i < kNumTracks; ++i) {
    const TrackInfo& t = track_info(i);
    if (pids.insert(t.pid).second) {
      line(meta_event("process_name", t.pid, 0, {{"name", t.process}}));
      line(meta_event("process_sort_index", t.pid, 0, {{"sort_index", t.pid}}));
    }
    line(meta_event("thread_name", t.pid, t.tid, {{"name", t.thread}}));
    line(meta_event("thread_sort_index", t.pid, t.tid, {{"sort_index", t.tid}}));
  }
  // Counters: at every time where a contribution starts or ends, the sum per series (only
  // when it changed). Integer sums: a series returns to exactly 0. Samples keep only numbers;
  // their text is written straight into the output below.
  struct Counter {
    std::string head;                           // ,"name":"...","args":
    std::vector<std::pair<std::string, int>> series;  // "key": and series id, by name
  };
  struct Sample {
    int64_t t;
    int counter;
    uint32_t vals;  // offset in `values`, one per series of the counter
  };
  std::vector<Counter> counters;
  std::vector<Sample> samples;
  std::vector<int64_t> values;
  std::vector<Rate> steps = rates_;
  std::sort(steps.begin(), steps.end(), [](const Rate& a, const Rate& b) {
    return std::tie(a.counter, a.t, a.series) < std::tie(b.counter, b.t, b.series);
  });
  for (size_t i = 0; i < steps.size();) {
    size_t end_c = i;
    std::vector<char> used(names_.size(), 0);
    for (; end_c < steps.size() && steps[end_c].counter == steps[i].counter; ++end_c) used[steps[end_c].series] = 1;
    Counter c;
    c.head = ",\"name\":" + json_string(names_[steps[i].counter]) + ",\"args\":";
    for (size_t k = 0; k < used.size(); ++k)
      if (used[k]) c.series.emplace_back(json_string(names_[k]) + ":", static_cast<int>(k));
    std::sort(c.series.begin(), c.series.end());
    std::vector<int64_t> level(names_.size(), 0), last;
    for (size_t j = i; j < end_c;) {
      const int64_t t = steps[j].t;
      for (; j < end_c && steps[j].t == t; ++j) level[steps[j].series] += steps[j].delta;
      if (level == last) continue;
      last = level;
      samples.push_back({t, static_cast<int>(counters.size()), static_cast<uint32_t>(values.size())});
      for (auto& sr : c.series) values.push_back(level[sr.second]);
    }
    counters.push_back(std::move(c));
    i = end_c;
  }
  std::stable_sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.t < b.t; });
  const std::string c_head = "{\"ph\":\"C\",\"pid\":" + std::to_string(track_info(kTrackDma0Mm2s).pid) + ",\"ts\":";
  std::string text;
  auto sample_line = [&](const Sample& sm) {
    const Counter& c = counters[sm.counter];
    text = c_head;
    append_us(text, sm.t);
    text += c.head;
    for (size_t k = 0; k < c.series.size(); ++k) {
      text += k ? ',' : '{';
      text += c.series[k].first;
      append_json_number(text, static_cast<double>(values[sm.vals + k]) / 1000.0);
    }
    text += "}}";
    line(text);
  };
  // Slices sorted in place (the order is total, so sorting again changes nothing), merged with
  // the samples by time; at equal times slices first.
  std::sort(lines_.begin(), lines_.end());
  size_t k = 0;
  for (const Line& l : lines_) {
    for (; k < samples.size() && samples[k].t < l.ts; ++k) sample_line(samples[k]);
    line(std::string_view(arena_.blocks[l.block]).substr(l.off, l.len));
  }
  for (; k < samples.size(); ++k) sample_line(samples[k]);
  put("\n]}\n");
  put_out(buf);
}

std::string TraceWriter::dump() const {
  std::string out;
  render([&](std::string_view s) { out += s; });
  return out;
}

size_t TraceWriter::write_atomic(const std::string& path) const {
  size_t bytes = 0;
  write_file_atomic(path, [&](std::FILE* f) {
    render([&](std::string_view s) {
      bytes += s.size();
      std::fwrite(s.data(), 1, s.size(), f);
    });
  });
  return bytes;
}

void write_text_file(const std::string& path, const std::string& text) {
  write_file_atomic(path, [&](std::FILE* f) { std::fwrite(text.data(), 1, text.size(), f); });
}

void write_file_atomic(const std::string& path, const std::function<void(std::FILE*)>& fill) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  TP_CHECK(f, "cannot write ", tmp, ": ", std::strerror(errno));
  fill(f);
  const bool ok = !std::ferror(f);
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    throw Error(detail::cat("writing ", tmp, " failed: ", std::strerror(errno)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw Error(detail::cat("cannot rename ", tmp, " to ", path, ": ", std::strerror(e)));
  }
}

}  // namespace tinypynq::traces
