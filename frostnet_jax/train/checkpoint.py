"""Checkpoint files that execute no code on load: a JSON header plus a msgpack parameter payload.

Layout of one file::

    b"FROSTNET-JAX-CKPT 1\\n"  8-byte little-endian header length  header (UTF-8 JSON)  payload

The header holds the caller's metadata plus the payload's byte length and
SHA-256; the payload is ``flax.serialization.to_bytes`` of a parameter pytree
(msgpack of plain arrays). A truncated or altered file raises CheckpointError.
"""
from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

import flax.serialization
import jax
import numpy as np

from frostnet_jax.errors import CheckpointError
from frostnet_jax.files import atomic_write_bytes

MAGIC = b"FROSTNET-JAX-CKPT 1\n"


def save_checkpoint(path: str | os.PathLike, params: Any, meta: dict[str, Any]) -> None:
    """Write `params` (a pytree of arrays) and JSON-serialisable `meta` to `path` atomically."""
    payload = flax.serialization.to_bytes(jax.device_get(params))
    header = json.dumps({"meta": meta, "payload_bytes": len(payload),
                         "sha256": hashlib.sha256(payload).hexdigest()}, sort_keys=True).encode()
    atomic_write_bytes(Path(path), MAGIC + struct.pack("<Q", len(header)) + header + payload)


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read a checkpoint: (parameter state dict of numpy arrays, meta). Verifies length and checksum."""
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc}") from None
    if not blob.startswith(MAGIC):
        raise CheckpointError(f"{path} is not a FrostNet-JAX checkpoint (bad magic bytes); "
                              "save it with save_detector.")
    start = len(MAGIC) + 8
    if len(blob) < start:
        raise CheckpointError(f"{path} is truncated (no header); save it again.")
    (n_header,) = struct.unpack("<Q", blob[len(MAGIC):start])
    try:
        header = json.loads(blob[start:start + n_header])
        meta, n_payload, digest = header["meta"], header["payload_bytes"], header["sha256"]
    except (ValueError, KeyError, TypeError):
        raise CheckpointError(f"{path} has a corrupt or truncated header; save it again.") from None
    payload = blob[start + n_header:]
    if len(payload) != n_payload:
        raise CheckpointError(f"{path} is truncated or padded: payload has {len(payload)} bytes, "
                              f"the header says {n_payload}; save it again.")
    if hashlib.sha256(payload).hexdigest() != digest:
        raise CheckpointError(f"{path} is corrupt: the payload's SHA-256 does not match its header.")
    return flax.serialization.msgpack_restore(payload), meta


def restore_params(template: Any, state_dict: dict[str, Any], what: str = "checkpoint") -> Any:
    """Fill `template` (a pytree of arrays or ShapeDtypeStructs) from `state_dict`, checking every shape.

    Raises:
      CheckpointError: naming each parameter that is missing, extra or of another shape.
    """
    want = flax.traverse_util.flatten_dict(flax.serialization.to_state_dict(template), sep="/")
    got = flax.traverse_util.flatten_dict(state_dict, sep="/")
    problems = [f"{k}: missing" for k in sorted(set(want) - set(got))]
    problems += [f"{k}: unexpected" for k in sorted(set(got) - set(want))]
    problems += [f"{k}: saved shape {np.shape(got[k])}, expected {tuple(want[k].shape)}"
                 for k in sorted(set(want) & set(got)) if np.shape(got[k]) != tuple(want[k].shape)]
    if problems:
        raise CheckpointError(f"{what} does not match the model's parameters: " + "; ".join(problems))
    return flax.serialization.from_state_dict(template, state_dict)
