#!/usr/bin/python3
"""PyTorch reference for `tinypynq bench mlp-step`: the same 784-128-10 MLP, Adam(lr=1e-3),
cross-entropy, batch 128, synthetic data; prints the median step time in ms (wall, and CPU time
of the calling thread, steadier on a loaded machine) as JSON."""
import argparse, json, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--batch", type=int, default=128)
p.add_argument("--steps", type=int, default=200)
p.add_argument("--warmup", type=int, default=20)
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(a.batch, 784)
y = torch.arange(a.batch) % 10
times, cpu = [], []
for s in range(a.warmup + a.steps):
    t0, c0 = time.perf_counter(), time.thread_time()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    loss.item()
    if s >= a.warmup:
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
times.sort()
cpu.sort()
print(json.dumps({"bench": "torch-mlp-step", "threads": a.threads, "batch": a.batch,
                  "median_ms": times[len(times) // 2] * 1e3, "cpu_median_ms": cpu[len(cpu) // 2] * 1e3}))
