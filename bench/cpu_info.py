"""What a bench table needs to be read fairly: the CPU and its instruction sets, and the peer
PyTorch run on OpenBLAS's fastest kernels for this CPU (chosen by a measured sgemm, not trusted to
autodetection: Debian's OpenBLAS 0.3.21 takes some current CPUs for a Prescott).

  from cpu_info import cpu_line, fastest_openblas
  python3 bench/cpu_info.py [--threads 2]   # prints both
"""
import argparse, os, subprocess, sys

FLAGS = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16",
         "amx_tile", "amx_int8", "amx_bf16"]
# OpenBLAS core types worth trying on x86-64 (a type the CPU cannot run fails and is skipped)
CORETYPES = ["", "Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"]

SGEMM = """
import time, torch
torch.set_num_threads({threads})
n = 2048
a, b = torch.randn(n, n), torch.randn(n, n)
for _ in range(2): a @ b
best = 0.0
for _ in range(3):
    t = time.perf_counter(); a @ b; dt = time.perf_counter() - t
    best = max(best, 2 * n ** 3 / dt / 1e9)
print(best)
"""


def cpu_line():
    """'<model name> [flags]' from /proc/cpuinfo."""
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    return f"{model} [{' '.join(f for f in FLAGS if f in flags) or 'no AVX2'}]"


def fastest_openblas(threads, python="/usr/bin/python3", log=sys.stderr):
    """(env with OPENBLAS_CORETYPE set to the fastest measured type, or unset if autodetect wins;
    the type's name; its GFLOP/s; every type's GFLOP/s)"""
    tried = {}
    for core in CORETYPES:
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
        if core:
            env["OPENBLAS_CORETYPE"] = core
        r = subprocess.run([python, "-c", SGEMM.format(threads=threads)], capture_output=True, text=True, env=env)
        if r.returncode == 0:
            tried[core or "autodetect"] = float(r.stdout.strip().splitlines()[-1])
    if not tried:
        raise SystemExit("PyTorch could not run an sgemm under any OpenBLAS core type")
    best = max(tried, key=tried.get)
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if best != "autodetect":
        env["OPENBLAS_CORETYPE"] = best
    print("OpenBLAS sgemm 2048^3 (PyTorch a @ b) by OPENBLAS_CORETYPE: " +
          ", ".join(f"{k} {v:.0f}" for k, v in tried.items()) + f" GFLOP/s -> PyTorch runs with {best}",
          file=log, flush=True)
    return env, best, tried[best], tried


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    print("CPU:", cpu_line())
    fastest_openblas(a.threads, log=sys.stdout)
