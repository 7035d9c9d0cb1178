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

#include "base/check.h"
#include "traces/json_out.h"

namespace tinypynq::traces {

using nlohmann::json;

int64_t TraceWriter::to_ns(double seconds) { return std::llround(seconds * 1e9); }

void TraceWriter::append_us(std::string& o, int64_t ns) {
  char b[kUsMax];
  o.append(b, put_us(b, ns));
}

std::string TraceWriter::us(int64_t ns) {
  std::string s;
  append_us(s, ns);
  return s;
}

void append_json_string(std::string& o, std::string_view s) {
  const size_t n = o.size();
  o.resize(n + string_max(s.size()));
  o.resize(static_cast<size_t>(put_string(o.data() + n, s) - o.data()));
}

std::string json_string(std::string_view s) {
  std::string o;
  append_json_string(o, s);
  return o;
}

void append_json_number(std::string& o, double v) {
  char b[kNumberMax];
  o.append(b, put_number(b, v));
}

std::string json_number(double v) {
  std::string o;
  append_json_number(o, v);
  return o;
}

char* Args::room(std::string_view k, size_t value_max) {
  const size_t need = n_ + string_max(k.size()) + 2 + value_max;
  if (need > cap_) {
    cap_ = std::max(need, 2 * cap_);
    auto bigger = std::unique_ptr<char[]>(new char[cap_]);
    std::memcpy(bigger.get(), buf_, n_);
    heap_ = std::move(bigger);
    buf_ = heap_.get();
  }
  char* p = buf_ + n_;
  *p++ = n_ ? ',' : '{';
  p = put_string(p, k);
  *p++ = ':';
  return p;
}
Args& Args::num(std::string_view k, double v) {
  n_ = static_cast<size_t>(put_number(room(k, kNumberMax), v) - buf_);
  return *this;
}
Args& Args::flag(std::string_view k, bool v) {
  n_ = static_cast<size_t>(put_raw(room(k, 5), v ? "true" : "false") - buf_);
  return *this;
}
Args& Args::str(std::string_view k, std::string_view v) {
  n_ = static_cast<size_t>(put_string(room(k, string_max(v.size())), v) - buf_);
  return *this;
}
std::string Args::text() const {
  std::string t(size(), '\0');
  t.resize(static_cast<size_t>(put(t.data()) - t.data()));
  return t;
}
char* Args::put(char* p) const {
  if (n_ == 0) return put_raw(p, "{}");
  p = put_raw(p, std::string_view(buf_, n_));
  *p++ = '}';
  return p;
}

char* TraceWriter::Arena::room(size_t n) {
  if (cap - used < n) {
    cap = std::max<size_t>(n, 1 << 20);
    blocks.push_back(std::unique_ptr<char[]>(new char[cap]));
    used = 0;
  }
  return blocks.back().get() + used;
}

bool TraceWriter::Line::operator<(const Line& o) const {  // a total order: seq is unique
  if (ts != o.ts) return ts < o.ts;
  if (neg_dur != o.neg_dur) return neg_dur < o.neg_dur;
  return track != o.track ? track < o.track : seq < o.seq;
}

namespace {
std::vector<TrackSpec> run_tracks() {
  std::vector<TrackSpec> t;
  for (int i = 0; i < kNumTracks; ++i) t.push_back({track_info(i).pid, track_info(i).tid, track_info(i).process, track_info(i).thread});
  return t;
}
}  // namespace

TraceWriter::TraceWriter() : TraceWriter(run_tracks()) { counter_pid_ = track_info(kTrackDma0Mm2s).pid; }

TraceWriter::TraceWriter(std::vector<TrackSpec> tracks) : tracks_(std::move(tracks)) {
  TP_CHECK(!tracks_.empty(), "trace: a writer needs at least one track");
  for (const TrackSpec& t : tracks_)
    heads_.push_back(",\n{\"ph\":\"X\",\"pid\":" + std::to_string(t.pid) + ",\"tid\":" + std::to_string(t.tid) + ",\"ts\":");
  counter_pid_ = tracks_[0].pid;
}

void TraceWriter::slice(int track, std::string_view name, std::string_view cat, int64_t t0_ns, int64_t t1_ns,
                        const Args& args) {
  TP_CHECK(track >= 0 && static_cast<size_t>(track) < tracks_.size(), "trace: no track ", track, " (",
           tracks_.size(), " tracks)");
  const int64_t dur = std::max<int64_t>(0, t1_ns - t0_ns);
  const std::string& head = heads_[track];
  const size_t max = head.size() + kUsMax + kNumberMax + string_max(name.size()) + string_max(cat.size()) + args.size() + 32;
  char* const start = arena_.room(max);
  char* p = put_raw(put_us(put_raw(start, head), t0_ns), ",\"dur\":");
  char* const dur_at = p;
  p = put_dur_us(p, t0_ns, dur);
  char* const dur_end = p;
  p = put_string(put_raw(p, ",\"name\":"), name);
  p = put_string(put_raw(p, ",\"cat\":"), cat);
  p = args.put(put_raw(p, ",\"args\":"));
  *p++ = '}';
  add_line(track, t0_ns, dur, start, p, dur_at, dur_end);
}

void TraceWriter::instant(int track, std::string_view name, std::string_view cat, int64_t t_ns, const Args& args) {
  TP_CHECK(track >= 0 && static_cast<size_t>(track) < tracks_.size(), "trace: no track ", track, " (",
           tracks_.size(), " tracks)");
  const TrackSpec& t = tracks_[track];
  const std::string head = ",\n{\"ph\":\"i\",\"pid\":" + std::to_string(t.pid) + ",\"tid\":" + std::to_string(t.tid) + ",\"ts\":";
  const size_t max = head.size() + kUsMax + string_max(name.size()) + string_max(cat.size()) + args.size() + 32;
  char* const start = arena_.room(max);
  char* p = put_us(put_raw(start, head), t_ns);
  p = put_string(put_raw(p, ",\"name\":"), name);
  p = put_string(put_raw(p, ",\"cat\":"), cat);
  p = args.put(put_raw(p, ",\"s\":\"t\",\"args\":"));
  *p++ = '}';
  add_line(track, t_ns, 0, start, p);  // after the slices that start at t_ns: inside them
}

void TraceWriter::add_line(int track, int64_t ts, int64_t dur, const char* start, const char* end, const char* dur_at,
                           const char* dur_end) {
  const auto len = static_cast<uint32_t>(end - start);
  if (lines_.empty()) lines_.reserve(1 << 16);
  const auto dur_off = static_cast<uint16_t>(dur_at ? dur_at - start : 0);
  const auto dur_len = static_cast<uint16_t>(dur_at ? dur_end - dur_at : 0);
  lines_.push_back({ts, -dur, track, static_cast<uint32_t>(lines_.size()),
                    static_cast<uint32_t>(arena_.blocks.size() - 1), static_cast<uint32_t>(arena_.used), len, dur_off,
                    dur_len});
  arena_.used += len;
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
  if (rates_.size() <= static_cast<size_t>(counter)) rates_.resize(names_.size());
  std::vector<Rate>& r = rates_[counter];
  if (r.empty()) r.reserve(1 << 12);
  r.push_back({t0_ns, series, milli});
  r.push_back({t1_ns, series, -milli});
}

namespace {

std::string meta_event(const char* what, int pid, int tid, const json& arg) {
  json e = {{"ph", "M"}, {"name", what}, {"pid", pid}, {"tid", tid}, {"args", arg}};
  return e.dump();
}

}  // namespace

// The output in chunks of about 1 MiB: few calls into stdio, little memory; lines are
// formatted straight into the chunk.
class OutChunks {
 public:
  explicit OutChunks(const std::function<void(std::string_view)>& put)
      : put_(put), buf_(std::unique_ptr<char[]>(new char[kCap])) {}
  char* room(size_t n) {  // where to write up to n (<= kCap) chars; then done(end)
    if (kCap - n_ < n) flush();
    return buf_.get() + n_;
  }
  void done(char* end) { n_ = static_cast<size_t>(end - buf_.get()); }
  void text(std::string_view t) {
    if (t.size() > kCap / 2) flush(), put_(t);
    else done(put_raw(room(t.size()), t));
  }
  void flush() {
    if (n_) put_(std::string_view(buf_.get(), n_));
    n_ = 0;
  }

