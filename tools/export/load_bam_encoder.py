#!/usr/bin/python3
"""Reads a BAM encoder file (`bam checkpoint export`) with the Python standard library alone.

The file is safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian
header length, a JSON header (dtype, shape and data_offsets per tensor, and a "__metadata__"
map of strings), then the raw little-endian tensor bytes. The BAM exporter also stores the
SHA-256 of the data in the metadata ("data_sha256"); this reader checks it, so a changed byte
is reported instead of loaded. docs/encoder-export.md describes every metadata key.

As a library:
    from load_bam_encoder import read_safetensors, to_torch
    metadata, tensors = read_safetensors("encoder.safetensors")   # no third-party packages
    state_dict = to_torch(tensors)                                 # needs torch
    model.load_state_dict(state_dict)

As a command (prints one JSON document: the metadata, and per tensor its dtype, shape and the
SHA-256 of its bytes):
    /usr/bin/python3 tools/export/load_bam_encoder.py encoder.safetensors
"""

import hashlib
import json
import struct
import sys

FORMAT_NAME = "bam-encoder"
FORMAT_VERSION = "1"
MAX_HEADER_BYTES = 100_000_000
ELEMENT_SIZE = {"F32": 4, "F64": 8, "I64": 8}
_TORCH_DTYPES = {"F32": "float32", "F64": "float64", "I64": "int64"}


class EncoderFileError(ValueError):
    """The file is not a usable encoder file; the message names the file and what is wrong."""

    def __init__(self, path, reason):
        super().__init__(f"encoder file {path} cannot be used: {reason}")
        self.path = path
        self.reason = reason


def read_safetensors(path, verify=True):
    """Returns (metadata, {name: (dtype, shape, bytes)}), tensors in the order of their data.

    dtype is the safetensors name ("F32", "F64", "I64"), shape a tuple of ints, bytes the raw
    little-endian row-major data. With verify (the default) the file must be a BAM encoder
    export whose data matches its "data_sha256"; verify=False reads any safetensors file of
    these dtypes and checks its structure only.
    """
    with open(path, "rb") as f:
        blob = f.read()

    def bad(reason):
        return EncoderFileError(path, reason)

    if len(blob) < 8:
        raise bad(f"it is {len(blob)} bytes, shorter than the 8-byte header length: truncated, or not safetensors")
    (header_length,) = struct.unpack_from("<Q", blob, 0)
    if header_length > MAX_HEADER_BYTES:
        raise bad(f"its first 8 bytes give a header of {header_length} bytes, more than safetensors allows: not safetensors")
    if header_length > len(blob) - 8:
        raise bad(f"its header is {header_length} bytes but only {len(blob) - 8} follow the length: truncated")
    header_bytes = blob[8:8 + header_length]
    if not header_bytes.startswith(b"{"):
        raise bad("its header does not start with '{': not safetensors, or the header was changed")
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise bad(f"its header is not valid JSON ({e}): the header was changed or cut short") from None
    if not isinstance(header, dict):
        raise bad("its header is JSON but not an object")

    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise bad("its __metadata__ is not an object of strings")

    data = memoryview(blob)[8 + header_length:]
    entries = []
    for name, info in header.items():
        entries.append((name,) + _entry(name, info, bad))
    entries.sort(key=lambda e: (e[3], e[4]))
    expected_begin = 0
    for name, _, _, begin, end in entries:
        if begin != expected_begin:
            raise bad(f"tensor '{name}' starts at data byte {begin} but the tensor before it ends at {expected_begin}: the header was changed")
        if end > len(data):
            raise bad(f"tensor '{name}' needs data bytes [{begin}, {end}) but the file holds only {len(data)} data bytes: truncated")
        expected_begin = end
    if expected_begin != len(data):
        raise bad(f"{len(data) - expected_begin} bytes follow the last tensor's data: bytes were appended, or the header was changed")

    if verify:
        _check_bam_metadata(metadata, bad)
        actual = hashlib.sha256(data).hexdigest()
        if actual != metadata["data_sha256"].lower():
            raise bad(f"its tensor data hashes to SHA-256 {actual} but the header says {metadata['data_sha256']}: bytes were changed after it was written")

    tensors = {name: (dtype, shape, bytes(data[begin:end])) for name, dtype, shape, begin, end in entries}
    return metadata, tensors


