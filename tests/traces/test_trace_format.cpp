// The traces library on synthetic traces: the writer's format and determinism, the validator
// on valid and malformed inputs, the summary's phase arithmetic, the comparison messages and
// the SVG plots. No simulator needed.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/check.h"
#include "traces/summary.h"
#include "traces/cosim_trace.h"
#include "traces/json_out.h"
#include "traces/svg.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

using namespace tinypynq;
using namespace tinypynq::traces;
using nlohmann::json;

namespace {

// A small trace shaped like a real one: two steps, a kernel with a vector command each.
TraceWriter sample(int64_t unit_ns = 500) {
  TraceWriter w;
  w.meta("command", "test");
  w.meta("board", Roofline::board_json(BoardConfig::defaults()));
  for (int s = 0; s < 2; ++s) {
    const int64_t t = s * 10000;
    w.slice(kTrackSteps, "step " + std::to_string(s), "step", t, t + 10000, Args().num("step", s));
    w.slice(kTrackKernels, "E_ADD", "kernel", t + 100, t + 9000,
            Args().str("shape", "(1000,)").str("unit", "vector").num("flops", 1000).num("dma_bytes", 12000)
                .num("pl_cycles", 506).num("a9_s", 2e-6).str("target", "tlm"));
    w.slice(kTrackPs, "clean/inval", "ps_cache", t + 100, t + 1100);
    w.slice(kTrackPs, "vector ADD", "ps_driver", t + 1100, t + 8000, Args().num("op", 1));
    w.slice(kTrackPs, "wait (S2MM IOC)", "wait", t + 2000, t + 7500,
            Args().str("unit", "vector").num("unit_s", unit_ns * 1e-9).num("dma_s", 5500e-9 - unit_ns * 1e-9));
    w.slice(kTrackPs, "copyout", "ps_copy", t + 9000, t + 9500);
    w.slice(kTrackVector, "vector ADD", "cmd", t + 2100, t + 2100 + unit_ns, Args().num("cycles", unit_ns / 10));
    w.slice(kTrackDma0Mm2s, "MM2S A", "dma", t + 2000, t + 2700, Args().num("bytes", 4000));
    w.rate(dma_bandwidth_counter(kTrackDma0Mm2s), "MB/s", t + 2050, t + 2550, 800);
    w.rate(kCounterDdrUtil, "all", t + 2050, t + 2550, 100.0 / 3);
    w.rate(kCounterDdrUtil, "all", t + 2300, t + 2700, 100.0 / 3);
  }
  return w;
}

std::vector<std::string> errors_of(const std::string& text) { return validate(json::parse(text)); }

std::string events(const std::string& list) { return "{\"traceEvents\":[" + list + "]}"; }

bool mentions(const std::vector<std::string>& errs, const std::string& what) {
  for (auto& e : errs)
    if (e.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(TraceWriter, MicrosecondsAreExactDecimals) {
  EXPECT_EQ(TraceWriter::us(0), "0");
  EXPECT_EQ(TraceWriter::us(1500), "1.5");
  EXPECT_EQ(TraceWriter::us(123), "0.123");
  EXPECT_EQ(TraceWriter::us(20458123), "20458.123");
  EXPECT_EQ(TraceWriter::us(-7), "-0.007");
  EXPECT_EQ(TraceWriter::to_ns(1.2345678e-6), 1235);
}

TEST(TraceWriter, OutputIsValidSortedAndDeterministic) {
  const std::string a = sample().dump(), b = sample().dump();
  EXPECT_EQ(a, b);
  Trace t;
  const auto errs = validate(json::parse(a), &t);
  EXPECT_TRUE(errs.empty()) << errs[0];
  EXPECT_EQ(t.process_names.at(2), "PS (Cortex-A9)");
  EXPECT_EQ(t.thread_names.at({4, 1}), "vector unit");
  EXPECT_EQ(t.other["command"], "test");
  // Every track of the schema is named, even the empty ones.
  EXPECT_EQ(t.thread_names.size(), static_cast<size_t>(kNumTracks));
  // The counter returns to exactly 0, and overlapping contributions add up (1/3 + 1/3 %).
  EXPECT_NE(a.find("\"args\":{\"all\":66.666}"), std::string::npos) << a;
  EXPECT_NE(a.find("\"args\":{\"all\":0}"), std::string::npos);
  EXPECT_FALSE(std::regex_search(a, std::regex("\"(ts|dur)\":[-0-9.]*[eE]"))) << "times never use exponents";
}

TEST(TraceWriter, ArgsAndStringsAreJson) {
  EXPECT_EQ(Args().num("op", 1).str("unit", "vec\"tor").num("s", 2e-6).num("x", 0.1).text(),
            R"({"op":1,"unit":"vec\"tor","s":2e-06,"x":0.1})");
  EXPECT_EQ(json_string("a\\b\n"), R"("a\\b\u000a")");
  EXPECT_EQ(json_number(1.0 / 0.0), "null");
  EXPECT_EQ(json::parse(Args().num("v", 1.0 / 3).text())["v"].get<double>(), 1.0 / 3);  // round trip
}

// put_number's fast path claims to write what std::to_chars writes (docs/traces.md: numbers in
// the shortest form that reads back the same double): checked on the values a trace holds
// (picoseconds in seconds, nanoseconds in microseconds, thousandths) and on random doubles.
TEST(TraceWriter, NumbersAreWhatToCharsWrites) {
  auto to_chars = [](double v) {
    char b[64];
    return std::string(b, std::to_chars(b, b + sizeof b, v).ptr);
  };
  auto ours = [](double v) {
    char b[kNumberMax];
    return std::string(b, put_number(b, v));
  };
  std::mt19937_64 rng(7);
  const double scales[] = {1e3, 1e6, 1e9, 1e12};
  for (int i = 0; i < 1000000; ++i) {
    const int64_t k = static_cast<int64_t>(rng() >> (rng() % 64));  // all magnitudes
    const double v = static_cast<double>(k % 1'000'000'000'000'000) / scales[i % 4] * (i % 3 ? 1 : -1);
    if (v == std::floor(v)) continue;  // integers are written as integers (not 1e+15)
    ASSERT_EQ(ours(v), to_chars(v)) << "k=" << k << " scale=" << scales[i % 4];
    double r;
    std::memcpy(&r, &k, sizeof r);  // any bit pattern
    if (std::isfinite(r) && r != std::floor(r)) {
      ASSERT_EQ(ours(r), to_chars(r));
    }
  }
  for (double v : {0.001, 0.0001, 0.00012, 0.000012, 1e-12, 1.5e-12, 1e-13, 123456.789, 999.9999999999999,
                   2378.183, 5e-324, 1.0 / 3, -2e-6, 0.1, 9e15 + 0.5})
    EXPECT_EQ(ours(v), to_chars(v)) << v;
  EXPECT_EQ(ours(12345), "12345");
  EXPECT_EQ(ours(-0.0), "0");
  EXPECT_EQ(ours(1e300), to_chars(1e300));
  for (int64_t m : {0LL, 1LL, -1LL, 1000LL, 66666LL, -1500LL, 999'999'999'999'999LL, 1'000'000'000'000'000LL,
                    -4'000'000'000'000'123LL}) {
    char b[kUsMax];
    EXPECT_EQ(std::string(b, put_milli(b, m)), ours(static_cast<double>(m) / 1000.0)) << m;
  }
}

TEST(TraceWriter, ArgsGrowBeyondTheirInlineBuffer) {
  Args a;
  std::string expect = "{";
  for (int i = 0; i < 100; ++i) {
    a.num("k" + std::to_string(i), i + 0.5).str("s", std::string(40, 'x'));
    expect += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i) + ".5,\"s\":\"" + std::string(40, 'x') + "\"";
  }
  EXPECT_EQ(a.text(), expect + "}");
  a.clear();
  EXPECT_EQ(a.num("op", 3).text(), "{\"op\":3}");
}

TEST(TraceWriter, WritesAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / "tinypynq_trace_writer_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "t.json").string();
  sample().write_atomic(path);
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_EQ(s.str(), sample().dump());
  for (auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename(), "t.json") << "temp file left behind";
  EXPECT_THROW(sample().write_atomic((dir / "no/such/dir/t.json").string()), Error);
  std::filesystem::remove_all(dir);
}

TEST(TraceWriter, OwnTracksAndInstants) {
  TraceWriter w({{5, 1, "box", "left"}, {5, 2, "box", "right"}});
  w.slice(1, "b", "c", 100, 300, Args().flag("ok", true));
  w.instant(1, "here", "m", 100, Args().str("why", "because"));
  w.slice(0, "a", "c", 0, 500);
  const std::string text = w.dump();
  Trace t;
  const auto errs = validate(json::parse(text), &t);
  ASSERT_TRUE(errs.empty()) << errs[0];
  EXPECT_EQ(t.process_names.size(), 1u);
  EXPECT_EQ(t.thread_names.at({5, 2}), "right");
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_EQ(t.events[2].ph, 'i');  // after the slice it marks the start of
  EXPECT_EQ(t.events[2].args.at("why"), "because");
  EXPECT_EQ(t.events[1].args.at("ok"), true);
  EXPECT_NE(text.find(R"({"ph":"i","pid":5,"tid":2,"ts":0.1,"name":"here","cat":"m","s":"t","args":{"why":"because"}})"),
            std::string::npos) << text;
  EXPECT_THROW(w.slice(2, "x", "c", 0, 1), Error);
  EXPECT_THROW(TraceWriter(std::vector<TrackSpec>{}), Error);
}

// A viewer computes a slice's end as ts + dur in binary64: 3841.744 + 101.376 is
// 3943.1200000000003, an ulp past the next slice's start, which speedscope drew as nesting (found
// by loading a run's trace in it). The writer picks a dur whose sum is exact; still 101376 ns.
TEST(TraceWriter, ViewersSumOfTsAndDurIsTheExactEnd) {
  char b[kNumberMax];
  const std::string plain(b, put_dur_us(b, 3'000'000, 1500) - b);
  EXPECT_EQ(plain, "1.5");
  const std::string d(b, put_dur_us(b, 3'841'744, 101'376) - b);
  EXPECT_NE(d, "101.376");
  const double dv = std::strtod(d.c_str(), nullptr);
  EXPECT_EQ(3841.744 + dv, 3943.12) << d;
  EXPECT_EQ(std::llround(dv * 1000.0), 101'376) << d;  // Perfetto's conversion to ns
  // Back to back on one track, and a child that ends with its parent: valid with exact ends.
  TraceWriter w({{1, 1, "p", "t"}});
  w.slice(0, "a", "c", 3'841'744, 3'943'120);
  w.slice(0, "b", "c", 3'943'120, 4'000'000);
  w.slice(0, "child", "c", 3'900'000, 3'943'120);
  const auto errs = validate(json::parse(w.dump()));
  EXPECT_TRUE(errs.empty()) << errs[0];
  // Random slices laid end to end and nested at the end of their parent: every sum exact.
  std::mt19937_64 rng(7);
  int64_t t = 0;
  for (int i = 0; i < 20000; ++i) {
    const int64_t dur = static_cast<int64_t>(rng() % 5'000'000);
    const std::string s(b, put_dur_us(b, t, dur) - b);
    const double v = std::strtod(s.c_str(), nullptr);
    ASSERT_EQ(static_cast<double>(t) / 1000.0 + v, static_cast<double>(t + dur) / 1000.0) << t << " " << dur;
    ASSERT_EQ(std::llround(v * 1000.0), dur) << s;
    t += dur;
  }
}

// Slices much longer than their start time (a CNN's kernels: [670.787, +2755.76] then one
// starting at its end): no double makes 670.787 + dur exactly 3426.547 (ties to even skip it), so
// the exact decimal's sum was an ulp late and `report` rejected the CNN's trace. Such a slice
// now ends an ulp early, never late, and a child ending with its parent stays inside it.
TEST(TraceWriter, LongSlicesNeverEndPastTheNextOrTheirParent) {
  char b[kNumberMax];
  const std::string d(b, put_dur_us(b, 670'787, 2'755'760) - b);
  const double dv = std::strtod(d.c_str(), nullptr);
  EXPECT_LT(670.787 + dv, 3426.547) << d;  // 670.787 + 2755.76 is 3426.5470000000005
  EXPECT_EQ(std::llround(dv * 1000.0), 2'755'760) << d;
  {
    TraceWriter w({{1, 1, "p", "t"}});
    w.slice(0, "E_COPY", "kernel", 670'787, 3'426'547);
    w.slice(0, "r_SUM_MUL", "kernel", 3'426'547, 54'102'408);
    w.slice(0, "child", "ps", 3'000'000, 3'426'547);        // ends with E_COPY (exact from its start)
    w.slice(0, "grandchild", "ps", 3'400'000, 3'426'547);
    w.slice(0, "late child", "ps", 53'000'000, 54'102'408);  // ends with r_SUM_MUL
    const auto errs = validate(json::parse(w.dump()));
    EXPECT_TRUE(errs.empty()) << errs[0];
  }
  // Random long slices from small start times, end to end, each with children ending at its
  // end at every depth: the file is always valid, and every dur is still its nanoseconds.
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    TraceWriter w({{1, 1, "p", "t"}, {1, 2, "p", "u"}});
    int64_t t = static_cast<int64_t>(rng() % 5000);
    for (int i = 0; i < 50; ++i) {
      // Up to 8x its start, at most 5 s (a run of minutes, as a long training run's trace).
      const int64_t dur = 1 + static_cast<int64_t>(rng() % std::min<uint64_t>(t * 8 + 1000, 5'000'000'000));
      const int track = static_cast<int>(rng() % 2);
      w.slice(track, "k", "kernel", t, t + dur);
      int64_t c0 = t;
      for (int depth = 0; depth < 3; ++depth) {
        c0 += static_cast<int64_t>(rng() % static_cast<uint64_t>(t + dur - c0));
        w.slice(track, "c", "ps", c0, t + dur);
      }
      const std::string s(b, put_dur_us(b, t, dur) - b);
      const double v = std::strtod(s.c_str(), nullptr);
      ASSERT_LE(static_cast<double>(t) / 1000.0 + v, static_cast<double>(t + dur) / 1000.0) << t << " " << dur;
      ASSERT_EQ(std::llround(v * 1000.0), dur) << s;
      t += dur;
    }
    const std::string text = w.dump();
    const auto errs = validate(json::parse(text));
    ASSERT_TRUE(errs.empty()) << "round " << round << ": " << errs[0];
    const json parsed = json::parse(text);  // a range-for over a temporary's member dangles
    for (const auto& e : parsed["traceEvents"]) {
      if (e["ph"] == "X") {
        ASSERT_GE(e["dur"].get<double>(), 0.0);
      }
    }
  }
}

// The layout of `tinypynq cosim --trace` on made-up outcomes (tests/traces/test_trace_run.cpp
// runs the real command): tracks per unit and side, commands end to end per track, cycles at
// FCLK0 without drift, the first mismatch marked on the rtl track.
TEST(CosimTrace, TracksEndToEndSlicesAndTheFirstMismatch) {
  CosimTrace ct({0, 2}, 150e6);  // 6.667 ns per cycle: positions from cycle counts, not sums of rounded durations
  auto cmd = [](int64_t i, int unit, uint64_t rtl, uint64_t tlm) {
    CosimCommand c;
    c.index = i, c.unit = unit;
    c.name = unit == 0 ? "vector ADD" : "matmul LOADW";
    c.command = c.name + " N=" + std::to_string(i);
    c.op = unit == 0 ? 0 : 1;
    c.size[0] = static_cast<uint32_t>(i + 1);
    c.rtl_cycles = rtl, c.tlm_cycles = tlm;
    c.cycle_exact = rtl == tlm;
    return c;
  };
  for (int64_t i = 0; i < 6; ++i) ct.add(cmd(i, i % 2 ? 2 : 0, 10 + i, 10 + i));
  CosimCommand bad = cmd(6, 0, 20, 17);
  bad.bit_exact = false;
  bad.mismatch = "vector ADD N=6: element 3: tlm 0x3f800000, rtl 0x3f800001";
  ct.add(bad);
  ct.add(cmd(7, 0, 5, 5));
  EXPECT_THROW(ct.add(cmd(8, 1, 5, 5)), Error) << "reduce is not traced";
  const auto dir = std::filesystem::temp_directory_path() / "tinypynq_cosim_trace_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "c.json").string();
  ct.write(path, {{"command", "cosim"}, {"seed", 3}});
  const Trace t = read_trace(path);  // throws on any format problem
  std::filesystem::remove_all(dir);
  EXPECT_EQ(t.thread_names.at({1, 1}), "vector rtl");
  EXPECT_EQ(t.thread_names.at({1, 2}), "vector tlm");
  EXPECT_EQ(t.thread_names.at({3, 1}), "matmul rtl");
  EXPECT_EQ(t.process_names.at(3), "matmul unit (FCLK0)");
  EXPECT_EQ(t.thread_names.size(), 4u);
  EXPECT_EQ(t.other.at("pl_clock_hz"), 150e6);
  EXPECT_EQ(t.other.at("seed"), 3);
  std::map<std::pair<int64_t, int64_t>, std::vector<const Event*>> by_track;
  const Event* mark = nullptr;
  for (const Event& e : t.events) {
    if (e.ph == 'X') by_track[{e.pid, e.tid}].push_back(&e);
    if (e.ph == 'i') mark = &e;
  }
  // vector rtl: commands 0, 2, 4, 6, 7 with 10, 12, 14, 20, 5 cycles; tlm has 17 for #6.
  const auto& vr = by_track.at({1, 1});
  const auto& vt = by_track.at({1, 2});
  ASSERT_EQ(vr.size(), 5u);
  ASSERT_EQ(vt.size(), 5u);
  const uint64_t starts_rtl[5] = {0, 10, 22, 36, 56}, starts_tlm[5] = {0, 10, 22, 36, 53};
  for (int k = 0; k < 5; ++k) {
    EXPECT_NEAR(vr[k]->ts, std::round(starts_rtl[k] * 1e9 / 150e6) / 1000, 1e-9) << k;
    EXPECT_NEAR(vt[k]->ts, std::round(starts_tlm[k] * 1e9 / 150e6) / 1000, 1e-9) << k;
    EXPECT_EQ(vr[k]->args.at("t0_cycle"), starts_rtl[k]);
    if (k) {
      EXPECT_NEAR(vr[k]->ts, vr[k - 1]->ts + vr[k - 1]->dur, 1e-9) << "end to end";
    }
  }
  EXPECT_EQ(vr[3]->name, "vector ADD");
  EXPECT_EQ(vr[3]->cat, "rtl");
  EXPECT_EQ(vr[3]->args.at("cycles"), 20);
  EXPECT_EQ(vr[3]->args.at("other_side_cycles"), 17);
  EXPECT_EQ(vr[3]->args.at("bit_exact"), false);
  EXPECT_EQ(vr[3]->args.at("cycle_exact"), false);
  EXPECT_EQ(vr[3]->args.at("index"), 6);
  EXPECT_EQ(vr[3]->args.at("size0"), 7);
  EXPECT_EQ(vt[3]->args.at("cycles"), 17);
  EXPECT_EQ(vr[0]->args.at("bit_exact"), true);
  EXPECT_FALSE(vr[0]->args.contains("other_side_cycles"));
  ASSERT_TRUE(mark) << "no instant for the first mismatch";
  EXPECT_EQ(mark->name, "first mismatch");
  EXPECT_EQ(std::make_pair(mark->pid, mark->tid), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_NEAR(mark->ts, vr[3]->ts, 1e-9);
  EXPECT_EQ(mark->args.at("index"), 6);
  EXPECT_EQ(mark->args.at("what"), bad.mismatch);
  EXPECT_EQ(by_track.at({3, 1}).size(), 3u);
}

TEST(TraceValidator, AcceptsMatchedBeginEndAndBareArrays) {
  Trace t;
  auto errs = validate(json::parse(R"([{"ph":"B","name":"a","pid":1,"tid":1,"ts":1},
      {"ph":"X","name":"b","pid":1,"tid":1,"ts":2,"dur":1},{"ph":"E","pid":1,"tid":1,"ts":5},
      {"ph":"C","name":"c","pid":1,"ts":5,"args":{"x":1}},{"ph":"i","name":"m","pid":1,"tid":1,"ts":6}])"),
                       &t);
  EXPECT_TRUE(errs.empty()) << errs[0];
  ASSERT_EQ(t.events.size(), 4u);
  EXPECT_EQ(t.events[1].name, "a");  // the B/E pair becomes one slice of 4 us
  EXPECT_DOUBLE_EQ(t.events[1].dur, 4);
}

TEST(TraceValidator, NamesWhatIsWrong) {
  EXPECT_TRUE(mentions(errors_of("{\"foo\": 1}"), "not a trace"));
  EXPECT_TRUE(mentions(errors_of(events("1")), "event #0 is not a JSON object"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"name":"a","pid":1,"tid":1,"ts":0})")), "no \"ph\""));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"Q","name":"a","pid":1,"tid":1,"ts":0})")), "unknown ph"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","pid":1,"tid":1,"ts":0,"dur":1})")), "no \"name\""));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"dur":1})")), "no numeric \"ts\""));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":"1","tid":1,"ts":0,"dur":1})")),
                       "no integer \"pid\""));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":0})")), "no numeric \"dur\""));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":-1})")),
                       "dur -1 (must be >= 0)"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"E","pid":1,"tid":1,"ts":0})")), "no matching B"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"B","name":"a","pid":1,"tid":1,"ts":0})")), "never closed"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"B","name":"a","pid":1,"tid":1,"ts":0},
      {"ph":"E","name":"b","pid":1,"tid":1,"ts":1})")), "names of B and E differ"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":5,"dur":1},
      {"ph":"X","name":"b","pid":1,"tid":1,"ts":4,"dur":1})")), "before the previous event"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":5},
      {"ph":"X","name":"b","pid":1,"tid":1,"ts":3,"dur":5})")), "must nest"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"C","name":"c","pid":1,"ts":0,"args":{"x":"high"}})")),
                       "non-numeric value"));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"C","name":"c","pid":1,"ts":0})")), "no \"args\""));
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{}})")),
                       "args.name"));
  // Ends are compared as viewers compute them (binary64, no slack): 3841.744 + 101.376 ends an
  // ulp after 3943.12.
  EXPECT_TRUE(mentions(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":3841.744,"dur":101.376},
      {"ph":"X","name":"b","pid":1,"tid":1,"ts":3943.12,"dur":1})")), "must nest"));
  // Other threads and equal-time nesting are fine; a child ending with its parent is fine.
  EXPECT_TRUE(errors_of(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":5},
      {"ph":"X","name":"b","pid":1,"tid":2,"ts":3,"dur":5},{"ph":"X","name":"c","pid":1,"tid":1,"ts":0,"dur":5},
      {"ph":"X","name":"d","pid":1,"tid":1,"ts":4.9,"dur":0.1})")).empty());
}

TEST(TraceValidator, CapsTheNumberOfMessages) {
  std::string list;
  for (int i = 0; i < 50; ++i) list += std::string(i ? "," : "") + "{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":-1}";
  const auto errs = errors_of(events(list));
  ASSERT_EQ(errs.size(), 21u);
  EXPECT_EQ(errs.back(), "... and 30 more problems");
}

