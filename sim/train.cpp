#include "sim/train.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "sim/nets.h"
#include "sim/report.h"
#include "runtime/targets.h"
#include "tensor/data/mnist.h"

namespace tinypynq::sim {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Gathers a batch of images (scaled to [0, 1], as torchvision's ToTensor) and labels.
void gather(const data::IdxImages& im, const data::IdxLabels& lb, const std::vector<size_t>& idx,
            std::vector<float>& x, std::vector<int32_t>& y) {
  const size_t px = static_cast<size_t>(im.rows) * im.cols;
  x.resize(idx.size() * px);
  y.resize(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) {
    const uint8_t* src = im.pixels.data() + idx[i] * px;
    for (size_t j = 0; j < px; ++j) x[i * px + j] = src[j] * (1.f / 255.f);
    y[i] = lb.labels[idx[i]];
  }
}

double evaluate(Model& m, const data::IdxImages& im, const data::IdxLabels& lb, const std::string& dev, size_t n) {
  NoGrad ng;
  m.eval();
  const size_t bs = 1000;
  int64_t correct = 0;
  std::vector<float> x;
  std::vector<int32_t> y;
  for (size_t s = 0; s < n; s += bs) {
    std::vector<size_t> idx(std::min(bs, n - s));
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = s + i;
    gather(im, lb, idx, x, y);
    int64_t b = static_cast<int64_t>(idx.size());
    Tensor pred = m.forward(Tensor::from_data(x, m.input_shape(b), dev)).argmax(1);
    Tensor ok = pred.eq(Tensor::from_data(y, {b}, dev)).sum();
    correct += ok.to_vector<int32_t>()[0];
  }
  m.train();
  return n ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
}

}  // namespace

void check_train_options(const TrainOptions& o) {
  TP_CHECK(o.epochs > 0 || o.steps > 0, "--epochs or --steps must be positive");
  TP_CHECK(o.epochs >= 0 && o.steps >= 0, "--epochs and --steps cannot be negative (got ", o.epochs, " and ",
           o.steps, ")");
  // Steps are counted in int64: epochs x batches per epoch (<= 60000) must not overflow.
  TP_CHECK(o.epochs <= kMaxEpochs, "--epochs ", o.epochs, " is more than ", kMaxEpochs);
  TP_CHECK(o.batch > 0, "--batch must be positive, got ", o.batch);
  TP_CHECK(std::isfinite(o.lr) && o.lr > 0, "--lr must be a positive finite number, got ", o.lr);
  TP_CHECK(o.test_samples >= -1, "--test-samples cannot be negative, got ", o.test_samples);
}

TrainResult train(const TrainOptions& o) {
  check_train_options(o);
  device(o.target);  // validates the name before the slow data load
  auto ds = o.data_dir.empty() ? data::load_fashion_mnist() : data::load_fashion_mnist(o.data_dir);
  Tensor::manual_seed(o.seed);
  set_default_device(o.target);  // parameters live on the target too
  auto model = make_model(o.model);
  if (!o.load.empty()) nn::load_state(o.load, model->state_dict());  // strict: names, shapes, dtypes
  nn::Adam opt(model->parameters(), o.lr);
  const size_t n = ds.train_labels.labels.size();
  data::BatchIterator it(n, static_cast<size_t>(o.batch), o.seed, true, true);
  const int64_t per_epoch = static_cast<int64_t>(it.batches_per_epoch());
  TP_CHECK(per_epoch > 0, "batch size ", o.batch, " is larger than the training set (", n, ")");
  const int64_t total = o.steps > 0 ? o.steps : o.epochs * per_epoch;
  const bool tty = o.progress && isatty(STDERR_FILENO);

  TrainResult r;
  std::vector<double> step_times;
  std::vector<size_t> idx;
  std::vector<float> x;
  std::vector<int32_t> y;
  pynq::pynq_finish(device(o.target));  // set-up's queued PL work is not part of the steps
  if (auto* ps = pynq::pynq_stats(device(o.target))) ps->reset();  // predict the training steps only
  Instrument& ins = instrument();  // --trace / DEBUG>=2: timeline, profile and step table
  ins.begin(o.target, {{"command", "train"}, {"model", o.model}, {"batch", o.batch}, {"steps", total},
                       {"seed", o.seed}});
  auto t0 = Clock::now();
  for (int64_t step = 0; step < total; ++step) {
    it.next(idx);
    if (idx.empty()) it.next(idx);  // epoch boundary
    gather(ds.train_images, ds.train_labels, idx, x, y);
    ins.step_begin(step);
    auto ts = Clock::now();
    const int64_t b = static_cast<int64_t>(idx.size());
    Tensor xb = Tensor::from_data(x, model->input_shape(b), o.target);
    Tensor yb = Tensor::from_data(y, {b}, o.target);
    Tensor loss = model->forward(xb).sparse_categorical_crossentropy(yb);
    opt.zero_grad();
    loss.realize();
    loss.backward();
    opt.step();
    float lv = loss.item();
    // The last step ends when the PL is done with it (pl_version 2 queues the optimizer's
    // commands past the loss read): its tail belongs to the step, and to the trace.
    if (step + 1 == total) pynq::pynq_finish(device(o.target));
    step_times.push_back(since(ts));
    ins.step_end();
    r.losses.push_back(lv);
    if (o.progress && (tty || (step + 1) % per_epoch == 0 || step + 1 == total)) {
      double el = since(t0);
      int w = 30, fill = static_cast<int>(w * (step + 1) / total);
      std::fprintf(stderr, "%s[%.*s%*s] step %lld/%lld  loss %.4f  %.0f samples/s%s", tty ? "\r" : "", fill,
                   "==============================", w - fill, "", (long long)(step + 1), (long long)total, lv,
                   (step + 1) * o.batch / std::max(el, 1e-9), tty ? "" : "\n");
    }
  }
  if (tty) std::fprintf(stderr, "\n");
  ins.end();  // the test-set evaluation is not traced
  r.steps = total;
  r.prediction = Prediction::take(device(o.target), total);
  r.epochs = static_cast<double>(total) / static_cast<double>(per_epoch);
  r.final_loss = r.losses.empty() ? 0 : r.losses.back();
  std::vector<double> st = step_times;
  std::nth_element(st.begin(), st.begin() + st.size() / 2, st.end());
  r.step_seconds_median = st.empty() ? 0 : st[st.size() / 2];
  const size_t n_test = ds.test_labels.labels.size();
  r.test_samples = o.test_samples < 0 ? static_cast<int64_t>(n_test) : std::min<int64_t>(o.test_samples, n_test);
  r.test_accuracy = r.test_samples ? evaluate(*model, ds.test_images, ds.test_labels, o.target, r.test_samples)
                                   : std::numeric_limits<double>::quiet_NaN();
  r.wall_seconds = since(t0);
  if (!o.save.empty()) {
    char acc[32];
    std::snprintf(acc, sizeof acc, "%.4f", r.test_accuracy);
    nn::save_state(o.save, model->state_dict(),
                   {{"model", o.model}, {"steps", std::to_string(total)}, {"test_accuracy", acc}});
  }
  return r;
}

EvalResult evaluate_test_set(Model& model, const std::string& target, const std::string& data_dir, int64_t samples) {
  auto ds = data_dir.empty() ? data::load_fashion_mnist() : data::load_fashion_mnist(data_dir);
  const size_t n_test = ds.test_labels.labels.size();
  EvalResult r;
  r.samples = samples < 0 ? static_cast<int64_t>(n_test) : std::min<int64_t>(samples, static_cast<int64_t>(n_test));
  TP_CHECK(r.samples > 0, "no test images to evaluate (--test-samples ", samples, ")");
  pynq::pynq_finish(device(target));
  if (auto* ps = pynq::pynq_stats(device(target))) ps->reset();
  auto t0 = Clock::now();
  r.accuracy = evaluate(model, ds.test_images, ds.test_labels, target, static_cast<size_t>(r.samples));
  r.wall_seconds = since(t0);
  r.prediction = Prediction::take(device(target), 0);
  return r;
}

std::string to_json(const TrainOptions& o, const TrainResult& r) {
  std::ostringstream s;
  s.precision(6);
  s << "{\"model\": \"" << o.model << "\", \"target\": \"" << o.target << "\", \"epochs\": " << r.epochs
    << ", \"steps\": " << r.steps << ", \"batch\": " << o.batch << ", \"lr\": " << o.lr << ", \"seed\": " << o.seed
    << ", \"test_samples\": " << r.test_samples << ", \"test_accuracy\": ";
  if (r.test_samples) s << r.test_accuracy;
  else s << "null";
  s << ", \"final_loss\": " << r.final_loss
    << ", \"wall_seconds\": " << r.wall_seconds << ", \"step_seconds_median\": " << r.step_seconds_median;
  // Every step's loss, with enough digits to round-trip a float: targets are compared on them.
  s << ", \"losses\": [";
  for (size_t i = 0; i < r.losses.size(); ++i) {
    char b[32];
    std::snprintf(b, sizeof b, "%.9g", r.losses[i]);
    s << (i ? ", " : "") << b;
  }
  s << "]";
  if (r.prediction.valid) s << ", " << r.prediction.json_fields();
  if (const runtime::RtlLockstep l = runtime::rtl_lockstep(); o.target == "rtl" && l.valid)
    s << ", \"rtl_lockstep\": {\"commands\": " << l.commands << ", \"checked\": " << l.checked
      << ", \"clocked_cycles\": " << l.clocked_cycles
      << (l.reader_beats ? ", \"reader_fills\": " + std::to_string(l.reader_fills) + ", \"reader_fills_late\": " +
                               std::to_string(l.reader_fills_late) + ", \"reader_beats\": " +
                               std::to_string(l.reader_beats) + ", \"reader_beats_late\": " +
                               std::to_string(l.reader_beats_late)
                         : std::string())
      << (l.writer_beats ? ", \"writer_transfers\": " + std::to_string(l.writer_transfers) + ", \"writer_bursts\": " +
                               std::to_string(l.writer_bursts) + ", \"writer_beats\": " + std::to_string(l.writer_beats)
                         : std::string())
      << (l.queue_accesses ? ", \"queue_accesses\": " + std::to_string(l.queue_accesses) + ", \"queue_fetches\": " +
                                 std::to_string(l.queue_fetches) + ", \"queue_record_words\": " +
                                 std::to_string(l.queue_record_words) + ", \"queue_fetch_timing_differs\": " +
                                 std::to_string(l.queue_fetch_timing_differs)
                           : std::string())
      << "}";
  s << "}";
  return s.str();
}

}  // namespace tinypynq::sim