 private:
  static constexpr size_t kCap = 1 << 20;
  const std::function<void(std::string_view)>& put_;
  std::unique_ptr<char[]> buf_;
  size_t n_ = 0;
};

namespace {

// Events arrive nearly in time order (a slice is recorded when it ends, so a parent comes after
// the few slices nested in it; a DMA counter gets its transfers one after the other): insertion
// sort is linear on that; std::sort takes over when it turns out not to be.
template <class T, class Less>
void sort_nearly_sorted(std::vector<T>& v, Less less) {
  size_t moves = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if (!less(v[i], v[i - 1])) continue;
    const T x = v[i];
    size_t j = i;
    for (; j > 0 && less(x, v[j - 1]); --j) v[j] = v[j - 1];
    v[j] = x;
    moves += i - j;
    if (moves > 32 * v.size()) return std::sort(v.begin(), v.end(), less);
  }
}

}  // namespace

void TraceWriter::render(const std::function<void(std::string_view)>& put_out) const {
  OutChunks out(put_out);
  out.text("{\"displayTimeUnit\":\"ns\",\"otherData\":" + other_.dump() + ",\"traceEvents\":[\n");
  bool first = true;
  auto line = [&](std::string_view text) {
    if (!first) out.text(",\n");
    first = false;
    out.text(text);
  };
  // Every track gets its names, even an empty one, so the layout is the same in every trace.
  std::set<int> pids;
  for (const TrackSpec& t : tracks_) {
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
    std::string head;                                 // ,"name":"...","args":
    std::vector<std::pair<std::string, int>> series;  // "key": and series id, by name
    size_t max = 0;                                   // longest line of a sample
    size_t next = 0, end = 0;                         // its samples in `samples`, by time
  };
  struct Sample {
    int64_t t;
    int counter;
    uint32_t vals;  // offset in `values`, one per series of the counter
  };
  std::vector<Counter> counters;
  std::vector<Sample> samples;
  std::vector<int64_t> values;
  const std::string c_head = "{\"ph\":\"C\",\"pid\":" + std::to_string(counter_pid_) + ",\"ts\":";
  for (size_t id = 0; id < rates_.size(); ++id) {
    std::vector<Rate>& steps = rates_[id];
    if (steps.empty()) continue;
    // By time only: the sums at a time do not depend on the order of its steps.
    sort_nearly_sorted(steps, [](const Rate& a, const Rate& b) { return a.t < b.t; });
    // The counter's series, sorted by their text; `slot` maps a series id to its place.
    std::vector<int> slot(names_.size(), -1);
    for (const Rate& r : steps) slot[r.series] = 0;
    Counter c;
    c.head = ",\"name\":" + json_string(names_[id]) + ",\"args\":";
    for (size_t k = 0; k < slot.size(); ++k)
      if (slot[k] == 0) c.series.emplace_back(json_string(names_[k]) + ":", static_cast<int>(k));
    std::sort(c.series.begin(), c.series.end());
    for (size_t k = 0; k < c.series.size(); ++k) slot[c.series[k].second] = static_cast<int>(k);
    c.max = 2 + c_head.size() + kUsMax + c.head.size() + 2;
    for (auto& sr : c.series) c.max += 1 + sr.first.size() + kUsMax;
    std::vector<int64_t> level(c.series.size(), 0);
    c.next = samples.size();
    samples.reserve(samples.size() + steps.size());
    values.reserve(values.size() + steps.size() * level.size());
    for (size_t j = 0; j < steps.size();) {
      const int64_t t = steps[j].t;
      for (; j < steps.size() && steps[j].t == t; ++j) level[slot[steps[j].series]] += steps[j].delta;
      if (samples.size() > c.next &&  // unchanged (what starts at t ends there): no sample
          std::equal(level.begin(), level.end(), values.begin() + samples.back().vals))
        continue;
      samples.push_back({t, static_cast<int>(counters.size()), static_cast<uint32_t>(values.size())});
      values.insert(values.end(), level.begin(), level.end());
    }
    c.end = samples.size();
    counters.push_back(std::move(c));
  }
  // The counters' samples merged by time (at equal times in counter order): the next one
  // before `t` (any time: `all`), if any. A scan of the few counters beats sorting all samples.
  auto next_sample_before = [&](int64_t t, bool all = false) -> const Sample* {
    Counter* best = nullptr;
    for (Counter& c : counters)
      if (c.next < c.end && (all || samples[c.next].t < t) && (!best || samples[c.next].t < samples[best->next].t)) best = &c;
    return best ? &samples[best->next++] : nullptr;
  };
  // Every event line follows the metadata: each starts with its separator (so do the slices'
  // texts in the arena: one copy per line).
  auto sample_line = [&](const Sample& sm) {
    const Counter& c = counters[sm.counter];
    char* p = put_us(put_raw(put_raw(out.room(c.max), ",\n"), c_head), sm.t);
    p = put_raw(p, c.head);
    for (size_t k = 0; k < c.series.size(); ++k) {
      *p++ = k ? ',' : '{';
      p = put_milli(put_raw(p, c.series[k].first), values[sm.vals + k]);
    }
    out.done(put_raw(p, "}}"));
  };
  // Slices sorted in place (the order is total, so sorting again changes nothing), merged with
  // the samples by time; at equal times slices first.
  // Nesting as viewers see it (ends as ts + dur in binary64): a slice that ends with its parent
  // (same nanosecond, or earlier) but whose sum would pass the parent's (each end is exact or an
  // ulp early, depending on its start) gets the dur that ends it within the parent.
  struct Open {
    int64_t end_ns;
    double end;
  };
  std::vector<std::vector<Open>> open(tracks_.size());
  sort_nearly_sorted(lines_, std::less<Line>());
  for (const Line& l : lines_) {
    while (const Sample* sm = next_sample_before(l.ts)) sample_line(*sm);
    const char* text = arena_.blocks[l.block].get() + l.off;
    if (l.dur_len == 0) {  // an instant
      out.text(std::string_view(text, l.len));
      continue;
    }
    std::vector<Open>& st = open[static_cast<size_t>(l.track)];
    const double ts = static_cast<double>(l.ts) / 1000.0;
    while (!st.empty() && st.back().end <= ts) st.pop_back();
    const int64_t end_ns = l.ts - l.neg_dur;
    double d = dur_double(l.ts, -l.neg_dur);
    if (st.empty() || end_ns > st.back().end_ns || ts + d <= st.back().end) {
      out.text(std::string_view(text, l.len));  // with its ",\n"
    } else {
      d = dur_within(ts, st.back().end);
      char b[kNumberMax];
      out.text(std::string_view(text, l.dur_off));
      out.text(std::string_view(b, static_cast<size_t>(std::to_chars(b, b + kNumberMax, d).ptr - b)));
      out.text(std::string_view(text + l.dur_off + l.dur_len, l.len - l.dur_off - l.dur_len));
    }
    st.push_back({end_ns, ts + d});
  }
  while (const Sample* sm = next_sample_before(0, true)) sample_line(*sm);
  out.text("\n]}\n");
  out.flush();
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
