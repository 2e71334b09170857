"""Minimal safetensors reader/writer for the PyTorch oracle (no `safetensors` package here).

Format: u64 little-endian header length N, N bytes of JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then raw little-endian data; offsets are relative to the first byte after the header.
Deliberately not supported: big-endian hosts, memory mapping, dtypes outside _DTYPES.
save() writes tensors sorted by name and pads the header with spaces to a multiple of 8.
"""
import json
import struct

import numpy as np
import torch

# safetensors dtype -> (numpy storage dtype, torch dtype). BF16 travels as raw 16-bit words.
_DTYPES = {
    "F64": (np.dtype("<f8"), torch.float64),
    "F32": (np.dtype("<f4"), torch.float32),
    "F16": (np.dtype("<f2"), torch.float16),
    "BF16": (np.dtype("<i2"), torch.bfloat16),
    "I64": (np.dtype("<i8"), torch.int64),
    "I32": (np.dtype("<i4"), torch.int32),
    "I16": (np.dtype("<i2"), torch.int16),
    "I8": (np.dtype("i1"), torch.int8),
    "U8": (np.dtype("u1"), torch.uint8),
}
_TORCH_TO_NAME = {tdt: name for name, (_, tdt) in _DTYPES.items()}


def load(path):
    """Returns (dict name -> torch.Tensor, metadata dict)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = memoryview(blob)[8 + n:]
    meta = header.pop("__metadata__", None) or {}
    out = {}
    for name, info in header.items():
        npdt, tdt = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = list(info["shape"])
        count = int(np.prod(shape)) if shape else 1
        if end - begin != count * npdt.itemsize:
            raise ValueError(f"{path}: tensor {name}: {end - begin} bytes for shape {shape}")
        arr = np.frombuffer(data[begin:end], dtype=npdt).astype(npdt.newbyteorder("="), copy=True)
        t = torch.from_numpy(arr)
        if tdt == torch.bfloat16:
            t = t.view(torch.bfloat16)
        out[name] = t.reshape(shape)
    return out, meta


def save(path, tensors, metadata=None):
    """Writes dict name -> torch.Tensor; dtypes are kept (convert before calling)."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _TORCH_TO_NAME:
            raise ValueError(f"tensor {name}: unsupported dtype {t.dtype}")
        dname = _TORCH_TO_NAME[t.dtype]
        if t.dtype == torch.bfloat16:
            t = t.view(torch.int16)
        raw = t.numpy().astype(_DTYPES[dname][0], copy=False).tobytes()
        header[name] = {"dtype": dname, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for raw in chunks:
            f.write(raw)