TEST(TraceReader, TruncatedEmptyAndMissingFilesFailClearly) {
  const std::string good = sample().dump();
  try {
    parse_trace(good.substr(0, good.size() / 2), "half.json");
    FAIL() << "a truncated trace was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("half.json: not valid JSON (truncated or corrupted?)"), std::string::npos)
        << e.what();
  }
  try {
    parse_trace("", "empty.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("empty.json: not valid JSON (the file is empty)"), std::string::npos);
  }
  try {
    parse_trace(events(R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":-1})"), "bad.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: not a valid trace (1 problem):\n  event #0 (ph X, \"a\") has dur -1"),
              std::string::npos) << e.what();
  }
  EXPECT_THROW(read_trace("/nonexistent/trace.json"), Error);
}

TEST(TraceSummary, PhasesStepsUnitsAndKernels) {
  const Summary s = summarize(parse_trace(sample().dump(), "sample"));
  ASSERT_EQ(s.steps.size(), 2u);
  auto ph = [&](const char* n) { return s.phase[phase_index(n)]; };
  // Per step: driver 6900 ns minus the 5500 ns wait; the wait splits into unit 500 + DMA 5000.
  EXPECT_NEAR(ph("ps_driver"), 2 * 1400e-9, 1e-15);
  EXPECT_NEAR(ph("ps_cache"), 2 * 1000e-9, 1e-15);
  EXPECT_NEAR(ph("ps_copy"), 2 * 500e-9, 1e-15);
  EXPECT_NEAR(ph("pl_vector"), 2 * 500e-9, 1e-15);
  EXPECT_NEAR(ph("dma"), 2 * 5000e-9, 1e-15);
  EXPECT_NEAR(s.board_s, 2 * 8400e-9, 1e-15);
  EXPECT_NEAR(s.steps[1].board(), 8400e-9, 1e-15);
  EXPECT_NEAR(s.a9_only_s, 2 * (2e-6 + 500e-9), 1e-15);  // kernels on the A9 + the same copies
  EXPECT_EQ(s.unit_commands[0], 2u);
  EXPECT_EQ(s.unit_cycles[0], 100u);
  EXPECT_EQ(s.dma_bytes[0], 8000);
  EXPECT_EQ(s.tracks[kTrackPs].slices, 8);
  ASSERT_EQ(s.kernels.size(), 1u);
  EXPECT_EQ(s.kernels[0].count, 2);
  EXPECT_NEAR(s.kernels[0].gflops(), 1000 / 8900e-9 * 1e-9, 1e-12);
  const std::string table = summary_table(s);
  EXPECT_NE(table.find("board total"), std::string::npos) << table;
  EXPECT_NE(table.find("speed-up"), std::string::npos);
  EXPECT_NE(table.find("E_ADD"), std::string::npos);
  EXPECT_THROW(summarize(parse_trace("[]", "empty")), Error);  // none of our tracks
}

