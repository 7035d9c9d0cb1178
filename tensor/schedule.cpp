#include "tensor/schedule.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

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
};

class Scheduler {
 public:
  std::unordered_map<LazyBuffer*, Info> info;
  std::vector<LazyBuffer*> topo;

  void visit(LazyBuffer* b) {
    if (b->realized || b->op == Op::CONST) return;
    auto [it, fresh] = info.try_emplace(b);
    if (!fresh) return;
    for (auto& s : b->srcs) {
      LazyBuffer* sb = s->base();
      if (sb->realized || sb->op == Op::CONST) continue;
      visit(sb);
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
  std::vector<std::pair<const LazyBuffer*, ShapeTracker>> keys;
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
    if (b->realized) {
      n.op = Op::LOAD;
      auto [it, fresh] = bufidx.try_emplace(b->realized.get(), static_cast<int>(k.bufs.size()));
      if (fresh) k.bufs.push_back(b->realized);
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

  Kernel build(LazyBuffer* root) {
    k = Kernel{};
    keys.clear();
    bufidx.clear();
    k.bufs.push_back(nullptr);  // output, allocated below
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
    k.bufs[0] = root->device->alloc(root->dtype, prod(k.out_shape));
    return std::move(k);
  }
};

}  // namespace

static void run_kernel(Kernel& k, LazyBuffer* root) {
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
}

void realize(const std::vector<LB>& targets) {
  Scheduler s;
  for (auto& t : targets) {
    LazyBuffer* b = t->base();
    s.visit(b);
    if (!b->realized) s.info[b].root = true;
  }
  for (auto& t : targets)  // a constant target needs a kernel of its own
    if (t->base()->op == Op::CONST && !t->base()->realized) s.topo.push_back(t->base()), s.info[t->base()].root = true;
  s.mark_roots();
  int n = 0;
  for (auto* b : s.topo) {
    if (!s.info[b].root || b->realized) continue;
    Kernel k = s.build(b);
    run_kernel(k, b);
    b->realized = k.bufs[0];
    b->srcs.clear();  // the graph above a realized buffer is no longer needed
    ++n;
  }
  stats().schedules++;
  if (debug_level() >= 1 && n) std::fprintf(stderr, "schedule: %d kernel(s)\n", n);
}

}  // namespace tinypynq
