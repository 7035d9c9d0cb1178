#include "tensor/schedule.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "tensor/schedule_cache.h"

namespace tinypynq {

Stats& stats() {
  static Stats s;
  return s;
}

static int& debug_ref() {
  static int level = [] {
    const char* e = std::getenv("TINYPYNQ_DEBUG");
    return e ? std::atoi(e) : 0;
  }();
  return level;
}
int debug_level() { return debug_ref(); }
void set_debug_level(int level) { debug_ref() = level; }

static std::vector<KernelObserver>& observers() {
  static std::vector<KernelObserver> o;
  return o;
}
void add_kernel_observer(KernelObserver obs) { observers().push_back(std::move(obs)); }
void clear_kernel_observers() { observers().clear(); }

namespace {

struct Info {
  int consumers = 0;
  LazyBuffer* last_consumer = nullptr;
  bool masked_read = false;
  bool expanded_read = false;  // read through a view with more elements than it has
  int loads = 0;               // leaf loads in its fused subtree
  bool root = false;
  LB self;
};

class Scheduler {
 public:
  std::unordered_map<LazyBuffer*, Info> info;
  std::vector<LazyBuffer*> topo;
  // Roots already scheduled (not yet run): later kernels load their output placeholder.
  std::unordered_map<const LazyBuffer*, BufferPtr> pending;

  void visit(const LB& lb) {
    LazyBuffer* b = lb.get();
    if (b->realized || b->op == Op::CONST) return;
    auto [it, fresh] = info.try_emplace(b);
    if (!fresh) return;
    it->second.self = lb;
    for (auto& s : b->srcs) {
      const LB& sl = s->is_base() ? s : s->view_of;
      LazyBuffer* sb = sl.get();
      if (sb->realized || sb->op == Op::CONST) continue;
      visit(sl);
      Info& si = info[sb];
      if (si.last_consumer != b) si.consumers++, si.last_consumer = b;
      // Fusing through a mask is wrong (pad of f(x) is not f(pad of x)); fusing through a view
      // stack is slow (every fused load would walk the whole stack): both get their own kernel.
      si.masked_read |= s->st.has_mask() || s->st.views().size() > 1;
      si.expanded_read |= s->numel() > sb->st.numel();
    }
    topo.push_back(b);
  }

  void mark_roots() {
    for (auto* b : topo) {  // sources come before their consumers
      Info& i = info[b];
      for (auto& s : b->srcs) {
        auto it = info.find(s->base());
        i.loads += (it == info.end() || it->second.root) ? 1 : it->second.loads;
      }
      // A big fused subtree read through an expand would be recomputed for every copy.
      i.root |= is_reduce(b->op) || b->op == Op::CONTIGUOUS || i.consumers > 1 || i.masked_read ||
                (i.expanded_read && i.loads > 4);
    }
  }

  // --- kernel construction
  Kernel k;
  std::vector<std::pair<const LazyBuffer*, ShapeTracker>> keys;  // per node: its (base, view)
  std::unordered_map<const Buffer*, int> bufidx;

  int add(KNode n, const LazyBuffer* key, const ShapeTracker& key_st) {
    keys.push_back({key, key_st});
    k.nodes.push_back(std::move(n));
    return static_cast<int>(k.nodes.size()) - 1;
  }

  int emit(LazyBuffer* b, const ShapeTracker& st) {
    // Identical (base, view) pairs share one node: the kernel is a DAG, not a tree.
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i].first == b && keys[i].second == st) return static_cast<int>(i);
    KNode n{b->op, b->dtype, {}, -1, st, 0};
    const BufferPtr* rb = nullptr;
    if (b->realized) {
      rb = &b->realized;
    } else if (auto p = pending.find(b); p != pending.end()) {
      rb = &p->second;
    }
    if (rb) {
      n.op = Op::LOAD;
      auto [it, fresh] = bufidx.try_emplace(rb->get(), static_cast<int>(k.bufs.size()));
      if (fresh) k.bufs.push_back(*rb);
      n.buf = it->second;
      return add(std::move(n), b, st);
    }
    if (b->op == Op::CONST) {
      n.value = b->value;
      return add(std::move(n), b, st);
    }
    TP_ASSERT(is_elementwise(b->op), "unscheduled ", op_name(b->op), " reached a kernel");
    TP_ASSERT(!st.has_mask() || b->srcs.empty(), "fused elementwise op read through a masked view");
    for (auto& s : b->srcs) n.src.push_back(emit(s->base(), st.on_top_of(s->st)));
    n.st = ShapeTracker::contiguous({});
    return add(std::move(n), b, st);
  }

  // The kernel realizing `root`; its output is a placeholder buffer that run() allocates.
  Kernel build(LazyBuffer* root, std::vector<const LazyBuffer*>* node_bases) {
    k = Kernel{};
    keys.clear();
    bufidx.clear();
    auto out = std::make_shared<Buffer>();
    out->device = root->device, out->dtype = root->dtype, out->numel = prod(root->shape());
    k.bufs.push_back(out);
    bufidx.emplace(out.get(), 0);
    k.out_shape = root->shape();
    k.out_dtype = root->dtype;
    if (is_reduce(root->op)) {
      const LB& s = root->srcs[0];
      k.full_shape = s->shape();
      k.reduce_op = root->op;
      k.reduce_axes = root->axes;
      emit(s->base(), s->st);
    } else if (root->op == Op::CONTIGUOUS) {
      k.full_shape = root->shape();
      emit(root->srcs[0]->base(), root->srcs[0]->st);
    } else {
      k.full_shape = root->shape();
      emit(root, root->st);
    }
    if (node_bases) {
      node_bases->clear();
      for (auto& [b, st] : keys) node_bases->push_back(b);
    }
    return std::move(k);
  }
};

}  // namespace