def _entry(name, info, bad):
    if not isinstance(info, dict):
        raise bad(f"tensor '{name}' is not described by an object with dtype, shape and data_offsets")
    dtype = info.get("dtype")
    if dtype not in ELEMENT_SIZE:
        raise bad(f"tensor '{name}' has dtype {dtype!r}; an encoder file holds F32, F64 and I64 only")
    shape, offsets = info.get("shape"), info.get("data_offsets")
    for key, value in (("shape", shape), ("data_offsets", offsets)):
        if not isinstance(value, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in value):
            raise bad(f"tensor '{name}' has {key} {value!r}; every entry must be a non-negative integer")
    if len(offsets) != 2:
        raise bad(f"tensor '{name}' has {len(offsets)} data_offsets; safetensors gives [begin, end]")
    begin, end = offsets
    elements = 1
    for d in shape:
        elements *= d
    if end < begin or end - begin != elements * ELEMENT_SIZE[dtype]:
        raise bad(f"tensor '{name}' ({dtype} {shape}) has data_offsets [{begin}, {end}] but its shape needs {elements * ELEMENT_SIZE[dtype]} bytes")
    return dtype, tuple(shape), begin, end


def _check_bam_metadata(metadata, bad):
    if metadata.get("format") != FORMAT_NAME:
        raise bad(f"its metadata says format {metadata.get('format')!r}, not {FORMAT_NAME!r} (pass verify=False to read any safetensors file)")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise bad(f"it is {FORMAT_NAME} version {metadata.get('format_version')!r}; this loader reads version {FORMAT_VERSION}")
    for key in ("run_id", "step", "seed", "encoder_options", "feature_dim", "normalizer_mean", "normalizer_std", "data_sha256"):
        if key not in metadata:
            raise bad(f"its metadata has no {key!r}: not a complete BAM encoder export")


def encoder_info(metadata):
    """The structured metadata values decoded: encoder options (dict), feature_dim, step and
    seed (int), normalizer_mean / normalizer_std (lists of floats)."""
    info = dict(metadata)
    for key in ("encoder_options", "normalizer_mean", "normalizer_std"):
        info[key] = json.loads(metadata[key])
    for key in ("feature_dim", "step", "seed"):
        info[key] = int(metadata[key])
    return info


def to_torch(tensors):
    """{name: torch.Tensor} from read_safetensors' tensors (CPU, each owning a copy of its bytes),
    for model.load_state_dict. Needs torch; everything else in this file does not."""
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch needs PyTorch: pip install torch (read_safetensors works without it)") from None
    if sys.byteorder != "little":
        raise RuntimeError("encoder files are little-endian; this loader does not byte-swap on a big-endian machine")
    result = {}
    for name, (dtype, shape, data) in tensors.items():
        torch_dtype = getattr(torch, _TORCH_DTYPES[dtype])
        if len(data) == 0:
            # torch.frombuffer refuses an empty buffer; an empty tensor needs no bytes.
            result[name] = torch.empty(shape, dtype=torch_dtype)
        else:
            # bytearray: frombuffer shares the buffer, and a writable one spares a warning.
            result[name] = torch.frombuffer(bytearray(data), dtype=torch_dtype).reshape(shape)
    return result


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        metadata, tensors = read_safetensors(argv[1])
    except (EncoderFileError, OSError) as e:
        print(f"load_bam_encoder: {e}", file=sys.stderr)
        return 1
    report = {
        "metadata": metadata,
        "tensors": {name: {"dtype": dtype, "shape": list(shape), "sha256": hashlib.sha256(data).hexdigest()}
                    for name, (dtype, shape, data) in tensors.items()},
    }
    json.dump(report, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