TEST(TraceSummary, CompareNamesWhatChanged) {
  const Summary ref = summarize(parse_trace(sample(500).dump(), "ref"));
  EXPECT_TRUE(compare(ref, summarize(parse_trace(sample(500).dump(), "now"))).empty());
  const auto d = compare(ref, summarize(parse_trace(sample(600).dump(), "now")));
  ASSERT_FALSE(d.empty());
  auto has = [&](const std::string& w) { return mentions(d, w); };
  EXPECT_TRUE(has("phase pl_vector: reference 1.000 us, now 1.200 us (+20.000%)"));
  EXPECT_TRUE(has("vector unit cycles: reference 100, now 120"));
  EXPECT_FALSE(has("track"));  // same slice counts
}

TEST(TraceSvg, PlotsAreStandaloneSvgWithTheirParts) {
  const Summary s = summarize(parse_trace(sample().dump(), "sample"));
  const std::string roof = roofline_svg(s), steps = steps_svg(s);
  for (const std::string* svg : {&roof, &steps}) {
    EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_EQ(svg->substr(svg->size() - 7), "</svg>\n");
  }
  EXPECT_NE(roof.find("matmul peak 3.20 GFLOP/s"), std::string::npos);
  EXPECT_NE(roof.find("vector / reduce peak 0.20 GFLOP/s"), std::string::npos);
  EXPECT_NE(roof.find("DDR 1.58 GB/s"), std::string::npos);
  EXPECT_NE(roof.find("one HP port 0.80 GB/s"), std::string::npos);
  EXPECT_NE(roof.find("1  E_ADD (1000,)"), std::string::npos);
  EXPECT_NE(steps.find("A9 alone"), std::string::npos);
  EXPECT_NE(steps.find(">0.0084 ms<"), std::string::npos) << "bar totals in ms, 4 digits below 1 ms";
}

