// The schedule cache of realize(), after tinygrad's TinyJit: a training step builds the same
// lazy graph every iteration (new buffers, new constants such as Adam's bias correction), so
// the graph analysis and kernel construction of the first step can be reused. The key is the
// graph flattened into integers: every base's op, dtype, device, shape, reduce axes and
// sources with the views they are read through; realized buffers by dtype, size and which
// nodes share them; constants without their values. Equal keys give equal schedules (the
// scheduler reads nothing else), so a hit binds this graph's buffers and constant values into
// the cached kernels and runs them: the same kernels, in the same order, with the same
// allocations, as scheduling afresh would give.
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "tensor/schedule_cache.h"

namespace tinypynq {

namespace {

bool& cache_flag() {
  static bool on = [] {
    const char* e = std::getenv("TINYPYNQ_SCHEDULE_CACHE");
    return !(e && std::strcmp(e, "0") == 0);
  }();
  return on;
}

enum Tok : int64_t { kLeaf = -1, kConst = -2, kNode = -3, kTargets = -4 };

// The graph under some targets, flattened: its structural key and its bases by id.
struct GraphWalk {
  std::vector<int64_t> tok;
  std::vector<LazyBuffer*> nodes;  // by id, in first-visit order
  std::unordered_map<const LazyBuffer*, int> id;
  std::unordered_map<const Buffer*, int> first_holder;  // realized buffer -> first node holding it
  std::vector<int> srcs;                                // scratch