Schedule schedule_graph(const std::vector<LB>& targets, std::vector<std::vector<const LazyBuffer*>>* node_bases) {
  Scheduler s;
  for (auto& t : targets) {
    const LB& b = t->is_base() ? t : t->view_of;
    s.visit(b);
    if (!b->realized) s.info[b.get()].root = true;
  }
  for (auto& t : targets) {  // a constant target needs a kernel of its own
    const LB& b = t->is_base() ? t : t->view_of;
    if (b->op == Op::CONST && !b->realized) {
      s.topo.push_back(b.get());
      Info& i = s.info[b.get()];
      i.root = true, i.self = b;
    }
  }
  s.mark_roots();
  Schedule sched;
  if (node_bases) node_bases->clear();
  for (auto* b : s.topo) {
    if (!s.info[b].root || b->realized || s.pending.count(b)) continue;
    std::vector<const LazyBuffer*> nb;
    Kernel k = s.build(b, node_bases ? &nb : nullptr);
    s.pending.emplace(b, k.bufs[0]);
    sched.items.push_back({std::move(k), s.info[b].self});
    if (node_bases) node_bases->push_back(std::move(nb));
  }
  return sched;
}

Schedule schedule(const std::vector<LB>& targets) { return schedule_graph(targets, nullptr); }

void run_scheduled_kernel(Kernel& k, LazyBuffer* root) {
  Buffer& out = *k.bufs[0];
  if (!out.owner && !out.data) {  // allocated now, after the kernels before it freed what they could
    BufferPtr fresh = root->device->alloc(out.dtype, out.numel);
    out = *fresh;
  }
  Device& dev = *root->device;
  TP_CHECK(dev.supports(k), "device ", dev.name(), " cannot run kernel ", k.name());
  auto t0 = std::chrono::steady_clock::now();
  if (prod(k.full_shape) > 0 || prod(k.out_shape) > 0) dev.run(k);
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats().kernels_run++;
  if (debug_level() >= 2)
    std::fprintf(stderr, "  kernel %-40s %-22s %-5s %9.1f us\n", k.name().c_str(), shape_str(k.full_shape).c_str(),
                 dev.name().c_str(), dt * 1e6);
  if (debug_level() >= 3) std::fprintf(stderr, "%s", k.str().c_str());
  for (auto& o : observers()) o(k, dt);
  root->realized = k.bufs[0];
  root->srcs.clear();  // the graph above a realized buffer is no longer needed
}

void finish_schedule(int kernels) {
  stats().schedules++;
  if (debug_level() >= 1 && kernels) std::fprintf(stderr, "schedule: %d kernel(s)\n", kernels);
}

void run(Schedule s) {
  int n = 0;
  for (auto& it : s.items) {
    if (!it.out->realized) {
      run_scheduled_kernel(it.kernel, it.out.get());
      ++n;
    }
    { Kernel done = std::move(it.kernel); }  // its buffer references go now, as they always did
    it.out.reset();
  }
  finish_schedule(n);
}

void realize(const std::vector<LB>& targets) {
  if (schedule_cache_enabled() && realize_cached(targets)) return;
  run(schedule(targets));
}

// ---- Schedule as a value

namespace {
// Names every distinct buffer of a schedule by its order of first use.
struct BufferNames {
  std::unordered_map<const Buffer*, int> id;
  int of(const Buffer* b) { return id.try_emplace(b, static_cast<int>(id.size())).first->second; }
};
}  // namespace

std::string Schedule::to_string() const {
  BufferNames names;
  std::string r = "schedule: " + std::to_string(items.size()) + " kernel(s)\n";
  for (size_t i = 0; i < items.size(); ++i) {
    const Kernel& k = items[i].kernel;
    r += "[" + std::to_string(i) + "] ";
    for (size_t j = 0; j < k.bufs.size(); ++j) {
      const Buffer& b = *k.bufs[j];
      r += (j == 0 ? "out " : j == 1 ? " in " : ", ") + std::string("b") + std::to_string(names.of(&b)) + ":" +
           dtype_name(b.dtype) + "[" + std::to_string(b.numel) + "]";
    }
    r += "\n  " + k.str();
  }
  return r;
}

bool Schedule::operator==(const Schedule& o) const {
  if (items.size() != o.items.size()) return false;
  BufferNames na, nb;
  for (size_t i = 0; i < items.size(); ++i) {
    const Kernel &a = items[i].kernel, &b = o.items[i].kernel;
    if (a.full_shape != b.full_shape || a.out_shape != b.out_shape || a.reduce_op != b.reduce_op ||
        a.reduce_axes != b.reduce_axes || a.out_dtype != b.out_dtype || a.nodes.size() != b.nodes.size() ||
        a.bufs.size() != b.bufs.size())
      return false;
    for (size_t j = 0; j < a.nodes.size(); ++j) {
      const KNode &x = a.nodes[j], &y = b.nodes[j];
      if (x.op != y.op || x.dtype != y.dtype || x.src != y.src || x.buf != y.buf || !(x.st == y.st) ||
          !(x.value == y.value || (x.value != x.value && y.value != y.value)))
        return false;
    }
    for (size_t j = 0; j < a.bufs.size(); ++j) {
      const Buffer &x = *a.bufs[j], &y = *b.bufs[j];
      if (na.of(&x) != nb.of(&y) || x.dtype != y.dtype || x.numel != y.numel || x.device != y.device) return false;
    }
  }
  return true;
}

}  // namespace tinypynq