TEST(TraceSvg, TimelineShowsOneStepTrackByTrack) {
  const Trace t = parse_trace(sample().dump(), "sample");
  const Summary s = summarize(t);
  const std::string svg = timeline_svg(t, s, 1);
  EXPECT_NE(svg.find("Timeline of step 1 (0.010 ms"), std::string::npos) << svg.substr(0, 600);
  for (const char* row : {"kernels", "A9 runtime", "DMA0 MM2S (stream A, HP0)", "matmul unit", "DDR utilisation"})
    EXPECT_NE(svg.find(row), std::string::npos) << row;
  EXPECT_NE(svg.find("<title>vector ADD</title>"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(Roofline, PeaksAndCeilingsFromTheBoard) {
  BoardConfig c = BoardConfig::defaults();
  Roofline r = Roofline::from(c);
  EXPECT_DOUBLE_EQ(r.vector_gflops, 0.2);
  EXPECT_DOUBLE_EQ(r.matmul_gflops, 3.2);
  EXPECT_DOUBLE_EQ(r.hp_gbs, 0.8);
  EXPECT_NEAR(r.ddr_gbs, 1.575, 1e-12);
  EXPECT_DOUBLE_EQ(r.attainable_gflops("vector", 0.05), 0.05 * 1.575);
  EXPECT_DOUBLE_EQ(r.attainable_gflops("matmul", 100), 3.2);
  c.mm_rows = 8;
  EXPECT_DOUBLE_EQ(Roofline::from_json(Roofline::board_json(c)).matmul_gflops, 6.4);
  KernelPoint k{"E_ADD", "(1000,)", "vector", "tlm", 506, 1e-5, 1000, 12000};
  EXPECT_NEAR(k.roof_share(r), (1000 / 1e-5 * 1e-9) / (1000.0 / 12000 * 1.575), 1e-12);
  const std::string line = profile_line(k, r);
  EXPECT_NE(line.find("E_ADD"), std::string::npos);
  EXPECT_NE(line.find("506"), std::string::npos);
  EXPECT_NE(line.find("76.2%"), std::string::npos) << line;
}