  void put_shape(const Shape& s) {
    tok.push_back(static_cast<int64_t>(s.size()));
    tok.insert(tok.end(), s.begin(), s.end());
  }
  void put_st(const ShapeTracker& st) {
    tok.push_back(static_cast<int64_t>(st.views().size()));
    for (const View& v : st.views()) {
      put_shape(v.shape);
      tok.insert(tok.end(), v.strides.begin(), v.strides.end());
      tok.push_back(v.offset);
      tok.push_back(static_cast<int64_t>(v.mask.size()));
      for (auto& [lo, hi] : v.mask) tok.push_back(lo), tok.push_back(hi);
    }
  }
  int ref(LazyBuffer* b) {
    auto [it, fresh] = id.try_emplace(b, static_cast<int>(nodes.size()));
    if (!fresh) return it->second;
    const int me = it->second;
    nodes.push_back(b);
    const auto dev = static_cast<int64_t>(reinterpret_cast<uintptr_t>(b->device));
    if (b->realized) {
      const Buffer* rb = b->realized.get();
      const int first = first_holder.try_emplace(rb, me).first->second;
      tok.insert(tok.end(), {kLeaf, me, first, static_cast<int64_t>(rb->dtype), rb->numel,
                             static_cast<int64_t>(reinterpret_cast<uintptr_t>(rb->device))});
      put_shape(b->shape());
      return me;
    }
    if (b->op == Op::CONST) {
      tok.insert(tok.end(), {kConst, me, static_cast<int64_t>(b->dtype), dev});
      put_shape(b->shape());
      return me;
    }
    const size_t mark = srcs.size();
    for (auto& s : b->srcs) {
      int sid = ref(s->base());
      srcs.push_back(sid);
    }
    tok.insert(tok.end(), {kNode, me, static_cast<int64_t>(b->op), static_cast<int64_t>(b->dtype), dev,
                           static_cast<int64_t>(b->axes.size())});
    tok.insert(tok.end(), b->axes.begin(), b->axes.end());
    put_shape(b->shape());
    tok.push_back(static_cast<int64_t>(b->srcs.size()));
    for (size_t i = 0; i < b->srcs.size(); ++i) {
      tok.push_back(srcs[mark + i]);
      put_st(b->srcs[i]->st);
    }
    srcs.resize(mark);
    return me;
  }
  uint64_t hash() const {
    uint64_t h = 1469598103934665603ull;
    for (int64_t t : tok) h = (h ^ static_cast<uint64_t>(t)) * 1099511628211ull;
    return h;
  }
};

struct CachedKernel {
  Kernel k;                                 // bufs are null between runs
  Buffer out;                               // the output's device, dtype and size (no memory)
  std::vector<int> bufs;                    // per k.bufs[j>0]: node id of a leaf, or -1-i for kernel i's output
  std::vector<std::pair<int, int>> consts;  // (index in k.nodes, node id) of every CONST node
  int root = -1;                            // node id of the base it realizes
};

struct Entry {
  std::vector<int64_t> tok;
  std::vector<CachedKernel> ks;
};

constexpr size_t kMaxEntries = 256;  // a program with more distinct graphs than this starts over

struct Cache {
  std::unordered_map<uint64_t, std::vector<Entry>> map;
  size_t entries = 0;
  int depth = 0;  // realize() inside a kernel (none today) would bypass the cache
};
Cache& cache() {
  static Cache c;
  return c;
}

// A cache entry for the schedule just built from walk `w`; false when something in it cannot
// be traced back to the graph (then it is not cached).
bool make_entry(const Schedule& s, const std::vector<std::vector<const LazyBuffer*>>& node_bases,
                const GraphWalk& w, Entry& e) {
  std::unordered_map<const Buffer*, int> src;  // buffer -> leaf node id, or -1-i for kernel i's output
  for (auto& [b, id] : w.first_holder) src.emplace(b, id);
  for (size_t i = 0; i < s.items.size(); ++i) src[s.items[i].kernel.bufs[0].get()] = -1 - static_cast<int>(i);
  e.ks.resize(s.items.size());
  for (size_t i = 0; i < s.items.size(); ++i) {
    const Kernel& k = s.items[i].kernel;
    CachedKernel& c = e.ks[i];
    auto r = w.id.find(s.items[i].out.get());
    if (r == w.id.end()) return false;
    c.root = r->second;
    c.out.device = k.bufs[0]->device, c.out.dtype = k.bufs[0]->dtype, c.out.numel = k.bufs[0]->numel;
    for (size_t j = 1; j < k.bufs.size(); ++j) {
      auto it = src.find(k.bufs[j].get());
      if (it == src.end()) return false;
      c.bufs.push_back(it->second);
    }
    for (size_t n = 0; n < k.nodes.size(); ++n) {
      if (k.nodes[n].op != Op::CONST) continue;
      auto it = w.id.find(node_bases[i][n]);
      if (it == w.id.end()) return false;
      c.consts.push_back({static_cast<int>(n), it->second});
    }
    c.k.nodes = k.nodes, c.k.full_shape = k.full_shape, c.k.reduce_op = k.reduce_op;
    c.k.reduce_axes = k.reduce_axes, c.k.out_shape = k.out_shape, c.k.out_dtype = k.out_dtype;
    c.k.bufs.assign(k.bufs.size(), nullptr);
  }
  return true;
}

void run_entry(Entry& e, const GraphWalk& w) {
  // Bind everything first, while every node of the graph is alive; running a kernel drops the
  // graph above its output.
  std::vector<BufferPtr> outs(e.ks.size());
  for (size_t i = 0; i < e.ks.size(); ++i) {
    CachedKernel& c = e.ks[i];
    outs[i] = std::make_shared<Buffer>(c.out);
    c.k.bufs[0] = outs[i];
    for (size_t j = 0; j < c.bufs.size(); ++j) {
      const int s = c.bufs[j];
      c.k.bufs[j + 1] = s >= 0 ? w.nodes[s]->realized : outs[-1 - s];
    }
    for (auto& [n, id] : c.consts) c.k.nodes[n].value = w.nodes[id]->value;
  }
  outs.clear();
  struct Unbind {  // a failing kernel leaves no buffer referenced by the cache
    Entry& e;
    ~Unbind() {
      for (auto& c : e.ks)
        for (auto& b : c.k.bufs) b.reset();
    }
  } unbind{e};
  for (auto& c : e.ks) {
    run_scheduled_kernel(c.k, w.nodes[c.root]);
    for (auto& b : c.k.bufs) b.reset();  // in order, as the uncached path releases a kernel's buffers
  }
  finish_schedule(static_cast<int>(e.ks.size()));
}

}  // namespace

void set_schedule_cache(bool on) {
  cache_flag() = on;
  if (!on) clear_schedule_cache();
}
bool schedule_cache_enabled() { return cache_flag(); }
void clear_schedule_cache() {
  TP_CHECK(cache().depth == 0, "clear_schedule_cache: called while a cached schedule runs");
  cache().map.clear();
  cache().entries = 0;
}

bool realize_cached(const std::vector<LB>& targets) {
  Cache& c = cache();
  if (!cache_flag() || c.depth > 0) return false;
  GraphWalk w;
  for (auto& t : targets) w.ref(t->base());
  w.tok.push_back(kTargets);
  for (auto& t : targets) w.tok.push_back(w.id.at(t->base()));
  const uint64_t h = w.hash();
  struct Depth {
    int& d;
    explicit Depth(int& x) : d(x) { ++d; }
    ~Depth() { --d; }
  } depth(c.depth);
  if (auto it = c.map.find(h); it != c.map.end())
    for (Entry& e : it->second)
      if (e.tok == w.tok) {
        stats().cache_hits++;
        run_entry(e, w);
        return true;
      }
  std::vector<std::vector<const LazyBuffer*>> node_bases;
  Schedule s = schedule_graph(targets, &node_bases);
  Entry e;
  const bool keep = !s.empty() && make_entry(s, node_bases, w, e);
  run(std::move(s));
  if (keep) {
    if (c.entries >= kMaxEntries) c.map.clear(), c.entries = 0;
    e.tok = std::move(w.tok);
    c.map[h].push_back(std::move(e));
    ++c.entries;
  }
  return true;
}

}  // namespace tinypynq
